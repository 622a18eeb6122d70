"""Playwright fixtures: Debian's Chromium, one browser per session, one context per test.

No browser is ever downloaded. Without /usr/bin/chromium the browser tests fail (they
do not skip), so a machine that cannot run them is noticed.
"""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse ORM calls made from the test body. The root conftest sets it too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from tests.browser.keyboard import Keyboard, Mouse, ui_for  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


def _chromium_version() -> str:
    try:
        result = subprocess.run(  # noqa: S603 - a fixed path, no user input
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unknown ({exc})"
    return result.stdout.strip() or "unknown"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Install it with `apt-get install chromium` (scripts/install-system-packages.sh "
            "test); these tests never download a browser.",
            pytrace=False,
        )
    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Exception as exc:
            pytest.fail(
                f"Playwright could not launch {CHROMIUM} ({_chromium_version()}): {exc}",
                pytrace=False,
            )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(params=["mouse", "keyboard"])
def ui(request) -> Iterator[Mouse]:
    """How a journey's people work the pages: with the mouse, or the keyboard alone
    (tests/browser/keyboard.py). A journey asking for it runs once each way."""
    chosen = ui_for(request.param)
    yield chosen
    if isinstance(chosen, Keyboard):
        assert chosen.focus_checks > 0, "the keyboard journey never checked a focus indicator"


def pytest_collection_modifyitems(items) -> None:
    """Every test of this folder drives the browser: marked so, whether or not its module
    says it, so `-m "not browser"` leaves them all out (CI runs them on PostgreSQL only)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
