"""Occasion dates against the dates Iran and Iraq actually kept.

The month starts below are the ones announced by the Leader's office in Iran
and by Sayyid al-Sistani's office in Najaf (Iraq), or fixed by Iran's
official calendar (the Supreme Council of Public Culture's list of holidays,
given here in Solar Hijri as it is published). They are applied as staff
would apply them, through ``hijri_month_start_correct``; each correction
moves the occasion dates of its region after it commits, and the Umm
al-Qura dates stay as computed.
"""

import datetime
import itertools
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from hamafza.core.calendars import (
    lunar_to_gregorian,
    solar_to_gregorian,
    umm_al_qura_to_gregorian,
)
from hamafza.core.models import HijriMonthStart
from hamafza.core.permissions import SYSTEM
from hamafza.core.services import hijri_month_start_correct
from hamafza.events import services
from hamafza.events.models import Occasion, OccasionDate
from hamafza.events.tests.factories import event_make

pytestmark = pytest.mark.django_db

IR, IQ, UQ = "IR", "IQ", "UQ"
YEARS = range(1445, 1448)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def solar(year: int, month: int, day_: int) -> datetime.date:
    """A day of Iran's official calendar, which is published in Solar Hijri."""
    return solar_to_gregorian(year, month, day_)


# The first day of each lunar month as observed, where it matters to the rows below.
OBSERVED_STARTS = {
    IR: {
        # Eid al-Adha 1445 on Monday 28 Khordad 1403 (17 June 2024).
        (1445, 12): day("2024-06-08"),
        # Tasua and Ashura on 25 and 26 Tir 1403 (15 and 16 July 2024).
        (1446, 1): day("2024-07-07"),
        # Arbaeen on 4 Shahrivar 1403; 28 Safar on 12 Shahrivar, 30 Safar on 14 Shahrivar.
        (1446, 2): day("2024-08-06"),
        # 8 Rabi' al-awwal (martyrdom of Imam Askari) on 22 Shahrivar 1403.
        (1446, 3): day("2024-09-05"),
        # Ramadan from Sunday 2 March 2025; Eid al-Fitr on Monday 31 March 2025
        # (the Leader's office: the Shawwal crescent seen on 29 Ramadan).
        (1446, 9): day("2025-03-02"),
        (1446, 10): day("2025-03-31"),
        # Eid al-Adha 1446 on 16 Khordad 1404, Eid al-Ghadir on 24 Khordad 1404.
        (1446, 12): day("2025-05-28"),
        # Tasua and Ashura on 14 and 15 Tir 1404.
        (1447, 1): day("2025-06-27"),
        # Safar from Saturday 26 July 2025 (the Leader's office); Arbaeen on 23 Mordad 1404.
        (1447, 2): day("2025-07-26"),
        # 28 Safar on 31 Mordad 1404 and 30 Safar on 2 Shahrivar 1404: Safar had 30 days.
        (1447, 3): day("2025-08-25"),
    },
    IQ: {
        # Sayyid al-Sistani's office: Dhu al-Hijjah 1445 from Saturday 8 June 2024.
        (1445, 12): day("2024-06-08"),
        # Muharram 1446 from Monday 8 July 2024; Ashura on Wednesday 17 July 2024.
        (1446, 1): day("2024-07-08"),
        # Arbaeen in Karbala on Sunday 25 August 2024.
        (1446, 2): day("2024-08-06"),
        # Ramadan from Sunday 2 March 2025; Eid al-Fitr on Monday 31 March 2025.
        (1446, 9): day("2025-03-02"),
        (1446, 10): day("2025-03-31"),
        # Ashura 1447 on Sunday 6 July 2025 (a public holiday by the Iraqi cabinet).
        (1447, 1): day("2025-06-27"),
        # Muharram ended on Saturday 26 July 2025: Safar from Sunday 27 July.
        (1447, 2): day("2025-07-27"),
    },
}

# Months that must move only so that their corrected neighbours keep 29 or 30 days. No row
# below depends on them: Iraq's Rabi' al-awwal 1447 began on 25 or 26 August 2025, and
# either keeps Safar at 29 or 30 days.
NEIGHBOUR_STARTS = {
    IQ: {(1447, 3): day("2025-08-25")},
}

# (occasion, region, Hijri year, first day, last day)
KNOWN_DATES = [
    # Iran, from its official calendar and the Leader's office.
    ("eid-al-adha", IR, 1445, solar(1403, 3, 28), None),
    ("eid-al-ghadir", IR, 1445, solar(1403, 4, 5), None),
    ("muharram-first-ten", IR, 1446, day("2024-07-07"), solar(1403, 4, 26)),
    ("tasua", IR, 1446, solar(1403, 4, 25), None),
    ("ashura", IR, 1446, solar(1403, 4, 26), None),
    ("arbaeen", IR, 1446, solar(1403, 6, 4), None),
    ("demise-prophet-imam-hasan", IR, 1446, solar(1403, 6, 12), None),
    ("martyrdom-imam-reza", IR, 1446, solar(1403, 6, 14), None),  # 30 Safar
    ("martyrdom-imam-askari", IR, 1446, solar(1403, 6, 22), None),
    ("ramadan-begins", IR, 1446, day("2025-03-02"), None),
    # The nights of Qadr are kept from the evening before their day.
    ("qadr-19", IR, 1446, day("2025-03-19"), None),
    ("qadr-21", IR, 1446, day("2025-03-21"), None),
    ("martyrdom-imam-ali", IR, 1446, solar(1404, 1, 2), None),
    ("qadr-23", IR, 1446, day("2025-03-23"), None),
    ("eid-al-fitr", IR, 1446, solar(1404, 1, 11), None),
    ("eid-al-adha", IR, 1446, solar(1404, 3, 16), None),
    ("eid-al-ghadir", IR, 1446, solar(1404, 3, 24), None),
    ("tasua", IR, 1447, solar(1404, 4, 14), None),
    ("ashura", IR, 1447, solar(1404, 4, 15), None),
    ("arbaeen", IR, 1447, solar(1404, 5, 23), None),
    ("demise-prophet-imam-hasan", IR, 1447, solar(1404, 5, 31), None),
    ("martyrdom-imam-reza", IR, 1447, solar(1404, 6, 2), None),  # 30 Safar
    # Iraq, from Sayyid al-Sistani's office and the days Karbala kept.
    ("eid-al-adha", IQ, 1445, day("2024-06-17"), None),
    ("muharram-first-ten", IQ, 1446, day("2024-07-08"), day("2024-07-17")),
    ("ashura", IQ, 1446, day("2024-07-17"), None),
    ("arbaeen", IQ, 1446, day("2024-08-25"), None),
    ("ramadan-begins", IQ, 1446, day("2025-03-02"), None),
    ("qadr-23", IQ, 1446, day("2025-03-23"), None),
    ("eid-al-fitr", IQ, 1446, day("2025-03-31"), None),
    ("ashura", IQ, 1447, day("2025-07-06"), None),
    ("arbaeen", IQ, 1447, day("2025-08-15"), None),
]


def correct(capture, *, region: str, year: int, month: int, starts_on: datetime.date):
    """Correct one month start as a coordinator would, running what follows the commit."""
    with capture(execute=True):
        return hijri_month_start_correct(
            actor=SYSTEM, region=region, year=year, month=month, starts_on=starts_on
        )


def starts_apply(capture, region: str, starts: dict) -> list[tuple[int, int]]:
    """Apply the month starts of ``region`` that differ from the computed Umm al-Qura ones.

    A month may only move while both it and the month before it keep 29 or
    30 days, so a correction that does not fit yet waits for its neighbour's.
    Returns the months corrected, in the order they were applied.
    """
    pending = {
        month: starts_on
        for month, starts_on in starts.items()
        if starts_on != umm_al_qura_to_gregorian(*month, 1)
    }
    applied = []
    while pending:
        progress = False
        for (year, month), starts_on in sorted(pending.items()):
            try:
                correct(capture, region=region, year=year, month=month, starts_on=starts_on)
            except ValidationError as error:
                if "starts_on" not in getattr(error, "error_dict", {}):
                    raise
                continue
            applied.append((year, month))
            del pending[(year, month)]
            progress = True
        assert progress, f"these starts of {region} cannot be applied together: {pending}"
    return applied


def occasion_date(slug: str, region: str, year: int) -> OccasionDate:
    return OccasionDate.objects.get(occasion__slug=slug, region=region, hijri_year=year)


def computed_dates() -> dict[tuple[str, int, str], tuple[datetime.date, datetime.date]]:
    return {
        (row.occasion.slug, row.hijri_year, row.region): (row.starts_on, row.ends_on)
        for row in OccasionDate.objects.select_related("occasion")
    }


@pytest.fixture
def dates():
    """Occasion dates of the years under test, computed from the seeded (Umm al-Qura) tables."""
    services.occasion_dates_refresh(years=YEARS)
    return computed_dates()


@pytest.fixture
def observed(dates, django_capture_on_commit_callbacks):
    """The observed month starts of Iran and Iraq applied."""
    for region in (IR, IQ):
        starts = {**OBSERVED_STARTS[region], **NEIGHBOUR_STARTS.get(region, {})}
        starts_apply(django_capture_on_commit_callbacks, region, starts)
    return dates


# --- the table of known dates -----------------------------------------------------------------


def test_the_observed_starts_are_corrections_that_keep_every_month_29_or_30_days(observed):
    # Given the observed starts applied
    for region in (IR, IQ):
        rows = list(
            HijriMonthStart.objects.filter(region=region, year__in=YEARS).order_by("starts_on")
        )
        # Then every month of the years under test still lasts 29 or 30 days
        lengths = {(b.starts_on - a.starts_on).days for a, b in itertools.pairwise(rows)}
        assert lengths <= {29, 30}, region
        # and exactly the months that differ from Umm al-Qura are marked corrected
        corrected = {(row.year, row.month) for row in rows if row.corrected}
        differing = {
            month
            for month, starts_on in {
                **OBSERVED_STARTS[region],
                **NEIGHBOUR_STARTS.get(region, {}),
            }.items()
            if starts_on != umm_al_qura_to_gregorian(*month, 1)
        }
        assert corrected == differing


@pytest.mark.parametrize(
    ("slug", "region", "year", "first", "last"),
    KNOWN_DATES,
    ids=[f"{row[0]}-{row[2]}-{row[1]}" for row in KNOWN_DATES],
)
def test_occasion_falls_on_the_observed_day(observed, slug, region, year, first, last):
    # Given the observed month starts of Iran and Iraq applied (fixture)
    # When the occasion's date in the region is read
    row = occasion_date(slug, region, year)
    # Then it is the day the region kept
    assert (row.starts_on, row.ends_on) == (first, last or first)
    # and the occasion's Umm al-Qura date is still the computed one
    assert occasion_date(slug, UQ, year).starts_on == observed[(slug, year, UQ)][0]
    # and a date that moved was revised exactly once per move (never for a month that stayed)
    computed = observed[(slug, year, region)]
    moved = computed != (row.starts_on, row.ends_on)
    assert row.sequence == (1 if moved else 0)


def test_umm_al_qura_dates_are_untouched_by_the_corrections(dates, observed):
    # Given the corrections of Iran and Iraq applied
    after = computed_dates()
    # Then every Umm al-Qura date is as computed, never revised
    for key, value in dates.items():
        if key[2] == UQ:
            assert after[key] == value, key
    assert not OccasionDate.objects.filter(region=UQ, sequence__gt=0).exists()
    # and the Umm al-Qura Ashura of 1446 is the computed 10 Muharram (16 July 2024)
    assert occasion_date("ashura", UQ, 1446).starts_on == umm_al_qura_to_gregorian(1446, 1, 10)


def test_tasks_run_at_once_in_tests_and_dates_move_only_after_the_commit(
    dates, django_capture_on_commit_callbacks
):
    # Given the test settings, where a task runs as soon as it is enqueued
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    # When Iraq's Safar 1446 is corrected, and the transaction has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hijri_month_start_correct(
            actor=SYSTEM, region=IQ, year=1446, month=2, starts_on=day("2024-08-06")
        )
    # Then Arbaeen has not moved
    assert occasion_date("arbaeen", IQ, 1446).starts_on == day("2024-08-24")
    # When the commit's callbacks run (the listener enqueues the events' task)
    assert len(callbacks) == 1
    callbacks[0]()
    # Then Arbaeen moved to the day Karbala kept, revised once
    arbaeen = occasion_date("arbaeen", IQ, 1446)
    assert (arbaeen.starts_on, arbaeen.sequence) == (day("2024-08-25"), 1)


# --- "the last day of the month" --------------------------------------------------------------


def test_the_last_day_of_safar_in_a_29_day_and_a_30_day_month(dates):
    # Given the computed Umm al-Qura table, where Safar 1446 has 30 days and Safar 1447 has 29
    assert umm_al_qura_to_gregorian(1446, 3, 1) - umm_al_qura_to_gregorian(1446, 2, 1) == (
        datetime.timedelta(days=30)
    )
    assert umm_al_qura_to_gregorian(1447, 3, 1) - umm_al_qura_to_gregorian(1447, 2, 1) == (
        datetime.timedelta(days=29)
    )
    # Then the martyrdom of Imam Reza falls on 30 Safar 1446 and on 29 Safar 1447
    assert occasion_date("martyrdom-imam-reza", UQ, 1446).starts_on == day("2024-09-03")
    assert occasion_date("martyrdom-imam-reza", UQ, 1447).starts_on == day("2025-08-23")


def test_a_month_declared_30_days_moves_its_last_day_once(
    dates, django_capture_on_commit_callbacks
):
    # Given Iran's Safar 1447 as computed: 29 days, its last day on 23 August 2025
    reza = occasion_date("martyrdom-imam-reza", IR, 1447)
    assert (reza.starts_on, reza.sequence) == (day("2025-08-23"), 0)
    arbaeen = occasion_date("arbaeen", IR, 1447)
    # When Rabi' al-awwal is declared to have begun a day later (Safar had 30 days)
    correct(
        django_capture_on_commit_callbacks,
        region=IR,
        year=1447,
        month=3,
        starts_on=day("2025-08-25"),
    )
    # Then the last day of Safar is 24 August 2025 (2 Shahrivar 1404), revised once
    reza.refresh_from_db()
    assert (reza.starts_on, reza.sequence) == (solar(1404, 6, 2), 1)
    # and the days of Safar before it did not move
    arbaeen.refresh_from_db()
    assert (arbaeen.starts_on, arbaeen.sequence) == (day("2025-08-14"), 0)
    # and Iraq's and Umm al-Qura's dates did not move either
    for region in (IQ, UQ):
        assert occasion_date("martyrdom-imam-reza", region, 1447).starts_on == day("2025-08-23")


def test_a_month_shortened_to_29_days_moves_its_last_day_earlier(
    dates, django_capture_on_commit_callbacks
):
    # Given Iran's Safar 1446 as computed: 30 days, its last day on 3 September 2024
    assert occasion_date("martyrdom-imam-reza", IR, 1446).starts_on == day("2024-09-03")
    # When Safar is declared to have begun a day later, Rabi' al-awwal staying where it was
    correct(
        django_capture_on_commit_callbacks,
        region=IR,
        year=1446,
        month=2,
        starts_on=day("2024-08-06"),
    )
    # Then Safar has 29 days and its last day is still 3 September (the 29th), not revised
    reza = occasion_date("martyrdom-imam-reza", IR, 1446)
    assert (reza.starts_on, reza.sequence) == (day("2024-09-03"), 0)
    # while the 20th of Safar moved to the next day, revised once
    arbaeen = occasion_date("arbaeen", IR, 1446)
    assert (arbaeen.starts_on, arbaeen.sequence) == (day("2024-08-25"), 1)


# --- eves and periods -------------------------------------------------------------------------


def test_nights_of_qadr_are_the_evenings_before_their_days(observed):
    # Given Ramadan 1446 from 2 March 2025 in Iran
    # Then each night of Qadr is dated the day before its day of Ramadan
    for night in (19, 21, 23):
        row = occasion_date(f"qadr-{night}", IR, 1446)
        assert row.starts_on == day("2025-03-02") + datetime.timedelta(days=night - 2)
        assert row.starts_on == row.ends_on
    # and the martyrdom of Imam Ali (21 Ramadan) follows the night of the 21st
    ali = occasion_date("martyrdom-imam-ali", IR, 1446)
    assert ali.starts_on - occasion_date("qadr-21", IR, 1446).starts_on == datetime.timedelta(1)


def test_the_first_ten_days_of_muharram_move_as_one_period(observed):
    # Given Muharram 1446 from 7 July in Iran and from 8 July in Iraq
    iran = occasion_date("muharram-first-ten", IR, 1446)
    iraq = occasion_date("muharram-first-ten", IQ, 1446)
    # Then the period lasts ten days in both, ending on Ashura
    for row in (iran, iraq):
        assert (row.ends_on - row.starts_on).days == 9
        assert row.ends_on == occasion_date("ashura", row.region, 1446).starts_on
    # and Iraq's period is Iran's a day later, revised once for the move
    assert iraq.starts_on - iran.starts_on == datetime.timedelta(days=1)
    assert (iran.sequence, iraq.sequence) == (0, 1)


# --- SEQUENCE ---------------------------------------------------------------------------------


def test_each_move_raises_the_sequence_exactly_once(dates, django_capture_on_commit_callbacks):
    # Given Iraq's Dhu al-Hijjah 1445 and Safar 1446 already moved a day later
    capture = django_capture_on_commit_callbacks
    correct(capture, region=IQ, year=1445, month=12, starts_on=day("2024-06-08"))
    correct(capture, region=IQ, year=1446, month=2, starts_on=day("2024-08-06"))
    assert occasion_date("arbaeen", IQ, 1446).sequence == 1
    assert occasion_date("ashura", IQ, 1446).sequence == 0
    # When Muharram 1446 is moved a day later
    correct(capture, region=IQ, year=1446, month=1, starts_on=day("2024-07-08"))
    # Then Ashura moved and was revised once; Arbaeen, already in place, was not revised again
    ashura = occasion_date("ashura", IQ, 1446)
    assert (ashura.starts_on, ashura.sequence) == (day("2024-07-17"), 1)
    arbaeen = occasion_date("arbaeen", IQ, 1446)
    assert (arbaeen.starts_on, arbaeen.sequence) == (day("2024-08-25"), 1)
    # and the occasions of months that did not move were not revised
    assert occasion_date("eid-al-fitr", IQ, 1446).sequence == 0
    assert occasion_date("ashura", IQ, 1447).sequence == 0


def test_a_correction_that_changes_nothing_revises_nothing(
    observed, django_capture_on_commit_callbacks
):
    # Given the observed starts applied, and the revisions they caused
    before = dict(OccasionDate.objects.values_list("pk", "sequence"))
    # When a coordinator saves Iraq's Muharram 1446 again with the same first day
    correct(
        django_capture_on_commit_callbacks,
        region=IQ,
        year=1446,
        month=1,
        starts_on=day("2024-07-08"),
    )
    # Then no date was revised
    assert dict(OccasionDate.objects.values_list("pk", "sequence")) == before
    # and a refresh that finds nothing to move reports nothing changed
    assert services.occasion_dates_refresh(years=YEARS) == 0


def test_refreshing_without_a_correction_changes_nothing(dates):
    # Given the dates computed once
    # When they are computed again
    changed = services.occasion_dates_refresh(years=YEARS)
    # Then nothing was created or moved, and nothing revised
    assert changed == 0
    assert computed_dates() == dates
    assert not OccasionDate.objects.filter(sequence__gt=0).exists()


def test_a_new_occasion_gets_its_dates_when_saved(dates):
    # Given a coordinator's occasion on the last day of Ramadan
    # When it is saved through the service
    occasion = services.occasion_save(
        actor=SYSTEM,
        slug="ramadan-last-day",
        name="آخرین روز ماه رمضان",
        kind="devotion",
        month=9,
        last_day=True,
    )
    # Then its dates exist in every region for the years kept around today
    assert occasion.dates.filter(region=IR).exists()
    assert set(occasion.dates.values_list("region", flat=True)) == {IR, IQ, UQ}
    assert Occasion.objects.filter(slug="ramadan-last-day").count() == 1


# --- the coordinators' admin ------------------------------------------------------------------


@pytest.fixture
def office(db):
    """A coordinator who signs in to the admin."""
    return get_user_model().objects.create_user(
        username="office", password="x", is_coordinator=True, is_staff=True
    )


def occasion_form(occasion: Occasion | None = None, **changes) -> dict:
    data = {
        "slug": "ramadan-last-day",
        "name": "آخرین روز ماه رمضان",
        "names": "{}",
        "kind": "devotion",
        "month": "9",
        "day": "",
        "last_day": "on",
        "length_days": "1",
        "description": "",
        "is_active": "on",
    }
    if occasion is not None:
        data.update(
            slug=occasion.slug,
            name=occasion.name,
            names=json.dumps(occasion.names),
            kind=occasion.kind,
            month=str(occasion.month),
            day="" if occasion.day is None else str(occasion.day),
            length_days=str(occasion.length_days),
        )
        for flag in ("last_day", "eve", "is_active"):
            data.pop(flag, None)
            if getattr(occasion, flag):
                data[flag] = "on"
    rows = occasion.dates.count() if occasion is not None else 0
    data.update({"dates-TOTAL_FORMS": str(rows), "dates-INITIAL_FORMS": str(rows)})
    data.update(changes)
    return data


def test_the_admin_adds_an_occasion_through_the_service(client, office, dates):
    # When a coordinator adds an occasion on the last day of Ramadan in the admin
    client.force_login(office)
    response = client.post(reverse("admin:events_occasion_add"), occasion_form())
    # Then it is saved, with its dates in every region
    assert response.status_code == 302, response.content.decode()[:3000]
    occasion = Occasion.objects.get(slug="ramadan-last-day")
    assert occasion.last_day and occasion.day is None
    assert set(occasion.dates.values_list("region", flat=True)) == {IR, IQ, UQ}
    assert occasion.search_key


def test_the_admin_moves_an_occasions_dates_when_its_day_changes(client, office, dates):
    # Given Arbaeen's dates
    arbaeen = Occasion.objects.get(slug="arbaeen")
    services.occasion_dates_refresh(occasions=[arbaeen])
    before = occasion_date("arbaeen", IR, 1446)
    # When a coordinator moves it to the 21st of Safar in the admin
    client.force_login(office)
    url = reverse("admin:events_occasion_change", args=[arbaeen.pk])
    response = client.post(url, occasion_form(arbaeen, day="21"))
    # Then its dates moved a day, each revised once, in the years around today and in the
    # earlier years it had dates for
    assert response.status_code == 302, response.content.decode()[:3000]
    after = occasion_date("arbaeen", IR, 1446)
    assert (after.starts_on - before.starts_on, after.sequence) == (datetime.timedelta(1), 1)
    for row in arbaeen.dates.all():
        assert row.starts_on == lunar_to_gregorian(row.hijri_year, 2, 21, row.region)
        assert row.sequence == 1


def test_the_admin_shows_a_day_30_as_a_form_error(client, office):
    client.force_login(office)
    response = client.post(
        reverse("admin:events_occasion_add"),
        occasion_form(day="30", last_day=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "choose “the last day of the month”" in response.content.decode()
    assert not Occasion.objects.filter(slug="ramadan-last-day").exists()


def test_the_admin_is_closed_to_staff_who_are_not_coordinators(client):
    clerk = get_user_model().objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(clerk)
    response = client.post(reverse("admin:events_occasion_add"), occasion_form())
    assert response.status_code == 403
    assert not Occasion.objects.filter(slug="ramadan-last-day").exists()


def test_derived_rows_are_read_only_in_the_admin(client, office, dates):
    client.force_login(office)
    row = occasion_date("ashura", IR, 1446)
    url = reverse("admin:events_occasiondate_change", args=[row.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"starts_on": "2024-07-01"}).status_code == 403
    assert client.get(reverse("admin:events_occasiondate_add")).status_code == 403
    assert client.get(reverse("admin:events_occurrence_changelist")).status_code == 200
    assert client.get(reverse("admin:events_occurrence_add")).status_code == 403
    for name in ("event", "eventseries", "course", "enrolment"):
        assert client.get(reverse(f"admin:events_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:events_{name}_add")).status_code == 403
    delete = reverse("admin:events_occasion_delete", args=[row.occasion_id])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_the_admin_cancels_events_through_the_service(client, office):
    event = event_make(recurrence="weekly")
    client.force_login(office)
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "events_cancel", "_selected_action": [event.pk]},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert {(o.cancelled, o.sequence) for o in event.occurrences.all()} == {(True, 1)}
    assert client.get(reverse("admin:events_event_change", args=[event.pk])).status_code == 200
