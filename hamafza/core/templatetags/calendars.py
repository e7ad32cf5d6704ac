"""Dates in the visitor's calendar and digits in the visitor's script.

``{% load calendars %}`` then ``{% show_date value %}`` and ``{{ n|local_digits }}``.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language

from hamafza.core.calendars import date_all_calendars, date_format
from hamafza.core.preferences import calendar_default, lunar_region_default
from hamafza.core.text import digits_localize

register = template.Library()

TITLE_SEPARATOR = " · "


def _preferences(context) -> tuple[str, str]:
    """The visitor's calendar and lunar region: the request's, else the context's."""
    request = context.get("request")
    calendar = getattr(request, "calendar", None) or context.get("calendar") or calendar_default()
    region = (
        getattr(request, "lunar_region", None)
        or context.get("lunar_region")
        or lunar_region_default()
    )
    return calendar, region


@register.simple_tag(takes_context=True)
def show_date(context, value) -> str:
    """``<time datetime="ISO" title="the other calendars">the date</time>``.

    The date is written in the visitor's calendar; the title gives it in the
    other two. ``None`` renders nothing; anything that is not a date renders
    as escaped text.
    """
    calendar, region = _preferences(context)
    return time_html(value, calendar=calendar, region=region)


def time_html(value, *, calendar: str, region: str, language: str | None = None) -> str:
    """What ``{% show_date %}`` renders, for code that builds HTML in Python."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.date):
        return conditional_escape(value)
    language = language or get_language()
    shown = date_format(value, calendar=calendar, language=language, region=region)
    others = TITLE_SEPARATOR.join(
        text
        for other, text in date_all_calendars(value, language=language, region=region)
        if other != calendar
    )
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), others, shown)


@register.filter(is_safe=True)
def local_digits(value) -> str:
    """The value's ASCII digits in the active language's digits (only digits change)."""
    if value is None:
        return ""
    return digits_localize(str(value), get_language())
