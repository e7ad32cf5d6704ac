import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hamafza.core.calendars import Calendar
from hamafza.core.models import LunarRegion


def user_preferences_update(
    *,
    user,
    calendar: str | None = None,
    lunar_region: str | None = None,
    time_zone: str | None = None,
):
    """Save a user's display choices; an empty string means "follow the language"."""
    changed = []
    if calendar is not None:
        if calendar and calendar not in Calendar.values:
            raise ValidationError({"calendar": _("Choose a valid calendar.")})
        user.calendar = calendar
        changed.append("calendar")
    if lunar_region is not None:
        if lunar_region and lunar_region not in LunarRegion.values:
            raise ValidationError({"lunar_region": _("Choose a valid region.")})
        user.lunar_region = lunar_region
        changed.append("lunar_region")
    if time_zone is not None:
        if time_zone and time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": _("Choose a valid time zone.")})
        user.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        user.save(update_fields=changed)
    return user
