"""The post and pledge ledgers (Excel) and the coverage page."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from posts import reports, services
from tests.factories import MemberFactory, PostFactory, ResidentNeedFactory, UserFactory
from tests.posts.conftest import lines_for

YEAR = 2026


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _rows(response) -> list[dict]:
    """The sheet as dicts from header to value."""
    rows = list(_sheet(response).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _zh(text: str) -> str:
    """A label as the (Chinese by default) ledger writes it."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _ledger(client, name, unit, year=YEAR):
    return client.get(reverse(f"posts:{name}", args=[unit.pk]) + f"?year={year}")


def _hold(member, post, by):
    """`member` applies for `post` and is confirmed: a holder with an empty pledge."""
    choice = services.apply_for_post(member=member, post=post, by=by)
    return services.confirm_choice(choice=choice, by=by)


def _pledge(choice, *commitments, by, approve=True):
    lines = lines_for(choice.post, *commitments)
    pledge = choice.pledge
    services.write_pledge(pledge=pledge, lines=lines, based_on=pledge.version_count, by=by)
    if approve:
        services.approve_pledge(pledge=pledge, by=by)
    return pledge


# --- post ledger ----------------------------------------------------------------------


def test_the_post_ledger_has_a_row_per_post_with_holders_and_seats_left(
    client, secretary, tree, post, member_user, member
):
    need = ResidentNeedFactory(branch=tree.branch, title="夜间照明差，需要巡逻")
    post.needs.add(need)
    _hold(member_user.member_file, post, secretary)
    _hold(member, post, secretary)
    own = PostFactory(branch=tree.branch, name="侨情联络岗", seats=3, instructor=secretary)
    PostFactory(branch=tree.branch, name="去年的岗位", year=YEAR - 1)
    client.force_login(secretary)

    rows = {row[_zh("Post")]: row for row in _rows(_ledger(client, "post-ledger", tree.branch))}

    assert set(rows) == {"治安维稳岗", "侨情联络岗"}
    patrol = rows["治安维稳岗"]
    assert set(patrol[_zh("Holders")].split("、")) == {"王建国", "李秀英"}
    assert (patrol[_zh("Seats")], patrol[_zh("Seats left")]) == (2, 0)
    assert patrol[_zh("Common post type")] == "治安维稳岗"
    assert patrol[_zh("Residents' needs it answers")] == "夜间照明差，需要巡逻"
    assert (patrol[_zh("Town or street")], patrol[_zh("Branch")]) == ("鉴湖镇", "秦望村")
    assert patrol[_zh("Year")] == YEAR
    qiao = rows["侨情联络岗"]
    assert qiao[_zh("Common post type")] == _zh("Own post")
    assert (qiao[_zh("Holders")], qiao[_zh("Seats left")]) == (None, 3)
    assert qiao[_zh("Instructor")] == own.instructor.username


# --- pledge ledger --------------------------------------------------------------------


def test_the_pledge_ledger_holds_the_current_version_and_no_phone_or_id(
    client, secretary, tree, post, member_user, member
):
    held = _hold(member_user.member_file, post, secretary)
    pledge = _pledge(held, "每月巡逻两次", "及时报送信息", by=member_user, approve=False)
    services.return_pledge(pledge=pledge, comment="请写明片区", by=secretary)
    services.write_pledge(
        pledge=pledge,
        lines=lines_for(post, "每月巡逻两次，负责村东片"),
        based_on=1,
        by=member_user,
    )
    services.approve_pledge(pledge=pledge, by=secretary)
    services.publish_pledges(pledges=[pledge], by=secretary)
    _hold(member, post, secretary)  # confirmed, no pledge written yet
    client.force_login(secretary)

    response = _ledger(client, "pledge-ledger", tree.branch)
    rows = _rows(response)

    mine = [row for row in rows if row[_zh("Member")] == "王建国"]
    assert [row[_zh("Commitment")] for row in mine] == ["每月巡逻两次，负责村东片"]
    assert mine[0][_zh("Version")] == 2
    assert mine[0][_zh("Service item")] == "夜间治安巡逻"
    assert mine[0][_zh("Post certificate number")] == held.certificate_number
    assert isinstance(mine[0][_zh("Published at")], dt.datetime)
    assert isinstance(mine[0][_zh("Approved at")], dt.datetime)
    waiting = [row for row in rows if row[_zh("Member")] == "李秀英"]
    assert len(waiting) == 1 and waiting[0][_zh("Commitment")] is None
    values = {str(v) for row in _sheet(response).iter_rows(values_only=True) for v in row if v}
    for person in (member_user.member_file, member):
        assert not any(person.phone in v or person.id_number in v for v in values)


def test_an_in_service_members_employer_is_in_the_pledge_ledger(client, secretary, tree, post):
    from tests.factories import PartnerUnitFactory

    employer = PartnerUnitFactory(name="越城区人民医院")
    doctor = MemberFactory(branch=tree.branch, category="in_service", employer=employer)
    _pledge(_hold(doctor, post, secretary), "每月义诊一次", by=secretary)
    client.force_login(secretary)

    (row,) = _rows(_ledger(client, "pledge-ledger", tree.branch))

    assert row[_zh("Employer unit")] == "越城区人民医院"


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1+1", "-2+3"])
def test_commitments_never_become_formulas(client, secretary, tree, post, member, hostile):
    _pledge(_hold(member, post, secretary), hostile, by=secretary)
    client.force_login(secretary)

    sheet = _sheet(_ledger(client, "pledge-ledger", tree.branch))

    cells = [c for row in sheet.iter_rows() for c in row if c.value and hostile in str(c.value)]
    assert len(cells) == 1
    assert cells[0].data_type == "s"
    assert not str(cells[0].value).startswith(("=", "+", "-", "@"))


def test_a_town_ledger_holds_its_branches_and_no_other_town(
    client, town_organiser, secretary, tree, post_type
):
    for branch in (tree.branch, tree.neighbour_branch, tree.other_branch):
        post = PostFactory(branch=branch, post_type=post_type, name="治安维稳岗")
        _pledge(_hold(MemberFactory(branch=branch), post, secretary), "夜间巡逻", by=secretary)
    client.force_login(town_organiser)

    for name in ("post-ledger", "pledge-ledger"):
        rows = _rows(_ledger(client, name, tree.town))
        assert {row[_zh("Branch")] for row in rows} == {"秦望村", "坡塘村"}, name
        assert {row[_zh("Town or street")] for row in rows} == {"鉴湖镇"}, name


def test_a_secretary_gets_404_for_a_neighbours_ledgers(client, secretary, tree):
    client.force_login(secretary)
    for name in ("post-ledger", "pledge-ledger"):
        assert _ledger(client, name, tree.neighbour_branch).status_code == 404
        assert _ledger(client, name, tree.town).status_code == 404
        # a grid has no posts of its own
        assert _ledger(client, name, tree.grid).status_code == 404


def _populate(tree, post_type, by, size: int) -> None:
    """`size` posts in each of two branches, each with `size` holders and pledges."""
    for branch in (tree.branch, tree.neighbour_branch):
        for n in range(size):
            post = PostFactory(branch=branch, post_type=post_type, name=f"岗位{n}", seats=size)
            post.needs.add(ResidentNeedFactory(branch=branch))
            post.instructor = UserFactory()
            post.save()
            for _ in range(size):
                _pledge(_hold(MemberFactory(branch=branch), post, by), "巡逻", "报送", by=by)


@pytest.mark.parametrize("size", [1, 4])
@pytest.mark.parametrize("name", ["post-ledger", "pledge-ledger"])
def test_a_ledger_makes_the_same_number_of_queries_whatever_its_length(
    client, town_organiser, superuser, tree, post_type, django_assert_num_queries, name, size
):
    _populate(tree, post_type, superuser, size)
    client.force_login(town_organiser)
    _ledger(client, name, tree.town)
    with django_assert_num_queries(QUERIES_ON_LEDGER[name]):
        _ledger(client, name, tree.town)


# session, user, unit, roles; then posts, holders, needs / choices, current versions, items;
# then the download's line in the security trail
QUERIES_ON_LEDGER = {"post-ledger": 8, "pledge-ledger": 8}


# --- coverage -------------------------------------------------------------------------


def test_coverage_counts_members_holding_a_post_out_of_those_not_exempt(
    client, town_organiser, superuser, tree, post_type
):
    by = superuser
    patrol = PostFactory(branch=tree.branch, post_type=post_type, name="治安维稳岗", seats=3)
    clean = PostFactory(branch=tree.branch, name="环境保洁岗", seats=2)
    holder = MemberFactory(branch=tree.branch)
    _hold(holder, patrol, by)
    _hold(holder, clean, by)  # two posts, counted once
    _hold(MemberFactory(branch=tree.branch), patrol, by)
    MemberFactory(branch=tree.branch)  # no post
    services.apply_for_post(  # applied, not confirmed yet
        member=MemberFactory(branch=tree.branch), post=clean, by=by
    )
    MemberFactory(branch=tree.branch, is_exempt=True, exemption_reason="年老体弱")
    last_year = PostFactory(branch=tree.branch, name="去年的岗位", year=YEAR - 1)
    _hold(MemberFactory(branch=tree.branch), last_year, by)  # only held last year
    neighbour_post = PostFactory(branch=tree.neighbour_branch, name="便民服务岗", seats=4)
    _hold(MemberFactory(branch=tree.neighbour_branch), neighbour_post, by)
    MemberFactory(branch=tree.neighbour_branch, is_exempt=True, exemption_reason="长期患病")
    _hold(MemberFactory(branch=tree.other_branch), PostFactory(branch=tree.other_branch), by)
    client.force_login(town_organiser)

    response = client.get(reverse("posts:coverage", args=[tree.town.pk]) + f"?year={YEAR}")

    table = response.context["table"]
    figures = {unit.name: f for unit, f in table.rows}
    branch, neighbour = figures["秦望村"], figures["坡塘村"]
    assert (branch.eligible, branch.covered) == (5, 2)
    assert (branch.posts, branch.seats, branch.filled) == (2, 5, 3)
    assert (neighbour.eligible, neighbour.covered, neighbour.percent) == (1, 1, 100)
    assert (table.total.eligible, table.total.covered) == (6, 3)
    assert (table.total.posts, table.total.seats, table.total.filled) == (3, 9, 4)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "40.0%" in html and "50.0%" in html


def test_district_coverage_rolls_branches_up_into_towns(
    client, district_organiser, superuser, tree, post_type
):
    for branch in (tree.branch, tree.neighbour_branch, tree.other_branch):
        post = PostFactory(branch=branch, name="便民服务岗")
        _hold(MemberFactory(branch=branch), post, superuser)
        MemberFactory(branch=branch)
    client.force_login(district_organiser)

    response = client.get(reverse("posts:coverage", args=[tree.district.pk]) + f"?year={YEAR}")

    figures = {unit.name: (f.eligible, f.covered) for unit, f in response.context["table"].rows}
    assert figures == {"鉴湖镇": (4, 2), "东浦街道": (2, 1)}


def test_numbers_on_the_coverage_page_are_grouped(client, district_organiser, tree, monkeypatch):
    real = reports.coverage_by_unit

    def with_a_big_town(unit, year):
        table = real(unit, year)
        table.rows[0][1].eligible = 12345
        return table

    monkeypatch.setattr(reports, "coverage_by_unit", with_a_big_town)
    client.force_login(district_organiser)

    html = client.get(reverse("posts:coverage", args=[tree.district.pk])).content.decode()

    assert "12,345" in html


def test_coverage_is_for_a_district_or_town_not_a_branch(client, secretary, town_organiser, tree):
    client.force_login(town_organiser)
    assert client.get(reverse("posts:coverage", args=[tree.branch.pk])).status_code == 404
    client.force_login(secretary)
    assert client.get(reverse("posts:coverage", args=[tree.town.pk])).status_code == 404


def test_the_unit_page_links_to_coverage_and_ledgers(client, town_organiser, secretary, tree):
    client.force_login(town_organiser)
    town_page = client.get(reverse("members:unit-detail", args=[tree.town.pk])).content.decode()
    assert reverse("posts:coverage", args=[tree.town.pk]) in town_page
    assert reverse("posts:pledge-ledger", args=[tree.town.pk]) in town_page
    client.force_login(secretary)
    branch_page = client.get(reverse("members:unit-detail", args=[tree.branch.pk])).content.decode()
    assert reverse("posts:post-ledger", args=[tree.branch.pk]) in branch_page
    assert reverse("posts:coverage", args=[tree.branch.pk]) not in branch_page


@pytest.mark.parametrize("size", [1, 4])
def test_the_coverage_page_makes_the_same_number_of_queries_whatever_the_size(
    client, district_organiser, superuser, tree, post_type, django_assert_num_queries, size
):
    _populate(tree, post_type, superuser, size)
    client.force_login(district_organiser)
    url = reverse("posts:coverage", args=[tree.district.pk]) + f"?year={YEAR}"
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_COVERAGE):
        client.get(url)


# session, user, unit, roles, children, four aggregates, the menu's one statement; a
# district has no units above it, so no breadcrumb query
QUERIES_ON_COVERAGE = 10
