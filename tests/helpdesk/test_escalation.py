"""Every request has an owner: a request that finds no team is told at once to the branch
secretary and the town; a late one to the team leader at the limit, the secretary 30
minutes and the town 2 hours after it, each once; a re-dispatch tells the old team; the
board lists requests no team holds, then late ones, first. Times are fixed (time-machine)
or given to `escalate` directly."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from helpdesk import escalation, services
from helpdesk.models import RequestAlert, ResponseRule
from inbox.models import Notification
from members.models import RoleAssignment
from tests.conftest import NOW, user_with_role
from tests.helpdesk.conftest import ask

Role = RoleAssignment.Role
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def people(tree, secretary, town_organiser, team_leader, neighbour_secretary, other_town_organiser):
    """Everyone who might be told: the branch's secretary and town, the grid's leader, and
    a secretary and a town organiser who must never hear of 秦望村's requests."""
    return {
        "secretary": secretary,
        "town": town_organiser,
        "leader": team_leader,
        "outsiders": [neighbour_secretary, other_town_organiser],
    }


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


# --- a request that finds no team -----------------------------------------------------------


def test_a_request_without_a_team_is_told_at_once_to_the_secretary_and_the_town(
    tree, volunteers, people
):
    request = ask(tree)  # 秦望村 第1网格 has volunteers but no team
    assert request.team is None
    for who in ("secretary", "town"):
        [subject] = told(people[who])
        assert request.code in subject and "No team" in subject
    assert told(people["leader"]) == []
    for outsider in people["outsiders"]:
        assert told(outsider) == []
    alert = RequestAlert.objects.get(request=request)
    assert alert.stage == RequestAlert.Stage.NO_TEAM
    assert alert.told == "secretary、town"


def test_a_request_of_an_unknown_grid_is_told_at_once_too(tree, team, people):
    request = ask(tree, grid=None, address="村口小店旁")
    assert request.team is None
    assert len(told(people["secretary"])) == 1
    assert len(told(people["town"])) == 1


def test_the_resident_reads_that_the_secretary_has_been_told(
    english_client, tree, volunteers, people
):
    request = ask(tree)
    response = english_client.get(reverse("helpdesk:request-status", args=[request.code]))
    assert "has been told" in response.content.decode()


def test_the_resident_is_not_told_anyone_knows_when_nobody_holds_the_roles(
    english_client, tree, volunteers
):
    request = ask(tree)
    assert RequestAlert.objects.get(request=request).told == ""
    response = english_client.get(reverse("helpdesk:request-status", args=[request.code]))
    page = response.content.decode()
    assert "has been told" not in page
    assert "waits for the operators" in page


# --- late requests ------------------------------------------------------------------------


def test_nothing_is_sent_before_the_limit(tree, team, people):
    request = ask(tree)
    Notification.objects.all().delete()
    assert escalation.escalate(request.dispatched_at + 2 * HOUR) == 0  # exactly the limit
    assert not Notification.objects.exists()
    assert not RequestAlert.objects.exists()


def test_a_late_request_climbs_from_the_leader_to_the_secretary_to_the_town_each_once(
    tree, team, people
):
    request = ask(tree)
    limit = request.dispatched_at + 2 * HOUR  # nobody on site within two hours
    Notification.objects.all().delete()

    assert escalation.escalate(limit + SECOND) == 1
    assert len(told(people["leader"])) == 1
    assert told(people["secretary"]) == told(people["town"]) == []

    assert escalation.escalate(limit + 30 * MINUTE) == 0  # the secretary's time is not past
    assert escalation.escalate(limit + 30 * MINUTE + SECOND) == 1
    [subject] = told(people["secretary"])
    assert request.code in subject and "nobody on site" in subject
    assert told(people["town"]) == []

    assert escalation.escalate(limit + 2 * HOUR) == 0
    assert escalation.escalate(limit + 2 * HOUR + SECOND) == 1
    assert len(told(people["town"])) == 1

    assert escalation.escalate(limit + 10 * HOUR) == 0  # a rerun sends nothing again
    assert [len(told(people[w])) for w in ("leader", "secretary", "town")] == [1, 1, 1]
    for outsider in people["outsiders"]:
        assert told(outsider) == []
    levels = list(RequestAlert.objects.filter(request=request).values_list("level", flat=True))
    assert levels == ["leader", "secretary", "town"]


def test_a_request_no_team_holds_goes_to_the_secretary_at_the_limit_then_the_town(
    tree, volunteers, people
):
    request = ask(tree)
    limit = request.received_at + 10 * MINUTE
    Notification.objects.all().delete()
    assert escalation.escalate(limit) == 0
    assert escalation.escalate(limit + SECOND) == 1
    assert len(told(people["secretary"])) == 1
    assert told(people["town"]) == []
    assert escalation.escalate(limit + 2 * HOUR + SECOND) == 1
    assert len(told(people["town"])) == 1
    assert told(people["leader"]) == []


def test_a_request_on_site_too_long_is_late_on_resolution(tree, team, people):
    request = ask(tree)
    services.mark_on_site(request=request, by=people["leader"])
    Notification.objects.all().delete()
    limit = request.received_at + 48 * HOUR
    assert escalation.escalate(limit) == 0
    assert escalation.escalate(limit + SECOND) == 1
    [subject] = told(people["leader"])
    assert "not resolved" in subject


def test_a_finished_request_is_never_escalated(tree, team, people):
    request = ask(tree)
    services.close(request=request, reason="重复", by=people["secretary"])
    assert escalation.escalate(request.received_at + 100 * HOUR) == 0


def test_the_districts_own_limits_decide_when_a_request_is_late(
    tree, volunteers, people, district_organiser
):
    services.set_response_rule(
        district=tree.district, dispatch_minutes=30, arrive_minutes=60, resolve_hours=24,
        secretary_after_minutes=10, town_after_minutes=20, by=district_organiser,
    )  # fmt: skip
    request = ask(tree)
    Notification.objects.all().delete()
    assert escalation.escalate(request.received_at + 11 * MINUTE) == 0
    assert escalation.escalate(request.received_at + 30 * MINUTE + SECOND) == 1
    assert escalation.escalate(request.received_at + 50 * MINUTE + SECOND) == 1  # the town
    assert len(told(people["town"])) == 1


def test_the_command_sends_what_is_due_and_a_second_run_nothing(tree, team, people):
    with at(NOW):
        ask(tree)
    out = io.StringIO()
    with at(NOW + 3 * HOUR):
        call_command("escalate_requests", stdout=out)
        call_command("escalate_requests", stdout=out)
    assert out.getvalue().splitlines() == [
        "Alerts about late requests sent: 2.",  # the leader (arrival), the secretary
        "Alerts about late requests sent: 0.",
    ]


def test_the_daily_sweep_escalates_too(tree, team, people):
    with at(NOW):
        ask(tree)
    out = io.StringIO()
    with at(NOW + 3 * HOUR):
        call_command("daily_sweep", stdout=out)
    assert "Alerts about late requests sent: 2." in out.getvalue()


def test_the_requests_page_lists_each_alert_and_whom_it_reached(english_client, tree, team, people):
    request = ask(tree)
    escalation.escalate(request.dispatched_at + 2 * HOUR + SECOND)
    english_client.force_login(people["secretary"])
    response = english_client.get(reverse("helpdesk:request-detail", args=[request.pk]))
    page = response.content.decode()
    assert 'data-level="leader"' in page
    assert "Told the team leader:" in page and "leader" in page


# --- re-dispatch --------------------------------------------------------------------------


def test_a_redispatch_tells_the_old_teams_leader_and_not_the_new_one_twice(
    tree, team, neighbour_team, people
):
    request = ask(tree)
    new_leader = user_with_role("leader2", neighbour_team.grid, Role.TEAM_LEADER)
    Notification.objects.all().delete()
    services.redispatch(request=request, team=neighbour_team, reason="本队外出", by=people["town"])
    [subject] = told(people["leader"])
    assert request.code in subject and team.name in subject
    body = Notification.objects.get(recipient=people["leader"]).body
    assert neighbour_team.name in body and "本队外出" in body
    assert len(told(new_leader)) == 1  # the new team hears of the request once


def test_a_first_dispatch_by_hand_tells_no_old_team(tree, volunteers, team, people):
    request = ask(tree, grid=None, address="村口小店旁")
    Notification.objects.all().delete()
    services.redispatch(request=request, team=team, reason="", by=people["secretary"])
    assert len(told(people["leader"])) == 1  # the new request, nothing else


# --- the board ------------------------------------------------------------------------------


def test_the_board_lists_requests_no_team_holds_then_late_ones_first(client, tree, team, people):
    with at(NOW - 5 * HOUR):
        late = ask(tree)  # nobody on site for five hours
    with at(NOW - 1 * MINUTE):
        unowned = ask(tree, grid=None, address="村口小店旁")
    with at(NOW - 30 * MINUTE):
        fresh = ask(tree)
    with at(NOW):
        client.force_login(people["town"])
        response = client.get(reverse("helpdesk:board"))
    codes = [row.code for row, _late in response.context["rows"]]
    assert codes == [unowned.code, late.code, fresh.code]
    page = response.content.decode()
    assert page.count("mark-unowned") == 1
    assert page.count("mark-late") == 1


def test_the_late_filter_also_puts_unowned_requests_first(client, tree, team, people):
    with at(NOW - 5 * HOUR):
        late = ask(tree)
    with at(NOW - 20 * MINUTE):
        unowned = ask(tree, grid=None, address="村口小店旁")
    with at(NOW):
        client.force_login(people["town"])
        response = client.get(reverse("helpdesk:board") + "?state=open&late=true")
    assert [row.code for row, _late in response.context["rows"]] == [unowned.code, late.code]


# --- the district's rule page ---------------------------------------------------------------


def test_the_district_organiser_sets_the_limits_and_the_history_keeps_it(
    client, tree, district_organiser
):
    client.force_login(district_organiser)
    url = reverse("helpdesk:response-rule", args=[tree.district.pk])
    data = {
        "dispatch_minutes": "15", "arrive_minutes": "90", "resolve_hours": "24",
        "secretary_after_minutes": "20", "town_after_minutes": "60",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    rule = ResponseRule.objects.get(district=tree.district)
    assert (rule.dispatch_minutes, rule.arrive_minutes, rule.resolve_hours) == (15, 90, 24)
    assert rule.history.count() == 1
    assert "district" in client.get(url).content.decode()  # the change log names who


@pytest.mark.parametrize(
    "change",
    [
        {"secretary_after_minutes": "90", "town_after_minutes": "60"},
        {"dispatch_minutes": "0"},
        {"resolve_hours": "100000000000"},
        {"arrive_minutes": "a while"},
    ],
)
def test_bad_limits_are_refused_with_a_form_error_and_change_nothing(
    client, tree, district_organiser, change
):
    client.force_login(district_organiser)
    url = reverse("helpdesk:response-rule", args=[tree.district.pk])
    data = {
        "dispatch_minutes": "15", "arrive_minutes": "90", "resolve_hours": "24",
        "secretary_after_minutes": "20", "town_after_minutes": "60",
    } | change  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ResponseRule.objects.exists()


def test_a_town_organiser_reads_the_limits_but_cannot_set_them(client, tree, town_organiser):
    client.force_login(town_organiser)
    url = reverse("helpdesk:response-rule", args=[tree.district.pk])
    assert 'id="response-limits"' in client.get(url).content.decode()
    assert client.post(url, {"dispatch_minutes": "5"}).status_code == 403


def test_where_the_town_has_no_organiser_the_district_is_told_in_its_place(
    tree, team, team_leader, secretary, district_organiser
):
    request = ask(tree)
    limit = request.dispatched_at + 2 * HOUR
    assert told(district_organiser) == []
    escalation.escalate(limit + 2 * HOUR + SECOND)
    [subject] = told(district_organiser)
    assert request.code in subject
    town = RequestAlert.objects.get(request=request, level=RequestAlert.Level.TOWN)
    assert town.told == "district"


def test_a_request_without_a_team_reaches_the_district_when_the_branch_has_nobody(
    tree, volunteers, district_organiser
):
    request = ask(tree)
    assert RequestAlert.objects.get(request=request).told == "district"
    assert len(told(district_organiser)) == 1


def test_the_board_counts_late_by_the_districts_own_limits(
    client, tree, volunteers, people, district_organiser
):
    services.set_response_rule(
        district=tree.district, dispatch_minutes=30, arrive_minutes=60, resolve_hours=24,
        secretary_after_minutes=10, town_after_minutes=20, by=district_organiser,
    )  # fmt: skip
    with at(NOW - 20 * MINUTE):
        ask(tree)  # no team: late after 30 minutes here, not the default 10
    client.force_login(people["town"])
    with at(NOW):
        response = client.get(reverse("helpdesk:board"))
    assert response.context["counts"].late == 0
    assert "mark-late" not in response.content.decode()
    with at(NOW + 11 * MINUTE):
        response = client.get(reverse("helpdesk:board"))
    assert response.context["counts"].late == 1
    assert "mark-late" in response.content.decode()
