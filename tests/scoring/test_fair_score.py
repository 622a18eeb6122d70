"""A fair points score by default: a yearly target; the branch's best and rank as the
district's other choices; grid-service points in full, capped or not counted; the grade
distribution shown before publishing."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import evaluation as ev
from scoring import services
from scoring.models import ActivityKind, Evaluation
from tests.factories import ChoiceFactory, MemberFactory, PostFactory

YEAR = 2026


@pytest.fixture
def branch_of_three(tree, secretary):
    """三人: 甲 12 points of collective activities, 乙 6, 丙 a grid service worth 3
    points plus 30 points of grid services; all with the same votes."""
    post = PostFactory(branch=tree.branch, year=YEAR)
    members = [MemberFactory(branch=tree.branch, name=n) for n in ("甲", "乙", "丙")]
    for member in members:
        ChoiceFactory(post=post, member=member, status="confirmed")
    jia, yi, bing = members
    for n in range(6):
        services.record_activity(
            branch=tree.branch,
            kind=ActivityKind.COLLECTIVE,
            title=f"集体活动{n}",
            held_on=dt.date(YEAR, 3, n + 1),
            members=[jia] if n >= 3 else [jia, yi],
            by=secretary,
        )
    for n in range(11):  # grid services carry service hours
        services.record_activity(
            branch=tree.branch,
            kind=ActivityKind.INDIVIDUAL,
            title=f"网格服务{n}",
            held_on=dt.date(YEAR, 4, n + 1),
            members=[bing],
            hours=D("2"),
            by=secretary,
        )
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    for evaluation in Evaluation.objects.filter(year=YEAR):
        ev.enter_paper_counts(
            evaluation=evaluation, member_favourable=9, member_total=10, by=secretary
        )
    return {m.name: m for m in members}


def _rule(tree, **fields):
    rule = ev.rule_for(tree.district, YEAR)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.save()
    return rule


def _scores(tree, secretary) -> dict[str, D]:
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    return {e.member.name: e.points_score for e in Evaluation.objects.filter(year=YEAR)}


def test_by_default_points_score_against_the_districts_yearly_target(
    tree, secretary, branch_of_three
):
    rule = ev.rule_for(tree.district, YEAR)
    assert (rule.points_method, rule.target_points) == ("target", D(100))
    # 甲 12, 乙 6, 丙 33: each against 100, not against 丙's many grid services.
    assert _scores(tree, secretary) == {"甲": D("12.0"), "乙": D("6.0"), "丙": D("33.0")}


def test_against_the_branchs_best_one_member_sets_everyones_score(tree, secretary, branch_of_three):
    _rule(tree, points_method="best", target_points=None)
    assert _scores(tree, secretary) == {"甲": D("36.4"), "乙": D("18.2"), "丙": D("100.0")}


def test_by_rank_the_first_scores_100_and_the_last_0(tree, secretary, branch_of_three):
    _rule(tree, points_method="rank", target_points=None)
    assert _scores(tree, secretary) == {"甲": D("50.0"), "乙": D("0.0"), "丙": D("100.0")}


def test_equal_points_share_the_higher_rank():
    assert ev.ranks({1: D(5), 2: D(9), 3: D(5)}) == {1: 2, 2: 1, 3: 2}


def test_grid_service_points_can_be_left_out_of_the_score(tree, secretary, branch_of_three):
    _rule(tree, grid_points="none")
    scores = _scores(tree, secretary)
    assert scores["丙"] == D("0.0")
    bing = Evaluation.objects.get(member__name="丙")
    assert (bing.points_total, bing.grid_points) == (D("33"), D("33"))


def test_grid_service_points_can_count_up_to_a_cap(tree, secretary, branch_of_three):
    _rule(tree, grid_points="capped", grid_points_cap=D("10"))
    assert _scores(tree, secretary)["丙"] == D("10.0")


def test_the_result_page_shows_how_grid_service_points_were_counted(
    client, tree, secretary, branch_of_three
):
    _rule(tree, grid_points="capped", grid_points_cap=D("10"))
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    bing = Evaluation.objects.get(member__name="丙")
    client.force_login(secretary)
    computation = client.get(reverse("scoring:evaluation-detail", args=[bing.pk])).context[
        "computation"
    ]
    worked = {step.worked: step.result for step in computation.steps}
    assert worked["33.0 − 33.0 + min(33.0, 10.0)"] == "10.0"


def test_a_rule_with_a_cap_but_no_cap_value_is_refused(tree, district_organiser):
    with pytest.raises(services.ScoringError):
        ev.set_evaluation_rule(
            district=tree.district,
            year=YEAR,
            points_method="target",
            target_points=D(100),
            appraisal_weight=D("0.5"),
            points_weight=D("0.5"),
            excellent_from=D(90),
            good_from=D(75),
            average_from=D(60),
            grid_points="capped",
            grid_points_cap=None,
            by=district_organiser,
        )


def test_the_board_warns_when_more_than_half_of_the_branch_shares_a_grade(
    client, tree, secretary, branch_of_three
):
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    client.force_login(secretary)
    response = client.get(reverse("scoring:evaluation-branch", args=[tree.branch.pk, YEAR]))
    distribution = response.context["distribution"]
    assert distribution.graded == 3
    # 45 + 6, 45 + 3, 45 + 16.5: everyone below 60 is poor.
    assert distribution.crowded == "Poor"
    assert 'id="crowded-grade"' in response.content.decode()


def test_no_warning_when_the_grades_spread():
    graded = [Evaluation(grade=g) for g in ("excellent", "good", "average", "poor")]
    assert ev.grade_distribution(graded).crowded == ""
