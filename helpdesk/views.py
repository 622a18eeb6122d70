"""Pages of the grid volunteer service for those who log in: the dispatch board and
requests, teams and the volunteer pool, service logs.

Thin views: scope through helpdesk.access, writes through helpdesk.services, reads
through helpdesk.queries.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import access, escalation, queries, services
from helpdesk.filters import BoardFilter, VolunteerFilter
from helpdesk.forms import (
    CloseForm,
    DispatchForm,
    EnrolForm,
    RequestEntryForm,
    ResolveForm,
    ServiceLogCorrectionForm,
    ServiceLogForm,
    TeamForm,
    VolunteerForm,
)
from helpdesk.models import (
    DEFAULT_LIMITS,
    HelpRequest,
    ResponseLimits,
    ServiceTeam,
    VolunteerYear,
    lateness,
    limits_for,
    stored_limits,
)
from members import access as member_access
from members.models import Member, Unit
from volunteer import charts
from volunteer.history import change_log
from volunteer.urls_util import row_id, year_param

PER_PAGE = 50
RECENT = 20
APPLICATIONS_SHOWN = 50


def thresholds(limits: ResponseLimits = DEFAULT_LIMITS) -> dict[str, str]:
    """The time limits in words, for the pages that say what "late" means."""
    return {
        "dispatch": escalation.duration_words(limits.dispatch),
        "arrive": escalation.duration_words(limits.arrive),
        "resolve": escalation.duration_words(limits.resolve),
    }


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _crumbs(user, unit: Unit) -> list[Unit]:
    """The units above `unit` the user may open, top first: from the parents read with
    it (select_related) when all of them were, else in one query."""
    above, current = [], unit
    while current.parent_id is not None:
        if not Unit.parent.is_cached(current):
            return member_access.units_above_overseen(user, unit)
        current = current.parent
        above.append(current)
    return [u for u in reversed(above) if member_access.can_oversee(user, u)]


# --- the dispatch board and requests ----------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The dispatch board: the requests in the user's scope, open ones first: those no
    team holds, then the late ones, each marked."""
    access.require_helpdesk_user(request.user)
    now = timezone.now()
    limits = stored_limits()
    scoped = access.requests_for_user(request.user)
    filters = BoardFilter(request.GET or None, queryset=scoped)
    chosen = filters.form.cleaned_data if filters.is_bound and filters.is_valid() else {}
    state = chosen.get("state") or "open"
    late_only = chosen.get("late") is True
    listing = queries.board_listing(
        filters.qs if chosen else scoped, state=state, late=late_only, now=now, limits=limits
    )
    counts = queries.board_counts(scoped, now, limits)
    total = queries.board_total(
        counts,
        state=state,
        late=late_only,
        filtered=any(chosen.get(name) for name in ("channel", "category", "code")),
    )
    paginator = Paginator(listing.for_board(), PER_PAGE)
    # The figure the state tabs show, when they show it; else the listing counted
    # without the rows' joins.
    paginator.count = total if total is not None else listing.count()
    page = paginator.get_page(request.GET.get("page"))
    led = access.led_team_ids(request.user)
    units = member_access.top_units_for_user(request.user)
    teams = (
        list(ServiceTeam.objects.filter(pk__in=led).select_related("grid__parent")) if led else []
    )
    place = units[0] if units else teams[0].grid if teams else None
    return render(
        request,
        "helpdesk/board.html",
        {
            "filters": filters,
            "state": state,
            "page": page,
            "rows": [(r, lateness(r, now, limits_for(r.branch_path, limits))) for r in page],
            "counts": counts,
            "state_tabs": [
                (
                    value,
                    label,
                    counts.by_state.get(value, 0) if value in HelpRequest.OPEN_STATES else None,
                )
                for value, label in HelpRequest.State.choices
            ],
            "late_only": late_only,
            "thresholds": thresholds(limits_for(place.path, limits) if place else DEFAULT_LIMITS),
            "query": _query_without_page(request),
            "can_enter": access.is_operator(request.user),
            "units": units,
            "teams": teams,
            "now": now,
        },
    )


@login_required
def request_add(request: HttpRequest) -> HttpResponse:
    """An operator enters a request taken by hotline, QQ/WeChat group or in person."""
    access.require_helpdesk_user(request.user)
    if not access.is_operator(request.user):
        raise PermissionDenied
    form = RequestEntryForm(request.POST or None, units=access.operator_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            help_request = services.create_request(
                channel=data["channel"],
                branch=data["branch"],
                grid=data["grid"],
                resident_name=data["resident_name"],
                phone=data["phone"],
                address=data["address"],
                category=data["category"],
                description=data["description"],
                by=request.user,
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            if help_request.team_id:
                messages.success(
                    request,
                    _("Request %(code)s recorded and sent to %(team)s.")
                    % {"code": help_request.code, "team": help_request.team.name},
                )
            else:
                messages.warning(
                    request,
                    _("Request %(code)s recorded; no team was found for it: dispatch it by hand.")
                    % {"code": help_request.code},
                )
            return redirect("helpdesk:request-detail", pk=help_request.pk)
    return render(request, "helpdesk/request_form.html", {"form": form})


def _dispatch_teams(user):
    teams = ServiceTeam.objects.select_related("grid__parent").order_by("grid__path")
    if user.is_superuser:
        return teams
    condition = Q()
    for path in member_access.overseen_paths(user, access.OPERATOR_ROLES):
        condition |= Q(grid__path__startswith=path)
    return teams.filter(condition) if condition else teams.none()


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_request_access(request.user, pk)
    help_request, is_operator = granted.request, granted.is_operator
    limits = limits_for(help_request.branch.path, stored_limits())
    return render(
        request,
        "helpdesk/request_detail.html",
        {
            "help_request": help_request,
            "events": queries.request_events(help_request),
            "logs": help_request.logs.annotate(correction_count=Count("corrections"))
            .prefetch_related("volunteers__member")
            .order_by("served_at"),
            "lateness": help_request.lateness(timezone.now(), limits),
            "alerts": escalation.alerts_of(help_request),
            "can_dispatch": is_operator
            and help_request.state in (HelpRequest.State.RECEIVED, HelpRequest.State.DISPATCHED),
            "can_attend": is_operator or granted.is_leader,
            "can_close": is_operator and help_request.is_open,
            "can_log": granted.may_log,
            "resolve_form": ResolveForm(),
            "thresholds": thresholds(limits),
        },
    )


@login_required
def request_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = access.get_request_for_user(request.user, pk, operate=True)
    teams = _dispatch_teams(request.user)
    if help_request.team_id:
        teams = teams.exclude(pk=help_request.team_id)
    form = DispatchForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            services.redispatch(
                request=help_request,
                team=form.cleaned_data["team"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Request %(code)s sent to %(team)s.")
                % {"code": help_request.code, "team": form.cleaned_data["team"].name},
            )
            return redirect("helpdesk:request-detail", pk=help_request.pk)
    return render(
        request, "helpdesk/request_dispatch.html", {"help_request": help_request, "form": form}
    )


def _attend(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    help_request = access.get_request_for_user(request.user, pk, attend=True)
    try:
        action(help_request)
    except services.HelpdeskError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success % {"code": help_request.code})
    return redirect("helpdesk:request-detail", pk=help_request.pk)


@require_POST
@login_required
def request_on_site(request: HttpRequest, pk: int) -> HttpResponse:
    return _attend(
        request,
        pk,
        lambda r: services.mark_on_site(request=r, by=request.user),
        _("Request %(code)s: the team is on site."),
    )


@require_POST
@login_required
def request_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    form = ResolveForm(request.POST)
    resolution = form.cleaned_data["resolution"] if form.is_valid() else ""
    return _attend(
        request,
        pk,
        lambda r: services.resolve(request=r, resolution=resolution, by=request.user),
        _("Request %(code)s resolved. Now log the service."),
    )


@login_required
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = access.get_request_for_user(request.user, pk, operate=True)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close(
                request=help_request, reason=form.cleaned_data["reason"], by=request.user
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Request %(code)s closed.") % {"code": help_request.code})
            return redirect("helpdesk:request-detail", pk=help_request.pk)
    return render(
        request, "helpdesk/request_close.html", {"help_request": help_request, "form": form}
    )


# --- units: overview, grids without a team, the volunteer pool -------------------------------------


@login_required
def unit_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's volunteer service: its figures and charts for the year, and the way to
    its parts (towns, branches, grids and their teams)."""
    granted = access.get_unit_access(request.user, pk)
    unit = granted.unit
    year = year_param(request)
    children = []
    if unit.kind == Unit.Kind.BRANCH:
        children = list(
            Unit.objects.filter(parent=unit, kind=Unit.Kind.GRID)
            .select_related("service_team__leader__member")
            .annotate(team_size=Count("service_team__memberships"))
            .order_by("code")
        )
    elif unit.kind != Unit.Kind.GRID:
        children = list(Unit.objects.filter(parent=unit).order_by("code"))
        team_counts = _team_counts(unit)
        for child in children:
            child.team_count = team_counts.get(child.pk, 0)
    team = None
    if unit.kind == Unit.Kind.GRID:
        team = ServiceTeam.objects.filter(grid=unit).select_related("leader__member").first()
    figures = queries.figures(unit, year)
    return render(
        request,
        "helpdesk/unit_overview.html",
        {
            "unit": unit,
            "year": year,
            "figures": figures,
            "charts": _charts(figures, unit, year),
            "children": children,
            "team": team,
            "crumbs": _crumbs(request.user, unit),
            "is_overseer": granted.oversees,
            "can_manage": granted.may_manage,
        },
    )


def _charts(figures: queries.Figures, unit: Unit, year: int) -> dict:
    """The figures as server-drawn SVG bar charts (scoring.charts)."""
    place = {"unit": unit.name, "year": year}
    return {
        "categories": charts.row_chart(
            [charts.Bar(label, Decimal(n)) for label, n, _hours in figures.services_by_category],
            title=_("Services by kind, %(unit)s %(year)s") % place,
        ),
        "months": charts.column_chart(
            [
                charts.Bar(formats.date_format(month, "M"), Decimal(n))
                for month, n in figures.services_by_month
            ],
            title=_("Services by month, %(unit)s %(year)s") % place,
        ),
        "channels": charts.row_chart(
            [charts.Bar(label, Decimal(n)) for label, n in figures.requests_by_channel],
            title=_("Requests by channel, %(unit)s %(year)s") % place,
        ),
        "states": charts.row_chart(
            [charts.Bar(label, Decimal(n)) for label, n in figures.requests_by_state],
            title=_("Requests by state, %(unit)s %(year)s") % place,
        ),
    }


def _team_counts(unit: Unit) -> dict[int, int]:
    """Teams under each child of a district or town, in one query."""
    depth = len(unit.ancestor_paths())
    counts: dict[int, int] = {}
    children = dict(Unit.objects.filter(parent=unit).values_list("path", "pk"))
    for path in ServiceTeam.objects.in_unit(unit).values_list("grid__path", flat=True):
        parts = [p for p in path.split("/") if p]
        child_path = "/" + "/".join(parts[: depth + 1]) + "/"
        if child_path in children:
            counts[children[child_path]] = counts.get(children[child_path], 0) + 1
    return counts


@login_required
def grids_without_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Grids that have no service team yet, with the active volunteers living there."""
    unit = access.get_unit_for_user(
        request.user, pk, kinds={Unit.Kind.DISTRICT, Unit.Kind.TOWN, Unit.Kind.BRANCH}
    )
    page = Paginator(queries.grids_without_team(unit).order_by("path"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "helpdesk/grids_without_team.html",
        {"unit": unit, "page": page, "crumbs": _crumbs(request.user, unit)},
    )


@login_required
def volunteer_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer pool (党员义工信息库) of a unit, searchable and filterable."""
    granted = access.get_unit_access(request.user, pk)
    if not granted.oversees:
        raise Http404
    unit = granted.unit
    filters = VolunteerFilter(request.GET or None, queryset=queries.pool(unit), unit=unit)
    page = Paginator(filters.qs, PER_PAGE).get_page(request.GET.get("page"))
    branch = unit if unit.kind == Unit.Kind.BRANCH else None
    return render(
        request,
        "helpdesk/volunteer_list.html",
        {
            "unit": unit,
            "filters": filters,
            "page": page,
            "query": _query_without_page(request),
            "crumbs": _crumbs(request.user, unit),
            "can_enrol": branch is not None and granted.may_manage,
            "applications": list(queries.waiting_applications(unit)[:APPLICATIONS_SHOWN]),
        },
    )


@login_required
def volunteer_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The branch secretary enrols a member of the branch as a volunteer."""
    branch = member_access.get_branch_for_user(request.user, pk, manage=True)
    form = EnrolForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.enrol_volunteer(
                member=form.cleaned_data["member"],
                specialties=form.cleaned_data["specialties"],
                availability=form.cleaned_data["availability"],
                by=request.user,
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is now volunteer number %(number)s.")
                % {"name": profile.member.name, "number": profile.number},
            )
            return redirect("helpdesk:volunteer-detail", pk=profile.pk)
    return render(request, "helpdesk/volunteer_add.html", {"form": form, "branch": branch})


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_profile_access(request.user, pk)
    profile = granted.profile
    year = year_param(request)
    member = profile.member
    return render(
        request,
        "helpdesk/volunteer_detail.html",
        {
            "profile": profile,
            "member": member,
            "year": year,
            "figures": VolunteerYear.objects.filter(profile=profile, year=year).first(),
            "logs": profile.service_logs.filter(served_at__year=year)
            .annotate(correction_count=Count("corrections"))
            .select_related("team", "request")
            .order_by("-served_at", "-id")[:RECENT],
            "capabilities": member.capability_types.all(),
            "membership": getattr(profile, "membership", None),
            "can_manage": granted.may_manage,
            "can_read_file": granted.may_read_file,
            "log": change_log(profile),
        },
    )


@login_required
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = access.get_profile_for_user(request.user, pk, manage=True)
    form = VolunteerForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_volunteer(
                profile=profile,
                specialties=form.cleaned_data["specialties"],
                availability=form.cleaned_data["availability"],
                is_active=form.cleaned_data["is_active"],
                by=request.user,
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Volunteer profile saved."))
            return redirect("helpdesk:volunteer-detail", pk=profile.pk)
    return render(request, "helpdesk/volunteer_form.html", {"form": form, "profile": profile})


@login_required
def my_volunteer(request: HttpRequest) -> HttpResponse:
    """A member's own volunteer record, from the menu: hours and services per year, the
    year's services, ratings of the requests they served, badge, team and leader. A
    member who is not a volunteer is told so; a log-in without a member file gets 404."""
    profile = queries.own_profile(request.user)
    if profile is None:
        member = member_access.member_file_of(request.user)
        if member is None:
            raise Http404
        return render(request, "helpdesk/my_volunteer.html", {"member": member, "record": None})
    year = year_param(request)
    return render(
        request,
        "helpdesk/my_volunteer.html",
        {
            "member": profile.member,
            "profile": profile,
            "year": year,
            "record": queries.volunteer_record(profile, year, RECENT),
        },
    )


# --- teams ------------------------------------------------------------------------------------


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The team editor of a grid (create or change its team): its branch's secretary."""
    grid = access.get_grid_for_user(request.user, pk, manage=True)
    team = ServiceTeam.objects.filter(grid=grid).first()
    initial = {"name": f"{grid.parent.name}{grid.name}服务队"}
    if team is not None:
        initial = {
            "name": team.name,
            "leader": team.leader_id,
            "volunteers": list(team.memberships.values_list("profile_id", flat=True)),
        }
    form = TeamForm(request.POST or None, grid=grid, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.set_team(
                grid=grid,
                name=form.cleaned_data["name"],
                leader=form.cleaned_data["leader"],
                volunteers=form.cleaned_data["volunteers"],
                by=request.user,
            )
        except services.TeamRuleBroken as broken:
            for problem in broken.problems:
                form.add_error(None, problem)
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Team %(name)s saved.") % {"name": team.name})
            leader = Member.all_files.select_related("user").get(pk=team.leader.member_id)
            if _needs_slip(leader.user):
                messages.warning(
                    request,
                    _(
                        "%(name)s, the leader, has not logged in yet: print their activation slip below."
                    )
                    % {"name": leader.name},
                )
            return redirect("helpdesk:team-detail", pk=team.pk)
    return render(
        request,
        "helpdesk/team_form.html",
        {"form": form, "grid": grid, "team": team, "crumbs": _crumbs(request.user, grid)},
    )


def _needs_slip(user) -> bool:
    """A leader without a working password: the secretary is offered their slip."""
    return user is None or not user.is_active or not user.has_usable_password()


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's page: members and their capability mix, leader, requests and logs."""
    granted = access.get_team_access(request.user, pk)
    team, can_manage = granted.team, granted.may_manage
    year = year_param(request)
    members = queries.team_members(team, year)
    grid = team.grid
    # Whether the leader can log in matters to the secretary only (their slip).
    leader = (
        Member.all_files.select_related("user").get(volunteer_profile__pk=team.leader_id)
        if can_manage
        else None
    )
    return render(
        request,
        "helpdesk/team_detail.html",
        {
            "team": team,
            "grid": grid,
            "year": year,
            "members": members,
            "mix": queries.capability_mix(members),
            "requests": queries.team_requests(team, RECENT),
            "logs": queries.team_logs(team, RECENT),
            "figures": queries.team_figures(team, year),
            # The team's history, written inline (as helpdesk/_team_history.html does).
            "history": queries.team_history(team=team),
            "history_shown": queries.HISTORY_SHOWN,
            "now": timezone.now(),
            "can_log": can_manage or access.leads(request.user, team),
            "can_manage": can_manage,
            "leader": leader,
            "leader_needs_slip": leader is not None and _needs_slip(leader.user),
            "crumbs": _crumbs(request.user, grid),
        },
    )


@login_required
def log_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The service log form (服务日志) for the team leader, or the secretary entering a
    paper sheet: one form with the volunteers present."""
    team = access.get_team_for_user(request.user, pk, log=True)
    initial = {}
    answered = row_id(request.GET.get("request"))
    if answered:
        initial["request"] = answered
        found = HelpRequest.objects.filter(pk=answered, team=team).first()
        if found is not None:
            initial["category"] = found.category
    form = ServiceLogForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            log = services.log_service(
                team=team,
                served_at=data["served_at"],
                people_served=data["people_served"],
                people_count=data["people_count"],
                category=data["category"],
                content=data["content"],
                volunteers=list(data["volunteers"]),
                hours=data["hours"],
                request=data["request"],
                by=request.user,
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Service logged: %(count)s volunteers earned %(hours)s hours and points each.")
                % {"count": log.volunteers.count(), "hours": f"{log.hours.normalize():f}"},
            )
            return redirect("helpdesk:team-detail", pk=team.pk)
    return render(request, "helpdesk/log_form.html", {"form": form, "team": team})


@login_required
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A service log as it reads now, as it was first recorded, and every correction
    with its reason, for those who read the team."""
    granted = access.get_log_access(request.user, pk)
    return render(request, "helpdesk/log_detail.html", _log_context(granted))


@login_required
def log_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a service log with a reason: the team's leader or the branch secretary.
    The points and hours follow (helpdesk.services.correct_service_log)."""
    granted = access.get_log_access(request.user, pk, correct=True)
    log = granted.log
    form = ServiceLogCorrectionForm(request.POST or None, log=log)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_service_log(
                log=log,
                hours=data["hours"],
                people_served=data["people_served"],
                people_count=data["people_count"],
                content=data["content"],
                volunteers=list(data["volunteers"]),
                reason=data["reason"],
                by=request.user,
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The service log is corrected; points and hours follow."))
            return redirect("helpdesk:log-detail", pk=log.pk)
    return render(request, "helpdesk/log_correct.html", _log_context(granted) | {"form": form})


def _log_context(granted: access.LogAccess) -> dict:
    log = granted.log
    return {
        "log": log,
        "team": granted.team,
        "volunteers": log.volunteers.select_related("member").order_by("number"),
        "history": queries.log_history(log),
        "may_correct": granted.may_correct,
    }
