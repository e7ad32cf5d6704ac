"""Exports of the events lists: what is coming up, an organization's events, the occasions of
the year, and a course's enrolments for those who run it — read back from CSV and XLSX."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.core.calendars import date_numeric
from hamafza.core.models import Country, Language
from hamafza.events import selectors, services
from hamafza.events.models import EventKind, EventStatus
from hamafza.events.tests.factories import course_make, enrolment_make, event_make

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo(settings.HAMAFZA_DEFAULT_TIME_ZONE)


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    return list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )


def soon(days: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


@pytest.fixture
def events(organizer, stranger):
    """Two gatherings and a conference to come, one of them in Iraq; one cancelled."""
    made = [
        event_make(organizer=organizer, name="مجلس یک", starts_at=soon(1)),
        event_make(
            organizer=stranger,
            name="همایش",
            kind=EventKind.CONFERENCE,
            starts_at=soon(2),
            country=Country.objects.get(code="IQ"),
        ),
        event_make(organizer=organizer, name="مجلس دو", starts_at=soon(3)),
    ]
    from hamafza.core.permissions import SYSTEM
    from hamafza.events.services import event_cancel

    event_cancel(actor=SYSTEM, event=event_make(organizer=organizer, name="لغو", starts_at=soon(4)))
    return made


# --- upcoming --------------------------------------------------------------------------------


def test_the_upcoming_export_has_the_pages_rows(client, events):
    response = client.get(reverse("events:upcoming"), HTTP_ACCEPT_LANGUAGE="en")
    shown = [occurrence.event.display_name("en") for occurrence in response.context["occurrences"]]
    table = read_csv(
        client.get(reverse("events:upcoming-export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="en")
    )
    header = table[0]
    assert header[:3] == ["Starts", "Ends", "Event"]
    assert [row[2] for row in table[1:]] == shown == ["مجلس یک", "همایش", "مجلس دو"]
    sheet = read_xlsx(client.get(reverse("events:upcoming-export", args=["xlsx"])))
    assert [row[2] for row in sheet[1:]] == shown
    assert isinstance(sheet[1][0], datetime.datetime)
    row = dict(zip(header, table[2], strict=True))
    assert row["Kind"] == "Conference" and row["Place"].endswith("Iraq")


def test_the_upcoming_export_follows_the_filters(client, events, organizer):
    # (an anonymous visitor's day is Tehran's)
    url = reverse("events:upcoming-export", args=["csv"])
    for params, names in (
        ({"kind": "conference"}, ["همایش"]),
        ({"organization": organizer.pk}, ["مجلس یک", "مجلس دو"]),
        ({"day": events[1].starts_at.astimezone(TEHRAN).date().isoformat()}, ["همایش"]),
        (
            {"kind": "nonsense", "organization": "99999999999999999999"},
            ["مجلس یک", "همایش", "مجلس دو"],
        ),
    ):
        assert [row[2] for row in read_csv(client.get(url, params))[1:]] == names, params


def test_the_upcoming_page_links_to_its_export(client, events):
    page = client.get(reverse("events:upcoming"), {"kind": "conference"}).content.decode()
    assert f'href="{reverse("events:upcoming-export", args=["csv"])}?kind=conference"' in page


# --- an organization's events ----------------------------------------------------------------


def test_an_organizations_export_has_every_event_newest_first(client, events, organizer):
    url = reverse("events:organization-export", args=[organizer.pk, "csv"])
    table = read_csv(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    page = client.get(reverse("events:organization", args=[organizer.pk]))
    assert [row[0] for row in table[1:]] == [
        event.display_name() for event in page.context["page"].rows
    ]
    assert [row[0] for row in table[1:]] == ["لغو", "مجلس دو", "مجلس یک"]
    with translation.override("en"):
        assert table[1][table[0].index("Status")] == str(EventStatus.CANCELLED.label)
    sheet = read_xlsx(
        client.get(reverse("events:organization-export", args=[organizer.pk, "xlsx"]))
    )
    assert len(sheet) == 4
    page_html = page.content.decode()
    assert reverse("events:organization-export", args=[organizer.pk, "xlsx"]) in page_html
    assert client.get("/events/organization/99999999999/export.csv").status_code == 404


def test_an_organizations_export_costs_the_same_queries_at_any_size(client, organizer):
    url = reverse("events:organization-export", args=[organizer.pk, "csv"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(url).streaming_content)
        return len(captured.captured_queries)

    persian = Language.objects.get(code="fa")
    for days in range(1, 3):
        event_make(organizer=organizer, starts_at=soon(days), language=persian)
    queries()  # the places are read once per process, into memory
    few = queries()
    for days in range(3, 15):
        event_make(organizer=organizer, starts_at=soon(days), language=persian)
    assert queries() == few


# --- occasions -------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["IR", "IQ"])
def test_the_occasions_export_has_the_pages_rows_and_dates(client, region):
    services.occasion_dates_refresh()
    page = client.get(reverse("events:occasions"), {"region": region}, HTTP_ACCEPT_LANGUAGE="fa")
    rows = page.context["rows"]
    url = reverse("events:occasions-export", args=["csv"])
    table = read_csv(client.get(url, {"region": region}, HTTP_ACCEPT_LANGUAGE="fa"))
    assert len(table) == len(rows) + 1 == selectors.occasion_list().count() + 1
    with translation.override("fa"):
        assert table[0][0] == translation.gettext("Occasion")
    # the first occasion with a date this year: its date in ISO form and in the visitor's
    # calendar (Solar Hijri for Persian)
    first = next(row for row in rows if row["this_year"])
    line = rows.index(first) + 1
    assert table[line][0] == first["occasion"].display_name("fa")
    assert table[line][3] == first["this_year"].starts_on.isoformat()
    assert table[line][4] == date_numeric(
        first["this_year"].starts_on, calendar="solar", language="fa", region=region
    )
    sheet = read_xlsx(
        client.get(reverse("events:occasions-export", args=["xlsx"]), {"region": region})
    )
    assert len(sheet) == len(table)
    assert f"?region={region}" in page.content.decode()


# --- a course's enrolments -------------------------------------------------------------------


@pytest.fixture
def course(organizer):
    course = course_make(organizer=organizer)
    for status in ("applied", "accepted", "declined"):
        enrolment_make(course=course, status=status)
    return course


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("organizer_viewer", 403),
        ("stranger_owner", 403),
        ("organizer_editor", 200),
        ("coordinator", 200),
    ],
)
def test_a_courses_enrolments_are_exported_for_those_who_run_it(
    client, actors, course, who, status
):
    if actors[who] is not None:
        client.force_login(actors[who])
    response = client.get(
        reverse("events:course-enrolments-export", args=[course.event_id, "csv"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == status
    if status == 200:
        table = read_csv(response)
        assert table[0][:3] == ["Person", "Sent by", "Status"]
        assert sorted(row[2] for row in table[1:]) == ["Accepted", "Applied", "Declined"]
        page = client.get(reverse("events:course", args=[course.event_id])).content.decode()
        assert reverse("events:course-enrolments-export", args=[course.event_id, "xlsx"]) in page


def test_a_course_export_with_a_bad_number_or_format_is_not_found(client, actors, course):
    client.force_login(actors["coordinator"])
    assert client.get("/events/99999999999999999999/course/enrolments.csv").status_code == 404
    url = reverse("events:course-enrolments-export", args=[course.event_id, "ods"])
    assert client.get(url).status_code == 404
