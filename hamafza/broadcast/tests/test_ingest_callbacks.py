"""The endpoints nginx-rtmp calls: who may call them, and what they answer to anything."""

import pytest
from django.urls import reverse

from hamafza.broadcast import ingest, services
from hamafza.broadcast.models import Broadcast, BroadcastStatus, IngestEvent
from hamafza.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


def url(name: str, secret: str | None = None) -> str:
    secret = ingest.ingest_secret() if secret is None else secret
    return f"{reverse(f'ingest:{name}')}?secret={secret}"


def nginx_form(**fields) -> dict:
    """What nginx-rtmp posts on publish (the stream's arguments are appended as fields)."""
    return {
        "call": "publish",
        "app": "live",
        "addr": "203.0.113.7",
        "clientid": "1",
        "flashver": "FMLE/3.0",
        "tcurl": "rtmp://127.0.0.1/live",
        "type": "live",
        **fields,
    }


@pytest.fixture
def secret(channel):
    return services.stream_key_create(actor=SYSTEM, channel=channel)[1]


def test_a_good_key_is_answered_with_a_redirect_to_the_internal_name(client, channel, secret):
    response = client.post(url("publish"), nginx_form(name=channel.stream_name, key=secret))
    assert response.status_code == 302
    broadcast = Broadcast.objects.get()
    assert response["Location"] == broadcast.ingest_name == f"b{broadcast.pk}"
    assert broadcast.status == BroadcastStatus.LIVE
    assert IngestEvent.objects.get().address == "203.0.113.7"
    # the push into the internal application is let in, for live broadcasts only
    internal = nginx_form(app="internal", name=broadcast.ingest_name, addr="127.0.0.1")
    assert client.post(url("publish"), internal).status_code == 200
    internal["name"] = "b999999"
    assert client.post(url("publish"), internal).status_code == 403


def test_a_wrong_key_is_refused_and_nothing_is_published(client, channel, secret):
    response = client.post(url("publish"), nginx_form(name=channel.stream_name, key="hz_wrong"))
    assert response.status_code == 403
    assert response.content == b"unknown_key"
    assert not Broadcast.objects.exists()


@pytest.mark.parametrize("wrong", ["", "nope"])
def test_callers_without_the_secret_are_refused(client, channel, secret, wrong):
    response = client.post(url("publish", wrong), nginx_form(name=channel.stream_name, key=secret))
    assert response.status_code == 403
    assert not Broadcast.objects.exists()


def test_callers_from_other_addresses_are_refused(client, channel, secret):
    response = client.post(
        url("publish"), nginx_form(name=channel.stream_name, key=secret), REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 403
    assert not Broadcast.objects.exists()


def test_other_addresses_can_be_allowed_with_the_secret(client, channel, secret, settings):
    settings.HAMAFZA_INGEST_ALLOWED_ADDRESSES = ["*"]
    response = client.post(
        url("publish"), nginx_form(name=channel.stream_name, key=secret), REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["publish", "publish-done", "record-done", "probe"])
def test_only_post_is_answered(client, name):
    assert client.get(url(name)).status_code == 405


@pytest.mark.parametrize("name", ["publish", "publish-done", "record-done", "probe"])
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "b" + "9" * 30},
        {"name": "c1", "key": "x" * 5000, "app": "live"},
        {"name": "\x00", "app": "internal", "path": "\x00"},
        {"name": "b-1", "app": "internal", "path": "../../../etc/passwd"},
    ],
)
def test_junk_is_answered_without_an_error(client, channel, name, body):
    response = client.post(url(name), body)
    assert response.status_code in (200, 403)
    assert not Broadcast.objects.exists()


def test_publish_done_and_probe_over_http(client, channel, secret):
    client.post(url("publish"), nginx_form(name=channel.stream_name, key=secret))
    broadcast = Broadcast.objects.get()
    probe = {"name": broadcast.ingest_name, "video_codec": "h264", "audio_codec": "aac"}
    assert client.post(url("probe"), probe).status_code == 200
    done = nginx_form(call="publish_done", name=channel.stream_name, key=secret)
    assert client.post(url("publish-done"), done).status_code == 200
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.ENDED


def test_a_probe_with_an_unsupported_codec_is_refused(client, channel, secret):
    client.post(url("publish"), nginx_form(name=channel.stream_name, key=secret))
    broadcast = Broadcast.objects.get()
    probe = {"name": broadcast.ingest_name, "video_codec": "hevc", "audio_codec": "aac"}
    response = client.post(url("probe"), probe)
    assert response.status_code == 403
    assert response.content == b"unsupported_video"
    broadcast.refresh_from_db()
    assert "H.264" in broadcast.refusal
