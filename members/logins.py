"""Failed log-ins and lock-outs (django-axes), seen and lifted by the user's overseers.

A user belongs to the scope of whoever oversees the branch of their member file; the
superuser sees every attempt, including user names that match nobody.
"""

import datetime as dt
import logging

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from members import access, audit
from members.models import Member

logger = logging.getLogger("members.logins")

RECENT_DAYS = 30
RECENT_LIMIT = 100


def _members_in_scope(user: AbstractBaseUser) -> QuerySet[Member] | None:
    """Member files with a log-in that `user` oversees; None means every user name."""
    if user.is_superuser:
        return None
    return Member.objects.filter(branch__in=access.units_overseen(user), user__isnull=False)


def _with_member(queryset: QuerySet) -> QuerySet:
    files = Member.objects.filter(user__username=OuterRef("username"))
    return queryset.annotate(
        member_pk=Subquery(files.values("pk")[:1]),
        member_name=Subquery(files.values("name")[:1]),
        branch_name=Subquery(files.values("branch__name")[:1]),
    )


def _in_scope(queryset: QuerySet, user: AbstractBaseUser) -> QuerySet:
    members = _members_in_scope(user)
    if members is None:
        return queryset
    return queryset.filter(username__in=members.values("user__username"))


def recent_failures(user: AbstractBaseUser) -> QuerySet[AccessFailureLog]:
    """The latest failed log-ins of the last RECENT_DAYS days, newest first."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    failures = AccessFailureLog.objects.filter(attempt_time__gte=since)
    return _with_member(_in_scope(failures, user)).order_by("-attempt_time")[:RECENT_LIMIT]


def current_lockouts(user: AbstractBaseUser) -> list[AccessAttempt]:
    """User name and address pairs locked out now, each with `until` set."""
    cool_off = get_cool_off() or dt.timedelta(0)
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    locked = list(_with_member(_in_scope(attempts, user)).order_by("-attempt_time"))
    for attempt in locked:
        attempt.until = attempt.attempt_time + cool_off if cool_off else None
    return locked


def unlock(member: Member, *, by: AbstractBaseUser) -> int:
    """Forget the failed attempts of the member's user name from every address, so they
    may log in again at once. Returns how many attempt records were cleared."""
    username = member.user.get_username()
    with transaction.atomic():
        cleared = reset(username=username)
        audit.record(
            audit.Kind.UNLOCKED,
            actor=by,
            member=member,
            detail=_("Log-in %(username)s unlocked; %(count)s attempt records cleared.")
            % {"username": username, "count": cleared},
        )
    logger.warning(
        "Log-in lock lifted: user %r (member file %s) unlocked by %r; %d attempt records cleared.",
        username,
        member.pk,
        by.get_username(),
        cleared,
    )
    return cleared


def retry_time(request) -> dt.datetime | None:
    """When a locked-out visitor may try again (each failure while locked restarts it)."""
    cool_off = get_cool_off(request)
    return timezone.now() + cool_off if cool_off else None
