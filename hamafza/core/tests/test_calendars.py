"""Solar Hijri, lunar Hijri (per region) and Gregorian dates."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from hijridate import Hijri

from hamafza.core.calendars import (
    TABLE_VERSION_KEY,
    Calendar,
    HijriDate,
    date_all_calendars,
    date_format,
    date_parse,
    gregorian_to_lunar,
    gregorian_to_solar,
    hijri_month_starts_seed,
    hijri_table_invalidate,
    lunar_month_length,
    lunar_to_gregorian,
    month_name,
    solar_to_gregorian,
)
from hamafza.core.models import HijriMonthStart
from hamafza.core.services import hijri_month_start_correct

AZAR_14_1404 = datetime.date(2025, 12, 5)
NOWRUZ_1404 = datetime.date(2025, 3, 21)
MUHARRAM_1_1447 = datetime.date(2025, 6, 26)
DAY_MISSING = re.escape("This day does not exist in that month.")


@pytest.fixture(autouse=True)
def fresh_tables():
    """Each test's database is rolled back; the in-process tables must follow."""
    hijri_table_invalidate()
    yield
    hijri_table_invalidate()


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; tests about other languages switch themselves."""
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(db):
    return get_user_model().objects.create_user(
        username="coordinator", password="x", is_coordinator=True
    )


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user(username="member", password="x")


def month_start_shiftable_later(year: int, region: str) -> int:
    """A month of ``year`` whose start may move a day later: the previous month
    has 29 days (it becomes 30) and this one 30 (it becomes 29)."""
    for month in range(2, 13):
        if lunar_month_length(year, month - 1, region) == 29 and (
            lunar_month_length(year, month, region) == 30
        ):
            return month
    raise AssertionError("no shiftable month")


# --- Solar Hijri ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("gregorian", "solar"),
    [
        (AZAR_14_1404, (1404, 9, 14)),
        (NOWRUZ_1404, (1404, 1, 1)),
        (datetime.date(2025, 3, 20), (1403, 12, 30)),  # 1403 is a leap year
        (datetime.date(1979, 2, 11), (1357, 11, 22)),
    ],
)
def test_solar_conversions_both_ways(gregorian, solar):
    assert gregorian_to_solar(gregorian) == solar
    assert solar_to_gregorian(*solar) == gregorian


@pytest.mark.parametrize(("year", "month", "day"), [(1404, 12, 30), (1404, 7, 31), (1404, 1, 0)])
def test_solar_day_that_does_not_exist_is_refused(year, month, day):
    with pytest.raises(ValidationError, match=DAY_MISSING):
        solar_to_gregorian(year, month, day)


def test_solar_month_13_is_refused():
    with pytest.raises(ValidationError):
        solar_to_gregorian(1404, 13, 1)


# --- lunar Hijri: the seeded table ------------------------------------------------


@pytest.mark.django_db
def test_seeded_table_covers_three_regions_equal_to_umm_al_qura():
    # given the data migration has run
    for region in ("IR", "IQ", "UQ"):
        rows = HijriMonthStart.objects.filter(region=region)
        assert rows.count() == (1480 - 1420 + 1) * 12
    # then Iran and Iraq start out equal to Umm al-Qura
    row = HijriMonthStart.objects.get(region="IQ", year=1447, month=1)
    assert row.starts_on == MUHARRAM_1_1447
    assert not row.corrected


@pytest.mark.django_db
@pytest.mark.parametrize("region", ["IR", "IQ", "UQ"])
def test_first_of_muharram_1447(region):
    assert lunar_to_gregorian(1447, 1, 1, region) == MUHARRAM_1_1447
    assert gregorian_to_lunar(MUHARRAM_1_1447, region) == HijriDate(1447, 1, 1)
    assert gregorian_to_lunar(MUHARRAM_1_1447 - datetime.timedelta(days=1), region) == (
        HijriDate(1446, 12, 29)
    )


@pytest.mark.django_db
def test_table_agrees_with_umm_al_qura_over_its_whole_range():
    # given the seeded UQ table, when converting every 7th day of 1420–1480,
    # then the result equals the computed Umm al-Qura date both ways
    day = datetime.date(1999, 5, 1)
    while day < datetime.date(2058, 1, 1):
        lunar = gregorian_to_lunar(day, "UQ")
        assert Hijri(lunar.year, lunar.month, lunar.day).to_gregorian() == day
        assert lunar_to_gregorian(lunar.year, lunar.month, lunar.day, "UQ") == day
        day += datetime.timedelta(days=7)


@pytest.mark.django_db
def test_dates_outside_the_table_fall_back_to_umm_al_qura():
    # given a date decades before the seeded range
    value = datetime.date(1950, 1, 1)
    hijri = Hijri.fromisoformat("1369-03-12")
    assert hijri.to_gregorian() == value
    # then it converts by the computed calendar
    assert gregorian_to_lunar(value, "IR") == HijriDate(1369, 3, 12)
    assert lunar_to_gregorian(1369, 3, 12, "IR") == value


@pytest.mark.django_db
def test_day_30_of_a_29_day_month_is_refused():
    # given Safar 1447 has 29 days
    assert lunar_month_length(1447, 2, "IR") == 29
    assert lunar_to_gregorian(1447, 2, 29, "IR") == datetime.date(2025, 8, 23)
    # when asking for its 30th day, then it is refused
    with pytest.raises(ValidationError, match=DAY_MISSING):
        lunar_to_gregorian(1447, 2, 30, "IR")
    with pytest.raises(ValidationError):
        lunar_to_gregorian(1447, 2, 0, "IR")


@pytest.mark.django_db
def test_unknown_region_is_a_programming_error():
    with pytest.raises(ValueError):
        gregorian_to_lunar(AZAR_14_1404, "XX")


@pytest.mark.django_db
def test_seed_is_idempotent_and_never_overwrites_corrections(coordinator):
    # given a corrected month in Iran and a missing month in Iraq
    month = month_start_shiftable_later(1447, "IR")
    start = lunar_to_gregorian(1447, month, 1, "IR")
    hijri_month_start_correct(
        actor=coordinator, region="IR", year=1447, month=month,
        starts_on=start + datetime.timedelta(days=1),
    )  # fmt: skip
    HijriMonthStart.objects.filter(region="IQ", year=1450, month=5).delete()
    # when seeding again
    created = hijri_month_starts_seed()
    # then only the missing row is created and the correction stays
    assert created == 1
    assert HijriMonthStart.objects.filter(region="IQ", year=1450, month=5).exists()
    corrected = HijriMonthStart.objects.get(region="IR", year=1447, month=month)
    assert corrected.corrected
    assert corrected.starts_on == start + datetime.timedelta(days=1)
    assert hijri_month_starts_seed() == 0


# --- lunar Hijri: corrections by staff -------------------------------------------


@pytest.mark.django_db
def test_correction_in_iran_moves_iranian_dates_only(
    coordinator, django_capture_on_commit_callbacks
):
    # given a month that Iran observed one day later than Umm al-Qura
    month = month_start_shiftable_later(1447, "IR")
    computed = lunar_to_gregorian(1447, month, 1, "IR")
    observed = computed + datetime.timedelta(days=1)
    assert gregorian_to_lunar(computed, "IR") == HijriDate(1447, month, 1)
    # when a coordinator corrects it
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = hijri_month_start_correct(
            actor=coordinator, region="IR", year=1447, month=month, starts_on=observed,
            note="Observed in Qom a day later.",
        )  # fmt: skip
    assert len(callbacks) == 1
    assert row.corrected
    # then in Iran the computed first day is now the last day of the month before
    assert gregorian_to_lunar(computed, "IR") == HijriDate(1447, month - 1, 30)
    assert gregorian_to_lunar(observed, "IR") == HijriDate(1447, month, 1)
    assert lunar_to_gregorian(1447, month, 1, "IR") == observed
    assert lunar_to_gregorian(1447, month, 15, "IR") == computed + datetime.timedelta(days=15)
    assert lunar_month_length(1447, month, "IR") == 29
    assert lunar_month_length(1447, month - 1, "IR") == 30
    # and in Iraq nothing moved
    assert gregorian_to_lunar(computed, "IQ") == HijriDate(1447, month, 1)
    assert lunar_to_gregorian(1447, month, 1, "IQ") == computed
    # and the displayed date follows the region
    assert date_format(observed, calendar="lunar", language="en", region="IR").startswith("1 ")
    assert date_format(observed, calendar="lunar", language="en", region="IQ").startswith("2 ")


@pytest.mark.django_db
def test_correction_is_seen_only_after_commit(coordinator, django_capture_on_commit_callbacks):
    # given the Iranian table is already loaded in this process
    month = month_start_shiftable_later(1447, "IR")
    computed = lunar_to_gregorian(1447, month, 1, "IR")
    # when a correction is saved but its transaction has not committed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hijri_month_start_correct(
            actor=coordinator, region="IR", year=1447, month=month,
            starts_on=computed + datetime.timedelta(days=1),
        )  # fmt: skip
    # then the cached table is still used, and the commit hook invalidates it
    assert gregorian_to_lunar(computed, "IR") == HijriDate(1447, month, 1)
    callbacks[0]()
    assert gregorian_to_lunar(computed, "IR") == HijriDate(1447, month - 1, 30)


@pytest.mark.django_db
def test_other_processes_reload_when_the_shared_version_changes(django_assert_num_queries):
    # given the table is loaded: later conversions run no query
    gregorian_to_lunar(AZAR_14_1404, "IQ")
    with django_assert_num_queries(0):
        for day in range(40):
            gregorian_to_lunar(AZAR_14_1404 + datetime.timedelta(days=day), "IQ")
    # when another process changes a row and bumps the shared version
    row = HijriMonthStart.objects.get(region="IQ", year=1447, month=6)
    HijriMonthStart.objects.filter(pk=row.pk).update(
        starts_on=row.starts_on + datetime.timedelta(days=1)
    )
    cache.incr(TABLE_VERSION_KEY)
    # then this process reloads the region with one query and sees the change
    with django_assert_num_queries(1):
        assert gregorian_to_lunar(row.starts_on, "IQ") == HijriDate(1447, 5, 31)


@pytest.mark.django_db
def test_lost_cache_version_forces_a_reload(django_assert_num_queries):
    gregorian_to_lunar(AZAR_14_1404, "UQ")
    cache.delete(TABLE_VERSION_KEY)
    with django_assert_num_queries(1):
        gregorian_to_lunar(AZAR_14_1404, "UQ")


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "why"), [(2, "previous month"), (-1, "previous month")])
def test_correction_that_breaks_month_lengths_is_refused(coordinator, days, why):
    # given a month with a 29-day month before it and 30 days itself
    month = month_start_shiftable_later(1447, "IR")
    start = lunar_to_gregorian(1447, month, 1, "IR")
    # when moving it so that a month would last 31 or 28 days, then it is refused
    with pytest.raises(ValidationError, match="a lunar month lasts 29 or 30 days") as caught:
        hijri_month_start_correct(
            actor=coordinator, region="IR", year=1447, month=month,
            starts_on=start + datetime.timedelta(days=days),
        )  # fmt: skip
    assert why in str(caught.value)
    # and nothing changed
    row = HijriMonthStart.objects.get(region="IR", year=1447, month=month)
    assert (row.starts_on, row.corrected) == (start, False)


@pytest.mark.django_db
def test_correction_that_lengthens_the_month_itself_too_much_is_refused(coordinator):
    # given Rabi' al-awwal and Rabi' al-thani 1447 both have 30 days
    assert lunar_month_length(1447, 3, "IR") == lunar_month_length(1447, 4, "IR") == 30
    start = lunar_to_gregorian(1447, 4, 1, "IR")
    # when moving Rabi' al-thani a day earlier, the month before is fine (29 days),
    # then it is refused because Rabi' al-thani would last 31 days
    with pytest.raises(ValidationError, match="would last 31 days before the next one begins"):
        hijri_month_start_correct(
            actor=coordinator, region="IR", year=1447, month=4,
            starts_on=start - datetime.timedelta(days=1),
        )  # fmt: skip


@pytest.mark.django_db
def test_non_coordinator_may_not_correct(member):
    start = lunar_to_gregorian(1447, 3, 1, "IR")
    for actor in (member, AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            hijri_month_start_correct(
                actor=actor, region="IR", year=1447, month=3,
                starts_on=start + datetime.timedelta(days=1),
            )  # fmt: skip
    assert not HijriMonthStart.objects.filter(corrected=True).exists()


@pytest.mark.django_db
def test_correction_of_an_unknown_region_is_refused(coordinator):
    with pytest.raises(ValidationError):
        hijri_month_start_correct(
            actor=coordinator, region="XX", year=1447, month=3, starts_on=AZAR_14_1404
        )


# --- formatting -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("calendar", "language", "expected"),
    [
        ("solar", "fa", "۱۴ آذر ۱۴۰۴"),
        ("solar", "ar", "١٤ آذر ١٤٠٤"),
        ("solar", "en", "14 Azar 1404"),
        ("lunar", "fa", "۱۴ جمادی‌الثانی ۱۴۴۷"),
        ("lunar", "ar", "١٤ جمادى الآخرة ١٤٤٧"),
        ("lunar", "en", "14 Jumada al-thani 1447"),
        ("gregorian", "fa", "۵ دسامبر ۲۰۲۵"),
        ("gregorian", "ar", "٥ ديسمبر ٢٠٢٥"),
        ("gregorian", "en", "5 December 2025"),
        ("gregorian", "de", "5 December 2025"),  # English names for other languages
    ],
)
def test_date_format(calendar, language, expected):
    assert date_format(AZAR_14_1404, calendar=calendar, language=language, region="UQ") == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fa", "جمعه، ۱۴ آذر ۱۴۰۴"),
        ("ar", "الجمعة، ١٤ آذر ١٤٠٤"),
        ("en", "Friday, 14 Azar 1404"),
    ],
)
def test_date_format_with_weekday(language, expected):
    text = date_format(AZAR_14_1404, calendar="solar", language=language, with_weekday=True)
    assert text == expected


def test_date_format_shows_aware_datetimes_in_the_current_time_zone():
    # given 21:00 UTC on 4 December, which is already 5 December in Tehran
    moment = datetime.datetime(2025, 12, 4, 21, 0, tzinfo=datetime.UTC)
    with timezone.override("Asia/Tehran"):
        assert date_format(moment, calendar="gregorian", language="en") == "5 December 2025"
    with timezone.override("UTC"):
        assert date_format(moment, calendar="gregorian", language="en") == "4 December 2025"


def test_month_names_exist_in_every_language():
    for calendar in Calendar.values:
        for language in ("fa", "ar", "en"):
            names = {month_name(m, calendar=calendar, language=language) for m in range(1, 13)}
            assert len(names) == 12
    assert month_name(1, calendar="solar", language="ar") == "فروردين"
    assert month_name(1, calendar="lunar", language="fa") == "محرم"


@pytest.mark.django_db
def test_date_all_calendars():
    assert date_all_calendars(AZAR_14_1404, language="en", region="UQ") == [
        ("solar", "14 Azar 1404"),
        ("lunar", "14 Jumada al-thani 1447"),
        ("gregorian", "5 December 2025"),
    ]


# --- parsing --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1404/09/14",
        "1404/9/14",
        "۱۴۰۴/۰۹/۱۴",
        "١٤٠٤/٠٩/١٤",
        "۱۴۰۴-٠٩-14",  # mixed digit sets
        "1404.9.14",
        "1404 9 14",
        " 1404 / 9 / 14 ",
        "14/9/1404",
        "۱۴ ۹ ۱۴۰۴",
        "\u200f۱۴۰۴/۰۹/۱۴\u200f",  # with right-to-left marks pasted in
        "١٤٠٤٫٠٩٫١٤",  # Arabic decimal separator
    ],
)
def test_date_parse_solar_any_digits_and_separators(text):
    assert date_parse(text, calendar="solar") == AZAR_14_1404


@pytest.mark.parametrize(
    "text", ["2025-12-05", "2025/12/5", "5/12/2025", "٥-١٢-٢٠٢٥", "۲۰۲۵.۱۲.۰۵"]
)
def test_date_parse_gregorian(text):
    assert date_parse(text, calendar="gregorian") == AZAR_14_1404


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["1447/06/14", "١٤٤٧/٠٦/١٤", "۱۴۴۷-۶-۱۴", "14/6/1447"])
def test_date_parse_lunar(text):
    assert date_parse(text, calendar="lunar", region="UQ") == AZAR_14_1404


@pytest.mark.parametrize(
    "text", ["", "   ", "1404/09", "abc", "1404/9/14/1", "۱۴۰۴/آذر/۱۴", "12345/1/1"]
)
def test_date_parse_refuses_what_is_not_a_date(text):
    with pytest.raises(ValidationError, match=re.escape("Enter a date as year/month/day.")):
        date_parse(text, calendar="solar")


@pytest.mark.parametrize(
    ("text", "calendar"),
    [("1404/12/30", "solar"), ("2025/02/29", "gregorian"), ("1404/07/31", "solar")],
)
def test_date_parse_refuses_days_that_do_not_exist(text, calendar):
    with pytest.raises(ValidationError, match=DAY_MISSING):
        date_parse(text, calendar=calendar)


@pytest.mark.django_db
def test_date_parse_refuses_day_30_of_a_29_day_lunar_month():
    with pytest.raises(ValidationError, match=DAY_MISSING):
        date_parse("1447/02/30", calendar="lunar", region="IR")


def test_date_parse_refuses_month_13():
    with pytest.raises(ValidationError, match=re.escape("Enter a month from 1 to 12.")):
        date_parse("1404/13/01", calendar="solar")


# --- template tags --------------------------------------------------------------


def render(source: str, *, calendar: str, region: str = "UQ", language: str, **context) -> str:
    request = RequestFactory().get("/")
    request.calendar, request.lunar_region = calendar, region
    with translation.override(language):
        return Template("{% load calendars %}" + source).render(
            Context({"request": request, **context})
        )


@pytest.mark.django_db
def test_show_date_in_the_visitors_calendar_with_the_others_in_the_title():
    html = render("{% show_date value %}", calendar="solar", language="fa", value=AZAR_14_1404)
    assert html == (
        '<time datetime="2025-12-05" title="۱۴ جمادی‌الثانی ۱۴۴۷ · ۵ دسامبر ۲۰۲۵">۱۴ آذر ۱۴۰۴</time>'
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "calendar", "shown"),
    [
        ("fa", "solar", "۱۴ آذر ۱۴۰۴"),
        ("ar", "lunar", "١٤ جمادى الآخرة ١٤٤٧"),
        ("en", "gregorian", "5 December 2025"),
    ],
)
def test_show_date_markup_is_the_same_whatever_the_direction(language, calendar, shown):
    # given pages in a right-to-left and a left-to-right language, when a date is shown,
    # then the markup has the same shape, no direction marks and no dir attribute
    html = render("{% show_date value %}", calendar=calendar, language=language, value=AZAR_14_1404)
    match = re.fullmatch(r'<time datetime="2025-12-05" title="([^"<>]+)">([^<>]+)</time>', html)
    assert match, html
    assert match.group(2) == shown
    assert len(match.group(1).split(" · ")) == 2
    assert not re.search("[\u200e\u200f\u202a-\u202e\u2066-\u2069]|dir=", html)


@pytest.mark.django_db
def test_show_date_escapes_its_text():
    # given an English lunar date whose month name has an apostrophe
    first_of_rabi = lunar_to_gregorian(1447, 3, 1, "UQ")
    html = render("{% show_date value %}", calendar="lunar", language="en", value=first_of_rabi)
    assert ">1 Rabi&#x27; al-awwal 1447</time>" in html
    # and text that is not a date is shown escaped
    html = render("{% show_date value %}", calendar="lunar", language="en", value="<b>x</b>")
    assert html == "&lt;b&gt;x&lt;/b&gt;"


def test_show_date_of_none_is_empty():
    assert render("{% show_date value %}", calendar="solar", language="fa", value=None) == ""


@pytest.mark.django_db
def test_show_date_of_an_aware_datetime_uses_the_local_day():
    moment = datetime.datetime(2025, 12, 4, 21, 0, tzinfo=datetime.UTC)
    with timezone.override("Asia/Tehran"):
        html = render("{% show_date value %}", calendar="gregorian", language="en", value=moment)
    assert html.startswith('<time datetime="2025-12-04T21:00:00+00:00"')
    assert html.endswith(">5 December 2025</time>")


@pytest.mark.parametrize(
    ("language", "expected"), [("fa", "۲۳ نفر"), ("ar", "٢٣ نفر"), ("en", "23 نفر")]
)
def test_local_digits(language, expected):
    assert render("{{ n|local_digits }}", calendar="solar", language=language, n="23 نفر") == (
        expected
    )


def test_local_digits_keeps_escaping():
    html = render("{{ n|local_digits }}", calendar="solar", language="fa", n="<b>1</b>")
    assert html == "&lt;b&gt;۱&lt;/b&gt;"


# --- admin ------------------------------------------------------------------------


@pytest.fixture
def staff_coordinator(db):
    return get_user_model().objects.create_user(
        username="office", password="x", is_coordinator=True, is_staff=True
    )


@pytest.mark.django_db
def test_admin_correction_goes_through_the_service(
    client, staff_coordinator, django_capture_on_commit_callbacks
):
    # given a coordinator in the admin and a month Iran observed a day later
    client.force_login(staff_coordinator)
    month = month_start_shiftable_later(1447, "IR")
    row = HijriMonthStart.objects.get(region="IR", year=1447, month=month)
    observed = row.starts_on + datetime.timedelta(days=1)
    url = reverse("admin:core_hijrimonthstart_change", args=[row.pk])
    # when saving the new start
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"starts_on": observed.isoformat(), "note": "Qom"})
    # then it is saved as a correction and conversions follow at once
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert (row.starts_on, row.corrected, row.note) == (observed, True, "Qom")
    assert gregorian_to_lunar(observed, "IR") == HijriDate(1447, month, 1)


@pytest.mark.django_db
def test_admin_shows_an_illegal_correction_as_a_form_error(client, staff_coordinator):
    client.force_login(staff_coordinator)
    month = month_start_shiftable_later(1447, "IR")
    row = HijriMonthStart.objects.get(region="IR", year=1447, month=month)
    url = reverse("admin:core_hijrimonthstart_change", args=[row.pk])
    moved = row.starts_on + datetime.timedelta(days=2)
    # (the admin's LocaleMiddleware picks the language from the request, not from override())
    response = client.post(
        url, {"starts_on": moved.isoformat(), "note": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "a lunar month lasts 29 or 30 days" in response.content.decode()
    row.refresh_from_db()
    assert not row.corrected


@pytest.mark.django_db
def test_admin_is_closed_to_staff_who_are_not_coordinators(client):
    clerk = get_user_model().objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(clerk)
    row = HijriMonthStart.objects.get(region="IR", year=1447, month=3)
    url = reverse("admin:core_hijrimonthstart_change", args=[row.pk])
    response = client.post(url, {"starts_on": "2025-08-25", "note": ""})
    assert response.status_code == 403
    row.refresh_from_db()
    assert not row.corrected
