"""Scope decisions for activities, district rules and evaluations, built on
members.access.

The same rules hold: outside a user's units is 404; readers who may not write get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from members import access
from members.access import User
from members.models import Unit
from scoring.models import Activity, Evaluation


def get_activity_for_user(user: User, pk: int) -> Activity:
    """An activity is read by those who oversee its branch."""
    activity = Activity.objects.select_related("branch", "recorded_by").filter(pk=pk).first()
    if activity is None or not access.can_oversee(user, activity.branch):
        raise Http404
    return activity


def may_set_rules(user: User, district: Unit) -> bool:
    """District rules (points, evaluation) are set by the district's own organiser."""
    return access.is_district_organiser(user) and access.can_organise(user, district)


def get_district_for_user(user: User, pk: int, *, manage: bool = False) -> Unit:
    """A district's rules are read by the organisers in it (towns included) and set by
    its district organisers (403 for the others); everyone else gets 404."""
    access.require_organiser(user)
    district = Unit.objects.filter(pk=pk, kind=Unit.Kind.DISTRICT).first()
    if district is None:
        raise Http404
    inside = user.is_superuser or any(
        path.startswith(district.path)
        for path in access.overseen_paths(user, access.ORGANISER_ROLES)
    )
    if not inside:
        raise Http404
    if manage and not may_set_rules(user, district):
        raise PermissionDenied
    return district


def get_evaluation_for_user(user: User, pk: int, *, manage: bool = False) -> Evaluation:
    """An evaluation its member or an overseer of its branch may read (else 404); with
    manage=True, 403 unless the user is the branch's secretary."""
    evaluation = (
        Evaluation.objects.select_related("member__user", "branch", "rule").filter(pk=pk).first()
    )
    if evaluation is None:
        raise Http404
    own = user.is_authenticated and evaluation.member.user_id == user.pk
    if not own and not access.can_oversee(user, evaluation.branch):
        raise Http404
    if manage and not access.can_manage_branch(user, evaluation.branch):
        raise PermissionDenied
    return evaluation
