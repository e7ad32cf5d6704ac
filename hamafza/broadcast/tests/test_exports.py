"""Exports of the live, upcoming and archive lists: the pages' rows and filters, as CSV and
XLSX read back; members-only channels only for their members, as on the pages."""

import csv
import datetime
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.broadcast.models import ArchiveItem, ArchiveStatus, BroadcastStatus, Visibility
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

LISTS = {"live": "broadcast:live", "upcoming": "broadcast:upcoming", "archive": "broadcast:archive"}


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


def live(channel, **values):
    values.setdefault("started_at", timezone.now() - timedelta(minutes=10))
    return BroadcastFactory(channel=channel, status=BroadcastStatus.LIVE, **values)


def archived(channel, **values):
    values.setdefault("started_at", timezone.now() - timedelta(days=1))
    values.setdefault("ended_at", values["started_at"] + timedelta(hours=1))
    broadcast = BroadcastFactory(channel=channel, status=BroadcastStatus.ARCHIVED, **values)
    ArchiveItem.objects.create(
        broadcast=broadcast, status=ArchiveStatus.READY, duration_seconds=3725.4
    )
    return broadcast


@pytest.fixture
def channels(organization, other_organization):
    """A public channel and a members-only one, each with a broadcast in every list."""
    public = ChannelFactory(organization=organization)
    members = ChannelFactory(organization=other_organization, visibility=Visibility.MEMBERS)
    for channel, name in ((public, "عمومی"), (members, "اعضا")):
        live(channel, title=f"زنده {name}")
        BroadcastFactory(channel=channel, title=f"آینده {name}")
        archived(channel, title=f"بایگانی {name}")
    return public, members


def export(client, what: str, fmt: str = "csv", params=None):
    url = reverse("broadcast:export", args=[what, fmt])
    return client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE="en")


def page_titles(client, what: str, params=None) -> list[str]:
    response = client.get(reverse(LISTS[what]), params or {}, HTTP_ACCEPT_LANGUAGE="en")
    return [broadcast.display_title("en") for broadcast in response.context["page"].rows]


@pytest.mark.parametrize("what", list(LISTS))
def test_each_export_has_its_pages_rows_for_anonymous_visitors(client, channels, what):
    table = read_csv(export(client, what))
    sheet = read_xlsx(export(client, what, "xlsx"))
    titles = [row[0] for row in table[1:]]
    # members-only broadcasts are left out, as on the page
    assert len(titles) == 1 and "عمومی" in titles[0]
    assert titles == page_titles(client, what)
    assert [row[0] for row in sheet[1:]] == titles
    assert list(sheet[0]) == table[0]


@pytest.mark.parametrize("what", list(LISTS))
def test_a_member_exports_their_organizations_members_only_broadcasts(
    client, channels, other_organization, what
):
    client.force_login(user_with_role(other_organization, Role.VIEWER, username="member"))
    titles = [row[0] for row in read_csv(export(client, what))[1:]]
    assert sorted(titles) == sorted(page_titles(client, what))
    assert len(titles) == 2


def test_a_coordinator_exports_everything(client, channels):
    client.force_login(UserFactory(username="coordinator", is_coordinator=True))
    assert len(read_csv(export(client, "upcoming"))) == 3


def test_the_columns_say_when_and_how_long(client, channel):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    BroadcastFactory(channel=channel, title="سخنرانی", scheduled_start=start, speaker="رفیعی")
    table = read_csv(export(client, "upcoming"))
    row = dict(zip(table[0], table[1], strict=True))
    assert row["Speaker or reciter"] == "رفیعی"
    assert row["Organization"] == channel.organization.display_name("en")
    # in the visitor's time zone (Tehran for anonymous visitors)
    local = timezone.localtime(start, ZoneInfo(settings.HAMAFZA_DEFAULT_TIME_ZONE))
    assert row["Scheduled start"] == local.replace(tzinfo=None).isoformat()
    archived(channel, title="قدیمی")
    table = read_csv(export(client, "archive"))
    row = dict(zip(table[0], table[1], strict=True))
    assert (row["Length (minutes)"], row["Recording"]) == ("62", "Ready")
    assert row["Link"].endswith(
        reverse("broadcast:player", args=[ArchiveItem.objects.get().broadcast_id])
    )
    sheet = read_xlsx(export(client, "archive", "xlsx"))
    assert isinstance(sheet[1][table[0].index("Started at")], datetime.datetime)


def test_the_exports_follow_the_lists_filters(client, channel):
    # 1404/01/01 (Solar Hijri) is 21 March 2025.
    start = datetime.datetime(2025, 3, 20, 21, 0, tzinfo=datetime.UTC)
    archived(channel, title="نوروز", started_at=start)
    archived(channel, title="پیش", started_at=start - timedelta(hours=1))
    solar = {"date_from": "۱۴۰۴/۰۱/۰۱", "date_from_calendar": "solar"}
    assert [row[0] for row in read_csv(export(client, "archive", params=solar))[1:]] == ["نوروز"]
    assert page_titles(client, "archive", solar) == ["نوروز"]
    assert read_csv(export(client, "archive", params={"q": "پیش"}))[1][0] == "پیش"
    assert len(read_csv(export(client, "archive", params={"country": "IQ"}))) == 1


def test_bad_filters_and_names_never_fail(client, channel):
    archived(channel)
    params = {"date_from": "۱۴۰۴/۱۳/۴۰", "date_from_calendar": "solar", "country": "ZZZ"}
    assert len(read_csv(export(client, "archive", params=params))) == 2
    assert client.get("/broadcast/export/hidden.csv").status_code == 404
    assert client.get("/broadcast/export/live.pdf").status_code == 404


def test_text_a_spreadsheet_would_run_is_not_a_formula(client, channel):
    BroadcastFactory(channel=channel, title="=cmd|' /C calc'!A0", speaker="@SUM(1)")
    row = read_csv(export(client, "upcoming"))[1]
    assert row[0] == "'=cmd|' /C calc'!A0" and row[5] == "'@SUM(1)"


@pytest.mark.parametrize("what", list(LISTS))
def test_an_export_costs_the_same_queries_at_any_size(client, what):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(export(client, what).streaming_content)
        return len(captured.captured_queries)

    def grow(count: int) -> None:
        for _number in range(count):
            channel = ChannelFactory()
            live(channel)
            BroadcastFactory(channel=channel)
            archived(channel)

    grow(2)
    few = queries()
    grow(15)
    assert queries() == few


def test_the_lists_link_to_their_exports_with_their_filters(client, channels):
    for what, name in LISTS.items():
        page = client.get(reverse(name), {"country": "IR", "page": "1"}).content.decode()
        assert f'href="{reverse("broadcast:export", args=[what, "csv"])}?country=IR"' in page
        assert f'href="{reverse("broadcast:export", args=[what, "xlsx"])}?country=IR"' in page
