"""Broadcasting pages, the heartbeat endpoint, the embed and oEmbed, for everyone who uses them."""

import datetime
import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.broadcast import services
from hamafza.broadcast.models import (
    ArchiveItem,
    ArchiveStatus,
    Broadcast,
    BroadcastStatus,
    Channel,
    IngestEvent,
    IngestOutcome,
    StreamKey,
    ViewerPresence,
    Visibility,
)
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.core.calendars import date_format
from hamafza.core.models import Country, Language
from hamafza.core.permissions import SYSTEM
from hamafza.core.selectors import places_index_forget
from hamafza.directory.models import OrganizationKind, Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "viewer", "editor", "owner", "other_editor", "coordinator"]
EDITORS = {"editor", "owner", "coordinator"}
LANGUAGES = [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")]


def live(channel, **values):
    values.setdefault("started_at", timezone.now() - timedelta(minutes=10))
    return BroadcastFactory(channel=channel, status=BroadcastStatus.LIVE, **values)


def archived(channel, *, status=ArchiveStatus.READY, **values):
    values.setdefault("started_at", timezone.now() - timedelta(days=1))
    values.setdefault("ended_at", values["started_at"] + timedelta(hours=1))
    broadcast = BroadcastFactory(channel=channel, status=BroadcastStatus.ARCHIVED, **values)
    ArchiveItem.objects.create(
        broadcast=broadcast,
        status=status,
        video_path=f"b{broadcast.pk}/video.mp4",
        audio_path=f"b{broadcast.pk}/audio.m4a",
        thumbnail_path=f"b{broadcast.pk}/thumbnail.jpg",
        waveform_path=f"b{broadcast.pk}/waveform.png",
        duration_seconds=3725.4,
    )
    return broadcast


def as_actor(client, actors, who):
    if actors[who] is not None:
        client.force_login(actors[who])
    return client


def assert_refused(response, who):
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403


def player_config(response) -> dict:
    found = re.search(
        rb'<script type="application/json">(.*?)</script>', response.content, re.DOTALL
    )
    assert found, "no player configuration on the page"
    return json.loads(found.group(1))


def queries(client, url, params=None) -> int:
    """Queries of one request with cold caches (a warm cache would hide growth)."""
    cache.clear()
    places_index_forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == 200
    return len(captured)


# --- every page, in every language --------------------------------------------------------


@pytest.fixture
def pages(channel):
    """One URL of every page, with what it needs."""
    on_air = live(channel, title="مراسم زنده")
    done = archived(channel, title="مراسم گذشته")
    coming = BroadcastFactory(channel=channel, title="مراسم آینده")
    return {
        "live": reverse("broadcast:live"),
        "upcoming": reverse("broadcast:upcoming"),
        "archive": reverse("broadcast:archive"),
        "channel": reverse("broadcast:channel", args=[channel.pk]),
        "player-live": reverse("broadcast:player", args=[on_air.pk]),
        "player-archive": reverse("broadcast:player", args=[done.pk]),
        "player-scheduled": reverse("broadcast:player", args=[coming.pk]),
        "channel-create": reverse("broadcast:channel-create")
        + f"?organization={channel.organization_id}",
        "channel-edit": reverse("broadcast:channel-edit", args=[channel.pk]),
        "broadcast-create": reverse("broadcast:broadcast-create", args=[channel.pk]),
        "broadcast-edit": reverse("broadcast:broadcast-edit", args=[coming.pk]),
    }


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_every_page_speaks_the_language_in_its_direction(
    client, actors, pages, language, direction
):
    client.force_login(actors["editor"])
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, name
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, name


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_the_embed_speaks_the_language_too(client, channel, language, direction):
    response = client.get(
        reverse("broadcast:embed", args=[channel.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert f'lang="{language}" dir="{direction}"'.encode() in response.content


def test_headings_are_translated(client, pages):
    response = client.get(pages["upcoming"], HTTP_ACCEPT_LANGUAGE="en")
    assert b"Upcoming broadcasts" in response.content
    with translation.override("fa"):
        persian = translation.gettext("Upcoming broadcasts")
    response = client.get(pages["upcoming"], HTTP_ACCEPT_LANGUAGE="fa")
    assert persian.encode() in response.content


def test_the_navigation_links_to_live_and_archive(client):
    response = client.get(reverse("directory:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="{reverse("broadcast:live")}"'.encode() in response.content
    assert f'href="{reverse("broadcast:archive")}"'.encode() in response.content


# --- live now -----------------------------------------------------------------------------


def test_live_now_lists_live_broadcasts_with_their_viewers(client, channel):
    busy = live(channel, title="پربیننده")
    quiet = live(ChannelFactory(), title="کم‌بیننده")
    BroadcastFactory(channel=channel, title="برنامه‌ریزی‌شده")
    now = timezone.now()
    for n in range(3):
        ViewerPresence.objects.create(broadcast=busy, viewer=f"{n:032x}", last_seen=now)
    ViewerPresence.objects.create(
        broadcast=quiet, viewer="f" * 32, last_seen=now - timedelta(hours=1)
    )
    response = client.get(reverse("broadcast:live"), HTTP_ACCEPT_LANGUAGE="en")
    rows = response.context["page"].rows
    assert [b.title for b in rows] == ["پربیننده", "کم‌بیننده"]
    assert [b.watching for b in rows] == [3, 0]  # the quiet one's viewer left an hour ago
    assert b"3 watching" in response.content


def test_live_now_filters_by_country_language_and_kind(client):
    iraq = Country.objects.get(code="IQ")
    shrine = OrganizationFactory(kind=OrganizationKind.SHRINE, country=iraq)
    arabic = Language.objects.get(code="ar")
    urdu = Language.objects.get(code="ur")
    a = live(ChannelFactory(organization=shrine, language=arabic), title="عربی")
    b = live(ChannelFactory(), title="اردو", language=urdu)
    url = reverse("broadcast:live")

    def titles(params):
        return {x.title for x in client.get(url, params).context["page"].rows}

    assert titles({}) == {a.title, b.title}
    assert titles({"country": "iq"}) == {a.title}
    assert titles({"kind": "shrine"}) == {a.title}
    assert titles({"language": "ar"}) == {a.title}  # the channel's language
    assert titles({"language": "ur"}) == {b.title}  # the broadcast's own
    assert titles({"country": "IR", "kind": "shrine"}) == set()
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert b'<option value="IQ">' in response.content
    assert b'<option value="shrine">' in response.content


@pytest.mark.parametrize(
    "params",
    [
        {"page": "9999"},
        {"page": "-1"},
        {"page": "۲"},
        {"page": "99999999999999999999999"},
        {"kind": "<script>"},
        {"country": "ZZZZ"},
        {"language": "' OR 1=1 --"},
        {"q": "\x00"},
    ],
)
@pytest.mark.parametrize("name", ["broadcast:live", "broadcast:upcoming", "broadcast:archive"])
def test_malformed_list_parameters_never_fail(client, channel, name, params):
    live(channel)
    BroadcastFactory(channel=channel)
    archived(channel)
    assert client.get(reverse(name), params).status_code == 200


def test_htmx_gets_only_the_results(client, channel):
    live(channel, title="زنده")
    response = client.get(reverse("broadcast:live"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert "زنده".encode() in response.content


def test_members_only_broadcasts_are_listed_only_for_members(client, actors, organization):
    private = ChannelFactory(organization=organization, visibility=Visibility.MEMBERS)
    live(private, title="خصوصی")
    live(ChannelFactory(), title="عمومی")
    url = reverse("broadcast:live")

    def titles():
        return {b.title for b in client.get(url).context["page"].rows}

    assert titles() == {"عمومی"}
    client.force_login(actors["other_editor"])
    assert titles() == {"عمومی"}
    client.force_login(actors["viewer"])
    assert titles() == {"عمومی", "خصوصی"}
    client.force_login(actors["coordinator"])
    assert titles() == {"عمومی", "خصوصی"}


# --- upcoming -----------------------------------------------------------------------------


def test_upcoming_shows_the_start_in_three_calendars_and_the_viewers_time_zone(client, channel):
    start = datetime.datetime(2030, 3, 1, 12, 0, tzinfo=datetime.UTC)
    BroadcastFactory(channel=channel, title="دعای کمیل", scheduled_start=start)
    BroadcastFactory(channel=channel, title="لغوشده", status=BroadcastStatus.CANCELLED)
    BroadcastFactory(
        channel=channel, title="گذشته", scheduled_start=timezone.now() - timedelta(days=2)
    )
    url = reverse("broadcast:upcoming")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
    assert [b.title for b in response.context["page"].rows] == ["دعای کمیل"]
    content = response.content.decode()
    # Solar Hijri shown, lunar Hijri and Gregorian in the title; 12:00 UTC is 15:30 in Tehran.
    tehran = timezone.localtime(start, datetime.timezone(timedelta(hours=3, minutes=30)))
    solar = date_format(tehran, calendar="solar", language="fa")
    gregorian = date_format(tehran, calendar="gregorian", language="fa")
    lunar = date_format(tehran, calendar="lunar", language="fa", region="IR")
    assert f">{solar}</time>" in content
    assert gregorian in content and lunar in content
    assert "۱۵:۳۰" in content
    assert "Asia/Tehran" in content
    # A viewer in Baghdad sees 15:00, in Western digits in English.
    viewer = UserFactory(time_zone="Asia/Baghdad")
    client.force_login(viewer)
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "15:00" in content and "Asia/Baghdad" in content


def test_upcoming_soonest_first(client, channel):
    now = timezone.now()
    BroadcastFactory(channel=channel, title="دوم", scheduled_start=now + timedelta(days=2))
    BroadcastFactory(channel=channel, title="اول", scheduled_start=now + timedelta(hours=2))
    response = client.get(reverse("broadcast:upcoming"))
    assert [b.title for b in response.context["page"].rows] == ["اول", "دوم"]


# --- archive ------------------------------------------------------------------------------


def test_archive_search_normalizes_spellings_and_reaches_the_organization(client, organization):
    channel = ChannelFactory(organization=organization)
    archived(channel, title="سخنرانی شب قدر", speaker="حجت‌الاسلام رفیعی", occasion="رمضان")
    archived(ChannelFactory(), title="مداحی", speaker="میثم مطیعی", occasion="محرم")
    url = reverse("broadcast:archive")

    def titles(q):
        return [b.title for b in client.get(url, {"q": q}).context["page"].rows]

    assert titles("سخنراني") == ["سخنرانی شب قدر"]  # Arabic yeh
    assert titles("رفيعي") == ["سخنرانی شب قدر"]  # the speaker
    assert titles("محرم") == ["مداحی"]  # the occasion
    assert titles("محبان") == ["سخنرانی شب قدر"]  # the organization's name
    assert titles("رفیعی محبان") == ["سخنرانی شب قدر"]  # one word each side
    assert titles("رفیعی محرم") == []


def test_archive_filters_by_language_and_country(client):
    arabic = Language.objects.get(code="ar")
    iraq = OrganizationFactory(country=Country.objects.get(code="IQ"))
    a = archived(ChannelFactory(organization=iraq), title="عراق", language=arabic)
    archived(ChannelFactory(), title="ایران")
    url = reverse("broadcast:archive")
    assert [b.pk for b in client.get(url, {"language": "ar"}).context["page"].rows] == [a.pk]
    assert [b.pk for b in client.get(url, {"country": "IQ"}).context["page"].rows] == [a.pk]


def test_archive_dates_in_any_calendar(client, channel):
    # 1404/01/01 (Solar Hijri) is 21 March 2025.
    start = datetime.datetime(
        2025, 3, 20, 21, 0, tzinfo=datetime.UTC
    )  # 00:30 on the 21st in Tehran
    inside = archived(channel, title="نوروز", started_at=start)
    archived(channel, title="پیش", started_at=start - timedelta(hours=1))  # 23:30 on the 20th
    url = reverse("broadcast:archive")
    solar = {"date_from": "۱۴۰۴/۰۱/۰۱", "date_from_calendar": "solar"}
    assert [b.pk for b in client.get(url, solar).context["page"].rows] == [inside.pk]
    gregorian = {
        "date_from": "2025-03-20",
        "date_from_calendar": "gregorian",
        "date_to": "2025/03/20",
        "date_to_calendar": "gregorian",
    }
    assert [b.title for b in client.get(url, gregorian).context["page"].rows] == ["پیش"]


def test_archive_bad_dates_are_explained_not_failed(client, channel):
    archived(channel)
    response = client.get(
        reverse("broadcast:archive"),
        {"date_from": "۱۴۰۴/۱۳/۴۰", "date_from_calendar": "solar", "date_to": "nonsense"},
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 200
    errors = response.context["dates"].errors
    assert {"date_from", "date_to"} <= set(errors)
    assert len(response.context["page"].rows) == 1  # the filter is left out, not the results
    with translation.override("fa"):
        assert translation.gettext("Enter a date as year/month/day.") in str(errors["date_to"])


def test_archive_range_backwards_is_an_error(client, channel):
    response = client.get(
        reverse("broadcast:archive"),
        {"date_from": "2025/03/21", "date_from_calendar": "gregorian", "date_to": "2025/03/01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The end date is before the start date." in str(response.context["dates"].errors)


def test_archive_pages(client, channel):
    for n in range(25):
        archived(channel, title=f"جلسه {n}", started_at=timezone.now() - timedelta(days=n + 1))
    url = reverse("broadcast:archive")
    first = client.get(url)
    assert first.context["page"].count == 25 and first.context["page"].has_next
    second = client.get(url, {"page": "۲"})
    assert len(second.context["page"].rows) == 5
    assert second.context["page"].rows[-1].title == "جلسه 24"


def test_archive_shows_being_prepared_but_not_failed(client, channel):
    archived(channel, title="آماده")
    archived(channel, title="در حال آماده‌سازی", status=ArchiveStatus.PROCESSING)
    archived(channel, title="خراب", status=ArchiveStatus.FAILED)
    BroadcastFactory(channel=channel, status=BroadcastStatus.ENDED, title="بدون ضبط")
    response = client.get(reverse("broadcast:archive"), HTTP_ACCEPT_LANGUAGE="en")
    assert {b.title for b in response.context["page"].rows} == {"آماده", "در حال آماده‌سازی"}
    assert b"Being prepared" in response.content


# --- query counts -------------------------------------------------------------------------


def _grow(organizations: int, per: int) -> None:
    urdu = Language.objects.get(code="ur")
    countries = [Country.objects.get(code="IQ"), Country.objects.get(code="IR")]
    for n in range(organizations):
        organization = OrganizationFactory(country=countries[n % 2])
        channel = ChannelFactory(organization=organization, language=urdu)
        for _ in range(per):
            b = live(channel, language=urdu)
            ViewerPresence.objects.create(broadcast=b, viewer=f"{b.pk:032x}")
            BroadcastFactory(channel=channel)
            archived(channel, speaker="رفیعی")


@pytest.mark.parametrize(
    "name, params",
    [
        ("broadcast:live", {}),
        ("broadcast:live", {"country": "IQ", "language": "ur", "kind": "heyat"}),
        ("broadcast:upcoming", {}),
        ("broadcast:upcoming", {"country": "IQ"}),
        ("broadcast:archive", {}),
        ("broadcast:archive", {"q": "رفیعی", "date_from": "2020/01/01", "language": "ur"}),
    ],
)
def test_lists_cost_the_same_queries_at_any_size(client, actors, name, params):
    client.force_login(actors["viewer"])  # roles are read too
    url = reverse(name)
    _grow(2, 1)
    small = queries(client, url, params)
    _grow(8, 3)
    assert queries(client, url, params) == small


def test_channel_page_costs_the_same_queries_at_any_size(client, actors, channel):
    client.force_login(actors["editor"])
    url = reverse("broadcast:channel", args=[channel.pk])

    def grow(n):
        for _ in range(n):
            BroadcastFactory(channel=channel)
            archived(channel)
            services.stream_key_create(actor=SYSTEM, channel=channel)
            services.publish_authorize(stream=channel.stream_name, key="hz_wrong")

    live(channel)
    grow(2)
    small = queries(client, url)
    grow(12)
    assert queries(client, url) == small


# --- the channel page ---------------------------------------------------------------------


def test_channel_page_shows_live_upcoming_and_archive(client, channel):
    on_air = live(channel, title="اکنون")
    BroadcastFactory(channel=channel, title="بعدی")
    archived(channel, title="پیشین")
    response = client.get(reverse("broadcast:channel", args=[channel.pk]))
    content = response.content.decode()
    assert "اکنون" in content and "بعدی" in content and "پیشین" in content
    config = player_config(response)
    assert config["video"].endswith(f"/live/b{on_air.pk}/video.m3u8")
    # No staff tools for the public
    assert 'id="keys"' not in content and 'id="ingest-log"' not in content
    assert 'id="publish"' not in content


def test_channel_staff_see_the_publish_address_keys_and_the_ingest_log(
    client, actors, channel, settings
):
    settings.HAMAFZA_INGEST_PUBLIC_URL = "rtmp://ingest.example.org/live"
    key, _secret = services.stream_key_create(actor=SYSTEM, channel=channel, label="OBS سالن")
    services.stream_key_revoke(actor=SYSTEM, key=key)
    services.publish_authorize(stream=channel.stream_name, key=_secret, address="10.0.0.7")
    scheduled = BroadcastFactory(channel=channel, refusal="کدک صدا پشتیبانی نمی‌شود.")
    client.force_login(actors["editor"])
    response = client.get(
        reverse("broadcast:channel", args=[channel.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert "rtmp://ingest.example.org/live" in content
    assert f"c{channel.pk}?key=" in content
    assert f"{key.prefix}…" in content and "OBS سالن" in content
    assert "Revoked" in content
    # The refused publish, with its reason in words, and where it came from
    assert "The stream key has been revoked." in content
    assert "10.0.0.7" in content
    assert scheduled.refusal in content
    assert _secret not in content


def test_channel_page_links_to_oembed(client, channel):
    response = client.get(reverse("broadcast:channel", args=[channel.pk]))
    found = re.search(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"',
        response.content.decode(),
    )
    assert found
    href = found.group(1).replace("&amp;", "&")
    answer = client.get(href)
    assert answer.status_code == 200 and answer.json()["type"] == "video"


@pytest.mark.parametrize("pk", [999999, 99999999999999999999999])
def test_unknown_channel_and_broadcast_are_404(client, pk):
    for name in ("broadcast:channel", "broadcast:player", "broadcast:embed"):
        response = client.get(reverse(name, args=[pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404, name


def test_members_only_channel_refuses_outsiders(client, actors, organization):
    private = ChannelFactory(organization=organization, visibility=Visibility.MEMBERS)
    on_air = live(private)
    for url in (
        reverse("broadcast:channel", args=[private.pk]),
        reverse("broadcast:player", args=[on_air.pk]),
    ):
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        client.force_login(actors["other_editor"])
        refused = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 403
        assert b"members of" in refused.content
        client.force_login(actors["viewer"])
        assert client.get(url).status_code == 200


# --- write pages: who may -----------------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_create_channel(client, actors, organization, who):
    before = Channel.objects.count()
    response = as_actor(client, actors, who).post(
        reverse("broadcast:channel-create"),
        {
            "organization": organization.pk,
            "name": "شبکه دوم",
            "slug": "second",
            "visibility": "public",
            "name_en": "Second channel",
        },
    )
    if who in EDITORS:
        channel = Channel.objects.get(slug="second")
        assert response.status_code == 302
        assert response["Location"] == reverse("broadcast:channel", args=[channel.pk])
        assert channel.names == {"en": "Second channel"}
        assert channel.organization == organization
    else:
        assert_refused(response, who)
        assert Channel.objects.count() == before


@pytest.mark.parametrize("who", ACTORS)
def test_edit_channel(client, actors, channel, who):
    response = as_actor(client, actors, who).post(
        reverse("broadcast:channel-edit", args=[channel.pk]),
        {"name": "نام تازه", "slug": "main", "visibility": "members", "is_active": "on"},
    )
    channel.refresh_from_db()
    if who in EDITORS:
        assert response.status_code == 302
        assert (channel.name, channel.visibility) == ("نام تازه", "members")
    else:
        assert_refused(response, who)
        assert channel.name != "نام تازه"


@pytest.mark.parametrize("who", ACTORS)
def test_make_a_key(client, actors, channel, who):
    response = as_actor(client, actors, who).post(
        reverse("broadcast:key-create", args=[channel.pk]), {"key-label": "OBS"}
    )
    if who in EDITORS:
        assert response.status_code == 200
        assert StreamKey.objects.filter(channel=channel, label="OBS").count() == 1
    else:
        assert_refused(response, who)
        assert not StreamKey.objects.exists()


@pytest.mark.parametrize("who", ACTORS)
def test_rotate_and_revoke_a_key(client, actors, channel, who):
    key, _secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    client = as_actor(client, actors, who)
    rotated = client.post(reverse("broadcast:key-rotate", args=[channel.pk, key.pk]))
    key.refresh_from_db()
    if who in EDITORS:
        assert rotated.status_code == 200
        assert key.revoked_at is not None
        fresh = StreamKey.objects.get(revoked_at__isnull=True)
        revoked = client.post(reverse("broadcast:key-revoke", args=[channel.pk, fresh.pk]))
        assert revoked.status_code == 302
        assert not StreamKey.objects.filter(revoked_at__isnull=True).exists()
    else:
        assert_refused(rotated, who)
        revoked = client.post(reverse("broadcast:key-revoke", args=[channel.pk, key.pk]))
        assert_refused(revoked, who)
        assert StreamKey.objects.get().revoked_at is None


@pytest.mark.parametrize("who", ACTORS)
def test_schedule_a_broadcast(client, actors, channel, who):
    response = as_actor(client, actors, who).post(
        reverse("broadcast:broadcast-create", args=[channel.pk]),
        {
            "title": "دعای ندبه",
            "start_date": "2030/01/05",
            "start_date_calendar": "gregorian",
            "start_time": "08:30",
        },
    )
    if who in EDITORS:
        assert response.status_code == 302
        broadcast = Broadcast.objects.get(title="دعای ندبه")
        # 08:30 in Tehran (UTC+3:30) is 05:00 UTC
        assert broadcast.scheduled_start == datetime.datetime(2030, 1, 5, 5, 0, tzinfo=datetime.UTC)
    else:
        assert_refused(response, who)
        assert not Broadcast.objects.exists()


@pytest.mark.parametrize("who", ACTORS)
def test_edit_a_broadcast(client, actors, channel, who):
    broadcast = BroadcastFactory(channel=channel, title="قدیم")
    start = timezone.localtime(broadcast.scheduled_start)
    response = as_actor(client, actors, who).post(
        reverse("broadcast:broadcast-edit", args=[broadcast.pk]),
        {
            "title": "جدید",
            "title_en": "New",
            "start_date": start.date().isoformat(),
            "start_date_calendar": "gregorian",
            "start_time": "21:00",
        },
    )
    broadcast.refresh_from_db()
    if who in EDITORS:
        assert response.status_code == 302
        assert (broadcast.title, broadcast.titles) == ("جدید", {"en": "New"})
    else:
        assert_refused(response, who)
        assert broadcast.title == "قدیم"


@pytest.mark.parametrize("who", ACTORS)
def test_cancel_a_broadcast(client, actors, channel, who):
    broadcast = BroadcastFactory(channel=channel)
    response = as_actor(client, actors, who).post(
        reverse("broadcast:broadcast-cancel", args=[broadcast.pk])
    )
    broadcast.refresh_from_db()
    if who in EDITORS:
        assert response.status_code == 302
        assert broadcast.status == BroadcastStatus.CANCELLED
    else:
        assert_refused(response, who)
        assert broadcast.status == BroadcastStatus.SCHEDULED


def test_write_pages_refuse_get_where_they_only_post(client, actors, channel):
    client.force_login(actors["editor"])
    key, _secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    for url in (
        reverse("broadcast:key-create", args=[channel.pk]),
        reverse("broadcast:key-rotate", args=[channel.pk, key.pk]),
        reverse("broadcast:key-revoke", args=[channel.pk, key.pk]),
    ):
        assert client.get(url).status_code == 405


# --- stream keys --------------------------------------------------------------------------


def test_the_secret_is_shown_once(client, actors, channel):
    client.force_login(actors["editor"])
    response = client.post(reverse("broadcast:key-create", args=[channel.pk]), {"key-label": "OBS"})
    secret = re.search(r'id="key-secret">([^<]+)<', response.content.decode()).group(1)
    key = StreamKey.objects.get()
    assert key.key_hash == services.key_hash(secret)
    assert response["Cache-Control"] == "no-store"
    assert f"c{channel.pk}?key={secret}" in response.content.decode()
    again = client.get(reverse("broadcast:channel", args=[channel.pk]))
    assert secret not in again.content.decode()
    assert key.prefix in again.content.decode()


def test_a_rotated_key_shows_its_new_secret_once(client, actors, channel):
    old, old_secret = services.stream_key_create(actor=SYSTEM, channel=channel, label="OBS")
    client.force_login(actors["editor"])
    response = client.post(reverse("broadcast:key-rotate", args=[channel.pk, old.pk]))
    secret = re.search(r'id="key-secret">([^<]+)<', response.content.decode()).group(1)
    assert secret != old_secret
    fresh = StreamKey.objects.get(revoked_at__isnull=True)
    assert (fresh.label, fresh.key_hash) == ("OBS", services.key_hash(secret))


def test_a_key_limited_to_a_broadcast_with_an_expiry(client, actors, channel):
    broadcast = BroadcastFactory(channel=channel)
    client.force_login(actors["editor"])
    response = client.post(
        reverse("broadcast:key-create", args=[channel.pk]),
        {
            "key-broadcast": str(broadcast.pk),
            "key-valid_until": "2030/01/01",
            "key-valid_until_calendar": "gregorian",
        },
    )
    assert response.status_code == 200
    key = StreamKey.objects.get()
    assert key.broadcast == broadcast
    # The end of 1 January 2030 in Tehran
    assert key.expires_at == datetime.datetime(
        2029, 12, 31, 20, 30, tzinfo=datetime.UTC
    ) + timedelta(days=1)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"key-broadcast": "99999999999999999999"}, "broadcast"),
        ({"key-broadcast": "abc"}, "broadcast"),
        ({"key-valid_until": "1399/99/99", "key-valid_until_calendar": "solar"}, "valid_until"),
        ({"key-label": "x" * 500}, "label"),
    ],
)
def test_bad_key_values_are_field_errors(client, actors, channel, values, field):
    client.force_login(actors["editor"])
    response = client.post(
        reverse("broadcast:key-create", args=[channel.pk]), values, HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert response.status_code == 200
    assert field in response.context["key_form"].errors
    assert not StreamKey.objects.exists()


def test_a_key_for_another_channels_broadcast_or_a_past_day_is_refused(client, actors, channel):
    other = BroadcastFactory(channel=ChannelFactory())
    client.force_login(actors["editor"])
    url = reverse("broadcast:key-create", args=[channel.pk])
    response = client.post(url, {"key-broadcast": str(other.pk)})
    assert "broadcast" in response.context["key_form"].errors
    response = client.post(
        url,
        {"key-valid_until": "2001/01/01", "key-valid_until_calendar": "gregorian"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The expiry must be in the future." in response.content.decode()
    assert not StreamKey.objects.exists()


def test_keys_of_another_channel_are_404(client, actors, channel):
    other_key, _secret = services.stream_key_create(actor=SYSTEM, channel=ChannelFactory())
    client.force_login(actors["editor"])
    for name in ("broadcast:key-rotate", "broadcast:key-revoke"):
        assert client.post(reverse(name, args=[channel.pk, other_key.pk])).status_code == 404
        assert client.post(reverse(name, args=[channel.pk, 10**22])).status_code == 404
    other_key.refresh_from_db()
    assert other_key.revoked_at is None


# --- forms: bad input ---------------------------------------------------------------------


def test_bad_broadcast_values_are_translated_errors(client, actors, channel):
    client.force_login(actors["editor"])
    response = client.post(
        reverse("broadcast:broadcast-create", args=[channel.pk]),
        {
            "title": "",
            "start_date": "۱۴۰۴/۱۳/۰۱",
            "start_date_calendar": "solar",
            "start_time": "25:99",
            "language": "99999999999999999999999",
        },
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "start_date", "start_time", "language"} <= set(errors)
    with translation.override("fa"):
        assert translation.gettext("This field is required.") in str(errors["title"])
    assert not Broadcast.objects.exists()


def test_a_start_in_solar_hijri_with_persian_digits(client, actors, channel):
    client.force_login(actors["editor"])
    response = client.post(
        reverse("broadcast:broadcast-create", args=[channel.pk]),
        {
            "title": "جشن",
            "start_date": "۱۴۰۹/۰۱/۰۱",
            "start_date_calendar": "solar",
            "start_time": "۲۰:۳۰",
        },
    )
    assert response.status_code == 302
    start = Broadcast.objects.get().scheduled_start
    # 1409/01/01 is 21 March 2030; 20:30 in Tehran is 17:00 UTC
    assert start == datetime.datetime(2030, 3, 21, 17, 0, tzinfo=datetime.UTC)


def test_a_live_broadcast_keeps_its_start(client, actors, channel):
    broadcast = live(channel, scheduled_start=timezone.now() - timedelta(minutes=5))
    client.force_login(actors["editor"])
    response = client.post(
        reverse("broadcast:broadcast-edit", args=[broadcast.pk]),
        {"title": "عنوان تازه", "start_date": "2031/01/01", "start_time": "10:00"},
    )
    assert response.status_code == 302
    before = broadcast.scheduled_start
    broadcast.refresh_from_db()
    assert broadcast.title == "عنوان تازه"
    assert broadcast.scheduled_start == before


def test_cancelling_a_live_broadcast_is_explained(client, actors, channel):
    broadcast = live(channel)
    client.force_login(actors["editor"])
    response = client.post(
        reverse("broadcast:broadcast-cancel", args=[broadcast.pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert b"Only a broadcast that has not started can be cancelled." in response.content
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.LIVE


def test_a_duplicate_channel_address_is_a_form_error(client, actors, channel):
    client.force_login(actors["editor"])
    response = client.post(
        reverse("broadcast:channel-create"),
        {
            "organization": channel.organization_id,
            "name": "x",
            "slug": "main",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Channel.objects.count() == 1


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999999", "999999"])
def test_a_channel_needs_a_real_organization(client, actors, value):
    client.force_login(actors["coordinator"])
    response = client.get(reverse("broadcast:channel-create"), {"organization": value})
    assert response.status_code == 404


def test_the_organization_page_links_its_channels(client, actors, channel):
    url = reverse("directory:detail", args=[channel.organization_id])
    response = client.get(url)
    assert reverse("broadcast:channel", args=[channel.pk]).encode() in response.content
    assert reverse("broadcast:channel-create").encode() not in response.content
    client.force_login(actors["editor"])
    assert reverse("broadcast:channel-create").encode() in client.get(url).content


# --- the player ---------------------------------------------------------------------------


def test_the_live_player_points_at_nginx_not_python(client, channel, settings):
    settings.HAMAFZA_DELIVERY_DOMESTIC_URL = "https://ir.cdn.example/"
    settings.HAMAFZA_DELIVERY_INTERNATIONAL_URL = "https://world.cdn.example"
    broadcast = live(channel)
    url = reverse("broadcast:player", args=[broadcast.pk])
    config = player_config(client.get(url))
    base = f"https://ir.cdn.example/live/b{broadcast.pk}"
    assert config["video"] == f"{base}/video.m3u8"
    assert config["audio"] == f"{base}/audio/index.m3u8"
    assert config["native"] == f"{base}/index.m3u8"
    assert config["hasVideo"] is True
    assert config["heartbeatUrl"] == reverse("broadcast:heartbeat", args=[broadcast.pk])
    assert config["heartbeatSeconds"] == settings.HAMAFZA_HEARTBEAT_SECONDS
    abroad = player_config(client.get(url, HTTP_X_VIEWER_COUNTRY="DE"))
    assert abroad["video"].startswith("https://world.cdn.example/live/")
    response = client.get(url)
    assert b"vendor/hls.js/hls.min.js" in response.content
    assert b"js/player.js" in response.content
    assert b'value="audio"' in response.content


def test_a_sound_only_broadcast_offers_only_audio(client, channel):
    broadcast = live(channel)
    Broadcast.objects.filter(pk=broadcast.pk).update(has_video=False)
    response = client.get(
        reverse("broadcast:player", args=[broadcast.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert player_config(response)["hasVideo"] is False
    assert b'data-mode="audio"' in response.content
    assert b"data-hz-mode" not in response.content
    assert b"sound only" in response.content


def test_the_archive_player_plays_files_from_the_delivery_base(client, channel, settings):
    settings.HAMAFZA_DELIVERY_DOMESTIC_URL = "https://ir.cdn.example"
    broadcast = archived(channel)
    response = client.get(
        reverse("broadcast:player", args=[broadcast.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    base = f"https://ir.cdn.example/archive/b{broadcast.pk}"
    assert f'src="{base}/video.mp4"' in content
    assert f'poster="{base}/thumbnail.jpg"' in content
    assert f'href="{base}/audio.m4a" download' in content
    assert "1:02:05" in content  # 3725 seconds
    assert "Download the video" in content
    persian = client.get(
        reverse("broadcast:player", args=[broadcast.pk]), HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert "۱:۰۲:۰۵" in persian.content.decode()


def test_a_sound_only_recording_plays_in_an_audio_element(client, channel):
    broadcast = archived(channel)
    ArchiveItem.objects.filter(broadcast=broadcast).update(video_path="", thumbnail_path="")
    content = client.get(reverse("broadcast:player", args=[broadcast.pk])).content.decode()
    assert "<audio" in content and "<video" not in content
    assert "waveform.png" in content


@pytest.mark.parametrize(
    "status, text",
    [
        (BroadcastStatus.SCHEDULED, "This broadcast has not started yet."),
        (BroadcastStatus.CANCELLED, "This broadcast was cancelled."),
        (BroadcastStatus.ENDED, "The broadcast has ended."),
    ],
)
def test_a_player_without_anything_to_play_says_why(client, channel, status, text):
    broadcast = BroadcastFactory(channel=channel, status=status)
    response = client.get(
        reverse("broadcast:player", args=[broadcast.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert text.encode() in response.content
    assert b"data-hz-player" not in response.content


def test_a_recording_being_prepared_says_so(client, channel):
    broadcast = archived(channel, status=ArchiveStatus.PROCESSING)
    response = client.get(
        reverse("broadcast:player", args=[broadcast.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert b"being prepared" in response.content
    assert b"video.mp4" not in response.content


# --- heartbeats ---------------------------------------------------------------------------


def beat(client, broadcast, viewer, **extra):
    return client.post(
        reverse("broadcast:heartbeat", args=[broadcast.pk]),
        json.dumps({"viewer": viewer}),
        content_type="application/json",
        **extra,
    )


def test_heartbeats_count_current_peak_and_total(channel):
    client = Client(enforce_csrf_checks=True)  # players send no CSRF token
    broadcast = live(channel)
    viewers = [f"{n:032x}" for n in range(1, 4)]
    for viewer in viewers:
        response = beat(client, broadcast, viewer)
        assert response.status_code == 200 and response.json()["counted"] is True
    broadcast.refresh_from_db()
    assert (broadcast.viewers_current, broadcast.viewers_peak, broadcast.viewers_total) == (3, 3, 3)
    # Two viewers leave (no heartbeat for longer than the presence window), one new arrives
    ViewerPresence.objects.filter(viewer__in=viewers[:2]).update(
        last_seen=timezone.now() - timedelta(minutes=5)
    )
    response = beat(client, broadcast, "a" * 32)
    assert response.json()["viewers"] == 2
    broadcast.refresh_from_db()
    assert (broadcast.viewers_current, broadcast.viewers_peak, broadcast.viewers_total) == (2, 3, 4)


def test_a_viewer_is_counted_once_and_first_seen_kept(channel):
    broadcast = live(channel)
    services.viewer_heartbeat(broadcast=broadcast, viewer="ab" * 16)
    presence = ViewerPresence.objects.get()
    services.viewer_heartbeat(broadcast=broadcast, viewer="AB" * 16)  # the same id
    again = ViewerPresence.objects.get()
    assert again.first_seen == presence.first_seen
    assert again.last_seen >= presence.last_seen
    broadcast.refresh_from_db()
    assert (broadcast.viewers_current, broadcast.viewers_total) == (1, 1)


def test_the_peak_never_goes_down(channel):
    broadcast = live(channel)
    Broadcast.objects.filter(pk=broadcast.pk).update(viewers_peak=10, viewers_total=50)
    counts = services.viewer_heartbeat(broadcast=broadcast, viewer="1" * 32)
    assert (counts.current, counts.total) == (1, 1)
    broadcast.refresh_from_db()
    assert (broadcast.viewers_current, broadcast.viewers_peak, broadcast.viewers_total) == (
        1,
        10,
        50,
    )


def test_a_heartbeat_costs_three_statements(channel):
    broadcast = live(channel)
    with CaptureQueriesContext(connection) as captured:
        services.viewer_heartbeat(broadcast=broadcast, viewer="c" * 32)
    statements = [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 3, statements


def test_heartbeats_too_close_together_are_not_written(client, channel):
    broadcast = live(channel)
    assert beat(client, broadcast, "d" * 32).json()["counted"] is True
    with CaptureQueriesContext(connection) as captured:
        second = beat(client, broadcast, "d" * 32)
    assert second.status_code == 200 and second.json()["counted"] is False
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in captured)


@pytest.mark.parametrize(
    "body, content_type",
    [
        (json.dumps({"viewer": "not hex!"}), "application/json"),
        (json.dumps({"viewer": "a" * 33}), "application/json"),
        (json.dumps({"viewer": "abc"}), "application/json"),
        (json.dumps({"viewer": 12345678}), "application/json"),
        (json.dumps({"viewer": None}), "application/json"),
        (json.dumps(["a" * 32]), "application/json"),
        ("{not json", "application/json"),
        (b"\xff\xfe", "application/json"),
        ("", "application/json"),
        (json.dumps({"viewer": "a" * 32, "pad": "x" * 5000}), "application/json"),
        ("viewer=zzzz", "application/x-www-form-urlencoded"),
    ],
)
def test_junk_heartbeats_get_a_clear_400(client, channel, body, content_type):
    broadcast = live(channel)
    response = client.post(
        reverse("broadcast:heartbeat", args=[broadcast.pk]),
        body,
        content_type=content_type,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_viewer"
    assert "hexadecimal" in response.json()["message"]
    assert not ViewerPresence.objects.exists()


def test_a_form_or_beacon_heartbeat_is_read_too(client, channel):
    broadcast = live(channel)
    url = reverse("broadcast:heartbeat", args=[broadcast.pk])
    assert client.post(url, {"viewer": "e" * 32}).status_code == 200
    beacon = client.post(url, json.dumps({"viewer": "f" * 32}), content_type="text/plain")
    assert beacon.status_code == 200
    assert ViewerPresence.objects.count() == 2


def test_heartbeats_for_what_is_not_live(client, actors, channel, organization):
    url = reverse("broadcast:heartbeat", args=[999999])
    unknown = client.post(url, json.dumps({"viewer": "a" * 32}), content_type="application/json")
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_broadcast"
    assert client.post(reverse("broadcast:heartbeat", args=[10**22])).status_code == 404
    for status in (BroadcastStatus.ENDED, BroadcastStatus.ARCHIVED, BroadcastStatus.SCHEDULED):
        response = beat(client, BroadcastFactory(channel=channel, status=status), "a" * 32)
        assert response.status_code == 410 and response.json()["error"] == "not_live"
    private = live(ChannelFactory(organization=organization, visibility=Visibility.MEMBERS))
    assert beat(client, private, "a" * 32).status_code == 403
    client.force_login(actors["viewer"])
    assert beat(client, private, "a" * 32).status_code == 200
    get = client.get(url)
    assert get.status_code == 405 and get.json()["error"] == "method"
    assert not ViewerPresence.objects.exclude(broadcast=private).exists()


def test_a_broadcast_that_ends_keeps_its_counts(channel):
    broadcast = live(channel)
    services.viewer_heartbeat(broadcast=broadcast, viewer="1" * 32)
    services.broadcast_end(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()
    with pytest.raises(services.ValidationError):
        services.viewer_heartbeat(broadcast=broadcast, viewer="2" * 32)
    broadcast.refresh_from_db()
    assert (broadcast.viewers_current, broadcast.viewers_peak, broadcast.viewers_total) == (0, 1, 1)


# --- embedding ----------------------------------------------------------------------------


def test_the_embed_may_be_framed_and_other_pages_may_not(client, channel):
    on_air = live(channel)
    for url in (
        reverse("broadcast:embed", args=[channel.pk]),
        reverse("broadcast:embed-broadcast", args=[on_air.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
    assert client.get(reverse("broadcast:channel", args=[channel.pk]))["X-Frame-Options"] == "DENY"


def test_the_embed_plays_the_live_broadcast(client, channel):
    on_air = live(channel)
    response = client.get(reverse("broadcast:embed", args=[channel.pk]))
    assert player_config(response)["video"].endswith(f"/live/b{on_air.pk}/video.m3u8")
    assert b"navbar" not in response.content


def test_the_embed_says_what_is_next_when_not_live(client, channel):
    start = datetime.datetime(2030, 3, 1, 12, 0, tzinfo=datetime.UTC)
    BroadcastFactory(channel=channel, title="دعای کمیل", scheduled_start=start)
    response = client.get(reverse("broadcast:embed", args=[channel.pk]), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert "Not live now." in content
    assert "Next: دعای کمیل" in content
    assert "15:30" in content and "<time" in content


def test_the_embed_of_a_members_only_channel_is_refused(client, organization):
    private = ChannelFactory(organization=organization, visibility=Visibility.MEMBERS)
    live(private)
    response = client.get(reverse("broadcast:embed", args=[private.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert b"for members only" in response.content
    assert b"data-hz-player" not in response.content


def oembed(client, **params):
    return client.get(reverse("oembed"), params)


def test_oembed_for_a_channel_page(client, channel):
    page = "http://testserver" + reverse("broadcast:channel", args=[channel.pk])
    response = oembed(client, url=page, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "video"
    assert (data["width"], data["height"]) == (640, 360)
    assert data["title"] == channel.name
    assert data["provider_name"]
    embed = "http://testserver" + reverse("broadcast:embed", args=[channel.pk])
    assert f'src="{embed}"' in data["html"]
    assert 'width="640" height="360"' in data["html"]
    assert data["html"].startswith("<iframe")


def test_oembed_for_a_broadcast_page_honours_the_limits(client, channel):
    broadcast = archived(channel, title="سخنرانی")
    page = "http://testserver" + reverse("broadcast:player", args=[broadcast.pk])
    data = oembed(client, url=page, maxwidth="320").json()
    assert (data["width"], data["height"]) == (320, 180)
    assert reverse("broadcast:embed-broadcast", args=[broadcast.pk]) in data["html"]
    assert data["title"] == "سخنرانی"
    data = oembed(client, url=page, maxwidth="1000", maxheight="180").json()
    assert (data["width"], data["height"]) == (320, 180)
    data = oembed(client, url=page, maxwidth="junk", maxheight="-5").json()
    assert (data["width"], data["height"]) == (640, 360)
    data = oembed(client, url=page, maxwidth="100").json()  # never wider than asked
    assert (data["width"], data["height"]) == (100, 56)


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/broadcast/channels/999999/",
        "http://testserver/directory/",
        "http://evil.example/broadcast/channels/{pk}/",
        "javascript:alert(1)",
        "http://testserver/broadcast/channels/99999999999999999999999/",
        "not a url at all",
        "http://[::1",
    ],
)
def test_oembed_for_anything_else_is_404(client, channel, url):
    response = oembed(client, url=url.format(pk=channel.pk))
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_url"


def test_oembed_formats_and_missing_url(client, channel):
    page = "http://testserver" + reverse("broadcast:channel", args=[channel.pk])
    assert oembed(client, url=page, format="xml").status_code == 501
    assert oembed(client).status_code == 400


def test_oembed_of_a_members_only_channel_is_401(client, organization):
    private = ChannelFactory(organization=organization, visibility=Visibility.MEMBERS)
    page = "http://testserver" + reverse("broadcast:channel", args=[private.pk])
    assert oembed(client, url=page).status_code == 401


def test_the_player_page_links_to_oembed(client, channel):
    broadcast = live(channel)
    response = client.get(reverse("broadcast:player", args=[broadcast.pk]))
    assert b'type="application/json+oembed"' in response.content
    player = "http%3A%2F%2Ftestserver%2Fbroadcast%2F" + str(broadcast.pk)
    assert player.encode() in response.content


def test_ingest_events_without_a_channel_are_not_shown(client, actors, channel):
    IngestEvent.objects.create(outcome=IngestOutcome.REFUSED, reason="malformed", detail="xyz")
    client.force_login(actors["editor"])
    response = client.get(reverse("broadcast:channel", args=[channel.pk]))
    assert response.context["ingest_log"] == []


def test_anyone_with_no_role_cannot_see_staff_tools(client, channel):
    client.force_login(user_with_role(OrganizationFactory(), Role.OWNER))
    response = client.get(reverse("broadcast:channel", args=[channel.pk]))
    assert "keys" not in response.context


def play(client, broadcast, viewer, **extra):
    return client.post(
        reverse("broadcast:play", args=[broadcast.pk]),
        json.dumps({"viewer": viewer}),
        content_type="application/json",
        **extra,
    )


def test_archive_plays_count_once_per_viewer(client, channel):
    # Given a recording in the archive
    broadcast = archived(channel)
    # When two viewers start it, one of them twice
    assert play(client, broadcast, "a" * 32).json() == {"counted": True}
    assert play(client, broadcast, "a" * 32).json() == {"counted": False}
    assert play(client, broadcast, "b" * 32).json() == {"counted": True}
    # Then two plays are counted
    assert ArchiveItem.objects.get(broadcast=broadcast).plays == 2


def test_archive_plays_refuse_junk_and_what_is_not_archived(client, channel, organization):
    broadcast = archived(channel, status=ArchiveStatus.PROCESSING)
    assert play(client, broadcast, "a" * 32).status_code == 410
    ready = archived(channel)
    assert play(client, ready, "not hex").status_code == 400
    assert client.get(reverse("broadcast:play", args=[ready.pk])).status_code == 405
    assert client.post(reverse("broadcast:play", args=[999999])).status_code == 404
    members = ChannelFactory(organization=organization, visibility=Visibility.MEMBERS)
    assert play(client, archived(members), "a" * 32).status_code == 403
    assert ArchiveItem.objects.get(broadcast=ready).plays == 0
