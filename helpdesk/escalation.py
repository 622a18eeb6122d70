"""Every request has an owner (有求必应): who hears of a request nobody holds, or one past
its time limit, and when.

- A request that finds no team (no grid, or no team for the grid) is told at once to the
  branch secretary and the town's organisers (`alert_no_team`, from `create_request`).
  Where the town has no organiser (and for this first alert, the branch no secretary
  either), the district organisers are told in the town's place.
- A request past a time limit of its district (`ResponseRule`: dispatched, someone on
  site, resolved) is told to the team leader at the limit, to the branch secretary
  `secretary_after` later and to the town `town_after` after the limit; a request no
  team holds skips the leader (the secretary owns it). `escalate` sends whatever is due;
  `manage.py escalate_requests` runs it every few minutes.

Each alert is kept as a `RequestAlert` (once per request, step, level and team) before
it is sent, in the same transaction, so a rerun, or two sweeps at once, send nothing
twice. Notices go to the inbox and the person's channels (e-mail, text) through
`inbox.services.notify_many`.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk.models import (
    HelpRequest,
    RequestAlert,
    ResponseLimits,
    late_condition,
    limits_for,
    stored_limits,
)
from inbox.services import notify_many
from members.models import RoleAssignment, Unit

Stage = RequestAlert.Stage
Level = RequestAlert.Level
Role = RoleAssignment.Role
TOLD_MAX = 500


# --- who is told ---------------------------------------------------------------------------


def secretaries_of(branch: Unit):
    """Working log-ins holding the branch secretary's role on the branch."""
    return (
        get_user_model()
        .objects.filter(
            role_assignments__unit_id=branch.pk,
            role_assignments__role=Role.BRANCH_SECRETARY,
            is_active=True,
        )
        .distinct()
    )


def town_organisers_of(branch: Unit):
    """Working log-ins holding a town organiser's role on the branch's town (the
    town's operators, 接线员)."""
    return (
        get_user_model()
        .objects.filter(
            role_assignments__unit__path__in=branch.ancestor_paths(),
            role_assignments__unit__kind=Unit.Kind.TOWN,
            role_assignments__role=Role.TOWN_ORGANISER,
            is_active=True,
        )
        .distinct()
    )


def district_organisers_of(branch: Unit):
    """Working log-ins holding the district organiser's role above the branch."""
    return (
        get_user_model()
        .objects.filter(
            role_assignments__unit__path__in=branch.ancestor_paths(),
            role_assignments__role=Role.DISTRICT_ORGANISER,
            is_active=True,
        )
        .distinct()
    )


def _recipients(request: HelpRequest, level: str) -> list:
    from helpdesk.services import leaders_of  # services calls this module

    if level == Level.LEADER:
        users = leaders_of(request.team)
    elif level == Level.SECRETARY:
        users = secretaries_of(request.branch)
    elif level == Level.TOWN:
        users = town_organisers_of(request.branch)
    else:
        ids = set(secretaries_of(request.branch).values_list("pk", flat=True))
        ids |= set(town_organisers_of(request.branch).values_list("pk", flat=True))
        users = get_user_model().objects.filter(pk__in=ids)
    found = list(users.order_by("pk"))
    if not found and level in (Level.TOWN, Level.OPERATORS):
        # A town (or branch) nobody organises yet: the district hears in its place.
        found = list(district_organisers_of(request.branch).order_by("pk"))
    return found


def _names(users) -> str:
    names = "、".join(u.get_full_name() or u.get_username() for u in users)
    return Truncator(names).chars(TOLD_MAX)


# --- the words -----------------------------------------------------------------------------


def duration_words(span: dt.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def _place(request: HelpRequest) -> str:
    if request.grid_id:
        return f"{request.branch.name}{request.grid.name}"
    return request.branch.name


def _late_subject(request: HelpRequest, stage: str, limits: ResponseLimits) -> str:
    values = {"code": request.code, "place": _place(request)}
    if stage == Stage.DISPATCH:
        values["limit"] = duration_words(limits.dispatch)
        return _("Late: request %(code)s (%(place)s) has no team after %(limit)s") % values
    if stage == Stage.ARRIVAL:
        values["limit"] = duration_words(limits.arrive)
        return (
            _("Late: nobody on site for request %(code)s (%(place)s) %(limit)s after dispatch")
            % values
        )
    values["limit"] = duration_words(limits.resolve)
    return _("Late: request %(code)s (%(place)s) not resolved after %(limit)s") % values


def _late_advice(request: HelpRequest, level: str) -> str:
    if level == Level.LEADER:
        return _("Your team holds it: act on it now and mark it on the request's page.")
    if level == Level.SECRETARY and request.team_id is None:
        return _("No team holds it: dispatch it to a team now.")
    if level == Level.SECRETARY:
        return _("The team leader was told at the limit: see that the team takes care of it.")
    return _("The branch was told before you: see that someone takes care of it.")


# --- sending ------------------------------------------------------------------------------


def _send(
    request: HelpRequest,
    *,
    stage: str,
    level: str,
    now: dt.datetime,
    subject: str,
    body: str,
) -> RequestAlert | None:
    """Keep the alert, then tell its people, in one transaction; None when it was kept
    already (by an earlier or a simultaneous run)."""
    users = _recipients(request, level)
    key = f"{stage}:{level}:{request.team_id or 0}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                alert = RequestAlert.objects.create(
                    request=request,
                    stage=stage,
                    level=level,
                    team_id=request.team_id,
                    key=key,
                    at=now,
                    told=_names(users),
                )
        except IntegrityError:
            return None
        if users:
            notify_many(
                recipients=users,
                subject=subject,
                body=body,
                link=reverse("helpdesk:request-detail", args=[request.pk]),
            )
    return alert


def alert_no_team(request: HelpRequest, *, now: dt.datetime | None = None) -> RequestAlert | None:
    """A request that found no team goes at once to the branch secretary and the town's
    organisers."""
    subject = _("No team for request %(code)s: %(category)s, %(place)s") % {
        "code": request.code,
        "category": request.get_category_display(),
        "place": _place(request),
    }
    body = (
        Truncator(request.description).chars(140)
        + "\n"
        + _("No service team serves the resident's grid: dispatch it to a team by hand.")
    )
    return _send(
        request,
        stage=Stage.NO_TEAM,
        level=Level.OPERATORS,
        now=now or timezone.now(),
        subject=subject,
        body=body,
    )


def ladder(
    request: HelpRequest, due: dt.datetime, limits: ResponseLimits
) -> list[tuple[str, dt.datetime]]:
    """Who hears of a step past its limit `due`, and from when: the team leader at the
    limit, the secretary later, the town last; with no team, the secretary at the limit."""
    if request.team_id is None:
        return [(Level.SECRETARY, due), (Level.TOWN, due + limits.town_after)]
    return [
        (Level.LEADER, due),
        (Level.SECRETARY, due + limits.secretary_after),
        (Level.TOWN, due + limits.town_after),
    ]


def escalate(now: dt.datetime | None = None) -> int:
    """Send every alert that is due and was not sent yet; returns how many were sent.
    Safe to run as often as one likes."""
    now = now or timezone.now()
    limits = stored_limits()
    late = list(
        HelpRequest.objects.open()
        .filter(late_condition(now, limits))
        .select_related("branch", "grid", "team")
        .order_by("received_at", "id")
    )
    kept = set(
        RequestAlert.objects.filter(request__in=[r.pk for r in late]).values_list(
            "request_id", "key"
        )
    )
    sent = 0
    for request in late:
        found = limits_for(request.branch.path, limits)
        for stage, due in request.deadlines(found).items():
            for level, start in ladder(request, due, found):
                key = f"{stage}:{level}:{request.team_id or 0}"
                if now <= start or (request.pk, key) in kept:
                    continue
                alert = _send(
                    request,
                    stage=stage,
                    level=level,
                    now=now,
                    subject=_late_subject(request, stage, found),
                    body=_late_advice(request, level),
                )
                sent += alert is not None
    return sent


def alerts_of(request: HelpRequest):
    return RequestAlert.objects.filter(request=request).select_related("team").order_by("at", "id")
