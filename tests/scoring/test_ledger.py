import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from scoring import services
from scoring.models import ActivityKind, MonthlyTally, PointsEntry, PointsRule
from tests.factories import MemberFactory, UserFactory
from tests.scoring.activities import on_day, patrol

MARCH = dt.date(2026, 3, 12)


@pytest.fixture
def people(tree):
    return [MemberFactory(branch=tree.branch, name=name) for name in ("张伟", "李娜", "王芳")]


def test_a_collective_activity_gives_each_attendee_two_points_by_default(tree, people, secretary):
    patrol(tree, people, secretary)
    entries = PointsEntry.objects.all()
    assert [e.points for e in entries] == [Decimal("2")] * 3
    assert {e.rule.points for e in entries} == {Decimal("2")}


def test_an_individual_service_gives_three_points_to_its_one_member(tree, people, secretary):
    services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.INDIVIDUAL,
        title="免费家电维修",
        held_on=MARCH,
        members=people[:1],
        by=secretary,
    )
    assert PointsEntry.objects.get().points == Decimal("3")


def test_an_individual_service_has_exactly_one_member(tree, people, secretary):
    with pytest.raises(services.ScoringError):
        services.record_activity(
            branch=tree.branch,
            kind=ActivityKind.INDIVIDUAL,
            title="法律咨询",
            held_on=MARCH,
            members=people,
            by=secretary,
        )
    assert not PointsEntry.objects.exists()


def test_a_changed_rule_applies_from_its_date_and_old_entries_keep_theirs(
    tree, district_organiser, people, secretary
):
    patrol(tree, people[:1], secretary, held_on=dt.date(2026, 2, 10))
    with on_day(dt.date(2026, 2, 20)):
        services.set_points_rule(
            district=tree.district,
            kind=ActivityKind.COLLECTIVE,
            points=Decimal("2.5"),
            effective_from=dt.date(2026, 3, 1),
            by=district_organiser,
        )
    patrol(tree, people[:1], secretary, held_on=dt.date(2026, 3, 5))
    february, march = PointsEntry.objects.order_by("occurred_on")
    assert (february.points, march.points) == (Decimal("2"), Decimal("2.5"))
    assert february.rule != march.rule
    assert PointsRule.objects.filter(kind=ActivityKind.COLLECTIVE).count() == 2


def test_members_of_another_branch_cannot_be_recorded(tree, secretary):
    stranger = MemberFactory(branch=tree.other_branch)
    with pytest.raises(services.ScoringError):
        patrol(tree, [stranger], secretary)
    assert not PointsEntry.objects.exists()


def test_the_ledger_refuses_edits(tree, people, secretary):
    patrol(tree, people[:1], secretary)
    entry = PointsEntry.objects.get()
    entry.points = Decimal("20")
    with pytest.raises(ValidationError):
        entry.save()
    assert PointsEntry.objects.get().points == Decimal("2")


def test_the_ledger_refuses_deletes_one_by_one_and_in_bulk(tree, people, secretary):
    patrol(tree, people, secretary)
    with pytest.raises(ValidationError):
        PointsEntry.objects.first().delete()
    with pytest.raises(ValidationError):
        PointsEntry.objects.all().delete()
    with pytest.raises(ValidationError):
        PointsEntry.objects.update(points=0)
    assert PointsEntry.objects.count() == 3


def test_a_correction_is_a_new_entry_naming_what_it_corrects(tree, people, secretary):
    patrol(tree, people[:1], secretary)
    entry = PointsEntry.objects.get()
    correction = services.correct_entry(
        entry=entry, right_points=Decimal("0"), reason="实际未到场", by=secretary
    )
    assert (correction.points, correction.corrects, correction.recorded_by) == (
        Decimal("-2"),
        entry,
        secretary,
    )
    assert PointsEntry.objects.filter(member=people[0]).total() == Decimal("0")


def test_a_correction_needs_a_reason(tree, people, secretary):
    patrol(tree, people[:1], secretary)
    with pytest.raises(services.ScoringError):
        services.correct_entry(
            entry=PointsEntry.objects.get(), right_points=Decimal("0"), reason=" ", by=secretary
        )


def test_a_published_month_is_frozen_and_its_correction_counts_in_the_next_month(
    tree, people, secretary
):
    patrol(tree, people, secretary)
    tally = services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    entry = PointsEntry.objects.get(member=people[0])
    correction = services.correct_entry(
        entry=entry, right_points=Decimal("0"), reason="实际未到场", by=secretary
    )
    tally.refresh_from_db()
    assert tally.total_points == Decimal("6")
    assert {line.member_name: line.points for line in tally.lines.all()}["张伟"] == Decimal("2")
    assert correction.month == dt.date(2026, 4, 1)


def test_an_activity_of_a_published_month_counts_in_the_next_open_month(tree, people, secretary):
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    patrol(tree, people[:1], secretary, held_on=MARCH)
    assert PointsEntry.objects.get().month == dt.date(2026, 4, 1)


def test_a_month_is_published_once(tree, people, secretary):
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    with pytest.raises(services.ScoringError):
        services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    assert MonthlyTally.objects.count() == 1


def test_the_tally_keeps_year_to_date_totals(tree, people, secretary):
    patrol(tree, people[:1], secretary, held_on=dt.date(2026, 2, 3))
    patrol(tree, people[:1], secretary, held_on=MARCH)
    tally = services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    line = tally.lines.get()
    assert (line.points, line.year_to_date) == (Decimal("2"), Decimal("4"))


def test_an_activity_cannot_be_recorded_in_the_future(tree, people, secretary):
    with pytest.raises(services.ScoringError):
        patrol(tree, people, secretary, held_on=dt.date.today() + dt.timedelta(days=3))


def test_a_rule_cannot_be_negative(tree):
    with pytest.raises(services.ScoringError):
        services.set_points_rule(
            district=tree.district,
            kind=ActivityKind.TRAINING,
            points=Decimal("-1"),
            effective_from=MARCH,
            by=UserFactory(),
        )


def test_a_rule_once_set_is_never_overwritten(tree, district_organiser):
    with on_day(dt.date(2026, 3, 1)):
        services.set_points_rule(
            district=tree.district,
            kind=ActivityKind.COLLECTIVE,
            points=Decimal("2.5"),
            effective_from=MARCH,
            by=district_organiser,
        )
        with pytest.raises(services.ScoringError):
            services.set_points_rule(
                district=tree.district,
                kind=ActivityKind.COLLECTIVE,
                points=Decimal("4"),
                effective_from=MARCH,
                by=district_organiser,
            )
    assert PointsRule.objects.get(kind=ActivityKind.COLLECTIVE).points == Decimal("2.5")


@pytest.mark.django_db(transaction=True)
def test_an_activity_recorded_while_its_month_is_being_published_counts_in_the_next_month(
    tree, people, secretary
):
    if connection.vendor != "postgresql":
        pytest.skip("a race needs concurrent writers: this test runs in the PostgreSQL pass")
    published, release = threading.Event(), threading.Event()
    recorded = []

    def publish():
        try:
            with transaction.atomic():
                services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
                published.set()
                release.wait(10)  # the publication is not committed yet
        finally:
            connection.close()

    def record():
        try:
            published.wait(10)
            recorded.append(patrol(tree, people[:1], secretary, title="迟到的巡逻"))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish), threading.Thread(target=record)]
    for thread in threads:
        thread.start()
    threads[1].join(1)
    waiting = threads[1].is_alive()  # the recording waits for the branch
    release.set()
    for thread in threads:
        thread.join()

    assert waiting
    late = PointsEntry.objects.get(attendance__activity=recorded[0])
    assert late.month == dt.date(2026, 4, 1)
    assert MonthlyTally.objects.get(branch=tree.branch).total_points == 0


def test_a_rule_cannot_take_effect_on_a_past_date(tree, district_organiser):
    """Entries already made keep the rule of their date: a backdated rule would split a
    past month between two values."""
    with pytest.raises(services.ScoringError):
        services.set_points_rule(
            district=tree.district,
            kind=ActivityKind.COLLECTIVE,
            points=Decimal("4"),
            effective_from=dt.date(2026, 12, 2),
            by=district_organiser,
        )
    assert not PointsRule.objects.filter(points=Decimal("4")).exists()
