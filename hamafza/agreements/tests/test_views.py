"""Agreement pages: the list and its export, the detail with its timeline, the forms that change
an agreement, the health dashboard and provincial coverage, for everyone who might use them."""

import csv
import datetime
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from hamafza.agreements import services
from hamafza.agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementState,
    AgreementTransition,
    Scope,
)
from hamafza.agreements.tests.factories import (
    AgreementFactory,
    CommitteeFactory,
    MeetingFactory,
    ReviewRoundFactory,
    kind,
)
from hamafza.core.calendars import solar_to_gregorian
from hamafza.core.models import Province
from hamafza.core.permissions import SYSTEM
from hamafza.core.selectors import places_index_forget
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)
from hamafza.followups.models import FollowUp
from hamafza.followups.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "office_viewer",
    "office_editor",
    "partner_editor",
    "stranger_editor",
    "coordinator",
]
WRITERS = {"office_editor", "coordinator"}
LANGUAGES = [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def today() -> datetime.date:
    return timezone.localdate()


def day(offset: int) -> str:
    """A date ``offset`` days from today, typed as year/month/day in the Gregorian calendar."""
    return (today() + timedelta(days=offset)).strftime("%Y/%m/%d")


def as_actor(client, actors, who):
    if actors[who] is not None:
        client.force_login(actors[who])
    return client


def assert_refused(response, who):
    """Anonymous visitors are sent to sign in; others are refused (another organization's
    staff do not even learn that the agreement exists)."""
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif who == "stranger_editor":
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 403


def codes(response) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', response.content.decode())


def queries(client, url, params=None) -> int:
    """Queries of one request with cold caches (a warm cache would hide growth)."""
    cache.clear()
    places_index_forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == 200
    return len(captured)


def message(text: str, language: str = "fa", **params) -> str:
    """A service's message as the page shows it: translated and HTML-escaped."""
    with translation.override(language):
        translated = translation.gettext(text)
        return escape(translated % params if params else translated)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded documents go to this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement(office, partner):
    """An active MoU kept by the office, signed with the partner."""
    return AgreementFactory(owner=office, parties=[office, partner], code="MOU-1404-0100")


def agreement_data(owner, parties=(), rows: int = 4, **values) -> dict:
    """What the registration form posts: the details, then ``rows`` rows of parties."""
    data = {
        "kind": kind("mou").pk,
        "code": "MOU-1404-0500",
        "title": "تفاهم‌نامه همکاری فرهنگی",
        "title_en": "Cultural cooperation MoU",
        "summary": "",
        "scope": Scope.NATIONAL,
        "province": "",
        "parent": "",
        "owner": owner.pk,
        "owner_person": "",
        "signed_on": day(-30),
        "signed_on_calendar": "gregorian",
        "effective_on": "",
        "effective_on_calendar": "gregorian",
        "expires_on": day(700),
        "expires_on_calendar": "gregorian",
        "notice_days": "۹۰",
        "strategic_weight": "4",
        "state": AgreementState.DRAFT,
        "parties-TOTAL_FORMS": str(rows),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "40",
    }
    for index in range(rows):
        organization, role = parties[index] if index < len(parties) else (None, "party")
        data.update(
            {
                f"parties-{index}-organization": organization.pk if organization else "",
                f"parties-{index}-role": role,
                f"parties-{index}-signatory": "",
                f"parties-{index}-signed_on": "",
                f"parties-{index}-signed_on_calendar": "gregorian",
            }
        )
    data.update(values)
    return data


def edit_data(agreement, **values) -> dict:
    data = {
        key: value
        for key, value in agreement_data(agreement.owner).items()
        if not key.startswith("parties-") and key != "state"
    }
    data.update(
        code=agreement.code,
        title=agreement.title,
        signed_on=agreement.signed_on.strftime("%Y/%m/%d"),
        expires_on=agreement.expires_on.strftime("%Y/%m/%d"),
    )
    data.update(values)
    return data


# --- every page, in every language --------------------------------------------------------


@pytest.fixture
def pages(agreement):
    return {
        "list": reverse("agreements:list"),
        "health": reverse("agreements:health"),
        "coverage": reverse("agreements:coverage"),
        "create": reverse("agreements:create"),
        "detail": reverse("agreements:detail", args=[agreement.pk]),
        "edit": reverse("agreements:edit", args=[agreement.pk]),
        "state": reverse("agreements:state", args=[agreement.pk]) + "?to_state=terminated",
        "renew": reverse("agreements:renew", args=[agreement.pk]),
        "amend": reverse("agreements:amend", args=[agreement.pk]),
        "downgrade": reverse("agreements:downgrade", args=[agreement.pk]),
    }


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_every_page_speaks_the_language_in_its_direction(
    client, actors, pages, language, direction
):
    client.force_login(actors["office_editor"])
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, name
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, name


def test_headings_are_translated(client, actors, pages):
    client.force_login(actors["coordinator"])
    response = client.get(pages["list"], HTTP_ACCEPT_LANGUAGE="en")
    assert b"Agreements and MoUs" in response.content
    with translation.override("fa"):
        expected = translation.gettext("Agreements and MoUs")
    assert expected in client.get(pages["list"], HTTP_ACCEPT_LANGUAGE="fa").content.decode()


def test_the_section_tabs_mark_the_page(client, actors, pages):
    client.force_login(actors["coordinator"])
    content = client.get(pages["health"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'nav-link active" aria-current="page" href="/agreements/health/"', content)
    for name in ("review-list", "prospect-list", "committee-list", "appointment-list"):
        assert f'href="{reverse(f"agreements:{name}")}"' in content


# --- who sees agreements ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "health", "coverage", "detail"])
def test_anonymous_visitors_are_sent_to_sign_in(client, pages, name):
    response = client.get(pages[name])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_export_too_needs_a_signed_in_reader(client):
    response = client.get(reverse("agreements:export", args=["csv"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_users_without_a_role_see_no_agreements(client, pages):
    client.force_login(UserFactory(username="nobody"))
    for name in ("list", "health", "coverage"):
        assert client.get(pages[name]).status_code == 403, name
    assert client.get(pages["detail"]).status_code == 404


def test_staff_see_their_office_and_party_agreements_only(client, actors, agreement, stranger):
    # given an agreement of another organization entirely
    other = AgreementFactory(owner=stranger, parties=[stranger, OrganizationFactory()])
    # when a party's staff list agreements
    client.force_login(actors["partner_editor"])
    listed = codes(client.get(reverse("agreements:list")))
    # then they see theirs and not the other
    assert agreement.code in listed and other.code not in listed
    assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 200
    assert client.get(reverse("agreements:detail", args=[other.pk])).status_code == 404


def test_a_party_reads_but_is_offered_no_changes(client, actors, agreement):
    client.force_login(actors["partner_editor"])
    content = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert reverse("agreements:edit", args=[agreement.pk]) not in content
    assert reverse("agreements:party-add", args=[agreement.pk]) not in content


@pytest.mark.parametrize("pk", ["0", "99999999999999999999999", "abc"])
def test_unknown_agreements_are_404(client, actors, pk):
    client.force_login(actors["coordinator"])
    assert client.get(f"/agreements/{pk}/").status_code == 404


# --- the list -----------------------------------------------------------------------------


@pytest.fixture
def spread(office, partner, stranger):
    """Agreements that differ in every filtered property, all kept by the office."""
    fars = Province.objects.get(code="IR-07")
    mazandaran = Province.objects.get(code="IR-02")
    national = AgreementFactory(
        owner=office,
        code="MOU-A",
        title="تفاهم‌نامه با سازمان تبلیغات",
        parties=[office, partner],
        strategic_weight=5,
    )
    return {
        "national": national,
        "draft": AgreementFactory(
            owner=office, code="MOU-B", state=AgreementState.DRAFT, parties=[office]
        ),
        "protocol": AgreementFactory(
            owner=office, code="PRO-C", kind=kind("protocol"), parties=[office, stranger]
        ),
        "fars": AgreementFactory(
            owner=office,
            code="MOU-D",
            scope=Scope.PROVINCIAL,
            province=fars,
            parent=national,
            parties=[office],
        ),
        "mazandaran": AgreementFactory(
            owner=office,
            code="MOU-E",
            scope=Scope.PROVINCIAL,
            province=mazandaran,
            parent=national,
            parties=[office],
        ),
        "due": AgreementFactory(
            owner=office, code="MOU-F", expires_on=today() + timedelta(days=30), parties=[office]
        ),
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"MOU-A", "MOU-B", "PRO-C", "MOU-D", "MOU-E", "MOU-F"}),
        ({"state": "draft"}, {"MOU-B"}),
        ({"state": "renewal_due"}, {"MOU-F"}),
        ({"kind": "protocol"}, {"PRO-C"}),
        ({"scope": "provincial"}, {"MOU-D", "MOU-E"}),
        ({"province": "FARS"}, {"MOU-D"}),
        ({"expires_within": "۶۰"}, {"MOU-F"}),
        ({"q": "تبليغات"}, {"MOU-A"}),  # Arabic yeh finds the Persian spelling
        ({"q": "mou-d"}, {"MOU-D"}),
        ({"parent": "NATIONAL"}, {"MOU-D", "MOU-E"}),
    ],
)
def test_filters(client, actors, spread, params, expected):
    params = dict(params)
    if params.get("province") == "FARS":
        params["province"] = spread["fars"].province_id
    if params.get("parent") == "NATIONAL":
        params["parent"] = spread["national"].pk
    client.force_login(actors["office_viewer"])
    response = client.get(reverse("agreements:list"), params)
    assert response.status_code == 200
    assert set(codes(response)) == expected


def test_filter_by_party(client, actors, spread, stranger):
    client.force_login(actors["coordinator"])
    response = client.get(reverse("agreements:list"), {"party": str(stranger.pk)})
    assert codes(response) == ["PRO-C"]


def test_orders(client, actors, spread):
    client.force_login(actors["coordinator"])
    url = reverse("agreements:list")
    by_code = codes(client.get(url, {"order": "code"}))
    assert by_code == sorted(by_code)
    by_expiry = codes(client.get(url, {"order": "expiry"}))
    assert by_expiry[0] == "MOU-F"
    by_priority = codes(client.get(url))
    assert by_priority[0] == "MOU-F"  # renewal due and 20 points for it


@pytest.mark.parametrize(
    "params",
    [
        {"state": "nonsense", "kind": "x" * 300, "province": "abc", "party": "-1"},
        {"expires_within": "99999999999999999999", "order": "drop table", "page": "۹۹۹۹۹۹۹"},
        {"parent": "99999999999999999999999", "province": "99999999999999999999999"},
        {"q": "\x00"},
    ],
)
def test_malformed_filters_never_fail(client, actors, spread, params):
    client.force_login(actors["coordinator"])
    assert client.get(reverse("agreements:list"), params).status_code == 200


def test_rows_show_parties_state_expiry_and_priority(client, actors, spread):
    client.force_login(actors["coordinator"])
    response = client.get(
        reverse("agreements:list"), {"kind": "mou", "scope": "national"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    row = re.search(
        r'<tr data-code="MOU-A">(.*?)</tr>', response.content.decode(), re.DOTALL
    ).group(1)
    national = spread["national"]
    assert reverse("agreements:detail", args=[national.pk]) in row
    assert "Test hey&#x27;at" in row  # the parties, in English
    assert ">Active<" in row
    assert f'datetime="{national.expires_on.isoformat()}"' in row
    # weight 5 × 8, no committee, no open obligations (10), renewal not near
    assert ">50</span>" in row


def test_the_list_pages(client, actors, office):
    for n in range(30):
        AgreementFactory(owner=office, code=f"P-{n:03d}")
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:list")
    first = client.get(url, {"order": "code"})
    second = client.get(url, {"order": "code", "page": "۲"})
    assert len(codes(first)) == 25 and len(codes(second)) == 5
    assert not set(codes(first)) & set(codes(second))
    assert "order=code&amp;page=2" in first.content.decode()


def test_htmx_gets_only_the_results(client, actors, agreement):
    client.force_login(actors["coordinator"])
    response = client.get(reverse("agreements:list"), {"kind": "mou"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert codes(response) == [agreement.code]
    # the export links follow the filters the results were drawn with
    assert f'{reverse("agreements:export", args=["csv"])}?kind=mou"'.encode() in response.content


# --- the export ---------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def xlsx_rows(response) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_export_csv_has_the_filtered_rows(client, actors, spread):
    client.force_login(actors["coordinator"])
    response = client.get(
        reverse("agreements:export", args=["csv"]),
        {"scope": "provincial", "order": "code"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][:3] == ["Code", "Title", "Kind"]
    assert [row[0] for row in rows[1:]] == ["MOU-D", "MOU-E"]
    fars = rows[1]
    assert fars[rows[0].index("Falls under")] == "MOU-A"
    assert fars[rows[0].index("Expires on")] == spread["fars"].expires_on.isoformat()


def test_export_xlsx_has_the_filtered_rows_right_to_left(client, actors, spread):
    client.force_login(actors["coordinator"])
    response = client.get(
        reverse("agreements:export", args=["xlsx"]), {"state": "draft"}, HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert [row[0] for row in rows[1:]] == ["MOU-B"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.active.sheet_view.rightToLeft


def test_export_has_every_row_not_one_page(client, actors, office):
    for n in range(30):
        AgreementFactory(owner=office, code=f"X-{n:03d}", parties=[office])
    client.force_login(actors["office_viewer"])
    rows = csv_rows(client.get(reverse("agreements:export", args=["csv"])))
    assert len(rows) == 31


def test_export_keeps_to_what_the_reader_may_see(client, actors, agreement, stranger):
    AgreementFactory(owner=stranger, code="HIDDEN-1", parties=[stranger])
    client.force_login(actors["partner_editor"])
    rows = xlsx_rows(client.get(reverse("agreements:export", args=["xlsx"])))
    assert [row[0] for row in rows[1:]] == [agreement.code]


def test_an_unknown_export_format_is_404(client, actors):
    client.force_login(actors["coordinator"])
    assert client.get(reverse("agreements:export", args=["pdf"])).status_code == 404


def test_the_list_links_to_exports_with_its_filters(client, actors, agreement):
    client.force_login(actors["coordinator"])
    content = client.get(
        reverse("agreements:list"), {"state": "active", "page": "1"}
    ).content.decode()
    assert f'{reverse("agreements:export", args=["csv"])}?state=active"' in content
    assert f'{reverse("agreements:export", args=["xlsx"])}?state=active"' in content


# --- the detail page ----------------------------------------------------------------------


def test_detail_shows_everything_about_the_agreement(client, actors, agreement, office, partner):
    # given an agreement with history, a committee, a review, a provincial child, a successor
    # and obligations, one of them overdue
    services.agreement_transition(
        actor=SYSTEM, agreement=agreement, to_state=AgreementState.EXPIRED, reason="پایان مدت"
    )
    successor = services.agreement_renew(
        actor=SYSTEM, agreement=agreement, expires_on=today() + timedelta(days=900), reason="تمدید"
    )
    committee = CommitteeFactory(agreement=successor, name="قرارگاه همکاری فرهنگی")
    MeetingFactory(committee=committee)
    review_round = ReviewRoundFactory(owner=office, title="بازنگری ۲۲ تفاهم‌نامه")
    services.review_add(actor=SYSTEM, round=review_round, agreement=successor)
    child = AgreementFactory(
        owner=office,
        code="FARS-1",
        scope=Scope.PROVINCIAL,
        province=Province.objects.get(code="IR-07"),
        parent=successor,
    )
    late = FollowUpFactory(
        source=successor, owner_organization=partner, due_on=today() - timedelta(days=3), number=1
    )
    FollowUpFactory(source=successor, owner_organization=office, number=2)
    AgreementDocument.objects.create(
        agreement=successor, title="متن امضاشده", file=SimpleUploadedFile("signed.pdf", PDF)
    )
    # when the office's viewer opens it
    client.force_login(actors["office_viewer"])
    response = client.get(
        reverse("agreements:detail", args=[successor.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    # then everything is there
    assert response.status_code == 200
    assert reverse("agreements:detail", args=[agreement.pk]) in content  # what it replaces
    assert reverse("agreements:detail", args=[child.pk]) in content
    assert reverse("agreements:committee-detail", args=[committee.pk]) in content
    assert reverse("agreements:review-detail", args=[review_round.pk]) in content
    assert reverse("followups:detail", args=[late.pk]) in content
    assert "Overdue" in content
    assert "تمدید" in content  # the reason on the timeline
    document = successor.documents.get()
    assert reverse("agreements:document", args=[successor.pk, document.pk]) in content
    assert "An active committee met in the last 180 days." in content  # the priority, explained
    assert "1 of 2 open obligations are overdue." in content
    # and the old one's timeline links to its successor
    old = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert reverse("agreements:detail", args=[successor.pk]) in old


def test_the_timeline_dates_follow_the_calendar(client, actors, agreement):
    AgreementTransition.objects.create(
        agreement=agreement,
        from_state="draft",
        to_state="active",
        at=timezone.make_aware(datetime.datetime(2025, 3, 21, 10, 0)),
    )
    client.force_login(actors["office_viewer"])
    content = client.get(
        reverse("agreements:detail", args=[agreement.pk]), HTTP_ACCEPT_LANGUAGE="fa"
    ).content.decode()
    assert "فروردین ۱۴۰۴" in content  # 21 March 2025 is 1 Farvardin 1404


def test_editors_are_offered_the_legal_moves(client, actors, agreement):
    client.force_login(actors["office_editor"])
    content = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    moves = set(re.findall(r'data-move="([a-z_]+)"', content))
    assert moves == set(agreement.allowed_transitions())
    assert reverse("agreements:renew", args=[agreement.pk]) in content


def test_documents_are_served_only_to_readers(client, actors, agreement):
    document = services.agreement_document_add(
        actor=SYSTEM, agreement=agreement, title="متن", file=SimpleUploadedFile("a.pdf", PDF)
    )
    url = reverse("agreements:document", args=[agreement.pk, document.pk])
    assert client.get(url).status_code == 302
    client.force_login(actors["stranger_editor"])
    assert client.get(url).status_code == 404
    client.force_login(actors["partner_editor"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


# --- query counts -------------------------------------------------------------------------


def _grow(office, partner, n: int) -> Agreement:
    """``n`` agreements with parties, an obligation and a committee each; returns the first."""
    national = None
    for _ in range(n):
        agreement = AgreementFactory(owner=office, parties=[office, partner, OrganizationFactory()])
        FollowUpFactory(source=agreement, owner_organization=partner, number=1)
        CommitteeFactory(agreement=agreement)
        national = national or agreement
    return national


@pytest.mark.parametrize(
    "params",
    [{}, {"state": "active", "order": "expiry"}, {"q": "تفاهم", "scope": "national"}],
)
def test_the_list_costs_the_same_queries_at_any_size(client, actors, office, partner, params):
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:list")
    _grow(office, partner, 3)
    small = queries(client, url, params)
    _grow(office, partner, 27)
    assert queries(client, url, params) == small


def test_the_export_costs_the_same_queries_at_any_size(client, actors, office, partner):
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:export", args=["xlsx"])
    _grow(office, partner, 3)
    small = queries(client, url)
    _grow(office, partner, 27)
    assert queries(client, url) == small


@pytest.mark.parametrize("who", ["office_viewer", "office_editor"])
def test_the_detail_costs_the_same_queries_at_any_size(client, actors, agreement, office, who):
    client.force_login(actors[who])
    url = reverse("agreements:detail", args=[agreement.pk])

    def grow(n: int) -> None:
        for _ in range(n):
            member = OrganizationFactory()
            AgreementParty.objects.create(agreement=agreement, organization=member)
            FollowUpFactory(
                source=agreement,
                owner_organization=member,
                owner_person=PersonFactory(),
                number=FollowUp.objects.count() + 1,
            )
            AgreementTransition.objects.create(
                agreement=agreement, from_state="active", to_state="active", actor=actors[who]
            )
            AgreementDocument.objects.create(
                agreement=agreement, title="سند", file=SimpleUploadedFile("d.pdf", PDF)
            )
            MeetingFactory(committee=CommitteeFactory(agreement=agreement))
            AgreementFactory(
                owner=office,
                scope=Scope.PROVINCIAL,
                province=Province.objects.get(code="IR-07"),
                parent=agreement,
            )

    grow(2)
    small = queries(client, url)
    grow(20)
    assert queries(client, url) == small


@pytest.mark.parametrize("name", ["agreements:health", "agreements:coverage"])
def test_dashboards_cost_the_same_queries_at_any_size(client, actors, office, partner, name):
    client.force_login(actors["office_viewer"])
    url = reverse(name)
    national = _grow(office, partner, 3)
    AgreementFactory(
        owner=office,
        scope=Scope.PROVINCIAL,
        province=Province.objects.get(code="IR-02"),
        parent=national,
    )
    small = queries(client, url)
    national = _grow(office, partner, 20)
    for code in ("IR-07", "IR-02"):
        AgreementFactory(
            owner=office,
            scope=Scope.PROVINCIAL,
            province=Province.objects.get(code=code),
            parent=national,
        )
    assert queries(client, url) == small


# --- writes: who may ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_register_an_agreement(client, actors, office, partner, who):
    data = agreement_data(office, [(office, "lead"), (partner, "party")])
    response = as_actor(client, actors, who).post(reverse("agreements:create"), data)
    if who in WRITERS:
        agreement = Agreement.objects.get(code="MOU-1404-0500")
        assert response.status_code == 302
        assert response["Location"] == reverse("agreements:detail", args=[agreement.pk])
        assert agreement.titles == {"en": "Cultural cooperation MoU"}
        assert agreement.notice_days == 90 and agreement.strategic_weight == 4
        assert [p.organization for p in agreement.parties.all()] == [office, partner]
        assert agreement.transitions.get().actor == actors[who]
    else:
        assert response.status_code == 302 if who == "anonymous" else 403
        assert not Agreement.objects.exists()


def test_a_party_editor_registers_under_their_own_office_only(client, actors, partner, office):
    client.force_login(actors["partner_editor"])
    page = client.get(reverse("agreements:create"))
    assert page.status_code == 200
    options = re.findall(r'<option value="(\d+)"', page.content.decode().split('name="owner"')[1])
    assert options[0] == str(partner.pk)
    response = client.post(
        reverse("agreements:create"), agreement_data(partner, [(partner, "lead")])
    )
    assert response.status_code == 302
    assert Agreement.objects.get().owner == partner


def _write_requests(agreement, office, partner, stranger) -> dict:
    """Every write on an existing agreement: (url, data, files) and how to see it happened."""
    witness = OrganizationFactory(name="هلال احمر")
    party = AgreementParty.objects.create(agreement=agreement, organization=witness, role="witness")
    document = services.agreement_document_add(
        actor=SYSTEM, agreement=agreement, title="متن", file=SimpleUploadedFile("a.pdf", PDF)
    )
    pk = agreement.pk
    return {
        "edit": (
            reverse("agreements:edit", args=[pk]),
            edit_data(agreement, title="عنوان تازه"),
            lambda: Agreement.objects.get(pk=pk).title == "عنوان تازه",
        ),
        "state": (
            reverse("agreements:state", args=[pk]),
            {"to_state": "terminated", "reason": "عدم اجرا"},
            lambda: Agreement.objects.get(pk=pk).state == AgreementState.TERMINATED,
        ),
        "renew": (
            reverse("agreements:renew", args=[pk]),
            {"expires_on": day(1200), "expires_on_calendar": "gregorian", "reason": "تمدید"},
            lambda: Agreement.objects.filter(replaces_id=pk).exists(),
        ),
        "amend": (
            reverse("agreements:amend", args=[pk]),
            {"reason": "افزودن بند", "title": "متن اصلاح‌شده", "expires_on_calendar": "gregorian"},
            lambda: Agreement.objects.filter(replaces_id=pk, title="متن اصلاح‌شده").exists(),
        ),
        "downgrade": (
            reverse("agreements:downgrade", args=[pk]),
            {"kind": kind("agreement").pk, "reason": "پیگیری‌پذیر نیست"},
            lambda: Agreement.objects.filter(replaces_id=pk, kind__code="agreement").exists(),
        ),
        "party-add": (
            reverse("agreements:party-add", args=[pk]),
            {"party-organization": stranger.pk, "party-role": "witness"},
            lambda: agreement.parties.filter(organization=stranger).exists(),
        ),
        "party-remove": (
            reverse("agreements:party-remove", args=[pk, party.pk]),
            {},
            lambda: not AgreementParty.objects.filter(pk=party.pk).exists(),
        ),
        "document-add": (
            reverse("agreements:document-add", args=[pk]),
            {"document-title": "پیوست", "document-file": SimpleUploadedFile("b.pdf", PDF)},
            lambda: agreement.documents.filter(title="پیوست").exists(),
        ),
        "document-delete": (
            reverse("agreements:document-delete", args=[pk, document.pk]),
            {},
            lambda: not AgreementDocument.objects.filter(pk=document.pk).exists(),
        ),
        "obligation-add": (
            reverse("agreements:obligation-add", args=[pk]),
            {
                "obligation-text": "برگزاری دوره آموزشی مشترک",
                "obligation-owner_organization": partner.pk,
                "obligation-due_on": day(60),
                "obligation-due_on_calendar": "gregorian",
            },
            lambda: FollowUp.objects.filter(text="برگزاری دوره آموزشی مشترک").exists(),
        ),
    }


WRITES = [
    "edit",
    "state",
    "renew",
    "amend",
    "downgrade",
    "party-add",
    "party-remove",
    "document-add",
    "document-delete",
    "obligation-add",
]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("write", WRITES)
def test_writes_on_an_agreement(client, actors, agreement, office, partner, stranger, who, write):
    url, data, happened = _write_requests(agreement, office, partner, stranger)[write]
    response = as_actor(client, actors, who).post(url, data)
    if who in WRITERS:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert happened()
    else:
        assert_refused(response, who)
        assert not happened()


@pytest.mark.parametrize("who", ["office_viewer", "partner_editor", "stranger_editor"])
@pytest.mark.parametrize("name", ["edit", "state", "renew", "amend", "downgrade"])
def test_form_pages_are_refused_to_those_who_may_not_write(client, actors, agreement, who, name):
    client.force_login(actors[who])
    response = client.get(reverse(f"agreements:{name}", args=[agreement.pk]))
    assert_refused(response, who)


def test_post_only_writes_refuse_get(client, actors, agreement):
    client.force_login(actors["coordinator"])
    for name in ("party-add", "document-add", "obligation-add"):
        assert client.get(reverse(f"agreements:{name}", args=[agreement.pk])).status_code == 405


# --- bad input: translated errors, nothing saved ------------------------------------------


@pytest.fixture
def coordinator_client(client, actors):
    client.force_login(actors["coordinator"])
    return client


def _register(client, data):
    return client.post(reverse("agreements:create"), data, HTTP_ACCEPT_LANGUAGE="fa")


def test_expiry_before_signing_is_refused(coordinator_client, office, partner):
    data = agreement_data(office, [(office, "lead"), (partner, "party")], expires_on=day(-60))
    response = _register(coordinator_client, data)
    assert response.status_code == 200
    assert "expires_on" in response.context["form"].errors
    assert message("The expiry date must come after the signing date.") in response.content.decode()
    assert not Agreement.objects.exists() and not AgreementParty.objects.exists()


def test_a_provincial_agreement_without_province_is_refused(coordinator_client, office, partner):
    data = agreement_data(office, [(office, "lead"), (partner, "party")], scope="provincial")
    response = _register(coordinator_client, data)
    assert "province" in response.context["form"].errors
    assert message("A provincial agreement needs its province.") in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_provincial_agreement_under_a_provincial_one_is_refused(
    coordinator_client, office, partner
):
    fars = Province.objects.get(code="IR-07")
    provincial = AgreementFactory(
        owner=office, code="FARS-0", scope=Scope.PROVINCIAL, province=fars
    )
    data = agreement_data(
        office, [(office, "lead")], scope="provincial", province=fars.pk, parent="FARS-0"
    )
    response = _register(coordinator_client, data)
    assert "parent" in response.context["form"].errors
    content = response.content.decode()
    assert message("The agreement it falls under must be a national one.") in content
    assert list(Agreement.objects.all()) == [provincial]


def test_an_unknown_parent_code_is_a_field_error(coordinator_client, office):
    data = agreement_data(office, scope="provincial", province=Province.objects.first().pk)
    data["parent"] = "NO-SUCH-CODE"
    response = _register(coordinator_client, data)
    assert "parent" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_a_party_named_twice_is_refused(coordinator_client, office, partner):
    data = agreement_data(office, [(partner, "lead"), (partner, "party")])
    response = _register(coordinator_client, data)
    assert response.status_code == 200
    expected = message(
        "%(name)s is named twice among the parties.", name=partner.display_name("fa")
    )
    assert expected in response.content.decode()
    assert not Agreement.objects.exists() and not AgreementParty.objects.exists()


def test_a_duplicate_code_is_a_field_error(coordinator_client, office, agreement):
    response = _register(coordinator_client, agreement_data(office, code=agreement.code))
    assert "code" in response.context["form"].errors
    assert Agreement.objects.count() == 1


def test_an_active_registration_needs_its_signing_date(coordinator_client, office, partner):
    data = agreement_data(office, [(office, "lead"), (partner, "party")], state="active")
    data["signed_on"] = ""
    response = _register(coordinator_client, data)
    assert "signed_on" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_bad_typed_values_are_field_errors(coordinator_client, office):
    data = agreement_data(
        office,
        signed_on="۱۴۰۴/۱۳/۰۱",
        signed_on_calendar="solar",
        notice_days="نود",
        strategic_weight="9",
        kind="abc",
    )
    data["owner"] = "99999999999999999999999"
    data["parties-0-organization"] = "99999999999999999999999"
    response = _register(coordinator_client, data)
    errors = response.context["form"].errors
    assert {"signed_on", "notice_days", "strategic_weight", "owner", "kind"} <= set(errors)
    assert "organization" in response.context["parties"].forms[0].errors
    assert not Agreement.objects.exists()


def test_dates_are_typed_in_any_calendar_and_digits(coordinator_client, office, partner):
    data = agreement_data(
        office,
        [(office, "lead"), (partner, "party")],
        signed_on="۱۴۰۴/۰۱/۱۵",
        signed_on_calendar="solar",
        expires_on="١٤٥٠/٠١/٠١",
        expires_on_calendar="lunar",
    )
    response = _register(coordinator_client, data)
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.signed_on == solar_to_gregorian(1404, 1, 15)
    assert agreement.expires_on.year == 2028


def test_registering_under_a_national_mou_prefills_the_form(coordinator_client, agreement):
    response = coordinator_client.get(reverse("agreements:create"), {"parent": agreement.pk})
    form = response.context["form"]
    assert form.initial["parent"] == agreement.code
    assert form.initial["scope"] == Scope.PROVINCIAL


def test_a_provincial_agreement_is_registered_under_its_national_mou(
    coordinator_client, agreement, office, partner
):
    mazandaran = Province.objects.get(code="IR-02")
    data = agreement_data(
        office,
        [(office, "lead"), (partner, "party")],
        code="MAZ-1",
        scope="provincial",
        province=mazandaran.pk,
        parent=agreement.code,
    )
    assert _register(coordinator_client, data).status_code == 302
    child = Agreement.objects.get(code="MAZ-1")
    assert child.parent == agreement and child.province == mazandaran


def test_edit_shows_the_services_errors_and_saves_nothing(coordinator_client, agreement):
    response = coordinator_client.post(
        reverse("agreements:edit", args=[agreement.pk]),
        edit_data(agreement, title="عنوان تازه", expires_on=day(-400)),
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert "expires_on" in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.title != "عنوان تازه"


def test_a_non_pdf_document_is_refused(coordinator_client, agreement):
    response = coordinator_client.post(
        reverse("agreements:document-add", args=[agreement.pk]),
        {
            "document-title": "نامه",
            "document-file": SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>"),
        },
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 200
    assert "file" in response.context["document_form"].errors
    assert message("The file is not a PDF document.") in response.content.decode()
    assert not AgreementDocument.objects.exists()


def test_an_oversized_document_is_refused(coordinator_client, agreement, settings):
    settings.HAMAFZA_DOCUMENT_MAX_BYTES = 20
    response = coordinator_client.post(
        reverse("agreements:document-add", args=[agreement.pk]),
        {"document-title": "متن", "document-file": SimpleUploadedFile("big.pdf", PDF)},
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert "file" in response.context["document_form"].errors
    with translation.override("fa"):
        size, limit = filesizeformat(len(PDF)), filesizeformat(20)
    expected = message(
        "The file is %(size)s; the largest allowed is %(limit)s.", size=size, limit=limit
    )
    assert expected in response.content.decode()
    assert not AgreementDocument.objects.exists()


def test_adding_a_party_twice_is_refused(coordinator_client, agreement, partner):
    response = coordinator_client.post(
        reverse("agreements:party-add", args=[agreement.pk]),
        {"party-organization": partner.pk, "party-role": "party"},
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert "organization" in response.context["party_form"].errors
    assert message("This organization is already a party.") in response.content.decode()
    assert agreement.parties.count() == 2


def test_an_obligation_for_an_outsider_is_refused(coordinator_client, agreement, stranger):
    response = coordinator_client.post(
        reverse("agreements:obligation-add", args=[agreement.pk]),
        {"obligation-text": "کاری", "obligation-owner_organization": stranger.pk},
    )
    assert "owner_organization" in response.context["obligation_form"].errors
    assert not FollowUp.objects.exists()


def test_an_obligation_is_numbered_and_assigned(coordinator_client, agreement, partner):
    person = PersonFactory()
    MembershipFactory(person=person, organization=partner, role=Role.VIEWER)
    response = coordinator_client.post(
        reverse("agreements:obligation-add", args=[agreement.pk]),
        {
            "obligation-text": "تهیه گزارش فصلی",
            "obligation-owner_organization": partner.pk,
            "obligation-owner_person": person.pk,
            "obligation-due_on": "۱۴۰۵/۰۱/۳۱",
            "obligation-due_on_calendar": "solar",
        },
    )
    assert response.status_code == 302
    item = FollowUp.objects.get()
    assert (item.number, item.owner_organization, item.owner_person) == (1, partner, person)
    assert item.source == agreement
    assert item.due_on == solar_to_gregorian(1405, 1, 31)


# --- the state machine through the pages --------------------------------------------------


def test_an_illegal_transition_is_refused_with_the_services_message(coordinator_client, agreement):
    response = coordinator_client.post(
        reverse("agreements:state", args=[agreement.pk]),
        {"to_state": "draft", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "to_state" in response.context["form"].errors
    assert "cannot become “Draft”" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert not agreement.transitions.exists()


def test_terminating_needs_a_reason(coordinator_client, agreement):
    response = coordinator_client.post(
        reverse("agreements:state", args=[agreement.pk]),
        {"to_state": "terminated", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert "reason" in response.context["form"].errors
    assert message("Say why the agreement ends.") in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE


def test_a_draft_moves_to_negotiation_with_history(coordinator_client, actors, office, partner):
    draft = AgreementFactory(owner=office, state=AgreementState.DRAFT, parties=[office, partner])
    response = coordinator_client.post(
        reverse("agreements:state", args=[draft.pk]),
        {"to_state": "negotiation", "reason": "آغاز گفت‌وگو"},
    )
    assert response.status_code == 302
    transition = draft.transitions.get()
    assert (transition.from_state, transition.to_state) == ("draft", "negotiation")
    assert transition.actor == actors["coordinator"]


def test_renewing_a_draft_is_refused(coordinator_client, office):
    draft = AgreementFactory(owner=office, state=AgreementState.DRAFT, parties=[office])
    response = coordinator_client.post(
        reverse("agreements:renew", args=[draft.pk]),
        {"expires_on": day(900), "expires_on_calendar": "gregorian"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "cannot become “Renewed”" in response.content.decode()
    assert Agreement.objects.count() == 1


def test_renewing_makes_the_successor(coordinator_client, agreement):
    response = coordinator_client.post(
        reverse("agreements:renew", args=[agreement.pk]),
        {"expires_on": day(1100), "expires_on_calendar": "gregorian", "code": "MOU-1404-0100-R"},
    )
    successor = Agreement.objects.get(code="MOU-1404-0100-R")
    assert response["Location"] == reverse("agreements:detail", args=[successor.pk])
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.RENEWED
    assert successor.replaces == agreement
    assert successor.expires_on == today() + timedelta(days=1100)


def test_downgrading_to_a_heavier_kind_is_refused(coordinator_client, office, partner):
    protocol = AgreementFactory(owner=office, kind=kind("protocol"), parties=[office, partner])
    response = coordinator_client.post(
        reverse("agreements:downgrade", args=[protocol.pk]),
        {"kind": kind("mou").pk, "reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "kind" in response.context["form"].errors
    assert Agreement.objects.count() == 1


def test_the_downgrade_form_offers_lighter_kinds(coordinator_client, agreement):
    response = coordinator_client.get(reverse("agreements:downgrade", args=[agreement.pk]))
    offered = re.findall(r'<option value="(\d+)"', response.content.decode())
    assert offered == [str(kind("agreement").pk), str(kind("protocol").pk)]


def test_an_amendment_needs_its_reason(coordinator_client, agreement):
    response = coordinator_client.post(
        reverse("agreements:amend", args=[agreement.pk]),
        {"reason": "", "title": "تازه"},
    )
    assert "reason" in response.context["form"].errors
    assert Agreement.objects.count() == 1


# --- health and coverage ------------------------------------------------------------------


def test_health_counts_and_links_to_the_filtered_list(client, actors, spread, office):
    client.force_login(actors["coordinator"])
    response = client.get(reverse("agreements:health"), HTTP_ACCEPT_LANGUAGE="en")
    counts = response.context["counts"]
    assert counts["total"] == 6 and counts["renewal_due"] == 1
    assert counts["without_committee"] == 5
    content = response.content.decode()
    assert f"{reverse('agreements:list')}?state=renewal_due&amp;order=expiry" in content
    assert f'{reverse("agreements:list")}?state=draft"' in content
    assert "MOU-F" in content


def test_health_shows_only_the_readers_review_rounds(client, actors, agreement, office, stranger):
    ReviewRoundFactory(owner=office, title="بازنگری دفتر")
    ReviewRoundFactory(owner=stranger, title="بازنگری دیگران")
    client.force_login(actors["office_viewer"])
    content = client.get(reverse("agreements:health")).content.decode()
    assert "بازنگری دفتر" in content and "بازنگری دیگران" not in content


def test_coverage_counts_provincial_agreements_per_province(client, actors, spread, office):
    AgreementFactory(
        owner=office,
        code="MOU-G",
        scope=Scope.PROVINCIAL,
        province=spread["fars"].province,
        parent=spread["national"],
    )
    client.force_login(actors["office_viewer"])
    response = client.get(reverse("agreements:coverage"), HTTP_ACCEPT_LANGUAGE="en")
    rows = {row["agreement"].code: row for row in response.context["rows"]}
    national = rows["MOU-A"]
    assert national["total"] == 3
    assert {p.code: n for p, n in national["cells"]} == {"IR-07": 2, "IR-02": 1}
    content = response.content.decode()
    fars = spread["fars"].province_id
    assert f"?parent={spread['national'].pk}&amp;province={fars}&amp;state=active" in content


def test_a_signed_agreement_keeps_two_parties(client, actors, agreement, partner):
    # Given an active agreement with two parties
    party = agreement.parties.get(organization=partner)
    client.force_login(actors["office_editor"])
    # When the editor removes one
    url = reverse("agreements:party-remove", args=[agreement.pk, party.pk])
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    # Then it is refused with the reason, and the party stays
    assert AgreementParty.objects.filter(pk=party.pk).exists()
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert shown == [("error", "A signed agreement keeps at least two parties.")]
