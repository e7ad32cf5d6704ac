"""The messenger clients against a fake bot API on loopback: what each sends, and how each
failure is reported."""

import pytest

from hamafza.publishing.messengers import (
    TEXT_MAX,
    BaleClient,
    EitaaClient,
    MessengerClient,
    MessengerError,
    RubikaClient,
    TelegramClient,
    client_for,
    messengers_on,
)
from hamafza.publishing.models import Messenger

from .fake_messenger import TOKENS, fake_messenger_running, free_port_closed

TEXT = "خبر تازه از هیئت"


@pytest.fixture
def fake_messenger(settings):
    yield from fake_messenger_running(settings)


# --- off by default --------------------------------------------------------------------------


def test_every_messenger_is_off_by_default():
    # Given the shipped settings (no token), when asking for clients, then there are none.
    assert messengers_on() == []
    for messenger in Messenger.values:
        assert client_for(messenger) is None


def test_a_messenger_is_on_once_its_token_is_set(settings):
    settings.HAMAFZA_BALE_TOKEN = "abc"
    assert messengers_on() == [Messenger.BALE]
    client = client_for(Messenger.BALE)
    assert isinstance(client, BaleClient)
    assert client.base_url == "https://tapi.bale.ai"
    assert client_for("icq") is None


# --- what each messenger is sent -------------------------------------------------------------


def test_telegram_posts_json_to_bot_token_send_message(fake_messenger):
    client = client_for(Messenger.TELEGRAM)
    assert isinstance(client, TelegramClient)

    client.send(chat_id="-1001234", text=TEXT, url="https://example.org/news/1/")

    (seen,) = fake_messenger.requests
    assert seen.method == "POST"
    assert seen.path == f"/bot{TOKENS['telegram']}/sendMessage"
    assert seen.content_type.startswith("application/json")
    assert seen.json() == {"chat_id": "-1001234", "text": f"{TEXT}\n\nhttps://example.org/news/1/"}


def test_bale_has_telegrams_shape(fake_messenger):
    client_for(Messenger.BALE).send(chat_id="42", text=TEXT)

    (seen,) = fake_messenger.requests
    assert seen.path == f"/bot{TOKENS['bale']}/sendMessage"
    assert seen.json() == {"chat_id": "42", "text": TEXT}


def test_eitaa_posts_a_form_to_api_token_send_message(fake_messenger):
    client = client_for(Messenger.EITAA)
    assert isinstance(client, EitaaClient)

    client.send(chat_id="@hamafza", text=TEXT)

    (seen,) = fake_messenger.requests
    assert seen.path == f"/api/{TOKENS['eitaa']}/sendMessage"
    assert seen.content_type.startswith("application/x-www-form-urlencoded")
    assert seen.form() == {"chat_id": "@hamafza", "text": TEXT}


def test_rubika_posts_json_to_v3_token_send_message(fake_messenger):
    client = client_for(Messenger.RUBIKA)
    assert isinstance(client, RubikaClient)

    client.send(chat_id="b0QFtabc1I02214b529f1d60c9ce5b08", text=TEXT)

    (seen,) = fake_messenger.requests
    assert seen.path == f"/v3/{TOKENS['rubika']}/sendMessage"
    assert seen.json() == {"chat_id": "b0QFtabc1I02214b529f1d60c9ce5b08", "text": TEXT}


def test_a_long_text_is_cut_to_the_limit_and_keeps_its_link():
    url = "https://example.org/news/1/"
    message = MessengerClient.compose("ا" * (TEXT_MAX * 2), url)
    assert len(message) == TEXT_MAX
    assert message.endswith(f"…\n\n{url}")


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 403, 500, 502])
def test_an_http_error_is_reported_with_its_status_and_description(fake_messenger, status):
    fake_messenger.reply(status, {"ok": False, "description": "Bad Request: chat not found"})

    with pytest.raises(MessengerError) as caught:
        client_for(Messenger.TELEGRAM).send(chat_id="1", text=TEXT)

    assert caught.value.reason == f"HTTP {status}: Bad Request: chat not found"
    assert TOKENS["telegram"] not in caught.value.reason


def test_ok_false_is_a_refusal(fake_messenger):
    fake_messenger.reply(200, {"ok": False, "description": "Forbidden: bot was blocked"})

    with pytest.raises(MessengerError, match="refused: Forbidden: bot was blocked"):
        client_for(Messenger.BALE).send(chat_id="1", text=TEXT)


def test_an_answer_without_ok_is_a_refusal(fake_messenger):
    fake_messenger.reply(200, {"result": "?"})

    with pytest.raises(MessengerError, match="refused"):
        client_for(Messenger.EITAA).send(chat_id="1", text=TEXT)


def test_rubika_status_other_than_ok_is_a_refusal(fake_messenger):
    fake_messenger.reply(200, {"status": "INVALID_ACCESS"})

    with pytest.raises(MessengerError, match="refused: INVALID_ACCESS"):
        client_for(Messenger.RUBIKA).send(chat_id="u0abc", text=TEXT)


def test_an_answer_that_is_not_json_is_reported(fake_messenger):
    fake_messenger.reply(200, raw=b"<html>gateway</html>")

    with pytest.raises(MessengerError, match="not JSON: <html>gateway</html>"):
        client_for(Messenger.TELEGRAM).send(chat_id="1", text=TEXT)


def test_a_slow_answer_times_out(fake_messenger, settings):
    settings.HAMAFZA_MESSENGER_TIMEOUT = 0.2
    fake_messenger.reply(200, {"ok": True}, delay=1.0)

    with pytest.raises(MessengerError, match=r"timed out after 0\.2 s"):
        client_for(Messenger.TELEGRAM).send(chat_id="1", text=TEXT)


def test_a_refused_connection_is_reported(settings):
    settings.HAMAFZA_TELEGRAM_TOKEN = "t"
    settings.HAMAFZA_TELEGRAM_URL = f"http://127.0.0.1:{free_port_closed()}"

    with pytest.raises(MessengerError, match="could not connect"):
        client_for(Messenger.TELEGRAM).send(chat_id="1", text=TEXT)


def test_an_address_without_a_scheme_is_reported_not_raised(settings):
    # Given an operator who wrote the base URL without "https://"
    settings.HAMAFZA_BALE_TOKEN = "t"
    settings.HAMAFZA_BALE_URL = "tapi.bale.ai"

    # Then a send is a delivery failure with its reason, not an exception that stops the batch
    with pytest.raises(MessengerError, match="bad answer or address: ValueError"):
        client_for(Messenger.BALE).send(chat_id="1", text=TEXT)


def test_a_redirect_is_not_followed(fake_messenger):
    fake_messenger.reply(302, {"ok": True})

    with pytest.raises(MessengerError, match="HTTP 302"):
        client_for(Messenger.TELEGRAM).send(chat_id="1", text=TEXT)
    assert len(fake_messenger.requests) == 1
