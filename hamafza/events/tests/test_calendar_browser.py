"""The month grid in a real browser (Debian's Chromium, Playwright): right to left and Saturday
first in Persian, left to right and Monday first in English, events on their days, moving from
month to month, and the list of busy days on a phone."""

import datetime
import os
import shutil
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse

from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.events.tests.factories import event_make

# Playwright's sync API runs an event loop in this thread; the test's own
# database work happens between browser calls, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results" / "screenshots"
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
DAY = datetime.date(2025, 12, 5)  # 14 Azar 1404, a Friday

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def gathering():
    """A gathering from 18:00 to 20:00 (Tehran) on 14 Azar 1404."""
    return event_make(
        organizer=OrganizationFactory(),
        name="مراسم هفتگی دعای کمیل",
        names={"en": "Weekly Kumayl prayer"},
        starts_at=datetime.datetime.combine(DAY, datetime.time(18), tzinfo=TEHRAN),
        time_zone="Asia/Tehran",
    )


def calendar_url(live_server, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{live_server.url}{reverse('events:calendar')}?{query}"


def column_edges(page) -> tuple[float, float]:
    """Where the first and the last weekday columns begin on the screen (x)."""
    headers = page.locator("#month-grid thead th")
    return headers.first.bounding_box()["x"], headers.last.bounding_box()["x"]


def test_the_persian_month_grid_runs_right_to_left_from_saturday(browser, live_server, gathering):
    context = browser.new_context(locale="fa", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    # When a Persian visitor opens Azar 1404 in the Solar Hijri calendar
    page.goto(calendar_url(live_server, calendar="solar", year=1404, month=9))
    # Then the page is right to left, the month is titled in Persian
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#month-title").inner_text() == "آذر ۱۴۰۴"
    # and Saturday heads the first column, drawn on the right, Friday the last, on the left
    headers = page.locator("#month-grid thead th")
    assert headers.first.inner_text() == "شنبه"
    assert headers.last.inner_text() == "جمعه"
    first, last = column_edges(page)
    assert first > last
    # and the month's first day (1 Azar, a Saturday) opens the first row
    first_cell = page.locator("#month-grid tbody tr").first.locator("td").first
    assert first_cell.get_attribute("data-date") == "2025-11-22"
    assert first_cell.locator(".hz-day-number [aria-hidden]").inner_text() == "۱"
    # and the gathering is on 14 Azar, at its time in Persian digits, linking to its page
    cell = page.locator('#month-grid td[data-date="2025-12-05"]')
    link = cell.locator(f'[data-event="{gathering.pk}"]')
    assert link.is_visible()
    assert "مراسم هفتگی دعای کمیل" in link.inner_text()
    assert "۱۸:۰۰" in link.inner_text()
    assert cell.locator(".hz-day-number [aria-hidden]").inner_text() == "۱۴"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "events-calendar-fa.png"), full_page=True)
    # When they move to the next month
    with page.expect_navigation():
        page.click("#month-next")
    # Then Dey 1404 is shown, starting on 22 December, without the gathering
    assert page.locator("#month-title").inner_text() == "دی ۱۴۰۴"
    assert page.locator('#month-grid td[data-date="2025-12-22"] .hz-day-number [aria-hidden]')
    assert (
        page.locator(
            '#month-grid td[data-date="2025-12-22"] .hz-day-number [aria-hidden]'
        ).inner_text()
        == "۱"
    )
    assert page.locator(f'#month-grid [data-event="{gathering.pk}"]').count() == 0
    # and back again
    with page.expect_navigation():
        page.click("#month-previous")
    assert page.locator("#month-title").inner_text() == "آذر ۱۴۰۴"
    assert page.locator(f'#month-grid [data-event="{gathering.pk}"]').is_visible()
    context.close()


def test_the_english_month_grid_runs_left_to_right_from_monday(browser, live_server, gathering):
    context = browser.new_context(locale="en", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    # When an English visitor opens December 2025
    page.goto(calendar_url(live_server, calendar="gregorian", year=2025, month=12))
    # Then the page is left to right, Monday heads the first column, drawn on the left
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#month-title").inner_text() == "December 2025"
    headers = page.locator("#month-grid thead th")
    assert headers.first.inner_text() == "Monday"
    assert headers.last.inner_text() == "Sunday"
    first, last = column_edges(page)
    assert first < last
    # and 1 December, a Monday, opens the first row
    first_cell = page.locator("#month-grid tbody tr").first.locator("td").first
    assert first_cell.get_attribute("data-date") == "2025-12-01"
    # and the gathering is on the 5th, under its English name, with the Solar and lunar dates
    cell = page.locator('#month-grid td[data-date="2025-12-05"]')
    link = cell.locator(f'[data-event="{gathering.pk}"]')
    assert "Weekly Kumayl prayer" in link.inner_text() and "18:00" in link.inner_text()
    assert "14 Azar" in cell.locator(".hz-day-others").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "events-calendar-en.png"), full_page=True)
    # When they follow the link, the event's page opens
    with page.expect_navigation():
        link.click()
    assert page.locator("#event-name").inner_text() == "Weekly Kumayl prayer"
    page.go_back()
    # When they switch to the lunar calendar, the same days are shown as a Hijri month
    with page.expect_navigation():
        page.click('#calendar-switch [data-calendar="lunar"]')
    assert "1447" in page.locator("#month-title").inner_text()
    assert page.locator(f'#month-grid [data-event="{gathering.pk}"]').is_visible()
    # and the next month is reached from there
    title = page.locator("#month-title").inner_text()
    with page.expect_navigation():
        page.click("#month-next")
    assert page.locator("#month-title").inner_text() != title
    context.close()


def test_on_a_phone_the_month_is_a_list_of_its_busy_days(browser, live_server, gathering):
    context = browser.new_context(
        locale="fa", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(calendar_url(live_server, calendar="solar", year=1404, month=9))
    # The table gives way to a list of the days that have something
    assert not page.locator("#month-grid").is_visible()
    item = page.locator('#month-list li[data-date="2025-12-05"]')
    assert item.is_visible()
    assert "جمعه" in item.inner_text() and "۱۴ آذر ۱۴۰۴" in item.inner_text()
    assert item.locator(f'[data-event="{gathering.pk}"]').is_visible()
    # and nothing spills past the screen's width
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "events-calendar-phone-fa.png"), full_page=True)
    context.close()
