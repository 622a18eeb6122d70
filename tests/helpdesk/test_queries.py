"""The dispatch board, a team's page and the excellent-volunteer list make the same
number of queries whatever the number of rows they show."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk import access, queries, services
from helpdesk.models import HelpRequest, ServiceTeam, VolunteerYear
from members import access as member_access
from members.models import RoleAssignment
from tests.helpdesk.conftest import ask
from tests.helpdesk.objects import make_volunteer

YEAR = timezone.localdate().year


def _populate(tree, team, volunteers, leader, size: int) -> None:
    """`size` requests in every state, each resolved one logged and rated, and `size`
    excellent volunteers."""
    for i in range(size):
        ask(tree)
        on_site = ask(tree)
        services.mark_on_site(request=on_site, by=leader)
        done = ask(tree, category="medical")
        services.mark_on_site(request=done, by=leader)
        services.resolve(request=done, by=leader)
        services.log_service(
            team=team,
            served_at=timezone.now() - dt.timedelta(minutes=10 + i),
            people_served="王大爷",
            category="medical",
            content="量血压",
            volunteers=volunteers[: 1 + i % 3],
            hours=Decimal("2"),
            request=done,
            by=leader,
        )
        services.rate(code=done.code, rating=5)
        services.close(request=ask(tree, grid=None, address="?"), reason="重复", by=leader)
        extra = make_volunteer(tree.branch, tree.grid, f"优秀{i}")
        VolunteerYear.objects.create(
            profile=extra, year=YEAR, hours=Decimal("350"), services=10, votes=5, favourable=5
        )


@pytest.mark.parametrize("size", [1, 4])
def test_the_board_makes_the_same_number_of_queries_whatever_its_length(
    client, secretary, team_leader, tree, team, volunteers, django_assert_num_queries, size
):
    _populate(tree, team, volunteers, team_leader, size)
    client.force_login(secretary)
    url = reverse("helpdesk:board") + "?state=all"
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_BOARD):
        response = client.get(url)
    assert len(response.context["rows"]) == 4 * size


# session, user, districts' time limits, roles (with their units: the top units), led
# teams, counts, page count, page rows, the menu (unread count, own file)
QUERIES_ON_BOARD = 9


@pytest.mark.parametrize("size", [1, 4])
@pytest.mark.parametrize("query", ["", "?state=on_site", "?state=open&late=true"])
def test_the_open_board_takes_its_length_from_the_counts_by_state(
    client, secretary, team_leader, tree, team, volunteers, django_assert_num_queries, size, query
):
    """The open requests, one open state, the late ones: the state tabs count them
    already, so the listing is not counted again."""
    _populate(tree, team, volunteers, team_leader, size)
    HelpRequest.objects.filter(state="dispatched").update(
        dispatched_at=timezone.now() - dt.timedelta(hours=3)
    )  # late: nobody on site within two hours
    client.force_login(secretary)
    url = reverse("helpdesk:board") + query
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_BOARD - 1):
        response = client.get(url)
    shown = {"": 2 * size, "?state=on_site": size, "?state=open&late=true": size}[query]
    assert len(response.context["rows"]) == shown
    assert response.context["page"].paginator.count == shown


def test_a_filtered_board_counts_its_listing(
    client, secretary, team_leader, tree, team, volunteers
):
    _populate(tree, team, volunteers, team_leader, 2)
    legal = ask(tree, category="legal")
    client.force_login(secretary)
    response = client.get(reverse("helpdesk:board"), {"state": "open", "category": "legal"})
    assert [row.code for row, _late in response.context["rows"]] == [legal.code]
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize("size", [1, 4])
def test_the_team_page_makes_the_same_number_of_queries_whatever_its_length(
    client, secretary, team_leader, tree, team, volunteers, django_assert_num_queries, size
):
    _populate(tree, team, volunteers, team_leader, size)
    client.force_login(team_leader)
    url = reverse("helpdesk:team-detail", args=[team.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_TEAM):
        response = client.get(url)
    assert len(response.context["logs"]) == size


# session, user, team (with the units above its grid: the crumbs), roles (the leader's
# role on the grid settles that they lead it: no led teams read), members (with their
# capability types and year), requests, logs (with their volunteers), the year's
# figures, the team's history, the menu (unread count, own file)
QUERIES_ON_TEAM = 10


@pytest.mark.parametrize("size", [1, 4])
def test_the_excellent_list_makes_the_same_number_of_queries_whatever_its_length(
    client, district_organiser, team_leader, tree, team, volunteers, django_assert_num_queries, size
):
    _populate(tree, team, volunteers, team_leader, size)
    client.force_login(district_organiser)
    url = reverse("helpdesk:excellent", args=[tree.district.pk, YEAR])
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_EXCELLENT):
        response = client.get(url)
    assert len(response.context["page"]) == size


# session, user, unit, roles, district, rule, the list's count, a page of it, the towns
# to filter by, the totals, those with too few ratings, the menu (unread count, own file)
QUERIES_ON_EXCELLENT = 12


def test_the_open_list_follows_each_request_state(tree, team, team_leader):
    waiting, on_site, done = ask(tree), ask(tree), ask(tree)
    services.mark_on_site(request=on_site, by=team_leader)
    services.mark_on_site(request=done, by=team_leader)
    services.resolve(request=done, by=team_leader)
    open_codes = set(HelpRequest.objects.open().values_list("code", flat=True))
    assert open_codes == {waiting.code, on_site.code}


@pytest.mark.django_db
def test_the_boards_open_list_reads_the_partial_index():
    """Oldest open requests first, straight from the small index of open requests, not
    a walk over a year's requests by date (what SQLite did with the states as bound
    parameters)."""
    from django.db import connection

    rows = queries.board_requests(HelpRequest.objects.all(), now=timezone.now())[:50]
    sql, params = rows.query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(explain + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "help_open_received" in plan


def _same(prepared, **values) -> list:
    """The prepared statement's rows and its queryset's, as tuples (PostgreSQL gives its
    rows as they come, SQLite's are converted)."""
    return [tuple(row) for row in prepared.rows(**values)], [
        tuple(row) for row in prepared.build(**values)
    ]


@pytest.mark.parametrize("size", [1, 4])
def test_the_team_pages_statements_compiled_once_read_what_the_orm_reads(
    tree, team, volunteers, team_leader, secretary, size
):
    """The team's members, logs, requests and history, the team with the units above
    its grid and the teams a user leads come from statements the ORM wrote once (with
    stand-in values); bound to this team, year and user they give the rows, converted
    the same way, that the querysets they stand for give."""
    _populate(tree, team, volunteers, team_leader, size)
    for year in (YEAR, YEAR - 1):
        got, expected = _same(queries._TEAM_MEMBERS, team=team.pk, year=year)
        assert got == expected
        assert any(row[6] is not None for row in expected) == (year == YEAR)
    got, expected = _same(queries._team_logs_statement(3), team=team.pk)
    assert got == expected and len(expected) >= min(size, 3)
    assert all(isinstance(row[3], Decimal) for row in got)
    assert all(isinstance(row[6], bool) for row in got)
    got, expected = _same(queries._TEAM_HISTORY, team=team.pk)
    assert got == expected and expected
    requests = queries.team_requests(team, 5)
    assert [r.pk for r in requests] == list(
        HelpRequest.objects.filter(team=team)
        .order_by("-received_at", "-id")
        .values_list("pk", flat=True)[:5]
    )
    assert all(r.received_at.tzinfo is not None for r in requests)
    # The access check's reads.
    (read,) = access._TEAM_WITH_UNITS.instances(team=team.pk)
    orm = ServiceTeam.objects.select_related("grid__parent__parent__parent").get(pk=team.pk)
    assert (read.pk, read.name, read.leader_id, read.created_at) == (
        orm.pk,
        orm.name,
        orm.leader_id,
        orm.created_at,
    )
    units = [read.grid, read.grid.parent, read.grid.parent.parent, read.grid.parent.parent.parent]
    expected_units = [
        orm.grid,
        orm.grid.parent,
        orm.grid.parent.parent,
        orm.grid.parent.parent.parent,
    ]
    assert [(u.pk, u.name, u.path, u.kind) for u in units] == [
        (u.pk, u.name, u.path, u.kind) for u in expected_units
    ]
    assert access._TEAM_WITH_UNITS.instances(team=team.pk + 1000) == []
    for user in (team_leader, secretary, team.leader.member.user):
        if user is None:
            continue
        grids = [
            held.unit_id
            for held in member_access.roles_of(user)
            if held.role == RoleAssignment.Role.TEAM_LEADER
        ]
        statement = access._led_teams_statement(len(grids))
        values = {f"grid{i}": grid for i, grid in enumerate(grids)}
        got, expected = _same(statement, user=user.pk, **values)
        assert sorted(got) == sorted(expected)
    assert access.led_team_ids(team_leader) == {team.pk}


def test_a_team_number_beyond_any_row_is_not_found(client, team_leader):
    client.force_login(team_leader)
    assert client.get(reverse("helpdesk:team-detail", args=[2**63])).status_code == 404
    assert client.get(reverse("helpdesk:team-detail", args=[2**70])).status_code == 404


def test_the_leaders_role_on_the_grid_settles_that_they_lead_without_reading_the_teams(
    team, team_leader, django_assert_num_queries
):
    with django_assert_num_queries(1):  # their roles only
        assert access.leads(team_leader, team)


def test_a_leaders_role_on_another_grid_does_not_lead_this_team(tree, team, neighbour_grid):
    from tests.conftest import user_with_role

    elsewhere = user_with_role("elsewhere", neighbour_grid, RoleAssignment.Role.TEAM_LEADER)
    assert not access.leads(elsewhere, team)


def test_the_volunteer_named_leader_leads_without_the_role(team):
    from tests.factories import UserFactory

    member = team.leader.member
    member.user = UserFactory(username="named")
    member.save()
    assert not member_access.roles_of(member.user)
    assert access.leads(member.user, team)
