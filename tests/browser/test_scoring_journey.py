"""Steps 4–5 in a real browser: an activity is recorded with its attendance, the points
show on the member's card, the month is published, an entry of it is corrected (the
published month stays as it was, the next month shows the correction), and the
year-end evaluation is opened, voted, computed and published, so the member sees
their grade.

Two people act, each in their own browser context: the branch secretary and the
member. "The month" is last month (the tally of a month can be published once it has
begun), or this month in January, so that the month after it, where the correction
counts, is in the same year on any day the suite runs. The member finds their card and
their result through the menu. Elements are found by name, href and id, not by UI text. The journey runs with the
mouse and with the keyboard alone (the `ui` fixture).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from scoring.models import Evaluation, EvaluationRule, MonthlyTally, PointsEntry
from tests.browser.keyboard import Mouse
from tests.browser.test_member_journey import log_in
from tests.factories import ChoiceFactory, PostFactory

pytestmark = pytest.mark.browser


def _person(browser: Browser, base: str, username: str, ui: Mouse) -> Page:
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the "publish and freeze?" question
    log_in(page, base, username, ui)
    return page


def _submit(ui: Mouse, page: Page, selector: str) -> None:
    ui.click(page.locator(selector).first)
    page.wait_for_load_state()


def _post(ui: Mouse, page: Page, url: str) -> None:
    """Press the button of the form that posts to `url`."""
    _submit(ui, page, f'form[action="{url}"] button[type=submit]')


def test_points_go_from_an_activity_to_the_card_the_tally_and_the_year_end_grade(
    live_server, browser: Browser, tree, secretary, member_user, member, ui
):
    base = live_server.url
    this_month = timezone.localdate().replace(day=1)
    if this_month.month == 1:
        month = this_month
    else:
        month = (this_month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    year = month.year
    me = member_user.member_file
    post = PostFactory(branch=tree.branch, year=year)
    for holder in (me, member):
        ChoiceFactory(post=post, member=holder, status="confirmed")
    secretary_page = _person(browser, base, "secretary", ui)
    member_page = _person(browser, base, "member", ui)

    # The secretary records a night patrol of last month with both members ticked.
    secretary_page.goto(base + reverse("scoring:activity-add", args=[tree.branch.pk]))
    form = secretary_page.locator("#activity-form")
    ui.select(form.locator("select[name=kind]"), "collective")
    ui.fill(form.locator("input[name=title]"), "夜间治安巡逻")
    ui.fill(form.locator("input[name=held_on]"), month.isoformat())
    for holder in (me, member):
        ui.check(form.locator(f"input[name=members][value='{holder.pk}']"))
    _submit(ui, secretary_page, "#activity-form button[type=submit]")
    expect(secretary_page.locator("#attendance")).to_contain_text(me.name)
    entry = PointsEntry.objects.get(member=me)

    # The member opens their card from the menu and sees the points.
    menu_card = f'nav a[href="{reverse("scoring:my-card")}"]'
    _submit(ui, member_page, menu_card)
    expect(member_page).to_have_url(base + reverse("scoring:my-card"))  # the card itself
    expect(member_page.locator("main h1")).to_contain_text(me.name)
    expect(member_page.locator("#year-total")).to_have_text("2")

    # The secretary publishes the month; its lines are frozen.
    tally_url = reverse("scoring:tally", args=[tree.branch.pk, year, month.month])
    secretary_page.goto(base + tally_url)
    _post(
        ui,
        secretary_page,
        reverse("scoring:tally-publish", args=[tree.branch.pk, year, month.month]),
    )
    assert MonthlyTally.objects.filter(branch=tree.branch, month=month).exists()
    frozen = secretary_page.locator("#tally-lines").inner_text()
    assert me.name in frozen

    # The secretary corrects the member's entry: half the patrol only.
    secretary_page.goto(
        base + reverse("scoring:activity-detail", args=[entry.attendance.activity_id])
    )
    correct = reverse("scoring:entry-correct", args=[entry.pk])
    _submit(ui, secretary_page, f'#entry-table a[href="{correct}"]')
    correction_form = secretary_page.locator("main form[method=post]")
    ui.fill(correction_form.locator("input[name=right_points]"), "1")
    ui.fill(correction_form.locator("input[name=reason]"), "中途离开，按半程计分")
    _submit(ui, secretary_page, "main form[method=post] button[type=submit]")
    correction = PointsEntry.objects.get(corrects=entry)
    assert (correction.points, correction.month) == (Decimal("-1"), next_month)

    # The published month is unchanged; the next month shows the correction.
    secretary_page.goto(base + tally_url)
    assert secretary_page.locator("#tally-lines").inner_text() == frozen
    secretary_page.goto(
        base + reverse("scoring:tally", args=[tree.branch.pk, next_month.year, next_month.month])
    )
    expect(secretary_page.locator("#tally-corrections")).to_contain_text(me.name)
    expect(secretary_page.locator("#tally-corrections")).to_contain_text("中途离开，按半程计分")
    assert next_month.year == year
    _submit(ui, member_page, menu_card)
    expect(member_page.locator("#year-total")).to_have_text("1")
    expect(member_page.locator("#card-months .correction")).to_have_count(1)

    # The year-end evaluation: open, enter the paper votes of both voter groups (six
    # party members, four residents' representatives), compute, publish.
    # The district scores points against the branch's best (the default is a yearly
    # target, which two points would never reach).
    EvaluationRule.objects.create(
        district=tree.district, year=year, points_method="best", target_points=None
    )
    board = reverse("scoring:evaluation-branch", args=[tree.branch.pk, year])
    secretary_page.goto(base + board)
    _post(ui, secretary_page, reverse("scoring:evaluation-open", args=[tree.branch.pk, year]))
    for holder, of_members, of_residents in ((me, "6", "4"), (member, "5", "3")):
        evaluation = Evaluation.objects.get(member=holder, year=year)
        secretary_page.goto(base + reverse("scoring:evaluation-detail", args=[evaluation.pk]))
        paper = secretary_page.locator("#paper-form")
        ui.fill(paper.locator("input[name=paper-member_favourable]"), of_members)
        ui.fill(paper.locator("input[name=paper-member_total]"), "6")
        ui.fill(paper.locator("input[name=paper-resident_favourable]"), of_residents)
        ui.fill(paper.locator("input[name=paper-resident_total]"), "4")
        _submit(ui, secretary_page, "#paper-form button[type=submit]")
    secretary_page.goto(base + board)
    _post(ui, secretary_page, reverse("scoring:evaluation-compute", args=[tree.branch.pk, year]))
    _post(ui, secretary_page, reverse("scoring:evaluation-publish", args=[tree.branch.pk, year]))
    expect(secretary_page.locator("#evaluation-table [data-grade]")).to_have_count(2)

    # The member sees their grade: points 1 of the branch's best 2 (score 50), all ten
    # votes favourable (100): 75, good. The menu leads there.
    _submit(ui, member_page, f'nav a[href="{reverse("scoring:my-evaluation")}"]')
    mine = Evaluation.objects.get(member=me, year=year)
    expect(member_page).to_have_url(base + reverse("scoring:evaluation-detail", args=[mine.pk]))
    expect(member_page.locator("h1 [data-grade]")).to_have_attribute("data-grade", "good")
    expect(member_page.locator("#computation")).to_be_visible()
    expect(member_page.locator("#votes tbody tr")).to_have_count(2)  # one row per voter group
    assert (mine.points_total, mine.final_score) == (Decimal("1"), Decimal("75.0"))
