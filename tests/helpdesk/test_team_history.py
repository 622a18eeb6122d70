"""Teams keep their history: joins, leaves and leader changes with the date and who made
them, append-only, in words on the team's page; a volunteer's record lists their teams
over time."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk import services
from helpdesk.models import ServiceTeam, TeamEvent, TeamMembership
from members.models import Unit
from tests.conftest import NOW
from tests.factories import UnitFactory
from tests.helpdesk.objects import make_volunteer

Kind = TeamEvent.Kind


def history(team) -> list[tuple[str, str]]:
    return [
        (e.profile.member.name, e.kind)
        for e in TeamEvent.objects.filter(team=team).select_related("profile__member")
    ]


def test_a_new_team_records_each_volunteer_joining_and_its_leader(tree, volunteers, secretary):
    team = services.set_team(
        grid=tree.grid, name="队", leader=volunteers[1], volunteers=volunteers[:3], by=secretary
    )
    assert history(team) == [
        ("章立新", Kind.JOINED),
        ("俞桂兰", Kind.JOINED),
        ("楼国强", Kind.JOINED),
        ("俞桂兰", Kind.LEADER),
    ]
    event = TeamEvent.objects.filter(team=team).first()
    assert (event.on, event.by, event.carried_over) == (NOW.date(), secretary, False)


def test_a_change_records_who_left_who_joined_and_the_new_leader(tree, team, volunteers, secretary):
    later = NOW + dt.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        services.set_team(
            grid=tree.grid, name=team.name, leader=volunteers[4],
            volunteers=[*volunteers[1:3], volunteers[4]], by=secretary,
        )  # fmt: skip
    changes = TeamEvent.objects.filter(team=team, on=later.date()).select_related("profile__member")
    assert [(e.profile.member.name, e.kind) for e in changes] == [
        ("章立新", Kind.LEADER_ENDED),
        ("章立新", Kind.LEFT),
        ("傅晓春", Kind.LEFT),
        ("裘丽萍", Kind.JOINED),
        ("裘丽萍", Kind.LEADER),
    ]
    assert {e.by for e in changes} == {secretary}


def test_saving_a_team_unchanged_records_nothing(tree, team, volunteers, secretary):
    before = TeamEvent.objects.count()
    services.set_team(
        grid=tree.grid, name="新队名", leader=volunteers[0], volunteers=volunteers[:4], by=secretary
    )
    assert TeamEvent.objects.count() == before


def test_a_refused_change_records_nothing(tree, team, volunteers, secretary):
    before = TeamEvent.objects.count()
    with pytest.raises(services.TeamRuleBroken):
        services.set_team(
            grid=tree.grid, name="队", leader=volunteers[0], volunteers=volunteers[:2], by=secretary
        )
    assert TeamEvent.objects.count() == before


def test_the_history_is_never_changed(team):
    event = TeamEvent.objects.first()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        TeamEvent.objects.update(kind=Kind.LEFT)
    with pytest.raises(ValidationError):
        TeamEvent.objects.all().delete()


def test_the_team_page_tells_the_history_in_words(
    english_client, tree, team, volunteers, secretary
):
    services.set_team(
        grid=tree.grid, name=team.name, leader=volunteers[0],
        volunteers=[*volunteers[:3], volunteers[4]], by=secretary,
    )  # fmt: skip
    english_client.force_login(secretary)
    page = english_client.get(reverse("helpdesk:team-detail", args=[team.pk])).content.decode()
    section = page[page.index('id="team-history"') :]
    assert "傅晓春 left the team" in section
    assert "裘丽萍 joined the team" in section
    assert "章立新 became the team leader" in section
    assert "Recorded by secretary" in section


def test_a_volunteers_record_lists_their_teams_over_time(
    english_client, tree, team, volunteers, capabilities, secretary
):
    grid2 = UnitFactory(kind=Unit.Kind.GRID, name="第2网格", code="G2", parent=tree.branch)
    moving = volunteers[3]  # 傅晓春 leaves team 1, then leads the new team of grid 2
    with time_machine.travel(NOW + dt.timedelta(days=10), tick=False):
        services.set_team(
            grid=tree.grid, name=team.name, leader=volunteers[0],
            volunteers=[*volunteers[:3], volunteers[4]], by=secretary,
        )  # fmt: skip
    helpers = [
        make_volunteer(tree.branch, grid2, name, capabilities["医疗服务型"])
        for name in ("马一", "马二")
    ]
    with time_machine.travel(NOW + dt.timedelta(days=11), tick=False):
        services.set_team(
            grid=grid2, name="第2网格服务队", leader=moving, volunteers=[moving, *helpers],
            by=secretary,
        )  # fmt: skip
    kinds = [e.kind for e in TeamEvent.objects.filter(profile=moving)]
    assert kinds == [Kind.JOINED, Kind.LEFT, Kind.JOINED, Kind.LEADER]
    english_client.force_login(secretary)
    page = english_client.get(reverse("helpdesk:volunteer-detail", args=[moving.pk]))
    text = page.content.decode()
    section = text[text.index('id="team-history"') :]
    newest, older = "第2网格服务队: became the team leader", f"{team.name}: left the team"
    assert section.index(newest) < section.index(older)


def test_current_memberships_are_carried_over_with_their_own_date(tree, volunteers):
    """The data migration: memberships from before the history get a "joined" line dated
    by the membership and marked as carried over, the leader a "leader" line."""
    team = ServiceTeam.objects.create(grid=tree.grid, name="老队", leader=volunteers[0])
    for volunteer in volunteers[:3]:
        TeamMembership.objects.create(team=team, profile=volunteer, joined_on=dt.date(2025, 3, 1))
    migration = importlib.import_module("helpdesk.migrations.0006_alerts_and_team_history")
    migration.carry_over_memberships(apps, None)
    events = list(TeamEvent.objects.filter(team=team))
    assert [(e.profile, e.kind, e.carried_over, e.by) for e in events] == [
        (volunteers[0], Kind.JOINED, True, None),
        (volunteers[1], Kind.JOINED, True, None),
        (volunteers[2], Kind.JOINED, True, None),
        (volunteers[0], Kind.LEADER, True, None),
    ]
    assert {e.on for e in events if e.kind == Kind.JOINED} == {dt.date(2025, 3, 1)}
