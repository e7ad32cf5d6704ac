"""The network dashboard in a real browser (Debian's Chromium, Playwright), in Persian: right to
left, headline figures in Persian digits equal to the data, and charts drawn as inline SVG with
one bar per row, growing from the right."""

import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from hamafza.core.charts import number_format
from hamafza.reports.tests.conftest import network_make

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
PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")

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


def test_the_persian_dashboard_shows_the_data_in_persian_digits_and_svg_charts(
    browser, live_server
):
    # Given a network with twelve hey'ats among 28 organizations, broadcasts and field work
    network = network_make(4)
    expected = network.expected
    context = browser.new_context(locale="fa", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # When a Persian visitor opens the dashboard
    page.goto(f"{live_server.url}{reverse('reports:dashboard')}")

    # Then the page is right to left
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    # and each headline figure is the data's number, written in Persian digits
    for key in ("organizations", "heyats", "broadcasts", "viewers", "mous", "packages"):
        card = page.locator(f'[data-figure="{key}"]')
        assert card.get_attribute("data-value") == str(expected[key]), key
        shown = card.locator(".hz-figure").inner_text().strip()
        assert shown == number_format(expected[key], "fa"), (key, shown)
        assert set(shown) & PERSIAN_DIGITS, shown
    assert page.locator('[data-figure="viewers"] .hz-figure').inner_text() == "۶۰۰"
    # and the figure links to the list it summarizes
    href = page.locator('[data-figure="heyats"] a').get_attribute("href")
    assert href == f"{reverse('directory:list')}?kind=heyat"

    # and the charts are inline SVG: organizations by country has a bar per country
    chart = page.locator("#table-organizations_by_country figure.hz-chart")
    assert chart.get_attribute("dir") == "rtl"
    bars = chart.locator("svg.hz-chart-bar")
    assert bars.count() == 2
    assert chart.locator("th.hz-chart-label").all_inner_texts() == ["ایران", "عراق"]
    assert chart.locator("td.hz-chart-value").all_inner_texts() == ["۲۰", "۸"]
    assert bars.first.get_attribute("role") == "img"
    # the longer bar fills its box and both grow from its right edge
    widths = [
        float(w)
        for w in bars.locator("rect").evaluate_all("r => r.map(e => e.getAttribute('width'))")
    ]
    assert widths == [100.0, 40.0]
    right_edges = bars.locator("rect").evaluate_all(
        "rects => rects.map(r => r.getBoundingClientRect().right)"
    )
    boxes = bars.evaluate_all("svgs => svgs.map(s => s.getBoundingClientRect().right)")
    assert all(abs(edge - box) < 1.5 for edge, box in zip(right_edges, boxes, strict=True))
    # and the columns over time are SVG too, this year's the tallest
    columns = page.locator("#table-broadcasts svg.hz-chart-column")
    assert columns.count() == 10
    assert columns.last.get_attribute("data-value") == str(expected["broadcasts"])

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-dashboard-fa.png"), full_page=True)
    # and nothing was asked of any other server, and no script failed
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert errors == []
    context.close()
