"""A branch secretary's journey through member files, in a real browser.

Elements are found by name, href, id and class rather than by their text, so the
tests hold in every language; names and ID numbers are data, not UI text. Each journey
runs twice, with the mouse and with the keyboard alone (the `ui` fixture).
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from members import idnumbers
from members.models import Member
from tests.browser.keyboard import Mouse
from tests.factories import MemberFactory, next_id_number

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def log_in(page: Page, base_url: str, username: str, ui: Mouse | None = None) -> None:
    ui = ui or Mouse()
    page.goto(f"{base_url}{reverse('login')}")
    form = page.locator("main form[method=post]")
    ui.fill(form.locator("input[name=username]"), username)
    ui.fill(form.locator("input[name=password]"), "pw-for-tests")
    ui.click(form.locator("button[type=submit]"))
    expect(page).to_have_url(f"{base_url}{reverse('home')}")


def test_secretary_adds_a_member_who_then_appears_in_the_list(
    live_server, page: Page, tree, secretary, ui
):
    base = live_server.url
    list_path = reverse("members:member-list", args=[tree.branch.pk])
    add_path = reverse("members:member-add", args=[tree.branch.pk])
    name = "陈晓燕"
    id_number = next_id_number(dt.date(1986, 4, 2), male=False)
    masked = idnumbers.mask(id_number)

    log_in(page, base, "secretary", ui)
    page.goto(f"{base}{list_path}")
    ui.click(page.locator(f'main a[href="{add_path}"]'))
    expect(page).to_have_url(f"{base}{add_path}")

    form = page.locator("main form[method=post]")
    ui.fill(form.locator("input[name=name]"), name)
    ui.fill(form.locator("input[name=id_number]"), id_number)
    ui.fill(form.locator("input[name=phone]"), "13905751234")
    expect(form.locator("select[name=category]")).to_be_visible()  # its default will do
    ui.click(form.locator("button[type=submit].btn-danger").first)

    # The new file opens with a success message.
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/members/\d+/$"))
    expect(page.locator("main .alert-success")).to_contain_text(name)
    expect(page.locator("main h1")).to_contain_text(name)
    expect(page.locator("main dd.masked-id")).to_have_text(masked)
    assert id_number not in page.content()

    member = Member.objects.get(name=name)
    assert member.branch == tree.branch
    assert member.id_number == id_number
    assert member.gender == Member.Gender.FEMALE
    assert member.birth_date == dt.date(1986, 4, 2)

    # The list shows the new member, with the ID number masked and nowhere in full.
    page.goto(f"{base}{list_path}")
    row = page.locator("table#member-table tbody tr").filter(
        has=page.locator(f'a[href="{reverse("members:member-detail", args=[member.pk])}"]')
    )
    expect(row).to_be_visible()
    expect(row).to_contain_text(name)
    expect(row.locator("td.masked-id")).to_have_text(masked)
    assert id_number not in page.content()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"member-list-{ui.mode}.png"), full_page=True)


def test_member_list_of_a_branch_outside_the_secretarys_scope_is_not_found(
    live_server, page: Page, tree, secretary, ui
):
    outsider = MemberFactory(branch=tree.other_branch, name="赵东浦")
    log_in(page, live_server.url, "secretary", ui)

    response = page.goto(
        f"{live_server.url}{reverse('members:member-list', args=[tree.other_branch.pk])}"
    )

    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("table#member-table")).to_have_count(0)
    assert outsider.name not in page.content()
    assert tree.other_branch.name not in page.content()
