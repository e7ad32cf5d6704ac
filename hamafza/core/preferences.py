"""The visitor's calendar and lunar region: chosen, remembered, or following the language."""

from django.conf import settings
from django.utils.translation import get_language

from hamafza.core.calendars import Calendar
from hamafza.core.models import LunarRegion


def language_base(language: str | None = None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]


def calendar_default(language: str | None = None) -> str:
    return settings.HAMAFZA_CALENDAR_BY_LANGUAGE.get(language_base(language), Calendar.GREGORIAN)


def lunar_region_default(language: str | None = None) -> str:
    return settings.HAMAFZA_LUNAR_REGION_BY_LANGUAGE.get(language_base(language), LunarRegion.IRAN)


def calendar_for_request(request) -> str:
    """A signed-in user's saved choice, else the cookie, else the language's default."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.calendar:
        return user.calendar
    chosen = request.COOKIES.get(settings.HAMAFZA_CALENDAR_COOKIE_NAME)
    if chosen in Calendar.values:
        return chosen
    return calendar_default()


def lunar_region_for_request(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.lunar_region:
        return user.lunar_region
    return lunar_region_default()
