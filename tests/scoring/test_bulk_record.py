"""The ledger's bulk recorder (scoring.services.record_activities): many activities in a
few queries, under the rules record_activity keeps one by one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring import services
from scoring.models import Activity, ActivityKind, Attendance, PointsEntry
from tests.factories import MemberFactory
from tests.scoring.activities import on_day

MARCH = dt.date(2026, 3, 12)
APRIL = dt.date(2026, 4, 3)


@pytest.fixture
def people(tree):
    return [MemberFactory(branch=tree.branch, name=name) for name in ("张伟", "李娜", "王芳")]


def _record(tree, members, *, kind=ActivityKind.COLLECTIVE, held_on=MARCH, **extra):
    return services.ActivityRecord(
        branch_id=tree.branch.pk,
        kind=kind,
        title=extra.pop("title", "网格服务：生活服务，2 小时"),
        held_on=held_on,
        member_ids=tuple(m.pk for m in members),
        **extra,
    )


def _ledger(after: int = 0):
    return list(
        PointsEntry.objects.filter(pk__gt=after)
        .order_by("occurred_on", "member__name")
        .values_list(
            "member__name",
            "month",
            "occurred_on",
            "points",
            "rule_id",
            "attendance__activity__kind",
        )
    )


def test_it_writes_what_record_activity_writes_one_by_one(tree, people, secretary):
    one_by_one = [
        (ActivityKind.COLLECTIVE, people[:2], MARCH),
        (ActivityKind.INDIVIDUAL, people[2:], APRIL),
    ]
    for kind, members, held_on in one_by_one:
        services.record_activity(
            branch=tree.branch, kind=kind, title="服务", held_on=held_on, members=members,
            by=secretary,
        )  # fmt: skip
    expected = _ledger()
    last = PointsEntry.objects.order_by("-pk").first().pk
    services.record_activities(
        records=[_record(tree, m, kind=k, held_on=d) for k, m, d in one_by_one], by=secretary
    )
    assert _ledger(after=last) == expected
    assert [e[3] for e in expected] == [Decimal("2"), Decimal("2"), Decimal("3")]


def test_each_entry_names_the_rule_in_force_on_its_date(tree, people, secretary):
    with on_day(dt.date(2026, 3, 1)):
        services.set_points_rule(
            district=tree.district,
            kind=ActivityKind.COLLECTIVE,
            points=Decimal("4"),
            effective_from=dt.date(2026, 4, 1),
            by=secretary,
        )
    services.record_activities(
        records=[
            _record(tree, people[:1], held_on=MARCH),
            _record(tree, people[:1], held_on=APRIL),
        ],
        by=secretary,
    )
    entries = PointsEntry.objects.order_by("occurred_on")
    assert [(e.points, e.rule.points, e.rule.effective_from) for e in entries] == [
        (Decimal("2"), Decimal("2"), services.DEFAULT_RULES_FROM),
        (Decimal("4"), Decimal("4"), dt.date(2026, 4, 1)),
    ]


def test_entries_of_a_published_month_count_in_the_next_open_month(tree, people, secretary):
    services.record_activity(
        branch=tree.branch, kind=ActivityKind.COLLECTIVE, title="巡逻", held_on=MARCH,
        members=people, by=secretary,
    )  # fmt: skip
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    services.publish_tally(branch=tree.branch, month=APRIL, by=secretary)
    services.record_activities(records=[_record(tree, people[:1], held_on=MARCH)], by=secretary)
    late = PointsEntry.objects.order_by("-id").first()
    assert (late.occurred_on, late.month) == (MARCH, dt.date(2026, 5, 1))


def test_the_hours_stay_on_the_activity(tree, people, secretary):
    services.record_activities(records=[_record(tree, people, hours=Decimal("1.5"))], by=secretary)
    assert Activity.objects.get().hours == Decimal("1.5")


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": ActivityKind.INDIVIDUAL},  # three members in an individual service
        {"held_on": timezone.localdate() + dt.timedelta(days=2)},
        {"hours": Decimal("25")},
        {"title": "  "},
        {"title": "长" * 101},
        {"kind": "picnic"},
    ],
)
def test_one_bad_record_refuses_them_all_and_writes_nothing(tree, people, secretary, bad):
    good = _record(tree, people)
    with pytest.raises(services.ScoringError, match="Activity 2"):
        services.record_activities(records=[good, _record(tree, people, **bad)], by=secretary)
    assert not Activity.objects.exists()
    assert not Attendance.objects.exists()
    assert not PointsEntry.objects.exists()


def test_a_member_of_another_branch_is_named_and_refused(tree, people, secretary):
    outsider = MemberFactory(branch=tree.other_branch, name="赵敏")
    with pytest.raises(services.ScoringError, match="赵敏"):
        services.record_activities(records=[_record(tree, [*people, outsider])], by=secretary)
    assert not PointsEntry.objects.exists()


def _queries(tree, people, secretary, count: int) -> int:
    records = [_record(tree, people[: 1 + i % 3]) for i in range(count)]
    with CaptureQueriesContext(connection) as captured:
        services.record_activities(records=records, by=secretary)
    return len(captured)


def test_it_makes_as_many_queries_for_forty_activities_as_for_two(tree, people, secretary):
    services.rule_in_force(district=tree.district, kind=ActivityKind.COLLECTIVE, on=MARCH)
    assert _queries(tree, people, secretary, 2) == _queries(tree, people, secretary, 40)
    assert PointsEntry.objects.count() == (1 + 2) + sum(1 + i % 3 for i in range(40))


@pytest.mark.parametrize("history", [True, False])
def test_duty_items_are_linked_on_both_insert_paths(tree, people, secretary, post_type, history):
    patrol, report, _law = post_type.menu_items.order_by("sort_order")
    record = _record(tree, people[:1], duty_item_ids=(patrol.pk, report.pk, patrol.pk))

    (activity,) = services.record_activities(records=[record], by=secretary, history=history)

    assert set(activity.duty_items.values_list("name", flat=True)) == {patrol.name, report.name}
    assert Activity.history.filter(history_user=secretary).exists() is history


def test_a_single_record_is_refused_with_its_own_message(tree, people, secretary):
    with pytest.raises(services.ScoringError) as refused:
        services.record_activity(
            branch=tree.branch, kind=ActivityKind.INDIVIDUAL, title="服务", held_on=MARCH,
            members=people[:2], by=secretary,
        )  # fmt: skip
    assert str(refused.value) == "An individual service is done by one member."
    assert not Activity.objects.exists()


def test_a_record_may_name_its_own_recorder(tree, people, secretary, instructor):
    records = [_record(tree, people[:1]), _record(tree, people[1:2], recorded_by_id=instructor.pk)]

    first, second = services.record_activities(records=records, by=secretary)

    assert (first.recorded_by, second.recorded_by) == (secretary, instructor)
    recorders = dict(PointsEntry.objects.values_list("member__name", "recorded_by__username"))
    assert recorders == {"张伟": "secretary", "李娜": "instructor"}
