"""A member gets in with a printed slip, on a 390 px phone: the secretary prints the slip
from the member's file, the member types the code (as the QR code would fill it in),
sets a password and lands on their points card."""

import re
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CODE = re.compile(r"[2-9A-Z]{4}-[2-9A-Z]{4}")


@pytest.fixture
def phone_page(browser: Browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_secretary_prints_a_slip_and_the_member_activates_and_sees_their_points(
    live_server, phone_page, tree, secretary, tmp_path
):
    base = live_server.url
    member = MemberFactory(branch=tree.branch, grid=tree.grid, name="刘䶮", phone="13905756789")
    page = phone_page

    # The secretary, on a phone: log in, open the member's file, print the slip.
    page.goto(f"{base}{reverse('login')}")
    page.fill("input[name=username]", "secretary")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main form button[type=submit]")
    page.goto(f"{base}{reverse('members:member-detail', args=[member.pk])}")
    assert no_sideways_scroll(page)
    with page.expect_download() as download:
        page.click("#print-slip")
    slip = tmp_path / "slip.pdf"
    download.value.save_as(slip)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(slip), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "刘䶮" in text and "13905756789" in text
    code = CODE.search(text).group(0)
    page.context.clear_cookies()  # the member's own phone: nobody logged in

    # The member, on their own phone: the slip's QR code opens the page with the code.
    page.goto(f"{base}{reverse('activate')}?code={code}")
    assert no_sideways_scroll(page)
    expect(page.locator("input[name=code]")).to_have_value(code)
    page.fill("input[name=password1]", "Qinwang-hills-2026")
    page.fill("input[name=password2]", "Qinwang-hills-2026")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{base}{reverse('home')}")
    expect(page.locator("main .alert-success")).to_contain_text("13905756789")

    # Their points card is one tap away in the menu.
    page.goto(f"{base}{reverse('scoring:my-card')}")
    expect(page).to_have_url(f"{base}{reverse('scoring:my-card')}")  # the card, no redirect
    expect(page.locator("main h1")).to_contain_text(member.name)
    assert no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "card.png"))
    member = Member.objects.select_related("user").get(pk=member.pk)
    assert member.user.has_usable_password()
