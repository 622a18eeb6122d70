"""Steps 1–3 in a real browser: a post is set up, chosen, pledged, reviewed, published,
shown on the public notice board and printed as a certificate.

Three people act, each in their own browser context: the branch secretary, the member
and the town organiser. Elements are found by name and href, not by UI text. The journey
runs with the mouse and with the keyboard alone (the `ui` fixture).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from posts.models import Pledge, Post
from tests.browser.keyboard import Mouse
from tests.browser.test_member_journey import log_in
from tests.pdf import pdf_text

pytestmark = pytest.mark.browser


def _person(browser: Browser, base: str, username: str, ui: Mouse) -> Page:
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, base, username, ui)
    return page


def _submit(
    ui: Mouse, page: Page, selector: str = "main form[method=post] button[type=submit]"
) -> None:
    ui.click(page.locator(selector).first)
    page.wait_for_load_state()


def test_a_post_goes_from_set_up_to_the_notice_board_and_a_certificate(
    live_server, browser: Browser, tree, secretary, member_user, town_organiser, post_type, ui
):
    base = live_server.url
    secretary_page = _person(browser, base, "secretary", ui)
    member_page = _person(browser, base, "member", ui)
    organiser_page = _person(browser, base, "town", ui)
    patrol, reporting, legal = post_type.menu_items.order_by("sort_order")

    # The secretary sets up a post from the town's common type.
    secretary_page.goto(base + reverse("posts:post-add", args=[tree.branch.pk]))
    ui.select(secretary_page.locator("select[name=post_type]"), str(post_type.pk))
    ui.fill(secretary_page.locator("input[name=seats]"), "3")
    _submit(ui, secretary_page)
    post = Post.objects.get(branch=tree.branch)

    # The member applies from their own page.
    member_page.goto(base + reverse("posts:my-posts"))
    _submit(ui, member_page, f'form[action="{reverse("posts:apply", args=[post.pk])}"] button')
    expect(member_page.locator("#my-choices")).to_contain_text(post.name)

    # The secretary confirms the application.
    secretary_page.goto(base + reverse("posts:choice-list", args=[tree.branch.pk]))
    _submit(ui, secretary_page, "#choice-table form button[type=submit]")
    pledge = Pledge.objects.get(choice__post=post)

    # The member writes a pledge with one item.
    member_page.goto(base + reverse("posts:pledge-edit", args=[pledge.pk]))
    ui.check(member_page.locator(f"input[name=pick_{patrol.pk}]"))
    ui.fill(member_page.locator(f"textarea[name=commitment_{patrol.pk}]"), "有空时巡逻")
    _submit(ui, member_page)

    # The secretary returns it: too vague.
    secretary_page.goto(base + reverse("posts:pledge-detail", args=[pledge.pk]))
    ui.fill(secretary_page.locator("textarea[name=comment]"), "请写明每周巡逻几次")
    _submit(ui, secretary_page, "button[name=decision][value=return]")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RETURNED

    # The member revises: a precise commitment and a second item.
    member_page.goto(base + reverse("posts:pledge-edit", args=[pledge.pk]))
    ui.fill(member_page.locator(f"textarea[name=commitment_{patrol.pk}]"), "每周二、周五晚巡逻")
    ui.check(member_page.locator(f"input[name=pick_{reporting.pk}]"))
    ui.fill(
        member_page.locator(f"textarea[name=commitment_{reporting.pk}]"), "每月报送平安信息一次"
    )
    _submit(ui, member_page)

    # The secretary sees what changed and approves.
    secretary_page.goto(base + reverse("posts:pledge-detail", args=[pledge.pk]))
    expect(secretary_page.locator("main")).to_contain_text("有空时巡逻")
    _submit(ui, secretary_page, "button[name=decision][value=approve]")

    # The town organiser publishes it with the others waiting.
    organiser_page.goto(base + reverse("posts:publish-queue", args=[tree.town.pk]))
    expect(organiser_page.locator("#publish-table")).to_contain_text("王建国")
    _submit(ui, organiser_page)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED

    # Anyone sees it on the branch's notice board, without logging in.
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(base + reverse("posts:board", args=[tree.branch.pk]))
    expect(public.locator("main")).to_contain_text("王建国")
    expect(public.locator("main")).to_contain_text("每周二、周五晚巡逻")
    expect(public.locator("main")).not_to_contain_text("有空时巡逻")

    # The member downloads the pledge certificate; it holds their name and items.
    response = member_page.request.get(base + reverse("posts:pledge-certificate", args=[pledge.pk]))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert "王建国" in text
    assert patrol.name in text and reporting.name in text
    assert legal.name not in text
