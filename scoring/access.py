"""Scope decisions for activities, district rules and evaluations, built on
members.access.

The same rules hold: outside a user's units is 404; readers who may not write get 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from members import access
from members.access import User
from members.models import Unit
from scoring.models import Activity, Evaluation, JointTraining


@dataclass(frozen=True)
class ActivityAccess:
    """An activity the user may read, and whether they may correct its entries."""

    activity: Activity
    may_manage: bool  # the branch's secretary


def get_activity_for_user(user: User, pk: int) -> ActivityAccess:
    """An activity is read by those who oversee its branch (else 404)."""
    activity = (
        Activity.objects.select_related("branch", "recorded_by", "joint_training__unit")
        .filter(pk=pk)
        .first()
    )
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


def get_training_unit(user: User, pk: int, *, manage: bool = False) -> Unit:
    """A town or district whose joint trainings the user may read (an overseer, else
    404); with manage=True, 403 unless they organise it."""
    unit = access.get_unit_for_user(user, pk)
    if unit.kind not in (Unit.Kind.TOWN, Unit.Kind.DISTRICT):
        raise Http404
    if manage and not access.can_organise(user, unit):
        raise PermissionDenied
    return unit


@dataclass(frozen=True)
class TrainingAccess:
    """A joint training, and the branches whose part of it the user may open."""

    training: JointTraining
    sees_all: bool  # oversees the town or district that held it
    branch_paths: tuple[str, ...]  # the user's overseen units, for the branches' parts


def get_training_for_user(user: User, pk: int) -> TrainingAccess:
    """Read by those who oversee the unit that held it, and by those who oversee a branch
    that took part (their branch's part only); else 404."""
    training = JointTraining.objects.select_related("unit", "recorded_by").filter(pk=pk).first()
    if training is None:
        raise Http404
    sees_all = access.can_oversee(user, training.unit)
    paths = tuple(access.overseen_paths(user))
    if not sees_all:
        branches = training.activities.values_list("branch__path", flat=True)
        if not any(path.startswith(mine) for path in branches for mine in paths):
            raise Http404
    return TrainingAccess(training, sees_all, paths)
