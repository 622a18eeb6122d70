"""An entry recorded after its month was published counts in a later month: the card
marks it late with its full date, and the card, the tally and the evaluation agree on
the year's points (by the month counted)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from scoring import evaluation as ev
from scoring import queries, services
from scoring.models import Evaluation, PointsEntry
from tests.factories import ChoiceFactory, MemberFactory, PostFactory
from tests.scoring.activities import patrol


def test_an_entry_recorded_after_its_month_was_published_is_marked_late(client, tree, secretary):
    member = MemberFactory(branch=tree.branch, name="张伟")
    services.publish_tally(branch=tree.branch, month=dt.date(2026, 11, 1), by=secretary)
    patrol(tree, [member], secretary, held_on=dt.date(2026, 11, 20))
    entry = PointsEntry.objects.get(member=member)
    assert entry.month == dt.date(2026, 12, 1)

    card = queries.points_card(member, 2026)
    (late,) = card.months[11].entries
    assert late.is_late
    client.force_login(secretary)
    page = client.get(reverse("scoring:points-card", args=[member.pk])).content.decode()
    assert "late-entry" in page


def test_the_tally_of_the_month_it_counts_in_lists_it_with_its_own_date(client, tree, secretary):
    member = MemberFactory(branch=tree.branch, name="张伟")
    services.publish_tally(branch=tree.branch, month=dt.date(2026, 11, 1), by=secretary)
    patrol(tree, [member], secretary, held_on=dt.date(2026, 11, 20), title="补种行道树")
    tally = queries.branch_tally(tree.branch, dt.date(2026, 12, 1))
    assert [(e.member.name, e.occurred_on) for e in tally.late] == [("张伟", dt.date(2026, 11, 20))]
    assert [row.has_late for row in tally.rows] == [True]
    client.force_login(secretary)
    page = client.get(reverse("scoring:tally", args=[tree.branch.pk, 2026, 12])).content.decode()
    assert 'id="tally-late"' in page and "补种行道树" in page


def test_a_tally_without_late_entries_lists_none(tree, secretary):
    member = MemberFactory(branch=tree.branch, name="李娜")
    patrol(tree, [member], secretary, held_on=dt.date(2026, 12, 1))
    tally = queries.branch_tally(tree.branch, dt.date(2026, 12, 1))
    assert tally.late == [] and not tally.rows[0].has_late


def test_an_entry_on_time_is_not_marked_late(tree, secretary):
    member = MemberFactory(branch=tree.branch, name="李娜")
    patrol(tree, [member], secretary, held_on=dt.date(2026, 11, 20))
    (entry,) = queries.points_card(member, 2026).months[10].entries
    assert not entry.is_late


def test_the_card_and_the_evaluation_count_the_same_points_for_the_year(tree, secretary):
    """December 2025 published, then a December 2025 activity recorded: it counts in
    January 2026, on the 2026 card and in the 2026 evaluation alike."""
    member = MemberFactory(branch=tree.branch, name="王芳")
    ChoiceFactory(
        post=PostFactory(branch=tree.branch, year=2026), member=member, status="confirmed"
    )
    services.publish_tally(branch=tree.branch, month=dt.date(2025, 12, 1), by=secretary)
    patrol(tree, [member], secretary, held_on=dt.date(2025, 12, 10))
    patrol(tree, [member], secretary, held_on=dt.date(2026, 5, 10))
    ev.open_evaluations(branch=tree.branch, year=2026, by=secretary)
    evaluation = Evaluation.objects.get(member=member, year=2026)
    ev.enter_paper_counts(evaluation=evaluation, member_favourable=9, member_total=10, by=secretary)
    ev.compute_branch(branch=tree.branch, year=2026, by=secretary)
    evaluation.refresh_from_db()
    assert queries.points_card(member, 2026).total == evaluation.points_total == Decimal("4")
    assert queries.points_card(member, 2025).total == Decimal("0")
