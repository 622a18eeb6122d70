"""Nothing falls through (issue 18, point 8), on a 390×844 phone in Chinese: a resident
asks for help from a grid that has no service team; the branch secretary is alerted in
their inbox at once and sends the request to a team; its leader marks it on site,
resolves it and logs the service with three hours, then corrects them to two with a
reason; the volunteer opens their own record and sees two hours.

Each person acts in their own browser context; the resident never logs in. Elements are
found by name, id and href, not by UI text. One way through, with the mouse (the help
journey covers the keyboard)."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from helpdesk import antispam, services
from helpdesk.models import HelpRequest, ServiceLog
from members.models import Unit
from tests.browser.test_member_journey import log_in
from tests.factories import CapabilityTypeFactory, UnitFactory, UserFactory
from tests.helpdesk.objects import make_volunteer

pytestmark = pytest.mark.browser


def _phone(browser: Browser) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    return context.new_page()


def _person(browser: Browser, base: str, username: str) -> Page:
    page = _phone(browser)
    log_in(page, base, username)
    return page


WIDER_THAN_THE_PHONE = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > 391)
  .slice(0, 5)
  .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.innerText.slice(0, 40)}`)"""


def _fits(page: Page) -> None:
    """Nothing scrolls sideways once the page has its styles; a failure names what
    sticks out."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width, page.evaluate(WIDER_THAN_THE_PHONE))


def test_a_request_from_a_grid_without_a_team_is_owned_served_and_corrected(
    live_server, browser: Browser, tree, secretary, monkeypatch
):
    monkeypatch.setattr(antispam, "MIN_FILL_SECONDS", 0)
    cache.clear()
    base = live_server.url
    # Grid 1 has no team; grid 2 of the same village has one, led by 章立新.
    tree.grid.address = "秦望村1—3组"
    tree.grid.save()
    grid2 = UnitFactory(kind=Unit.Kind.GRID, name="第2网格", code="G2", parent=tree.branch)
    daily, medical = (
        CapabilityTypeFactory(name="生活服务型"),
        CapabilityTypeFactory(name="医疗服务型"),
    )
    zhang = make_volunteer(tree.branch, grid2, "章立新", daily, user=UserFactory(username="zhang"))
    yu = make_volunteer(tree.branch, grid2, "俞桂兰", medical)
    lou = make_volunteer(tree.branch, grid2, "楼国强", daily)
    team = services.set_team(
        grid=grid2, name="秦望村第2网格服务队", leader=zhang, volunteers=[zhang, yu, lou], by=None
    )

    # The resident asks from grid 1: nobody serves it, and the page says who was told.
    resident = _phone(browser)
    resident.goto(base + reverse("helpdesk:ask-form", args=[tree.branch.pk]))
    form = resident.locator("form#ask-form")
    form.locator("input[name=resident_name]").fill("王大爷")
    form.locator("input[name=phone]").fill("13905751234")
    form.locator("input[name=address]").fill("秦望村2组15号")
    form.locator("select[name=category]").select_option("daily_life")
    form.locator("textarea[name=description]").fill("厨房水管漏水，需要帮忙修理。")
    form.locator("button[type=submit]").click()
    expect(resident.locator("#received")).to_be_visible()
    _fits(resident)
    code = resident.locator("#request-code").inner_text().strip()
    help_request = HelpRequest.objects.get(code=code)
    assert (help_request.grid, help_request.team) == (tree.grid, None)

    # The secretary finds the alert in their inbox, opens the request and sends it to
    # grid 2's team.
    sec = _person(browser, base, secretary.username)
    sec.goto(base + reverse("inbox:list"))
    sec.locator("main a", has_text=code).first.click()
    detail = reverse("helpdesk:request-detail", args=[help_request.pk])
    expect(sec).to_have_url(re.compile(re.escape(detail) + "$"))
    _fits(sec)
    sec.locator("#dispatch").click()
    sec.locator("select[name=team]").select_option(str(team.pk))
    sec.locator("main form button[type=submit]").click()
    expect(sec).to_have_url(re.compile(re.escape(detail) + "$"))
    help_request.refresh_from_db()
    assert help_request.team == team

    # The leader marks it on site and resolved, and logs three hours for two volunteers.
    leader = _person(browser, base, "zhang")
    leader.goto(base + detail)
    leader.locator("#mark-on-site").click()
    leader.locator("#resolve-form textarea[name=resolution]").fill("更换了水管接头")
    leader.locator("#mark-resolved").click()
    leader.locator("#log-service").click()
    log_form = leader.locator("form#log-form")
    log_form.locator("input[name=people_served]").fill("王大爷")
    log_form.locator("textarea[name=content]").fill("更换厨房水管接头")
    log_form.locator("input[name=hours]").fill("3")
    log_form.locator(f'input[name=volunteers][value="{zhang.pk}"]').check()
    log_form.locator(f'input[name=volunteers][value="{lou.pk}"]').check()
    log_form.locator("button[type=submit]").click()
    expect(leader.locator("#team-logs")).to_contain_text("更换厨房水管接头")
    log = ServiceLog.objects.get()

    # Two hours, not three: corrected with a reason, never edited.
    leader.goto(base + reverse("helpdesk:log-correct", args=[log.pk]))
    correct = leader.locator("form#correct-form")
    correct.locator("input[name=hours]").fill("2")
    correct.locator("[name=reason]").fill("实际服务两小时，登记时写错")
    correct.locator("button[type=submit]").click()
    expect(leader.locator("main")).to_contain_text("实际服务两小时")
    _fits(leader)

    # The volunteer sees the corrected hours on their own record.
    leader.goto(base + reverse("helpdesk:my-volunteer"))
    expect(leader.locator("#year-hours")).to_have_text("2")
    _fits(leader)
    (correction,) = log.corrections.all()
    assert (correction.hours_before, correction.hours_after) == (Decimal("3"), Decimal("2"))
