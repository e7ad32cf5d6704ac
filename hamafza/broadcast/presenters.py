"""What pages show of broadcasts, prepared in Python: player sources, archive files, oEmbed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from hamafza.core.text import digits_localize

from . import delivery
from .models import ArchiveItem, Broadcast, Channel

EMBED_WIDTH = 640
EMBED_HEIGHT = 360
EMBED_MAX = 4096


def player_config(*, request, broadcast: Broadcast) -> dict:
    """What static/js/player.js reads (through ``json_script``) to play a live broadcast."""
    playlists = delivery.live_playlists(delivery.delivery_base(request), broadcast)
    return {
        "video": playlists.video,
        "audio": playlists.audio,
        "native": playlists.native,
        "hasVideo": broadcast.has_video,
        "heartbeatUrl": reverse("broadcast:heartbeat", args=[broadcast.pk]),
        "heartbeatSeconds": settings.HAMAFZA_HEARTBEAT_SECONDS,
        "messages": {
            "unsupported": gettext("This browser cannot play live streams."),
            "waiting": gettext("Waiting for the stream…"),
            "pressPlay": gettext("Press play to start."),
            "ended": gettext("The broadcast has ended."),
            "forbidden": gettext("This broadcast is for members only."),
        },
    }


@dataclass(frozen=True)
class ArchiveMedia:
    """An archive item's files as URLs on the viewer's delivery base ("" where there is none)."""

    video: str
    audio: str
    thumbnail: str
    waveform: str
    duration: str
    ready: bool

    @property
    def poster(self) -> str:
        return self.thumbnail or self.waveform


def archive_media(*, request, item: ArchiveItem | None) -> ArchiveMedia | None:
    if item is None:
        return None
    base = delivery.delivery_base(request)
    return ArchiveMedia(
        video=delivery.archive_url(base, item.video_path),
        audio=delivery.archive_url(base, item.audio_path),
        thumbnail=delivery.archive_url(base, item.thumbnail_path),
        waveform=delivery.archive_url(base, item.waveform_path),
        duration=duration_text(item.duration_seconds),
        ready=item.is_ready,
    )


def duration_text(seconds: float | None, language: str | None = None) -> str:
    """1:02:03 or 4:05, in the language's digits; "" when unknown."""
    if seconds is None or seconds < 0:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return digits_localize(text, language or get_language())


# --- embedding ----------------------------------------------------------------------------


def embed_size(maxwidth, maxheight) -> tuple[int, int]:
    """The iframe's size: 640×360, shrunk (keeping 16:9) to fit ``maxwidth``/``maxheight``."""
    width, height = EMBED_WIDTH, EMBED_HEIGHT
    limit_width, limit_height = _dimension(maxwidth), _dimension(maxheight)
    if limit_width and limit_width < width:
        width, height = limit_width, limit_width * 9 // 16
    if limit_height and limit_height < height:
        width, height = limit_height * 16 // 9, limit_height
    return max(width, 1), max(height, 1)


def _dimension(value) -> int | None:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 5:
        return None
    return min(max(int(text), 1), EMBED_MAX)


def embed_html(*, src: str, width: int, height: int, title: str) -> str:
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" frameborder="0" '
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>',
        src,
        width,
        height,
        title,
    )


def oembed_payload(
    *,
    request,
    channel: Channel,
    broadcast: Broadcast | None,
    maxwidth=None,
    maxheight=None,
) -> dict:
    """The oEmbed 1.0 answer (type "video") for a channel's or a broadcast's page."""
    width, height = embed_size(maxwidth, maxheight)
    language = get_language()
    if broadcast is not None:
        src = reverse("broadcast:embed-broadcast", args=[broadcast.pk])
        title = broadcast.display_title(language)
    else:
        src = reverse("broadcast:embed", args=[channel.pk])
        title = channel.display_name(language)
    organization = channel.organization
    return {
        "version": "1.0",
        "type": "video",
        "provider_name": gettext("Hamafza"),
        "provider_url": request.build_absolute_uri("/"),
        "title": title,
        "author_name": organization.display_name(language),
        "author_url": request.build_absolute_uri(reverse("broadcast:channel", args=[channel.pk])),
        "html": embed_html(
            src=request.build_absolute_uri(src), width=width, height=height, title=title
        ),
        "width": width,
        "height": height,
    }


def oembed_discovery_url(request, page_url: str) -> str:
    """The ``href`` of a page's ``<link rel="alternate" type="application/json+oembed">``."""
    query = urlencode({"url": request.build_absolute_uri(page_url), "format": "json"})
    return request.build_absolute_uri(reverse("oembed")) + "?" + query
