"""Which delivery base a viewer gets, and the URLs built on it."""

import pytest
from django.test import RequestFactory

from hamafza.broadcast import delivery
from hamafza.broadcast.models import Broadcast


@pytest.fixture
def bases(settings):
    settings.HAMAFZA_DELIVERY_DOMESTIC_URL = "https://ir.cdn.example/"
    settings.HAMAFZA_DELIVERY_INTERNATIONAL_URL = "https://world.cdn.example"
    settings.HAMAFZA_DOMESTIC_COUNTRIES = ["IR", " af"]
    settings.HAMAFZA_VIEWER_COUNTRY_HEADER = "X-Viewer-Country"
    return settings


def request_from(country: str | None = None, header: str = "HTTP_X_VIEWER_COUNTRY"):
    extra = {header: country} if country is not None else {}
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "country, base",
    [
        ("IR", "https://ir.cdn.example"),
        ("ir", "https://ir.cdn.example"),
        ("AF", "https://ir.cdn.example"),
        ("IQ", "https://world.cdn.example"),
        ("DE", "https://world.cdn.example"),
        (None, "https://ir.cdn.example"),  # no header: straight to the origin
        ("", "https://ir.cdn.example"),
        ("XX-junk", "https://ir.cdn.example"),  # unreadable: as if there were none
        ("۱۲", "https://ir.cdn.example"),
    ],
)
def test_the_viewers_country_chooses_the_base(bases, country, base):
    assert delivery.delivery_base(request_from(country)) == base


def test_the_header_name_is_a_setting(bases):
    bases.HAMAFZA_VIEWER_COUNTRY_HEADER = "CF-IPCountry"
    assert delivery.delivery_base(request_from("DE", "HTTP_CF_IPCOUNTRY")).startswith(
        "https://world"
    )
    assert delivery.delivery_base(request_from("DE")).startswith("https://ir")


def test_live_playlists():
    broadcast = Broadcast(pk=42)
    playlists = delivery.live_playlists("https://cdn.example/", broadcast)
    assert playlists.video == "https://cdn.example/live/b42/video.m3u8"
    assert playlists.audio == "https://cdn.example/live/b42/audio/index.m3u8"
    assert playlists.native == "https://cdn.example/live/b42/index.m3u8"


@pytest.mark.parametrize(
    "path, url",
    [
        ("b42/video.mp4", "https://cdn.example/archive/b42/video.mp4"),
        ("b42/صدا 1.m4a", "https://cdn.example/archive/b42/%D8%B5%D8%AF%D8%A7%201.m4a"),
        ("./b42//thumb.jpg", "https://cdn.example/archive/b42/thumb.jpg"),
        ("", ""),
        ("../etc/passwd", ""),
        ("b42/../../secret", ""),
        ("/etc/passwd", ""),
    ],
)
def test_archive_urls(path, url):
    assert delivery.archive_url("https://cdn.example", path) == url
