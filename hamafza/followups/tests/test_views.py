"""Follow-up pages for everyone who uses them: lists, export, the item and its timeline,
reporting progress and editing, with the policy deciding who sees and writes what."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.agreements.tests.factories import AgreementFactory, MeetingFactory
from hamafza.core.calendars import date_parse
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    user_with_role,
)
from hamafza.followups import services
from hamafza.followups.models import FollowUp, FollowUpNote, FollowUpStatus
from hamafza.followups.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")]
PDF = b"%PDF-1.4\n% evidence\n"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def item(source, organization, **values) -> FollowUp:
    return FollowUpFactory(source=source, owner_organization=organization, **values)


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def numbers_on(response) -> list[int]:
    return [row.pk for row in response.context["page"].object_list]


def assert_login_asked(response):
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def queries(client, url, params=None) -> int:
    """Queries of one request with cold caches (a warm cache would hide growth)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == 200
    return len(captured)


@pytest.fixture
def partner_viewer(partner):
    return user_with_role(partner, Role.VIEWER, username="partner_viewer")


# --- who gets in ------------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client, followup):
    for url in (
        reverse("followups:mine"),
        reverse("followups:overdue"),
        reverse("followups:export", args=["csv"]),
        reverse("followups:detail", args=[followup.pk]),
        reverse("followups:edit", args=[followup.pk]),
        reverse("followups:report", args=[followup.pk]),
    ):
        assert_login_asked(client.get(url))
    response = client.post(reverse("followups:report", args=[followup.pk]), {"text": "x"})
    assert_login_asked(response)
    assert not FollowUpNote.objects.exists()


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_every_page_speaks_the_language_in_its_direction(
    client, actors, followup, language, direction
):
    client.force_login(actors["office_editor"])
    urls = [
        reverse("followups:mine"),
        reverse("followups:overdue"),
        reverse("followups:detail", args=[followup.pk]),
        reverse("followups:report", args=[followup.pk]),
        reverse("followups:edit", args=[followup.pk]),
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, url


def test_headings_are_translated(client, actors):
    client.force_login(actors["partner_editor"])
    response = client.get(reverse("followups:mine"), HTTP_ACCEPT_LANGUAGE="en")
    assert b"My follow-ups" in response.content
    with translation.override("fa"):
        persian = translation.gettext("My follow-ups")
    response = client.get(reverse("followups:mine"), HTTP_ACCEPT_LANGUAGE="fa")
    assert persian.encode() in response.content


# --- my follow-ups ----------------------------------------------------------------------------


def test_my_follow_ups_are_my_organizations_open_items_by_due_date(
    client, actors, agreement, partner, stranger
):
    # Given items of the partner due at different dates, a done one, and a stranger's
    later = item(agreement, partner, due_on=days(20), text="بعدتر")
    late = item(agreement, partner, due_on=days(-3), text="عقب‌افتاده")
    soon = item(agreement, partner, due_on=days(2), status=FollowUpStatus.IN_PROGRESS)
    item(agreement, partner, due_on=days(1), status=FollowUpStatus.DONE)
    item(agreement, stranger, due_on=days(1))
    # When the partner's editor opens their follow-ups
    client.force_login(actors["partner_editor"])
    response = client.get(reverse("followups:mine"), HTTP_ACCEPT_LANGUAGE="en")
    # Then they see their organization's open items, the nearest due first
    assert numbers_on(response) == [late.pk, soon.pk, later.pk]
    # And the overdue one is marked
    content = response.content.decode()
    row = content[content.index(f'data-followup="{late.pk}"') - 40 :]
    assert "table-danger" in row[:80]
    assert '<span class="badge text-bg-danger ms-1">Overdue</span>' in row[:2000]
    assert f'href="{reverse("followups:detail", args=[late.pk])}"' in content


def test_others_see_nothing_of_an_organization_they_hold_no_role_in(
    client, actors, agreement, partner
):
    item(agreement, partner)
    for who in ("stranger_editor", "office_editor", "coordinator"):
        client.force_login(actors[who])
        assert numbers_on(client.get(reverse("followups:mine"))) == [], who


def test_my_follow_ups_filter_by_status_text_and_organization(client, agreement, partner):
    # Given a user who holds roles in two organizations, each with items
    other = OrganizationFactory()
    user = user_with_role(partner, Role.EDITOR, username="both")
    MembershipFactory(person=user.person, organization=other, role=Role.VIEWER)
    overdue = item(agreement, partner, due_on=days(-5), text="ارسال گزارش فصلی")
    open_item = item(agreement, other, due_on=days(5), text="برگزاری نشست")
    done = item(agreement, partner, status=FollowUpStatus.DONE, text="تهیه گزارش پایانی")
    waived = item(agreement, other, status=FollowUpStatus.WAIVED)
    client.force_login(user)
    url = reverse("followups:mine")

    def shown(params):
        return set(numbers_on(client.get(url, params)))

    # Then the filters narrow the list
    assert shown({}) == {overdue.pk, open_item.pk}  # untouched: what is still open
    assert shown({"status": ""}) == {overdue.pk, open_item.pk, done.pk, waived.pk}
    assert shown({"status": "open"}) == {overdue.pk, open_item.pk}
    assert shown({"status": "overdue"}) == {overdue.pk}
    assert shown({"status": "done"}) == {done.pk}
    assert shown({"status": "waived"}) == {waived.pk}
    assert shown({"status": "", "q": "گزارش"}) == {overdue.pk, done.pk}
    assert shown({"status": "", "organization": str(other.pk)}) == {open_item.pk, waived.pk}
    # Persian digits in the organization's number are read too
    persian = str(other.pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert shown({"status": "", "organization": persian}) == {open_item.pk, waived.pk}
    # And the filter offers only the user's organizations
    form = client.get(url).context["form"]
    offered = {value for value, _label in form.fields["organization"].widget.choices if value}
    assert offered == {partner.pk, other.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "finished"},
        {"organization": "abc"},
        {"organization": "99999999999999999999999"},
        {"organization": "-3"},
        {"page": "last"},
        {"page": "99999999999999999999"},
        {"q": "x" * 500},
        {"q": "\x00"},
    ],
)
def test_filters_that_do_not_parse_are_ignored(client, actors, agreement, partner, params):
    item(agreement, partner)
    client.force_login(actors["partner_editor"])
    response = client.get(reverse("followups:mine"), params)
    assert response.status_code == 200


def test_a_long_list_is_paged(client, actors, agreement, partner):
    for n in range(55):
        item(agreement, partner, due_on=days(n))
    client.force_login(actors["partner_editor"])
    first = client.get(reverse("followups:mine"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("followups:mine"), {"page": "2"})
    assert len(second.context["page"].object_list) == 5
    # Untouched filters stay untouched on the next page: still the open items
    assert second.context["page"].paginator.count == 55


# --- overdue ----------------------------------------------------------------------------------


def test_coordinators_see_overdue_items_across_the_network(
    client, actors, agreement, partner, stranger
):
    # Given overdue items of two organizations, and items that are not overdue
    a = item(agreement, partner, due_on=days(-10))
    b = item(AgreementFactory(), stranger, due_on=days(-1))
    item(agreement, partner, due_on=days(3))
    item(agreement, partner, due_on=days(-3), status=FollowUpStatus.DONE)
    item(agreement, partner, due_on=None)
    # When a coordinator opens the overdue list, then they see both, the oldest first
    client.force_login(actors["coordinator"])
    response = client.get(reverse("followups:overdue"), HTTP_ACCEPT_LANGUAGE="en")
    assert numbers_on(response) == [a.pk, b.pk]
    assert b"across the network" in response.content
    # And may narrow it to one organization, typed by number
    response = client.get(reverse("followups:overdue"), {"organization": str(stranger.pk)})
    assert numbers_on(response) == [b.pk]


def test_others_see_only_their_own_overdue_items(client, actors, agreement, partner, stranger):
    mine = item(agreement, partner, due_on=days(-10))
    theirs = item(agreement, stranger, due_on=days(-1))
    item(AgreementFactory(), stranger, due_on=days(-2))  # another office's agreement
    client.force_login(actors["partner_editor"])
    assert numbers_on(client.get(reverse("followups:overdue"))) == [mine.pk]
    # The office that keeps the agreement sees what it assigned, to anyone
    client.force_login(actors["office_editor"])
    assert numbers_on(client.get(reverse("followups:overdue"))) == [mine.pk, theirs.pk]


@pytest.mark.parametrize("name", ["followups:mine", "followups:overdue"])
@pytest.mark.parametrize("who", ["partner_editor", "coordinator"])
def test_lists_cost_the_same_queries_at_any_size(client, actors, agreement, partner, name, who):
    client.force_login(actors[who])
    url = reverse(name)

    def grow(n):
        for k in range(n):
            person = PersonFactory()
            item(AgreementFactory(), partner, due_on=days(-k - 1), owner_person=person)
            item(MeetingFactory(), OrganizationFactory(), due_on=days(-k - 1))

    grow(2)
    small = queries(client, url, {"status": "open"})
    grow(10)
    assert queries(client, url, {"status": "open"}) == small


# --- export -----------------------------------------------------------------------------------


def test_the_list_exports_as_csv_with_its_filters(client, actors, agreement, partner):
    late = item(agreement, partner, due_on=days(-2), text='=HYPERLINK("x")')
    item(agreement, partner, due_on=days(4), text="بعدی")
    item(agreement, partner, status=FollowUpStatus.DONE, text="انجام‌شده")
    client.force_login(actors["partner_editor"])
    response = client.get(
        reverse("followups:export", args=["csv"]),
        {"list": "mine", "status": "overdue"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "followups-mine" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Number", "Text", "Kind of source"]
    assert len(rows) == 2
    assert rows[1][0] == str(late.number)
    assert rows[1][1].startswith("'=")  # a formula is written as text
    assert rows[1][5] == late.due_on.isoformat()
    assert rows[1][7] == "Yes"


def test_the_overdue_list_exports_as_xlsx(client, actors, agreement, partner, stranger):
    from openpyxl import load_workbook

    a = item(agreement, partner, due_on=days(-2), text="اول")
    b = item(agreement, stranger, due_on=days(-1), text="دوم")
    item(agreement, stranger, due_on=days(1), text="سوم")
    client.force_login(actors["coordinator"])
    response = client.get(reverse("followups:export", args=["xlsx"]), {"list": "overdue"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert [row[1] for row in values[1:]] == [a.text, b.text]
    assert values[1][5] == datetime.datetime.combine(a.due_on, datetime.time())


def test_the_export_shows_only_what_the_list_shows(client, actors, agreement, partner, stranger):
    item(agreement, stranger, due_on=days(-2), text="دیگران")
    client.force_login(actors["partner_editor"])
    response = client.get(reverse("followups:export", args=["csv"]), {"list": "overdue"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "دیگران" not in text


@pytest.mark.parametrize("fmt", ["pdf", "json", "CSV"])
def test_an_unknown_export_format_is_not_found(client, actors, fmt):
    client.force_login(actors["partner_editor"])
    assert client.get(reverse("followups:export", args=[fmt])).status_code == 404


# --- one item ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("office_viewer", 200),  # reads its office's agreement and what it asks
        ("office_editor", 200),
        ("partner_editor", 200),
        ("stranger_editor", 404),
        ("coordinator", 200),
    ],
)
def test_an_item_is_shown_to_those_it_concerns(client, actors, followup, who, status):
    client.force_login(actors[who])
    assert client.get(reverse("followups:detail", args=[followup.pk])).status_code == status


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999999999999"])
def test_an_unknown_item_is_not_found(client, actors, pk):
    client.force_login(actors["coordinator"])
    assert client.get(f"/followups/{pk}/").status_code == 404
    assert client.get(f"/followups/{pk}/edit/").status_code == 404
    assert client.post(f"/followups/{pk}/report/", {"text": "x"}).status_code == 404


def test_the_item_links_to_its_agreement(client, actors, followup, agreement):
    client.force_login(actors["partner_editor"])
    response = client.get(reverse("followups:detail", args=[followup.pk]))
    assert response.context["source_url"] == reverse("agreements:detail", args=[agreement.pk])
    assert f'href="{reverse("agreements:detail", args=[agreement.pk])}"'.encode() in (
        response.content
    )
    assert agreement.code.encode() in response.content


def test_a_meetings_decision_links_to_its_committee(client, actors, partner):
    meeting = MeetingFactory()
    decision = item(meeting, partner)
    client.force_login(actors["partner_editor"])
    response = client.get(reverse("followups:detail", args=[decision.pk]))
    url = reverse("agreements:committee-detail", args=[meeting.committee_id])
    assert response.context["source_url"] == url
    assert f'href="{url}"'.encode() in response.content


def test_a_source_no_page_shows_is_named_without_a_link(client, actors, partner):
    source = OrganizationFactory(name="منبع بی‌صفحه")
    decision = item(source, partner)
    client.force_login(actors["partner_editor"])
    response = client.get(
        reverse("followups:detail", args=[decision.pk]), HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert response.context["source_url"] == ""
    assert "منبع بی‌صفحه".encode() in response.content


def test_the_timeline_shows_notes_evidence_and_status_changes(client, actors, followup, media_root):
    # Given progress reported with evidence, then the item marked done
    services.followup_report(
        actor=actors["partner_editor"],
        followup=followup,
        text="صورت‌جلسه پیوست شد",
        status=FollowUpStatus.IN_PROGRESS,
        progress=30,
        evidence=SimpleUploadedFile("minutes.pdf", PDF),
    )
    services.followup_report(
        actor=actors["partner_editor"], followup=followup, status=FollowUpStatus.DONE
    )
    # When the office's editor opens it
    client.force_login(actors["office_editor"])
    response = client.get(
        reverse("followups:detail", args=[followup.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    # Then the timeline tells what happened, in order, with the evidence to open
    assert content.index("Status changed from Open to In progress") < content.index(
        "Status changed from In progress to Done"
    )
    assert "صورت‌جلسه پیوست شد" in content
    assert "Progress: 30%" in content
    assert "minutes.pdf" in content
    assert 'class="evidence"' in content
    assert "partner_editor" in content


def test_dates_follow_the_viewers_calendar(client, actors, agreement, partner):
    due = datetime.date(2026, 3, 21)  # 1 Farvardin 1405
    decision = item(agreement, partner, due_on=due)
    user = actors["partner_editor"]
    client.force_login(user)
    url = reverse("followups:detail", args=[decision.pk])
    user.calendar = "solar"
    user.save(update_fields=["calendar"])
    assert "Farvardin 1405" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    user.calendar = "gregorian"
    user.save(update_fields=["calendar"])
    assert "21 March 2026" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_detail_page_costs_the_same_queries_with_more_notes(client, actors, followup):
    client.force_login(actors["partner_editor"])
    url = reverse("followups:detail", args=[followup.pk])
    for who in ("partner_editor", "office_editor"):
        services.followup_report(actor=actors[who], followup=followup, text="گام")
    small = queries(client, url)
    for n in range(8):
        services.followup_report(actor=actors["partner_editor"], followup=followup, text=f"{n}")
    assert queries(client, url) == small


# --- reporting --------------------------------------------------------------------------------


def test_the_responsible_organization_reports_from_the_page(client, actors, followup):
    client.force_login(actors["partner_editor"])
    response = client.post(
        reverse("followups:report", args=[followup.pk]),
        {"text": "آغاز شد", "status": "in_progress", "progress": "۲۵"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("followups:detail", args=[followup.pk])
    followup.refresh_from_db()
    assert (followup.status, followup.progress) == ("in_progress", 25)
    note = followup.notes.get()
    assert (note.text, note.author) == ("آغاز شد", actors["partner_editor"])


def test_the_form_offers_only_the_moves_the_reporter_may_make(client, actors, followup):
    url = reverse("followups:detail", args=[followup.pk])

    def offered(who):
        client.force_login(actors[who])
        form = client.get(url).context["report_form"]
        if "status" not in form.fields:
            return set()
        return {value for value, _label in form.fields["status"].choices if value}

    # An open item: its organization may start or finish it, not waive it
    assert offered("partner_editor") == {"in_progress", "done"}
    # Its managers may also waive it
    assert offered("office_editor") == {"in_progress", "done", "waived"}
    assert offered("coordinator") == {"in_progress", "done", "waived"}
    # A closed item: only its managers may reopen it
    services.followup_report(actor=actors["office_editor"], followup=followup, status="done")
    assert offered("partner_editor") == set()
    assert offered("office_editor") == {"open", "in_progress", "waived"}


def test_a_move_not_offered_is_refused_and_nothing_changes(client, actors, followup):
    client.force_login(actors["partner_editor"])
    response = client.post(
        reverse("followups:report", args=[followup.pk]), {"text": "لغو", "status": "waived"}
    )
    assert response.status_code == 200
    assert response.context["report_form"].errors["status"]
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
    assert not FollowUpNote.objects.exists()


def test_an_empty_report_is_shown_as_an_error(client, actors, followup):
    client.force_login(actors["partner_editor"])
    response = client.post(reverse("followups:report", args=[followup.pk]), {"text": " "})
    assert response.status_code == 200
    assert response.context["report_form"].non_field_errors()
    assert not FollowUpNote.objects.exists()


def test_evidence_of_the_wrong_kind_is_shown_on_its_field(client, actors, followup, media_root):
    client.force_login(actors["partner_editor"])
    response = client.post(
        reverse("followups:report", args=[followup.pk]),
        {
            "text": "انجام شد",
            "status": "done",
            "evidence": SimpleUploadedFile("report.docx", b"PK\x03\x04 not a pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["report_form"].errors["evidence"]
    assert b"The file must be a PDF document or a PNG or JPEG picture." in response.content
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
    assert not FollowUpNote.objects.exists()


def test_evidence_is_uploaded_from_the_page(client, actors, followup, media_root):
    client.force_login(actors["partner_editor"])
    response = client.post(
        reverse("followups:report", args=[followup.pk]),
        {"evidence": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)},
    )
    assert response.status_code == 302
    assert followup.notes.get().evidence.name.endswith(".png")


@pytest.mark.parametrize(
    "who, status",
    [("office_viewer", 403), ("stranger_editor", 404), ("partner_viewer", 403)],
)
def test_those_who_may_not_report_are_refused(
    client, actors, partner_viewer, followup, who, status
):
    user = partner_viewer if who == "partner_viewer" else actors[who]
    client.force_login(user)
    url = reverse("followups:report", args=[followup.pk])
    assert client.post(url, {"text": "x", "status": "done"}).status_code == status
    assert client.get(url).status_code == status
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
    assert not FollowUpNote.objects.exists()


def test_a_viewer_of_the_responsible_organization_reads_without_a_form(
    client, partner_viewer, followup
):
    client.force_login(partner_viewer)
    response = client.get(reverse("followups:detail", args=[followup.pk]))
    assert response.status_code == 200
    assert response.context["report_form"] is None
    assert not response.context["can_change"]


# --- editing ----------------------------------------------------------------------------------


def test_the_sources_managers_edit_the_item(client, actors, followup, partner, stranger):
    client.force_login(actors["office_editor"])
    url = reverse("followups:edit", args=[followup.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "text": "متن بازنگری‌شده",
            "owner_organization": str(stranger.pk),
            "owner_person": "",
            "due_on": "۱۴۰۹/۰۱/۱۵",
            "due_on_calendar": "solar",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    followup.refresh_from_db()
    assert followup.text == "متن بازنگری‌شده"
    assert followup.owner_organization == stranger
    assert followup.due_on == date_parse("1409/01/15", calendar="solar")


def test_the_responsible_person_is_chosen_among_the_organizations_people(
    client, actors, followup, partner
):
    member = actors["partner_editor"].person
    outsider = PersonFactory()
    client.force_login(actors["office_editor"])
    url = reverse("followups:edit", args=[followup.pk])
    values = {"text": followup.text, "owner_organization": str(partner.pk)}
    response = client.post(url, {**values, "owner_person": str(outsider.pk)})
    assert response.status_code == 200
    assert response.context["form"].errors["owner_person"]
    response = client.post(url, {**values, "owner_person": str(member.pk)})
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.owner_person == member


@pytest.mark.parametrize(
    "values",
    [
        {"text": "", "owner_organization": "{partner}"},
        {"text": "x", "owner_organization": "99999999999999999999999"},
        {"text": "x", "owner_organization": "{partner}", "due_on": "1409/13/40"},
        {"text": "x", "owner_organization": "{partner}", "owner_person": "abc"},
    ],
)
def test_bad_edits_are_form_errors_and_change_nothing(client, actors, followup, partner, values):
    values = {k: v.replace("{partner}", str(partner.pk)) for k, v in values.items()}
    values.setdefault("due_on_calendar", "solar")
    before = followup.text
    client.force_login(actors["office_editor"])
    response = client.post(reverse("followups:edit", args=[followup.pk]), values)
    assert response.status_code == 200
    assert response.context["form"].errors
    followup.refresh_from_db()
    assert followup.text == before


@pytest.mark.parametrize(
    "who, status",
    [
        ("office_viewer", 403),
        ("partner_editor", 403),
        ("stranger_editor", 404),
    ],
)
def test_others_may_not_edit(client, actors, followup, partner, who, status):
    client.force_login(actors[who])
    url = reverse("followups:edit", args=[followup.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"text": "ربوده", "owner_organization": str(partner.pk)})
    assert response.status_code == status
    followup.refresh_from_db()
    assert followup.text != "ربوده"


def test_the_edit_link_is_shown_only_to_managers(client, actors, followup):
    edit_url = reverse("followups:edit", args=[followup.pk]).encode()
    client.force_login(actors["partner_editor"])
    assert edit_url not in client.get(reverse("followups:detail", args=[followup.pk])).content
    client.force_login(actors["office_editor"])
    assert edit_url in client.get(reverse("followups:detail", args=[followup.pk])).content


def test_evidence_is_private_to_those_who_read_the_item(client, actors, followup, settings):
    # Given a report with a PDF as evidence
    client.force_login(actors["partner_editor"])
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf")
    client.post(reverse("followups:report", args=[followup.pk]), {"text": "x", "evidence": pdf})
    note = followup.notes.get()
    url = reverse("followups:evidence", args=[followup.pk, note.pk])
    # Then the file is not under the public media directory at all
    assert not (Path(settings.MEDIA_ROOT) / note.evidence.name).exists()
    # and the item's readers get it, others do not
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 proof"
    client.force_login(actors["stranger_editor"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
