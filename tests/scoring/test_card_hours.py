"""Service hours on the points card, and the card's one-query read of its entries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring import queries, services
from scoring.models import Activity, ActivityKind, PointsEntry
from tests.pdf import pdf_text

MARCH = dt.date(2026, 3, 12)


def service(tree, member, by, *, held_on=MARCH, hours="2"):
    return services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.INDIVIDUAL,
        title="家电维修",
        held_on=held_on,
        members=[member],
        by=by,
        hours=Decimal(hours) if hours is not None else None,
    )


def test_hours_add_up_per_month_and_year(secretary, member_user, tree):
    me = member_user.member_file
    service(tree, me, secretary, hours="2")
    service(tree, me, secretary, hours="1.5", held_on=dt.date(2026, 3, 20))
    service(tree, me, secretary, hours="3", held_on=dt.date(2026, 4, 2))
    service(tree, me, secretary, hours=None, held_on=dt.date(2026, 4, 3))
    card = queries.points_card(me, 2026)
    assert [m.hours for m in card.months[2:4]] == [Decimal("3.5"), Decimal("3")]
    assert card.hours == Decimal("6.5")


def test_a_correction_does_not_count_the_hours_again(secretary, member_user, tree):
    me = member_user.member_file
    service(tree, me, secretary, hours="2")
    services.correct_entry(
        entry=PointsEntry.objects.get(), right_points=Decimal("1"), reason="半程", by=secretary
    )
    card = queries.points_card(me, 2026)
    assert (card.hours, card.total) == (Decimal("2"), Decimal("1"))


@pytest.mark.parametrize("hours", ["0", "-1", "24.5"])
def test_hours_outside_one_day_are_refused_and_nothing_is_saved(
    secretary, member_user, tree, hours
):
    with pytest.raises(services.ScoringError):
        service(tree, member_user.member_file, secretary, hours=hours)
    assert not Activity.objects.exists()
    assert not PointsEntry.objects.exists()


def test_the_card_page_shows_the_year_and_month_hours(client, secretary, member_user, tree):
    me = member_user.member_file
    service(tree, me, secretary, hours="2.5")
    client.force_login(member_user)
    page = client.get(reverse("scoring:points-card", args=[me.pk]), {"year": 2026})
    html = page.content.decode()
    assert 'id="year-hours">2.5<' in html
    assert '<span class="text-muted small me-2" data-month-hours>2.5 h</span>' in html


def test_the_card_pdf_shows_the_year_hours(client, secretary, member_user, tree, tmp_path):
    me = member_user.member_file
    service(tree, me, secretary, hours="7.5")
    client.force_login(member_user)
    response = client.get(reverse("scoring:points-card-pdf", args=[me.pk]), {"year": 2026})
    text = pdf_text(response.content)
    assert "7.5" in text


def test_a_correction_counted_the_next_year_shows_on_both_cards(secretary, member_user, tree):
    me = member_user.member_file
    service(tree, me, secretary, held_on=dt.date(2025, 12, 10))
    services.publish_tally(branch=tree.branch, month=dt.date(2025, 12, 1), by=secretary)
    services.correct_entry(
        entry=PointsEntry.objects.get(), right_points=Decimal("1"), reason="半程", by=secretary
    )
    december = queries.points_card(me, 2025).months[11]
    (original,) = december.entries
    assert [(c.points, c.month) for c in original.later_corrections] == [
        (Decimal("-2"), dt.date(2026, 1, 1))
    ]
    assert december.total == Decimal("3")
    (correction,) = queries.points_card(me, 2026).months[0].entries
    assert (correction.corrected_points, correction.corrected_month) == (
        Decimal("3"),
        dt.date(2025, 12, 1),
    )
