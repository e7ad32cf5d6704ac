"""Use cases that change the data ``core`` holds."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hamafza.core.calendars import hijri_table_invalidate, umm_al_qura_to_gregorian
from hamafza.core.models import HijriMonthStart, LunarRegion
from hamafza.core.permissions import is_coordinator

LUNAR_MONTH_DAYS = (29, 30)

# Called after a month-start correction commits, with (region, year, month):
# apps whose dates follow the lunar calendar (events) register here.
_CORRECTION_LISTENERS: list[Callable[[str, int, int], None]] = []


def hijri_correction_listener_register(listener: Callable[[str, int, int], None]) -> None:
    """``listener(region, year, month)`` runs after each correction of that month commits,
    once every process's month tables are stale, so it sees the corrected dates."""
    if listener not in _CORRECTION_LISTENERS:
        _CORRECTION_LISTENERS.append(listener)


def _corrected(region: str, year: int, month: int) -> None:
    hijri_table_invalidate()
    for listener in _CORRECTION_LISTENERS:
        listener(region, year, month)


def _neighbour_start(
    rows: dict[tuple[int, int], HijriMonthStart], year: int, month: int
) -> datetime.date | None:
    """A neighbouring month's start: the region's row, else the computed Umm al-Qura start.

    None when neither exists (outside the supported range): there is then
    nothing to keep the correction consistent with.
    """
    row = rows.get((year, month))
    if row is not None:
        return row.starts_on
    try:
        return umm_al_qura_to_gregorian(year, month, 1)
    except ValidationError:
        return None


def _month_neighbours(year: int, month: int) -> tuple[tuple[int, int], tuple[int, int]]:
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return previous, following


def _rows_around(
    *, region: str, year: int, month: int, lock: bool
) -> dict[tuple[int, int], HijriMonthStart]:
    """The rows of the month and its two neighbours, locked in (year, month) order."""
    previous, following = _month_neighbours(year, month)
    wanted = [previous, (year, month), following]
    queryset = HijriMonthStart.objects.filter(region=region, year__in={y for y, _m in wanted})
    if lock:
        queryset = queryset.select_for_update()
    rows = {(row.year, row.month): row for row in queryset.order_by("year", "month")}
    return {key: row for key, row in rows.items() if key in wanted}


def hijri_month_start_check(
    *, region: str, year: int, month: int, starts_on: datetime.date
) -> None:
    """Raise ValidationError unless ``starts_on`` may begin the month in ``region``.

    Every lunar month lasts 29 or 30 days, so the new start must leave both
    the previous month and this month (up to the next month's start) that long.
    Forms call it to show the error beside the field before saving.
    """
    _check_fields(region=region, month=month)
    rows = _rows_around(region=region, year=year, month=month, lock=False)
    _check_lengths(rows, year=year, month=month, starts_on=starts_on)


def _check_fields(*, region: str, month: int) -> None:
    if region not in LunarRegion.values:
        raise ValidationError({"region": _("Choose Iran, Iraq or Umm al-Qura.")})
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("Enter a month from 1 to 12.")})


def _check_lengths(
    rows: dict[tuple[int, int], HijriMonthStart],
    *,
    year: int,
    month: int,
    starts_on: datetime.date,
) -> None:
    previous, following = _month_neighbours(year, month)
    previous_start = _neighbour_start(rows, *previous)
    following_start = _neighbour_start(rows, *following)
    if previous_start is not None:
        days = (starts_on - previous_start).days
        if days not in LUNAR_MONTH_DAYS:
            raise ValidationError(
                {
                    "starts_on": _(
                        "With this start the previous month would last %(days)s days; "
                        "a lunar month lasts 29 or 30 days."
                    )
                    % {"days": days}
                },
                code="month_length",
            )
    if following_start is not None:
        days = (following_start - starts_on).days
        if days not in LUNAR_MONTH_DAYS:
            raise ValidationError(
                {
                    "starts_on": _(
                        "With this start the month would last %(days)s days before the next "
                        "one begins; a lunar month lasts 29 or 30 days."
                    )
                    % {"days": days}
                },
                code="month_length",
            )


def hijri_month_start_correct(
    *,
    actor,
    region: str,
    year: int,
    month: int,
    starts_on: datetime.date,
    note: str = "",
) -> HijriMonthStart:
    """Record the observed first day of a lunar month in a region.

    Only a network coordinator may do it. The row is created if the region's
    table lacks it, and marked corrected; every process reloads its tables
    once the transaction commits.
    """
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only a network coordinator may correct the start of a month."))
    _check_fields(region=region, month=month)
    with transaction.atomic():
        rows = _rows_around(region=region, year=year, month=month, lock=True)
        _check_lengths(rows, year=year, month=month, starts_on=starts_on)
        row = rows.get((year, month))
        if row is None:
            row = HijriMonthStart(region=region, year=year, month=month)
            row.starts_on, row.corrected, row.note = starts_on, True, note
            row.full_clean()
            row.save()
        else:
            row.starts_on, row.corrected, row.note = starts_on, True, note
            row.full_clean()
            row.save(update_fields=["starts_on", "corrected", "note"])
        transaction.on_commit(lambda: _corrected(region, year, month))
    return row
