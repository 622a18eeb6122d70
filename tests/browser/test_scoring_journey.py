"""Steps 4–5 in a real browser: an activity is recorded with its attendance, the points
show on the member's card, the month is published, an entry of it is corrected (the
published month stays as it was, the next month shows the correction), and the
year-end evaluation is opened, voted, computed and published, so the member sees
their grade.

Two people act, each in their own browser context: the branch secretary and the
member. "The month" is last month (the tally of a month can be published once it has
begun), so in January it is December of last year and the evaluation is last year's.
Elements are found by name, href and id, not by UI text.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from scoring.models import Evaluation, MonthlyTally, PointsEntry
from tests.browser.test_member_journey import log_in
from tests.factories import ChoiceFactory, PostFactory

pytestmark = pytest.mark.browser


def _person(browser: Browser, base: str, username: str) -> Page:
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the "publish and freeze?" question
    log_in(page, base, username)
    return page


def _submit(page: Page, selector: str) -> None:
    page.locator(selector).first.click()
    page.wait_for_load_state()


def _post(page: Page, url: str) -> None:
    """Press the button of the form that posts to `url`."""
    _submit(page, f'form[action="{url}"] button[type=submit]')


def test_points_go_from_an_activity_to_the_card_the_tally_and_the_year_end_grade(
    live_server, browser: Browser, tree, secretary, member_user, member
):
    base = live_server.url
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    year = month.year
    me = member_user.member_file
    post = PostFactory(branch=tree.branch, year=year)
    for holder in (me, member):
        ChoiceFactory(post=post, member=holder, status="confirmed")
    secretary_page = _person(browser, base, "secretary")
    member_page = _person(browser, base, "member")

    # The secretary records a night patrol of last month with both members ticked.
    secretary_page.goto(base + reverse("scoring:activity-add", args=[tree.branch.pk]))
    form = secretary_page.locator("#activity-form")
    form.locator("select[name=kind]").select_option("collective")
    form.locator("input[name=title]").fill("夜间治安巡逻")
    form.locator("input[name=held_on]").fill(month.replace(day=10).isoformat())
    for holder in (me, member):
        form.locator(f"input[name=members][value='{holder.pk}']").check()
    _submit(secretary_page, "#activity-form button[type=submit]")
    expect(secretary_page.locator("#attendance")).to_contain_text(me.name)
    entry = PointsEntry.objects.get(member=me)

    # The member sees the points on their card.
    card = reverse("scoring:points-card", args=[me.pk]) + f"?year={year}"
    member_page.goto(base + reverse("scoring:my-card"))
    member_page.goto(base + card)
    expect(member_page.locator("#year-total")).to_have_text("2")

    # The secretary publishes the month; its lines are frozen.
    tally_url = reverse("scoring:tally", args=[tree.branch.pk, year, month.month])
    secretary_page.goto(base + tally_url)
    _post(
        secretary_page, reverse("scoring:tally-publish", args=[tree.branch.pk, year, month.month])
    )
    assert MonthlyTally.objects.filter(branch=tree.branch, month=month).exists()
    frozen = secretary_page.locator("#tally-lines").inner_text()
    assert me.name in frozen

    # The secretary corrects the member's entry: half the patrol only.
    secretary_page.goto(
        base + reverse("scoring:activity-detail", args=[entry.attendance.activity_id])
    )
    correct = reverse("scoring:entry-correct", args=[entry.pk])
    _submit(secretary_page, f'#entry-table a[href="{correct}"]')
    secretary_page.locator("main form[method=post] input[name=right_points]").fill("1")
    secretary_page.locator("main form[method=post] input[name=reason]").fill("中途离开，按半程计分")
    _submit(secretary_page, "main form[method=post] button[type=submit]")
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
    if next_month.year == year:
        member_page.goto(base + card)
        expect(member_page.locator("#year-total")).to_have_text("1")
        expect(member_page.locator("#card-months .correction")).to_have_count(1)

    # The year-end evaluation: open, enter the paper votes, compute, publish.
    board = reverse("scoring:evaluation-branch", args=[tree.branch.pk, year])
    secretary_page.goto(base + board)
    _post(secretary_page, reverse("scoring:evaluation-open", args=[tree.branch.pk, year]))
    for holder, favourable in ((me, "10"), (member, "8")):
        evaluation = Evaluation.objects.get(member=holder, year=year)
        secretary_page.goto(base + reverse("scoring:evaluation-detail", args=[evaluation.pk]))
        paper = secretary_page.locator("#paper-form")
        paper.locator("input[name=paper-favourable]").fill(favourable)
        paper.locator("input[name=paper-total]").fill("10")
        _submit(secretary_page, "#paper-form button[type=submit]")
    secretary_page.goto(base + board)
    _post(secretary_page, reverse("scoring:evaluation-compute", args=[tree.branch.pk, year]))
    _post(secretary_page, reverse("scoring:evaluation-publish", args=[tree.branch.pk, year]))
    expect(secretary_page.locator("#evaluation-table [data-grade]")).to_have_count(2)

    # The member sees their grade: points 1 of the branch's best 2 (score 50), all ten
    # votes favourable (100): 75, good.
    member_page.goto(base + reverse("scoring:my-evaluation"))
    mine = Evaluation.objects.get(member=me, year=year)
    expect(member_page).to_have_url(base + reverse("scoring:evaluation-detail", args=[mine.pk]))
    expect(member_page.locator("h1 [data-grade]")).to_have_attribute("data-grade", "good")
    expect(member_page.locator("#computation")).to_be_visible()
    assert (mine.points_total, mine.final_score) == (Decimal("1"), Decimal("75.0"))
