"""The Content-Security-Policy breaks nothing: Chromium reports no violation on the main
pages, and the scripts the pages need still run."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in

pytestmark = pytest.mark.browser


def _violations(page: Page) -> list[str]:
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_the_main_pages_break_no_rule_of_the_policy(live_server, page: Page, tree, secretary):
    violations = _violations(page)
    log_in(page, live_server.url, "secretary")
    branch = tree.branch.pk
    for path in [
        reverse("home"),
        reverse("members:unit-detail", args=[branch]),
        reverse("members:member-add", args=[branch]),
        reverse("scoring:tally-list", args=[branch]),
        reverse("scoring:dashboard", args=[branch]),
        reverse("members:login-failures"),
        reverse("posts:board-kiosk", args=[branch]),
        reverse("helpdesk:ask-form", args=[branch]),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
    assert violations == []


def test_the_language_switch_still_submits_itself(live_server, page: Page, tree, secretary):
    violations = _violations(page)
    log_in(page, live_server.url, "secretary")
    # The switch submits itself from app.js, which runs at the end of the page: on a
    # loaded machine the URL changes before it has run.
    page.wait_for_load_state("load")
    page.select_option("#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []
