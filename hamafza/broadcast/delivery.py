"""Where a viewer fetches live HLS and archive files from.

HLS and archive files are served by nginx (or edges in front of it), never
by Python. There are two delivery bases: viewers in one of
``HAMAFZA_DOMESTIC_COUNTRIES`` get ``HAMAFZA_DELIVERY_DOMESTIC_URL``, everyone
else ``HAMAFZA_DELIVERY_INTERNATIONAL_URL``. The viewer's country comes from
the header the edge sets (``HAMAFZA_VIEWER_COUNTRY_HEADER``, an ISO 3166-1
alpha-2 code); a request without it (straight to the origin, or a local
run) gets the domestic base.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

LIVE_PREFIX = "live"
ARCHIVE_PREFIX = "archive"


def _header_key(name: str) -> str:
    """``X-Viewer-Country`` → ``HTTP_X_VIEWER_COUNTRY`` (how Django's META names it)."""
    return "HTTP_" + name.upper().replace("-", "_")


def viewer_country(request) -> str:
    """The two-letter country the edge says the viewer is in, or "" when it says nothing useful."""
    value = request.META.get(_header_key(settings.HAMAFZA_VIEWER_COUNTRY_HEADER), "")
    value = value.strip().upper()
    return value if len(value) == 2 and value.isascii() and value.isalpha() else ""


def is_domestic(country: str) -> bool:
    domestic = {c.strip().upper() for c in settings.HAMAFZA_DOMESTIC_COUNTRIES if c.strip()}
    return not country or country.upper() in domestic


def delivery_base(request) -> str:
    """The base URL (no trailing slash) this viewer fetches HLS and archive files from."""
    if is_domestic(viewer_country(request)):
        base = settings.HAMAFZA_DELIVERY_DOMESTIC_URL
    else:
        base = settings.HAMAFZA_DELIVERY_INTERNATIONAL_URL
    return base.rstrip("/")


@dataclass(frozen=True)
class LivePlaylists:
    """A live broadcast's playlists.

    ``video``: the master of the video renditions (what hls.js plays);
    ``audio``: the audio-only rendition's own playlist (hls.js hides an
    audio-only variant inside a master, so audio mode loads it directly);
    ``native``: every rendition, for players with HLS built in (Safari).
    """

    video: str
    audio: str
    native: str


def live_playlists(base: str, broadcast) -> LivePlaylists:
    root = f"{base.rstrip('/')}/{LIVE_PREFIX}/{broadcast.ingest_name}"
    return LivePlaylists(
        video=f"{root}/video.m3u8", audio=f"{root}/audio/index.m3u8", native=f"{root}/index.m3u8"
    )


def archive_url(base: str, relative_path: str) -> str:
    """The URL of a file under the archive directory, or "" for an empty or unsafe path."""
    path = (relative_path or "").replace("\\", "/").strip()
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if not parts or path.startswith("/") or ".." in parts:
        return ""
    return f"{base.rstrip('/')}/{ARCHIVE_PREFIX}/{quote('/'.join(parts))}"
