"""Certificates of attendance as PDF, in Persian, Arabic or English.

WeasyPrint lays the page out from ``events/certificate.html``; Pango shapes
Persian and Arabic with the bundled Vazirmatn fonts, and the page runs right
to left in those languages. Nothing is fetched from the network: the only
resources a certificate may load are the font files.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hamafza.core.calendars import Calendar, date_format
from hamafza.core.preferences import calendar_default
from hamafza.events.models import Enrolment

# The languages a certificate is written in; any other falls back to the site's.
CERTIFICATE_LANGUAGES = ("fa", "ar", "en")
RTL_LANGUAGES = frozenset({"fa", "ar"})


def fonts_dir() -> Path:
    """The static (non-variable) Vazirmatn TTF files shipped by npm."""
    return Path(settings.BASE_DIR) / "node_modules" / "vazirmatn" / "fonts" / "ttf"


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalFontFetcher(URLFetcher):
        """Fetches ``file://`` URLs inside the fonts' directory; refuses everything else."""

        def __init__(self, root: Path):
            super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=5)
            self.root = root.resolve()

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused to fetch {url!r}: certificates load local fonts only")
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                raise ValueError(f"refused to fetch {url!r}: not a bundled font")
            return super().fetch(path.as_uri(), headers)

    return LocalFontFetcher


def certificate_language(language: str | None) -> str:
    base = (language or "").split("-")[0].split("_")[0].lower()
    return base if base in CERTIFICATE_LANGUAGES else settings.LANGUAGE_CODE


def _dates(value, *, language: str, region: str) -> dict:
    """The date in the language's calendar, and in the Gregorian calendar when that differs,
    each isolated (``<bdi>``) so that it reads whole inside a sentence of either direction."""
    calendar = calendar_default(language)
    main = date_format(value, calendar=calendar, language=language, region=region)
    gregorian = (
        date_format(value, calendar=Calendar.GREGORIAN, language=language, region=region)
        if calendar != Calendar.GREGORIAN
        else ""
    )
    return {
        "main": format_html("<bdi>{}</bdi>", main),
        "gregorian": format_html("<bdi>{}</bdi>", gregorian) if gregorian else "",
    }


def certificate_context(*, enrolment: Enrolment, language: str) -> dict:
    course = enrolment.course
    event = course.event
    zone = _zone_of(event.time_zone)
    starts_on = timezone.localtime(event.starts_at, zone).date()
    ends_on = timezone.localtime(event.ends_at, zone).date()
    issued_on = timezone.localtime(enrolment.certificate_issued_at or timezone.now(), zone).date()
    region = event.lunar_region
    fonts = fonts_dir()
    return {
        "language": language,
        "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
        "font_regular": (fonts / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (fonts / "Vazirmatn-Bold.ttf").as_uri(),
        "person": enrolment.person.display_name(language),
        "honorific": enrolment.person.honorific,
        "course": event.display_name(language),
        "organizer": event.organizer.display_name(language),
        "sender": enrolment.organization.display_name(language) if enrolment.organization else "",
        "audience": course.get_audience_display(),
        "starts": _dates(starts_on, language=language, region=region),
        "ends": _dates(ends_on, language=language, region=region),
        "one_day": starts_on == ends_on,
        "issued": _dates(issued_on, language=language, region=region),
        "number": enrolment.certificate_number,
    }


def _zone_of(name: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.HAMAFZA_DEFAULT_TIME_ZONE)


def certificate_pdf(*, enrolment: Enrolment, language: str) -> bytes:
    """The enrolment's certificate as a PDF in ``language`` (fa, ar or en). Refused with a
    translated message when no certificate has been issued."""
    if not enrolment.certificate_number:
        raise ValidationError(
            _("No certificate has been issued for this enrolment."), code="no_certificate"
        )
    from weasyprint import HTML

    language = certificate_language(language)
    with translation.override(language):
        context = certificate_context(enrolment=enrolment, language=language)
        html = render_to_string("events/certificate.html", context)
    root = fonts_dir()
    document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=_fetcher_class()(root))
    return document.write_pdf()
