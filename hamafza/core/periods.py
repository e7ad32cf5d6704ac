"""Spans of time for figures: a year or its months in the visitor's calendar, counted in one query.

A span is ``(start, end)``: two Gregorian dates, ``start`` included and
``end`` excluded, so that spans placed end to end never count a day twice.
Figures over time take a list of spans (the months of a Solar Hijri year,
the lunar years of a decade …) and return one number per span, counted by
the database in a single query whatever the number of rows or spans.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from hamafza.core.calendars import Calendar, date_from_parts, date_parts, month_name
from hamafza.core.text import digits_localize

Span = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class LabelledSpan:
    label: str
    start: datetime.date
    end: datetime.date

    @property
    def span(self) -> Span:
        return (self.start, self.end)


def moment(day: datetime.date) -> datetime.datetime:
    """Midnight starting ``day`` in the current time zone: a span's edge for a timestamp."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def span_q(field: str, start: datetime.date | None, end: datetime.date | None, *, at=False) -> Q:
    """``field`` within [start, end); either edge may be open. ``at`` for timestamps."""
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": moment(start) if at else start})
    if end is not None:
        condition &= Q(**{f"{field}__lt": moment(end) if at else end})
    return condition


def per_span(
    queryset: QuerySet,
    *,
    field: str,
    spans: Sequence[Span],
    at: bool = False,
    total: str | None = None,
) -> list[int]:
    """One number per span: the rows whose ``field`` falls in it, or the sum of ``total``.

    One query (conditional aggregates); an empty list of spans makes none.
    """
    if not spans:
        return []
    aggregates = {}
    for index, (start, end) in enumerate(spans):
        condition = span_q(field, start, end, at=at)
        if total is None:
            aggregates[f"s{index}"] = Count("pk", filter=condition)
        else:
            aggregates[f"s{index}"] = Coalesce(Sum(total, filter=condition), 0)
    row = queryset.order_by().aggregate(**aggregates)
    return [row[f"s{index}"] or 0 for index in range(len(spans))]


# --------------------------------------------------------------------------
# Years and months in a calendar
# --------------------------------------------------------------------------

# Years a period may be: the lunar calendar's conversion stops after 1500 AH (2077), and the
# span of a year reaches the next year's first day.
YEAR_LIMITS = {
    Calendar.SOLAR.value: (1300, 1450),
    Calendar.LUNAR.value: (1343, 1499),
    Calendar.GREGORIAN.value: (1921, 2070),
}


def year_of(day: datetime.date, *, calendar: str, region: str = "IR") -> int:
    return date_parts(day, calendar=calendar, region=region)[0]


def year_valid(year: int | None, *, calendar: str) -> bool:
    low, high = YEAR_LIMITS.get(calendar, YEAR_LIMITS[Calendar.GREGORIAN.value])
    return year is not None and low <= year <= high


def year_span(year: int, *, calendar: str, region: str = "IR") -> Span:
    """The Gregorian dates a year of ``calendar`` covers: its first day and the next year's."""
    return (
        date_from_parts(year, 1, 1, calendar=calendar, region=region),
        date_from_parts(year + 1, 1, 1, calendar=calendar, region=region),
    )


def month_spans(
    year: int, *, calendar: str, language: str | None, region: str = "IR"
) -> list[LabelledSpan]:
    """The twelve months of a year of ``calendar``, named in ``language``."""
    starts = [
        date_from_parts(year, month, 1, calendar=calendar, region=region) for month in range(1, 13)
    ]
    starts.append(date_from_parts(year + 1, 1, 1, calendar=calendar, region=region))
    return [
        LabelledSpan(
            label=month_name(month, calendar=calendar, language=language),
            start=starts[month - 1],
            end=starts[month],
        )
        for month in range(1, 13)
    ]


def year_spans(
    first: int, last: int, *, calendar: str, language: str | None, region: str = "IR"
) -> list[LabelledSpan]:
    """Consecutive years ``first`` to ``last`` of ``calendar``, in ``language``'s digits."""
    starts = [
        date_from_parts(year, 1, 1, calendar=calendar, region=region)
        for year in range(first, last + 2)
    ]
    return [
        LabelledSpan(
            label=digits_localize(str(year), language),
            start=starts[index],
            end=starts[index + 1],
        )
        for index, year in enumerate(range(first, last + 1))
    ]
