import datetime as dt
import io
import subprocess
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from inbox.models import Notification
from members.models import Member
from posts.models import Choice
from scoring import evaluation as ev
from scoring import services
from scoring.models import (
    ActivityKind,
    Ballot,
    Evaluation,
    EvaluationRule,
    Grade,
    Honour,
    PointsEntry,
    Sanction,
)
from tests.factories import (
    ChoiceFactory,
    MemberFactory,
    PartnerUnitFactory,
    PostFactory,
    UserFactory,
)
from tests.pdf import pdf_text

YEAR = 2026
MAY = dt.date(YEAR, 5, 12)


def rule(**changes) -> EvaluationRule:
    """An unsaved rule: best = 100, 50/50, 90/75/60, with `changes`."""
    return EvaluationRule(year=YEAR, **({"points_method": "best", "target_points": None} | changes))


# --- the rules, as plain functions -----------------------------------------------------


def test_the_fifty_fifty_computation_with_concrete_numbers():
    appraisal = ev.appraisal_score(18, 20)
    points = ev.points_score(D("30"), rule=rule(), best_in_branch=D("40"))
    final = ev.final_score(appraisal, points, rule())

    assert (appraisal, points, final) == (D("90.0"), D("75.0"), D("82.5"))
    assert ev.grade_for(final, rule()) == Grade.GOOD


@pytest.mark.parametrize(
    ("final", "grade"),
    [
        ("100", Grade.EXCELLENT),
        ("90.0", Grade.EXCELLENT),
        ("89.9", Grade.GOOD),
        ("75.0", Grade.GOOD),
        ("74.9", Grade.AVERAGE),
        ("60.0", Grade.AVERAGE),
        ("59.9", Grade.POOR),
        ("0", Grade.POOR),
    ],
)
def test_a_score_exactly_at_a_threshold_gets_the_higher_grade(final, grade):
    assert ev.grade_for(D(final), rule()) == grade


def test_89_95_rounds_half_up_to_90_and_is_excellent():
    final = ev.final_score(D("89.9"), D("90.0"), rule())

    assert final == D("90.0")
    assert ev.grade_for(final, rule()) == Grade.EXCELLENT


def test_rounding_is_half_up_not_to_even():
    assert ev.final_score(D("89.8"), D("89.9"), rule()) == D("89.9")  # 89.85
    assert ev.appraisal_score(2, 3) == D("66.7")
    assert ev.appraisal_score(1, 8) == D("12.5")


def test_without_votes_there_is_no_appraisal_no_final_score_and_no_grade():
    assert ev.appraisal_score(0, 0) is None
    result = ev.compute(points_total=D("30"), best_in_branch=D("40"), votes=ev.Votes(), rule=rule())

    assert (result.points_score, result.appraisal_score) == (D("75.0"), None)
    assert (result.final_score, result.grade, result.is_complete) == (None, None, False)


def test_when_nobody_has_points_the_points_score_is_zero():
    assert ev.points_score(D("0"), rule=rule(), best_in_branch=D("0")) == D("0.0")


def test_a_negative_total_after_corrections_scores_zero():
    assert ev.points_score(D("-2"), rule=rule(), best_in_branch=D("10")) == D("0.0")


def test_the_target_method_caps_at_100():
    by_target = rule(points_method=EvaluationRule.PointsMethod.TARGET, target_points=D("50"))

    assert ev.points_score(D("80"), rule=by_target, best_in_branch=D("200")) == D("100.0")
    assert ev.points_score(D("50"), rule=by_target, best_in_branch=D("200")) == D("100.0")
    assert ev.points_score(D("30"), rule=by_target, best_in_branch=D("200")) == D("60.0")


def test_weights_of_60_and_40_come_from_the_rule():
    weighted = rule(appraisal_weight=D("0.60"), points_weight=D("0.40"))

    assert ev.final_score(D("90.0"), D("75.0"), weighted) == D("84.0")


def test_favourable_votes_cannot_exceed_the_votes_cast():
    with pytest.raises(ValueError):
        ev.appraisal_score(21, 20)


def test_the_computation_writes_down_every_step_with_its_numbers():
    paper = (ev.VoteCount("member", 4, 4), ev.VoteCount("resident", 2, 2))
    votes = ev.Votes(ballot_counts=(ev.VoteCount("resident", 12, 14),), paper=paper)
    result = ev.compute(points_total=D("30"), best_in_branch=D("40"), votes=votes, rule=rule())

    worked = {step.label: (step.worked, step.result) for step in result.steps}
    assert worked["Points score"] == ("30.0 ÷ 40.0 × 100", "75.0")
    assert worked["Favourable votes"] == ("12 + 6", "18")
    assert worked["Votes cast"] == ("14 + 6", "20")
    assert worked["Appraisal score"] == ("18 ÷ 20 × 100", "90.0")
    assert worked["Final score"] == ("50% × 90.0 + 50% × 75.0", "82.5")
    assert worked["Grade"] == ("82.5 ≥ 75.0", "Good")


# --- services -----------------------------------------------------------------------------


def _post(tree, year=YEAR, branch=None):
    return PostFactory(branch=branch or tree.branch, year=year)


def _holder(tree, name, *, status="confirmed", post=None, **member_fields):
    member = MemberFactory(branch=tree.branch, name=name, **member_fields)
    ChoiceFactory(post=post or _post(tree), member=member, status=status)
    return member


def _points(member, points, on=MAY, *, by):
    PointsEntry.objects.create(
        member=member,
        branch=member.branch,
        month=on.replace(day=1),
        occurred_on=on,
        points=D(points),
        recorded_by=by,
    )


def _votes(member, favourable, total, *, by):
    evaluation = Evaluation.objects.get(member=member, year=YEAR)
    ev.enter_paper_counts(
        evaluation=evaluation, member_favourable=favourable, member_total=total, by=by
    )


@pytest.fixture(autouse=True)
def relative_to_best(request, tree):
    """Most tests here work their figures against the branch's best, the rule these
    examples were written with; the default (a yearly target) has tests of its own,
    marked `default_rule`."""
    if "default_rule" in request.keywords:
        return None
    return EvaluationRule.objects.create(
        district=tree.district, year=YEAR, points_method="best", target_points=None
    )


@pytest.fixture
def holders(tree, secretary):
    """Two post holders of 秦望村 with their evaluations opened."""
    first, second = _holder(tree, "张伟"), _holder(tree, "李娜")
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    return first, second


def test_open_evaluations_picks_the_holders_of_the_years_posts_only(tree, secretary):
    confirmed = _holder(tree, "张伟")
    ended = _holder(tree, "李娜", status="ended")
    _holder(tree, "王芳", status="applied")
    _holder(tree, "赵磊", status="declined")
    _holder(tree, "陈静", post=_post(tree, year=YEAR - 1))
    MemberFactory(branch=tree.branch, name="刘洋")  # holds no post
    neighbour = MemberFactory(branch=tree.neighbour_branch)
    ChoiceFactory(
        post=_post(tree, branch=tree.neighbour_branch), member=neighbour, status="confirmed"
    )

    created = ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)

    assert {e.member for e in created} == {confirmed, ended}
    assert ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary) == []
    assert Evaluation.objects.count() == 2


def test_opening_with_no_post_holders_is_refused(tree, secretary):
    with pytest.raises(services.ScoringError):
        ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)


def test_compute_takes_the_years_points_from_the_ledger_with_corrections(tree, holders, secretary):
    first, second = holders
    services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.COLLECTIVE,
        title="夜间治安巡逻",
        held_on=MAY,
        members=[first],
        by=secretary,
    )
    services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.COLLECTIVE,
        title="清除牛皮藓",
        held_on=MAY,
        members=[first, second],
        by=secretary,
    )
    services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.INDIVIDUAL,
        title="家电维修",
        held_on=dt.date(YEAR - 1, 12, 30),  # last year's: does not count
        members=[first],
        by=secretary,
    )
    entry = PointsEntry.objects.filter(member=second).get()
    services.correct_entry(entry=entry, right_points=D("1"), reason="提前离开", by=secretary)
    _votes(first, 10, 10, by=secretary)
    _votes(second, 10, 10, by=secretary)

    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)

    a, b = (Evaluation.objects.get(member=m) for m in holders)
    assert (a.points_total, a.points_basis, a.points_score) == (D("4.0"), D("4.0"), D("100.0"))
    assert (b.points_total, b.points_score) == (D("1.0"), D("25.0"))
    assert (b.final_score, b.grade) == (D("62.5"), Grade.AVERAGE)
    assert a.rule == ev.rule_for(tree.district, YEAR)


def test_members_with_equal_scores_get_the_same_grade(tree, holders, secretary):
    for member in holders:
        _points(member, "12", by=secretary)
        _votes(member, 15, 20, by=secretary)

    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)

    scored = {(e.final_score, e.grade) for e in Evaluation.objects.all()}
    assert scored == {(D("87.5"), Grade.GOOD)}


def test_an_evaluation_without_votes_is_computed_incomplete_without_a_grade(
    tree, holders, secretary
):
    first, second = holders
    _votes(first, 9, 10, by=secretary)

    result = ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)

    assert result.incomplete == [second.name]
    unvoted = Evaluation.objects.get(member=second)
    assert (unvoted.final_score, unvoted.grade, unvoted.points_score) == (None, "", D("0.0"))
    assert unvoted.computed_at is not None


def test_entering_votes_clears_the_stored_scores_until_computed_again(tree, holders, secretary):
    first, second = holders
    _votes(first, 9, 10, by=secretary)
    _votes(second, 9, 10, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    evaluation = Evaluation.objects.get(member=first)

    ev.enter_ballots(
        evaluation=evaluation, favourable=1, unfavourable=2, voter="member", by=secretary
    )

    evaluation.refresh_from_db()
    assert (evaluation.final_score, evaluation.grade, evaluation.computed_at) == (None, "", None)
    assert Ballot.objects.filter(evaluation=evaluation).count() == 3


def test_publishing_needs_a_grade_for_everyone(tree, holders, secretary):
    _votes(holders[0], 9, 10, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)

    with pytest.raises(services.ScoringError, match=holders[1].name):
        ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    assert not Evaluation.objects.filter(published_at__isnull=False).exists()


def _published(tree, secretary, grades: dict[Member, tuple[int, int]]):
    for member, (favourable, total) in grades.items():
        _votes(member, favourable, total, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    return ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)


def test_opening_the_evaluation_asks_each_member_with_a_log_in_for_a_self_report(
    tree, secretary, member_user
):
    ChoiceFactory(post=_post(tree), member=member_user.member_file, status="confirmed")
    _holder(tree, "李娜")  # no log-in: nobody to tell

    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)

    notice = Notification.objects.get()
    assert notice.recipient == member_user
    assert notice.link == reverse("scoring:my-evaluation")
    assert str(YEAR) in notice.subject


def test_publishing_tells_each_member_with_a_log_in_and_freezes_the_results(
    tree, secretary, member_user, district_organiser
):
    mine = member_user.member_file
    ChoiceFactory(post=_post(tree), member=mine, status="confirmed")
    other = _holder(tree, "李娜")
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)

    _published(tree, secretary, {mine: (18, 20), other: (5, 20)})

    evaluation = Evaluation.objects.get(member=mine)
    notice = Notification.objects.filter(recipient=member_user).latest("pk")
    assert evaluation.published_at is not None
    assert notice.link == reverse("scoring:evaluation-detail", args=[evaluation.pk])
    assert evaluation.get_grade_display() in notice.subject
    frozen = [
        lambda: ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary),
        lambda: ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary),
        lambda: ev.enter_ballots(
            evaluation=evaluation, favourable=1, unfavourable=0, voter="member", by=secretary
        ),
        lambda: ev.enter_paper_counts(
            evaluation=evaluation, member_favourable=1, member_total=1, by=secretary
        ),
        lambda: ev.save_self_report(evaluation=evaluation, text="补充", by=member_user),
        lambda: ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary),
        lambda: ev.set_evaluation_rule(
            district=tree.district,
            year=YEAR,
            points_method="best",
            target_points=None,
            appraisal_weight=D("0.6"),
            points_weight=D("0.4"),
            excellent_from=D("90"),
            good_from=D("75"),
            average_from=D("60"),
            by=district_organiser,
        ),
    ]
    for attempt in frozen:
        with pytest.raises(services.ScoringError):
            attempt()
    evaluation.refresh_from_db()
    assert (evaluation.appraisal_score, evaluation.paper_total) == (D("90.0"), 20)


def test_a_rule_changed_after_computing_must_be_computed_again(
    tree, holders, secretary, district_organiser
):
    for member in holders:
        _votes(member, 9, 10, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    ev.set_evaluation_rule(
        district=tree.district,
        year=YEAR,
        points_method="target",
        target_points=D("20"),
        appraisal_weight=D("0.5"),
        points_weight=D("0.5"),
        excellent_from=D("85"),
        good_from=D("70"),
        average_from=D("50"),
        by=district_organiser,
    )

    with pytest.raises(services.ScoringError, match="compute again"):
        ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    assert len(ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)) == 2


@pytest.mark.default_rule
def test_a_missing_rule_is_written_down_with_the_defaults(tree):
    made = ev.rule_for(tree.district, YEAR)

    assert (made.points_method, made.target_points, made.grid_points) == ("target", D(100), "full")
    assert (made.appraisal_weight, made.points_weight) == (D("0.5"), D("0.5"))
    assert (made.excellent_from, made.good_from, made.average_from) == (D(90), D(75), D(60))
    assert ev.rule_for(tree.district, YEAR) == made


@pytest.mark.parametrize(
    "changes",
    [
        {"appraisal_weight": D("0.6")},  # 0.6 + 0.5
        {"good_from": D("95")},  # above excellent
        {"average_from": D("75")},  # equal to good
        {"points_method": "target", "target_points": None},
        {"points_method": "target", "target_points": D("0")},
        {"grid_points": "capped", "grid_points_cap": None},
    ],
)
@pytest.mark.default_rule
def test_a_rule_that_does_not_add_up_is_refused(tree, district_organiser, changes):
    values = {
        "points_method": "best",
        "target_points": None,
        "appraisal_weight": D("0.5"),
        "points_weight": D("0.5"),
        "excellent_from": D("90"),
        "good_from": D("75"),
        "average_from": D("60"),
    } | changes
    with pytest.raises(services.ScoringError):
        ev.set_evaluation_rule(district=tree.district, year=YEAR, by=district_organiser, **values)
    assert not EvaluationRule.objects.exists()


def test_honours_are_only_for_an_excellent_grade(tree, holders, secretary):
    excellent, poor = holders
    _points(excellent, "10", by=secretary)
    _published(tree, secretary, {excellent: (20, 20), poor: (1, 20)})

    honour = ev.award_honour(
        member=excellent, year=YEAR, kind=Honour.Kind.PIONEER, note="", by=secretary
    )
    with pytest.raises(services.ScoringError):
        ev.award_honour(
            member=poor, year=YEAR, kind=Honour.Kind.SERVICE_STAR, note="", by=secretary
        )
    with pytest.raises(services.ScoringError):
        ev.award_honour(
            member=excellent, year=YEAR, kind=Honour.Kind.PIONEER, note="", by=secretary
        )
    assert list(Honour.objects.all()) == [honour]


def test_an_unpublished_excellent_grade_gets_no_honour_yet(tree, holders, secretary):
    for member in holders:
        _points(member, "10", by=secretary)
        _votes(member, 20, 20, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    assert Evaluation.objects.get(member=holders[0]).grade == Grade.EXCELLENT

    with pytest.raises(services.ScoringError):
        ev.award_honour(
            member=holders[0], year=YEAR, kind=Honour.Kind.PIONEER, note="", by=secretary
        )


def test_removal_ends_the_post_and_only_after_a_poor_grade(tree, holders, secretary):
    excellent, poor = holders
    _points(excellent, "10", by=secretary)
    _published(tree, secretary, {excellent: (20, 20), poor: (1, 20)})
    poor_choice = Choice.objects.get(member=poor)
    good_choice = Choice.objects.get(member=excellent)

    with pytest.raises(services.ScoringError):
        ev.record_sanction(
            member=excellent,
            year=YEAR,
            kind=Sanction.Kind.REMOVAL,
            record="……",
            held_on=dt.date.today(),
            choice=good_choice,
            by=secretary,
        )
    with pytest.raises(services.ScoringError):  # a removal names the post
        ev.record_sanction(
            member=poor,
            year=YEAR,
            kind=Sanction.Kind.REMOVAL,
            record="支部大会决定退岗",
            held_on=dt.date.today(),
            by=secretary,
        )
    sanction = ev.record_sanction(
        member=poor,
        year=YEAR,
        kind=Sanction.Kind.REMOVAL,
        record="经支部大会讨论，决定退岗。" * 30,  # longer than a choice's reason may be
        held_on=dt.date.today(),
        choice=poor_choice,
        by=secretary,
    )

    poor_choice.refresh_from_db()
    good_choice.refresh_from_db()
    assert poor_choice.status == Choice.Status.ENDED
    assert poor_choice.reason.startswith("经支部大会讨论")
    assert good_choice.status == Choice.Status.CONFIRMED
    assert (sanction.choice, sanction.decided_by) == (poor_choice, secretary)


def test_an_admonishment_talk_is_recorded_for_a_poor_grade(tree, holders, secretary):
    excellent, poor = holders
    _points(excellent, "10", by=secretary)
    _published(tree, secretary, {excellent: (20, 20), poor: (1, 20)})

    talk = ev.record_sanction(
        member=poor,
        year=YEAR,
        kind=Sanction.Kind.ADMONISHMENT,
        record="书记与其谈话，本人表示改进。",
        held_on=dt.date.today(),
        by=secretary,
    )

    assert talk.choice is None
    assert Choice.objects.get(member=poor).status == Choice.Status.CONFIRMED


# --- pages ---------------------------------------------------------------------------


@pytest.fixture
def scored(tree, secretary, member_user):
    """The member_user's evaluation: 18 of 20 favourable, 30 points of the best 40."""
    mine = member_user.member_file
    ChoiceFactory(post=_post(tree), member=mine, status="confirmed")
    best = _holder(tree, "李娜")
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    _points(mine, "30", by=secretary)
    _points(best, "40", by=secretary)
    evaluation = Evaluation.objects.get(member=mine)
    ev.enter_ballots(
        evaluation=evaluation, favourable=12, unfavourable=2, voter="member", by=secretary
    )
    ev.enter_paper_counts(evaluation=evaluation, member_favourable=6, member_total=6, by=secretary)
    _votes(best, 20, 20, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    evaluation.refresh_from_db()
    return evaluation


def test_the_result_page_shows_the_whole_computation(client, secretary, scored):
    client.force_login(secretary)

    page = client.get(reverse("scoring:evaluation-detail", args=[scored.pk])).content.decode()

    for shown in ["30.0 ÷ 40.0 × 100", "75.0", "12 + 6", "18 ÷ 20 × 100", "90.0", "82.5"]:
        assert shown in page
    assert "50% × 90.0 + 50% × 75.0" in page
    assert 'data-grade="good"' in page
    assert page.count("<h1") == 1


def test_a_member_reads_their_result_once_published(client, tree, secretary, member_user, scored):
    client.force_login(member_user)
    url = reverse("scoring:evaluation-detail", args=[scored.pk])

    before = client.get(url).content.decode()
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    after = client.get(url).content.decode()

    assert "82.5" not in before
    assert "82.5" in after and "18 ÷ 20 × 100" in after
    assert client.get(reverse("scoring:my-evaluation")).url == url


def test_a_member_finds_next_years_open_evaluation_beside_the_published_result(
    client, tree, secretary, member_user, scored
):
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    ChoiceFactory(post=_post(tree, YEAR + 1), member=member_user.member_file, status="confirmed")
    ev.open_evaluations(branch=tree.branch, year=YEAR + 1, by=secretary)
    following = Evaluation.objects.get(member=member_user.member_file, year=YEAR + 1)
    client.force_login(member_user)

    page = client.get(reverse("scoring:my-evaluation")).content.decode()

    assert reverse("scoring:evaluation-detail", args=[following.pk]) in page
    assert reverse("scoring:evaluation-detail", args=[scored.pk]) in page


def test_the_menu_leads_a_member_to_their_evaluation(client, member_user):
    client.force_login(member_user)

    assert reverse("scoring:my-evaluation") in client.get(reverse("home")).content.decode()


def test_a_member_cannot_see_another_members_evaluation(client, member_user, scored):
    other = Evaluation.objects.exclude(pk=scored.pk).get()
    client.force_login(member_user)

    assert client.get(reverse("scoring:evaluation-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("scoring:evaluation-notice", args=[other.pk])).status_code == 404


def test_a_secretary_of_another_branch_gets_404(client, neighbour_secretary, scored):
    client.force_login(neighbour_secretary)

    for name in ["evaluation-detail", "evaluation-self-report"]:
        assert client.get(reverse(f"scoring:{name}", args=[scored.pk])).status_code == 404
    response = client.post(
        reverse("scoring:evaluation-ballots", args=[scored.pk]),
        {"ballots-voter": "member", "ballots-favourable": 1, "ballots-unfavourable": 0},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url_name", "data", "error"),
    [
        (
            "evaluation-ballots",
            {"ballots-voter": "member", "ballots-favourable": -1, "ballots-unfavourable": 3},
            "greater than or equal to 0",
        ),
        (
            "evaluation-ballots",
            {"ballots-voter": "resident", "ballots-favourable": 0, "ballots-unfavourable": 0},
            "Enter at least one ballot.",
        ),
        (
            "evaluation-ballots",
            {"ballots-voter": "martian", "ballots-favourable": 1, "ballots-unfavourable": 0},
            "Select a valid choice",
        ),
        (
            "evaluation-paper",
            {"paper-member_favourable": 21, "paper-member_total": 20},
            "Favourable votes cannot exceed the votes cast.",
        ),
        (
            "evaluation-paper",
            {"paper-member_favourable": 1, "paper-member_total": -5},
            "greater than or equal",
        ),
        # Two billion ballots would be two billion rows: refused, as any count past
        # what one meeting casts.
        (
            "evaluation-ballots",
            {"ballots-voter": "member", "ballots-favourable": 2**31, "ballots-unfavourable": 0},
            "less than or equal to 2000",
        ),
        (
            "evaluation-ballots",
            {"ballots-voter": "member", "ballots-favourable": 1500, "ballots-unfavourable": 1500},
            "At most 2000 votes can be entered at once.",
        ),
        (
            "evaluation-paper",
            {"paper-member_favourable": 1, "paper-member_total": 2**31},
            "less than or equal to 2000",
        ),
    ],
)
def test_bad_vote_counts_show_an_error_and_change_nothing(
    client, secretary, scored, url_name, data, error
):
    client.force_login(secretary)
    before = (Ballot.objects.count(), scored.paper_favourable, scored.paper_total)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse(f"scoring:{url_name}", args=[scored.pk]), data)

    scored.refresh_from_db()
    assert response.status_code == 200
    assert error in response.content.decode()
    assert (Ballot.objects.count(), scored.paper_favourable, scored.paper_total) == before
    assert scored.final_score == D("82.5")


def test_the_secretary_enters_ballots_as_counts(client, secretary, scored):
    client.force_login(secretary)

    response = client.post(
        reverse("scoring:evaluation-ballots", args=[scored.pk]),
        {"ballots-voter": "resident", "ballots-favourable": 4, "ballots-unfavourable": 1},
    )

    assert response.status_code == 302
    residents = Ballot.objects.filter(evaluation=scored, voter="resident")
    assert [b.favourable for b in residents.order_by("pk")] == [True] * 4 + [False]


def test_the_member_writes_the_self_report_and_the_secretary_can_type_it_in(
    client, secretary, member_user, town_organiser, scored
):
    url = reverse("scoring:evaluation-self-report", args=[scored.pk])
    client.force_login(member_user)
    assert client.post(url, {"text": "全年参加巡逻十二次。"}).status_code == 302
    client.force_login(secretary)
    assert client.post(url, {"text": "（据书面述职录入）全年巡逻十二次。"}).status_code == 302
    client.force_login(town_organiser)
    assert client.get(url).status_code == 403

    scored.refresh_from_db()
    assert scored.self_report == "（据书面述职录入）全年巡逻十二次。"


def test_the_notice_pdf_names_the_member_and_the_grade(
    client, tree, secretary, member_user, scored, tmp_path
):
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    client.force_login(member_user)

    response = client.get(reverse("scoring:evaluation-notice", args=[scored.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    scored.refresh_from_db()
    with translation.override("zh-hans"):
        grade = scored.get_grade_display()
    assert "王建国" in text
    assert grade in text
    assert "82.5" in text


def test_the_branch_notices_come_as_one_pdf_with_a_page_each(
    client, tree, secretary, scored, tmp_path
):
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    client.force_login(secretary)

    response = client.get(reverse("scoring:evaluation-notices", args=[tree.branch.pk, YEAR]))

    path = tmp_path / "notices.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:           2" in info.stdout


def test_unpublished_results_have_no_notice(client, secretary, scored):
    client.force_login(secretary)

    assert client.get(reverse("scoring:evaluation-notice", args=[scored.pk])).status_code == 404


def _branch_with(tree, secretary, count: int):
    post = PostFactory(branch=tree.branch, year=YEAR, seats=count)
    for n in range(count):
        member = MemberFactory(branch=tree.branch)
        ChoiceFactory(post=post, member=member, status="confirmed")
        _points(member, str(n + 1), by=secretary)
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    for evaluation in Evaluation.objects.all():
        ev.enter_ballots(
            evaluation=evaluation, favourable=3, unfavourable=1, voter="member", by=secretary
        )
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)


def _board_queries(client, tree) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("scoring:evaluation-branch", args=[tree.branch.pk, YEAR]))
    assert response.status_code == 200
    return len(queries)


def test_the_branch_board_makes_the_same_queries_for_3_or_15_evaluations(
    client, tree, secretary, django_assert_num_queries
):
    client.force_login(secretary)
    _branch_with(tree, secretary, 3)
    few = _board_queries(client, tree)
    _branch_with(tree, secretary, 12)
    assert Evaluation.objects.count() == 15

    with django_assert_num_queries(few):
        client.get(reverse("scoring:evaluation-branch", args=[tree.branch.pk, YEAR]))


def test_the_secretary_runs_the_year_from_the_board(client, tree, secretary, member_user):
    ChoiceFactory(post=_post(tree), member=member_user.member_file, status="confirmed")
    client.force_login(secretary)
    board = reverse("scoring:evaluation-branch", args=[tree.branch.pk, YEAR])

    client.post(reverse("scoring:evaluation-open", args=[tree.branch.pk, YEAR]))
    evaluation = Evaluation.objects.get()
    client.post(
        reverse("scoring:evaluation-paper", args=[evaluation.pk]),
        {"paper-member_favourable": 19, "paper-member_total": 20},
    )
    client.post(reverse("scoring:evaluation-compute", args=[tree.branch.pk, YEAR]))
    response = client.post(reverse("scoring:evaluation-publish", args=[tree.branch.pk, YEAR]))

    evaluation.refresh_from_db()
    assert response.url == board
    # 95% of the votes and the branch's best points (nobody has any: 0) → 47.5
    assert (evaluation.final_score, evaluation.grade) == (D("47.5"), Grade.POOR)
    assert evaluation.published_at is not None
    assert 'data-grade="poor"' in client.get(board).content.decode()


def test_the_branch_page_links_to_the_year_end_evaluation(client, tree, secretary):
    client.force_login(secretary)

    page = client.get(reverse("members:unit-detail", args=[tree.branch.pk])).content.decode()

    assert reverse("scoring:evaluation-branch", args=[tree.branch.pk, dt.date.today().year]) in page


@pytest.mark.default_rule
def test_the_district_organiser_sets_the_rule_and_a_town_organiser_may_only_read(
    client, tree, district_organiser, town_organiser
):
    url = reverse("scoring:evaluation-rules", args=[tree.district.pk, YEAR])
    data = {
        "points_method": "target",
        "target_points": "40",
        "grid_points": "full",
        "appraisal_weight": "0.6",
        "points_weight": "0.4",
        "excellent_from": "90",
        "good_from": "75",
        "average_from": "60",
    }
    client.force_login(town_organiser)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403

    client.force_login(district_organiser)
    bad = client.post(url, data | {"points_weight": "0.5"})
    assert "add up to 1" in bad.content.decode()
    assert not EvaluationRule.objects.exists()
    assert client.post(url, data).status_code == 302

    saved = EvaluationRule.objects.get()
    assert (saved.points_method, saved.target_points, saved.appraisal_weight) == (
        "target",
        D("40"),
        D("0.6"),
    )


def test_employer_units_get_the_published_results_of_their_in_service_members(
    client, tree, secretary, district_organiser
):
    employer = PartnerUnitFactory(name="区供电公司")
    employee = _holder(tree, "孙敏", category=Member.Category.IN_SERVICE, employer=employer)
    villager = _holder(tree, "周强")
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    _published(tree, secretary, {employee: (19, 20), villager: (19, 20)})
    client.force_login(district_organiser)

    page = client.get(reverse("scoring:evaluation-employer", args=[employer.pk, YEAR]))
    sheet = client.get(
        reverse("scoring:evaluation-xlsx", args=[tree.district.pk, YEAR]),
        {"employer": employer.pk},
    )

    assert "孙敏" in page.content.decode() and "周强" not in page.content.decode()
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert [row[1] for row in rows[1:]] == ["孙敏"]
    assert (
        dict(zip(rows[0], rows[1], strict=True))["Final score"] == 47.5
    )  # 95.0 appraisal, no points


def test_the_partner_list_leads_to_the_year_end_results_of_each_unit(
    client, tree, district_organiser
):
    employer = PartnerUnitFactory(name="区供电公司")
    _holder(tree, "孙敏", category=Member.Category.IN_SERVICE, employer=employer)
    client.force_login(district_organiser)

    page = client.get(reverse("members:partner-list"))

    year = page.context["results_year"]
    assert year in {timezone.localdate().year, timezone.localdate().year - 1}
    assert reverse("scoring:evaluation-employer", args=[employer.pk, year]) in page.content.decode()


def test_an_honour_for_a_grade_that_is_not_excellent_is_refused_with_a_message(
    client, secretary, scored
):
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("scoring:evaluation-honour", args=[scored.pk]),
        {"honour-kind": Honour.Kind.PIONEER, "honour-note": ""},
    )

    assert response.status_code == 200
    assert "Honours are for members graded excellent" in response.content.decode()
    assert not Honour.objects.exists()


def test_each_evaluation_page_has_one_h1(
    client, tree, secretary, district_organiser, member_user, scored
):
    client.force_login(secretary)
    for url in [
        reverse("scoring:evaluation-branch", args=[tree.branch.pk, YEAR]),
        reverse("scoring:evaluation-detail", args=[scored.pk]),
        reverse("scoring:evaluation-self-report", args=[scored.pk]),
    ]:
        assert client.get(url).content.decode().count("<h1") == 1, url
    client.force_login(district_organiser)
    rules = reverse("scoring:evaluation-rules", args=[tree.district.pk, YEAR])
    assert client.get(rules).content.decode().count("<h1") == 1
    client.force_login(member_user)
    assert client.get(reverse("scoring:my-evaluation")).content.decode().count("<h1") == 1


# --- published in the branch (公示) and the paper ballot -----------------------------------


def test_the_public_results_page_shows_a_published_year_to_anyone(
    client, tree, secretary, member_user, scored
):
    url = reverse("scoring:public-results", args=[tree.branch.pk, YEAR])
    before = client.get(url).content.decode()
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)

    after = client.get(url).content.decode()

    assert "王建国" not in before
    # Everyone: how many members each grade holds, no names.
    assert "王建国" not in after and "82.5" not in after
    assert client.get(url).context["evaluated"] == 2
    # The branch's own members, logged in: names and grades.
    client.force_login(member_user)
    inside = client.get(url).content.decode()
    assert "王建国" in inside and "李娜" in inside and "82.5" in inside
    assert member_user.member_file.phone not in inside
    assert member_user.member_file.id_number[-4:] not in inside


def test_the_public_results_page_names_the_honoured_to_everyone(
    client, tree, secretary, member_user, scored
):
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    evaluation = Evaluation.objects.get(member=member_user.member_file, year=YEAR)
    Honour.objects.create(
        member=member_user.member_file, year=YEAR, kind=Honour.Kind.PIONEER, awarded_by=secretary
    )
    url = reverse("scoring:public-results", args=[tree.branch.pk, YEAR])
    content = client.get(url).content.decode()
    assert "王建国" in content
    assert str(evaluation.final_score) not in content


def make_member_user_in(branch):
    user = UserFactory(username="outsider")
    MemberFactory(branch=branch, user=user, name="外村党员")
    return user


def test_a_member_of_another_branch_sees_no_names(client, tree, secretary, scored):
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    outsider = make_member_user_in(tree.neighbour_branch)
    client.force_login(outsider)
    url = reverse("scoring:public-results", args=[tree.branch.pk, YEAR])
    assert client.get(url).context["rows"] == []


@pytest.mark.parametrize("size", [1, 4])
def test_the_public_results_page_makes_the_same_queries_whatever_its_length(
    client, tree, secretary, django_assert_num_queries, size
):
    holders = [_holder(tree, f"党员{n}") for n in range(size)]
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    _published(tree, secretary, {holder: (9, 10) for holder in holders})
    url = reverse("scoring:public-results", args=[tree.branch.pk, YEAR])

    client.force_login(secretary)
    client.get(url)
    # session, user, roles, the menu's one statement (unread count, own file); the branch,
    # the results, the count per grade, the first, the honours
    with django_assert_num_queries(9):
        response = client.get(url)

    assert len(response.context["rows"]) == size


def test_the_ballot_sheet_lists_every_member_evaluated_once_per_copy(
    client, tree, secretary, scored, tmp_path
):
    client.force_login(secretary)
    url = reverse("scoring:evaluation-ballot-sheets", args=[tree.branch.pk, YEAR])

    response = client.get(url, {"copies": "3"})

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert text.count("王建国") == 3 and text.count("李娜") == 3
    assert text.count("\f") == 3  # one sheet per copy


@pytest.mark.parametrize("copies", ["0", "many", "1000", "²"])
def test_a_bad_number_of_ballot_copies_is_refused_with_a_message(
    client, tree, secretary, scored, copies
):
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("scoring:evaluation-ballot-sheets", args=[tree.branch.pk, YEAR])

    response = client.get(url, {"copies": copies}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "scoring:evaluation-branch", args=[tree.branch.pk, YEAR]
    )
    assert "copies" in response.content.decode()


def test_there_is_no_ballot_before_the_evaluation_is_opened(client, tree, secretary):
    client.force_login(secretary)
    url = reverse("scoring:evaluation-ballot-sheets", args=[tree.branch.pk, YEAR])

    response = client.get(url, follow=True)

    assert response.redirect_chain
    assert response.headers["Content-Type"].startswith("text/html")
