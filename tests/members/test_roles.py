"""Roles granted and revoked down the tree, within scope, with history."""

import pytest
from django.urls import reverse

from members.models import Member, RoleAssignment
from tests.factories import MemberFactory, UserFactory

Role = RoleAssignment.Role


def grant(client, user, page_unit, role, unit, person):
    client.force_login(user)
    return client.post(
        reverse("members:unit-roles", args=[page_unit.pk]),
        {"position": f"{role}:{unit.pk}", "person": person},
    )


def test_a_town_organiser_names_the_secretary_of_a_branch(client, town_organiser, tree):
    person = MemberFactory(branch=tree.branch, name="周海峰", user=UserFactory())
    response = grant(
        client, town_organiser, tree.town, Role.BRANCH_SECRETARY, tree.branch, "周海峰"
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person.user, role=Role.BRANCH_SECRETARY)
    assert assignment.unit == tree.branch
    record = assignment.history.get()
    assert record.history_type == "+"
    assert record.history_user == town_organiser


def test_the_roles_page_tells_each_change_in_words(client, town_organiser, tree):
    MemberFactory(branch=tree.branch, name="周海峰", user=UserFactory())
    grant(client, town_organiser, tree.town, Role.BRANCH_SECRETARY, tree.branch, "周海峰")
    page = client.get(reverse("members:unit-roles", args=[tree.town.pk]))
    line = page.context["changes"][0]
    assert (line.person, line.unit, line.granted) == ("周海峰", tree.branch.name, True)
    assert "周海峰" in page.content.decode()


def test_a_district_organiser_names_a_town_organiser(client, district_organiser, tree):
    person = MemberFactory(branch=tree.other_branch, name="吴晓东", user=UserFactory())
    grant(client, district_organiser, tree.district, Role.TOWN_ORGANISER, tree.other_town, "吴晓东")
    assert RoleAssignment.objects.filter(
        user=person.user, unit=tree.other_town, role=Role.TOWN_ORGANISER
    ).exists()


def test_a_secretary_names_a_team_leader_and_an_instructor(client, secretary, tree):
    leader = MemberFactory(branch=tree.branch, name="章立新", user=UserFactory())
    guide = MemberFactory(branch=tree.branch, name="王建明", user=UserFactory())
    grant(client, secretary, tree.branch, Role.TEAM_LEADER, tree.grid, "章立新")
    grant(client, secretary, tree.branch, Role.INSTRUCTOR, tree.branch, "王建明")
    assert RoleAssignment.objects.filter(user=leader.user, role=Role.TEAM_LEADER).exists()
    assert RoleAssignment.objects.filter(user=guide.user, role=Role.INSTRUCTOR).exists()


@pytest.mark.parametrize(
    ("granter", "role", "unit"),
    [
        ("secretary", Role.BRANCH_SECRETARY, "branch"),  # their own rank
        ("secretary", Role.TOWN_ORGANISER, "town"),  # above their own
        ("town_organiser", Role.TOWN_ORGANISER, "town"),
        ("town_organiser", Role.BRANCH_SECRETARY, "other_branch"),  # outside their town
        ("district_organiser", Role.DISTRICT_ORGANISER, "district"),
    ],
)
def test_nobody_grants_a_role_at_or_above_their_own_or_outside_their_scope(
    client, tree, granter, role, unit, request
):
    MemberFactory(branch=tree.branch, name="周海峰", user=UserFactory())
    user = request.getfixturevalue(granter)
    target = getattr(tree, unit)
    before = RoleAssignment.objects.count()
    page = tree.branch if granter == "secretary" else target
    client.force_login(user)
    response = client.post(
        reverse("members:unit-roles", args=[page.pk]),
        {"position": f"{role}:{target.pk}", "person": "周海峰"},
    )
    assert response.status_code in {200, 403, 404}
    if response.status_code == 200:
        assert response.context["form"].errors["position"]
    assert RoleAssignment.objects.count() == before


def test_a_secretary_cannot_open_the_neighbour_branchs_roles(client, secretary, tree):
    client.force_login(secretary)
    assert (
        client.get(reverse("members:unit-roles", args=[tree.neighbour_branch.pk])).status_code
        == 404
    )


def test_a_person_outside_the_granters_scope_is_not_found(client, secretary, tree):
    MemberFactory(branch=tree.neighbour_branch, name="钱多多", user=UserFactory())
    response = grant(client, secretary, tree.branch, Role.TEAM_LEADER, tree.grid, "钱多多")
    assert response.context["form"].errors["person"]
    assert not RoleAssignment.objects.filter(role=Role.TEAM_LEADER).exists()


def test_two_people_of_the_same_name_ask_for_the_mobile(client, secretary, tree):
    MemberFactory(branch=tree.branch, name="王芳", phone="13900000001")
    second = MemberFactory(branch=tree.branch, name="王芳", phone="13900000002")
    response = grant(client, secretary, tree.branch, Role.TEAM_LEADER, tree.grid, "王芳")
    assert "13900000001" not in str(response.context["form"].errors)
    assert response.context["form"].errors["person"]
    assert (
        not RoleAssignment.objects.exists()
        or not RoleAssignment.objects.filter(role=Role.TEAM_LEADER).exists()
    )
    grant(client, secretary, tree.branch, Role.TEAM_LEADER, tree.grid, "13900000002")
    second.refresh_from_db()
    assert RoleAssignment.objects.filter(user=second.user, role=Role.TEAM_LEADER).exists()


def test_naming_someone_without_a_log_in_gives_one_and_offers_the_slip(client, secretary, tree):
    person = MemberFactory(branch=tree.branch, name="章立新")
    grant(client, secretary, tree.branch, Role.TEAM_LEADER, tree.grid, "章立新")
    person.refresh_from_db()
    assert person.user is not None
    assert not person.user.has_usable_password()
    page = client.get(reverse("members:unit-roles", args=[tree.branch.pk]))
    assert reverse("members:member-login", args=[person.pk]) in page.content.decode()


def test_a_secretary_ends_a_team_leaders_role(client, secretary, team_leader, tree):
    assignment = RoleAssignment.objects.get(user=team_leader)
    client.force_login(secretary)
    response = client.post(
        reverse("members:role-revoke", args=[assignment.pk]), {"page": str(tree.branch.pk)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:unit-roles", args=[tree.branch.pk])
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    record = RoleAssignment.history.filter(id=assignment.pk, history_type="-").get()
    assert record.history_user == secretary


@pytest.mark.parametrize("holder", ["secretary", "town_organiser"])
def test_a_secretary_cannot_end_their_own_or_a_higher_role(client, secretary, holder, request):
    user = request.getfixturevalue(holder)
    assignment = RoleAssignment.objects.get(user=user)
    client.force_login(secretary)
    response = client.post(reverse("members:role-revoke", args=[assignment.pk]))
    assert response.status_code in {403, 404}
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_neighbour_secretary_cannot_end_roles_here(client, neighbour_secretary, team_leader):
    assignment = RoleAssignment.objects.get(user=team_leader)
    client.force_login(neighbour_secretary)
    assert client.post(reverse("members:role-revoke", args=[assignment.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_members_and_leaders_have_no_roles_page(client, member_user, team_leader, tree):
    for user in (member_user, team_leader):
        client.force_login(user)
        assert client.get(reverse("members:unit-roles", args=[tree.branch.pk])).status_code == 404


def test_a_departed_member_cannot_be_named(client, secretary, tree):
    person = MemberFactory(branch=tree.branch, name="孙立")
    Member.all_files.filter(pk=person.pk).update(left_on="2026-11-01", leave_reason="transferred")
    response = grant(client, secretary, tree.branch, Role.TEAM_LEADER, tree.grid, "孙立")
    assert response.context["form"].errors["person"]
    assert not RoleAssignment.objects.filter(role=Role.TEAM_LEADER).exists()
