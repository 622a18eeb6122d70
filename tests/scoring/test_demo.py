"""The scoring part of the demo data (scoring/demo.py), loaded by `seed_demo` after the
members and posts seeds."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from members import demo as member_demo
from members.models import Member, Unit
from posts import demo as posts_demo
from posts.models import Choice, DutyItem
from scoring import demo
from scoring import evaluation as ev
from scoring.models import (
    DEFAULT_POINTS,
    Activity,
    ActivityKind,
    Attendance,
    Evaluation,
    Grade,
    Honour,
    MonthlyTally,
    PointsEntry,
    PointsRule,
    Sanction,
)


def load() -> demo.ScoringSeedResult:
    member_demo.seed_demo("small")
    posts_demo.seed_posts_demo("small")
    return demo.seed_scoring_demo("small")


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def test_every_branch_has_work_in_every_month_from_last_year_to_last_month(seeded):
    months = demo.months_to_seed(timezone.localdate())
    assert months[0] == dt.date(this_month().year - 1, 1, 1)
    assert len(months) == 12 + this_month().month - 1
    for branch in Unit.objects.branches():
        held = set(
            Activity.objects.filter(branch=branch, kind=ActivityKind.COLLECTIVE).values_list(
                "held_on", flat=True
            )
        )
        assert {d.replace(day=1) for d in held} == set(months)
    assert not Activity.objects.filter(held_on__gte=this_month()).exists()
    assert not PointsEntry.objects.filter(month__gte=this_month()).exists()
    kinds = dict(Activity.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == set(ActivityKind.values)
    assert seeded.created and seeded.entries == PointsEntry.objects.count()


def test_attendance_is_by_post_holders_and_collective_activities_draw_40_to_80_percent(seeded):
    year = timezone.localdate().year
    holders = set(
        Choice.objects.confirmed().filter(post__year=year).values_list("member", flat=True)
    )
    assert set(Attendance.objects.values_list("member", flat=True)) <= holders
    per_branch = dict(
        Choice.objects.confirmed()
        .filter(post__year=year)
        .values_list("post__branch")
        .annotate(n=Count("member", distinct=True))
    )
    for activity in Activity.objects.filter(kind=ActivityKind.COLLECTIVE).annotate(
        n=Count("attendances")
    ):
        share = activity.n / per_branch[activity.branch_id]
        assert 0.35 <= share <= 0.85 or activity.n <= 3
    individual = Activity.objects.filter(kind=ActivityKind.INDIVIDUAL).annotate(
        n=Count("attendances")
    )
    assert set(individual.values_list("n", flat=True)) == {1}


def test_activities_are_linked_to_items_of_the_branchs_posts(seeded):
    year = timezone.localdate().year
    linked = Activity.duty_items.through.objects.select_related("activity", "dutyitem")
    assert linked.count() > Activity.objects.count() / 3
    for link in linked[:300]:
        branch = link.activity.branch_id
        menu = DutyItem.objects.filter(
            Q(post_type__posts__branch=branch, post_type__posts__year=year)
            | Q(post__branch=branch, post__year=year)
        )
        assert menu.filter(pk=link.dutyitem_id).exists()
    assert linked.filter(dutyitem__name='清除"牛皮藓"').exists()


def test_entries_follow_the_district_rules(seeded):
    district = member_demo.demo_district()
    rules = PointsRule.objects.filter(district=district)
    assert {(r.kind, r.points) for r in rules} == set(DEFAULT_POINTS.items())
    originals = PointsEntry.objects.filter(corrects__isnull=True)
    assert originals.count() == Attendance.objects.count()
    mismatched = originals.exclude(points=F("rule__points"))
    assert not mismatched.exists()
    wrong_kind = originals.exclude(rule__kind=F("attendance__activity__kind"))
    assert not wrong_kind.exists()


def test_a_few_corrections_with_reasons_some_counting_in_the_next_month(seeded):
    corrections = PointsEntry.objects.filter(corrects__isnull=False).select_related("corrects")
    assert corrections.count() >= 5
    assert all(c.reason for c in corrections)
    later = [c for c in corrections if c.month > c.corrects.month]
    same = [c for c in corrections if c.month == c.corrects.month]
    assert later and same
    published = {(t.branch_id, t.month): t.published_at for t in MonthlyTally.objects.all()}
    for correction in later:
        # Recorded after the month it corrects was published, so it counts in the next
        # month, which was still open then (as correct_entry counts it).
        assert published[correction.branch_id, correction.corrects.month] < correction.recorded_at
    for correction in corrections:
        counted_in = published.get((correction.branch_id, correction.month))
        assert counted_in is None or correction.recorded_at < counted_in


def test_every_entry_was_recorded_before_its_month_was_published(seeded):
    published = {(t.branch_id, t.month): t.published_at for t in MonthlyTally.objects.all()}
    rows = PointsEntry.objects.values_list("branch", "month", "recorded_at", "occurred_on")
    for branch, month, recorded, occurred in rows:
        assert occurred <= recorded.date()
        when = published.get((branch, month))
        assert when is None or recorded < when


def test_past_months_are_published_except_qinwangs_last_month(seeded):
    months = demo.months_to_seed(timezone.localdate())
    home = Unit.objects.get(kind=Unit.Kind.BRANCH, name=member_demo.HOME_BRANCH)
    published = set(MonthlyTally.objects.filter(branch=home).values_list("month", flat=True))
    assert published == set(months[:-1])
    for branch in Unit.objects.branches().exclude(pk=home.pk):
        published = set(MonthlyTally.objects.filter(branch=branch).values_list("month", flat=True))
        assert set(months[:-1]) <= published <= set(months)
    assert not MonthlyTally.objects.filter(published_at__gt=timezone.now()).exists()


def test_last_years_evaluation_of_qinwang_is_computed_and_published(seeded):
    year = timezone.localdate().year - 1
    evaluations = list(
        Evaluation.objects.filter(year=year).select_related("branch", "rule", "member")
    )
    assert evaluations
    assert {e.branch.name for e in evaluations} == {member_demo.HOME_BRANCH}
    assert all(e.published_at and e.grade for e in evaluations)
    totals = dict(
        PointsEntry.objects.filter(occurred_on__year=year)
        .values_list("member")
        .annotate(total=Sum("points"))
    )
    votes = ev.votes_by_evaluation(evaluations)
    for evaluation in evaluations:
        assert evaluation.points_total == (totals.get(evaluation.member_id) or Decimal("0"))
        shown = ev.stored_computation(evaluation, votes[evaluation.pk])
        assert (shown.final_score, shown.grade) == (evaluation.final_score, evaluation.grade)
    grades = {e.grade for e in evaluations}
    assert {Grade.EXCELLENT, Grade.POOR} <= grades
    honour = Honour.objects.get()
    assert honour.year == year and honour.member.evaluations.get(year=year).grade == Grade.EXCELLENT
    sanction = Sanction.objects.get()
    assert sanction.kind == Sanction.Kind.ADMONISHMENT and sanction.record
    assert sanction.member.evaluations.get(year=year).grade == Grade.POOR


def test_last_years_grades_spread_as_a_real_branchs_do(seeded):
    """Under the default rule (points against the district's yearly target) the demo
    branch's grades are plausible: every grade is used and none holds more than half of
    the branch, as the spread of its members' points says they should."""
    year = timezone.localdate().year - 1
    grades = Counter(Evaluation.objects.filter(year=year).values_list("grade", flat=True))
    assert set(grades) == set(Grade.values)
    assert max(grades.values()) * 2 <= sum(grades.values())
    points = sorted(Evaluation.objects.filter(year=year).values_list("points_total", flat=True))
    assert points[-1] - points[0] >= 40  # not bunched near the average


def test_the_member_log_in_has_a_card_with_entries_in_several_months(seeded, client):
    user = get_user_model().objects.get(username="member")
    months = set(PointsEntry.objects.filter(member__user=user).values_list("month", flat=True))
    assert len(months) >= 12
    client.force_login(user)
    last_year = timezone.localdate().year - 1
    response = client.get(reverse("scoring:my-card"))
    assert response.status_code == 200
    assert response.context["member"].user == user
    card = client.get(reverse("scoring:my-card"), {"year": last_year}).context["card"]
    assert sum(1 for month in card.figures if month.entries) == 12
    assert card.month.month == dt.date(last_year, 12, 1)  # a past year opens on December
    assert card.month.entries
    result = client.get(reverse("scoring:my-evaluation"), follow=True)
    assert result.context["evaluation"].year == last_year


def test_the_card_pages_statements_read_what_their_querysets_read(seeded):
    # The card page's written-out statements against the querysets they stand for, on
    # every month of the demo's years, for members with corrections and without.
    from scoring import queries

    members = [
        *Member.objects.filter(user__username="member"),
        *Member.objects.filter(
            pk__in=PointsEntry.objects.filter(corrects__isnull=False).values("member")
        )[:3],
    ]
    this_year = timezone.localdate().year
    for member in members:
        for year in (this_year - 1, this_year):
            assert queries._card_year_rows(member, year) == sorted(
                queries._card_year_queryset(member, year)
            )
            for month in queries.year_months(year):
                assert queries._card_month_rows(member, month) == list(
                    queries._card_month_queryset(member, month)
                )


def test_the_demo_pages_answer(seeded, client):
    client.force_login(get_user_model().objects.get(username="district"))
    district = member_demo.demo_district()
    last = demo.months_to_seed(timezone.localdate())[-1]
    for url in (
        reverse("scoring:dashboard", args=[district.pk]),
        reverse("scoring:unit-tally", args=[district.pk, last.year, last.month]),
    ):
        assert client.get(url).status_code == 200


def test_the_plan_is_deterministic(seeded):
    district = member_demo.demo_district()
    world = demo.read_world(district, timezone.localdate().year)
    now = timezone.now()
    month = dt.date(2025, 3, 1)

    def plan(seed):
        return demo.plan_month(random.Random(seed), world, month, last=this_month(), now=now)

    first = plan(demo.SEED)
    assert first == plan(demo.SEED)
    assert first.activities != plan(demo.SEED + 1).activities


def test_a_second_run_adds_nothing(seeded):
    counts = (Activity.objects.count(), PointsEntry.objects.count(), MonthlyTally.objects.count())
    again = demo.seed_scoring_demo("small")
    assert not again.created
    assert (
        Activity.objects.count(),
        PointsEntry.objects.count(),
        MonthlyTally.objects.count(),
    ) == counts


def test_seed_rows_have_no_history_and_keep_their_dates(seeded):
    assert Activity.history.count() == 0
    assert Evaluation.history.count() == 0
    first = PointsEntry.objects.order_by("month", "id").first()
    assert first.recorded_at.date() < timezone.localdate() - dt.timedelta(days=28)


def test_it_refuses_production_settings(db, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(member_demo.DemoRefused):
        demo.seed_scoring_demo("small")
