"""The broadcast API: who may write, who sees what, keys' secrets, bad input, filters, costs."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

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
    Visibility,
)
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.core.models import Country, Language
from hamafza.core.permissions import SYSTEM
from hamafza.core.tests.clock import visitor_date, visitor_today
from hamafza.directory.models import OrganizationKind
from hamafza.directory.policies import roles_forget
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def later(**delta) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


def make_live(broadcast, *, has_video=True):
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=BroadcastStatus.LIVE,
        started_at=timezone.now(),
        has_video=has_video,
        viewers_current=3,
        viewers_peak=7,
        viewers_total=12,
    )
    broadcast.refresh_from_db()
    return broadcast


def make_archived(broadcast, *, started_at=None, status=ArchiveStatus.READY, video=True):
    started_at = started_at or timezone.now() - timedelta(days=1)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=BroadcastStatus.ARCHIVED, started_at=started_at, ended_at=started_at
    )
    return ArchiveItem.objects.create(
        broadcast=broadcast,
        status=status,
        video_path=f"b{broadcast.pk}/video.mp4" if video else "",
        audio_path=f"b{broadcast.pk}/audio.m4a",
        thumbnail_path=f"b{broadcast.pk}/thumbnail.jpg",
        waveform_path=f"b{broadcast.pk}/waveform.json",
        duration_seconds=3600.5,
        size_bytes=123_456_789,
    )


def db_state():
    """Every row a write endpoint could touch, to prove a refused write changed nothing."""
    return (
        list(Channel.objects.order_by("pk").values_list("pk", "name", "slug", "is_active")),
        list(StreamKey.objects.order_by("pk").values_list("pk", "label", "revoked_at")),
        list(
            Broadcast.objects.order_by("pk").values_list(
                "pk", "title", "speaker", "status", "scheduled_start"
            )
        ),
    )


# --- every write endpoint, every kind of actor --------------------------------------------


@pytest.fixture
def world(channel):
    broadcast = BroadcastFactory(channel=channel, title="دعای کمیل")
    key, _secret = services.stream_key_create(actor=SYSTEM, channel=channel, label="OBS")
    return SimpleNamespace(
        organization=channel.organization, channel=channel, broadcast=broadcast, key=key
    )


WRITES = {
    "channel-create": lambda w: (
        "post",
        "/api/channels/",
        {"organization": w.organization.pk, "slug": "second", "name": "شبکه دوم"},
        201,
    ),
    "channel-update": lambda w: (
        "patch",
        f"/api/channels/{w.channel.pk}/",
        {"name": "شبکه تازه"},
        200,
    ),
    "channel-replace": lambda w: (
        "put",
        f"/api/channels/{w.channel.pk}/",
        {"slug": "main", "name": "شبکه تازه", "is_active": False},
        200,
    ),
    "channel-delete": lambda w: ("delete", f"/api/channels/{w.channel.pk}/", None, 204),
    "key-create": lambda w: (
        "post",
        "/api/stream-keys/",
        {"channel": w.channel.pk, "label": "vMix"},
        201,
    ),
    "key-rotate": lambda w: ("post", f"/api/stream-keys/{w.key.pk}/rotate/", None, 201),
    "key-revoke": lambda w: ("post", f"/api/stream-keys/{w.key.pk}/revoke/", None, 200),
    "broadcast-schedule": lambda w: (
        "post",
        "/api/broadcasts/",
        {"channel": w.channel.pk, "title": "جلسه هفتگی", "scheduled_start": later(days=1)},
        201,
    ),
    "broadcast-update": lambda w: (
        "patch",
        f"/api/broadcasts/{w.broadcast.pk}/",
        {"speaker": "استاد انصاریان"},
        200,
    ),
    "broadcast-replace": lambda w: (
        "put",
        f"/api/broadcasts/{w.broadcast.pk}/",
        {"title": "دعای ندبه", "scheduled_start": later(days=2)},
        200,
    ),
    "broadcast-cancel": lambda w: ("post", f"/api/broadcasts/{w.broadcast.pk}/cancel/", None, 200),
    "broadcast-delete": lambda w: ("delete", f"/api/broadcasts/{w.broadcast.pk}/", None, 204),
}
# Owners delete; editors do the rest (hamafza.directory.policies.OrganizationRolePolicy).
OWNER_ONLY = {"channel-delete", "broadcast-delete"}
# Keys are invisible to all but their channel's staff: another's key is "not found".
HIDDEN_FROM_OUTSIDERS = {"key-rotate", "key-revoke"}


def _allowed(endpoint: str, actor: str) -> bool:
    if actor in ("owner", "coordinator"):
        return True
    return actor == "editor" and endpoint not in OWNER_ONLY


@pytest.mark.parametrize("actor", ["anonymous", "viewer", "other_editor", "editor", "owner"])
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_every_write_asks_the_policy(world, actors, endpoint, actor):
    # given a channel with a scheduled broadcast and a key, and someone who tries to write
    method, path, body, success = WRITES[endpoint](world)
    before = db_state()
    # when they call the endpoint
    response = getattr(api(actors[actor]), method)(path, body, format="json")
    # then staff with the right role succeed and change something; everyone else is
    # refused and nothing changes
    if _allowed(endpoint, actor):
        assert response.status_code == success, response.content
        assert db_state() != before
    else:
        refused = 404 if endpoint in HIDDEN_FROM_OUTSIDERS and actor != "anonymous" else 403
        assert response.status_code == refused, response.content
        assert db_state() == before


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_a_coordinator_may_write_anywhere(world, actors, endpoint):
    # given a network coordinator, who holds no role in the organization
    method, path, body, success = WRITES[endpoint](world)
    before = db_state()
    # when they call the endpoint
    response = getattr(api(actors["coordinator"]), method)(path, body, format="json")
    # then it succeeds
    assert response.status_code == success, response.content
    assert db_state() != before


def test_writes_are_done_by_the_services(world, actors):
    # given an editor
    client = api(actors["editor"])
    # when they schedule, change and cancel a broadcast
    created = client.post(
        "/api/broadcasts/",
        {
            "channel": world.channel.pk,
            "title": "دعای توسل",
            "titles": {"en": "Tawassul supplication"},
            "language": "fa",
            "scheduled_start": later(hours=3),
        },
        format="json",
    )
    # then the broadcast is as the services leave it, and read back in full
    assert created.status_code == 201, created.content
    body = created.json()
    broadcast = Broadcast.objects.get(pk=body["id"])
    assert broadcast.created_by == actors["editor"]
    assert broadcast.search_key  # saved through the model, so searchable
    assert body["status"] == "scheduled" and body["language"] == "fa"
    assert body["organization"] == world.organization.pk and body["playback"] is None
    changed = client.patch(f"/api/broadcasts/{broadcast.pk}/", {"occasion": "شب جمعه"})
    assert changed.status_code == 200 and changed.json()["occasion"] == "شب جمعه"
    cancelled = client.post(f"/api/broadcasts/{broadcast.pk}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    # and a channel made through the API belongs to the organization named in the body
    channel = client.post(
        "/api/channels/",
        {
            "organization": world.organization.pk,
            "slug": "quran",
            "name": "تلاوت",
            "names": {"ar": "تلاوة"},
            "visibility": "members",
            "language": "ar",
        },
        format="json",
    )
    assert channel.status_code == 201, channel.content
    assert channel.json()["stream_name"] == f"c{channel.json()['id']}"
    assert Channel.objects.get(pk=channel.json()["id"]).organization == world.organization


# --- who sees what ------------------------------------------------------------------------


@pytest.fixture
def members_only(organization):
    channel = ChannelFactory(organization=organization, slug="private", visibility="members")
    broadcast = make_live(BroadcastFactory(channel=channel, title="جلسه اعضا"))
    archived = make_archived(BroadcastFactory(channel=channel, title="جلسه اعضای پیشین"))
    return SimpleNamespace(channel=channel, broadcast=broadcast, archive=archived)


@pytest.mark.parametrize(
    "actor, sees", [("anonymous", False), ("other_editor", False), ("viewer", True)]
)
def test_members_only_channels_are_seen_by_members_only(channel, members_only, actors, actor, sees):
    # given a public channel and a members-only one, each with a live and an archived broadcast
    client = api(actors[actor])
    hidden = members_only
    # when someone lists and opens them
    channels = {row["id"] for row in client.get("/api/channels/").json()["results"]}
    broadcasts = {row["id"] for row in client.get("/api/broadcasts/").json()["results"]}
    archive = {row["id"] for row in client.get("/api/archive/").json()["results"]}
    # then the members-only channel, its broadcasts and its archive appear only to members
    assert channel.pk in channels
    assert (hidden.channel.pk in channels) is sees
    assert (hidden.broadcast.pk in broadcasts) is sees
    assert (hidden.archive.pk in archive) is sees
    expected = 200 if sees else 404
    assert client.get(f"/api/channels/{hidden.channel.pk}/").status_code == expected
    assert client.get(f"/api/broadcasts/{hidden.broadcast.pk}/").status_code == expected
    assert client.get(f"/api/archive/{hidden.archive.pk}/").status_code == expected
    assert client.get("/api/broadcasts/", {"channel": hidden.channel.pk}).json()["count"] == (
        2 if sees else 0
    )


def test_a_coordinator_sees_every_channel(members_only, actors):
    # given a coordinator, who holds no role; then members-only channels are open to them
    client = api(actors["coordinator"])
    assert client.get(f"/api/channels/{members_only.channel.pk}/").status_code == 200
    assert client.get(f"/api/broadcasts/{members_only.broadcast.pk}/").status_code == 200


def test_an_outsider_cannot_write_to_a_members_only_channel(members_only, actors):
    # given another organization's editor, to whom the channel is invisible
    client = api(actors["other_editor"])
    before = db_state()
    # when they try to change it or schedule on it
    patched = client.patch(f"/api/channels/{members_only.channel.pk}/", {"name": "x"})
    scheduled = client.post(
        "/api/broadcasts/",
        {"channel": members_only.channel.pk, "title": "x", "scheduled_start": later(days=1)},
        format="json",
    )
    # then they are refused and nothing changes
    assert patched.status_code == 404
    assert scheduled.status_code == 403
    assert db_state() == before


def test_refusals_are_shown_to_staff_only(channel, actors):
    # given a broadcast the ingest refused
    broadcast = BroadcastFactory(channel=channel, refusal="The stream has no audio.")
    path = f"/api/broadcasts/{broadcast.pk}/"
    # then its staff read why, and the public does not
    assert api(actors["editor"]).get(path).json()["refusal"] == "The stream has no audio."
    assert api().get(path).json()["refusal"] == ""


# --- stream keys --------------------------------------------------------------------------


def test_a_key_secret_is_shown_on_create_and_rotate_only(channel, actors):
    # given an editor
    client = api(actors["editor"])
    # when they make a key
    created = client.post(
        "/api/stream-keys/", {"channel": channel.pk, "label": "OBS"}, format="json"
    )
    # then the answer carries the secret once, and where and how to publish with it
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    key = StreamKey.objects.get(pk=body["id"])
    assert key.key_hash == services.key_hash(secret)
    assert secret.startswith(body["prefix"]) and body["usable"] is True
    assert body["server"] == settings.HAMAFZA_INGEST_PUBLIC_URL
    assert body["stream_name"] == f"c{channel.pk}?key={secret}"
    assert "key_hash" not in body and key.key_hash not in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    # and nothing read afterwards shows the secret or its hash
    for response in (
        client.get(f"/api/stream-keys/{key.pk}/"),
        client.get("/api/stream-keys/", {"channel": channel.pk}),
    ):
        assert response.status_code == 200
        text = response.content.decode()
        assert secret not in text and key.key_hash not in text
        assert "secret" not in text and "key_hash" not in text
    # when the key is rotated
    rotated = client.post(f"/api/stream-keys/{key.pk}/rotate/")
    # then a new secret is shown once, and the old key no longer publishes
    assert rotated.status_code == 201
    new = rotated.json()
    assert new["secret"] != secret and new["id"] != key.pk and new["label"] == "OBS"
    assert new["stream_name"] == f"c{channel.pk}?key={new['secret']}"
    assert rotated["Cache-Control"] == "no-store"
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert not services.publish_authorize(stream=channel.stream_name, key=secret).accepted
    assert services.publish_authorize(stream=channel.stream_name, key=new["secret"]).accepted


def test_a_revoked_key_stays_revoked(channel, actors):
    # given a revoked key
    client = api(actors["editor"])
    key, secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    first = client.post(f"/api/stream-keys/{key.pk}/revoke/")
    assert first.status_code == 200 and first.json()["usable"] is False
    key.refresh_from_db()
    revoked_at = key.revoked_at
    # when it is revoked again, rotated, or written to directly
    again = client.post(f"/api/stream-keys/{key.pk}/revoke/")
    client.post(f"/api/stream-keys/{key.pk}/rotate/")
    patched = client.patch(f"/api/stream-keys/{key.pk}/", {"revoked_at": None}, format="json")
    deleted = client.delete(f"/api/stream-keys/{key.pk}/")
    # then it stays revoked, from the first time, and refuses to publish
    assert again.status_code == 200 and again.json()["revoked_at"] == first.json()["revoked_at"]
    assert (patched.status_code, deleted.status_code) == (405, 405)
    key.refresh_from_db()
    assert key.revoked_at == revoked_at
    assert not services.publish_authorize(stream=channel.stream_name, key=secret).accepted
    usable = client.get("/api/stream-keys/", {"usable": "false"}).json()["results"]
    assert key.pk in {row["id"] for row in usable}


def test_keys_are_listed_for_their_channels_staff_only(channel, other_organization, actors):
    # given keys on two organizations' channels
    mine, _ = services.stream_key_create(actor=SYSTEM, channel=channel)
    theirs, _ = services.stream_key_create(
        actor=SYSTEM, channel=ChannelFactory(organization=other_organization)
    )
    # then each organization's staff see their own keys, viewers none, anonymous are refused
    assert [r["id"] for r in api(actors["editor"]).get("/api/stream-keys/").json()["results"]] == [
        mine.pk
    ]
    other = api(actors["other_editor"]).get("/api/stream-keys/").json()["results"]
    assert [r["id"] for r in other] == [theirs.pk]
    assert api(actors["viewer"]).get("/api/stream-keys/").json()["count"] == 0
    assert api(actors["viewer"]).get(f"/api/stream-keys/{mine.pk}/").status_code == 404
    assert api().get("/api/stream-keys/").status_code == 403
    everyone = api(actors["coordinator"]).get("/api/stream-keys/").json()
    assert everyone["count"] == 2


def test_a_key_limited_to_a_broadcast(channel, actors):
    # given a scheduled broadcast of the channel
    broadcast = BroadcastFactory(channel=channel)
    # when an editor makes a key for it alone
    response = api(actors["editor"]).post(
        "/api/stream-keys/",
        {"channel": channel.pk, "broadcast": broadcast.pk, "expires_at": later(days=1)},
        format="json",
    )
    # then the key is limited to it
    assert response.status_code == 201, response.content
    assert response.json()["broadcast"] == broadcast.pk
    assert StreamKey.objects.get(pk=response.json()["id"]).broadcast == broadcast


# --- bad input ----------------------------------------------------------------------------


@pytest.fixture
def another_channels_broadcast(other_organization):
    return BroadcastFactory(channel=ChannelFactory(organization=other_organization))


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"channel": "abc"}, "channel"),
        ({"channel": 987654321}, "channel"),
        ({"channel": 10**30}, "channel"),
        ({"channel": None}, "channel"),
        ({"channel": [1]}, "channel"),
        ({"label": "x" * 101}, "label"),
        ({"broadcast": "junk"}, "broadcast"),
        ({"broadcast": 987654321}, "broadcast"),
        ({"broadcast": "OTHER"}, "broadcast"),
        ({"broadcast": "ENDED"}, "broadcast"),
        ({"expires_at": "tomorrow"}, "expires_at"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"secret": "hz_mine"}, "non_field_errors"),
        ({"key_hash": "0" * 64}, "non_field_errors"),
        ({"revoked_at": None}, "non_field_errors"),
    ],
)
def test_bad_keys_are_field_errors(channel, another_channels_broadcast, actors, payload, field):
    # given an editor and a payload with one thing wrong
    body = {"channel": channel.pk, "label": "OBS", **payload}
    if body.get("broadcast") == "OTHER":
        body["broadcast"] = another_channels_broadcast.pk
    if body.get("broadcast") == "ENDED":
        body["broadcast"] = BroadcastFactory(channel=channel, status=BroadcastStatus.ENDED).pk
    # when they post it
    response = api(actors["editor"]).post("/api/stream-keys/", body, format="json")
    # then it is a 400 naming the field, with a message, and no key is made
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    assert not StreamKey.objects.exists()


def test_a_key_for_another_channels_broadcast_says_why(channel, another_channels_broadcast, actors):
    # given a key asked for one channel but limited to another channel's broadcast
    # then the service refuses it with its reason, and no key is made
    response = api(actors["coordinator"]).post(
        "/api/stream-keys/",
        {"channel": channel.pk, "broadcast": another_channels_broadcast.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"broadcast": ["The broadcast belongs to another channel."]}
    assert not StreamKey.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"channel": "abc"}, "channel"),
        ({"channel": "۹۸۷۶۵۴"}, "channel"),
        ({"channel": 10**30}, "channel"),
        ({"channel": None}, "channel"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"scheduled_start": "not a date"}, "scheduled_start"),
        ({"scheduled_start": "2024-13-45T99:00"}, "scheduled_start"),
        ({"scheduled_start": None}, "scheduled_start"),
        ({"titles": "not a mapping"}, "titles"),
        ({"titles": {"en": 5}}, "titles"),
        ({"language": "xx"}, "language"),
        ({"status": "live"}, "non_field_errors"),
        ({"viewers_total": 100000}, "non_field_errors"),
        ({"colour": "red"}, "non_field_errors"),
    ],
)
def test_bad_broadcasts_are_field_errors(channel, actors, payload, field):
    # given an editor (not a coordinator: a junk channel must not read as a refusal)
    body = {"channel": channel.pk, "title": "احیای شب قدر", "scheduled_start": later(days=1)}
    body.update(payload)
    # when they schedule it
    response = api(actors["editor"]).post("/api/broadcasts/", body, format="json")
    # then it is a 400 naming the field, and nothing is written
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    assert not Broadcast.objects.exists()


def test_a_missing_start_is_the_services_message(channel, actors):
    # given a broadcast without a start; then the service's own message, and no row
    response = api(actors["editor"]).post(
        "/api/broadcasts/",
        {"channel": channel.pk, "title": "بدون زمان"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"scheduled_start": ["A scheduled broadcast needs a start time."]}
    assert not Broadcast.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"organization": "abc"}, "organization"),
        ({"organization": 987654321}, "organization"),
        ({"organization": 10**30}, "organization"),
        ({"slug": "has spaces"}, "slug"),
        ({"slug": "main"}, "non_field_errors"),
        ({"visibility": "secret"}, "visibility"),
        ({"names": "not a mapping"}, "names"),
        ({"language": "xx"}, "language"),
        ({"is_active": False}, "non_field_errors"),
        ({"stream_name": "c1"}, "non_field_errors"),
    ],
)
def test_bad_channels_are_field_errors(channel, actors, payload, field):
    # given an editor, and an organization that already has a channel "main"
    body = {"organization": channel.organization_id, "slug": "second", "name": "دوم", **payload}
    # when they create a channel with one thing wrong
    response = api(actors["editor"]).post("/api/channels/", body, format="json")
    # then it is a 400 naming the field, and no channel is made
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    assert list(Channel.objects.all()) == [channel]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"scheduled_start": "tomorrow"}, "scheduled_start"),
        ({"channel": 1}, "non_field_errors"),
        ({"status": "cancelled"}, "non_field_errors"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_bad_broadcast_changes_are_field_errors(channel, actors, payload, field):
    # given a scheduled broadcast; when changed wrongly, then a 400 and it is as it was
    broadcast = BroadcastFactory(channel=channel, title="اول")
    response = api(actors["editor"]).patch(
        f"/api/broadcasts/{broadcast.pk}/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    broadcast.refresh_from_db()
    assert (broadcast.title, broadcast.status, broadcast.channel) == ("اول", "scheduled", channel)


@pytest.mark.parametrize(
    "language, expected",
    [("fa", "فیلدهای ناشناخته: colour"), ("ar", "حقول غير معروفة: colour"), ("en", "colour")],
)
def test_errors_are_in_the_callers_language(channel, actors, language, expected):
    # given a payload with an unknown field; then the error is in the caller's language
    response = api(actors["editor"]).post(
        "/api/broadcasts/",
        {"channel": channel.pk, "title": "x", "colour": "red"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert expected in response.json()["non_field_errors"][0]


@pytest.mark.parametrize(
    "language, expected",
    [("fa", "این مقدار لازم است"), ("ar", "هذا الحقل مطلوب"), ("en", "This field is required")],
)
def test_a_missing_parent_is_a_translated_field_error(actors, language, expected):
    # given a key without its channel; then a 400 on "channel" in the caller's language
    response = api(actors["editor"]).post(
        "/api/stream-keys/", {"label": "OBS"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert expected in response.json()["channel"][0]


def test_the_services_refusals_are_400s_not_500s(channel, actors):
    # given a live broadcast, and its channel's owner
    live = make_live(BroadcastFactory(channel=channel))
    client = api(actors["owner"])
    # when they cancel it, move it, delete it, or delete its channel
    responses = [
        client.post(f"/api/broadcasts/{live.pk}/cancel/", HTTP_ACCEPT_LANGUAGE="en"),
        client.patch(
            f"/api/broadcasts/{live.pk}/", {"scheduled_start": later(days=1)}, format="json"
        ),
        client.delete(f"/api/broadcasts/{live.pk}/", HTTP_ACCEPT_LANGUAGE="en"),
        client.delete(f"/api/channels/{channel.pk}/", HTTP_ACCEPT_LANGUAGE="en"),
    ]
    # then each is a 400 that says why, and nothing changes
    assert [r.status_code for r in responses] == [400, 400, 400, 400]
    assert responses[0].json() == {
        "non_field_errors": ["Only a broadcast that has not started can be cancelled."]
    }
    assert "scheduled_start" in responses[1].json()
    assert responses[3].json() == {
        "non_field_errors": ["The channel is live; stop the broadcast first."]
    }
    live.refresh_from_db()
    assert live.status == BroadcastStatus.LIVE
    assert Channel.objects.filter(pk=channel.pk).exists()


def test_malformed_bodies_are_400s(channel, actors):
    # given broken JSON and a list for an object; then 400s and nothing written
    client = api(actors["editor"])
    broken = client.generic(
        "POST", "/api/broadcasts/", "{not json", content_type="application/json"
    )
    a_list = client.post("/api/stream-keys/", [channel.pk], format="json")
    assert (broken.status_code, a_list.status_code) == (400, 400)
    assert not StreamKey.objects.exists() and not Broadcast.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/channels/99999999999999999999999/",
        "/api/channels/?organization=99999999999999999999",
        "/api/broadcasts/99999999999999999999/",
        "/api/broadcasts/?channel=99999999999999999999",
        "/api/broadcasts/?page=99999999999999999999",
        "/api/broadcasts/?date_after=0001-01-01&date_before=9999-12-31",
        "/api/archive/99999999999999999999/",
        "/api/archive/?channel=99999999999999999999",
        "/api/stream-keys/?channel=99999999999999999999",
    ],
)
def test_huge_numbers_and_far_dates_are_not_errors(actors, path):
    # given ids beyond any database's range and the calendar's ends; then no server error
    assert api(actors["coordinator"]).get(path).status_code in (200, 404)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_after": "yesterday"}, "date"),
        ({"date_before": "2024-02-30"}, "date"),
        ({"channel": "abc"}, "channel"),
        ({"organization": "1.5"}, "organization"),
        ({"status": "paused"}, "status"),
        ({"kind": "castle"}, "kind"),
    ],
)
def test_bad_filters_are_400s_with_a_message(params, field):
    # given a malformed filter; then a 400 naming it, in the caller's language
    response = api().get("/api/broadcasts/", params, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400
    assert response.json()[field][0]


def test_unknown_ids_are_404s(actors):
    # given ids no row has; then every endpoint says "not found", even to a coordinator
    client = api(actors["coordinator"])
    assert client.get("/api/broadcasts/987654/").status_code == 404
    assert client.patch("/api/channels/987654/", {"name": "x"}).status_code == 404
    assert client.post("/api/stream-keys/987654/revoke/").status_code == 404
    assert client.post("/api/broadcasts/987654/cancel/").status_code == 404
    assert client.get("/api/channels/987654/ingest-events/").status_code == 404


# --- lists and their filters --------------------------------------------------------------


@pytest.fixture
def network(organization, other_organization):
    """Broadcasts across two countries, languages and kinds of organization."""
    iraq = Country.objects.get(code="IQ")
    mosque = OrganizationFactory(name="العتبة الكاظمية", kind=OrganizationKind.SHRINE, country=iraq)
    arabic = Language.objects.get(code="ar")
    persian = Language.objects.get(code="fa")
    here = ChannelFactory(organization=organization, language=persian)
    there = ChannelFactory(organization=mosque, language=arabic)
    now = timezone.now()
    return SimpleNamespace(
        here=here,
        there=there,
        mosque=mosque,
        live=make_live(BroadcastFactory(channel=here, title="سخنرانی", language=persian)),
        soon=BroadcastFactory(
            channel=there, title="دعاء كميل", speaker="", scheduled_start=now + timedelta(hours=5)
        ),
        later=BroadcastFactory(
            channel=here, title="روضه", speaker="", scheduled_start=now + timedelta(days=3)
        ),
        past=BroadcastFactory(
            channel=here,
            title="جشن",
            speaker="",
            status=BroadcastStatus.ENDED,
            scheduled_start=now - timedelta(days=40),
        ),
    )


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_broadcast_filters(network):
    # given live, upcoming and past broadcasts in Iran and Iraq, in Persian and Arabic
    client = api()
    n = network
    Broadcast.objects.filter(pk=n.past.pk).update(started_at=timezone.now() - timedelta(days=40))
    today = visitor_today()
    # when filtered by each thing in turn, then only the matching broadcasts come back
    assert _ids(client.get("/api/broadcasts/", {"status": "live"})) == {n.live.pk}
    assert _ids(client.get("/api/broadcasts/", {"live": "true"})) == {n.live.pk}
    assert _ids(client.get("/api/broadcasts/", {"channel": n.there.pk})) == {n.soon.pk}
    assert _ids(client.get("/api/broadcasts/", {"organization": n.mosque.pk})) == {n.soon.pk}
    assert _ids(client.get("/api/broadcasts/", {"country": "iq"})) == {n.soon.pk}
    assert _ids(client.get("/api/broadcasts/", {"kind": "shrine"})) == {n.soon.pk}
    # a broadcast without a language speaks its channel's
    assert _ids(client.get("/api/broadcasts/", {"language": "ar"})) == {n.soon.pk}
    upcoming = client.get("/api/broadcasts/", {"upcoming": "true"}).json()["results"]
    assert [row["id"] for row in upcoming] == [n.soon.pk, n.later.pk]
    window = {"date_after": str(today), "date_before": str(today + timedelta(days=1))}
    # started today, or scheduled today or tomorrow (five hours from now may be tomorrow)
    assert _ids(client.get("/api/broadcasts/", window)) == {n.live.pk, n.soon.pk}
    long_ago = today - timedelta(days=40)
    assert _ids(
        client.get("/api/broadcasts/", {"date_after": str(long_ago), "date_before": str(long_ago)})
    ) == {n.past.pk}


def test_broadcast_search_matches_any_spelling(network):
    # given broadcasts titled in Arabic and Persian spellings
    client = api()
    # when searched in the other spelling, then found: Persian "کمیل" finds Arabic "كميل"
    assert _ids(client.get("/api/broadcasts/", {"q": "کمیل"})) == {network.soon.pk}
    assert _ids(client.get("/api/broadcasts/", {"q": "دعاء كميل"})) == {network.soon.pk}
    # the speaker, and the organization's name, are searched too
    assert network.live.pk in _ids(client.get("/api/broadcasts/", {"q": "رفيعي"}))
    assert _ids(client.get("/api/broadcasts/", {"q": "الكاظميه"})) == {network.soon.pk}
    assert _ids(client.get("/api/broadcasts/", {"q": "هیچ‌چیز نامربوط"})) == set()
    # a word shorter than three letters matches the start of a word
    assert _ids(client.get("/api/broadcasts/", {"q": "رو"})) == {network.later.pk}
    assert _ids(client.get("/api/broadcasts/", {"q": "دعا كم"})) == {network.soon.pk}


def test_channel_filters(network, organization, actors):
    # given channels in Iran and Iraq; when filtered, then only the matching ones
    client = api()
    assert _ids(client.get("/api/channels/", {"organization": network.mosque.pk})) == {
        network.there.pk
    }
    assert _ids(client.get("/api/channels/", {"country": "IQ"})) == {network.there.pk}
    assert _ids(client.get("/api/channels/", {"language": "fa"})) == {network.here.pk}
    hidden = ChannelFactory(organization=organization, visibility=Visibility.MEMBERS)
    member = api(actors["viewer"])
    assert _ids(member.get("/api/channels/", {"visibility": "members"})) == {hidden.pk}


# --- playback and viewers -----------------------------------------------------------------


def test_a_live_broadcast_has_its_playback_urls_and_counts(settings, channel):
    # given a live broadcast, and domestic and international delivery bases
    settings.HAMAFZA_DELIVERY_DOMESTIC_URL = "https://ir.example/"
    settings.HAMAFZA_DELIVERY_INTERNATIONAL_URL = "https://cdn.example"
    settings.HAMAFZA_DOMESTIC_COUNTRIES = ["IR"]
    live = make_live(BroadcastFactory(channel=channel))
    path = f"/api/broadcasts/{live.pk}/"
    header = settings.HAMAFZA_VIEWER_COUNTRY_HEADER
    # when a viewer in Iran and one abroad open it
    home = api().get(path, **{f"HTTP_{header.upper().replace('-', '_')}": "IR"}).json()
    abroad = api().get(path, **{f"HTTP_{header.upper().replace('-', '_')}": "DE"}).json()
    # then each gets the playlists from their own delivery base, with the viewer counts
    assert home["playback"] == {
        "video": f"https://ir.example/live/b{live.pk}/video.m3u8",
        "audio": f"https://ir.example/live/b{live.pk}/audio/index.m3u8",
        "all": f"https://ir.example/live/b{live.pk}/index.m3u8",
    }
    assert abroad["playback"]["audio"] == f"https://cdn.example/live/b{live.pk}/audio/index.m3u8"
    assert (home["viewers_current"], home["viewers_peak"], home["viewers_total"]) == (3, 7, 12)
    # and in the list too
    listed = api().get("/api/broadcasts/", {"live": "true"}).json()["results"][0]
    assert listed["playback"] == home["playback"]


def test_audio_only_and_not_live_broadcasts(channel):
    # given a live radio broadcast (no video) and a scheduled one
    radio = make_live(BroadcastFactory(channel=channel), has_video=False)
    scheduled = BroadcastFactory(channel=channel)
    # then the radio has no video playlist, and the scheduled one no playback at all
    playback = api().get(f"/api/broadcasts/{radio.pk}/").json()["playback"]
    assert playback["video"] is None and playback["audio"].endswith("/audio/index.m3u8")
    assert api().get(f"/api/broadcasts/{scheduled.pk}/").json()["playback"] is None


def test_heartbeats_count_viewers(channel, members_only, actors):
    # given a live public broadcast
    live = make_live(BroadcastFactory(channel=channel))
    path = f"/api/broadcasts/{live.pk}/heartbeat/"
    # when two anonymous players send heartbeats
    first = api().post(path, {"viewer": "a" * 32}, format="json")
    second = api().post(path, {"viewer": "b" * 16}, format="json")
    # then both are counted
    assert first.status_code == 200, first.content
    assert second.json()["viewers"] == 2 and second.json()["total"] >= 2
    assert second.json()["interval_seconds"] == settings.HAMAFZA_HEARTBEAT_SECONDS
    # and a bad id, or a broadcast that is not live, is a 400; a hidden one is not found
    assert api().post(path, {"viewer": "not hex"}, format="json").status_code == 400
    assert api().post(path, {"viewer": "a" * 32, "x": 1}, format="json").status_code == 400
    scheduled = BroadcastFactory(channel=channel)
    not_live = api().post(
        f"/api/broadcasts/{scheduled.pk}/heartbeat/", {"viewer": "c" * 32}, format="json"
    )
    assert not_live.status_code == 400
    hidden = f"/api/broadcasts/{members_only.broadcast.pk}/heartbeat/"
    assert api().post(hidden, {"viewer": "d" * 32}, format="json").status_code == 404
    member = api(actors["viewer"]).post(hidden, {"viewer": "d" * 32}, format="json")
    assert member.status_code == 200


# --- the archive --------------------------------------------------------------------------


def test_the_archive_lists_ready_items_with_their_files(settings, channel):
    # given a ready archive item, an audio-only one and one still processing
    settings.HAMAFZA_DELIVERY_DOMESTIC_URL = "https://ir.example"
    ready = make_archived(BroadcastFactory(channel=channel, title="سخنرانی عاشورا"))
    radio = make_archived(BroadcastFactory(channel=channel), video=False)
    busy = make_archived(BroadcastFactory(channel=channel), status=ArchiveStatus.PROCESSING)
    # when anyone lists the archive
    response = api().get("/api/archive/")
    # then only ready items are there, with their files' URLs
    assert _ids(response) == {ready.pk, radio.pk}
    row = api().get(f"/api/archive/{ready.pk}/").json()
    b = ready.broadcast_id
    assert row["video_url"] == f"https://ir.example/archive/b{b}/video.mp4"
    assert row["audio_url"] == f"https://ir.example/archive/b{b}/audio.m4a"
    assert row["thumbnail_url"] == f"https://ir.example/archive/b{b}/thumbnail.jpg"
    assert row["waveform_url"] == f"https://ir.example/archive/b{b}/waveform.json"
    assert (row["duration_seconds"], row["size_bytes"]) == (3600.5, 123_456_789)
    assert row["broadcast"]["title"] == "سخنرانی عاشورا"
    assert api().get(f"/api/archive/{radio.pk}/").json()["video_url"] is None
    assert api().get(f"/api/archive/{busy.pk}/").status_code == 404
    # and the broadcast points at its archive item once it is ready
    assert api().get(f"/api/broadcasts/{b}/").json()["archive"] == ready.pk
    assert api().get(f"/api/broadcasts/{busy.broadcast_id}/").json()["archive"] is None


def test_archive_filters(network):
    # given an archived talk in Iran 40 days ago and a ziyara in Iraq yesterday
    client = api()
    long_ago = timezone.now() - timedelta(days=40)
    here = make_archived(
        BroadcastFactory(channel=network.here, title="مجلس ترحیم", language=None),
        started_at=long_ago,
    )
    there = make_archived(
        BroadcastFactory(channel=network.there, title="زيارة عاشوراء", speaker="")
    )
    # when filtered, then only the matching item; a search needs every word
    assert _ids(client.get("/api/archive/", {"q": "زیارت عاشورا"})) == set()  # other word
    assert _ids(client.get("/api/archive/", {"q": "عاشورا"})) == {there.pk}
    assert _ids(client.get("/api/archive/", {"q": "ترحيم"})) == {here.pk}
    assert _ids(client.get("/api/archive/", {"q": "مج"})) == {here.pk}
    assert _ids(client.get("/api/archive/", {"country": "IQ"})) == {there.pk}
    assert _ids(client.get("/api/archive/", {"language": "fa"})) == {here.pk}
    assert _ids(client.get("/api/archive/", {"channel": network.there.pk})) == {there.pk}
    day = str(visitor_date(long_ago))
    assert _ids(client.get("/api/archive/", {"date_after": day, "date_before": day})) == {here.pk}
    assert client.get("/api/archive/", {"date_after": "junk"}).status_code == 400


# --- the ingest log -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, status",
    [
        ("anonymous", 403),
        ("viewer", 403),
        ("other_editor", 403),
        ("editor", 200),
        ("owner", 200),
        ("coordinator", 200),
    ],
)
def test_the_ingest_log_is_for_staff(channel, actors, actor, status):
    # given a refused publish on the channel
    services.publish_authorize(stream=channel.stream_name, key="hz_wrong", address="10.0.0.9")
    # when someone reads the channel's ingest log
    response = api(actors[actor]).get(f"/api/channels/{channel.pk}/ingest-events/")
    # then only its staff may, and they read why
    assert response.status_code == status
    if status == 200:
        (event,) = response.json()["results"]
        assert (event["outcome"], event["reason"]) == (IngestOutcome.REFUSED, "unknown_key")
        assert event["reason_text"] and event["address"] == "10.0.0.9"
        assert event["key_prefix"] == "hz_wrong"


# --- costs --------------------------------------------------------------------------------


def _queries(user, path, params=None) -> int:
    if user is not None:
        roles_forget(user)
    with CaptureQueriesContext(connection) as captured:
        response = api(user).get(path, params or {})
    assert response.status_code == 200, response.content
    return len(captured)


def _grow(organization, n: int) -> None:
    """``n`` more of everything, each on its own organization, channel and language."""
    languages = list(Language.objects.all()[:3])
    for i in range(n):
        channel = ChannelFactory(
            organization=OrganizationFactory() if i % 2 else organization,
            language=languages[i % len(languages)],
            visibility=Visibility.MEMBERS if i % 3 == 0 else Visibility.PUBLIC,
        )
        live = make_live(BroadcastFactory(channel=channel, language=languages[i % 2]))
        make_archived(BroadcastFactory(channel=channel))
        services.stream_key_create(actor=SYSTEM, channel=channel, broadcast=live)
        IngestEvent.objects.create(
            channel=channel, outcome=IngestOutcome.REFUSED, reason="unknown_key"
        )


@pytest.mark.parametrize(
    "actor, path, params",
    [
        ("anonymous", "/api/channels/", {}),
        ("viewer", "/api/channels/", {"country": "IR"}),
        ("anonymous", "/api/broadcasts/", {}),
        ("viewer", "/api/broadcasts/", {"q": "مراسم", "language": "fa"}),
        ("anonymous", "/api/archive/", {"q": "عزاداری"}),
        ("viewer", "/api/archive/", {}),
        ("editor", "/api/stream-keys/", {}),
        ("coordinator", "/api/stream-keys/", {}),
        ("editor", "/api/channels/{channel}/ingest-events/", {}),
    ],
)
def test_lists_cost_the_same_whatever_their_length(channel, actors, actor, path, params):
    # given a few rows of everything, then many more
    user = actors[actor]
    path = path.format(channel=channel.pk)
    _grow(channel.organization, 2)
    IngestEvent.objects.create(channel=channel, outcome=IngestOutcome.ENDED, reason="ended")
    small = _queries(user, path, params)
    _grow(channel.organization, 12)
    for _ in range(10):
        IngestEvent.objects.create(channel=channel, outcome=IngestOutcome.ENDED, reason="ended")
    # then listing them costs the same number of queries
    assert _queries(user, path, params) == small


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_builds_without_warnings(tmp_path, client):
    # when the OpenAPI schema is built and validated, then no warning, every endpoint, no hash
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/channels/",
        "/api/channels/{id}/ingest-events/",
        "/api/stream-keys/{id}/rotate/",
        "/api/stream-keys/{id}/revoke/",
        "/api/broadcasts/{id}/cancel/",
        "/api/broadcasts/{id}/heartbeat/",
        "/api/archive/",
    ):
        assert f"{path}:" in schema
    assert "key_hash" not in schema
