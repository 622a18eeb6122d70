"""The public notice board (亮岗, 公示): what residents see without logging in, on a phone,
on the village-hall kiosk and on the printed sheet; and the report of in-service members'
pledges to their employer unit (在职党员承诺报告)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from posts import services
from tests.factories import MemberFactory, PartnerUnitFactory, PostFactory
from tests.pdf import pdf_text
from tests.posts.conftest import lines_for

PUBLIC_PAGES = ["posts:board", "posts:board-kiosk", "posts:board-sheet"]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
LINK = re.compile(r"<a\b[^>]*\bhref\s*=", re.IGNORECASE)


def write(pledge, *commitments, by):
    pledge.refresh_from_db()
    return services.write_pledge(
        pledge=pledge,
        lines=lines_for(pledge.choice.post, *commitments),
        based_on=pledge.version_count,
        by=by,
        on_paper=True,
    )


def publish(pledge, *commitments, secretary, organiser):
    """Write, approve and publish a version of `pledge` with these commitments."""
    write(pledge, *commitments, by=secretary)
    services.approve_pledge(pledge=pledge, by=secretary)
    services.publish_pledges(pledges=[pledge], by=organiser)


def board(client, branch, name="posts:board", **params):
    return client.get(reverse(name, args=[branch.pk]), params)


@pytest.fixture
def published(pledge, secretary, town_organiser):
    publish(pledge, "每周二、周五晚巡逻", secretary=secretary, organiser=town_organiser)
    return pledge


def test_the_board_shows_a_published_commitment_and_its_holder(client, tree, published):
    response = board(client, tree.branch)
    assert response.status_code == 200
    content = response.content.decode()
    assert "王建国" in content
    assert "每周二、周五晚巡逻" in content
    assert "夜间治安巡逻" in content  # the menu item it answers
    assert '<html lang="zh-Hans">' in content


def test_the_board_does_not_show_a_pledge_that_is_only_submitted_or_approved(
    client, tree, pledge, secretary
):
    write(pledge, "每周二、周五晚巡逻", by=secretary)
    assert "每周二、周五晚巡逻" not in board(client, tree.branch).content.decode()

    services.approve_pledge(pledge=pledge, by=secretary)
    content = board(client, tree.branch).content.decode()
    assert "每周二、周五晚巡逻" not in content
    assert "王建国" in content  # the holder is shown, without commitments


def test_a_revision_under_review_leaves_the_published_version_on_the_board(
    client, tree, published, secretary
):
    write(published, "每晚巡逻一小时", by=secretary)
    content = board(client, tree.branch).content.decode()
    assert "每周二、周五晚巡逻" in content
    assert "每晚巡逻一小时" not in content

    services.approve_pledge(pledge=published, by=secretary)  # approved, not yet published
    content = board(client, tree.branch).content.decode()
    assert "每周二、周五晚巡逻" in content
    assert "每晚巡逻一小时" not in content


def test_the_board_never_shows_a_phone_an_id_number_or_a_birth_date(
    client, tree, published, tmp_path
):
    member = Member.objects.get(pk=published.choice.member_id)
    born = member.birth_date
    secrets = [
        member.phone,
        member.id_number,
        member.masked_id_number,
        member.id_number[-4:],
        born.isoformat(),
        born.strftime("%Y%m%d"),
        f"{born.year}年{born.month}月{born.day}日",
        f"{born.year}/{born.month:02d}/{born.day:02d}",
    ]
    assert member.phone and member.id_number
    pages = [board(client, tree.branch, name).content.decode() for name in PUBLIC_PAGES[:2]]
    pages.append(pdf_text(board(client, tree.branch, "posts:board-sheet").content))
    for page in pages:
        assert "王建国" in page
        assert [s for s in secrets if s in page] == []


def test_anyone_reads_the_board_without_logging_in(client, tree, published):
    for name in PUBLIC_PAGES:
        assert board(client, tree.branch, name).status_code == 200, name


def test_a_unit_that_is_not_a_branch_has_no_board(client, tree):
    for name in PUBLIC_PAGES:
        for pk in [tree.district.pk, tree.town.pk, tree.grid.pk, 999_999]:
            assert client.get(reverse(name, args=[pk])).status_code == 404, (name, pk)


def test_the_board_shows_only_the_branchs_posts_of_the_year(client, tree, post_type, published):
    PostFactory(branch=tree.branch, post_type=post_type, name="去年的岗位", year=2025)
    PostFactory(branch=tree.neighbour_branch, post_type=post_type, name="邻村的岗位")
    content = board(client, tree.branch, year=2026).content.decode()
    assert "每周二、周五晚巡逻" in content
    assert "去年的岗位" not in content and "邻村的岗位" not in content

    content = board(client, tree.branch, year=2025).content.decode()
    assert "去年的岗位" in content
    assert "每周二、周五晚巡逻" not in content


def test_the_kiosk_links_nowhere_and_runs_no_inline_script(client, tree, published):
    content = board(client, tree.branch, "posts:board-kiosk").content.decode()
    assert "每周二、周五晚巡逻" in content
    assert LINK.findall(content) == []
    assert INLINE_SCRIPT.findall(content) == []
    assert EVENT_HANDLER.findall(content) == []
    assert re.search(r'<script src="[^"]*/js/kiosk\.js"', content)
    assert 'data-kiosk-interval="15"' in content
    assert '<meta http-equiv="refresh" content="600">' in content
    fallback = content[content.index("<noscript>") : content.index("</noscript>")]
    assert "王建国" in fallback and "每周二、周五晚巡逻" in fallback


def test_the_kiosk_spreads_a_post_with_many_holders_over_several_slides(
    client, tree, post, published, secretary, town_organiser
):
    post.seats = 6
    post.save()
    for _ in range(5):
        choice = services.confirm_choice(
            choice=services.apply_for_post(
                member=MemberFactory(branch=tree.branch), post=post, by=None
            ),
            by=secretary,
        )
        publish(choice.pledge, "每周巡逻一次", secretary=secretary, organiser=town_organiser)
    content = board(client, tree.branch, "posts:board-kiosk").content.decode()
    assert content.count("data-kiosk-slide") == 2  # six holders, four to a screen


def test_the_board_page_runs_no_inline_script_either(client, tree, published):
    content = board(client, tree.branch).content.decode()
    assert INLINE_SCRIPT.findall(content) == []
    assert EVENT_HANDLER.findall(content) == []


def test_the_printed_sheet_holds_the_holder_and_the_commitment(client, tree, published, tmp_path):
    response = board(client, tree.branch, "posts:board-sheet")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    today = timezone.localdate()
    assert "王建国" in text
    assert "每周二、周五晚巡逻" in text
    assert "秦望村" in text
    assert f"{today.year}年{today.month}月{today.day}日" in text


@pytest.mark.parametrize("posts", [2, 12])
def test_the_board_makes_the_same_number_of_queries_whatever_its_length(
    client, tree, post_type, secretary, town_organiser, django_assert_num_queries, posts
):
    for n in range(posts):
        post = PostFactory(branch=tree.branch, post_type=post_type, name=f"岗位{n}", seats=3)
        for _ in range(2):
            choice = services.confirm_choice(
                choice=services.apply_for_post(
                    member=MemberFactory(branch=tree.branch), post=post, by=None
                ),
                by=secretary,
            )
            publish(
                choice.pledge, "承诺一", "承诺二", secretary=secretary, organiser=town_organiser
            )
    with django_assert_num_queries(QUERIES_ON_BOARD):
        response = board(client, tree.branch)
    assert response.content.decode().count("承诺二") == posts * 2


# branch, posts, holders with their pledges, published items
QUERIES_ON_BOARD = 4


# --- the report to the employer unit ---------------------------------------------------


@pytest.fixture
def employer(published):
    """王建国 is an in-service member working for 越城区卫健局."""
    partner = PartnerUnitFactory(name="越城区卫健局")
    Member.objects.filter(pk=published.choice.member_id).update(
        category=Member.Category.IN_SERVICE, employer=partner
    )
    return partner


def employer_page(client, user, partner):
    client.force_login(user)
    return client.get(reverse("posts:employer-pledges", args=[partner.pk]))


def test_an_organiser_sees_the_in_service_members_published_pledge(
    client, town_organiser, employer, tree, post
):
    registered = MemberFactory(branch=tree.branch, name="赵登记", employer=employer)
    services.confirm_choice(
        choice=services.apply_for_post(member=registered, post=post, by=None), by=None
    )
    response = employer_page(client, town_organiser, employer)
    assert response.status_code == 200
    assert [(r.member_name, r.post_name) for r in response.context["rows"]] == [
        ("王建国", "治安维稳岗")
    ]
    assert "每周二、周五晚巡逻" in response.content.decode()


def test_a_secretary_gets_no_employer_report(client, secretary, employer):
    assert employer_page(client, secretary, employer).status_code == 404


def test_an_organiser_of_another_town_sees_nobody_from_outside_their_scope(
    client, other_town_organiser, employer
):
    response = employer_page(client, other_town_organiser, employer)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "王建国" not in response.content.decode()


def test_the_partner_list_links_to_the_report(client, town_organiser, employer):
    client.force_login(town_organiser)
    content = client.get(reverse("members:partner-list")).content.decode()
    assert reverse("posts:employer-pledges", args=[employer.pk]) in content


# --- the visitors' copy ------------------------------------------------------------------


def test_a_visitor_reads_the_board_from_a_copy_a_minute_old_at_most(
    client, tree, published, django_assert_num_queries
):
    first = board(client, tree.branch)
    # The branch is read each time; its posts, holders and pledges come from the copy.
    with django_assert_num_queries(1):
        again = board(client, tree.branch)
    assert again.content == first.content


def test_a_logged_in_reader_reads_the_board_fresh(client, tree, published, secretary):
    board(client, tree.branch)  # a visitor's copy is made
    Member.objects.filter(pk=published.choice.member_id).update(name="王新名")
    assert "王新名" not in board(client, tree.branch).content.decode()
    client.force_login(secretary)
    assert "王新名" in board(client, tree.branch).content.decode()


def test_each_year_has_its_own_copy(client, tree, published):
    this_year = board(client, tree.branch).content.decode()
    other = board(client, tree.branch, year=timezone.localdate().year - 1).content.decode()
    assert "王建国" in this_year and "王建国" not in other
