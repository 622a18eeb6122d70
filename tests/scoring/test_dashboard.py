"""Dashboards of a branch, a town and the district (point 8): coverage, the distribution
of members' points, activities by kind, trainings and people trained, grades, and a row
per child unit — each figure read in a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import Unit
from scoring import evaluation as year_end
from scoring import services
from scoring.dashboard import unit_dashboard
from scoring.models import ActivityKind, EvaluationRule, Grade, PointsEntry
from tests.factories import ChoiceFactory, MemberFactory, PostFactory, UnitFactory

YEAR = 2026
Kind = ActivityKind


def record(branch, kind, members, by, day=dt.date(YEAR, 3, 12), title="夜间治安巡逻"):
    return services.record_activity(
        branch=branch, kind=kind, title=title, held_on=day, members=members, by=by
    )


def hold_a_post(member, branch):
    post = PostFactory(branch=branch, year=YEAR)
    return ChoiceFactory(post=post, member=member, status="confirmed")


@pytest.fixture
def year_of_work(tree, secretary):
    """秦望村: 甲 (a post, 7 points), 乙 (a post, 3), 丙 (1 after a correction), 丁 (no
    points), 戊 (exempt); 坡塘村: 己 (12 points); 东浦社区: 庚 (3 points)."""
    home, neighbour, other = tree.branch, tree.neighbour_branch, tree.other_branch
    jia, yi, bing = (MemberFactory(branch=home, name=n) for n in ("甲", "乙", "丙"))
    MemberFactory(branch=home, name="丁")
    MemberFactory(branch=home, name="戊", is_exempt=True, exemption_reason="年老体弱")
    ji = MemberFactory(branch=neighbour, name="己")
    geng = MemberFactory(branch=other, name="庚")
    hold_a_post(jia, home)
    hold_a_post(yi, home)

    record(home, Kind.COLLECTIVE, [jia, yi, bing], secretary)
    record(home, Kind.INDIVIDUAL, [jia], secretary, title="上门维修小家电")
    record(home, Kind.TRAINING, [jia, yi], secretary, title="应急救护培训")
    record(home, Kind.TRAINING, [jia], secretary, day=dt.date(YEAR, 4, 2), title="消防安全培训")
    record(home, Kind.MEETING, [bing], secretary, title="第一季度工作交流会")
    services.correct_entry(
        entry=PointsEntry.objects.get(member=bing, points=2),
        right_points=Decimal("0"),
        reason="实际未到场",
        by=secretary,
    )
    for day in range(1, 7):
        record(neighbour, Kind.COLLECTIVE, [ji], secretary, day=dt.date(YEAR, 5, day))
    record(other, Kind.INDIVIDUAL, [geng], secretary)
    record(home, Kind.COLLECTIVE, [yi], secretary, day=dt.date(YEAR - 1, 6, 1))  # last year

    # Graded against the branch's best (甲 = 100), so each grade appears once.
    EvaluationRule.objects.create(
        district=tree.district, year=YEAR, points_method="best", target_points=None
    )
    year_end.open_evaluations(branch=home, year=YEAR, by=secretary)
    for evaluation in home.evaluations.all():
        year_end.enter_paper_counts(
            evaluation=evaluation, member_favourable=10, member_total=10, by=secretary
        )
    year_end.compute_branch(branch=home, year=YEAR, by=secretary)
    year_end.publish_branch(branch=home, year=YEAR, by=secretary)
    return tree


def test_the_district_dashboard_adds_up_every_figure(year_of_work):
    tree = year_of_work
    board = unit_dashboard(tree.district, YEAR)
    total = board.total

    assert (total.coverage.eligible, total.coverage.covered) == (6, 2)
    assert total.points == Decimal("26")  # 甲 7, 乙 3, 丙 1, 己 12, 庚 3
    assert total.members_with_points == 5
    assert total.activities == {"collective": 7, "individual": 2, "training": 2, "meeting": 1}
    assert total.attendances == {"collective": 9, "individual": 2, "training": 3, "meeting": 1}
    assert (total.trainings, total.trained) == (2, 2)
    assert total.grades == {"excellent": 1, "good": 0, "average": 1, "poor": 0}
    assert [(b.label, b.members) for b in board.bands[:3]] == [("0", 1), ("1–9", 4), ("10–19", 1)]
    assert sum(b.members for b in board.bands) == total.coverage.eligible
    assert board.months[2] == (dt.date(YEAR, 3, 1), Decimal("13"))
    rows = {unit.name: figures for unit, figures in board.rows}
    assert list(rows) == ["鉴湖镇", "东浦街道"]
    assert (rows["鉴湖镇"].points, rows["东浦街道"].points) == (Decimal("23"), Decimal("3"))
    assert (rows["鉴湖镇"].activity_count, rows["东浦街道"].activity_count) == (11, 1)
    assert (rows["鉴湖镇"].trained, rows["东浦街道"].trained) == (2, 0)
    assert (rows["鉴湖镇"].evaluated, rows["东浦街道"].evaluated) == (2, 0)


def test_the_town_dashboard_has_a_row_per_branch_and_the_branch_none(year_of_work):
    tree = year_of_work
    town = unit_dashboard(tree.town, YEAR)
    rows = {unit.name: figures for unit, figures in town.rows}
    assert set(rows) == {"秦望村", "坡塘村"}
    assert (rows["秦望村"].points, rows["坡塘村"].points) == (Decimal("11"), Decimal("12"))
    assert rows["秦望村"].coverage.percent == 50.0
    assert rows["秦望村"].members_with_points == 3

    branch = unit_dashboard(tree.branch, YEAR)
    assert branch.rows == []
    assert (branch.total.coverage.eligible, branch.total.coverage.covered) == (4, 2)
    assert branch.total.points == Decimal("11")
    assert branch.total.trained == 2
    assert branch.total.grades[Grade.EXCELLENT] == 1


def test_another_year_counts_only_its_own_work(year_of_work):
    last_year = unit_dashboard(year_of_work.branch, YEAR - 1)
    assert last_year.total.points == Decimal("2")
    assert last_year.total.activity_count == 1
    assert last_year.total.evaluated == 0


def test_the_page_shows_the_figures_charts_and_child_rows(client, district_organiser, year_of_work):
    client.force_login(district_organiser)
    response = client.get(reverse("scoring:dashboard", args=[year_of_work.district.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for part in ("points-histogram", "activities-by-kind", "grades", "child-table"):
        assert f'id="{part}"' in page
    assert page.count("<svg") >= 6
    assert 'id="figure-trained">2<' in page
    assert reverse("scoring:dashboard", args=[year_of_work.town.pk]) in page
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]


def test_the_year_comes_from_the_query_string(client, secretary, year_of_work):
    client.force_login(secretary)
    url = reverse("scoring:dashboard", args=[year_of_work.branch.pk])
    assert client.get(url, {"year": YEAR - 1}).context["board"].total.points == Decimal("2")
    assert client.get(url, {"year": "x"}).context["year"] == dt.date.today().year


def test_scope(client, secretary, town_organiser, other_town_organiser, member_user, tree):
    def status(user, unit):
        client.force_login(user)
        return client.get(reverse("scoring:dashboard", args=[unit.pk])).status_code

    assert status(secretary, tree.branch) == 200
    assert status(secretary, tree.town) == 404
    assert status(secretary, tree.neighbour_branch) == 404
    assert status(town_organiser, tree.town) == 200
    assert status(town_organiser, tree.branch) == 200
    assert status(town_organiser, tree.district) == 404
    assert status(other_town_organiser, tree.town) == 404
    assert status(member_user, tree.branch) == 404
    assert status(town_organiser, tree.grid) == 404


def test_the_charts_escape_a_unit_named_like_a_script(client, town_organiser, tree):
    UnitFactory(
        kind=Unit.Kind.BRANCH, name="<script>alert(1)</script>", code="666", parent=tree.town
    )
    client.force_login(town_organiser)
    page = client.get(reverse("scoring:dashboard", args=[tree.town.pk])).content.decode()
    assert "<script>alert" not in page
    chart = page[page.index('id="child-points"') :]
    assert "&lt;script&gt;" in chart[: chart.index("</svg>")]


def test_the_unit_page_and_the_home_page_link_to_the_dashboard(client, secretary, tree):
    client.force_login(secretary)
    url = reverse("scoring:dashboard", args=[tree.branch.pk])
    assert url in client.get(reverse("members:unit-detail", args=[tree.branch.pk])).content.decode()
    assert url in client.get(reverse("home")).content.decode()


# --- constant queries -----------------------------------------------------------------


def _grow(tree, secretary, size):
    """`size` more towns, each with a branch whose members hold posts, take part in
    activities and trainings, and are evaluated."""
    for n in range(size):
        town = UnitFactory(kind=Unit.Kind.TOWN, name=f"镇{n}", code=f"T{n}", parent=tree.district)
        branch = UnitFactory(kind=Unit.Kind.BRANCH, name=f"村{n}", code="B", parent=town)
        members = [MemberFactory(branch=branch) for _ in range(size)]
        for member in members:
            hold_a_post(member, branch)
        for day in range(1, size + 1):
            record(branch, Kind.COLLECTIVE, members, secretary, day=dt.date(YEAR, 3, day))
            record(branch, Kind.TRAINING, members[:1], secretary, day=dt.date(YEAR, 4, day))
        year_end.open_evaluations(branch=branch, year=YEAR, by=secretary)
        for evaluation in branch.evaluations.all():
            year_end.enter_paper_counts(
                evaluation=evaluation, member_favourable=1, member_total=2, by=secretary
            )
        year_end.compute_branch(branch=branch, year=YEAR, by=secretary)
        year_end.publish_branch(branch=branch, year=YEAR, by=secretary)


# session, user, unit, roles, coverage (children and four aggregates), branches, members'
# points, exempt members, months, activities, attendances, people trained, grades,
# participants by category, the menu's one statement (unread count, own file); a
# district has no units above it to ask for
QUERIES_ON_DISTRICT = 19


@pytest.mark.parametrize("size", [1, 3])
def test_the_district_dashboard_makes_the_same_number_of_queries_whatever_its_size(
    client, district_organiser, secretary, tree, django_assert_num_queries, size
):
    _grow(tree, secretary, size)
    client.force_login(district_organiser)
    url = reverse("scoring:dashboard", args=[tree.district.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_DISTRICT):
        response = client.get(url)
    assert response.context["board"].total.evaluated == size * size
    assert len(response.context["board"].rows) == size + 2


@pytest.mark.parametrize("size", [1, 4])
def test_the_branch_dashboard_makes_the_same_number_of_queries_whatever_its_size(
    client, secretary, tree, django_assert_num_queries, size
):
    members = [MemberFactory(branch=tree.branch) for _ in range(size)]
    for member in members:
        hold_a_post(member, tree.branch)
    for day in range(1, size + 1):
        record(tree.branch, Kind.COLLECTIVE, members, secretary, day=dt.date(YEAR, 3, day))
        record(tree.branch, Kind.TRAINING, members, secretary, day=dt.date(YEAR, 4, day))
    client.force_login(secretary)
    url = reverse("scoring:dashboard", args=[tree.branch.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_DISTRICT + 1):  # the units above it
        response = client.get(url)
    assert response.context["board"].total.trained == size
