"""Dates as the pages see them, for tests.

Requests run in the visitor's time zone (``HAMAFZA_DEFAULT_TIME_ZONE`` for an
anonymous visitor or one without a saved zone); a test process runs in UTC.
Between midnight in Tehran and midnight UTC the two "todays" differ, so a test
that compares a page's dates with its own reads them in the visitor's zone.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def visitor_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.HAMAFZA_DEFAULT_TIME_ZONE)


def visitor_today() -> datetime.date:
    return timezone.localdate(timezone=visitor_zone())


def visitor_date(value: datetime.datetime) -> datetime.date:
    return timezone.localdate(value, timezone=visitor_zone())
