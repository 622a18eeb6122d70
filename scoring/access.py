"""Scope decisions for activities, district rules and evaluations, built on
members.access.

The same rules hold: outside a user's units is 404; readers who may not write get 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from members import access
from members.access import User
from scoring.models import Activity, Evaluation


@dataclass(frozen=True)
class ActivityAccess:
    """An activity the user may read, and whether they may correct its entries."""

    activity: Activity
    may_manage: bool  # the branch's secretary


def get_activity_for_user(user: User, pk: int) -> ActivityAccess:
    """An activity is read by those who oversee its branch (else 404)."""
    activity = Activity.objects.select_related("branch", "recorded_by").filter(pk=pk).first()
    if activity is None or not access.can_oversee(user, activity.branch):
        raise Http404
    return ActivityAccess(activity, access.can_manage_branch(user, activity.branch))


@dataclass(frozen=True)
class EvaluationAccess:
    """An evaluation the user may read, and in what capacity: the page shows and offers
    what these say, decided here once."""

    evaluation: Evaluation
    is_own: bool  # the member evaluated
    oversees: bool  # an overseer of the branch: sees results before they are published
    may_manage: bool  # enters votes, assessments, honours: the branch's secretary, or
    # for the secretary's own evaluation the organisers above (members.access.may_decide_for)


def get_evaluation_for_user(user: User, pk: int, *, manage: bool = False) -> EvaluationAccess:
    """An evaluation its member or an overseer of its branch may read (else 404); with
    manage=True, 403 unless the user is the branch's secretary."""
    evaluation = (
        Evaluation.objects.select_related("member__user", "branch", "rule").filter(pk=pk).first()
    )
    if evaluation is None:
        raise Http404
    own = user.is_authenticated and evaluation.member.user_id == user.pk
    oversees = access.can_oversee(user, evaluation.branch)
    if not own and not oversees:
        raise Http404
    may_manage = access.may_decide_for(user, evaluation.member.user_id, evaluation.branch)
    if manage and not may_manage:
        raise PermissionDenied
    return EvaluationAccess(evaluation, own, oversees, may_manage)
