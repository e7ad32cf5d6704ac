import pytest
from rest_framework.test import APIClient

from hamafza.core.models import Language, Province
from hamafza.directory.models import Organization
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client():
    client = APIClient()
    client.force_authenticate(UserFactory(is_coordinator=True))
    return client


def test_list_filters_search_and_pagination(client):
    qom = Province.objects.get(code="IR-25")
    for i in range(30):
        OrganizationFactory(name=f"هیئت شماره {i}", province=qom if i < 3 else None)
    OrganizationFactory(name="مسجد الکاظمیة", names={"en": "Kadhimiya mosque"}, kind="mosque")
    page = client.get("/api/organizations/").json()
    assert page["count"] == 31 and len(page["results"]) == 25 and page["next"]
    assert client.get("/api/organizations/", {"province": "IR-25"}).json()["count"] == 3
    found = client.get("/api/organizations/", {"q": "الكاظمية"}).json()
    assert [o["name"] for o in found["results"]] == ["مسجد الکاظمیة"]
    assert client.get("/api/organizations/", {"q": "kadhimiya"}).json()["count"] == 1
    assert client.get("/api/organizations/", {"kind": "mosque"}).json()["count"] == 1


def test_create_with_codes_and_read_back(coordinator_client):
    response = coordinator_client.post(
        "/api/organizations/",
        {
            "kind": "shrine",
            "name": "العتبة الكاظمية المقدسة",
            "names": {"fa": "آستان مقدس کاظمین", "en": "Kadhimiya shrine"},
            "country": "IQ",
            "province": "IQ-BG",
            "languages": ["ar", "fa"],
            "fields": ["pilgrim-services"],
            "latitude": "33.380000",
            "longitude": "44.338100",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["country"] == "IQ" and sorted(body["languages"]) == ["ar", "fa"]
    organization = Organization.objects.get(pk=body["id"])
    assert organization.province.code == "IQ-BG"
    assert organization.fields.get().code == "pilgrim-services"


@pytest.mark.parametrize(
    "language, expected",
    [("fa", "این مقدار لازم است"), ("ar", "هذا الحقل مطلوب"), ("en", "This field is required")],
)
def test_field_errors_are_in_the_visitors_language(coordinator_client, language, expected):
    response = coordinator_client.post(
        "/api/organizations/", {"kind": "heyat"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert expected in response.json()["name"][0]
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"country": "ZZ"}, "country"),
        ({"province": "IQ-NA"}, "province"),
        ({"latitude": "95"}, "latitude"),
        ({"languages": ["xx"]}, "languages"),
        ({"names": "not a mapping"}, "names"),
        ({"kind": "castle"}, "kind"),
        ({"parent": 987654}, "parent"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_payloads_get_field_errors_and_change_nothing(coordinator_client, payload, field):
    base = {"kind": "heyat", "name": "هیئت", "country": "IR"}
    response = coordinator_client.post("/api/organizations/", {**base, **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Organization.objects.exists()


def test_cycle_via_api_is_a_field_error(coordinator_client):
    parent = OrganizationFactory()
    child = OrganizationFactory(parent=parent)
    response = coordinator_client.patch(
        f"/api/organizations/{parent.pk}/", {"parent": child.pk}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    parent.refresh_from_db()
    assert parent.parent is None


def test_malformed_json_is_a_400(coordinator_client):
    response = coordinator_client.generic(
        "POST", "/api/organizations/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/organizations/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "jsdelivr" not in docs.lower()


def test_places_endpoints(client):
    provinces = client.get("/api/provinces/", {"country": "IR"}).json()
    assert len(provinces) == 31
    qom = next(p for p in provinces if p["code"] == "IR-25")
    assert qom["names"]["fa"] == "قم"
    assert client.get("/api/countries/IQ/").json()["names"]["ar"] == "العراق"
    assert Language.objects.filter(code="fa").exists()
    assert {"code": "fa"}.items() <= client.get("/api/languages/fa/").json().items()


@pytest.mark.parametrize(
    "path",
    [
        "/api/organizations/99999999999999999999999/",
        "/api/organizations/?page=99999999999999999999",
        "/api/organizations/?parent=99999999999999999999",
        "/api/people/99999999999999999999/",
        "/api/memberships/?organization=99999999999999999999",
    ],
)
def test_huge_numbers_are_not_errors(client, path):
    assert client.get(path).status_code in (200, 404)


def test_huge_parent_in_a_payload_is_a_field_error(coordinator_client):
    response = coordinator_client.post(
        "/api/organizations/",
        {"kind": "heyat", "name": "هیئت", "country": "IR", "parent": 10**30},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def _png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (15, 92, 77)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_upload_checks_type_and_size(coordinator_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    organization = OrganizationFactory()
    url = f"/api/organizations/{organization.pk}/"
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = coordinator_client.patch(url, {"logo": fake}, format="multipart")
    assert response.status_code == 400 and "logo" in response.json()
    settings.HAMAFZA_LOGO_MAX_BYTES = 10
    big = SimpleUploadedFile("logo.png", _png_bytes(), content_type="image/png")
    response = coordinator_client.patch(url, {"logo": big}, format="multipart")
    assert response.status_code == 400 and "logo" in response.json()
    settings.HAMAFZA_LOGO_MAX_BYTES = 1024 * 1024
    good = SimpleUploadedFile("logo.png", _png_bytes(), content_type="image/png")
    response = coordinator_client.patch(url, {"logo": good}, format="multipart")
    assert response.status_code == 200, response.content
    organization.refresh_from_db()
    assert organization.logo.name.endswith(".png")
