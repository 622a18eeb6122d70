"""Paper that looks official (issue 15, point 7), for the posts app: the red-headed
notice sheet (公示) with its publication period, feedback contact and QR code to the
online board, and the blank pledge form (择岗承诺书) for members who write on paper."""

from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from posts import documents, services, views_public
from tests.factories import MemberFactory, UnitFactory
from tests.pdf import pdf_text
from tests.posts.test_board import publish


def in_chinese(message: str, **values) -> str:
    with translation.override("zh-hans"):
        return gettext(message) % values


def file_name_of(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])


def sheet(client, branch, **params):
    return client.get(reverse("posts:board-sheet", args=[branch.pk]), params)


@pytest.fixture
def published(pledge, secretary, town_organiser):
    publish(pledge, "每周二、周五晚巡逻", secretary=secretary, organiser=town_organiser)
    return pledge


@pytest.fixture
def secretary_file(tree, secretary):
    """The secretary's own member file, with her name and phone."""
    return MemberFactory(branch=tree.branch, user=secretary, name="张卫东", phone="13805751234")


# --- the notice sheet (公示) -----------------------------------------------------------------


def test_the_notice_sheet_is_headed_by_the_branch_committee(client, tree, published):
    text = pdf_text(sheet(client, tree.branch).content)

    assert in_chinese("CPC %(unit)s Committee", unit="秦望村") in text


def test_a_branch_named_as_a_party_branch_signs_as_its_branch_committee(tree):
    branch = UnitFactory(kind="branch", name="坡塘村党支部", code="009", parent=tree.town)

    with translation.override("zh-hans"):
        committee = documents.issuing_committee(branch)

    assert committee == in_chinese("CPC %(unit)s Branch Committee", unit="坡塘村")


def test_the_notice_sheet_runs_seven_days_from_today(client, tree, published):
    text = pdf_text(sheet(client, tree.branch).content)

    assert "2026年12月3日" in text and "2026年12月9日" in text  # the suite's today: 3 Dec


def test_the_publication_period_starts_on_the_day_asked_for(client, tree, published):
    text = pdf_text(sheet(client, tree.branch, **{"from": "2026-12-14"}).content)

    assert "2026年12月14日" in text and "2026年12月20日" in text
    assert "2026年12月3日" not in text


def test_a_start_that_is_not_a_date_starts_the_period_today(client, tree, published):
    response = sheet(client, tree.branch, **{"from": "2026-13-45"})

    assert response.status_code == 200
    assert "2026年12月9日" in pdf_text(response.content)


def test_the_secretary_printing_it_gives_her_name_and_phone_for_feedback(
    client, tree, published, secretary, secretary_file
):
    client.force_login(secretary)

    text = pdf_text(sheet(client, tree.branch).content)

    assert "张卫东" in text
    assert "13805751234" in text


def test_the_public_download_names_the_contact_but_not_her_phone(
    client, tree, published, secretary_file
):
    text = pdf_text(sheet(client, tree.branch).content)

    assert "张卫东" in text
    assert "13805751234" not in text


def test_a_secretary_of_another_branch_does_not_get_the_phone(
    client, tree, published, secretary_file, neighbour_secretary
):
    client.force_login(neighbour_secretary)

    assert "13805751234" not in pdf_text(sheet(client, tree.branch).content)


def test_the_qr_code_opens_the_online_board_of_that_year(client, tree, published, monkeypatch):
    encoded = []
    real = views_public.qr_svg_data_uri
    monkeypatch.setattr(
        views_public, "qr_svg_data_uri", lambda text, **kw: encoded.append(text) or real(text, **kw)
    )

    sheet(client, tree.branch, year=2026)

    board = reverse("posts:board", args=[tree.branch.pk])
    assert encoded == [f"http://testserver{board}?year=2026"]


def test_the_notice_sheet_is_named_in_chinese_in_the_chinese_ui(client, tree, published):
    response = sheet(client, tree.branch)

    assert file_name_of(response) == "秦望村2026年党员先锋岗公示.pdf"


def test_the_notice_sheet_is_named_in_english_in_the_english_ui(client, tree, published):
    client.cookies["django_language"] = "en"

    response = sheet(client, tree.branch)

    assert 'filename="posts notice 2026.pdf"' in response["Content-Disposition"]
    assert file_name_of(response) == "秦望村 posts notice 2026.pdf"


# --- the blank pledge form --------------------------------------------------------------------


def test_the_blank_pledge_form_lists_the_duty_menu_with_spare_rows(client, post, secretary):
    client.force_login(secretary)

    response = client.get(reverse("posts:pledge-form", args=[post.pk]))

    text = pdf_text(response.content)
    for item in ["夜间治安巡逻", "平安信息报送", "维稳普法宣传"]:
        assert item in text
    assert text.count(in_chinese("Other (write in)")) == documents.PLEDGE_FORM_SPARE_ROWS
    assert "王建国" not in text


def test_a_member_of_the_branch_prints_the_blank_form_too(client, post, member_user):
    client.force_login(member_user)

    assert client.get(reverse("posts:pledge-form", args=[post.pk])).status_code == 200


def test_the_holders_form_has_the_holders_name_in(client, held_post, secretary):
    client.force_login(secretary)

    response = client.get(reverse("posts:choice-pledge-form", args=[held_post.pk]))

    assert "王建国" in pdf_text(response.content)
    assert file_name_of(response) == in_chinese(
        "Pledge form %(post)s %(name)s.pdf", post="治安维稳岗", name="王建国"
    )


def test_a_choice_not_confirmed_has_no_pledge_form(client, post, member, secretary):
    choice = services.apply_for_post(member=member, post=post, by=secretary)
    client.force_login(secretary)

    response = client.get(reverse("posts:choice-pledge-form", args=[choice.pk]))

    assert response.status_code == 404


def test_the_post_page_links_the_blank_form_and_each_holders_form(client, held_post, secretary):
    client.force_login(secretary)

    page = client.get(reverse("posts:post-detail", args=[held_post.post.pk])).content.decode()

    assert reverse("posts:pledge-form", args=[held_post.post.pk]) in page
    assert reverse("posts:choice-pledge-form", args=[held_post.pk]) in page


def test_the_pledge_page_offers_the_secretary_the_paper_form(client, pledge, secretary):
    client.force_login(secretary)

    page = client.get(reverse("posts:pledge-detail", args=[pledge.pk])).content.decode()

    assert reverse("posts:choice-pledge-form", args=[pledge.choice.pk]) in page


# --- download names -----------------------------------------------------------------------


def test_the_post_certificate_is_named_for_its_holder_in_chinese(client, held_post, secretary):
    client.force_login(secretary)

    response = client.get(reverse("posts:post-certificate", args=[held_post.pk]))

    assert file_name_of(response) == in_chinese(
        "Post certificate %(name)s %(number)s.pdf",
        name="王建国",
        number=held_post.certificate_number,
    )
    assert (
        f'filename="Post certificate {held_post.certificate_number}.pdf"'
        in (response["Content-Disposition"])
    )


def test_the_branch_batch_of_pledge_certificates_is_named_in_chinese(
    client, tree, published, secretary
):
    client.force_login(secretary)

    response = client.get(
        reverse("posts:branch-pledge-certificates", args=[tree.branch.pk]), {"year": 2026}
    )

    assert file_name_of(response) == in_chinese(
        "Pledge certificates %(branch)s %(year)s.pdf", branch="秦望村", year=2026
    )


def test_the_secretary_picks_the_day_the_notice_goes_up_on_the_board_page(
    client, tree, published, secretary
):
    client.force_login(secretary)

    page = client.get(reverse("posts:board", args=[tree.branch.pk])).content.decode()

    assert 'id="notice-period"' in page
    assert 'name="from" value="2026-12-03"' in page


def test_residents_see_no_date_to_pick(client, tree, published):
    page = client.get(reverse("posts:board", args=[tree.branch.pk])).content.decode()

    assert 'id="notice-period"' not in page
