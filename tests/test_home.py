"""The home page says what to do next, per role, in the five-step order."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk import services as helpdesk_services
from members.models import RoleAssignment
from posts import services as posts_services
from scoring import services as scoring_services
from tests.conftest import make_member_user
from tests.factories import DutyItemFactory, MemberFactory, PostFactory, RoleFactory, UnitFactory


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Words are matched in English, the source language (the pages' language too)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def post(tree):
    post = PostFactory(branch=tree.branch, name="环境保洁岗", seats=3)
    DutyItemFactory(post=post, name="清扫公共区域")
    return post


def _confirmed(post, member, by):
    choice = posts_services.apply_for_post(member=member, post=post, by=by)
    return posts_services.confirm_choice(choice=choice, by=by)


def _steps(client, user, branch):
    client.force_login(user)
    (home,) = client.get(reverse("home")).context["branches"]
    assert home.branch == branch
    return {step.key: step for step in home.steps}


def test_the_secretary_sees_the_branchs_steps_with_their_counts(client, tree, secretary, post):
    member = MemberFactory(branch=tree.branch)
    posts_services.apply_for_post(member=member, post=post, by=secretary)
    steps = _steps(client, secretary, tree.branch)
    assert steps["choices"].todo == 1
    assert steps["choices"].url == reverse("posts:choice-list", args=[tree.branch.pk])
    assert "3 of 3 seats left" in steps["posts"].text
    assert steps["pledges"].todo == 0


def test_a_submitted_pledge_is_a_step_to_do_for_the_secretary(client, tree, secretary, post):
    member_user = make_member_user(tree)
    choice = _confirmed(post, member_user.member_file, secretary)
    posts_services.write_pledge(
        pledge=choice.pledge,
        lines=[posts_services.PledgeLine(post.menu()[0], "每周一次")],
        based_on=0,
        by=member_user,
    )
    steps = _steps(client, secretary, tree.branch)
    assert steps["pledges"].todo == 1
    assert "1 to review" in steps["pledges"].text
    assert "2 of 3 seats left" in steps["posts"].text


def test_last_months_tally_unpublished_is_a_step_to_do(client, tree, secretary):
    assert _steps(client, secretary, tree.branch)["tally"].todo == 1
    scoring_services.publish_tally(branch=tree.branch, month=dt.date(2026, 11, 1), by=secretary)
    step = _steps(client, secretary, tree.branch)["tally"]
    assert step.todo == 0
    assert step.url == reverse("scoring:tally", args=[tree.branch.pk, 2026, 11])


def test_a_request_without_a_team_is_a_step_to_do(client, tree, secretary):
    helpdesk_services.create_request(
        channel="hotline",
        branch=tree.branch,
        grid=tree.grid,
        resident_name="王大爷",
        phone="13905751234",
        address="秦望村2组15号",
        category="daily_life",
        description="厨房水管漏水",
        by=secretary,
    )
    step = _steps(client, secretary, tree.branch)["requests"]
    assert step.todo == 1
    assert "1 without a team" in step.text


def test_failed_log_ins_are_reachable_below_the_steps(client, secretary):
    client.force_login(secretary)
    page = client.get(reverse("home")).content.decode()
    assert page.index(reverse("members:login-failures")) > page.index("branch-steps")


def test_a_member_is_asked_to_write_their_pledge(client, tree, secretary, post):
    member_user = make_member_user(tree)
    choice = _confirmed(post, member_user.member_file, secretary)
    client.force_login(member_user)
    home = client.get(reverse("home")).context["member_home"]
    assert home.todos == [
        ("Write your pledge for 环境保洁岗", reverse("posts:pledge-edit", args=[choice.pledge.pk]))
    ]
    assert [tile.key for tile in home.tiles][:3] == ["posts", "pledge", "points"]


def test_a_member_without_a_pledge_to_write_has_nothing_waiting(client, tree):
    member_user = make_member_user(tree)
    client.force_login(member_user)
    response = client.get(reverse("home"))
    assert response.context["member_home"].todos == []
    assert response.context["branches"] == []


def test_the_members_points_tile_counts_this_month_and_the_year(client, tree, secretary, post):
    member_user = make_member_user(tree)
    member = member_user.member_file
    for held_on in (dt.date(2026, 3, 5), dt.date(2026, 12, 1)):
        scoring_services.record_activity(
            branch=tree.branch,
            kind="collective",
            title="清扫",
            held_on=held_on,
            members=[member],
            by=secretary,
        )
    client.force_login(member_user)
    tiles = {t.key: t for t in client.get(reverse("home")).context["member_home"].tiles}
    assert tiles["points"].figure == "2"
    assert "4 this year" in tiles["points"].text


def test_the_town_sees_its_lagging_branches_worst_first(
    client, tree, town_organiser, secretary, post
):
    member_user = make_member_user(tree)
    choice = _confirmed(post, member_user.member_file, secretary)
    posts_services.write_pledge(
        pledge=choice.pledge,
        lines=[posts_services.PledgeLine(post.menu()[0], "每周一次")],
        based_on=0,
        by=member_user,
    )
    posts_services.approve_pledge(pledge=choice.pledge, by=secretary)
    client.force_login(town_organiser)
    (area,) = client.get(reverse("home")).context["areas"]
    assert area.unit == tree.town
    first = area.lagging[0]
    assert (first.branch, first.to_publish, first.tally_missing) == (tree.branch, 1, True)
    assert {row.branch for row in area.lagging} == {tree.branch, tree.neighbour_branch}


def test_the_organisers_home_shows_the_district_points_rules(client, tree, district_organiser):
    client.force_login(district_organiser)
    page = client.get(reverse("home")).content.decode()
    assert "district-rules" in page
    assert reverse("scoring:rules", args=[tree.district.pk]) in page


def test_an_instructor_finds_the_posts_they_instruct(client, tree, instructor, post):
    post.instructor = instructor
    post.save()
    client.force_login(instructor)
    page = client.get(reverse("home")).content.decode()
    assert reverse("posts:post-detail", args=[post.pk]) in page


# --- constant queries -----------------------------------------------------------------


def _grow(tree, secretary, size):
    for n in range(size):
        branch = UnitFactory(
            kind="branch", name=f"村{size}{n}", code=f"X{size}{n}", parent=tree.town
        )
        RoleFactory(user=secretary, unit=branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
        for m in range(3):
            member = MemberFactory(branch=branch, name=f"党员{n}{m}")
            post = PostFactory(branch=branch, name=f"岗{n}{m}")
            _confirmed(post, member, secretary)


def test_the_organisers_home_keeps_its_queries_as_branches_grow(
    client, tree, town_organiser, secretary, django_assert_max_num_queries
):
    client.force_login(town_organiser)
    _grow(tree, secretary, 1)
    client.get(reverse("home"))
    with django_assert_max_num_queries(QUERIES_ON_ORGANISER_HOME) as small:
        client.get(reverse("home"))
    _grow(tree, secretary, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("home"))


# session, user, roles, own file, unread, then 10 for the area (the districts' time
# limits for requests among them)
QUERIES_ON_ORGANISER_HOME = 20


def test_in_december_the_town_sees_how_many_branches_have_started_next_year(
    client, tree, town_organiser, secretary
):
    PostFactory(branch=tree.branch, year=2027)
    client.force_login(town_organiser)
    (area,) = client.get(reverse("home")).context["areas"]
    assert (area.next_year, area.started_next_year, area.branches) == (2027, 1, 2)
