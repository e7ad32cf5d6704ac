"""The pilgrim map and the operator's status page in a real browser (Debian's Chromium,
Playwright): markers on the map in Persian, a service filter that redraws them without a page
load, the nearest open service from a pole number, and the operator's status update on a
phone-sized screen."""

import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from hamafza.directory.models import OrganizationKind, Role
from hamafza.directory.tests.factories import OrganizationFactory, user_with_role
from hamafza.fieldops.models import PointStatus, ServicePoint
from hamafza.fieldops.tests.factories import ServicePointFactory

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
MARKERS = "#map path.hz-marker"

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
def points(operator):
    """On the walk: an open mawkib at pole 100 (food, water), a medical post at pole 130 (full),
    an open mawkib at pole 300 (food, tea); and an open border post at Mehran (water, medical,
    information)."""
    return {
        "near": ServicePointFactory(
            operator=operator, name="موکب نزدیک", pole=100, services=["food", "water"]
        ),
        "medical": ServicePointFactory(
            operator=operator,
            name="ایستگاه پزشکی",
            kind="medical",
            pole=130,
            services=["medical"],
            status=PointStatus.FULL,
        ),
        "far": ServicePointFactory(
            operator=operator, name="موکب دورتر", pole=300, services=["food", "tea"]
        ),
        "border": ServicePointFactory(operator=operator, mehran=True, name="پایانه مهران"),
    }


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass")
    with page.expect_navigation():
        page.click("form button[type=submit]")


def test_the_persian_map_shows_filters_and_finds_the_nearest_open_service(
    browser, live_server, points
):
    context = browser.new_context(locale="fa", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # When a Persian visitor opens the map
    page.goto(f"{live_server.url}{reverse('fieldops:map')}")
    page.wait_for_selector('#map[data-ready="true"]')
    # Then the page is right to left, the map box left to right, and every point is a marker
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#map").get_attribute("dir") == "ltr"
    assert page.locator(MARKERS).count() == 4
    assert page.locator("#map path.hz-pole").count() > 10  # the route's pole markers
    assert page.locator("#map-count").inner_text().endswith("۴")
    # and a marker's popup speaks the page's direction
    page.locator(f"{MARKERS}.hz-marker-full").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content .hz-popup")
    popup.wait_for()
    assert popup.get_attribute("dir") == "rtl"
    assert "ایستگاه پزشکی" in popup.inner_text()
    assert "۱۳۰" in popup.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fieldops-map-fa.png"), full_page=True)
    # When they choose the medical service, without a page load
    url_before = page.evaluate("() => performance.getEntriesByType('navigation').length")
    with page.expect_response(lambda response: "points.geojson" in response.url):
        page.select_option("#id_service", "medical")
    page.wait_for_function("() => document.getElementById('map').dataset.points === '2'")
    # Then only the points offering it are left: the medical post and the border post
    assert page.locator(MARKERS).count() == 2
    listed = page.locator("#point-list li[data-point]").evaluate_all(
        "items => items.map(item => Number(item.dataset.point))"
    )
    assert sorted(listed) == sorted([points["medical"].pk, points["border"].pk])
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == url_before
    assert "service=medical" in page.url
    # When they type pole ۱۱۰ and ask for the nearest open service
    page.fill("#nearest-pole", "۱۱۰")
    with page.expect_response(lambda response: "/fieldops/nearest/" in response.url):
        page.click("#nearest-submit")
    page.wait_for_selector("#nearest-list li")
    # Then the open points are listed nearest first: pole 100, pole 300, then Mehran
    rows = page.locator("#nearest-list li")
    order = rows.evaluate_all("items => items.map(item => Number(item.dataset.point))")
    assert order == [points["near"].pk, points["far"].pk, points["border"].pk]
    metres = page.locator("#nearest-list .hz-distance").evaluate_all(
        "items => items.map(item => Number(item.dataset.metres))"
    )
    assert metres == sorted(metres)
    assert "موکب نزدیک" in rows.first.inner_text()
    assert "۱۰" in rows.first.inner_text()  # ten poles away, in Persian digits
    page.screenshot(path=str(SCREENSHOTS / "fieldops-map-nearest-fa.png"), full_page=True)
    # and nothing was asked of any other server, and the script ran without an error
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert errors == []
    context.close()


def test_the_operator_sets_full_from_a_phone_and_another_operator_is_refused(
    browser, live_server, points, actors
):
    point = points["near"]
    status_url = f"{live_server.url}{reverse('fieldops:point-status', args=[point.pk])}"
    phone = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
    context = browser.new_context(locale="fa", **phone)
    page = context.new_page()
    # When the operator's editor signs in on a phone and opens the point's status page
    sign_in(page, live_server, "operator_editor")
    page.goto(status_url)
    # Then the status is open and the three buttons fill the screen's width
    assert page.locator("#current-status").get_attribute("data-status") == "open"
    for status in ("open", "full", "closed"):
        box = page.locator(f"#status-{status}").bounding_box()
        assert box["width"] >= 280 and box["height"] >= 60
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # When they tap "Full"
    with page.expect_navigation():
        page.tap("#status-full")
    # Then the page shows it full, and so does the database
    assert page.locator("#current-status").get_attribute("data-status") == "full"
    assert page.locator("#status-full").get_attribute("aria-pressed") == "true"
    point.refresh_from_db()
    assert point.status == PointStatus.FULL
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fieldops-point-status-phone-fa.png"), full_page=True)
    context.close()
    # When another operator's editor opens the same page
    other = OrganizationFactory(name="موکب دیگر", kind=OrganizationKind.HEYAT)
    user_with_role(other, Role.EDITOR, username="other_operator_editor")
    context = browser.new_context(locale="fa", **phone)
    page = context.new_page()
    sign_in(page, live_server, "other_operator_editor")
    response = page.goto(status_url)
    # Then they are refused, and the status is unchanged
    assert response.status == 403
    assert page.locator("#status-form").count() == 0
    assert ServicePoint.objects.get(pk=point.pk).status == PointStatus.FULL
    context.close()
