"""A secretary's own pledge and own evaluation are decided by the town, not by her."""

import pytest
from django.urls import reverse

from members.models import RoleAssignment
from posts import services
from posts.models import Pledge
from scoring import evaluation as ev
from tests.conftest import make_member_user
from tests.factories import RoleFactory
from tests.posts.conftest import lines_for


@pytest.fixture
def secretary_member(tree):
    """The branch secretary, also a member of the branch with a log-in."""
    user = make_member_user(tree)
    RoleFactory(user=user, unit=tree.branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
    return user


@pytest.fixture
def own_pledge(post, secretary_member):
    choice = services.apply_for_post(
        member=secretary_member.member_file, post=post, by=secretary_member
    )
    choice = services.confirm_choice(choice=choice, by=secretary_member)
    services.write_pledge(
        pledge=choice.pledge, lines=lines_for(post, "每周巡逻"), based_on=0, by=secretary_member
    )
    return Pledge.objects.get(choice=choice)


def _approve(client, user, pledge):
    client.force_login(user)
    return client.post(reverse("posts:pledge-review", args=[pledge.pk]), {"decision": "approve"})


def test_a_secretary_cannot_approve_her_own_pledge(client, secretary_member, own_pledge):
    assert _approve(client, secretary_member, own_pledge).status_code == 403
    own_pledge.refresh_from_db()
    assert own_pledge.status == Pledge.Status.SUBMITTED


def test_the_town_approves_the_secretarys_pledge(client, town_organiser, own_pledge):
    assert _approve(client, town_organiser, own_pledge).status_code == 302
    own_pledge.refresh_from_db()
    assert own_pledge.status == Pledge.Status.APPROVED


def test_the_town_does_not_approve_an_ordinary_members_pledge(
    client, town_organiser, secretary, member_user, pledge, post
):
    services.write_pledge(pledge=pledge, lines=lines_for(post, "每周"), based_on=0, by=member_user)
    assert _approve(client, town_organiser, pledge).status_code == 403


def test_the_service_refuses_an_approval_of_ones_own_pledge(secretary_member, own_pledge):
    with pytest.raises(services.PostsError):
        services.approve_pledge(pledge=own_pledge, by=secretary_member)


def test_the_secretarys_own_evaluation_is_entered_by_the_town(
    client, tree, secretary_member, town_organiser, own_pledge
):
    (evaluation,) = ev.open_evaluations(branch=tree.branch, year=2026, by=secretary_member)
    url = reverse("scoring:evaluation-paper", args=[evaluation.pk])
    data = {"paper-member_favourable": 9, "paper-member_total": 10}
    client.force_login(secretary_member)
    assert client.post(url, data).status_code == 403
    client.force_login(town_organiser)
    assert client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.paper_member_total == 10


def test_the_towns_home_lists_the_secretarys_pledge_to_review(client, town_organiser, own_pledge):
    client.force_login(town_organiser)
    (area,) = client.get(reverse("home")).context["areas"]
    assert area.secretaries_pledges == [own_pledge]
