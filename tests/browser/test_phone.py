"""Phone first (issue 15, point 4): every role's main pages on a 390×844 phone, in Chinese.

No page scrolls sideways (document.documentElement.scrollWidth <= 390) and every visible
target in the main content and the header bar (a, button, input, select, textarea,
[role=button], summary; the closed menu's items are not visible) is at least 44 px high
(WCAG 2.5.5). A checkbox or radio button counts with its label,
which is its target too. Exempt, as WCAG 2.5.8 exempts them: a link inside running
text (an inline link in a <p>, a form's help text or an alert), whose height is the
line's; and what is hidden from everyone (the help form's honeypot, aria-hidden).

The pages are those of tests/browser/test_accessibility.py (the same objects, built by
tests/test_url_roles.py). The widest page is printed (run with -s to see it) and named in
any failure. Large text (大字版) is checked too: the member's pages, 125 % larger, still fit.

PHONE_SCREENSHOTS=<folder> saves a full-page screenshot of every page measured, to look at:
  PHONE_SCREENSHOTS=/tmp/phone-shots DATABASE_URL=postgres://… pytest tests/browser/test_phone.py
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from inbox.models import DisplayPreference, Notification
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_accessibility import (
    PAGES,
    _session_cookie,
    _url,
    accounts,  # noqa: F401 - a fixture
)
from tests.test_url_roles import objects  # noqa: F401 - a fixture, requested by name

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
MIN_TARGET = 44
SCREENSHOTS = os.environ.get("PHONE_SCREENSHOTS", "")

# Runs in the page: its width and the targets smaller than MIN_TARGET, described.
MEASURE = """(minTarget) => {
  const inSentence = (el) => el.tagName === "A" && getComputedStyle(el).display === "inline"
    && el.closest("p, .form-text, .alert") !== null;
  const hidden = (el) => el.closest("[aria-hidden=true], .visually-hidden") !== null;
  const small = [];
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, [role=button], summary";
  const roots = [...document.querySelectorAll("main, nav.navbar")];
  const targets = (roots.length ? roots : [document.body]).flatMap((root) => [...root.querySelectorAll(selector)]);
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === "hidden") {
      continue;
    }
    if (hidden(el) || inSentence(el)) {
      continue;
    }
    let height = box.height;
    for (const label of el.labels || []) {
      height = Math.max(height, label.getBoundingClientRect().height);
    }
    if (height < minTarget) {
      const text = (el.innerText || el.value || el.name || el.getAttribute("aria-label") || "")
        .trim().replace(/\\s+/g, " ").slice(0, 30);
      small.push(`<${el.tagName.toLowerCase()} class="${el.className}"> "${text}": ${height.toFixed(1)} px`);
    }
  }
  return {width: document.documentElement.scrollWidth, small: small};
}"""


def _screenshot(page: Page, label: str, url: str) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9]+", "_", f"{label}{url}").strip("_")
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _measure_pages(
    browser: Browser, base: str, user, urls: list[str], label: str = ""
) -> list[tuple]:
    """(url, page width, small targets) for each URL, as `user` (None: a visitor)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": base}])
    if user is not None:
        context.add_cookies([_session_cookie(user, base)])
    found = []
    try:
        page = context.new_page()
        for url in urls:
            response = page.goto(base + url)
            assert response is not None and response.status == 200, (
                f"{url}: {response and response.status}, at {page.url}"
            )
            page.wait_for_load_state("load")
            measured = page.evaluate(MEASURE, MIN_TARGET)
            found.append((url, measured["width"], measured["small"]))
            _screenshot(page, label, url)
    finally:
        context.close()
    return found


def _report(found: list[tuple]) -> tuple[tuple, list[str]]:
    widest = max(found, key=lambda row: row[1])
    problems = []
    for url, width, small in found:
        if width > WIDTH:
            problems.append(f"{url} scrolls sideways: {width} px wide")
        problems.extend(f"{url}: {target}" for target in small)
    return widest, problems


def test_no_page_scrolls_sideways_and_every_target_is_44_px_high(
    live_server,
    browser: Browser,
    accounts,  # noqa: F811
    objects,  # noqa: F811
):
    base = live_server.url
    by_role: dict[str, list[str]] = {}
    for role, name, key in PAGES:
        by_role.setdefault(role, []).append(_url(name, key, objects))
    found = []
    for role, urls in by_role.items():
        found += [
            (f"{url} ({role})", width, small)
            for url, width, small in _measure_pages(browser, base, accounts[role], urls, role)
        ]
    widest, problems = _report(found)
    print(f"\n{len(found)} pages at {WIDTH}×{HEIGHT}; widest: {widest[0]}, {widest[1]} px")
    assert len(by_role) == 6  # district, town, secretary, team leader, member, public
    heading = f"at {WIDTH} px (widest page: {widest[0]}, {widest[1]} px):"
    assert not problems, "\n".join([heading, *problems])


def test_large_text_scales_the_member_pages_and_they_still_fit(
    live_server,
    browser: Browser,
    member_user,
    objects,  # noqa: F811
):
    DisplayPreference.objects.create(user=member_user, large_text=True)
    base = live_server.url
    urls = [_url(name, key, objects) for role, name, key in PAGES if role == "member"]
    found = _measure_pages(browser, base, member_user, urls, "large_member")
    widest, problems = _report(found)
    print(f"\nlarge text: widest member page {widest[0]}, {widest[1]} px")
    assert not problems, "\n".join(problems)


def test_the_header_switch_turns_large_text_on_and_it_stays_on(
    live_server,
    page: Page,
    member_user,
):
    base = live_server.url
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.context.add_cookies([_session_cookie(member_user, base)])
    page.goto(base + reverse("posts:my-posts"))
    root_size = "getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(root_size) == "16px"
    switch = page.locator(".text-size-switch button")
    expect(switch).to_be_visible()  # on the bar itself, not inside the closed menu
    switch.click()
    expect(page).to_have_url(base + reverse("posts:my-posts"))
    expect(page.locator("html")).to_have_class("large-text")
    assert page.evaluate(root_size) == "20px"
    page.goto(base + reverse("inbox:list"))
    assert page.evaluate(root_size) == "20px"
    assert DisplayPreference.objects.get(user=member_user).large_text
    page.locator(".text-size-switch button").click()
    expect(page.locator("html")).not_to_have_class("large-text")
    assert page.evaluate(root_size) == "16px"


def test_the_closed_menu_button_shows_the_unread_count(
    live_server,
    page: Page,
    member_user,
):
    Notification.objects.create(recipient=member_user, subject="岗位已确认", body="已确认。")
    Notification.objects.create(recipient=member_user, subject="承诺书已退回", body="请修改。")
    base = live_server.url
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.context.add_cookies([_session_cookie(member_user, base)])
    page.goto(base + reverse("home"))
    toggler = page.locator(".navbar-toggler")
    badge = toggler.locator(".toggler-badge")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    toggler.click()
    # Open, the menu's own Inbox item shows the count; the button's badge steps aside.
    inbox_item = page.locator(f"#main-nav a[href='{reverse('inbox:list')}']")
    expect(inbox_item.locator(".badge")).to_be_visible()
    expect(badge).to_be_hidden()


def test_the_member_list_is_a_pile_of_cards_on_a_phone_and_a_table_on_a_desk(
    live_server,
    page: Page,
    secretary,
    objects,  # noqa: F811
):
    base = live_server.url
    page.context.add_cookies(
        [
            _session_cookie(secretary, base),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": base},
        ]
    )
    url = base + reverse("members:member-list", args=[objects["branch"]])
    row = page.locator("#member-table tbody tr").first
    label = "(cell) => getComputedStyle(cell, '::before').content"

    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(url)
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "block"
    expect(page.locator("#member-table thead")).not_to_be_in_viewport()
    cells = row.locator("td")
    assert cells.nth(2).evaluate(label) == '"网格"'  # each cell says its column
    expect(row.locator(".masked-id")).to_be_hidden()  # no ID number on a phone
    # A cell with nothing in it (no exemption) leaves the card.
    expect(cells.last).to_be_hidden()
    # The filters fold under one button, open on a tap.
    filters = page.locator("#member-filters")
    expect(filters).to_be_hidden()
    page.locator("[data-bs-target='#member-filters']").click()
    expect(filters).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "table-row"
    expect(row.locator(".masked-id")).to_be_visible()
    expect(page.locator("#member-filters")).to_be_visible()
