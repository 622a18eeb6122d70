"""A member leaves the branch: their log-in stops and roles end in the same step; their
records stay."""

import datetime as dt

from django.urls import reverse

from members.models import ActivationCode, Member, RoleAssignment
from tests.factories import MemberFactory, RoleFactory, UserFactory


def leave(client, secretary, member, **data):
    client.force_login(secretary)
    return client.post(
        reverse("members:member-leave", args=[member.pk]),
        {"reason": "transferred", "left_on": "2026-11-30", "note": "转往城南社区"} | data,
    )


def test_leaving_stops_the_log_in_and_ends_roles_in_one_step(client, secretary, tree):
    user = UserFactory(username="13900005555")
    member = MemberFactory(branch=tree.branch, user=user)
    RoleFactory(user=user, unit=tree.grid, role=RoleAssignment.Role.TEAM_LEADER)
    response = leave(client, secretary, member)
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()
    assert not RoleAssignment.objects.filter(user=user).exists()
    member = Member.all_files.get(pk=member.pk)
    assert (member.left_on, member.leave_reason) == (dt.date(2026, 11, 30), "transferred")
    assert member.history.first().history_user == secretary


def test_a_departed_member_cannot_log_in(client, secretary, tree):
    user = UserFactory(username="13900006666")
    member = MemberFactory(branch=tree.branch, user=user)
    leave(client, secretary, member, reason="died")
    client.logout()
    response = client.post(
        reverse("login"), {"username": "13900006666", "password": "pw-for-tests"}
    )
    assert response.status_code == 200  # the form again, not a redirect home
    assert "_auth_user_id" not in client.session


def test_a_slip_printed_before_leaving_stops_working(client, secretary, member):
    client.force_login(secretary)
    client.post(reverse("members:member-login", args=[member.pk]))
    leave(client, secretary, member)
    assert not ActivationCode.objects.usable().exists()
    client.force_login(secretary)
    response = client.post(reverse("members:member-login", args=[member.pk]))
    assert response.status_code == 302  # refused with a message: they have left
    assert not ActivationCode.objects.usable().exists()


def test_a_departed_member_drops_out_of_the_list_but_their_file_stays(client, secretary, member):
    leave(client, secretary, member)
    detail = client.get(reverse("members:member-detail", args=[member.pk]))
    assert detail.status_code == 200
    assert detail.context["member"].has_left
    page = client.get(reverse("members:member-list", args=[member.branch_id]))
    assert member.name not in page.content.decode()


def test_a_future_date_is_refused_and_nothing_changes(client, secretary, member):
    response = leave(client, secretary, member, left_on="2027-01-05")
    assert response.status_code == 200
    assert response.context["form"].errors["left_on"]
    assert Member.objects.filter(pk=member.pk).exists()


def test_only_the_branch_secretary_records_leaving(client, town_organiser, member):
    response = leave(client, town_organiser, member)
    assert response.status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()
