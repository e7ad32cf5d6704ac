"""The month grid of the calendar page, in any of the three calendars.

``month_grid`` lays out one month of the Solar Hijri, lunar Hijri or
Gregorian calendar in weeks of seven days, starting on Saturday for Persian
and Arabic visitors and on Monday otherwise, and puts on each day the
occasions of the visitor's lunar region and the occurrences of events as
they fall in the visitor's time zone. Whatever the number of events, it
reads the database twice: once for the occasion dates of the visible days,
once for the occurrences.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from hamafza.core.calendars import (
    WEEKDAY_NAMES,
    Calendar,
    date_format,
    date_from_parts,
    date_parts,
    month_name,
)
from hamafza.core.text import digits_localize, digits_to_ascii
from hamafza.events.models import OccasionDate, Occurrence
from hamafza.events.selectors import (
    OccurrenceFilters,
    occasion_dates_between,
    occurrences_by_day,
)

ONE_DAY = datetime.timedelta(days=1)
# The events a day's cell lists; a link leads to the day's whole list.
PER_DAY = 3
# Languages whose week begins on Saturday; the others begin on Monday.
SATURDAY_FIRST = frozenset({"fa", "ar", "ur", "ps"})
SATURDAY, MONDAY = 5, 0
# Years a visitor may ask for in each calendar: wider asks fall back to the current month.
YEARS = {
    Calendar.SOLAR.value: (1, 3000),
    Calendar.LUNAR.value: (1, 3000),
    Calendar.GREGORIAN.value: (1, 9998),
}


def _language(language: str | None) -> str:
    return (language or "en").split("-")[0].split("_")[0].lower()


def week_start(language: str | None) -> int:
    """The ``date.weekday()`` a week begins on for visitors of ``language``."""
    return SATURDAY if _language(language) in SATURDAY_FIRST else MONDAY


def weekday_headers(language: str | None) -> list[str]:
    """The seven weekday names in the order of the grid's columns."""
    names = WEEKDAY_NAMES.get(_language(language), WEEKDAY_NAMES["en"])
    first = week_start(language)
    return [names[(first + offset) % 7] for offset in range(7)]


def number_param(value) -> int | None:
    """A year or month typed in a query string (any digits), or None."""
    text = digits_to_ascii(str(value or "")).strip()
    if not text.isdigit() or len(text) > 4:
        return None
    return int(text)


@dataclass
class Day:
    date: datetime.date
    number: str  # the day of the month in the grid's calendar, in the visitor's digits
    in_month: bool
    is_today: bool
    label: str  # "جمعه، ۱۴ آذر ۱۴۰۴": the day with its weekday, in the grid's calendar
    others: list[tuple[str, str]]  # [(calendar, "day month")] in the two other calendars
    occasions: list[OccasionDate] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    more: bool = False  # more occurrences start this day than the cell lists

    @property
    def busy(self) -> bool:
        return bool(self.occasions or self.occurrences)

    @property
    def weekday(self) -> int:
        return self.date.weekday()


@dataclass
class MonthGrid:
    calendar: str
    year: int
    month: int
    title: str  # "Azar 1405", "جمادی‌الثانی ۱۴۴۸"
    others_title: list[tuple[str, str]]  # the same days in the other calendars' months
    weekdays: list[str]
    weeks: list[list[Day]]
    first: datetime.date  # the month's first and last days (Gregorian)
    last: datetime.date
    start: datetime.date  # the first and last days the grid shows
    end: datetime.date
    previous: tuple[int, int]
    next: tuple[int, int]
    switch: dict[str, tuple[int, int]]  # the month of each calendar around this one's middle
    is_current: bool
    region: str

    @property
    def days(self) -> list[Day]:
        return [day for week in self.weeks for day in week]

    @property
    def busy_days(self) -> list[Day]:
        """The month's days that have an occasion or an event (the list shown on phones)."""
        return [day for day in self.days if day.in_month and day.busy]


def _month_next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def month_range(
    year: int, month: int, *, calendar: str, region: str
) -> tuple[datetime.date, datetime.date]:
    """The first and last Gregorian days of a month of ``calendar``; ValidationError or
    ValueError when the calendars do not reach it. A lunar month ends the day before the
    region's next month begins, so a corrected start changes its length."""
    low, high = YEARS[calendar]
    if not (low <= year <= high and 1 <= month <= 12):
        raise ValueError("month outside the supported range")
    first = date_from_parts(year, month, 1, calendar=calendar, region=region)
    following = date_from_parts(*_month_next(year, month), 1, calendar=calendar, region=region)
    last = following - ONE_DAY
    if not first <= last <= first + datetime.timedelta(days=31):
        raise ValueError("inconsistent month table")
    return first, last


def _convertible(first: datetime.date, last: datetime.date, *, region: str) -> None:
    """Raise ValidationError unless every day the grid may show has a date in each calendar
    (the lunar calendars reach fewer years than the others)."""
    for day in (first - datetime.timedelta(days=7), last + datetime.timedelta(days=7)):
        for calendar in Calendar.values:
            date_parts(day, calendar=calendar, region=region)


def _short(value: datetime.date, *, calendar: str, language: str, region: str) -> str:
    _year, month, day = date_parts(value, calendar=calendar, region=region)
    return digits_localize(
        f"{day} {month_name(month, calendar=calendar, language=language)}", language
    )


def _month_title(year: int, month: int, *, calendar: str, language: str) -> str:
    return digits_localize(
        f"{month_name(month, calendar=calendar, language=language)} {year}", language
    )


def _span_title(
    first: datetime.date, last: datetime.date, *, calendar: str, language: str, region: str
) -> str:
    """ "Aban – Azar 1404" or "Jumada al-awwal 1447 – Jumada al-thani 1447": the months of
    ``calendar`` that the days [first, last] fall in."""
    start_year, start_month, _day = date_parts(first, calendar=calendar, region=region)
    end_year, end_month, _day = date_parts(last, calendar=calendar, region=region)
    start = month_name(start_month, calendar=calendar, language=language)
    end = month_name(end_month, calendar=calendar, language=language)
    if (start_year, start_month) == (end_year, end_month):
        text = f"{start} {start_year}"
    elif start_year == end_year:
        text = f"{start} – {end} {start_year}"
    else:
        text = f"{start} {start_year} – {end} {end_year}"
    return digits_localize(text, language)


def _day_bounds(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time()).replace(tzinfo=zone)


def _place_occurrences(
    occurrences, days: dict[datetime.date, Day], zone, start: datetime.date, end: datetime.date
) -> None:
    """Put each occurrence on every visible day it covers in ``zone``."""
    for occurrence in occurrences:
        first = timezone.localtime(occurrence.starts_at, zone).date()
        # An occurrence that ends at midnight does not cover the day that midnight begins.
        closing = max(occurrence.ends_at, occurrence.starts_at + datetime.timedelta(microseconds=1))
        last = timezone.localtime(closing - datetime.timedelta(microseconds=1), zone).date()
        day = max(first, start)
        while day <= min(last, end):
            days[day].occurrences.append(occurrence)
            day += ONE_DAY


def _place_occasions(occasion_dates, days: dict[datetime.date, Day], start, end) -> None:
    for row in occasion_dates:
        day = max(row.starts_on, start)
        while day <= min(row.ends_on, end):
            days[day].occasions.append(row)
            day += ONE_DAY


def month_grid(
    *,
    calendar: str,
    year: int | None,
    month: int | None,
    language: str | None,
    region: str,
    filters: OccurrenceFilters | None = None,
    today: datetime.date | None = None,
    zone=None,
) -> MonthGrid:
    """The month ``year``/``month`` of ``calendar`` (the current month when either is missing
    or outside what the calendars support), with its occasions and events.

    ``today`` is the visitor's date and ``zone`` their time zone (the current one when left
    out): an event is shown on the days it covers there.
    """
    calendar = calendar if calendar in Calendar.values else Calendar.GREGORIAN.value
    language = _language(language)
    zone = zone or timezone.get_current_timezone()
    today = today or timezone.localdate(timezone=zone)
    current = date_parts(today, calendar=calendar, region=region)[:2]
    try:
        if year is None or month is None:
            raise ValueError("no month asked for")
        first, last = month_range(year, month, calendar=calendar, region=region)
        _convertible(first, last, region=region)
    except (ValidationError, ValueError, OverflowError):
        year, month = current
        first, last = month_range(year, month, calendar=calendar, region=region)

    week_first = week_start(language)
    start = first - datetime.timedelta(days=(first.weekday() - week_first) % 7)
    end = last + datetime.timedelta(days=6 - (last.weekday() - week_first) % 7)

    others = [other for other in Calendar.values if other != calendar]
    days: dict[datetime.date, Day] = {}
    day = start
    while day <= end:
        days[day] = Day(
            date=day,
            number=digits_localize(
                str(date_parts(day, calendar=calendar, region=region)[2]), language
            ),
            in_month=first <= day <= last,
            is_today=day == today,
            label=date_format(
                day, calendar=calendar, language=language, region=region, with_weekday=True
            ),
            others=[
                (other, _short(day, calendar=other, language=language, region=region))
                for other in others
            ],
        )
        day += ONE_DAY

    _place_occasions(occasion_dates_between(start, end, region=region), days, start, end)
    spans = [(date, _day_bounds(date, zone), _day_bounds(date + ONE_DAY, zone)) for date in days]
    by_day, long = occurrences_by_day(spans, per_day=PER_DAY, filters=filters)
    _place_occurrences(long, days, zone, start, end)
    for date, entry in sorted(by_day.items()):
        # Placed by their time in the zone: one that runs past midnight shows on both days.
        _place_occurrences(entry.shown, days, zone, start, end)
        days[date].more = entry.more

    ordered = list(days.values())
    middle = first + (last - first) / 2
    return MonthGrid(
        calendar=calendar,
        year=year,
        month=month,
        title=_month_title(year, month, calendar=calendar, language=language),
        others_title=[
            (other, _span_title(first, last, calendar=other, language=language, region=region))
            for other in others
        ],
        weekdays=weekday_headers(language),
        weeks=[ordered[index : index + 7] for index in range(0, len(ordered), 7)],
        first=first,
        last=last,
        start=start,
        end=end,
        previous=_month_previous(year, month),
        next=_month_next(year, month),
        switch={
            other: date_parts(middle, calendar=other, region=region)[:2]
            for other in Calendar.values
        },
        is_current=(year, month) == current,
        region=region,
    )
