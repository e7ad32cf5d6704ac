"""The quarterly guide's quarters, figures and PDF: quarter boundaries in both calendars,
figures from data, Persian and Arabic read in logical order, English, an empty quarter, and
queries that do not grow with the data."""

import datetime
import itertools
import re
import shutil
import subprocess
import time
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hamafza.core.calendars import month_name
from hamafza.publishing.guide import (
    guide_data,
    guide_pdf,
    quarter_bounds,
    quarter_of,
    quarter_previous,
    quarter_title,
)
from hamafza.publishing.tests.factories import (
    GUIDE_BROADCAST,
    GUIDE_CAMPAIGN,
    GUIDE_CONFERENCE,
    GUIDE_ORGANIZATION,
    GuideFactory,
    guide_quarter_fill,
)

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler's pdftotext"
)

# Solar Hijri 1404, quarter 1: 1 Farvardin – 31 Khordad.
Q1_1404 = (datetime.date(2025, 3, 21), datetime.date(2025, 6, 21))
SECTION_TITLES = (
    "New organizations",
    "Broadcasts and the archive",
    "Events and the recommendations of conferences",
    "Agreements",
    "Volunteer camps and aid distributions",
)


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler extracts it, normalized (NFKC folds presentation forms)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return plain(result.stdout.decode("utf-8"))


# Direction marks and embeddings pdftotext puts around runs, and the zero-width non-joiner,
# which it drops between a word's parts.
INVISIBLE = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Lam-alef is one glyph whose text poppler gives back as alef then lam (see the events
# certificates' tests, which check the PDF itself stores them in logical order).
LAM_ALEF = re.compile("\u0644([\u0622\u0623\u0625\u0627])")


def plain(text: str) -> str:
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def as_extracted(text: str) -> str:
    return LAM_ALEF.sub("\\1\u0644", plain(text))


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


# --- quarters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "quarter", "starts_on", "ends_on"),
    [
        (1404, 1, datetime.date(2025, 3, 21), datetime.date(2025, 6, 21)),
        (1404, 2, datetime.date(2025, 6, 22), datetime.date(2025, 9, 22)),
        (1404, 3, datetime.date(2025, 9, 23), datetime.date(2025, 12, 21)),
        (1404, 4, datetime.date(2025, 12, 22), datetime.date(2026, 3, 20)),
        # 1403 is a leap year: Esfand has 30 days.
        (1403, 4, datetime.date(2024, 12, 21), datetime.date(2025, 3, 20)),
    ],
)
def test_solar_hijri_quarters_follow_the_months(year, quarter, starts_on, ends_on):
    # When a Solar Hijri quarter's days are asked for
    # Then it runs from the first day of its first month to the last of its third
    assert quarter_bounds(calendar="solar", year=year, quarter=quarter) == (starts_on, ends_on)


def test_the_solar_quarters_of_a_year_follow_each_other_without_a_gap():
    # Given the four quarters of 1403 and the first of 1404
    bounds = [quarter_bounds(calendar="solar", year=1403, quarter=q) for q in (1, 2, 3, 4)]
    bounds.append(quarter_bounds(calendar="solar", year=1404, quarter=1))
    # Then each begins the day after the one before ends, and the year has 366 days
    for (_first, end), (start, _last) in itertools.pairwise(bounds):
        assert start == end + datetime.timedelta(days=1)
    assert (bounds[3][1] - bounds[0][0]).days + 1 == 366


@pytest.mark.parametrize(
    ("quarter", "starts_on", "ends_on"),
    [
        (1, datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
        (2, datetime.date(2024, 4, 1), datetime.date(2024, 6, 30)),
        (3, datetime.date(2024, 7, 1), datetime.date(2024, 9, 30)),
        (4, datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)),
    ],
)
def test_gregorian_quarters(quarter, starts_on, ends_on):
    assert quarter_bounds(calendar="gregorian", year=2024, quarter=quarter) == (starts_on, ends_on)


def test_the_quarter_of_a_day_and_the_one_before():
    # A day in Khordad is in the first quarter; 1 Tir begins the second
    assert quarter_of(datetime.date(2025, 6, 21), calendar="solar") == (1404, 1)
    assert quarter_of(datetime.date(2025, 6, 22), calendar="solar") == (1404, 2)
    assert quarter_of(datetime.date(2025, 3, 20), calendar="solar") == (1403, 4)
    assert quarter_of(datetime.date(2025, 3, 20), calendar="gregorian") == (2025, 1)
    assert quarter_previous(year=1404, quarter=1) == (1403, 4)
    assert quarter_previous(year=1404, quarter=3) == (1404, 2)


@pytest.mark.parametrize(
    ("calendar", "year", "quarter", "field"),
    [
        ("lunar", 1446, 1, "calendar"),
        ("solar", 1404, 5, "quarter"),
        ("solar", 1404, 0, "quarter"),
        ("solar", 2025, 1, "year"),
        ("gregorian", 1404, 1, "year"),
        ("solar", "1404", 1, "year"),
    ],
)
def test_a_quarter_that_does_not_exist_is_refused_on_its_field(calendar, year, quarter, field):
    with pytest.raises(ValidationError) as refused:
        quarter_bounds(calendar=calendar, year=year, quarter=quarter)
    assert field in refused.value.message_dict


def test_the_quarter_title_names_its_months_in_the_language():
    assert quarter_title(calendar="solar", year=1404, quarter=1, language="en") == (
        "Farvardin–Khordad 1404"
    )
    persian = quarter_title(calendar="solar", year=1404, quarter=2, language="fa")
    assert "تیر" in persian and "شهریور" in persian and "۱۴۰۴" in persian


# --- figures ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_figures_count_what_the_quarter_held_and_nothing_outside_it():
    # Given two copies of everything inside 1404 Q1, and one copy in the quarter after
    guide_quarter_fill(starts_on=Q1_1404[0], copies=2)
    guide_quarter_fill(starts_on=Q1_1404[1] + datetime.timedelta(days=1))
    # When the guide's figures are read for 1404 Q1
    data = guide_data(starts_on=Q1_1404[0], ends_on=Q1_1404[1], language="fa")
    # Then each part counts the quarter's rows only
    assert data.organizations.total == 2
    assert {row.name for row in data.organizations.latest} == {
        f"{GUIDE_ORGANIZATION} 1",
        f"{GUIDE_ORGANIZATION} 2",
    }
    assert data.broadcasts.count == 2
    assert data.broadcasts.hours == 4.0
    assert data.broadcasts.viewers == 3000
    assert [row.plays for row in data.broadcasts.highlights] == [301, 300]
    assert sum(data.broadcasts.by_day.values()) == 2
    assert data.events.occurrences == 2
    assert len(data.events.notable) == 2
    assert data.agreements.signed == 2
    assert data.agreements.renewed == 2
    # Expiring: the two of the quarter, and the next quarter's, within the 90 days after it
    # (the renewed ones expired in the quarter too, but a renewed agreement is not counted)
    assert data.agreements.expiring == 3
    assert data.field_work.camps == 2
    assert data.field_work.volunteers == 24
    assert data.field_work.packages == 1000
    assert data.field_work.households == 900
    assert not any(data.sections_empty.values())
    # And the recommendations of every conference are counted by status
    total = data.events.recommendations_total
    assert (total.total, total.done, total.in_progress, total.open) == (12, 3, 3, 6)
    assert data.events.recommendations_closed == 2


@pytest.mark.django_db
def test_broadcasts_of_members_only_channels_stay_out_of_the_public_guide():
    # Given a quarter with one public broadcast and one on a members-only channel
    from hamafza.broadcast.models import BroadcastStatus, Visibility
    from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory

    guide_quarter_fill(starts_on=Q1_1404[0])
    private = ChannelFactory(name="کانال اعضای آزمایشی", visibility=Visibility.MEMBERS)
    at = datetime.datetime(2025, 4, 1, 15, tzinfo=datetime.UTC)
    BroadcastFactory(
        channel=private,
        status=BroadcastStatus.ENDED,
        started_at=at,
        ended_at=at + datetime.timedelta(hours=1),
        viewers_total=99,
    )
    # When the guide's figures are read
    data = guide_data(starts_on=Q1_1404[0], ends_on=Q1_1404[1], language="fa")
    # Then only the public broadcast is counted, and the private channel is not named
    assert (data.broadcasts.count, data.broadcasts.viewers) == (1, 1500)
    assert "کانال اعضای آزمایشی" not in repr(data.broadcasts)


@pytest.mark.django_db
def test_an_empty_quarter_has_every_section_empty():
    data = guide_data(starts_on=Q1_1404[0], ends_on=Q1_1404[1], language="en")
    assert all(data.sections_empty.values())
    assert data.organizations.total == 0
    assert data.broadcasts.count == 0


@pytest.mark.django_db
def test_the_figures_take_the_same_queries_whatever_the_data():
    # Given a quarter with one copy of everything
    guide_quarter_fill(starts_on=Q1_1404[0])
    with CaptureQueriesContext(connection) as small:
        guide_data(starts_on=Q1_1404[0], ends_on=Q1_1404[1], language="fa")
    # When the quarter holds four times as much
    guide_quarter_fill(starts_on=Q1_1404[0] + datetime.timedelta(days=7), copies=3)
    with CaptureQueriesContext(connection) as large:
        guide_data(starts_on=Q1_1404[0], ends_on=Q1_1404[1], language="fa")
    # Then reading it takes as many queries
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 45


# --- the PDF ----------------------------------------------------------------------------------


@pytest.fixture
def filled_quarter(db):
    return guide_quarter_fill(starts_on=Q1_1404[0])


@needs_pdftotext
@pytest.mark.django_db
def test_the_persian_guide_reads_in_logical_order(filled_quarter):
    # Given a Persian guide of 1404 Q1 with an introduction
    guide = GuideFactory(language="fa", introduction="گزارش سه ماه نخست سال")
    # When its PDF is rendered
    data = guide_pdf(guide=guide)
    # Then it is a PDF whose text gives the names as they were typed
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for name in (GUIDE_ORGANIZATION, GUIDE_CONFERENCE, GUIDE_BROADCAST, GUIDE_CAMPAIGN):
        assert as_extracted(name) in text
    assert as_extracted("گزارش سه ماه نخست سال") in text
    # And the section titles (in Persian once translated), the quarter's months in Persian
    for title in (*SECTION_TITLES, "Contents"):
        assert as_extracted(translated(title, "fa")) in text
    for month in (1, 3):
        assert as_extracted(month_name(month, calendar="solar", language="fa")) in text
    # And Persian digits (the year, the page numbers), and the proof's mark
    assert "۱۴۰۴" in text
    # (pdftotext puts the space before a colon between right-to-left words, not after it)
    proof = as_extracted(translated("Proof: not for publication", "fa"))
    assert proof.replace(" ", "") in text.replace(" ", "")


@needs_pdftotext
@pytest.mark.django_db
def test_the_arabic_guide_reads_in_logical_order(filled_quarter):
    # Given an Arabic guide of 1404 Q1
    guide = GuideFactory(language="ar")
    # When its PDF is rendered
    text = pdf_text(guide_pdf(guide=guide))
    # Then the names with no Arabic version come as typed, and the Solar months in Arabic
    assert as_extracted(GUIDE_ORGANIZATION) in text
    assert as_extracted(GUIDE_CONFERENCE) in text
    assert as_extracted(month_name(1, calendar="solar", language="ar")) in text
    for title in SECTION_TITLES:
        assert as_extracted(translated(title, "ar")) in text
    # And the dates are in the lunar Hijri calendar, the Arabic reader's (Ramadan 1446 began
    # on 1 March 2025: the quarter starts in Ramadan or Shawwal)
    months = {month_name(month, calendar="lunar", language="ar") for month in (9, 10)}
    assert any(as_extracted(month) in text for month in months)


@needs_pdftotext
@pytest.mark.django_db
def test_the_english_guide_uses_english_names_and_gregorian_dates(filled_quarter):
    # Given an English guide of 1404 Q1
    guide = GuideFactory(language="en", introduction="A quarter of growth.")
    # When its PDF is rendered, and published (final)
    text = " ".join(pdf_text(guide_pdf(guide=guide, final=True)).split())
    # Then names are in English, the quarter in Solar months, the days in the Gregorian calendar
    assert "Hey'at of the Lovers of Lady Zahra" in text
    assert "Periodic conference of shrine public relations" in text
    assert "Farvardin–Khordad 1404" in text
    assert "From 21 March 2025 to 21 June 2025" in text
    assert "A quarter of growth." in text
    for title in (*SECTION_TITLES, "Contents", "From the editorial committee"):
        assert title in text
    # And the final PDF is not marked as a proof
    assert "Proof" not in text
    assert "Nothing this quarter." not in text


@needs_pdftotext
@pytest.mark.django_db
def test_an_empty_quarter_renders_with_nothing_this_quarter_sections():
    # Given a Gregorian quarter in which the network recorded nothing
    guide = GuideFactory(calendar="gregorian", year=2030, quarter=2, language="en", introduction="")
    # When its PDF is rendered
    text = " ".join(pdf_text(guide_pdf(guide=guide)).split())
    # Then every section is there, each saying that nothing happened
    for title in SECTION_TITLES:
        assert title in text
    assert text.count("Nothing this quarter.") == len(SECTION_TITLES)
    assert "April–June 2030" in text


@needs_pdftotext
@pytest.mark.django_db
def test_an_empty_persian_quarter_says_so_in_persian():
    guide = GuideFactory(language="fa", introduction="")
    text = pdf_text(guide_pdf(guide=guide))
    nothing = as_extracted(translated("Nothing this quarter.", "fa")).rstrip(".")
    assert text.count(nothing) == len(SECTION_TITLES)


@pytest.mark.django_db
def test_the_guide_renders_well_within_its_time_with_many_rows():
    # Given a quarter holding ten copies of everything
    guide_quarter_fill(starts_on=Q1_1404[0], copies=10)
    guide = GuideFactory(language="fa")
    # When its PDF is rendered
    started = time.perf_counter()
    data = guide_pdf(guide=guide)
    # Then it takes seconds, not the thirty allowed
    assert data.startswith(b"%PDF")
    assert time.perf_counter() - started < 15


# --- the demo ---------------------------------------------------------------------------------


@needs_pdftotext
@pytest.mark.django_db
def test_the_demo_publishes_a_persian_guide_of_the_last_solar_quarter(settings, tmp_path):
    from django.utils import timezone

    from hamafza.publishing import demo_guides
    from hamafza.publishing.guide import network_zone
    from hamafza.publishing.models import Guide, GuideStatus

    settings.MEDIA_ROOT = tmp_path
    # Given data in the Solar Hijri quarter before this one
    today = timezone.localtime(timezone.now(), network_zone()).date()
    year, quarter = quarter_of(today, calendar="solar")
    year, quarter = quarter_previous(year=year, quarter=quarter)
    starts_on, _ends_on = quarter_bounds(calendar="solar", year=year, quarter=quarter)
    guide_quarter_fill(starts_on=starts_on)
    # When the demo is loaded, twice
    demo_guides.load(None)
    demo_guides.load(None)
    # Then one Persian guide of that quarter is published, its PDF kept, with the quarter's data
    guide = Guide.objects.get()
    assert (guide.year, guide.quarter, guide.language) == (year, quarter, "fa")
    assert guide.status == GuideStatus.PUBLISHED and guide.approved_at is not None
    with guide.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert as_extracted(GUIDE_ORGANIZATION) in text
    assert as_extracted("تخصصی تدوین راهنما") in text
    proof = as_extracted(translated("Proof: not for publication", "fa"))
    assert proof.replace(" ", "") not in text.replace(" ", "")
