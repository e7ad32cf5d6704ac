"""The month grid: months of the three calendars laid out in weeks, with occasions and events on
their days, in a constant number of queries."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamafza.core.calendars import (
    date_parts,
    gregorian_to_lunar,
    lunar_month_length,
    lunar_to_gregorian,
)
from hamafza.core.permissions import SYSTEM
from hamafza.core.services import hijri_month_start_correct
from hamafza.events import services
from hamafza.events.calendar_grid import PER_DAY, month_grid, number_param, weekday_headers
from hamafza.events.selectors import OccurrenceFilters
from hamafza.events.tests.factories import event_make

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
TODAY = datetime.date(2025, 12, 5)  # 14 Azar 1404


def grid(**values):
    values.setdefault("language", "fa")
    values.setdefault("region", "IR")
    values.setdefault("today", TODAY)
    values.setdefault("zone", TEHRAN)
    return month_grid(**values)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TEHRAN)


# --- months of each calendar ------------------------------------------------------------------


def test_azar_1404_starts_on_22_november_and_has_30_days():
    # Given the Solar Hijri month Azar 1404
    # When its grid is laid out for a Persian visitor
    month = grid(calendar="solar", year=1404, month=9)
    # Then it runs from 22 November to 21 December 2025, titled in Persian
    assert month.first == datetime.date(2025, 11, 22)
    assert month.last == datetime.date(2025, 12, 21)
    assert len([day for day in month.days if day.in_month]) == 30
    assert month.title == "آذر ۱۴۰۴"
    assert (month.previous, month.next) == ((1404, 8), (1404, 10))
    # and its days are numbered in Persian digits, with today marked
    first = next(day for day in month.days if day.in_month)
    assert first.date == datetime.date(2025, 11, 22) and first.number == "۱"
    assert [day.date for day in month.days if day.is_today] == [TODAY]
    assert month.is_current


def test_english_titles_and_the_turn_of_the_year():
    month = grid(calendar="solar", year=1405, month=9, language="en")
    assert month.title == "Azar 1405"
    december = grid(calendar="gregorian", year=2025, month=12, language="en")
    assert december.title == "December 2025"
    assert (december.previous, december.next) == ((2025, 11), (2026, 1))
    assert december.first == datetime.date(2025, 12, 1)
    assert december.last == datetime.date(2025, 12, 31)
    esfand = grid(calendar="solar", year=1404, month=12, language="en")
    assert esfand.next == (1405, 1)


def test_a_lunar_month_follows_the_regions_table():
    # Given the lunar month that holds today in Iran's table
    year, month, _day = date_parts(TODAY, calendar="lunar", region="IR")
    # When its grid is laid out
    lunar = grid(calendar="lunar", year=year, month=month)
    # Then it starts on the table's first day and lasts as long as the table says
    assert lunar.first == lunar_to_gregorian(year, month, 1, "IR")
    days = lunar_month_length(year, month, "IR")
    assert (lunar.last - lunar.first).days + 1 == days
    assert len([day for day in lunar.days if day.in_month]) == days
    assert lunar.title.startswith("جمادی")


def test_a_corrected_lunar_month_has_the_corrected_start_and_length(
    django_capture_on_commit_callbacks,
):
    # Given a lunar month in Iran and its neighbours' lengths
    year, month = 1447, 6
    previous_days = lunar_month_length(year, month - 1, "IR")
    days = lunar_month_length(year, month, "IR")
    start = lunar_to_gregorian(year, month, 1, "IR")
    shift = 1 if previous_days == 29 else -1
    if days + (-shift) not in (29, 30):
        pytest.skip("the computed table leaves no room for a correction of this month")
    # When staff declare that the month began a day later (or earlier)
    with django_capture_on_commit_callbacks(execute=True):
        hijri_month_start_correct(
            actor=SYSTEM,
            region="IR",
            year=year,
            month=month,
            starts_on=start + datetime.timedelta(days=shift),
        )
    # Then the month's grid starts on the new day and is a day shorter (or longer)
    corrected = grid(calendar="lunar", year=year, month=month)
    assert corrected.first == start + datetime.timedelta(days=shift)
    assert len([day for day in corrected.days if day.in_month]) == days - shift
    # and the month before it has the day it lost or gained
    before = grid(calendar="lunar", year=year, month=month - 1)
    assert len([day for day in before.days if day.in_month]) == previous_days + shift
    assert before.last + datetime.timedelta(days=1) == corrected.first


# --- the week's layout ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_weeks_begin_on_saturday_for_persian_and_arabic(language):
    month = grid(calendar="solar", year=1404, month=9, language=language)
    assert all(len(week) == 7 for week in month.weeks)
    assert all(week[0].date.weekday() == 5 for week in month.weeks)  # Saturday
    assert month.weekdays[0] == {"fa": "شنبه", "ar": "السبت"}[language]
    assert month.weekdays[-1] == {"fa": "جمعه", "ar": "الجمعة"}[language]
    # 22 November 2025 is a Saturday: Azar 1404 fills its first row from the first column
    assert month.weeks[0][0].date == datetime.date(2025, 11, 22)
    assert month.weeks[0][0].in_month


def test_weeks_begin_on_monday_in_english():
    month = grid(calendar="gregorian", year=2025, month=11, language="en")
    assert weekday_headers("en")[0] == "Monday"
    assert month.weekdays == weekday_headers("en")
    assert all(week[0].date.weekday() == 0 for week in month.weeks)
    # 1 November 2025 is a Saturday: the first row begins with the last days of October
    assert month.start == datetime.date(2025, 10, 27)
    assert not month.weeks[0][0].in_month
    assert month.end == datetime.date(2025, 11, 30)


def test_each_day_names_itself_in_the_other_two_calendars():
    month = grid(calendar="solar", year=1404, month=9, language="en")
    day = next(day for day in month.days if day.date == TODAY)
    assert day.number == "14"
    lunar = gregorian_to_lunar(TODAY, "IR")
    assert dict(day.others) == {"lunar": f"{lunar.day} Jumada al-thani", "gregorian": "5 December"}
    assert [calendar for calendar, _text in month.others_title] == ["lunar", "gregorian"]
    assert dict(month.others_title)["gregorian"] == "November – December 2025"


# --- bad months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "year", "month"),
    [
        ("solar", None, None),
        ("solar", 1404, 13),
        ("solar", 0, 1),
        ("solar", 99999, 1),
        ("lunar", 1300, 1),  # before the supported lunar range
        ("lunar", 2500, 5),  # after it
        ("lunar", 1447, 0),
        ("gregorian", 10000, 1),
        ("gregorian", 2025, None),
    ],
)
def test_a_month_the_calendars_do_not_hold_gives_the_current_month(calendar, year, month):
    shown = grid(calendar=calendar, year=year, month=month)
    assert (shown.year, shown.month) == date_parts(TODAY, calendar=calendar, region="IR")[:2]
    assert shown.is_current


def test_numbers_from_the_query_string():
    assert number_param("۱۴۰۴") == 1404
    assert number_param("٩") == 9
    assert number_param(" 12 ") == 12
    assert number_param("12a") is None
    assert number_param("-1") is None
    assert number_param("99999999999999999999") is None
    assert number_param(None) is None


# --- what is on each day ----------------------------------------------------------------------


def test_occasions_and_events_are_on_their_days_in_the_viewers_zone(organizer):
    # Given Ashura's dates, and an event from 23:30 on 5 December to 01:00 the next day (Tehran)
    services.occasion_dates_refresh()
    event = event_make(
        organizer=organizer,
        name="مراسم شب",
        starts_at=at(TODAY, 23, 30),
        ends_at=at(TODAY + datetime.timedelta(days=1), 1),
        time_zone="Asia/Tehran",
    )
    # When the month is laid out for a visitor in Tehran
    month = grid(calendar="solar", year=1404, month=9)
    days = {day.date: day for day in month.days}
    # Then the event is on both days it covers, and nowhere else
    holding = [day.date for day in month.days if day.occurrences]
    assert holding == [TODAY, TODAY + datetime.timedelta(days=1)]
    assert days[TODAY].occurrences[0].event_id == event.pk
    # and for a visitor in London it is only on the 5th (20:00–21:30)
    london = grid(calendar="solar", year=1404, month=9, zone=zoneinfo.ZoneInfo("Europe/London"))
    assert [day.date for day in london.days if day.occurrences] == [TODAY]
    # and the month of Ashura shows it on its day in Iran's table
    ashura = services.Occasion.objects.get(slug="ashura")
    row = ashura.dates.filter(region="IR").order_by("hijri_year").last()
    y, m, _d = date_parts(row.starts_on, calendar="lunar", region="IR")
    muharram = grid(calendar="lunar", year=y, month=m)
    on_day = next(day for day in muharram.days if day.date == row.starts_on)
    assert ashura.pk in [item.occasion_id for item in on_day.occasions]
    assert on_day in muharram.busy_days


def test_an_event_ending_at_midnight_does_not_spill_into_the_next_day(organizer):
    event_make(
        organizer=organizer,
        starts_at=at(TODAY, 20),
        ends_at=at(TODAY + datetime.timedelta(days=1), 0),
    )
    month = grid(calendar="gregorian", year=2025, month=12)
    assert [day.date for day in month.days if day.occurrences] == [TODAY]


def test_filters_narrow_the_events(organizer, stranger):
    event_make(organizer=organizer, starts_at=at(TODAY, 18))
    event_make(organizer=stranger, starts_at=at(TODAY, 19))
    month = grid(
        calendar="solar",
        year=1404,
        month=9,
        filters=OccurrenceFilters(organizer_id=organizer.pk),
    )
    assert [o.event.organizer_id for day in month.days for o in day.occurrences] == [organizer.pk]


def _events(organizer, count: int) -> None:
    for index in range(count):
        event_make(
            organizer=organizer,
            name=f"جلسه {index}",
            starts_at=at(datetime.date(2025, 11, 22) + datetime.timedelta(days=index % 30), 18),
        )


def test_the_grid_reads_the_same_number_of_queries_for_2_and_40_events(organizer):
    # Given the occasion dates, and the month tables already read once
    services.occasion_dates_refresh()
    grid(calendar="solar", year=1404, month=9)
    _events(organizer, 2)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            month = grid(calendar="solar", year=1404, month=9)
            shown = sum(len(day.occurrences) for day in month.days)
        return len(captured), shown

    # When the grid is laid out with 2 events, then with 40
    few, shown_few = count()
    _events(organizer, 38)
    many, shown_many = count()
    # Then it reads the same number of queries (the occasions; the first occurrences of each
    # day, their rows; those longer than a day)
    assert (shown_few, shown_many) == (2, 40)
    assert few == many == 4


def test_a_busy_day_lists_the_first_events_and_links_the_others(organizer):
    # Given seven events on one day
    for hour in range(7):
        event_make(organizer=organizer, name=f"جلسه {hour}", starts_at=at(TODAY, 8 + hour))
    # When the month is laid out
    month = grid(calendar="solar", year=1404, month=9)
    day = next(day for day in month.days if day.date == TODAY)
    # Then the cell lists the first ones, in order, and says there are more
    shown = [o.starts_at for o in day.occurrences]
    assert shown == [at(TODAY, 8 + hour) for hour in range(PER_DAY)]
    assert day.more
    # And a day with no more than that says nothing more
    assert not next(d for d in month.days if d.date == TODAY + datetime.timedelta(days=1)).more
