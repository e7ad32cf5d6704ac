"""Moving an agreement through a review in a real browser (Debian's Chromium, Playwright)."""

import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from hamafza.agreements.models import AgreementReview, AgreementState
from hamafza.agreements.tests.factories import AgreementFactory, ReviewRoundFactory, kind
from hamafza.directory.tests.factories import UserFactory

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


def test_a_coordinator_downgrades_an_mou_through_a_review(browser, live_server, office, partner):
    # Given an active MoU between the office and a partner, under review in an open round
    mou = AgreementFactory(
        owner=office, parties=[office, partner], kind=kind("mou"), code="MOU-1404-0017"
    )
    round_ = ReviewRoundFactory(owner=office, title="Review of earlier MoUs")
    review = AgreementReview.objects.create(round=round_, agreement=mou)
    UserFactory(username="coordinator", is_coordinator=True)
    context = browser.new_context(locale="en", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # When a coordinator signs in
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", "pass")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    # and opens the round, where the MoU is listed as active and undecided
    page.goto(live_server.url + reverse("agreements:review-detail", args=[round_.pk]))
    row = page.locator(f"#review-{review.pk}")
    assert row.locator(".hz-state").inner_text() == "Active"
    # records the decision "downgrade" to an agreement, with its reasoning
    with page.expect_navigation():
        row.get_by_role("link", name="Decide").click()
    page.select_option("#id_decision", "downgrade")
    page.select_option("#id_new_kind", str(kind("agreement").pk))
    page.fill("#id_reasoning", "Its commitments cannot be followed up as an MoU.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    row = page.locator(f"#review-{review.pk}")
    assert "Downgrade to a lighter kind" in row.locator(".hz-decision").inner_text()
    assert row.locator(".hz-new-kind").inner_text() == "Agreement"
    # and applies it
    with page.expect_navigation():
        row.get_by_role("button", name="Apply").click()
    # Then the MoU is shown downgraded, with a link to its successor, an agreement
    row = page.locator(f"#review-{review.pk}")
    assert row.locator(".hz-state").inner_text() == "Downgraded"
    link = row.locator("a.hz-result")
    review.refresh_from_db()
    successor = review.result
    assert successor is not None and successor.pk != mou.pk
    assert link.get_attribute("href") == reverse("agreements:detail", args=[successor.pk])
    assert successor.code in link.inner_text()
    assert successor.kind.code == "agreement"
    assert successor.replaces_id == mou.pk and successor.state == AgreementState.ACTIVE
    mou.refresh_from_db()
    assert mou.state == AgreementState.DOWNGRADED
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "agreements-review-downgrade.png"), full_page=True)
    context.close()
