"""The quarterly guides' API: who sees which guides, every write refused to anyone but the
committee, the workflow's refusals as 400s in the caller's language, bad input, and the
schema."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.publishing import services_guides
from hamafza.publishing.models import Guide, GuideStatus
from hamafza.publishing.tests.factories import GuideFactory

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% guide\n"
LIST = "/api/guides/"


def one(pk: int) -> str:
    return f"/api/guides/{pk}/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fast_pdf(monkeypatch):
    monkeypatch.setattr(
        services_guides,
        "guide_pdf",
        lambda *, guide, final=False: FAKE_PDF + (b"final" if final else b"proof"),
    )


@pytest.fixture
def people(db):
    organization = OrganizationFactory()
    return {
        "anonymous": None,
        "editor": user_with_role(organization, Role.EDITOR, username="api_guides_editor"),
        "coordinator": UserFactory(username="api_guides_coordinator", is_coordinator=True),
    }


def api(user=None, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["hamafza_language"] = language
    if user is not None:
        client.force_authenticate(user)
    return client


def with_pdf(guide: Guide) -> Guide:
    guide.pdf.save(f"file-{guide.pk}.pdf", ContentFile(FAKE_PDF), save=False)
    guide.rendered_at = timezone.now()
    guide.save()
    return guide


def published(**values) -> Guide:
    return with_pdf(
        GuideFactory(status=GuideStatus.PUBLISHED, published_at=timezone.now(), **values)
    )


# --- reading ----------------------------------------------------------------------------------


def test_everyone_lists_the_published_guides_only(people):
    guide = published()
    draft = GuideFactory(quarter=2)
    for who in ("anonymous", "editor"):
        response = api(people[who]).get(LIST)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [guide.pk]
        row = response.json()["results"][0]
        assert row["pdf"].endswith(f"/news/guides/{guide.pk}/pdf/")
        assert row["title"] == "Farvardin–Khordad 1404"
        assert "render_error" not in row
        assert api(people[who]).get(one(draft.pk)).status_code == 404
    committee = api(people["coordinator"]).get(LIST).json()["results"]
    assert {row["id"] for row in committee} == {guide.pk, draft.pk}


def test_the_list_s_queries_do_not_grow_with_the_guides(people):
    client = api(people["coordinator"])
    published(quarter=1)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for year in (1401, 1402, 1403):
        for quarter in (1, 2, 3, 4):
            published(year=year, quarter=quarter)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert response.json()["count"] == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_junk_ids_are_not_found(people):
    client = api(people["coordinator"])
    assert client.get("/api/guides/99999999/").status_code == 404
    assert client.get("/api/guides/abc/").status_code == 404
    assert client.post("/api/guides/99999999999999999999999/approve/").status_code == 404


# --- the workflow -----------------------------------------------------------------------------


def test_the_committee_makes_renders_approves_and_publishes(
    people, fast_pdf, django_capture_on_commit_callbacks
):
    client = api(people["coordinator"])
    # Create, with an introduction
    created = client.post(
        LIST,
        {
            "calendar": "gregorian",
            "year": 2025,
            "quarter": 2,
            "language": "en",
            "introduction": "A quarter of service.",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["starts_on"], data["ends_on"], data["status"]) == (
        "2025-04-01",
        "2025-06-30",
        "draft",
    )
    pk = data["id"]
    # Edit the introduction
    patched = client.patch(one(pk), {"introduction": "A quarter of service and growth."})
    assert patched.status_code == 200
    assert patched.json()["introduction"] == "A quarter of service and growth."
    # Render a proof (in the background, once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        rendered = client.post(f"{one(pk)}render/")
    assert rendered.status_code == 202
    assert client.get(one(pk)).json()["rendered_at"] is not None
    # Approve, publish
    assert client.post(f"{one(pk)}approve/").json()["status"] == "approved"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{one(pk)}publish/").status_code == 202
    guide = Guide.objects.get(pk=pk)
    assert guide.status == GuideStatus.PUBLISHED
    assert api().get(one(pk)).json()["pdf"].endswith(f"/news/guides/{pk}/pdf/")


def test_workflow_refusals_are_400s_in_the_caller_s_language(people, fast_pdf):
    client = api(people["coordinator"])
    draft = GuideFactory()
    # Approve without a proof
    response = client.post(f"{one(draft.pk)}approve/")
    assert response.status_code == 400
    assert "Render a proof" in response.json()["non_field_errors"][0]
    # Publish a draft
    response = client.post(f"{one(draft.pk)}publish/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "Only an approved guide can be published. Approve its proof first."
    ]
    # Edit a published guide
    guide = published(quarter=2)
    response = client.patch(one(guide.pk), {"introduction": "Changed"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "This guide is published and can no longer be changed."
    ]
    guide.refresh_from_db()
    assert guide.introduction != "Changed"
    # Delete a published guide: the policy refuses
    assert client.delete(one(guide.pk)).status_code == 403
    # A duplicate
    response = client.post(
        LIST,
        {"calendar": "solar", "year": 1404, "quarter": 1, "language": "fa"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "There is already a guide for this quarter in this language."
    ]


def test_a_refusal_comes_in_persian_for_a_persian_caller(people):
    body = {"calendar": "solar", "year": 1404, "quarter": 9, "language": "fa"}
    persian = api(people["coordinator"], language="fa").post(LIST, body, format="json")
    english = api(people["coordinator"], language="en").post(LIST, body, format="json")
    assert persian.status_code == english.status_code == 400
    assert persian.json()["quarter"] != english.json()["quarter"]
    assert "۴" in persian.json()["quarter"][0] or "4" in persian.json()["quarter"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"calendar": "lunar", "year": 1404, "quarter": 1, "language": "fa"}, "calendar"),
        ({"calendar": "solar", "year": "abc", "quarter": 1, "language": "fa"}, "year"),
        ({"calendar": "solar", "year": 10**30, "quarter": 1, "language": "fa"}, "year"),
        ({"calendar": "solar", "year": 1404, "quarter": 0, "language": "fa"}, "quarter"),
        ({"calendar": "solar", "year": 1404, "quarter": 1, "language": "de"}, "language"),
        ({"calendar": "gregorian", "year": 1404, "quarter": 1, "language": "en"}, "year"),
        ({"calendar": "solar", "year": 1404, "quarter": 1}, "language"),
        (
            {"calendar": "solar", "year": 1404, "quarter": 1, "language": "fa", "status": "x"},
            "non_field_errors",
        ),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_nothing_is_made(people, body, field):
    response = api(people["coordinator"]).post(LIST, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Guide.objects.exists()


def test_an_update_takes_the_introduction_only(people):
    guide = GuideFactory()
    client = api(people["coordinator"])
    response = client.patch(one(guide.pk), {"status": "published"}, format="json")
    assert response.status_code == 400
    response = client.patch(one(guide.pk), {"introduction": "x" * 20_001}, format="json")
    assert response.status_code == 400
    assert "introduction" in response.json()
    guide.refresh_from_db()
    assert guide.status == GuideStatus.DRAFT


def states() -> dict:
    return {
        guide.pk: (guide.status, guide.introduction, guide.pdf.name, guide.rendered_at)
        for guide in Guide.objects.all()
    }


# --- who may write ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_no_one_but_the_committee_writes(people, who, fast_pdf):
    client = api(people[who])
    draft = with_pdf(GuideFactory())
    approved = with_pdf(GuideFactory(quarter=2, status=GuideStatus.APPROVED))
    public = published(quarter=3)
    before = {
        guide.pk: (guide.status, guide.introduction, guide.pdf.name)
        for guide in Guide.objects.all()
    }
    created = client.post(
        LIST, {"calendar": "solar", "year": 1403, "quarter": 1, "language": "fa"}, format="json"
    )
    assert created.status_code == 403
    for guide in (draft, approved, public):
        attempts = [
            client.patch(one(guide.pk), {"introduction": "نفوذ"}, format="json"),
            client.delete(one(guide.pk)),
            client.post(f"{one(guide.pk)}render/"),
            client.post(f"{one(guide.pk)}approve/"),
            client.post(f"{one(guide.pk)}publish/"),
        ]
        # A guide they may not read is not found; the published one is refused
        expected = {403} if guide is public else {403, 404}
        assert {response.status_code for response in attempts} <= expected
    after = {
        guide.pk: (guide.status, guide.introduction, guide.pdf.name)
        for guide in Guide.objects.all()
    }
    assert after == before


def test_the_schema_describes_the_guides(people):
    response = api(people["coordinator"]).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/guides/{id}/approve/" in text
    assert "/api/guides/{id}/render/" in text
