"""Scope decisions for the grid volunteer service, built on members.access.

The same rules hold as everywhere: outside a user's scope is 404, and a user who may
read but not act gets 403.

- Overseers (district and town organisers, branch secretaries) read the teams,
  volunteers, requests and logs of the units they oversee.
- Operators (town organisers and branch secretaries, 接线员) enter requests, re-dispatch
  and close them in their units. The district organiser reads, and sets the district's
  rule for excellent volunteers.
- A team leader (服务队长) reads and acts on their team's requests and logs. Who leads a
  team: whoever holds the team-leader role on its grid, and the volunteer named its
  leader (through their member file's log-in).
- A branch secretary shapes the teams of the branch's grids, enrols volunteers and may
  enter a service log from a paper sheet.
- A member reads their own volunteer profile.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Subquery
from django.http import Http404

from helpdesk.models import (
    HelpRequest,
    ServiceLog,
    ServiceTeam,
    VolunteerApplication,
    VolunteerProfile,
)
from members import access
from members.access import User
from members.models import Member, RoleAssignment, Unit
from volunteer.prepared import PreparedQuery

Role = RoleAssignment.Role
OPERATOR_ROLES = {Role.TOWN_ORGANISER, Role.BRANCH_SECRETARY}


def _led_teams_query(user: int, grids: list[int]):
    # The leader's profile as a subquery, not a join: each side of the OR then reads
    # its own index (with the join, SQLite walked every team: 4 ms at city scale).
    own = VolunteerProfile.objects.filter(member__user=user).values("pk")
    return (
        ServiceTeam.objects.filter(Q(grid_id__in=grids) | Q(leader_id__in=Subquery(own)))
        .order_by()
        .values_list("pk")
    )


_LED_TEAMS: dict[int, PreparedQuery] = {}  # by the number of grids the user leads by role


def _led_teams_statement(grids: int) -> PreparedQuery:
    """The statement compiled once (volunteer.prepared) for a user who holds
    the team-leader role on `grids` grids."""
    if grids not in _LED_TEAMS:
        stand_ins = {f"grid{i}": 2_000_740_001 + i for i in range(grids)}
        _LED_TEAMS[grids] = PreparedQuery(
            lambda user, **grid: _led_teams_query(user, [grid[f"grid{i}"] for i in range(grids)]),
            user=2_000_730_001,
            **stand_ins,
        )
    return _LED_TEAMS[grids]


def led_team_ids(user: User) -> frozenset[int]:
    """The teams a user leads, read once per request object and cached on it."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_led_team_ids", None)
    if cached is None:
        grids = [held.unit_id for held in access.roles_of(user) if held.role == Role.TEAM_LEADER]
        values = {f"grid{i}": grid for i, grid in enumerate(grids)}
        rows = _led_teams_statement(len(grids)).rows(user=user.pk, **values)
        cached = frozenset(pk for (pk,) in rows)
        user._led_team_ids = cached
    return cached


def leads(user: User, team: ServiceTeam | None) -> bool:
    if team is None:
        return False
    # The team-leader role on the team's grid settles it without reading the teams.
    by_role = any(
        held.role == Role.TEAM_LEADER and held.unit_id == team.grid_id
        for held in access.roles_of(user)
    )
    return by_role or team.pk in led_team_ids(user)


def can_operate(user: User, unit: Unit) -> bool:
    """Town organisers and branch secretaries take requests for their own units."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        unit.path.startswith(held.path)
        for held in access.roles_of(user)
        if held.role in OPERATOR_ROLES
    )


def is_operator(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or access.has_role(user, *OPERATOR_ROLES))


def uses_helpdesk(user: User) -> bool:
    """Whoever has a dispatch board: overseers and team leaders."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(access.overseen_paths(user)) or bool(led_team_ids(user))


def require_helpdesk_user(user: User) -> None:
    if not uses_helpdesk(user):
        raise Http404


def operator_units(user: User):
    """The units whose requests the user may enter (a queryset)."""
    if user.is_authenticated and user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.under_any(access.overseen_paths(user, OPERATOR_ROLES))


def requests_for_user(user: User):
    """Every request the user may read: those of the branches they oversee and those
    dispatched to the teams they lead."""
    requests = HelpRequest.objects.all()
    if user.is_authenticated and user.is_superuser:
        return requests
    condition = Q()
    for path in access.overseen_paths(user):
        condition |= Q(branch__path__startswith=path)
    teams = led_team_ids(user)
    if teams:
        condition |= Q(team_id__in=teams)
    if not condition:
        return requests.none()
    return requests.filter(condition)


@dataclass(frozen=True)
class RequestAccess:
    """A help request the user may read, and in what capacity."""

    request: HelpRequest
    is_operator: bool  # operates over its branch or its team's grid: dispatches, closes
    is_leader: bool  # leads the team it went to: attends it
    may_log: bool  # writes its service log: the team's leader or the branch's secretary


def get_request_access(
    user: User, pk: int, *, operate: bool = False, attend: bool = False
) -> RequestAccess:
    """A request the user may read (404 otherwise). operate: re-dispatch or close, for
    the operators over its branch or its team's grid. attend: mark on site and resolved,
    for its team's leader and those operators. Otherwise 403."""
    request = (
        HelpRequest.objects.select_related(
            "branch__parent", "grid", "team__grid__parent", "team__leader__member", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    team = request.team
    is_leader = leads(user, team)
    readable = (
        access.can_oversee(user, request.branch)
        or is_leader
        or (team is not None and access.can_oversee(user, team.grid))
    )
    if not readable:
        raise Http404
    is_operator_here = can_operate(user, request.branch) or (
        team is not None and can_operate(user, team.grid)
    )
    if operate and not is_operator_here:
        raise PermissionDenied
    if attend and not (is_operator_here or is_leader):
        raise PermissionDenied
    may_log = team is not None and (is_leader or access.can_manage_branch(user, team.grid.parent))
    return RequestAccess(request, is_operator_here, is_leader, may_log)


def get_request_for_user(
    user: User, pk: int, *, operate: bool = False, attend: bool = False
) -> HelpRequest:
    """`get_request_access` where the page needs only the request."""
    return get_request_access(user, pk, operate=operate, attend=attend).request


@dataclass(frozen=True)
class TeamAccess:
    """A team the user may read, and what its page may offer them."""

    team: ServiceTeam
    is_leader: bool
    may_manage: bool  # the secretary of the grid's branch: shapes the team


# The team with the units above its grid (the page's crumbs), the statement compiled once.
_TEAM_WITH_UNITS = PreparedQuery(
    lambda team: (
        ServiceTeam.objects.select_related("grid__parent__parent__parent")
        .filter(pk=team)
        .order_by("pk")[:1]
    ),
    team=2_000_730_001,
)


def get_team_access(user: User, pk: int, *, log: bool = False) -> TeamAccess:
    """A team is read by those who oversee its grid and by its leader (else 404); logs
    are written by its leader and by the branch secretary, from a paper sheet (else
    403)."""
    found = _TEAM_WITH_UNITS.instances(team=pk)
    if not found:
        raise Http404
    team = found[0]
    is_leader = leads(user, team)
    if not (is_leader or access.can_oversee(user, team.grid)):
        raise Http404
    may_manage = access.can_manage_branch(user, team.grid.parent)
    if log and not (is_leader or may_manage):
        raise PermissionDenied
    return TeamAccess(team, is_leader, may_manage)


def get_team_for_user(user: User, pk: int, *, log: bool = False) -> ServiceTeam:
    """`get_team_access` where the page needs only the team."""
    return get_team_access(user, pk, log=log).team


def get_grid_for_user(user: User, pk: int, *, manage: bool = False) -> Unit:
    """A grid the user oversees; manage=True: only its branch's secretary shapes its team."""
    grid = access.get_unit_for_user(user, pk)
    if grid.kind != Unit.Kind.GRID:
        raise Http404
    if manage and not access.can_manage_branch(user, grid.parent):
        raise PermissionDenied
    return grid


@dataclass(frozen=True)
class UnitAccess:
    """A unit of the grid service the user may open, and in what capacity."""

    unit: Unit
    oversees: bool  # False: the leader of the grid's team, who sees only their grid
    may_manage: bool  # the secretary of the branch (a grid's: of its branch)


def get_unit_access(user: User, pk: int, *, kinds: set[str] | None = None) -> UnitAccess:
    """A unit the user oversees, or the grid of a team they lead; of one of `kinds`."""
    unit = Unit.objects.select_related("parent").filter(pk=pk).first()
    if unit is None or (kinds is not None and unit.kind not in kinds):
        raise Http404
    branch = {Unit.Kind.BRANCH: unit, Unit.Kind.GRID: unit.parent}.get(unit.kind)
    may_manage = branch is not None and access.can_manage_branch(user, branch)
    if access.can_oversee(user, unit):
        return UnitAccess(unit, True, may_manage)
    if unit.kind == Unit.Kind.GRID:
        team = ServiceTeam.objects.filter(grid=unit).only("pk").first()
        if leads(user, team):
            return UnitAccess(unit, False, may_manage)
    raise Http404


def get_unit_for_user(user: User, pk: int, *, kinds: set[str] | None = None) -> Unit:
    """`get_unit_access` where the page needs only the unit."""
    return get_unit_access(user, pk, kinds=kinds).unit


def get_operator_unit(user: User, pk: int, *, kinds: set[str]) -> Unit:
    """A unit the user oversees (404 otherwise) where they operate (403 otherwise)."""
    unit = access.get_unit_for_user(user, pk)
    if unit.kind not in kinds:
        raise Http404
    if not can_operate(user, unit):
        raise PermissionDenied
    return unit


@dataclass(frozen=True)
class ProfileAccess:
    """A volunteer profile the user may read, and in what capacity."""

    profile: VolunteerProfile
    may_read_file: bool  # the volunteer or an overseer: the member file behind it
    may_manage: bool  # the branch's secretary


def get_profile_access(user: User, pk: int, *, manage: bool = False) -> ProfileAccess:
    """A volunteer profile is read by the volunteer, those who oversee their branch and
    the leader of their team (else 404); the branch secretary changes it (else 403)."""
    profile = (
        VolunteerProfile.objects.select_related(
            "member__branch__parent", "member__grid", "member__user", "membership__team__grid"
        )
        .filter(pk=pk)
        .first()
    )
    if profile is None:
        raise Http404
    member = profile.member
    own = user.is_authenticated and member.user_id == user.pk
    membership = getattr(profile, "membership", None)
    in_led_team = membership is not None and membership.team_id in led_team_ids(user)
    oversees = access.can_oversee(user, member.branch)
    if not (own or in_led_team or oversees):
        raise Http404
    may_manage = access.can_manage_branch(user, member.branch)
    if manage and not may_manage:
        raise PermissionDenied
    return ProfileAccess(profile, own or oversees, may_manage)


def get_profile_for_user(user: User, pk: int, *, manage: bool = False) -> VolunteerProfile:
    """`get_profile_access` where the page needs only the profile."""
    return get_profile_access(user, pk, manage=manage).profile


def get_member_to_enrol(user: User, pk: int) -> Member:
    """A member file the branch secretary enrols as a volunteer."""
    return access.get_member_for_user(user, pk, manage=True)


# --- the year's excellent volunteers, selected; joining the pool -----------------------------


@dataclass(frozen=True)
class TownProposals:
    """A town whose proposals of excellent volunteers the user may read."""

    town: Unit
    may_propose: bool  # its town organiser


def get_town_proposals(user: User, pk: int, *, propose: bool = False) -> TownProposals:
    """A town's proposals are read by the organisers over it (else 404) and made by its
    town organisers (else 403): the district confirms, it does not propose."""
    town = Unit.objects.select_related("parent").filter(pk=pk, kind=Unit.Kind.TOWN).first()
    if town is None or not access.can_organise(user, town):
        raise Http404
    may_propose = user.is_superuser or any(
        town.path.startswith(held.path)
        for held in access.roles_of(user)
        if held.role == Role.TOWN_ORGANISER
    )
    if propose and not may_propose:
        raise PermissionDenied
    return TownProposals(town, may_propose)


@dataclass(frozen=True)
class SelectionAccess:
    """A district's selection of excellent volunteers the user may read."""

    district: Unit
    may_decide: bool  # its district organiser: confirms, declines, publishes
    town_paths: list[str] | None  # a town organiser reads only their towns' proposals


def get_selection_access(user: User, pk: int, *, decide: bool = False) -> SelectionAccess:
    """Read by the organisers in the district (else 404), decided by its district
    organisers (else 403)."""
    granted = access.get_district_for_user(user, pk, manage=decide)
    if granted.may_set_rules or user.is_superuser:
        return SelectionAccess(granted.district, granted.may_set_rules, None)
    paths = access.overseen_paths(user, {Role.TOWN_ORGANISER})
    return SelectionAccess(granted.district, False, paths)


@dataclass(frozen=True)
class ApplicationAccess:
    """An application to join the volunteer pool the user may read."""

    application: VolunteerApplication
    is_own: bool
    may_decide: bool  # the branch's secretary (a secretary's own: the organisers above)


def get_application_access(user: User, pk: int, *, decide: bool = False) -> ApplicationAccess:
    """An application is read by the applicant and the overseers of their branch (else
    404) and decided by the branch's secretary, never by the applicant (else 403)."""
    application = (
        VolunteerApplication.objects.select_related(
            "member__user", "branch__parent", "conduct", "decided_by", "profile"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    own = user.is_authenticated and application.member.user_id == user.pk
    if not (own or access.can_oversee(user, application.branch)):
        raise Http404
    may_decide = access.may_decide_for(user, application.member.user_id, application.branch)
    if decide and not may_decide:
        raise PermissionDenied
    return ApplicationAccess(application, own, may_decide)


@dataclass(frozen=True)
class LogAccess:
    """A service log the user may read, and whether they may correct it."""

    log: ServiceLog
    team: ServiceTeam
    may_correct: bool  # the team's leader or the branch's secretary


def get_log_access(user: User, pk: int, *, correct: bool = False) -> LogAccess:
    """A service log is read by those who read its team (else 404) and corrected by the
    team's leader and the branch secretary, as they write its logs (else 403)."""
    log = (
        ServiceLog.objects.select_related("request", "recorded_by", "activity")
        .filter(pk=pk)
        .first()
    )
    if log is None:
        raise Http404
    granted = get_team_access(user, log.team_id, log=correct)
    log.team = granted.team
    return LogAccess(log, granted.team, granted.is_leader or granted.may_manage)
