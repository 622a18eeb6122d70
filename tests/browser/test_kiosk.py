"""The kiosk on a portrait touch screen: it fills the screen and its text reads at 2 m
as well as on a landscape one."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from posts import services
from tests.factories import DutyItemFactory, PostFactory, PostTypeFactory

pytestmark = pytest.mark.browser

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture
def board(tree, member_user, secretary, town_organiser):
    post_type = PostTypeFactory(town=tree.town, name="治安维稳岗")
    DutyItemFactory(post_type=post_type, name="夜间治安巡逻")
    post = PostFactory(branch=tree.branch, post_type=post_type, name="治安维稳岗")
    choice = services.apply_for_post(member=member_user.member_file, post=post, by=member_user)
    pledge = services.confirm_choice(choice=choice, by=secretary).pledge
    services.write_pledge(
        pledge=pledge,
        lines=[services.PledgeLine(post.menu()[0], "每周二、周五晚在村里巡逻两小时")],
        based_on=0,
        by=member_user,
    )
    services.approve_pledge(pledge=pledge, by=secretary)
    services.publish_pledges(pledges=[pledge], by=town_organiser)
    return reverse("posts:board-kiosk", args=[tree.branch.pk])


def _measure(browser: Browser, url: str, viewport: dict) -> dict:
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(".kiosk-commitment")
        return page.evaluate(
            """() => {
                const text = document.querySelector('.kiosk-main .kiosk-commitment');
                return {
                    font: parseFloat(getComputedStyle(text).fontSize),
                    width: document.documentElement.scrollWidth,
                    height: document.documentElement.scrollHeight,
                    bodyHeight: document.body.getBoundingClientRect().height,
                };
            }"""
        )
    finally:
        context.close()


def test_the_kiosk_in_portrait_fills_the_screen_with_text_as_large_as_landscape(
    live_server, browser: Browser, board
):
    url = f"{live_server.url}{board}"
    landscape = _measure(browser, url, LANDSCAPE)
    portrait = _measure(browser, url, PORTRAIT)
    assert portrait["font"] >= landscape["font"]
    assert portrait["width"] <= PORTRAIT["width"]
    assert portrait["bodyHeight"] >= PORTRAIT["height"] - 1


def test_the_kiosk_link_opened_on_a_phone_does_not_scroll_sideways(
    live_server, browser: Browser, board
):
    phone = _measure(browser, f"{live_server.url}{board}", {"width": 390, "height": 844})
    assert phone["width"] <= 390
