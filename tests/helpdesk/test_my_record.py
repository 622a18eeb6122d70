"""A volunteer's own record (我的义工档案), reached from the menu: hours and services this
year and before, ratings of the requests they served, their badge, team and leader."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk import services
from helpdesk.models import VolunteerYear
from tests.factories import UserFactory
from tests.helpdesk.conftest import ask

YEAR = timezone.localdate().year
URL = reverse("helpdesk:my-volunteer")


@pytest.fixture
def own_user(volunteers):
    """章立新 (volunteers[0], the team's leader) has a log-in; 俞桂兰 (volunteers[1]) too."""
    user = UserFactory(username="yu")
    member = volunteers[1].member
    member.user = user
    member.save()
    return user


def _log(team, people, *, hours="2", request=None, served_at=None, by=None):
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


def _served_and_rated(tree, team, people, leader, rating: int):
    help_request = ask(tree)
    services.mark_on_site(request=help_request, by=leader)
    services.resolve(request=help_request, resolution="修好了", by=leader)
    _log(team, people, request=help_request, by=leader)
    return services.rate(code=help_request.code, rating=rating, comment="很及时")


def test_the_menu_leads_a_member_to_their_record(client, own_user, team):
    client.force_login(own_user)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page


def test_it_shows_this_years_hours_and_services(client, own_user, team, volunteers, team_leader):
    _log(team, volunteers[:2], hours="2.5", by=team_leader)
    _log(team, volunteers[1:2], hours="1", by=team_leader)
    client.force_login(own_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["record"].this_year.hours == Decimal("3.5")
    page = response.content.decode()
    assert 'id="year-hours">3.5<' in page
    assert 'id="year-services">2<' in page


def test_it_lists_the_years_before_with_a_total(client, own_user, team, volunteers, team_leader):
    VolunteerYear.objects.create(profile=volunteers[1], year=YEAR - 1, hours=Decimal("120"))
    _log(team, volunteers[1:2], hours="3", by=team_leader)
    client.force_login(own_user)
    response = client.get(URL)
    years = [(y.year, y.hours) for y in response.context["record"].years]
    assert years == [(YEAR, Decimal("3")), (YEAR - 1, Decimal("120"))]
    assert 'id="all-hours">123<' in response.content.decode()


def test_it_shows_the_ratings_of_requests_they_served(
    client, tree, own_user, team, volunteers, team_leader
):
    _served_and_rated(tree, team, volunteers[:2], team_leader, rating=5)
    client.force_login(own_user)
    response = client.get(URL)
    assert [r.rating for r in response.context["record"].ratings] == [5]
    assert "很及时" in response.content.decode()


def test_ratings_of_requests_others_served_are_not_shown(
    client, tree, own_user, team, volunteers, team_leader
):
    _served_and_rated(tree, team, volunteers[2:4], team_leader, rating=2)
    client.force_login(own_user)
    assert client.get(URL).context["record"].ratings == []


def test_it_names_the_team_and_its_leader_with_the_leaders_phone(
    client, own_user, team, volunteers
):
    leader = volunteers[0].member
    leader.phone = "13905750001"
    leader.save()
    client.force_login(own_user)
    page = client.get(URL).content.decode()
    assert team.name in page
    assert "章立新" in page
    assert 'href="tel:13905750001"' in page


def test_it_offers_the_badge_to_print(client, own_user, team, volunteers):
    client.force_login(own_user)
    page = client.get(URL).content.decode()
    assert reverse("helpdesk:badge", args=[volunteers[1].pk]) in page
    assert client.get(reverse("helpdesk:badge", args=[volunteers[1].pk])).status_code == 200


def test_a_member_who_is_not_a_volunteer_is_told_so(client, member_user):
    client.force_login(member_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="not-a-volunteer"' in response.content.decode()


def test_a_log_in_without_a_member_file_gets_404(client, secretary):
    client.force_login(secretary)
    assert client.get(URL).status_code == 404


def test_the_record_costs_the_same_queries_with_more_services(
    client, tree, own_user, team, volunteers, team_leader, django_assert_max_num_queries
):
    _served_and_rated(tree, team, volunteers[:2], team_leader, rating=4)
    client.force_login(own_user)
    client.get(URL)  # warm the session and the menu's cache
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(5):
        _served_and_rated(tree, team, volunteers[:2], team_leader, rating=5)
        _log(team, volunteers[1:3], by=team_leader)
    with django_assert_max_num_queries(len(few)):
        client.get(URL)
