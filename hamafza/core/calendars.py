"""Solar Hijri, lunar Hijri and Gregorian dates: conversion, display, parsing.

Lunar Hijri dates follow the observed month starts of a region (Iran, Iraq or
Umm al-Qura), kept in ``HijriMonthStart``. Each process keeps every region's
table in memory, loaded with one query per region, and drops it when the
version number kept in Django's cache changes: ``hijri_table_invalidate``
bumps that number, so a correction saved by one web process is seen by every
other process on its next conversion. Dates outside the table fall back to
the computed Umm al-Qura calendar (hijridate).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

import jdatetime
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri

from hamafza.core.text import digits_localize, digits_to_ascii
from hamafza.core.versions import version_bump, version_get


class Calendar(models.TextChoices):
    SOLAR = "solar", _("Solar Hijri")
    LUNAR = "lunar", _("Lunar Hijri")
    GREGORIAN = "gregorian", _("Gregorian")


# Kept here rather than imported from models.py: this module is imported by
# models of other apps while the app registry is still loading.
LUNAR_REGIONS = ("IR", "IQ", "UQ")


@dataclass(frozen=True, order=True)
class HijriDate:
    year: int
    month: int
    day: int

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

FALLBACK_LANGUAGE = "en"

# Keyed by plain strings: month names are shown in any of the three languages,
# whatever language is active, so they are not marked for translation.
MONTH_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    Calendar.SOLAR.value: {
        "fa": (
            "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
            "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
        ),
        "ar": (
            "فروردين", "أرديبهشت", "خرداد", "تير", "مرداد", "شهريور",
            "مهر", "آبان", "آذر", "دي", "بهمن", "إسفند",
        ),
        "en": (
            "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
            "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
        ),
    },
    Calendar.LUNAR.value: {
        "fa": (
            "محرم", "صفر", "ربیع‌الاول", "ربیع‌الثانی", "جمادی‌الاول", "جمادی‌الثانی",
            "رجب", "شعبان", "رمضان", "شوال", "ذی‌القعده", "ذی‌الحجه",
        ),
        "ar": (
            "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
            "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
        ),
        "en": (
            "Muharram", "Safar", "Rabi' al-awwal", "Rabi' al-thani",
            "Jumada al-awwal", "Jumada al-thani", "Rajab", "Sha'ban", "Ramadan",
            "Shawwal", "Dhu al-Qa'dah", "Dhu al-Hijjah",
        ),
    },
    Calendar.GREGORIAN.value: {
        "fa": (
            "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
            "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
        ),
        "ar": (
            "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
            "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
        ),
        "en": (
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ),
    },
}  # fmt: skip

# Indexed by ``date.weekday()``: Monday is 0.
WEEKDAY_NAMES: dict[str, tuple[str, ...]] = {
    "fa": ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

# The comma between the weekday and the date.
_COMMAS = {"fa": "، ", "ar": "، ", "ur": "، "}


def _language_base(language: str | None) -> str:
    return (language or FALLBACK_LANGUAGE).split("-")[0].split("_")[0].lower()


def month_name(month: int, *, calendar: str, language: str | None) -> str:
    """The name of ``month`` (1–12) in ``calendar``, in ``language`` (English if unknown)."""
    names = MONTH_NAMES[Calendar(calendar).value]
    return names.get(_language_base(language), names[FALLBACK_LANGUAGE])[month - 1]


def weekday_name(value: datetime.date, *, language: str | None) -> str:
    names = WEEKDAY_NAMES.get(_language_base(language), WEEKDAY_NAMES[FALLBACK_LANGUAGE])
    return names[value.weekday()]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def _error_day() -> ValidationError:
    return ValidationError(gettext("This day does not exist in that month."), code="invalid_day")


def _error_month() -> ValidationError:
    return ValidationError(gettext("Enter a month from 1 to 12."), code="invalid_month")


def _error_range() -> ValidationError:
    return ValidationError(
        gettext("This date is outside the range the calendars support."), code="out_of_range"
    )


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise _error_month()


def _check_region(region: str) -> None:
    if region not in LUNAR_REGIONS:
        raise ValueError(f"unknown lunar region {region!r}")


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """A date as the viewer sees it: aware datetimes in the current time zone."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


# --------------------------------------------------------------------------
# Umm al-Qura (computed), the fallback for dates outside a region's table
# --------------------------------------------------------------------------


def umm_al_qura_to_gregorian(year: int, month: int, day: int) -> datetime.date:
    """The computed Umm al-Qura date, whatever any region's table says."""
    try:
        value = Hijri(year, month, day).to_gregorian()
    except OverflowError as error:
        raise _error_range() from error
    except ValueError as error:
        raise _error_day() from error
    return datetime.date(value.year, value.month, value.day)


def _uq_from_gregorian(value: datetime.date) -> HijriDate:
    try:
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    except (OverflowError, ValueError) as error:
        raise _error_range() from error
    return HijriDate(hijri.year, hijri.month, hijri.day)


def _uq_month_length(year: int, month: int) -> int:
    try:
        return Hijri(year, month, 1).month_length()
    except (OverflowError, ValueError) as error:
        raise _error_range() from error


def _month_next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


# --------------------------------------------------------------------------
# The per-region month-start table, cached in process
# --------------------------------------------------------------------------

TABLE_VERSION_KEY = "hamafza:core:hijri_table_version"


@dataclass(frozen=True)
class _RegionTable:
    version: int | None
    starts: tuple[datetime.date, ...]
    months: tuple[tuple[int, int], ...]
    index: dict[tuple[int, int], int]

    def month_length(self, position: int) -> int:
        """Days in the month at ``position``: up to the next month's start if the
        table holds it, else the computed Umm al-Qura length."""
        year, month = self.months[position]
        if position + 1 < len(self.months) and self.months[position + 1] == _month_next(
            year, month
        ):
            return (self.starts[position + 1] - self.starts[position]).days
        return _uq_month_length(year, month)


_tables: dict[str, _RegionTable] = {}


def _table_version() -> int | None:
    """The shared version number; None when the cache keeps nothing (DummyCache)."""
    return version_get(TABLE_VERSION_KEY)


def _region_table_load(region: str, version: int | None) -> _RegionTable:
    from hamafza.core.models import HijriMonthStart

    rows = list(
        HijriMonthStart.objects.filter(region=region)
        .order_by("starts_on")
        .values_list("starts_on", "year", "month")
    )
    months = tuple((year, month) for _starts_on, year, month in rows)
    return _RegionTable(
        version=version,
        starts=tuple(starts_on for starts_on, _year, _month in rows),
        months=months,
        index={month: position for position, month in enumerate(months)},
    )


def _region_table(region: str) -> _RegionTable:
    _check_region(region)
    version = _table_version()
    table = _tables.get(region)
    if table is None or version is None or table.version != version:
        table = _region_table_load(region, version)
        _tables[region] = table
    return table


def hijri_table_invalidate() -> None:
    """Make every process reload the month-start tables on its next conversion.

    Call it (through ``transaction.on_commit``) after any change to
    ``HijriMonthStart`` rows.
    """
    _tables.clear()
    version_bump(TABLE_VERSION_KEY)


# --------------------------------------------------------------------------
# Lunar Hijri
# --------------------------------------------------------------------------


def lunar_month_length(year: int, month: int, region: str) -> int:
    """29 or 30: the days of the lunar month as observed in ``region``."""
    _check_month(month)
    table = _region_table(region)
    position = table.index.get((year, month))
    if position is None:
        return _uq_month_length(year, month)
    return table.month_length(position)


def gregorian_to_lunar(value: datetime.date, region: str) -> HijriDate:
    value = _as_date(value)
    table = _region_table(region)
    position = bisect_right(table.starts, value) - 1
    if position >= 0:
        day = (value - table.starts[position]).days + 1
        if day <= table.month_length(position):
            year, month = table.months[position]
            return HijriDate(year, month, day)
    return _uq_from_gregorian(value)


def lunar_to_gregorian(year: int, month: int, day: int, region: str) -> datetime.date:
    """The Gregorian date of a lunar Hijri date in ``region``.

    Raises ValidationError for a day the month does not have (day 30 of a
    29-day month) or a date outside the supported range.
    """
    _check_month(month)
    table = _region_table(region)
    position = table.index.get((year, month))
    if position is None:
        return umm_al_qura_to_gregorian(year, month, day)
    if not 1 <= day <= table.month_length(position):
        raise _error_day()
    return table.starts[position] + datetime.timedelta(days=day - 1)


def hijri_month_starts_seed(
    apps=None,
    *,
    regions: tuple[str, ...] = LUNAR_REGIONS,
    first_year: int = 1420,
    last_year: int = 1480,
    using: str = "default",
) -> int:
    """Create the missing month starts of ``regions`` from the Umm al-Qura tables.

    Idempotent: rows that exist (corrected or not) are left as they are. Iran
    and Iraq start equal to Umm al-Qura; staff correct them as months are
    observed. ``apps`` is the historical registry when called from a data
    migration. Returns the number of rows created.
    """
    if apps is not None:
        model = apps.get_model("core", "HijriMonthStart")
    else:
        from hamafza.core.models import HijriMonthStart as model
    computed = [
        (year, month, umm_al_qura_to_gregorian(year, month, 1))
        for year in range(first_year, last_year + 1)
        for month in range(1, 13)
    ]
    created = 0
    for region in regions:
        _check_region(region)
        rows = model.objects.using(using).filter(region=region)
        existing = set(rows.values_list("year", "month"))
        days_taken = set(rows.values_list("starts_on", flat=True))
        new = [
            model(region=region, year=year, month=month, starts_on=starts_on)
            for year, month, starts_on in computed
            if (year, month) not in existing and starts_on not in days_taken
        ]
        model.objects.using(using).bulk_create(new, batch_size=500, ignore_conflicts=True)
        created += len(new)
    if created:
        hijri_table_invalidate()
    return created


# --------------------------------------------------------------------------
# Solar Hijri
# --------------------------------------------------------------------------


def gregorian_to_solar(value: datetime.date) -> tuple[int, int, int]:
    solar = jdatetime.date.fromgregorian(date=_as_date(value))
    return solar.year, solar.month, solar.day


def solar_to_gregorian(year: int, month: int, day: int) -> datetime.date:
    _check_month(month)
    try:
        solar = jdatetime.date(year, month, day)
    except ValueError as error:
        raise _error_day() from error
    try:
        return solar.togregorian()
    except (ValueError, OverflowError) as error:
        raise _error_range() from error


# --------------------------------------------------------------------------
# Any calendar
# --------------------------------------------------------------------------


def date_parts(value: datetime.date, *, calendar: str, region: str = "IR") -> tuple[int, int, int]:
    """(year, month, day) of ``value`` in ``calendar``."""
    value = _as_date(value)
    calendar = Calendar(calendar)
    if calendar == Calendar.SOLAR:
        return gregorian_to_solar(value)
    if calendar == Calendar.LUNAR:
        lunar = gregorian_to_lunar(value, region)
        return lunar.year, lunar.month, lunar.day
    return value.year, value.month, value.day


def date_from_parts(
    year: int, month: int, day: int, *, calendar: str, region: str = "IR"
) -> datetime.date:
    """The Gregorian date of (year, month, day) in ``calendar``; ValidationError if none."""
    calendar = Calendar(calendar)
    if calendar == Calendar.SOLAR:
        return solar_to_gregorian(year, month, day)
    if calendar == Calendar.LUNAR:
        return lunar_to_gregorian(year, month, day, region)
    _check_month(month)
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        if 1 <= year <= 9999:
            raise _error_day() from error
        raise _error_range() from error


def date_format(
    value: datetime.date | datetime.datetime,
    *,
    calendar: str,
    language: str | None,
    region: str = "IR",
    with_weekday: bool = False,
) -> str:
    """``value`` as "day month-name year" in ``calendar``, with the language's digits.

    For example "۱۴ آذر ۱۴۰۴" (fa, solar), "5 December 2025" (en, Gregorian).
    Aware datetimes are shown in the current time zone.
    """
    value = _as_date(value)
    year, month, day = date_parts(value, calendar=calendar, region=region)
    text = f"{day} {month_name(month, calendar=calendar, language=language)} {year}"
    if with_weekday:
        comma = _COMMAS.get(_language_base(language), ", ")
        text = f"{weekday_name(value, language=language)}{comma}{text}"
    return digits_localize(text, language)


def date_numeric(
    value: datetime.date | datetime.datetime,
    *,
    calendar: str,
    language: str | None,
    region: str = "IR",
) -> str:
    """``value`` as "year/month/day" in ``calendar``: the form ``date_parse`` reads back."""
    year, month, day = date_parts(value, calendar=calendar, region=region)
    return digits_localize(f"{year:04d}/{month:02d}/{day:02d}", language)


def date_all_calendars(
    value: datetime.date | datetime.datetime, *, language: str | None, region: str = "IR"
) -> list[tuple[str, str]]:
    """``value`` in every calendar: [(calendar, text), …], solar, lunar, Gregorian."""
    return [
        (calendar, date_format(value, calendar=calendar, language=language, region=region))
        for calendar in Calendar.values
    ]


# Separators: space, slash, hyphen, dot, and the Arabic date separator,
# decimal and thousands separators and comma that Arabic keyboards type.
_SEPARATORS = re.compile(r"[\s/\-.\u060c\u060d\u066b\u066c]+")
# Direction marks and joiners pasted along with dates from RTL text.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(r"[0-9]{1,4}")


def _date_split(text: str) -> tuple[int, int, int]:
    text = unicodedata.normalize("NFKC", text or "")
    text = digits_to_ascii(_INVISIBLE.sub("", text))
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if len(parts) != 3 or not all(_NUMBER.fullmatch(part) for part in parts):
        raise ValidationError(gettext("Enter a date as year/month/day."), code="invalid_format")
    first, middle, last = parts
    if len(first) <= 2 and int(first) <= 31 and len(last) == 4:
        first, last = last, first  # day/month/year
    return int(first), int(middle), int(last)


def date_parse(text: str, *, calendar: str, region: str = "IR") -> datetime.date:
    """Read a date typed in ``calendar`` as year/month/day (or day/month/year).

    Any digits (Persian, Arabic-Indic, ASCII) and the separators / - . and
    spaces are accepted. Raises ValidationError with a message for the visitor.
    """
    year, month, day = _date_split(text)
    if year < 1:
        raise _error_range()
    return date_from_parts(year, month, day, calendar=calendar, region=region)
