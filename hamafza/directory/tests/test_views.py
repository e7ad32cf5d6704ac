import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamafza.core.models import Country, Language, Province
from hamafza.core.selectors import places_index_forget
from hamafza.directory.models import Organization, OrganizationKind, OrganizationRelation, Role
from hamafza.directory.selectors import facets_forget_local
from hamafza.directory.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def names_in(response) -> list[str]:
    return [o.name for o in response.context["page"].rows]


class TestDirectoryList:
    def test_search_finds_variant_spellings(self, client):
        OrganizationFactory(name="هیئت انصار الحسین", names={"en": "Ansar al-Husayn"})
        OrganizationFactory(name="مسجد جامع")
        for query in ["هيئت", "انصار الحسين", "ansar", "ANSAR AL-HUSAYN", "هیئت‌ انصار"]:
            response = client.get(reverse("directory:list"), {"q": query})
            assert names_in(response) == ["هیئت انصار الحسین"], query

    def test_filters_narrow_the_list(self, client):
        qom = Province.objects.get(code="IR-25")
        urdu = Language.objects.get(code="ur")
        a = OrganizationFactory(name="الف", province=qom, kind=OrganizationKind.MOSQUE)
        a.languages.add(urdu)
        OrganizationFactory(name="ب", is_active=False)
        OrganizationFactory(name="ج", country=Country.objects.get(code="IQ"))
        url = reverse("directory:list")
        assert names_in(client.get(url, {"province": "IR-25"})) == ["الف"]
        assert names_in(client.get(url, {"language": "ur"})) == ["الف"]
        assert names_in(client.get(url, {"kind": "mosque"})) == ["الف"]
        assert names_in(client.get(url, {"active": "0"})) == ["ب"]
        assert names_in(client.get(url, {"country": "iq"})) == ["ج"]

    @pytest.mark.parametrize(
        "params",
        [
            {"page": "9999"},
            {"page": "-1"},
            {"page": "abc"},
            {"kind": "<script>"},
            {"country": "ZZZZ"},
            {"active": "maybe"},
            {"parent": "99999999999999999999999"},
            {"q": "\"'%_\\"},
            {"q": "a" * 5000},
            {"q": "\x00"},
            {"province": "' OR 1=1 --"},
        ],
    )
    def test_malformed_input_never_fails(self, client, params):
        OrganizationFactory()
        response = client.get(reverse("directory:list"), params)
        assert response.status_code == 200

    def test_htmx_request_gets_only_the_results(self, client):
        OrganizationFactory(name="هیئت")
        response = client.get(reverse("directory:list"), HTTP_HX_REQUEST="true")
        assert b"<html" not in response.content
        assert "هیئت".encode() in response.content

    @pytest.mark.parametrize("language, direction", [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")])
    def test_language_and_direction(self, client, language, direction):
        response = client.get(reverse("directory:list"), HTTP_ACCEPT_LANGUAGE=language)
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content

    def test_language_choice_is_remembered(self, client):
        client.post(reverse("set_language"), {"language": "ar", "next": "/directory/"})
        response = client.get(reverse("directory:list"), HTTP_ACCEPT_LANGUAGE="en")
        assert b'lang="ar" dir="rtl"' in response.content


def _queries(client, url, params=None) -> int:
    """Queries of one request with cold caches (the facet cache would hide growth)."""
    cache.clear()
    places_index_forget()
    facets_forget_local()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


class TestQueryCounts:
    def test_directory_page_does_not_grow_with_organizations(self, client):
        urdu = Language.objects.get(code="ur")
        for _ in range(3):
            OrganizationFactory().languages.add(urdu)
        url = reverse("directory:list")
        small = _queries(client, url)
        small_search = _queries(client, url, {"q": "هیئت", "country": "IR"})
        for _ in range(30):
            OrganizationFactory().languages.add(urdu)
        assert _queries(client, url) == small
        assert _queries(client, url, {"q": "هیئت", "country": "IR"}) == small_search
        assert _queries(client, url, {"page": "2"}) == small

    def test_organization_page_does_not_grow_with_relations_or_members(self, client):
        organization = OrganizationFactory()
        OrganizationFactory(parent=organization)
        MembershipFactory(organization=organization)
        OrganizationRelation.objects.create(
            source=organization, target=OrganizationFactory(), kind="supports"
        )
        OrganizationRelation.objects.create(
            source=OrganizationFactory(), target=organization, kind="member_of"
        )
        url = reverse("directory:detail", args=[organization.pk])
        small = _queries(client, url)
        for _ in range(10):
            OrganizationFactory(parent=organization)
            MembershipFactory(organization=organization, person=PersonFactory())
            OrganizationRelation.objects.create(
                source=organization, target=OrganizationFactory(), kind="supports"
            )
            OrganizationRelation.objects.create(
                source=OrganizationFactory(), target=organization, kind="member_of"
            )
        assert _queries(client, url) == small

    def test_api_list_does_not_grow(self, client):
        for _ in range(3):
            OrganizationFactory()
        small = _queries(client, "/api/organizations/")
        for _ in range(30):
            OrganizationFactory()
        assert _queries(client, "/api/organizations/") == small


class TestOrganizationPages:
    def test_detail_shows_names_relations_and_people(self, client):
        organization = OrganizationFactory(names={"fa": "نام فارسی", "en": "English name"})
        child = OrganizationFactory(parent=organization, name="زیرمجموعه")
        MembershipFactory(
            organization=organization, person=PersonFactory(name="حسن"), position="دبیر"
        )
        response = client.get(
            reverse("directory:detail", args=[organization.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
        content = response.content.decode()
        assert "English name" in content
        assert child.name in content
        assert "حسن" in content

    def test_missing_organization_is_404(self, client):
        assert client.get(reverse("directory:detail", args=[99999])).status_code == 404

    def test_edit_form_errors_are_translated_and_nothing_changes(self, client):
        organization = OrganizationFactory(name="اصل")
        editor = user_with_role(organization, Role.EDITOR)
        client.force_login(editor)
        response = client.post(
            reverse("directory:edit", args=[organization.pk]),
            {
                "kind": "nonsense",
                "name": "",
                "country": "",
                "latitude": "۹۱",
                "website": "not a url",
            },
            HTTP_ACCEPT_LANGUAGE="fa",
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert {"kind", "name", "country", "latitude", "website"} <= set(form.errors)
        assert "این مقدار لازم است" in str(form.errors["name"])
        organization.refresh_from_db()
        assert organization.name == "اصل"

    def test_persian_digits_in_coordinates_are_accepted(self, client):
        organization = OrganizationFactory()
        client.force_login(user_with_role(organization, Role.EDITOR))
        response = client.post(
            reverse("directory:edit", args=[organization.pk]),
            {
                "kind": "heyat",
                "name": organization.name,
                "country": organization.country_id,
                "latitude": "۳۴٫۶۴",
                "longitude": "۵۰٫۸۸",
            },
        )
        assert response.status_code == 302
        organization.refresh_from_db()
        assert str(organization.latitude) == "34.640000"

    def test_cycle_through_the_form_is_a_field_error(self, client, django_user_model):
        parent = OrganizationFactory()
        child = OrganizationFactory(parent=parent)
        coordinator = django_user_model.objects.create_user("c", is_coordinator=True)
        client.force_login(coordinator)
        response = client.post(
            reverse("directory:edit", args=[parent.pk]),
            {
                "kind": "heyat",
                "name": parent.name,
                "country": parent.country_id,
                "parent": child.pk,
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        assert "under itself" in str(response.context["form"].errors["parent"])
        parent.refresh_from_db()
        assert parent.parent is None

    def test_duplicate_registration_is_refused_in_arabic(self, client, django_user_model):
        OrganizationFactory(name="هیئت الزهراء")
        coordinator = django_user_model.objects.create_user("c", is_coordinator=True)
        client.force_login(coordinator)
        before = Organization.objects.count()
        response = client.post(
            reverse("directory:create"),
            {"kind": "heyat", "name": "هيئت الزهرا", "country": Country.objects.get(code="IR").pk},
            HTTP_ACCEPT_LANGUAGE="ar",
        )
        # Arabic yeh and a dropped hamza: the same name spelt another way
        assert response.status_code == 200
        assert response.context["form"].errors["name"]
        assert Organization.objects.count() == before

    def test_logo_must_be_an_image_of_bounded_size(self, client, settings):
        from django.core.files.uploadedfile import SimpleUploadedFile

        organization = OrganizationFactory()
        client.force_login(user_with_role(organization, Role.EDITOR))
        fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
        response = client.post(
            reverse("directory:edit", args=[organization.pk]),
            {
                "kind": "heyat",
                "name": organization.name,
                "country": organization.country_id,
                "logo": fake,
            },
        )
        assert response.status_code == 200
        assert "logo" in response.context["form"].errors
        organization.refresh_from_db()
        assert not organization.logo


class TestDatesInAnyCalendar:
    @pytest.mark.parametrize(
        "typed, calendar",
        [("۱۴۰۴/۰۹/۱۴", "solar"), ("١٤٤٧/٠٦/١٤", "lunar"), ("2025-12-05", "gregorian")],
    )
    def test_relation_dates_typed_in_each_calendar(self, client, typed, calendar):
        import datetime as dt

        from hamafza.directory.models import OrganizationRelation

        source, target = OrganizationFactory(), OrganizationFactory()
        client.force_login(user_with_role(source, Role.EDITOR))
        response = client.post(
            reverse("directory:relations", args=[source.pk]),
            {
                "kind": "supports",
                "target": target.pk,
                "starts_on": typed,
                "starts_on_calendar": calendar,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        relation = OrganizationRelation.objects.get()
        assert relation.starts_on == dt.date(2025, 12, 5)

    def test_impossible_date_is_a_translated_field_error(self, client):
        from hamafza.directory.models import OrganizationRelation

        source, target = OrganizationFactory(), OrganizationFactory()
        client.force_login(user_with_role(source, Role.EDITOR))
        response = client.post(
            reverse("directory:relations", args=[source.pk]),
            {
                "kind": "supports",
                "target": target.pk,
                "starts_on": "1404/12/31",
                "starts_on_calendar": "solar",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        assert "starts_on" in response.context["form"].errors
        assert not OrganizationRelation.objects.exists()


def test_relations_read_as_sentences_in_the_visitors_language(client):
    from hamafza.directory.models import OrganizationRelation

    source = OrganizationFactory(names={"en": "Hey'at Online"})
    target = OrganizationFactory(names={"en": "Arbaeen Committee"})
    OrganizationRelation.objects.create(
        source=source, target=target, kind="supports", starts_on="2025-03-21"
    )
    page = client.get(
        reverse("directory:detail", args=[target.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    link = reverse("directory:detail", args=[source.pk])
    assert (
        f'<a href="{link}">Hey&#x27;at Online</a> supports <strong>Arbaeen Committee</strong>'
        in page
    )
    assert "since" in page and "2025-03-21" in page


class TestDirectoryPages:
    def test_broad_searches_count_up_to_the_cap(self, client, monkeypatch):
        from hamafza.directory import selectors

        monkeypatch.setattr(selectors, "COUNT_CAP", 3)
        for i in range(5):
            OrganizationFactory(name=f"هیئت {i}")
        page = client.get(reverse("directory:list"), {"q": "هیئت"}, HTTP_ACCEPT_LANGUAGE="en")
        assert "More than 3 organizations found" in page.content.decode()
        assert page.context["page"].num_pages is None

    def test_pages_follow_the_name_order_and_stop_at_the_last(self, client):
        from hamafza.directory import views

        for i in range(views.PAGE_SIZE + 2):
            OrganizationFactory(name=f"هیئت {i:03d}")
        first = client.get(reverse("directory:list")).context["page"]
        second = client.get(reverse("directory:list"), {"page": "2"}).context["page"]
        beyond = client.get(reverse("directory:list"), {"page": "99"}).context["page"]
        assert [o.name for o in first.rows][:2] == ["هیئت 000", "هیئت 001"]
        assert [o.name for o in second.rows] == ["هیئت 024", "هیئت 025"]
        assert first.has_next and not second.has_next and second.num_pages == 2
        assert beyond.number == 2


def test_huge_numbers_in_pages_are_not_errors(client, django_user_model):
    organization = OrganizationFactory()
    assert client.get(reverse("directory:list"), {"page": "9" * 30}).status_code == 200
    assert client.get(reverse("directory:list"), {"q": "هیئت", "page": "9" * 30}).status_code == 200
    coordinator = django_user_model.objects.create_user("c", is_coordinator=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("directory:relations", args=[organization.pk]),
        {"kind": "supports", "target": "9" * 30},
    )
    assert response.status_code == 200
    assert "target" in response.context["form"].errors


def test_huge_parent_number_in_the_form_is_a_field_error(client):
    organization = OrganizationFactory()
    client.force_login(user_with_role(organization, Role.EDITOR))
    response = client.post(
        reverse("directory:edit", args=[organization.pk]),
        {
            "kind": "heyat",
            "name": organization.name,
            "country": organization.country_id,
            "parent": "9" * 30,
            "province": "9" * 30,
            "languages": ["9" * 30],
        },
    )
    assert response.status_code == 200
    assert {"parent", "province", "languages"} <= set(response.context["form"].errors)


class TestOrganizationPicker:
    def test_suggestions_match_any_spelling_and_are_bounded(self, client):
        OrganizationFactory(name="هیئت انصار الحسین", names={"en": "Ansar al-Husayn"})
        for i in range(15):
            OrganizationFactory(name=f"مسجد {i}")
        response = client.get(reverse("directory:suggest"), {"q": "انصار الحسين"})
        assert response.status_code == 200
        assert response.content.decode().count("<option") == 1
        assert "هیئت انصار الحسین" in response.content.decode()
        many = client.get(
            reverse("directory:suggest"), {"field": "parent", "parent": "مسجد"}
        ).content.decode()
        assert many.count("<option") == 10
        assert client.get(reverse("directory:suggest")).content.strip() == b""

    def test_suggestions_cost_a_fixed_number_of_queries(self, client):
        for i in range(3):
            OrganizationFactory(name=f"هیئت {i}")
        small = _queries(client, reverse("directory:suggest"), {"q": "هیئت"})
        for i in range(20):
            OrganizationFactory(name=f"هیئت دیگر {i}")
        assert _queries(client, reverse("directory:suggest"), {"q": "هیئت"}) == small

    def test_relation_form_renders_the_picker_and_accepts_a_chosen_number(self, client):
        source, target = OrganizationFactory(), OrganizationFactory()
        client.force_login(user_with_role(source, Role.EDITOR))
        page = client.get(reverse("directory:relations", args=[source.pk])).content.decode()
        assert 'list="id_target-suggestions"' in page and "<datalist" in page
        response = client.post(
            reverse("directory:relations", args=[source.pk]),
            {"kind": "supports", "target": str(target.pk)},
        )
        assert response.status_code == 302
        response = client.post(
            reverse("directory:relations", args=[source.pk]),
            {"kind": "partner_of", "target": "a name not chosen from the list"},
        )
        assert "target" in response.context["form"].errors
