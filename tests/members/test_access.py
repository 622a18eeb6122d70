"""Scope rules that the URL table does not show on its own."""

from django.urls import reverse

from members import access
from members.models import RoleAssignment
from tests.factories import MemberFactory, RoleFactory, UserFactory


def test_one_log_in_holds_roles_in_several_units(client, tree):
    user = UserFactory(username="busy")
    RoleFactory(user=user, unit=tree.branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
    RoleFactory(user=user, unit=tree.other_branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
    MemberFactory(branch=tree.neighbour_branch, user=user)
    client.force_login(user)
    for branch in (tree.branch, tree.other_branch):
        assert client.get(reverse("members:member-add", args=[branch.pk])).status_code == 200
    assert (
        client.get(reverse("members:member-list", args=[tree.neighbour_branch.pk])).status_code
        == 404
    )
    assert client.get(reverse("members:my-file")).status_code == 302


def test_the_home_page_starts_from_the_highest_units_held(tree, town_organiser):
    RoleFactory(user=town_organiser, unit=tree.branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
    assert access.top_units_for_user(town_organiser) == [tree.town]


def test_the_highest_units_come_with_the_roles_in_path_order(tree, django_assert_num_queries):
    from tests.factories import UserFactory as Users

    busy = Users(username="both-towns")
    other_town = tree.other_town
    for unit in (tree.branch, other_town, tree.town):
        RoleFactory(user=busy, unit=unit, role=RoleAssignment.Role.TOWN_ORGANISER)
    RoleFactory(user=busy, unit=tree.grid, role=RoleAssignment.Role.TEAM_LEADER)
    with django_assert_num_queries(1):  # the roles, with their units
        tops = access.top_units_for_user(busy)
    assert tops == sorted({tree.town, other_town}, key=lambda unit: unit.path)


def test_a_secretary_only_reads_the_roster_preview_of_their_own_imports(
    client, tree, neighbour_secretary
):
    from members.models import RosterImport

    roster_import = RosterImport.objects.create(
        branch=tree.branch, uploaded_by=neighbour_secretary, filename="x.xlsx", content=b"x"
    )
    client.force_login(neighbour_secretary)
    response = client.post(
        reverse("members:roster-preview", args=[roster_import.pk]), {"confirm": "1"}
    )
    assert response.status_code == 404


def test_a_town_organiser_cannot_lift_an_exemption(client, town_organiser, member):
    member.is_exempt, member.exemption_reason = True, "年老体弱"
    member.save()
    client.force_login(town_organiser)
    assert client.post(reverse("members:member-unexempt", args=[member.pk])).status_code == 403
    member.refresh_from_db()
    assert member.is_exempt


def test_out_of_scope_writes_answer_404_and_change_nothing(
    client, other_town_organiser, member, tree
):
    client.force_login(other_town_organiser)
    assert client.post(reverse("members:member-unexempt", args=[member.pk])).status_code == 404
    response = client.post(reverse("members:need-add", args=[tree.branch.pk]), {"title": "x"})
    assert response.status_code == 404
    assert not tree.branch.needs.exists()


def test_the_roles_statement_compiled_once_reads_what_the_orm_reads(tree, town_organiser):
    RoleFactory(user=town_organiser, unit=tree.branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
    expected = list(
        RoleAssignment.objects.filter(user=town_organiser).values_list(
            "role", "unit_id", "unit__path", "unit__name"
        )
    )
    read = access._ROLES.instances(user=town_organiser.pk)
    assert [(r.role, r.unit_id, r.unit.path, r.unit.name) for r in read] == expected
    assert len(expected) == 2
    assert access._ROLES.instances(user=town_organiser.pk + 1000) == []
    assert [held.unit for held in access.roles_of(town_organiser)] == [tree.town, tree.branch]


def test_the_member_file_statement_compiled_once_reads_what_the_orm_reads(tree):
    user = UserFactory(username="filed")
    member = MemberFactory(branch=tree.branch, grid=tree.grid, user=user)
    (read,) = access._MEMBER_FILE.instances(member=member.pk)
    assert (read.pk, read.name, read.birth_date, read.joined_party_on) == (
        member.pk,
        member.name,
        member.birth_date,
        member.joined_party_on,
    )
    assert (read.branch.path, read.grid.pk, read.user.username) == (
        tree.branch.path,
        tree.grid.pk,
        "filed",
    )
    assert access._MEMBER_FILE.instances(member=member.pk + 1000) == []


def test_a_member_number_beyond_any_row_is_not_found(client, secretary):
    client.force_login(secretary)
    for number in (2**63, 2**70):
        assert client.get(reverse("members:member-detail", args=[number])).status_code == 404
