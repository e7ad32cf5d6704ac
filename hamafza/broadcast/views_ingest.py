"""The endpoints nginx-rtmp and the packager call. Not for browsers.

Each is CSRF-exempt (nginx-rtmp sends a plain form POST), answers only
callers from ``HAMAFZA_INGEST_ALLOWED_ADDRESSES`` that carry the shared
secret in the query string, and never raises: whatever the body holds, the
answer is a status nginx understands (2xx go on, 3xx rename, 4xx refuse).
"""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import ingest, services

FIELD_LIMIT = 200


def _trusted(request) -> bool:
    allowed = settings.HAMAFZA_INGEST_ALLOWED_ADDRESSES
    address = request.META.get("REMOTE_ADDR", "")
    if "*" not in allowed and address not in allowed:
        return False
    return ingest.secret_matches(request.GET.get("secret", ""))


def _field(request, name: str, limit: int = FIELD_LIMIT) -> str:
    """A form field, cut to ``limit`` characters, without NUL characters.

    PostgreSQL cannot store NUL in text, and no stream name, key or path
    holds one: dropping them keeps a junk call from reaching the database.
    """
    return request.POST.get(name, "")[:limit].replace("\x00", "")


def _answer(status: int, text: str = "") -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _ingest_endpoint(view):
    view = require_POST(csrf_exempt(view))

    def guarded(request, *args, **kwargs):
        if not _trusted(request):
            return _answer(403, "forbidden")
        return view(request, *args, **kwargs)

    guarded.csrf_exempt = True
    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


@_ingest_endpoint
def on_publish(request):
    """``live``: authorize the key and rename the stream; ``internal``: let in live broadcasts."""
    app, name = _field(request, "app"), _field(request, "name")
    if app == ingest.INTERNAL_APP:
        allowed = services.publish_internal_check(name=name)
        return _answer(200) if allowed else _answer(403, "not a live broadcast")
    decision = services.publish_authorize(
        stream=name, key=_field(request, "key"), address=_field(request, "addr") or None
    )
    if not decision.accepted:
        return _answer(403, decision.reason)
    response = _answer(302)
    response["Location"] = decision.broadcast.ingest_name
    return response


@_ingest_endpoint
def on_publish_done(request):
    services.publish_done(
        app=_field(request, "app"), stream=_field(request, "name"), key=_field(request, "key")
    )
    return _answer(200)


@_ingest_endpoint
def on_record_done(request):
    path = _field(request, "path", limit=4096)
    services.recording_done(stream=_field(request, "name"), path=path)
    return _answer(200)


@_ingest_endpoint
def on_probe(request):
    """The packager's report of the stream's codecs: 200 to package it, 403 to stop."""
    decision = services.publish_probe(
        name=_field(request, "name"),
        video_codec=_field(request, "video_codec"),
        audio_codec=_field(request, "audio_codec"),
        detail=f"{_field(request, 'width')}x{_field(request, 'height')}".strip("x"),
    )
    if not decision.accepted:
        return _answer(403, decision.reason)
    return _answer(200, "ok")
