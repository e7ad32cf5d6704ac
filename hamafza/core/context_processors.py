from django.conf import settings

from hamafza.core.calendars import Calendar


def preferences(request):
    return {
        "calendar": getattr(request, "calendar", Calendar.GREGORIAN),
        "lunar_region": getattr(request, "lunar_region", ""),
        "calendar_choices": Calendar.choices,
        "site_languages": settings.LANGUAGES,
    }
