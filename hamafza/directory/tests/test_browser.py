"""The directory in a real browser: Debian's Chromium driven by Playwright."""

import os
import shutil
from pathlib import Path

import pytest
from django.utils import translation

from hamafza.directory.tests.factories import OrganizationFactory

# Playwright's sync API runs an event loop in this thread; the test's own
# database writes happen before the browser starts, never concurrently.
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


@pytest.mark.parametrize("language, direction", [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")])
def test_directory_search_with_variant_spelling(browser, live_server, language, direction):
    # Given two organizations, one spelt with Persian yeh and kaf
    OrganizationFactory(name="هیئت انصار الحسین", names={"en": "Ansar al-Husayn"})
    OrganizationFactory(name="مسجد جامع کوفه", names={"en": "Great Mosque of Kufa"})
    context = browser.new_context(locale=language, viewport={"width": 390, "height": 844})
    page = context.new_page()
    # When a visitor opens the directory in their language
    page.goto(f"{live_server.url}/directory/")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == direction
    with translation.override(language):
        heading = translation.gettext("Directory of organizations")
    assert page.locator("h1").inner_text() == heading
    assert (heading == "Directory of organizations") == (language == "en")
    # and types the name with the Arabic yeh (ي) into the search box
    page.fill("#id_q", "انصار الحسين")
    page.wait_for_url("**/directory/?*q=*")
    results = page.locator("#result-list article")
    results.first.wait_for()
    # Then the live search finds the Persian spelling, and only it
    assert results.count() == 1
    assert ("Ansar al-Husayn" if language == "en" else "هیئت انصار الحسین") in results.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"directory-{language}.png"), full_page=True)
    context.close()


def test_language_choice_is_remembered(browser, live_server):
    context = browser.new_context(locale="en")
    page = context.new_page()
    page.goto(f"{live_server.url}/directory/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    with page.expect_navigation():
        page.select_option("#language-select", "ar")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.goto(f"{live_server.url}/directory/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    context.close()


def test_organization_picker_suggests_by_name(browser, live_server):
    from hamafza.directory.models import Role
    from hamafza.directory.tests.factories import user_with_role

    # Given an editor of one organization and another organization to relate to
    source = OrganizationFactory(name="هیئت محبان")
    OrganizationFactory(name="العتبة الكاظمية المقدسة")
    user_with_role(source, Role.EDITOR, username="picker")
    context = browser.new_context(locale="fa")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "picker")
    page.fill("#id_password", "pass")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    # When they type part of the other's name, spelt the Persian way
    page.goto(f"{live_server.url}/directory/{source.pk}/relations/")
    page.fill("#id_target", "کاظمیه")
    option = page.locator("#id_target-suggestions option")
    option.first.wait_for(state="attached")
    # Then the list offers it, by name, with its number as the value
    assert option.count() == 1
    assert "العتبة الكاظمية المقدسة" in option.first.inner_text()
    context.close()
