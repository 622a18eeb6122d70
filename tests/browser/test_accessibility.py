"""axe-core over the main pages of every role and the public pages, in Chinese and English.

A page passes when axe finds no violation of impact "serious" or "critical". axe comes
from node_modules (package.json pins it; `make test` installs it with `npm ci`). It is
evaluated through the DevTools protocol rather than added as a <script> tag, so a
Content-Security-Policy that forbids inline script does not stop it.

The objects are those of tests/test_url_roles.py, so every page has something to show.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from scoring.documents import notice_token
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.keyboard import assert_focus_visible
from tests.test_url_roles import objects  # noqa: F401 - a fixture, requested by name

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

Kwargs = str | Callable[[dict], dict] | None

# (role, url name, kwargs): the key names an object of the `objects` fixture, passed as
# pk, or is a callable building the kwargs, as in tests/test_url_roles.py.
PAGES: list[tuple[str, str, Kwargs]] = [
    # A member with a log-in: their file, posts, pledge, card, grade, volunteer profile.
    ("member", "home", None),
    ("member", "members:member-detail", "member"),
    ("member", "posts:my-posts", None),
    ("member", "posts:pledge-detail", "pledge"),
    ("member", "posts:pledge-edit", "pledge"),
    ("member", "scoring:points-card", "member"),
    ("member", "scoring:evaluation-detail", "evaluation"),
    ("member", "helpdesk:volunteer-detail", "profile"),
    ("member", "inbox:list", None),
    ("member", "inbox:contact", None),
    # The branch secretary.
    ("secretary", "home", None),
    ("secretary", "members:unit-detail", "branch"),
    ("secretary", "members:member-list", "branch"),
    ("secretary", "members:member-detail", "member"),
    ("secretary", "members:member-add", "branch"),
    ("secretary", "members:branch-logins", "branch"),
    ("secretary", "members:unit-roles", "branch"),
    ("secretary", "members:member-leave", "member"),
    ("secretary", "posts:pledge-notice", "returned_pledge"),
    ("secretary", "posts:post-list", "branch"),
    ("secretary", "posts:post-add", "branch"),
    ("secretary", "posts:post-detail", "post"),
    ("secretary", "posts:choice-list", "branch"),
    ("secretary", "posts:pledge-list", "branch"),
    ("secretary", "posts:pledge-detail", "pledge"),
    ("secretary", "scoring:activity-list", "branch"),
    ("secretary", "scoring:activity-add", "branch"),
    ("secretary", "scoring:activity-detail", "activity"),
    ("secretary", "scoring:entry-correct", "entry"),
    ("secretary", "scoring:points-card", "member"),
    ("secretary", "scoring:tally-list", "branch"),
    ("secretary", "scoring:tally", lambda o: o["branch_month"]),
    ("secretary", "scoring:evaluation-branch", lambda o: o["branch_year"]),
    ("secretary", "scoring:evaluation-detail", "evaluation"),
    ("secretary", "scoring:dashboard", "branch"),
    ("secretary", "helpdesk:board", None),
    ("secretary", "helpdesk:request-add", None),
    ("secretary", "helpdesk:request-detail", "help_request"),
    ("secretary", "helpdesk:request-dispatch", "help_request"),
    ("secretary", "helpdesk:team-detail", "team"),
    ("secretary", "helpdesk:team-edit", "grid"),
    ("secretary", "helpdesk:volunteer-list", "branch"),
    ("secretary", "helpdesk:unit", "branch"),
    # The town organiser.
    ("town", "home", None),
    ("town", "posts:type-list", "town"),
    ("town", "posts:type-detail", "post_type"),
    ("town", "posts:publish-queue", "branch"),
    ("town", "posts:coverage", "town"),
    ("town", "scoring:unit-tally", lambda o: o["branch_month"] | {"pk": o["town"]}),
    ("town", "scoring:dashboard", "town"),
    ("town", "scoring:training-list", "town"),
    ("town", "scoring:training-add", "town"),
    ("town", "scoring:training-detail", "joint_training"),
    ("town", "helpdesk:board", None),
    ("town", "helpdesk:month-report", lambda o: o["branch_month"] | {"pk": o["town"]}),
    # The district organiser.
    ("district", "home", None),
    ("district", "scoring:dashboard", "district"),
    ("district", "scoring:rules", "district"),
    ("district", "scoring:evaluation-rules", lambda o: {"pk": o["district"], "year": 2026}),
    ("district", "members:capability-list", None),
    ("district", "members:partner-list", None),
    ("district", "helpdesk:excellence-rule", lambda o: {"pk": o["district"], "year": 2026}),
    # The leader of the grid's volunteer team.
    ("team_leader", "home", None),
    ("team_leader", "helpdesk:board", None),
    ("team_leader", "helpdesk:team-detail", "team"),
    ("team_leader", "helpdesk:log-add", "team"),
    ("team_leader", "helpdesk:request-detail", "help_request"),
    # Anyone, without logging in.
    ("anonymous", "login", None),
    ("anonymous", "activate", None),
    ("anonymous", "password_reset", None),
    ("anonymous", "posts:board", "branch"),
    ("anonymous", "posts:board-kiosk", "branch"),
    ("anonymous", "scoring:public-tally", "branch"),
    ("anonymous", "scoring:public-results", lambda o: o["branch_year"]),
    ("anonymous", "scoring:verify-notice", lambda o: {"token": notice_token(o["evaluation"])}),
    ("anonymous", "helpdesk:ask", None),
    ("anonymous", "helpdesk:ask-form", "branch"),
    ("anonymous", "helpdesk:request-status", lambda o: {"code": o["help_code"]}),
    ("anonymous", "posts:verify-post", lambda o: {"code": o["held_choice_code"]}),
    ("anonymous", "posts:verify-pledge", lambda o: {"code": o["pledge_code"], "version": 1}),
    ("anonymous", "helpdesk:verify-badge", lambda o: {"code": o["badge_code"]}),
]

LANGUAGES = ["zh-hans", "en"]

# Runs in the page: axe's own default rules, violations only, each reduced to what a
# reader of the failure needs.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run `npm ci --ignore-scripts` (or `make test`), which installs "
            "the axe-core that package-lock.json pins.",
            pytrace=False,
        )
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def accounts(district_organiser, town_organiser, secretary, team_leader, member_user) -> dict:
    return {
        "anonymous": None,
        "district": district_organiser,
        "town": town_organiser,
        "secretary": secretary,
        "team_leader": team_leader,
        "member": member_user,
    }


def _session_cookie(user: User, base: str) -> dict:
    """A logged-in session made on the server, so the test needs no log-in form."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base}


def _url(name: str, key: Kwargs, seeded: dict) -> str:
    if key is None:
        return reverse(name)
    kwargs = key(seeded) if callable(key) else {"pk": seeded[key]}
    return reverse(name, kwargs=kwargs)


def axe_violations(page: Page, axe_source: str) -> list[dict]:
    """The serious and critical violations axe finds on the page as it is now."""
    page.evaluate(axe_source + "\n;0")
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    {node['target']}")
            summary = " ".join(node["summary"].split())
            lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def _page_id(page: tuple) -> str:
    role, name, _key = page
    return f"{role}-{name.replace(':', '.')}"


@pytest.mark.parametrize(("role", "name", "key"), PAGES, ids=[_page_id(p) for p in PAGES])
def test_page_has_no_serious_accessibility_violation(
    live_server,
    browser: Browser,
    axe_source,
    accounts,
    objects,  # noqa: F811 - the fixture imported above
    role,
    name,
    key,
):
    base = live_server.url
    url = base + _url(name, key, objects)
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        if accounts[role] is not None:
            context.add_cookies([_session_cookie(accounts[role], base)])
        page = context.new_page()
        found = {}
        for language in LANGUAGES:
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
            )
            response = page.goto(url)
            assert response is not None and response.status == 200, (
                f"{url} as {role}: {response and response.status}, at {page.url}"
            )
            page.wait_for_load_state("load")
            expected_lang = "zh-Hans" if language == "zh-hans" else language
            assert page.locator("html").get_attribute("lang") == expected_lang
            violations = axe_violations(page, axe_source)
            if violations:
                found[language] = violations
    finally:
        context.close()
    report = "\n".join(f"[{language}]\n{describe(v)}" for language, v in found.items())
    assert not found, f"axe on {url} as {role}:\n{report}"


def test_the_first_tab_stop_skips_to_the_main_content(live_server, page: Page, secretary):
    base = live_server.url
    page.context.add_cookies([_session_cookie(secretary, base)])
    page.goto(base + reverse("home"))
    skip = page.locator("a.skip-link")
    expect(skip).not_to_be_in_viewport()  # hidden until focused

    page.keyboard.press("Tab")

    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page, skip)
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
