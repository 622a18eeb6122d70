"""The volunteer pool and the team rules: 3–10 volunteers of at least two capability
types, with a leader among them."""

import pytest
from django.urls import reverse

from helpdesk import services
from helpdesk.models import ServiceTeam, TeamMembership, VolunteerProfile
from members.models import Member
from tests.factories import MemberFactory
from tests.helpdesk.objects import make_volunteer


def test_enrolling_gives_the_next_number_of_the_year(tree, capabilities):
    first = make_volunteer(tree.branch, tree.grid, "甲", capabilities["农业服务型"])
    second = make_volunteer(tree.branch, tree.grid, "乙", capabilities["农业服务型"])
    year = first.enrolled_on.year
    assert first.number == f"YQ-{year}-000001"
    assert second.number == f"YQ-{year}-000002"


def test_a_member_is_enrolled_once(tree, volunteers):
    with pytest.raises(services.HelpdeskError, match="YQ-"):
        services.enrol_volunteer(member=volunteers[0].member, by=None)


def test_a_valid_team_is_saved_with_its_leader_among_its_volunteers(team, volunteers):
    assert team.leader == volunteers[0]
    assert set(team.volunteers.all()) == set(volunteers[:4])


def _refused(tree, leader, chosen, name="服务队") -> list[str]:
    with pytest.raises(services.TeamRuleBroken) as refusal:
        services.set_team(grid=tree.grid, name=name, leader=leader, volunteers=chosen, by=None)
    assert not ServiceTeam.objects.filter(grid=tree.grid).exists()
    return refusal.value.problems


def test_a_team_of_two_is_refused_and_says_why(tree, volunteers):
    problems = _refused(tree, volunteers[0], volunteers[:2])
    assert problems == ["A team needs at least 3 volunteers; this one has 2."]


def test_a_team_of_eleven_is_refused(tree, volunteers, capabilities):
    more = [
        make_volunteer(tree.branch, tree.grid, f"义工{i}", capabilities["农业服务型"])
        for i in range(6)
    ]
    problems = _refused(tree, volunteers[0], volunteers + more)
    assert problems == ["A team has at most 10 volunteers; this one has 11."]


def test_ten_volunteers_are_enough_and_not_too_many(tree, volunteers, capabilities):
    more = [
        make_volunteer(tree.branch, tree.grid, f"义工{i}", capabilities["农业服务型"])
        for i in range(5)
    ]
    team = services.set_team(
        grid=tree.grid, name="服务队", leader=volunteers[0], volunteers=volunteers + more, by=None
    )
    assert team.volunteers.count() == 10


def test_a_team_of_one_capability_type_is_refused(tree, capabilities):
    same = [
        make_volunteer(tree.branch, tree.grid, name, capabilities["生活服务型"])
        for name in ["甲", "乙", "丙"]
    ]
    problems = _refused(tree, same[0], same)
    assert problems == [
        "A team needs volunteers of at least 2 capability types; these have 1 (生活服务型)."
    ]


def test_the_leader_must_be_in_the_team(tree, volunteers):
    problems = _refused(tree, volunteers[4], volunteers[:3])
    assert problems == ["The leader must be one of the team's volunteers."]


def test_every_broken_rule_is_named_at_once(tree, capabilities):
    lone = make_volunteer(tree.branch, tree.grid, "甲", capabilities["生活服务型"])
    problems = _refused(tree, None, [lone], name=" ")
    assert len(problems) == 4


def test_volunteers_of_another_branch_cannot_join(tree, volunteers, capabilities):
    outsider = make_volunteer(tree.neighbour_branch, None, "外村人", capabilities["医疗服务型"])
    problems = _refused(tree, volunteers[0], [*volunteers[:2], outsider])
    assert problems == ["Not members of 秦望村: 外村人."]


def test_a_volunteer_serves_in_one_team(tree, team, volunteers, neighbour_team):
    other = neighbour_team.grid
    with pytest.raises(services.TeamRuleBroken, match="Already serving in another team"):
        services.set_team(
            grid=other, name="x", leader=volunteers[0], volunteers=volunteers[:3], by=None
        )


def test_an_inactive_volunteer_cannot_join(tree, volunteers):
    VolunteerProfile.objects.filter(pk=volunteers[1].pk).update(is_active=False)
    volunteers[1].refresh_from_db()
    problems = _refused(tree, volunteers[0], volunteers[:3])
    assert problems == ["Not active volunteers: 俞桂兰."]


def test_changing_a_team_adds_and_removes_volunteers(tree, team, volunteers):
    services.set_team(
        grid=tree.grid,
        name="新名字",
        leader=volunteers[4],
        volunteers=[volunteers[0], volunteers[1], volunteers[4]],
        by=None,
    )
    team.refresh_from_db()
    assert team.name == "新名字"
    assert team.leader == volunteers[4]
    assert set(TeamMembership.objects.filter(team=team).values_list("profile", flat=True)) == {
        volunteers[0].pk,
        volunteers[1].pk,
        volunteers[4].pk,
    }


def test_a_change_breaking_a_rule_leaves_the_team_as_it_was(tree, team, volunteers):
    with pytest.raises(services.TeamRuleBroken):
        services.set_team(
            grid=tree.grid, name="x", leader=volunteers[0], volunteers=volunteers[:2], by=None
        )
    team.refresh_from_db()
    assert team.name == "秦望村第1网格服务队"
    assert team.volunteers.count() == 4


def test_a_volunteer_in_a_team_cannot_be_made_inactive(team, volunteers):
    with pytest.raises(services.HelpdeskError, match="take them off the team"):
        services.update_volunteer(
            profile=volunteers[1], specialties="", availability="", is_active=False, by=None
        )
    services.update_volunteer(
        profile=volunteers[4], specialties="调解", availability="周末", is_active=False, by=None
    )
    volunteers[4].refresh_from_db()
    assert volunteers[4].is_active is False


def test_capability_types_come_from_the_member_file(tree, capabilities):
    member = MemberFactory(branch=tree.branch, grid=tree.grid)
    member.capability_types.set([capabilities["法律服务型"]])
    profile = services.enrol_volunteer(member=member, by=None)
    assert [t.name for t in profile.member.capability_types.all()] == ["法律服务型"]


def test_the_named_leader_gets_a_log_in_and_the_team_leader_role(team, volunteers, tree):
    from members.models import RoleAssignment

    leader = volunteers[0].member
    leader.refresh_from_db()
    assert leader.user is not None and not leader.user.has_usable_password()
    assert RoleAssignment.objects.filter(
        user=leader.user, unit=tree.grid, role=RoleAssignment.Role.TEAM_LEADER
    ).exists()


def test_a_new_leader_takes_the_role_from_the_old_one(team, volunteers, tree, secretary):
    from members.models import RoleAssignment

    services.set_team(
        grid=tree.grid,
        name=team.name,
        leader=volunteers[1],
        volunteers=volunteers[:4],
        by=secretary,
    )
    old, new = (Member.objects.get(pk=v.member_id) for v in volunteers[:2])
    holders = set(
        RoleAssignment.objects.filter(
            unit=tree.grid, role=RoleAssignment.Role.TEAM_LEADER
        ).values_list("user_id", flat=True)
    )
    assert holders == {new.user_id}
    ended = RoleAssignment.history.filter(user_id=old.user_id, history_type="-").get()
    assert ended.history_user == secretary


def test_the_team_page_offers_the_leaders_activation_slip(client, team, secretary):
    client.force_login(secretary)
    page = client.get(reverse("helpdesk:team-detail", args=[team.pk]))
    assert page.context["leader_needs_slip"]
    slip = reverse("members:member-login", args=[team.leader.member_id])
    assert slip in page.content.decode()
    assert client.post(slip)["Content-Type"] == "application/pdf"
    page = client.get(reverse("helpdesk:team-detail", args=[team.pk]))
    assert page.context["leader_needs_slip"]  # until they activate it themselves


def test_saving_a_team_whose_leader_has_no_log_in_says_to_print_their_slip(
    client, tree, volunteers, secretary
):
    client.force_login(secretary)
    response = client.post(
        reverse("helpdesk:team-edit", args=[tree.grid.pk]),
        {
            "name": "秦望村第1网格服务队",
            "leader": volunteers[0].pk,
            "volunteers": [v.pk for v in volunteers[:4]],
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any(volunteers[0].member.name in t for t in texts[1:])
    assert response.context["leader_needs_slip"]
