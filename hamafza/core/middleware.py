import zoneinfo

from django.conf import settings
from django.utils import timezone

from hamafza.core.preferences import calendar_for_request, lunar_region_for_request


class UserPreferencesMiddleware:
    """Puts the visitor's calendar and lunar region on the request, and activates their time zone.

    Runs after LocaleMiddleware and AuthenticationMiddleware, so the language
    is active and the user known. Lazy: nothing is read until used.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.calendar = calendar_for_request(request)
        request.lunar_region = lunar_region_for_request(request)
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone or settings.HAMAFZA_DEFAULT_TIME_ZONE))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
