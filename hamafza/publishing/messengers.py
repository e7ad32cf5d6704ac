"""One interface to the messengers used in the region: Bale, Eitaa, Rubika and Telegram.

``client_for(messenger)`` gives the messenger's client, or None while the operator has not
turned it on (no token: every messenger is off by default). A client's ``send`` makes one HTTP
call (standard library, ``HAMAFZA_MESSENGER_TIMEOUT`` seconds, redirects refused so a token in
the path is never replayed elsewhere) and returns, or raises ``MessengerError`` with a reason
fit to be stored and read by an operator (never the token). It does not retry: the caller
counts attempts (``services_follows.deliveries_send``).

The API shapes, checked against public documentation and code:

- Telegram: ``POST {base}/bot{token}/sendMessage`` with JSON ``{chat_id, text}``; the answer
  is JSON with a Boolean ``ok`` and, when false, a ``description`` (core.telegram.org/bots/api,
  "Making requests").
- Bale: the same Telegram-style shape at ``https://tapi.bale.ai/bot{token}/sendMessage``
  (client libraries and examples using tapi.bale.ai; Bale's bot API follows Telegram's).
- Eitaa (eitaayar.ir): ``POST https://eitaayar.ir/api/{token}/{METHOD}``, ``sendMessage`` with
  form fields ``chat_id`` and ``text`` (eitaayar's API guide and several client libraries).
  The answer's ``ok`` field follows the Telegram convention; that part was not found in a
  public specification, so a missing ``ok`` counts as a refusal.
- Rubika bot API v3: ``POST https://botapi.rubika.ir/v3/{token}/sendMessage`` with JSON
  ``{chat_id, text}``; the answer's ``status`` is ``"OK"`` on success, otherwise a code such
  as ``INVALID_INPUT``, ``INVALID_ACCESS`` or ``TOO_REQUESTS`` (typed client libraries of the
  v3 API). Older examples use ``messengerg2b1.iranlms.ir/v3``: set ``HAMAFZA_RUBIKA_URL``.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from .models import Messenger

# The longest text the messengers accept in one message (Telegram's and Bale's limit).
TEXT_MAX = 4096
# How much of a refusal's answer is kept in the reason.
ANSWER_SHOWN = 300


class MessengerError(Exception):
    """A message was not delivered; ``reason`` says why, for the delivery's record."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A bot API never redirects; following one would resend the token to another address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ANSWER_SHOWN else f"{text[: ANSWER_SHOWN - 1]}…"


class MessengerClient:
    """A messenger's bot API. Subclasses say where to post, what, and what success looks like."""

    messenger: str = ""

    def __init__(self, *, token: str, base_url: str, timeout: float):
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    # --- what each messenger differs in -------------------------------------------------------

    def endpoint(self) -> str:
        raise NotImplementedError

    def body(self, *, chat_id: str, text: str) -> tuple[bytes, str]:
        """The request's body and its content type (JSON unless the API wants a form)."""
        return (
            json.dumps({"chat_id": chat_id, "text": text}, ensure_ascii=False).encode(),
            "application/json; charset=utf-8",
        )

    def refusal(self, answer) -> str | None:
        """Why the answer is not a success, or None when it is."""
        if isinstance(answer, dict) and answer.get("ok") is True:
            return None
        description = answer.get("description", "") if isinstance(answer, dict) else ""
        return f"refused: {_shorten(str(description or answer))}"

    # --- the one call -------------------------------------------------------------------------

    @staticmethod
    def compose(text: str, url: str = "") -> str:
        """The message: the text, then the link on its own line, within the length limit."""
        text = text.strip()
        if url:
            room = TEXT_MAX - len(url) - 2
            if len(text) > room:
                text = f"{text[: max(room - 1, 0)]}…"
            return f"{text}\n\n{url}" if text else url
        return text if len(text) <= TEXT_MAX else f"{text[: TEXT_MAX - 1]}…"

    def send(self, *, chat_id: str, text: str, url: str = "") -> None:
        data, content_type = self.body(chat_id=str(chat_id), text=self.compose(text, url))
        try:
            request = urllib.request.Request(
                self.endpoint(),
                data=data,
                method="POST",
                headers={"Content-Type": content_type, "Accept": "application/json"},
            )
            with _opener.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise MessengerError(self._http_reason(error)) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise MessengerError(f"timed out after {self.timeout:g} s") from None
            raise MessengerError(f"could not connect: {error.reason}") from None
        except TimeoutError:
            raise MessengerError(f"timed out after {self.timeout:g} s") from None
        except OSError as error:
            raise MessengerError(f"connection failed: {error}") from None
        except (http.client.HTTPException, ValueError) as error:
            # A broken answer (bad status line, cut short) or an address without a scheme.
            raise MessengerError(f"bad answer or address: {type(error).__name__}") from None
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise MessengerError(
                f"the answer is not JSON: {_shorten(raw.decode('utf-8', 'replace'))}"
            ) from None
        reason = self.refusal(answer)
        if reason is not None:
            raise MessengerError(reason)

    def _http_reason(self, error: urllib.error.HTTPError) -> str:
        try:
            raw = error.read().decode("utf-8", "replace")
        except OSError:
            raw = ""
        detail = raw
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            detail = str(answer.get("description") or answer.get("status") or raw)
        reason = f"HTTP {error.code}"
        return f"{reason}: {_shorten(detail)}" if detail.strip() else reason


class TelegramClient(MessengerClient):
    messenger = Messenger.TELEGRAM

    def endpoint(self) -> str:
        return f"{self.base_url}/bot{self.token}/sendMessage"


class BaleClient(TelegramClient):
    """Bale's bot API has Telegram's shape at its own address."""

    messenger = Messenger.BALE


class EitaaClient(MessengerClient):
    messenger = Messenger.EITAA

    def endpoint(self) -> str:
        return f"{self.base_url}/api/{self.token}/sendMessage"

    def body(self, *, chat_id: str, text: str) -> tuple[bytes, str]:
        return (
            urllib.parse.urlencode({"chat_id": chat_id, "text": text}).encode(),
            "application/x-www-form-urlencoded; charset=utf-8",
        )


class RubikaClient(MessengerClient):
    messenger = Messenger.RUBIKA

    def endpoint(self) -> str:
        return f"{self.base_url}/v3/{self.token}/sendMessage"

    def refusal(self, answer) -> str | None:
        if isinstance(answer, dict) and answer.get("status") == "OK":
            return None
        status = answer.get("status", "") if isinstance(answer, dict) else ""
        return f"refused: {_shorten(str(status or answer))}"


CLIENTS: dict[str, type[MessengerClient]] = {
    Messenger.BALE: BaleClient,
    Messenger.EITAA: EitaaClient,
    Messenger.RUBIKA: RubikaClient,
    Messenger.TELEGRAM: TelegramClient,
}


def _setting(messenger: str, name: str) -> str:
    return str(getattr(settings, f"HAMAFZA_{messenger.upper()}_{name}", "") or "")


def client_for(messenger: str) -> MessengerClient | None:
    """The messenger's client, or None when it is off (no token) or unknown."""
    client_class = CLIENTS.get(messenger)
    token = _setting(messenger, "TOKEN") if client_class else ""
    if not token:
        return None
    return client_class(
        token=token,
        base_url=_setting(messenger, "URL"),
        timeout=float(settings.HAMAFZA_MESSENGER_TIMEOUT),
    )


def messengers_on() -> list[str]:
    """The messengers the operator turned on, in the order of ``Messenger``."""
    return [m for m in Messenger.values if _setting(m, "TOKEN")]
