"""Writes for the grid volunteer service: enrolling volunteers, shaping teams, the life
of a help request, service logs with their points and hours, and the district's rule
for excellent volunteers.

Every function takes the acting user (`by`; None for the public form and automatic
steps), runs in one transaction, and raises `HelpdeskError` with a message for the
person when a rule forbids the action; nothing is changed then.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from helpdesk import addresses, escalation
from helpdesk.models import (
    FAVOURABLE_RATING,
    TEAM_MAX_SIZE,
    TEAM_MIN_CAPABILITY_TYPES,
    TEAM_MIN_SIZE,
    ConductText,
    ExcellenceRule,
    ExcellentNomination,
    ExcellentSelection,
    HelpRequest,
    RequestEvent,
    ResponseRule,
    ServiceCategory,
    ServiceLog,
    ServiceLogCorrection,
    ServiceTeam,
    TeamEvent,
    TeamMembership,
    VolunteerApplication,
    VolunteerProfile,
    VolunteerYear,
)
from inbox.services import notify_many, tell
from members import activation
from members import services as member_services
from members.models import Member, RoleAssignment, Unit
from scoring import services as scoring
from scoring.models import ActivityKind, PointsEntry
from volunteer.history import save_with_history

State = HelpRequest.State
Event = RequestEvent.Kind


class HelpdeskError(Exception):
    """A rule of the volunteer service forbids this; the message says why."""


class TeamRuleBroken(HelpdeskError):
    """A team that breaks the team rules; `problems` lists every rule it breaks."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


# --- volunteers (党员义工) ---------------------------------------------------------------------


def number_prefix() -> str:
    """The letters before every volunteer number, e.g. "YQ" in YQ-2026-000123."""
    return getattr(settings, "HELPDESK_NUMBER_PREFIX", "YQ")


def volunteer_number(year: int, sequence: int) -> str:
    return f"{number_prefix()}-{year}-{sequence:06d}"


def _next_number(year: int) -> str:
    start = f"{number_prefix()}-{year}-"
    last = (
        VolunteerProfile.objects.filter(number__startswith=start)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return volunteer_number(year, int(last[len(start) :]) + 1 if last else 1)


@transaction.atomic
def enrol_volunteer(
    *, member: Member, specialties: str = "", availability: str = "", by
) -> VolunteerProfile:
    """Add a member to the volunteer pool (党员义工信息库) with the next volunteer number
    of the year (the number printed on their badge)."""
    existing = VolunteerProfile.objects.filter(member=member).first()
    if existing is not None:
        raise HelpdeskError(
            _("%(name)s is already a volunteer, number %(number)s.")
            % {"name": member.name, "number": existing.number}
        )
    today = timezone.localdate()
    for _attempt in range(5):
        profile = VolunteerProfile(
            member=member,
            number=_next_number(today.year),
            specialties=specialties.strip(),
            availability=availability.strip(),
            enrolled_on=today,
        )
        try:
            with transaction.atomic():  # someone else may take the same number at once
                save_with_history(profile, by=by, validate_unique=False)
        except IntegrityError:
            continue
        return profile
    raise HelpdeskError(_("Could not give out a volunteer number; try again."))


@transaction.atomic
def update_volunteer(
    *, profile: VolunteerProfile, specialties: str, availability: str, is_active: bool, by
) -> VolunteerProfile:
    """Change a volunteer's specialties, availability or whether they are active. A
    volunteer serving in a team stays active until they are taken off it."""
    membership = TeamMembership.objects.filter(profile=profile).select_related("team").first()
    if not is_active and membership is not None:
        raise HelpdeskError(
            _("%(name)s serves in %(team)s: take them off the team first.")
            % {"name": profile.member.name, "team": membership.team.name}
        )
    profile.specialties = specialties.strip()
    profile.availability = availability.strip()
    profile.is_active = is_active
    return save_with_history(
        profile, by=by, update_fields=["specialties", "availability", "is_active"]
    )


# --- teams (网格服务队) ------------------------------------------------------------------------


def team_problems(
    *, grid: Unit, name: str, leader: VolunteerProfile | None, volunteers: list[VolunteerProfile]
) -> list[str]:
    """Every team rule the proposed team breaks, each as a sentence; [] when it may be
    saved. `volunteers` need member__capability_types prefetched and membership loaded."""
    problems = []
    if not name.strip():
        problems.append(_("Give the team a name."))
    count = len(volunteers)
    if count < TEAM_MIN_SIZE:
        problems.append(
            _("A team needs at least %(min)s volunteers; this one has %(count)s.")
            % {"min": TEAM_MIN_SIZE, "count": count}
        )
    if count > TEAM_MAX_SIZE:
        problems.append(
            _("A team has at most %(max)s volunteers; this one has %(count)s.")
            % {"max": TEAM_MAX_SIZE, "count": count}
        )
    types = {t.name for v in volunteers for t in v.member.capability_types.all()}
    if len(types) < TEAM_MIN_CAPABILITY_TYPES:
        problems.append(
            _(
                "A team needs volunteers of at least %(min)s capability types; these have "
                "%(count)s (%(types)s)."
            )
            % {
                "min": TEAM_MIN_CAPABILITY_TYPES,
                "count": len(types),
                "types": "、".join(sorted(types)) or "—",
            }
        )
    if leader is None or leader.pk not in {v.pk for v in volunteers}:
        problems.append(_("The leader must be one of the team's volunteers."))
    inactive = [v.member.name for v in volunteers if not v.is_active]
    if inactive:
        problems.append(_("Not active volunteers: %(names)s.") % {"names": "、".join(inactive)})
    outsiders = [v.member.name for v in volunteers if v.member.branch_id != grid.parent_id]
    if outsiders:
        problems.append(
            _("Not members of %(branch)s: %(names)s.")
            % {"branch": grid.parent.name, "names": "、".join(outsiders)}
        )
    elsewhere = []
    for v in volunteers:
        membership = getattr(v, "membership", None)
        if membership is not None and membership.team.grid_id != grid.pk:
            elsewhere.append(f"{v.member.name}（{membership.team.name}）")
    if elsewhere:
        problems.append(
            _("Already serving in another team: %(names)s.") % {"names": "、".join(elsewhere)}
        )
    return problems


@transaction.atomic
def set_team(
    *,
    grid: Unit,
    name: str,
    leader: VolunteerProfile | None,
    volunteers: Iterable[VolunteerProfile],
    by,
) -> ServiceTeam:
    """Create the service team of a grid, or change its name, leader and volunteers.
    A team breaking a rule (3–10 volunteers, at least two capability types, the leader
    among them, active volunteers of the grid's branch, one team per volunteer) is not
    saved: `TeamRuleBroken` lists why."""
    if grid.kind != Unit.Kind.GRID:
        raise HelpdeskError(_("Service teams belong to grids."))
    Unit.objects.select_for_update().filter(pk=grid.pk).first()  # one editor at a time
    ids = list(dict.fromkeys(v.pk for v in volunteers))
    chosen = list(
        VolunteerProfile.objects.filter(pk__in=ids)
        .select_related("member", "membership__team")
        .prefetch_related("member__capability_types")
        .order_by("number")
    )
    problems = team_problems(grid=grid, name=name, leader=leader, volunteers=chosen)
    if problems:
        raise TeamRuleBroken(problems)
    team = ServiceTeam.objects.filter(grid=grid).select_related("leader__member__user").first()
    old_leader = team.leader if team is not None else None
    if team is None:
        team = save_with_history(ServiceTeam(grid=grid, name=name.strip(), leader=leader), by=by)
    else:
        team.name = name.strip()
        team.leader = leader
        save_with_history(team, by=by, update_fields=["name", "leader", "updated_at"])
    if old_leader is None or old_leader.pk != leader.pk:
        _hand_over_leadership(grid, old=old_leader, new=leader, by=by)
    leaving = list(
        TeamMembership.objects.filter(team=team)
        .exclude(profile_id__in=ids)
        .values_list("profile_id", flat=True)
    )
    TeamMembership.objects.filter(team=team, profile_id__in=leaving).delete()
    present = set(TeamMembership.objects.filter(team=team).values_list("profile_id", flat=True))
    today = timezone.localdate()
    joining = [v for v in chosen if v.pk not in present]
    TeamMembership.objects.bulk_create(
        [TeamMembership(team=team, profile=v, joined_on=today) for v in joining]
    )
    _record_team_changes(
        team,
        joined=[v.pk for v in joining],
        left=leaving,
        old_leader=old_leader,
        new_leader=leader,
        by=by,
    )
    return team


def _record_team_changes(
    team: ServiceTeam, *, joined: list[int], left: list[int], old_leader, new_leader, by
) -> None:
    """The team's history (append-only): who left, who joined, who stopped and who began
    leading it, today, by `by`."""
    now = timezone.now()
    today = timezone.localdate(now)
    by = by if by is not None and by.is_authenticated else None
    changed = old_leader is None or old_leader.pk != new_leader.pk
    rows = []
    if changed and old_leader is not None:
        rows.append((old_leader.pk, TeamEvent.Kind.LEADER_ENDED))
    rows += [(pk, TeamEvent.Kind.LEFT) for pk in left]
    rows += [(pk, TeamEvent.Kind.JOINED) for pk in joined]
    if changed:
        rows.append((new_leader.pk, TeamEvent.Kind.LEADER))
    TeamEvent.objects.bulk_create(
        [
            TeamEvent(team=team, profile_id=pk, kind=kind, on=today, at=now, by=by)
            for pk, kind in rows
        ]
    )


def _hand_over_leadership(grid: Unit, *, old: VolunteerProfile | None, new, by) -> None:
    """The team leader's role on the grid follows the team editor: the new leader gets
    it (and a log-in without a password, for which the secretary prints a slip), the old
    one loses it."""
    if old is not None and old.member.user_id:
        for assignment in RoleAssignment.objects.filter(
            user_id=old.member.user_id, unit=grid, role=RoleAssignment.Role.TEAM_LEADER
        ):
            member_services.revoke_role(assignment=assignment, by=by)
    user = activation.ensure_login(new.member, by=by)
    member_services.assign_role(user=user, unit=grid, role=RoleAssignment.Role.TEAM_LEADER, by=by)


# --- help requests (求助) ----------------------------------------------------------------------


def _event(request: HelpRequest, kind: str, *, at, by=None, team=None, from_team=None, reason=""):
    RequestEvent.objects.create(
        request=request, kind=kind, at=at, by=by, team=team, from_team=from_team, reason=reason
    )


def leaders_of(team: ServiceTeam):
    """Log-ins that hear of the team's requests: the team-leader role on its grid and the
    volunteer named its leader."""
    return (
        get_user_model()
        .objects.filter(
            Q(
                role_assignments__unit_id=team.grid_id,
                role_assignments__role=RoleAssignment.Role.TEAM_LEADER,
            )
            | Q(member_file__volunteer_profile__pk=team.leader_id),
            is_active=True,
        )
        .distinct()
    )


def _dispatch(
    request: HelpRequest, team: ServiceTeam, *, kind: str, by, reason: str = ""
) -> HelpRequest:
    now = timezone.now()
    from_team = request.team if kind == Event.REDISPATCHED else None
    request.team = team
    request.state = State.DISPATCHED
    request.dispatched_at = now
    request.save(update_fields=["team", "state", "dispatched_at"])
    _event(request, kind, at=now, by=by, team=team, from_team=from_team, reason=reason)
    if from_team is not None:
        _tell_old_team(request, from_team, team, reason=reason)
    notify_many(
        recipients=leaders_of(team),
        subject=_("New help request %(code)s: %(category)s, %(place)s")
        % {
            "code": request.code,
            "category": request.get_category_display(),
            "place": request.grid.name if request.grid_id else request.branch.name,
        },
        body=Truncator(request.description).chars(140)
        + "\n"
        + _("Go there within two hours and mark the request on site."),
        link=reverse("helpdesk:request-detail", args=[request.pk]),
    )
    return request


def _tell_old_team(request: HelpRequest, old: ServiceTeam, new: ServiceTeam, *, reason: str):
    """On re-dispatch the leaders of the team that had the request hear that it left
    them (unless they lead the new team too)."""
    body = _("It now goes to %(team)s.") % {"team": new.name}
    if reason:
        body += " " + _("Reason: %(reason)s") % {"reason": reason}
    notify_many(
        recipients=leaders_of(old).exclude(pk__in=leaders_of(new).values("pk")),
        subject=_("Request %(code)s no longer goes to %(team)s")
        % {"code": request.code, "team": old.name},
        body=body + "\n" + _("Your team need not attend it."),
        link=reverse("helpdesk:team-detail", args=[old.pk]),
    )


@transaction.atomic
def create_request(
    *,
    channel: str,
    branch: Unit,
    resident_name: str,
    phone: str,
    address: str,
    category: str,
    description: str,
    grid: Unit | None = None,
    by=None,
) -> HelpRequest:
    """Record a help request and dispatch it at once to the team of the resident's grid,
    whose leader hears of it in their inbox. Without a grid, the grid is looked for in
    the address among the branch's grids; a request whose grid is unknown or has no team
    stays received until an operator dispatches it, and the branch secretary and the
    town's organisers hear of it at once (`helpdesk.escalation`)."""
    if branch.kind != Unit.Kind.BRANCH:
        raise HelpdeskError(_("Choose a village or community."))
    if grid is not None and grid.parent_id != branch.pk:
        raise HelpdeskError(_("This grid is not in %(branch)s.") % {"branch": branch.name})
    if grid is None:
        grid = addresses.find_grid(
            address,
            Unit.objects.filter(parent=branch, kind=Unit.Kind.GRID).select_related("parent"),
        )
    now = timezone.now()
    request = HelpRequest(
        channel=channel,
        branch=branch,
        grid=grid,
        resident_name=" ".join(resident_name.split()),
        phone=phone.strip(),
        address=address.strip(),
        category=category,
        description=description.strip(),
        received_at=now,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    request.full_clean()
    request.save()
    _event(request, Event.RECEIVED, at=now, by=request.created_by)
    team = ServiceTeam.objects.filter(grid=grid).first() if grid is not None else None
    if team is not None:
        _dispatch(request, team, kind=Event.DISPATCHED, by=None)
    else:
        escalation.alert_no_team(request, now=now)
    return request


def _locked(request: HelpRequest) -> HelpRequest:
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    # Keep the related objects the caller loaded; the row's own fields come fresh.
    for field in ("branch", "grid", "team"):
        if field in request._state.fields_cache and getattr(locked, f"{field}_id") == getattr(
            request, f"{field}_id"
        ):
            setattr(locked, field, getattr(request, field))
    return locked


@transaction.atomic
def redispatch(*, request: HelpRequest, team: ServiceTeam, reason: str, by) -> HelpRequest:
    """Send a request to a team by hand (an operator): a request that found no team, or
    one that should go to another team, with the reason. Not once a team is on site."""
    request = _locked(request)
    if request.state not in (State.RECEIVED, State.DISPATCHED):
        raise HelpdeskError(_("Only a request that no team has attended yet can be dispatched."))
    if team.pk == request.team_id:
        raise HelpdeskError(_("The request is already with this team."))
    reason = reason.strip()
    if request.team_id is not None and not reason:
        raise HelpdeskError(_("Say why the request goes to another team."))
    kind = Event.REDISPATCHED if request.team_id is not None else Event.DISPATCHED
    return _dispatch(request, team, kind=kind, by=by, reason=reason)


@transaction.atomic
def mark_on_site(*, request: HelpRequest, by) -> HelpRequest:
    """The team has arrived (有应必到)."""
    request = _locked(request)
    if request.state != State.DISPATCHED:
        raise HelpdeskError(_("Only a dispatched request can be marked on site."))
    request.state = State.ON_SITE
    request.on_site_at = timezone.now()
    request.save(update_fields=["state", "on_site_at"])
    _event(request, Event.ON_SITE, at=request.on_site_at, by=by, team=request.team)
    return request


@transaction.atomic
def resolve(*, request: HelpRequest, resolution: str = "", by) -> HelpRequest:
    """The problem is solved (有到必解); the resident may now rate the service."""
    request = _locked(request)
    if request.state != State.ON_SITE:
        raise HelpdeskError(_("Mark the request on site before resolving it."))
    request.state = State.RESOLVED
    request.resolved_at = timezone.now()
    request.resolution = resolution.strip()
    request.full_clean()
    request.save(update_fields=["state", "resolved_at", "resolution"])
    _event(
        request, Event.RESOLVED, at=request.resolved_at, by=by, team=request.team,
        reason=request.resolution,
    )  # fmt: skip
    return request


@transaction.atomic
def close(*, request: HelpRequest, reason: str, by) -> HelpRequest:
    """Close an open request without resolving it (a duplicate, withdrawn, not a matter
    for volunteers…), with the reason."""
    request = _locked(request)
    if request.state not in HelpRequest.OPEN_STATES:
        raise HelpdeskError(_("This request is already finished."))
    reason = reason.strip()
    if not reason:
        raise HelpdeskError(_("Say why the request is closed."))
    request.state = State.CLOSED
    request.closed_at = timezone.now()
    request.close_reason = reason
    request.full_clean()
    request.save(update_fields=["state", "closed_at", "close_reason"])
    _event(request, Event.CLOSED, at=request.closed_at, by=by, team=request.team, reason=reason)
    return request


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@transaction.atomic
def rate(*, code: str, rating: int, comment: str = "") -> HelpRequest:
    """The resident rates a resolved request once, with its code (no log-in). A rating
    of 4 or 5 is a favourable vote for every volunteer logged on the request."""
    request = HelpRequest.objects.select_for_update().filter(code=normalise_code(code)).first()
    if request is None:
        raise HelpdeskError(_("No request has this code."))
    if request.state != State.RESOLVED:
        raise HelpdeskError(_("A request can be rated once it is resolved."))
    if request.rating is not None:
        raise HelpdeskError(_("This request has already been rated. Thank you!"))
    if not 1 <= rating <= 5:
        raise HelpdeskError(_("Choose from 1 to 5 stars."))
    request.rating = rating
    request.rating_comment = comment.strip()
    request.rated_at = timezone.now()
    request.full_clean()
    request.save(update_fields=["rating", "rating_comment", "rated_at"])
    _event(request, Event.RATED, at=request.rated_at, reason=f"{rating}/5")
    by_year: dict[int, set[int]] = {}
    present = ServiceLog.volunteers.through.objects.filter(servicelog__request=request)
    for profile_id, served_at in present.values_list(
        "volunteerprofile_id", "servicelog__served_at"
    ):
        by_year.setdefault(timezone.localtime(served_at).year, set()).add(profile_id)
    for year, profile_ids in by_year.items():
        refresh_volunteer_years(profile_ids, year)
    return request


# --- service logs (服务日志) --------------------------------------------------------------------


def points_kind(volunteer_count: int) -> str:
    """A service by several volunteers of the team is a collective activity; one
    volunteer's is an individual service (the scoring ledger's two kinds)."""
    return ActivityKind.COLLECTIVE if volunteer_count > 1 else ActivityKind.INDIVIDUAL


def activity_title(category: str, hours: Decimal) -> str:
    """How a service log reads in the scoring ledger: its category and hours."""
    return _("Grid service: %(category)s, %(hours)s h") % {
        "category": ServiceCategory(category).label,
        "hours": f"{hours.normalize():f}",
    }


@transaction.atomic
def log_service(
    *,
    team: ServiceTeam,
    served_at: dt.datetime,
    people_served: str,
    category: str,
    content: str,
    volunteers: Iterable[VolunteerProfile],
    hours: Decimal,
    people_count: int = 1,
    request: HelpRequest | None = None,
    by,
) -> ServiceLog:
    """Record a service log (服务日志) of a team. Each volunteer present gets the hours
    (kept on the log) and the points of the district's rule for the kind of activity
    (through scoring.services.record_activity, which keeps the hours for the points card)."""
    volunteers = list({v.pk: v for v in volunteers}.values())
    if served_at > timezone.now():
        raise HelpdeskError(_("A service is logged after it happened."))
    if not volunteers:
        raise HelpdeskError(_("Tick the volunteers who were there."))
    in_team = set(
        TeamMembership.objects.filter(team=team, profile__in=volunteers).values_list(
            "profile_id", flat=True
        )
    )
    outsiders = [v.member.name for v in volunteers if v.pk not in in_team]
    if outsiders:
        raise HelpdeskError(
            _("Not volunteers of this team: %(names)s.") % {"names": "、".join(outsiders)}
        )
    if request is not None and request.team_id != team.pk:
        raise HelpdeskError(_("This request is not with this team."))
    log = ServiceLog(
        team=team,
        served_at=served_at,
        people_served=people_served.strip(),
        people_count=people_count,
        category=category,
        content=content.strip(),
        hours=hours,
        request=request,
        recorded_by=by,
    )
    save_with_history(log, by=by)
    log.volunteers.set(volunteers)
    grid = team.grid
    try:
        activity = scoring.record_activity(
            branch=grid.parent,
            kind=points_kind(len(volunteers)),
            title=activity_title(category, hours),
            held_on=timezone.localtime(served_at).date(),
            members=[v.member for v in volunteers],
            by=by,
            place=f"{grid.parent.name}{grid.name}",
            people_served=log.people_served,
            description=log.content,
            hours=hours,
        )
    except scoring.ScoringError as error:
        raise HelpdeskError(str(error)) from error
    log.activity = activity
    log.save(update_fields=["activity"])
    refresh_volunteer_years({v.pk for v in volunteers}, timezone.localtime(served_at).year)
    return log


CORRECTION_REASON_MAX = 200  # the ledger's reason column


def _names(volunteers) -> str:
    return "、".join(v.member.name for v in volunteers)


@transaction.atomic
def correct_service_log(
    *,
    log: ServiceLog,
    hours: Decimal,
    people_served: str,
    people_count: int,
    content: str,
    volunteers: Iterable[VolunteerProfile],
    reason: str,
    by,
) -> ServiceLogCorrection:
    """Correct a service log (服务日志更正) with the reason: its hours, the people served,
    the content and who was there. The log keeps the corrected figures (its history and
    a `ServiceLogCorrection` keep what it said before); when the hours or the volunteers
    change, the points follow through the ledger, never by an edit: every entry of the
    activity the log recorded is corrected to nothing with the reason, and the service
    is recorded anew as it really was (a correction counts in the first open month).
    The volunteers' hours and services, and so the excellent-volunteer figures, are
    recomputed for everyone on the log before or after."""
    reason = " ".join(reason.split())
    if not reason:
        raise HelpdeskError(_("Say why the log is corrected."))
    if len(reason) > CORRECTION_REASON_MAX - 20:
        raise HelpdeskError(
            _("Say why in at most %(max)s characters.") % {"max": CORRECTION_REASON_MAX - 20}
        )
    log = (
        ServiceLog.objects.select_for_update(of=("self",))
        .select_related("team__grid__parent", "activity")
        .get(pk=log.pk)
    )
    if not Decimal("0") < hours <= Decimal("24"):
        raise HelpdeskError(_("Service hours are more than 0 and at most 24."))
    if people_count < 1:
        raise HelpdeskError(_("At least one person was served."))
    volunteers = list({v.pk: v for v in volunteers}.values())
    if not volunteers:
        raise HelpdeskError(_("Tick the volunteers who were there."))
    before = list(log.volunteers.select_related("member").order_by("number"))
    # Those on the log may have left the team since; anyone else must be in it now.
    allowed = {v.pk for v in before} | set(
        TeamMembership.objects.filter(team=log.team).values_list("profile_id", flat=True)
    )
    outsiders = [v.member.name for v in volunteers if v.pk not in allowed]
    if outsiders:
        raise HelpdeskError(
            _("Not volunteers of this team: %(names)s.") % {"names": "、".join(outsiders)}
        )
    volunteers.sort(key=lambda v: v.number)
    people_served, content = people_served.strip(), content.strip()
    same_people = {v.pk for v in volunteers} == {v.pk for v in before}
    if (
        hours == log.hours
        and same_people
        and people_served == log.people_served
        and people_count == log.people_count
        and content == log.content
    ):
        raise HelpdeskError(_("Nothing to correct: the log already says this."))
    correction = ServiceLogCorrection(
        log=log,
        reason=reason,
        hours_before=log.hours,
        hours_after=hours,
        people_count_before=log.people_count,
        people_count_after=people_count,
        people_served_before=log.people_served,
        people_served_after=people_served,
        content_before=log.content,
        content_after=content,
        volunteers_before=_names(before),
        volunteers_after=_names(volunteers),
        activity_before=log.activity,
        activity_after=log.activity,
        corrected_by=by,
        corrected_at=timezone.now(),
    )
    log.hours, log.people_served, log.people_count, log.content = (
        hours, people_served, people_count, content,
    )  # fmt: skip
    if hours != correction.hours_before or not same_people:
        correction.activity_after = log.activity = _record_anew(log, volunteers, reason, by)
    save_with_history(
        log, by=by, update_fields=["hours", "people_served", "people_count", "content", "activity"]
    )
    if not same_people:
        log.volunteers.set(volunteers)
    correction.full_clean()
    correction.save()
    refresh_volunteer_years(
        {v.pk for v in before} | {v.pk for v in volunteers},
        timezone.localtime(log.served_at).year,
    )
    return correction


def _record_anew(log: ServiceLog, volunteers: list[VolunteerProfile], reason: str, by):
    """Withdraw the points of the log's activity (each entry corrected to nothing, with
    the reason) and record the service again as corrected; the new activity."""
    ledger_reason = _("Service log corrected: %(reason)s") % {"reason": reason}
    ledger_reason = Truncator(ledger_reason).chars(CORRECTION_REASON_MAX)
    grid = log.team.grid
    try:
        if log.activity_id is not None:
            entries = PointsEntry.objects.filter(
                attendance__activity_id=log.activity_id, corrects__isnull=True
            ).annotate(corrected=Sum("corrections__points"))
            for entry in entries:
                if entry.points + (entry.corrected or 0) != 0:
                    scoring.correct_entry(
                        entry=entry, right_points=Decimal("0"), reason=ledger_reason, by=by
                    )
        return scoring.record_activity(
            branch=grid.parent,
            kind=points_kind(len(volunteers)),
            title=activity_title(log.category, log.hours),
            held_on=timezone.localtime(log.served_at).date(),
            members=[v.member for v in volunteers],
            by=by,
            place=f"{grid.parent.name}{grid.name}",
            people_served=log.people_served,
            description=log.content,
            hours=log.hours,
        )
    except scoring.ScoringError as error:
        raise HelpdeskError(str(error)) from error


def refresh_volunteer_years(profile_ids: Iterable[int], year: int) -> None:
    """Recompute the year's figures of these volunteers from the service logs: hours,
    services, satisfaction votes and favourable votes (distinct rated requests)."""
    ids = list(profile_ids)
    if not ids:
        return
    through = ServiceLog.volunteers.through
    rows = through.objects.filter(
        volunteerprofile_id__in=ids, servicelog__served_at__year=year
    ).values("volunteerprofile_id")
    work = {
        row["volunteerprofile_id"]: row
        for row in rows.annotate(hours=Sum("servicelog__hours"), services=Count("servicelog_id"))
    }
    rated = Q(servicelog__request__rating__isnull=False)
    votes = {
        row["volunteerprofile_id"]: row
        for row in rows.filter(rated).annotate(
            votes=Count("servicelog__request_id", distinct=True),
            favourable=Count(
                "servicelog__request_id",
                filter=Q(servicelog__request__rating__gte=FAVOURABLE_RATING),
                distinct=True,
            ),
        )
    }
    VolunteerYear.objects.bulk_create(
        [
            VolunteerYear(
                profile_id=pk,
                year=year,
                hours=work.get(pk, {}).get("hours") or Decimal("0"),
                services=work.get(pk, {}).get("services") or 0,
                votes=votes.get(pk, {}).get("votes") or 0,
                favourable=votes.get(pk, {}).get("favourable") or 0,
            )
            for pk in ids
        ],
        update_conflicts=True,
        unique_fields=["profile", "year"],
        update_fields=["hours", "services", "votes", "favourable"],
    )


# --- excellent volunteers (优秀党员义工) --------------------------------------------------------


def excellence_rule(district: Unit, year: int) -> ExcellenceRule:
    """The district's rule for the year; the defaults (unsaved) when none was set."""
    rule = ExcellenceRule.objects.filter(district=district, year=year).first()
    return rule or ExcellenceRule(district=district, year=year)


@transaction.atomic
def set_excellence_rule(
    *,
    district: Unit,
    year: int,
    min_hours: Decimal,
    min_services: int,
    min_favourable_percent: int,
    favourable_comparison: str | None = None,
    min_votes: int | None = None,
    by,
) -> ExcellenceRule:
    """The district organiser sets the year's rule; its history keeps every change.
    `favourable_comparison` ("at_least" or "more_than" the share) stays as it was when
    not given, and so does `min_votes` (the least number of ratings behind the share)."""
    if district.kind != Unit.Kind.DISTRICT:
        raise HelpdeskError(_("Rules belong to a district."))
    if min_hours < 0 or min_services < 0 or not 0 <= min_favourable_percent <= 100:
        raise HelpdeskError(_("Hours and services cannot be negative; a share is 0 to 100 %."))
    if favourable_comparison is not None and (
        favourable_comparison not in ExcellenceRule.Comparison.values
    ):
        raise HelpdeskError(_("Choose whether the share is a minimum or must be exceeded."))
    rule = ExcellenceRule.objects.filter(district=district, year=year).first() or ExcellenceRule(
        district=district, year=year
    )
    rule.min_hours = min_hours
    rule.min_services = min_services
    rule.min_favourable_percent = min_favourable_percent
    if favourable_comparison is not None:
        rule.favourable_comparison = favourable_comparison
    if min_votes is not None:
        if min_votes < 1:
            raise HelpdeskError(_("The share counts from at least one rating."))
        rule.min_votes = min_votes
    rule.updated_by = by
    return save_with_history(rule, by=by)


# --- time limits for requests (时限规则) ----------------------------------------------------------


MAX_DISPATCH_MINUTES = 24 * 60
MAX_ARRIVE_MINUTES = 7 * 24 * 60
MAX_RESOLVE_HOURS = 30 * 24
MAX_AFTER_MINUTES = 7 * 24 * 60


def response_rule(district: Unit) -> ResponseRule:
    """The district's time limits; the defaults (unsaved) when none were set."""
    return ResponseRule.objects.filter(district=district).first() or ResponseRule(district=district)


@transaction.atomic
def set_response_rule(
    *,
    district: Unit,
    dispatch_minutes: int,
    arrive_minutes: int,
    resolve_hours: int,
    secretary_after_minutes: int,
    town_after_minutes: int,
    by,
) -> ResponseRule:
    """The district organiser sets the time limits of the district's requests and when
    the secretary and the town hear of a late one; the history keeps every change."""
    if district.kind != Unit.Kind.DISTRICT:
        raise HelpdeskError(_("Rules belong to a district."))
    if min(dispatch_minutes, arrive_minutes, resolve_hours) < 1:
        raise HelpdeskError(_("Each time limit is at least 1."))
    if (
        dispatch_minutes > MAX_DISPATCH_MINUTES
        or arrive_minutes > MAX_ARRIVE_MINUTES
        or resolve_hours > MAX_RESOLVE_HOURS
        or town_after_minutes > MAX_AFTER_MINUTES
    ):
        raise HelpdeskError(
            _(
                "A request is dispatched within a day, attended within a week, resolved "
                "within 30 days, and the town hears of a late one within a week."
            )
        )
    if min(secretary_after_minutes, town_after_minutes) < 0:
        raise HelpdeskError(_("The secretary and the town cannot be told before the limit."))
    if secretary_after_minutes > town_after_minutes:
        raise HelpdeskError(_("The branch secretary is told before the town, not after."))
    rule = ResponseRule.objects.select_for_update().filter(district=district).first()
    rule = rule or ResponseRule(district=district)
    rule.dispatch_minutes = dispatch_minutes
    rule.arrive_minutes = arrive_minutes
    rule.resolve_hours = resolve_hours
    rule.secretary_after_minutes = secretary_after_minutes
    rule.town_after_minutes = town_after_minutes
    rule.updated_by = by
    return save_with_history(rule, by=by)


# --- the year's excellent volunteers, selected (优秀党员义工评选) ---------------------------------


def _users_with_role(unit: Unit, role: str):
    return (
        get_user_model()
        .objects.filter(role_assignments__unit=unit, role_assignments__role=role, is_active=True)
        .distinct()
    )


def _open_selection(district: Unit, year: int) -> ExcellentSelection:
    """The district's selection for the year, created when first needed and locked for
    this transaction; a published selection is frozen."""
    ExcellentSelection.objects.get_or_create(district=district, year=year)
    selection = ExcellentSelection.objects.select_for_update().get(district=district, year=year)
    if selection.is_published:
        raise HelpdeskError(
            _("The excellent volunteers of %(year)s are published: the selection is closed.")
            % {"year": year}
        )
    return selection


def _qualifying_figures(profile: VolunteerProfile, year: int) -> VolunteerYear | None:
    """The volunteer's figures for the year when they meet the district's rule, else None."""
    from helpdesk import queries

    branch = profile.member.branch
    district = queries.district_of(branch)
    rule = excellence_rule(district, year)
    return queries.excellent_volunteers(branch, year, rule).filter(profile=profile).first()


def _take_figures(nomination: ExcellentNomination, figures: VolunteerYear) -> None:
    nomination.hours = figures.hours
    nomination.services = figures.services
    nomination.votes = figures.votes
    nomination.favourable = figures.favourable


def _locked_nomination(nomination: ExcellentNomination) -> ExcellentNomination:
    _open_selection(nomination.selection.district, nomination.selection.year)
    return (
        ExcellentNomination.objects.select_related("profile__member__branch", "selection")
        .select_for_update(of=("self",))
        .get(pk=nomination.pk)
    )


@transaction.atomic
def propose_excellent(
    *, town: Unit, profile: VolunteerProfile, year: int, note: str = "", by
) -> ExcellentNomination:
    """A town proposes one of its volunteers who meets the district's rule for the year
    as an excellent volunteer (优秀党员义工), with an optional note for the district."""
    branch = profile.member.branch
    if town.kind != Unit.Kind.TOWN or not branch.path.startswith(town.path):
        raise HelpdeskError(
            _("%(name)s is not a volunteer of %(town)s.")
            % {"name": profile.member.name, "town": town.name}
        )
    figures = _qualifying_figures(profile, year)
    if figures is None:
        raise HelpdeskError(
            _("%(name)s does not meet the rule for excellent volunteers of %(year)s.")
            % {"name": profile.member.name, "year": year}
        )
    district = Unit.objects.get(path=town.ancestor_paths()[0])
    selection = _open_selection(district, year)
    nomination = ExcellentNomination.objects.filter(selection=selection, profile=profile).first()
    if nomination is not None and nomination.state != ExcellentNomination.State.WITHDRAWN:
        raise HelpdeskError(
            _("%(name)s is already on the list: %(state)s.")
            % {"name": profile.member.name, "state": nomination.get_state_display()}
        )
    nomination = nomination or ExcellentNomination(selection=selection, profile=profile)
    nomination.town = town
    nomination.state = ExcellentNomination.State.PROPOSED
    nomination.note = note.strip()
    _take_figures(nomination, figures)
    nomination.proposed_at = timezone.now()
    nomination.proposed_by = by
    nomination.decided_at = None
    nomination.decided_by = None
    return save_with_history(nomination, by=by)


@transaction.atomic
def withdraw_nomination(*, nomination: ExcellentNomination, by) -> ExcellentNomination:
    """The town takes back a proposal the district has not decided on yet."""
    nomination = _locked_nomination(nomination)
    if nomination.state != ExcellentNomination.State.PROPOSED:
        raise HelpdeskError(_("Only a proposal the district has not decided on can be withdrawn."))
    nomination.state = ExcellentNomination.State.WITHDRAWN
    return save_with_history(nomination, by=by, update_fields=["state"])


@transaction.atomic
def confirm_nomination(*, nomination: ExcellentNomination, by) -> ExcellentNomination:
    """The district confirms a town's proposal; the volunteer must still meet the rule
    (a corrected service log may have changed their figures), and the figures of the
    confirmation are kept."""
    nomination = _locked_nomination(nomination)
    if nomination.state not in (
        ExcellentNomination.State.PROPOSED,
        ExcellentNomination.State.DECLINED,
    ):
        raise HelpdeskError(_("Only a town's proposal can be confirmed."))
    figures = _qualifying_figures(nomination.profile, nomination.selection.year)
    if figures is None:
        raise HelpdeskError(
            _("%(name)s no longer meets the rule for %(year)s: not confirmed.")
            % {"name": nomination.profile.member.name, "year": nomination.selection.year}
        )
    _take_figures(nomination, figures)
    nomination.state = ExcellentNomination.State.CONFIRMED
    nomination.decided_at = timezone.now()
    nomination.decided_by = by
    return save_with_history(nomination, by=by)


@transaction.atomic
def decline_nomination(*, nomination: ExcellentNomination, by) -> ExcellentNomination:
    """The district does not confirm a proposal (or takes back its confirmation before
    publishing)."""
    nomination = _locked_nomination(nomination)
    if nomination.state not in (
        ExcellentNomination.State.PROPOSED,
        ExcellentNomination.State.CONFIRMED,
    ):
        raise HelpdeskError(_("Only a town's proposal can be declined."))
    nomination.state = ExcellentNomination.State.DECLINED
    nomination.decided_at = timezone.now()
    nomination.decided_by = by
    return save_with_history(nomination, by=by, update_fields=["state", "decided_at", "decided_by"])


@transaction.atomic
def publish_selection(*, district: Unit, year: int, by) -> ExcellentSelection:
    """The district publishes the year's excellent volunteers: every proposal decided,
    at least one confirmed. From then on the selection is frozen and public, and each
    volunteer hears of their honour."""
    selection = _open_selection(district, year)
    nominations = selection.nominations.select_related("profile__member__user")
    waiting = nominations.filter(state=ExcellentNomination.State.PROPOSED).count()
    if waiting:
        raise HelpdeskError(
            _("%(count)s proposals still wait for the district's decision.") % {"count": waiting}
        )
    confirmed = list(nominations.filter(state=ExcellentNomination.State.CONFIRMED))
    if not confirmed:
        raise HelpdeskError(_("Confirm at least one volunteer before publishing."))
    selection.published_at = timezone.now()
    selection.published_by = by
    save_with_history(selection, by=by, update_fields=["published_at", "published_by"])
    link = reverse("helpdesk:excellent-public", args=[district.pk, year])
    notify_many(
        recipients=[
            n.profile.member.user
            for n in confirmed
            if n.profile.member.user is not None and n.profile.member.user.is_active
        ],
        subject=_("You are an excellent volunteer of %(year)s") % {"year": year},
        body=_("%(district)s has named you one of its excellent party-member volunteers.")
        % {"district": district.name},
        link=link,
    )
    return selection


# --- joining the pool (申请加入党员义工) -------------------------------------------------------


def default_conduct_text() -> str:
    return _(
        "1. Wear your volunteer badge whenever you serve (挂牌服务), so residents know who "
        "you are.\n"
        "2. Keep your phone on and answer calls from residents and your team leader; go "
        "when a request is dispatched to your team.\n"
        "3. Serve residents for free: accept no money, gifts or favours.\n"
        "4. Be polite and patient; keep what you learn about residents to yourself.\n"
        "5. Record every service with your team leader, and say so when you cannot come.\n"
        "6. Follow the service rules of your team and the district."
    )


def conduct_text(district: Unit) -> ConductText:
    """The district's service standards and code of conduct now in force: its newest
    version, or the default text (unsaved, version 0) while the district wrote none."""
    text = ConductText.objects.filter(district=district).order_by("-version").first()
    return text or ConductText(district=district, version=0, body=default_conduct_text())


@transaction.atomic
def set_conduct_text(*, district: Unit, body: str, by) -> ConductText:
    """The district organiser writes a new version of the code of conduct; earlier
    versions stay, as members accepted them."""
    if district.kind != Unit.Kind.DISTRICT:
        raise HelpdeskError(_("The code of conduct belongs to a district."))
    body = body.strip()
    if not body:
        raise HelpdeskError(_("Write the text of the code of conduct."))
    current = conduct_text(district)
    if current.body.strip() == body:
        raise HelpdeskError(_("The text is unchanged: no new version is needed."))
    return save_with_history(
        ConductText(district=district, version=current.version + 1, body=body, created_by=by),
        by=by,
    )


def _waiting_application(member: Member) -> VolunteerApplication | None:
    return VolunteerApplication.objects.filter(
        member=member, state=VolunteerApplication.State.WAITING
    ).first()


@transaction.atomic
def apply_to_volunteer(
    *,
    member: Member,
    capability_types: Iterable,
    specialties: str = "",
    availability: str = "",
    conduct_version: int,
    accepted: bool,
    by,
) -> VolunteerApplication:
    """A member applies to join the volunteer pool, accepting the code of conduct of
    the version they read (`conduct_version`). The branch's secretaries hear of it."""
    if member.has_left:
        raise HelpdeskError(_("Only a member of a branch can apply."))
    if VolunteerProfile.objects.filter(member=member).exists():
        raise HelpdeskError(_("You are already a volunteer."))
    if _waiting_application(member) is not None:
        raise HelpdeskError(_("Your application is already waiting for the branch's decision."))
    if not accepted:
        raise HelpdeskError(_("Accept the service standards and code of conduct to apply."))
    district = Unit.objects.get(path=member.branch.ancestor_paths()[0])
    conduct = conduct_text(district)
    if conduct.version != conduct_version:
        raise HelpdeskError(
            _("The code of conduct has just changed: read the new text and accept it again.")
        )
    if conduct.pk is None:  # the default text: kept as version 1, the text they accepted
        conduct = ConductText.objects.create(district=district, version=1, body=conduct.body)
    application = VolunteerApplication(
        member=member,
        branch=member.branch,
        specialties=specialties.strip(),
        availability=availability.strip(),
        conduct=conduct,
        accepted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            save_with_history(application, by=by, validate_unique=False)
    except IntegrityError:  # a second tap while the first was saving
        raise HelpdeskError(
            _("Your application is already waiting for the branch's decision.")
        ) from None
    application.capability_types.set(capability_types)
    recipients = _users_with_role(member.branch, RoleAssignment.Role.BRANCH_SECRETARY).exclude(
        pk=member.user_id or 0
    )
    if not recipients.exists():
        recipients = _users_with_role(member.branch.parent, RoleAssignment.Role.TOWN_ORGANISER)
    notify_many(
        recipients=recipients,
        subject=_("%(name)s applies to become a party-member volunteer") % {"name": member.name},
        body=_("Approve or decline the application."),
        link=reverse("helpdesk:application", args=[application.pk]),
    )
    return application


def _locked_application(application: VolunteerApplication) -> VolunteerApplication:
    application = (
        VolunteerApplication.objects.select_for_update(of=("self",))
        .select_related("member__user", "member__branch")
        .get(pk=application.pk)
    )
    if application.state != VolunteerApplication.State.WAITING:
        raise HelpdeskError(
            _("This application was already decided: %(state)s.")
            % {"state": application.get_state_display()}
        )
    return application


@transaction.atomic
def approve_application(*, application: VolunteerApplication, by) -> VolunteerApplication:
    """The branch approves: the member is enrolled (a volunteer number for their badge),
    the capability types they named are added to their file, and they are told."""
    application = _locked_application(application)
    member = application.member
    profile = enrol_volunteer(
        member=member,
        specialties=application.specialties,
        availability=application.availability,
        by=by,
    )
    member.capability_types.add(*application.capability_types.all())
    application.state = VolunteerApplication.State.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.profile = profile
    save_with_history(
        application, by=by, update_fields=["state", "decided_at", "decided_by", "profile"]
    )
    tell(
        user=member.user,
        mobile=member.phone,
        subject=_("You are a party-member volunteer, number %(number)s")
        % {"number": profile.number},
        body=_("Your branch approved your application. Wear your badge when you serve."),
        link=reverse("helpdesk:apply"),
    )
    return application


@transaction.atomic
def decline_application(
    *, application: VolunteerApplication, reason: str, by
) -> VolunteerApplication:
    """The branch declines, always with a reason the member reads."""
    reason = reason.strip()
    if not reason:
        raise HelpdeskError(_("Say why the application is declined."))
    application = _locked_application(application)
    application.state = VolunteerApplication.State.DECLINED
    application.reason = reason
    application.decided_at = timezone.now()
    application.decided_by = by
    save_with_history(
        application, by=by, update_fields=["state", "reason", "decided_at", "decided_by"]
    )
    member = application.member
    tell(
        user=member.user,
        mobile=member.phone,
        subject=_("Your application to become a volunteer was declined"),
        body=_("Reason: %(reason)s") % {"reason": reason},
        link=reverse("helpdesk:apply"),
    )
    return application
