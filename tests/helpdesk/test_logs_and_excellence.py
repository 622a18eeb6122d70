"""Service logs: hours on the log, points through the scoring ledger; and the
excellent-volunteer rule (≥ 300 hours or ≥ 100 services, and ≥ 80 % favourable)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from helpdesk import queries, services
from helpdesk.models import ExcellenceRule, VolunteerYear
from scoring.models import ActivityKind, PointsEntry
from tests.helpdesk.conftest import ask

YEAR = timezone.localdate().year


def _log(team, people, *, hours="2.5", request=None, by=None, served_at=None):
    return services.log_service(
        team=team,
        served_at=served_at or timezone.now() - dt.timedelta(hours=1),
        people_served="王大爷",
        category="daily_life",
        content="修理厨房水管",
        volunteers=people,
        hours=Decimal(hours),
        request=request,
        by=by,
    )


def test_a_service_by_several_volunteers_is_a_collective_activity(
    tree, team, volunteers, team_leader
):
    log = _log(team, volunteers[:3], by=team_leader)
    assert log.hours == Decimal("2.5")
    assert set(log.volunteers.all()) == set(volunteers[:3])
    activity = log.activity
    assert activity.kind == ActivityKind.COLLECTIVE
    assert activity.branch == tree.branch
    assert "2.5" in activity.title
    entries = PointsEntry.objects.filter(attendance__activity=activity)
    assert sorted(e.member.name for e in entries) == sorted(v.member.name for v in volunteers[:3])
    assert {e.points for e in entries} == {Decimal("2")}  # the district's default rule


def test_a_service_by_one_volunteer_is_an_individual_service(team, volunteers, team_leader):
    log = _log(team, volunteers[1:2], by=team_leader)
    assert log.activity.kind == ActivityKind.INDIVIDUAL
    assert PointsEntry.objects.get(member=volunteers[1].member).points == Decimal("3")


def test_hours_and_services_add_up_per_volunteer_and_year(team, volunteers, team_leader):
    _log(team, volunteers[:2], hours="2", by=team_leader)
    _log(team, volunteers[:1], hours="1.5", by=team_leader)
    first = VolunteerYear.objects.get(profile=volunteers[0], year=YEAR)
    second = VolunteerYear.objects.get(profile=volunteers[1], year=YEAR)
    assert (first.hours, first.services) == (Decimal("3.5"), 2)
    assert (second.hours, second.services) == (Decimal("2"), 1)


def test_only_the_teams_volunteers_can_be_logged(team, volunteers, team_leader):
    with pytest.raises(services.HelpdeskError, match="裘丽萍"):
        _log(team, [volunteers[0], volunteers[4]], by=team_leader)
    with pytest.raises(services.HelpdeskError, match="Tick the volunteers"):
        _log(team, [], by=team_leader)
    assert not PointsEntry.objects.exists()


def test_a_service_is_logged_after_it_happened(team, volunteers, team_leader):
    with pytest.raises(services.HelpdeskError, match="after it happened"):
        _log(team, volunteers[:2], by=team_leader, served_at=timezone.now() + dt.timedelta(hours=1))


def test_a_log_answers_a_request_of_its_own_team_only(
    tree, team, neighbour_team, volunteers, team_leader
):
    request = ask(tree)
    services.redispatch(request=request, team=neighbour_team, reason="x", by=None)
    request.refresh_from_db()
    with pytest.raises(services.HelpdeskError, match="not with this team"):
        _log(team, volunteers[:2], request=request, by=team_leader)


def test_a_rating_is_a_vote_for_each_volunteer_on_the_request(tree, team, volunteers, team_leader):
    request = ask(tree)
    services.mark_on_site(request=request, by=team_leader)
    services.resolve(request=request, by=team_leader)
    _log(team, volunteers[:2], request=request, by=team_leader)
    services.rate(code=request.code, rating=4)
    unhappy = ask(tree)
    services.mark_on_site(request=unhappy, by=team_leader)
    services.resolve(request=unhappy, by=team_leader)
    services.rate(code=unhappy.code, rating=2)  # rated before the log: counts all the same
    _log(team, volunteers[:1], request=unhappy, by=team_leader)
    first = VolunteerYear.objects.get(profile=volunteers[0], year=YEAR)
    second = VolunteerYear.objects.get(profile=volunteers[1], year=YEAR)
    assert (first.votes, first.favourable) == (2, 1)
    assert (second.votes, second.favourable) == (1, 1)


# --- the rule ----------------------------------------------------------------------------


def _figures(profile, *, hours, services_=0, votes=10, favourable=10):
    return VolunteerYear.objects.create(
        profile=profile,
        year=YEAR,
        hours=Decimal(hours),
        services=services_,
        votes=votes,
        favourable=favourable,
    )


def _excellent(tree) -> set[str]:
    rule = services.excellence_rule(tree.district, YEAR)
    return {row.profile.member.name for row in queries.excellent_volunteers(tree.town, YEAR, rule)}


@pytest.mark.parametrize(
    "hours, count, votes, favourable, excellent",
    [
        ("300", 0, 10, 8, True),  # exactly 300 hours and exactly 80 %
        ("299.9", 99, 10, 10, False),  # just short of both
        ("0", 100, 5, 4, True),  # exactly 100 services, 80 %
        ("0", 99, 5, 5, False),
        ("500", 0, 10, 7, False),  # 70 % favourable
        ("500", 0, 0, 0, False),  # no votes: no satisfaction to speak of
        ("300", 100, 1000, 799, False),  # 79.9 %
    ],
)
def test_the_default_rule_at_its_edges(
    tree, volunteers, hours, count, votes, favourable, excellent
):
    _figures(volunteers[0], hours=hours, services_=count, votes=votes, favourable=favourable)
    assert (_excellent(tree) == {"章立新"}) is excellent
    rule = ExcellenceRule(district=tree.district, year=YEAR)
    assert (
        rule.qualifies(hours=Decimal(hours), services=count, votes=votes, favourable=favourable)
        is excellent
    )


def test_the_district_sets_its_own_rule_for_a_year(tree, volunteers, district_organiser):
    _figures(volunteers[0], hours="200", votes=10, favourable=7)
    assert _excellent(tree) == set()
    services.set_excellence_rule(
        district=tree.district,
        year=YEAR,
        min_hours=Decimal("150"),
        min_services=60,
        min_favourable_percent=70,
        by=district_organiser,
    )
    assert _excellent(tree) == {"章立新"}
    assert services.excellence_rule(tree.district, YEAR + 1).min_hours == Decimal("300")


def test_the_list_keeps_to_its_unit(tree, volunteers, neighbour_team):
    _figures(volunteers[0], hours="400")
    outsider = neighbour_team.leader
    _figures(outsider, hours="400")
    rule = services.excellence_rule(tree.district, YEAR)
    in_branch = queries.excellent_volunteers(tree.branch, YEAR, rule)
    assert [row.profile_id for row in in_branch] == [volunteers[0].pk]
    assert len(queries.excellent_volunteers(tree.town, YEAR, rule)) == 2


# --- figures ---------------------------------------------------------------------------------


def test_figures_count_requests_services_and_average_times(tree, team, volunteers, team_leader):
    from helpdesk.models import HelpRequest

    request = ask(tree)
    services.mark_on_site(request=request, by=team_leader)
    services.resolve(request=request, by=team_leader)
    received = timezone.now() - dt.timedelta(hours=5)
    HelpRequest.objects.filter(pk=request.pk).update(
        received_at=received,
        dispatched_at=received + dt.timedelta(minutes=6),
        on_site_at=received + dt.timedelta(minutes=66),
        resolved_at=received + dt.timedelta(hours=3),
    )
    _log(team, volunteers[:2], hours="2", request=request, by=team_leader)
    ask(tree, grid=None, address="?", channel="hotline")
    figures = queries.figures(tree.town, YEAR)
    assert (figures.requests, figures.services, figures.people_served) == (2, 1, 1)
    assert figures.volunteer_hours == Decimal("4")
    assert (figures.response_minutes, figures.arrival_minutes) == (6.0, 60.0)
    assert figures.resolution_hours == 3.0
    assert dict(figures.requests_by_channel)["Hotline"] == 1
    assert sum(n for _month, n in figures.services_by_month) == 1
    assert figures.teams == 1 and figures.volunteers == 5
