"""A help request's life: dispatch to the grid's team, re-dispatch, states and times,
lateness, the one rating."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from helpdesk import addresses, services
from helpdesk.models import HelpRequest, RequestEvent
from inbox.models import Notification
from members.models import Unit
from tests.factories import UnitFactory, UserFactory
from tests.helpdesk.conftest import ask

State = HelpRequest.State


def test_a_request_goes_at_once_to_the_team_of_its_grid(tree, team, team_leader):
    request = ask(tree)
    assert request.state == State.DISPATCHED
    assert request.team == team
    assert request.dispatched_at >= request.received_at
    assert [e.kind for e in request.events.all()] == ["received", "dispatched"]
    notice = Notification.objects.get(recipient=team_leader)
    assert request.code in notice.subject
    assert notice.link == f"/helpdesk/requests/{request.pk}/"


def test_the_volunteer_named_leader_hears_of_it_too(tree, volunteers, capabilities):
    user = UserFactory(username="zhang")
    volunteers[0].member.user = user
    volunteers[0].member.save()
    services.set_team(
        grid=tree.grid, name="队", leader=volunteers[0], volunteers=volunteers[:3], by=None
    )
    ask(tree)
    assert Notification.objects.filter(recipient=user).count() == 1


def test_the_grid_is_found_from_the_address_when_not_picked(tree, team):
    UnitFactory(kind=Unit.Kind.GRID, name="第2网格", code="G2", parent=tree.branch,
                address="秦望村4—6组")  # fmt: skip
    request = ask(tree, grid=None, address="鉴湖镇秦望村2组15号")
    assert request.grid == tree.grid
    assert request.team == team


def test_a_request_whose_grid_is_unknown_waits_for_an_operator(tree, team):
    request = ask(tree, grid=None, address="村口小店旁")
    assert request.grid is None
    assert request.team is None
    assert request.state == State.RECEIVED
    assert not Notification.objects.exists()


def test_a_request_of_a_grid_without_a_team_waits_for_an_operator(tree, volunteers):
    request = ask(tree)
    assert request.state == State.RECEIVED
    assert request.team is None


def test_an_operator_redispatches_with_a_reason(tree, team, neighbour_team, secretary):
    request = ask(tree)
    with pytest.raises(services.HelpdeskError, match="Say why"):
        services.redispatch(request=request, team=neighbour_team, reason=" ", by=secretary)
    request = services.redispatch(
        request=request, team=neighbour_team, reason="本队队员外出培训", by=secretary
    )
    assert request.team == neighbour_team
    assert request.state == State.DISPATCHED
    event = request.events.last()
    assert (event.kind, event.from_team, event.team, event.reason, event.by) == (
        "redispatched",
        team,
        neighbour_team,
        "本队队员外出培训",
        secretary,
    )


def test_a_waiting_request_is_dispatched_by_hand_without_a_reason(tree, team, secretary):
    request = ask(tree, grid=None, address="不知道")
    request = services.redispatch(request=request, team=team, reason="", by=secretary)
    assert request.state == State.DISPATCHED
    assert request.events.last().kind == "dispatched"


def test_redispatching_to_the_same_team_or_after_arrival_is_refused(tree, team, neighbour_team):
    request = ask(tree)
    with pytest.raises(services.HelpdeskError, match="already with this team"):
        services.redispatch(request=request, team=team, reason="x", by=None)
    services.mark_on_site(request=request, by=None)
    with pytest.raises(services.HelpdeskError, match="no team has attended"):
        services.redispatch(request=request, team=neighbour_team, reason="x", by=None)


def test_states_follow_each_other_and_each_has_its_time(tree, team, team_leader):
    request = ask(tree)
    with pytest.raises(services.HelpdeskError, match="on site before"):
        services.resolve(request=request, by=team_leader)
    services.mark_on_site(request=request, by=team_leader)
    with pytest.raises(services.HelpdeskError, match="Only a dispatched request"):
        services.mark_on_site(request=request, by=team_leader)
    request = services.resolve(request=request, resolution="换了水管接头", by=team_leader)
    request.refresh_from_db()
    assert request.state == State.RESOLVED
    assert request.received_at <= request.dispatched_at <= request.on_site_at <= request.resolved_at
    assert request.response_time is not None
    assert request.arrival_time is not None
    assert request.resolution_time >= request.response_time
    kinds = list(request.events.values_list("kind", "by__username"))
    assert kinds == [
        ("received", None),
        ("dispatched", None),
        ("on_site", "leader"),
        ("resolved", "leader"),
    ]


def test_closing_needs_a_reason_and_an_open_request(tree, team, secretary):
    request = ask(tree)
    with pytest.raises(services.HelpdeskError, match="Say why"):
        services.close(request=request, reason="", by=secretary)
    request = services.close(request=request, reason="重复求助", by=secretary)
    assert request.state == State.CLOSED
    assert request.closed_at is not None
    with pytest.raises(services.HelpdeskError, match="already finished"):
        services.close(request=request, reason="again", by=secretary)


def test_the_log_is_append_only(tree, team):
    request = ask(tree)
    event = request.events.first()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        RequestEvent.objects.filter(request=request).update(reason="x")


def _age(request, **times):
    HelpRequest.objects.filter(pk=request.pk).update(**times)
    request.refresh_from_db()
    return request


def test_a_request_is_late_past_each_threshold(tree, team, volunteers):
    now = timezone.now()
    waiting = _age(ask(tree, grid=None, address="?"), received_at=now - dt.timedelta(minutes=11))
    fresh = ask(tree, grid=None, address="?")
    no_arrival = _age(ask(tree), dispatched_at=now - dt.timedelta(hours=2, minutes=1))
    arrived = ask(tree)
    services.mark_on_site(request=arrived, by=None)
    slow = _age(arrived, received_at=now - dt.timedelta(hours=49))
    assert waiting.lateness(now) == ["dispatch"]
    assert fresh.lateness(now) == []
    assert no_arrival.lateness(now) == ["arrival"]
    assert slow.lateness(now) == ["resolution"]
    late = set(HelpRequest.objects.late(now).values_list("pk", flat=True))
    assert late == {waiting.pk, no_arrival.pk, slow.pk}


def _resolved(tree):
    request = ask(tree)
    services.mark_on_site(request=request, by=None)
    return services.resolve(request=request, by=None)


def test_the_resident_rates_a_resolved_request_once_by_its_code(tree, team):
    request = _resolved(tree)
    rated = services.rate(code=request.code.lower(), rating=5, comment="来得很快")
    assert (rated.rating, rated.rating_comment) == (5, "来得很快")
    with pytest.raises(services.HelpdeskError, match="already been rated"):
        services.rate(code=request.code, rating=1)
    request.refresh_from_db()
    assert request.rating == 5
    assert request.events.last().kind == "rated"


def test_an_unresolved_request_cannot_be_rated(tree, team):
    request = ask(tree)
    with pytest.raises(services.HelpdeskError, match="once it is resolved"):
        services.rate(code=request.code, rating=5)
    request.refresh_from_db()
    assert request.rating is None


def test_a_rating_is_from_1_to_5_and_needs_a_known_code(tree, team):
    request = _resolved(tree)
    with pytest.raises(services.HelpdeskError, match="1 to 5"):
        services.rate(code=request.code, rating=6)
    with pytest.raises(services.HelpdeskError, match="No request"):
        services.rate(code="NOPE", rating=5)


def test_codes_are_short_and_unlike_each_other(tree, team):
    codes = {ask(tree).code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 10 and code.isalnum() for code in codes)


@pytest.mark.parametrize(
    "address, expected",
    [
        ("秦望村2组15号", "H1"),
        ("秦望村二组", "H1"),
        ("秦望村 ５组", "H2"),
        ("秦望村7组", None),
        ("坡塘村2组", None),
        ("鉴湖花园3幢201", "H3"),
        ("西湾12号", "H4"),
    ],
)
def test_grids_are_found_by_their_area(tree, address, expected):
    grids = [
        UnitFactory(kind=Unit.Kind.GRID, name=code, code=code, parent=tree.branch, address=area)
        for code, area in [
            ("H1", "秦望村1—3组"),
            ("H2", "秦望村4-6组"),
            ("H3", "鉴湖花园1—4幢"),
            ("H4", "西湾、东湾"),
        ]
    ]
    found = addresses.find_grid(address, grids)
    assert (found.code if found else None) == expected
