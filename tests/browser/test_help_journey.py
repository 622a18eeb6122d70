"""The grid volunteer service in a real browser: a resident asks for help on the public
form, the request reaches the team of their grid, the leader marks it on site and
resolved and logs the service, the resident rates it, and the volunteers' hours and
points appear on their cards.

Each person acts in their own browser context; the resident never logs in. Elements
are found by name, id and href, not by UI text. The journey runs with the mouse and with
the keyboard alone (the `ui` fixture).
"""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from helpdesk import antispam, services
from helpdesk.models import HelpRequest, ServiceLog
from scoring.models import PointsEntry
from tests.browser.keyboard import Mouse
from tests.browser.test_member_journey import log_in
from tests.factories import CapabilityTypeFactory, UserFactory
from tests.helpdesk.objects import make_volunteer

pytestmark = pytest.mark.browser


def _context(browser: Browser) -> Page:
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    return context.new_page()


def _person(browser: Browser, base: str, username: str, ui: Mouse) -> Page:
    page = _context(browser)
    log_in(page, base, username, ui)
    return page


def test_a_residents_request_goes_from_the_form_to_a_rated_service_and_points(
    live_server, browser: Browser, tree, team_leader, secretary, monkeypatch, ui
):
    # The resident types quickly here: a person needs a few seconds more.
    monkeypatch.setattr(antispam, "MIN_FILL_SECONDS", 0)
    cache.clear()
    base = live_server.url
    tree.grid.address = "秦望村1—3组"
    tree.grid.save()
    daily, medical = (
        CapabilityTypeFactory(name="生活服务型"),
        CapabilityTypeFactory(name="医疗服务型"),
    )
    zhang_user = UserFactory(username="zhang")
    zhang = make_volunteer(tree.branch, tree.grid, "章立新", daily, user=zhang_user)
    yu = make_volunteer(tree.branch, tree.grid, "俞桂兰", medical)
    lou = make_volunteer(tree.branch, tree.grid, "楼国强", daily)
    team = services.set_team(
        grid=tree.grid,
        name="秦望村第1网格服务队",
        leader=zhang,
        volunteers=[zhang, yu, lou],
        by=None,
    )

    # A resident picks their village and fills in the form, grid left to the address.
    resident = _context(browser)
    resident.goto(base + reverse("helpdesk:ask"))
    ui.click(resident.locator(f'a[href="{reverse("helpdesk:ask-form", args=[tree.branch.pk])}"]'))
    form = resident.locator("form#ask-form")
    ui.fill(form.locator("input[name=resident_name]"), "王大爷")
    ui.fill(form.locator("input[name=phone]"), "13905751234")
    ui.fill(form.locator("input[name=address]"), "秦望村2组15号")
    ui.select(form.locator("select[name=category]"), "daily_life")
    ui.fill(form.locator("textarea[name=description]"), "厨房水管漏水，需要帮忙修理。")
    ui.click(form.locator("button[type=submit]"))
    expect(resident.locator("#received")).to_be_visible()
    code = resident.locator("#request-code").inner_text().strip()
    status_url = base + reverse("helpdesk:request-status", args=[code])
    assert "13905751234" not in resident.content()

    # It reached the team of grid 1, whose leader finds it in their inbox.
    help_request = HelpRequest.objects.get(code=code)
    assert (help_request.grid, help_request.team, help_request.state) == (
        tree.grid,
        team,
        "dispatched",
    )
    leader = _person(browser, base, "leader", ui)
    detail = reverse("helpdesk:request-detail", args=[help_request.pk])
    leader.goto(base + reverse("inbox:list"))
    ui.click(leader.locator("main a", has_text=code).first)
    expect(leader).to_have_url(re.compile(re.escape(detail) + "$"))

    # On site, then resolved.
    ui.click(leader.locator("#mark-on-site"))
    expect(leader.locator("#resolve-form")).to_be_visible()
    ui.fill(leader.locator("#resolve-form textarea[name=resolution]"), "更换了水管接头")
    ui.click(leader.locator("#mark-resolved"))
    expect(leader.locator("#log-service")).to_be_visible()

    # The leader logs the service: two volunteers, two hours each.
    ui.click(leader.locator("#log-service"))
    log_form = leader.locator("form#log-form")
    ui.fill(log_form.locator("input[name=people_served]"), "王大爷")
    ui.fill(log_form.locator("textarea[name=content]"), "更换厨房水管接头")
    ui.fill(log_form.locator("input[name=hours]"), "2")
    ui.check(log_form.locator(f'input[name=volunteers][value="{zhang.pk}"]'))
    ui.check(log_form.locator(f'input[name=volunteers][value="{lou.pk}"]'))
    ui.click(log_form.locator("button[type=submit]"))
    expect(leader.locator("#team-logs")).to_contain_text("更换厨房水管接头")
    log = ServiceLog.objects.get()
    assert log.request == help_request

    # The resident follows the code and rates the service, once.
    resident.goto(status_url)
    expect(resident.locator("#request-state")).to_have_attribute("data-state", "resolved")
    ui.check(resident.locator("#rate-form input[name=rating][value='5']"))
    ui.click(resident.locator("#rate-form button[type=submit]"))
    expect(resident.locator("#rated")).to_be_visible()
    expect(resident.locator("#rate-form")).to_have_count(0)
    help_request.refresh_from_db()
    assert help_request.rating == 5

    # The volunteers' hours and points are on their cards.
    secretary_page = _person(browser, base, "secretary", ui)
    for volunteer in (zhang, lou):
        entry = PointsEntry.objects.get(member=volunteer.member)
        secretary_page.goto(base + reverse("scoring:points-card", args=[volunteer.member.pk]))
        card = secretary_page.locator("#card-months")
        expect(card).to_contain_text(log.activity.title)  # names the kind and the hours
        expect(secretary_page.locator("#year-total")).to_have_text(
            f"{entry.points:f}".rstrip("0").rstrip(".")
        )
        secretary_page.goto(base + reverse("helpdesk:volunteer-detail", args=[volunteer.pk]))
        expect(secretary_page.locator("#year-hours")).to_have_text("2")
    assert "2" in log.activity.title
    assert not PointsEntry.objects.filter(member=yu.member).exists()

    # The volunteer reads their own profile and hours too.
    own = _person(browser, base, "zhang", ui)
    own.goto(base + reverse("helpdesk:my-volunteer"))
    expect(own.locator("#year-hours")).to_have_text("2")
