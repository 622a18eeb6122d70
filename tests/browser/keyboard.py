"""Mouse or keyboard: the same journey steps, done either way.

A journey asks the `ui` fixture (tests/browser/conftest.py) to click, fill, check and
select. With the mouse these are Playwright's own actions. With the keyboard alone the
element is reached with Tab (never focused by script), then Enter or Space activates
it, text is typed, and options and radio buttons are chosen with the arrow keys; each
element reached must show a visible focus indicator. Reaching nothing within
MAX_TABS presses fails, naming the element sought and the one last focused.
"""

import datetime as dt

from playwright.sync_api import Locator, Page

MAX_TABS = 120
MAX_ARROWS = 40

# Runs on the element sought: is it the focused one (for a radio button, is a button of
# its group focused, since Tab stops once per group)?
_IS_FOCUSED = """(el) => {
  const active = document.activeElement;
  if (active === el) return true;
  return el.type === "radio" && active && active.type === "radio" && active.name === el.name
    && active.form === el.form;
}"""

# A short description of the focused element, for failure messages.
_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "<body> (nothing focused)";
  return el.outerHTML.slice(0, 160);
}"""

# The focused element shows a ring: an outline or a box shadow. Bootstrap draws some
# rings with a transition, hence the polling by wait_for_function.
_FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outline || (style.boxShadow && style.boxShadow !== "none");
}"""


class FocusNotReached(AssertionError):
    pass


def describe(target: Locator) -> str:
    try:
        html = target.evaluate("(el) => el.outerHTML.slice(0, 160)", timeout=2_000)
    except Exception:  # noqa: BLE001 - only for the message: the element may not exist
        html = "(no such element)"
    return f"{target} {html}"


def tab_to(target: Locator, *, max_presses: int = MAX_TABS) -> None:
    """Press Tab until `target` has the focus, and check that the focus shows."""
    page = target.page
    target.wait_for(state="visible")
    for _press in range(max_presses + 1):
        if target.evaluate(_IS_FOCUSED):
            assert_focus_visible(page, target)
            return
        page.keyboard.press("Tab")
    raise FocusNotReached(
        f"{max_presses} presses of Tab did not reach {describe(target)}; "
        f"the focus is on {page.evaluate(_ACTIVE)}"
    )


def assert_focus_visible(page: Page, target: Locator | None = None) -> None:
    """The focused element draws an outline or a box shadow."""
    try:
        page.wait_for_function(_FOCUS_VISIBLE, timeout=2_000)
    except Exception as exc:
        what = describe(target) if target is not None else page.evaluate(_ACTIVE)
        raise AssertionError(f"No visible focus indicator on {what}") from exc


class Mouse:
    """Playwright's own actions: the pointer clicks, text is filled in at once."""

    mode = "mouse"

    def click(self, target: Locator) -> None:
        target.click()

    def fill(self, target: Locator, text: str) -> None:
        target.fill(text)

    def check(self, target: Locator) -> None:
        target.check()

    def select(self, target: Locator, value: str) -> None:
        target.select_option(value)


class Keyboard(Mouse):
    """The keyboard alone: Tab, Enter, Space, the arrows and typing."""

    mode = "keyboard"

    def __init__(self) -> None:
        self.focus_checks = 0

    def _reach(self, target: Locator) -> Page:
        tab_to(target)
        self.focus_checks += 1
        return target.page

    def click(self, target: Locator) -> None:
        self._reach(target)
        kind = target.evaluate("(el) => (el.type || '').toLowerCase()")
        # Pressed on the element Tab reached (press's focus() is then a no-op), so that
        # Playwright waits for the navigation the key starts, as it does after a click.
        target.press("Space" if kind in {"checkbox", "radio"} else "Enter")

    def fill(self, target: Locator, text: str) -> None:
        page = self._reach(target)
        kind = target.evaluate("(el) => (el.type || '').toLowerCase()")
        if kind == "date":
            self._type_date(page, target, dt.date.fromisoformat(text))
        else:
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.press("Delete")
            page.keyboard.type(text)
        got = target.input_value()
        assert got == text, f"typed {text!r} into {describe(target)}, which holds {got!r}"

    def _type_date(self, page: Page, target: Locator, day: dt.date) -> None:
        """Type a date segment by segment. The order of the segments follows the
        browser's own locale, not the page's, so each order is tried in turn; between
        tries Shift+Tab leaves the field and Tab comes back to its first segment."""
        year, month, date = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
        attempts = [[month, date, year], [date, month, year], [year, "ArrowRight", month, date]]
        for keys in attempts:
            for key in keys:
                if key.startswith("Arrow"):
                    page.keyboard.press(key)
                else:
                    page.keyboard.type(key)
            if target.input_value() == day.isoformat():
                return
            for _press in range(5):
                if not target.evaluate("(el) => el === document.activeElement"):
                    break
                page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")

    def check(self, target: Locator) -> None:
        page = self._reach(target)
        if target.evaluate("(el) => el.type") == "radio":
            if target.evaluate("(el) => el === document.activeElement"):
                page.keyboard.press("Space")
            self._arrow_to(page, target, lambda: target.is_checked())
        elif not target.is_checked():
            page.keyboard.press("Space")
        assert target.is_checked(), f"Space did not tick {describe(target)}"

    def select(self, target: Locator, value: str) -> None:
        page = self._reach(target)
        self._arrow_to(page, target, lambda: target.input_value() == value)

    def _arrow_to(self, page: Page, target: Locator, done) -> None:
        """Arrow down through the options (a select) or the group (radio buttons)
        until `done()`, then back up if the choice lies above the current one."""
        for key in ("ArrowDown", "ArrowUp"):
            for _press in range(MAX_ARROWS):
                if done():
                    return
                page.keyboard.press(key)
        if not done():
            raise AssertionError(f"The arrow keys did not reach the choice in {describe(target)}")


def ui_for(mode: str) -> Mouse:
    return Keyboard() if mode == "keyboard" else Mouse()
