"""Town and district organisers publish the month's tallies of their branches at once."""

import datetime as dt

import pytest
from django.urls import reverse

from scoring import services
from scoring.models import MonthlyTally

NOVEMBER = dt.date(2026, 11, 1)


def _url(name, unit, month=NOVEMBER):
    return reverse(name, args=[unit.pk, month.year, month.month])


def test_the_town_sees_which_branches_have_not_published_a_month(
    client, tree, town_organiser, secretary
):
    services.publish_tally(branch=tree.branch, month=NOVEMBER, by=secretary)
    client.force_login(town_organiser)
    response = client.get(_url("scoring:unit-tally", tree.town))
    assert response.context["unpublished"] == [tree.neighbour_branch]


def test_the_town_publishes_the_branches_ticked_and_is_recorded_as_publisher(
    client, tree, town_organiser
):
    client.force_login(town_organiser)
    response = client.post(
        _url("scoring:unit-tally-publish", tree.town),
        {"branch": [tree.branch.pk, tree.neighbour_branch.pk]},
    )
    assert response.status_code == 302
    published = MonthlyTally.objects.filter(month=NOVEMBER)
    assert {t.branch for t in published} == {tree.branch, tree.neighbour_branch}
    assert {t.published_by for t in published} == {town_organiser}


def test_a_branch_outside_the_town_stops_the_whole_batch(client, tree, town_organiser):
    client.force_login(town_organiser)
    client.post(
        _url("scoring:unit-tally-publish", tree.town),
        {"branch": [tree.branch.pk, tree.other_branch.pk]},
    )
    assert not MonthlyTally.objects.exists()


def test_a_branch_published_meanwhile_stops_the_whole_batch(tree, town_organiser, secretary):
    services.publish_tally(branch=tree.branch, month=NOVEMBER, by=secretary)
    with pytest.raises(services.ScoringError):
        services.publish_tallies(
            unit=tree.town,
            branch_ids=[tree.neighbour_branch.pk, tree.branch.pk],
            month=NOVEMBER,
            by=town_organiser,
        )
    assert MonthlyTally.objects.count() == 1


def test_a_secretary_cannot_publish_for_the_town(client, tree, secretary):
    client.force_login(secretary)
    response = client.post(
        _url("scoring:unit-tally-publish", tree.town), {"branch": [tree.neighbour_branch.pk]}
    )
    assert response.status_code == 404
    assert not MonthlyTally.objects.exists()


def test_nothing_ticked_is_a_message_not_an_error(client, tree, district_organiser):
    client.force_login(district_organiser)
    response = client.post(_url("scoring:unit-tally-publish", tree.district), {}, follow=True)
    assert response.status_code == 200
    assert not MonthlyTally.objects.exists()
    assert list(response.context["messages"])
