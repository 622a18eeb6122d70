"""Reads for the grid volunteer service's pages: each function makes a fixed number of
queries, whatever the number of rows it returns."""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from helpdesk.models import (
    FAVOURABLE_RATING,
    ExcellenceRule,
    ExcellentNomination,
    ExcellentSelection,
    HelpRequest,
    RequestEvent,
    ServiceCategory,
    ServiceLog,
    ServiceLogCorrection,
    ServiceTeam,
    TeamEvent,
    VolunteerApplication,
    VolunteerProfile,
    VolunteerYear,
    late_condition,
    stored_limits,
)
from members.models import Member, Unit
from scoring import queries as scoring_queries
from volunteer.prepared import PreparedQuery

ZERO = Decimal("0")


def district_of(unit: Unit) -> Unit:
    return Unit.objects.get(path=unit.ancestor_paths()[0])


# --- the dispatch board -----------------------------------------------------------------------


@dataclass
class BoardCounts:
    by_state: dict[str, int]
    late: int

    @property
    def open(self) -> int:
        return sum(self.by_state.get(s, 0) for s in HelpRequest.OPEN_STATES)


def board_counts(requests, now: dt.datetime, limits=None) -> BoardCounts:
    """How many open requests in each state and how many of them are late: one query
    over the open requests only (finished ones are the great majority, and are not
    counted)."""
    rows = (
        requests.open()
        .values("state")
        .annotate(n=Count("id"), late=Count("id", filter=late_condition(now, limits)))
        .order_by()
    )
    by_state, late = {}, 0
    for row in rows:
        by_state[row["state"]] = row["n"]
        late += row["late"]
    return BoardCounts(by_state=by_state, late=late)


def board_requests(requests, *, state: str = "", late: bool = False, now: dt.datetime, limits=None):
    """The board's rows (`HelpRequestQuerySet.for_board`) in the board's order: see
    `board_listing`."""
    return board_listing(requests, state=state, late=late, now=now, limits=limits).for_board()


def board_listing(requests, *, state: str = "", late: bool = False, now: dt.datetime, limits=None):
    """The board's requests: open requests by default, those no team holds first, then
    the late ones, then the rest (each group oldest first, the ones waiting longest on
    top); or those of one state, newest first. `limits` as `stored_limits()` gives them.
    Count this, not its rows: their joins would be counted too."""
    if limits is None:
        limits = stored_limits()
    late_now = late_condition(now, limits)
    urgency = Case(
        When(team__isnull=True, then=Value(0)),
        When(late_now, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    if late:
        requests = (
            requests.filter(late_now)
            .annotate(urgency=urgency)
            .order_by("urgency", "received_at", "id")
        )
    elif state == "open" or not state:
        requests = (
            requests.open().annotate(urgency=urgency).order_by("urgency", "received_at", "id")
        )
    elif state == "all":
        requests = requests.order_by("-received_at", "-id")
    else:
        requests = requests.filter(state=state).order_by("-received_at", "-id")
    return requests


def board_total(counts: BoardCounts, *, state: str, late: bool, filtered: bool) -> int | None:
    """How many requests the board lists when `counts` says it already: the open
    requests, those of one open state or the late ones, with no other filter (None:
    they must be counted)."""
    if filtered:
        return None
    if late:
        return counts.late
    if state == "open" or not state:
        return counts.open
    if state in HelpRequest.OPEN_STATES:
        return counts.by_state.get(state, 0)
    return None


def request_events(request: HelpRequest):
    return (
        RequestEvent.objects.filter(request=request)
        .select_related("by", "team", "from_team")
        .order_by("at", "id")
    )


# A team's page runs the same few queries on every visit, with only the team (and the
# year) changing: they are compiled once (volunteer.prepared).


# --- teams ------------------------------------------------------------------------------------

# A team's page reads plain values, not model instances: a row per volunteer, log and
# request, each query with everything its rows show (helpdesk/templatetags/team_rows.py
# writes them out).


@dataclass
class TeamMember:
    profile_id: int
    name: str
    is_leader: bool
    capability_types: list[str]
    specialties: str  # the profile's, else the member file's (`shown_specialties`)
    phone: str
    hours: Decimal
    services: int


_TEAM_MEMBERS = PreparedQuery(
    lambda team, year: (
        VolunteerProfile.objects.filter(membership__team=team)
        .annotate(this_year=FilteredRelation("years", condition=Q(years__year=year)))
        .values_list(
            "pk",
            "member__name",
            "specialties",
            "member__specialties",
            "member__phone",
            "member__capability_types__name",
            "this_year__hours",
            "this_year__services",
        )
        .order_by(
            "member__name",
            "pk",
            "member__capability_types__sort_order",
            "member__capability_types__name",
        )
    ),
    team=2_000_730_001,
    year=32_717,
)


def team_members(team: ServiceTeam, year: int) -> list[TeamMember]:
    """The team's volunteers, the leader first, then by name, with their capability
    types and their figures for the year: one query, a row per volunteer and capability
    type."""
    rows = _TEAM_MEMBERS.rows(team=team.pk, year=year)
    members: dict[int, TeamMember] = {}
    for pk, name, own, files, phone, capability, hours, services in rows:
        member = members.get(pk)
        if member is None:
            member = members[pk] = TeamMember(
                pk,
                name,
                pk == team.leader_id,
                [],
                own or files,
                phone,
                hours or ZERO,
                services or 0,
            )
        if capability is not None:
            member.capability_types.append(capability)
    found = list(members.values())
    found.sort(key=lambda m: not m.is_leader)
    return found


def capability_mix(members: list[TeamMember]) -> list[tuple[str, int]]:
    counts = Counter(name for m in members for name in m.capability_types)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass
class TeamLog:
    pk: int
    served_at: dt.datetime
    category: str
    hours: Decimal
    content: str
    people_served: str
    corrected: bool
    request_id: int | None
    request_code: str | None
    volunteers: list[str] = field(default_factory=list)  # names, by volunteer number


def _team_logs_query(team: int, limit: int):
    latest = ServiceLog.objects.filter(team=team).order_by("-served_at", "-id").values("pk")
    return (
        ServiceLog.objects.filter(pk__in=latest[:limit])
        .annotate(corrected=Exists(ServiceLogCorrection.objects.filter(log=OuterRef("pk"))))
        .values_list(
            "pk",
            "served_at",
            "category",
            "hours",
            "content",
            "people_served",
            "corrected",
            "request_id",
            "request__code",
            "volunteers__member__name",
        )
        .order_by("-served_at", "-id", "volunteers__number")
    )


_TEAM_LOGS: dict[int, PreparedQuery] = {}  # by limit, which the statement writes in


def _team_logs_statement(limit: int) -> PreparedQuery:
    if limit not in _TEAM_LOGS:
        _TEAM_LOGS[limit] = PreparedQuery(
            lambda team: _team_logs_query(team, limit), team=2_000_730_001
        )
    return _TEAM_LOGS[limit]


def team_logs(team: ServiceTeam, limit: int) -> list[TeamLog]:
    """The team's latest `limit` service logs with the names of the volunteers present
    and whether the log was corrected: one query, a row per log and volunteer."""
    rows = _team_logs_statement(limit).rows(team=team.pk)
    logs: dict[int, TeamLog] = {}
    for *fields, volunteer in rows:
        log = logs.get(fields[0])
        if log is None:
            log = logs[fields[0]] = TeamLog(*fields)
        if volunteer is not None:
            log.volunteers.append(volunteer)
    return list(logs.values())


@dataclass
class TeamRequest:
    pk: int
    code: str
    category: str
    received_at: dt.datetime
    state: str


def team_requests(team: ServiceTeam, limit: int) -> list[TeamRequest]:
    if limit not in _TEAM_REQUESTS:
        _TEAM_REQUESTS[limit] = PreparedQuery(
            lambda team: (
                HelpRequest.objects.filter(team=team)
                .values_list("pk", "code", "category", "received_at", "state")
                .order_by("-received_at", "-id")[:limit]
            ),
            team=2_000_730_001,
        )
    return [TeamRequest(*row) for row in _TEAM_REQUESTS[limit].rows(team=team.pk)]


_TEAM_REQUESTS: dict[int, PreparedQuery] = {}  # by limit


HISTORY_SHOWN = 50


@dataclass
class HistoryEvent:
    kind: str
    on: dt.date
    carried_over: bool
    team_name: str
    volunteer_name: str
    by: str  # full name, else log-in name; "" when recorded automatically


def team_history(
    *, team: ServiceTeam | None = None, profile: VolunteerProfile | None = None
) -> list[HistoryEvent]:
    """A team's history, or a volunteer's teams over time: joins, leaves and leader
    changes, newest first, with who made them (one query, at most HISTORY_SHOWN rows)."""
    if team is not None and profile is None:
        rows = _TEAM_HISTORY.rows(team=team.pk)
    else:
        rows = _history_query(team, profile)
    return [
        HistoryEvent(kind, on, carried, team_name, name, _person_named(first, last, login))
        for kind, on, carried, team_name, name, first, last, login in rows
    ]


def _history_query(team, profile):
    events = TeamEvent.objects.all()
    if team is not None:
        events = events.filter(team=team)
    if profile is not None:
        events = events.filter(profile=profile)
    return events.values_list(
        "kind",
        "on",
        "carried_over",
        "team__name",
        "profile__member__name",
        "by__first_name",
        "by__last_name",
        "by__username",
    ).order_by("-at", "-id")[:HISTORY_SHOWN]


# A team's history, the statement compiled once (see `PreparedQuery`).
_TEAM_HISTORY = PreparedQuery(lambda team: _history_query(team, None), team=2_000_730_001)


def _person_named(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """As `user.get_full_name() or user.get_username()`, from the columns; "" for none."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


@dataclass
class TeamFigures:
    requests: int
    open: int
    logs: int
    hours: Decimal
    rated: int
    favourable: int


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of the year and of the next, in the site's time zone (what
    `__year` lookups compare with)."""
    return (
        timezone.make_aware(dt.datetime(year, 1, 1)),
        timezone.make_aware(dt.datetime(year + 1, 1, 1)),
    )


# One statement for the figures, written out: the same aggregates through the ORM (six
# subqueries, or two queries) cost several times more to compile than to run.
_TEAM_FIGURES = """
SELECT r.requests, r.open_now, r.rated, r.favourable, l.logs, l.hours
FROM (
    SELECT COUNT(*) AS requests,
           COALESCE(SUM(CASE WHEN state IN (%s, %s, %s) THEN 1 ELSE 0 END), 0) AS open_now,
           COUNT(rating) AS rated,
           COALESCE(SUM(CASE WHEN rating >= %s THEN 1 ELSE 0 END), 0) AS favourable
    FROM helpdesk_helprequest
    WHERE team_id = %s AND received_at >= %s AND received_at < %s
) r CROSS JOIN (
    SELECT COUNT(*) AS logs, COALESCE(SUM(hours), 0) AS hours
    FROM helpdesk_servicelog
    WHERE team_id = %s AND served_at >= %s AND served_at < %s
) l
"""


def team_figures(team: ServiceTeam, year: int) -> TeamFigures:
    """The team's requests of the year (open, rated, favourable among them) and its
    services and hours: one statement."""
    start, end = (connection.ops.adapt_datetimefield_value(t) for t in _year_bounds(year))
    params = [
        *HelpRequest.OPEN_STATES,
        FAVOURABLE_RATING,
        *(team.pk, start, end),
        *(team.pk, start, end),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_TEAM_FIGURES, params)
        requests, open_now, rated, favourable, logs, hours = cursor.fetchone()
    return TeamFigures(
        requests=requests,
        open=open_now,
        logs=logs,
        hours=Decimal(str(hours)).quantize(Decimal("0.1")),
        rated=rated,
        favourable=favourable,
    )


def grids_without_team(unit: Unit):
    grids = Unit.objects.filter(kind=Unit.Kind.GRID, service_team__isnull=True)
    if unit.kind == Unit.Kind.GRID:
        grids = grids.filter(pk=unit.pk)
    else:
        grids = grids.filter(path__startswith=unit.path)
    return grids.select_related("parent__parent").annotate(
        volunteers=Count(
            "grid_members__volunteer_profile",
            filter=Q(grid_members__volunteer_profile__is_active=True),
        )
    )


# --- excellent volunteers ----------------------------------------------------------------------


def excellent_volunteers(unit: Unit, year: int, rule: ExcellenceRule):
    """The year's excellent volunteers of a unit by the rule, in one query: enough hours
    or services, and at least (or more than, as the rule says) the rule's share of
    favourable votes among at least the rule's least number of ratings (with fewer, or
    none, a volunteer does not qualify). The same rule as `ExcellenceRule.qualifies`."""
    rows = VolunteerYear.objects.filter(year=year)
    if unit.kind == Unit.Kind.GRID:
        rows = rows.filter(profile__member__grid=unit)
    else:
        rows = rows.filter(profile__member__branch__path__startswith=unit.path)
    if rule.favourable_comparison == ExcellenceRule.Comparison.MORE_THAN:
        share = Q(favourable_100__gt=F("needed"))
    else:
        share = Q(favourable_100__gte=F("needed"))
    return (
        rows.filter(Q(hours__gte=rule.min_hours) | Q(services__gte=rule.min_services))
        .filter(votes__gte=max(rule.min_votes, 1))
        .alias(
            favourable_100=F("favourable") * 100, needed=F("votes") * rule.min_favourable_percent
        )
        .filter(share)
        .select_related(
            "profile__member__branch__parent", "profile__member__grid", "profile__membership__team"
        )
        .order_by("-hours", "-services", "profile__number")
    )


@dataclass
class ExcellentTotals:
    volunteers: int
    hours: Decimal
    services: int
    votes: int
    favourable: int

    @property
    def favourable_percent(self) -> Decimal | None:
        if not self.votes:
            return None
        return (Decimal(self.favourable) * 100 / self.votes).quantize(Decimal("0.1"))

    def row(self, total_label: str) -> list:
        """The totals row under `excellent_rows`, column for column."""
        return [
            total_label,
            self.volunteers,
            *[""] * 4,
            self.hours,
            self.services,
            self.votes,
            self.favourable,
            self.favourable_percent,
        ]


def excellent_totals(rows) -> ExcellentTotals:
    """The sums of a list of `excellent_volunteers` (the whole list, not a page), in one
    query."""
    sums = rows.order_by().aggregate(
        volunteers=Count("id"),
        hours=Sum("hours"),
        services=Sum("services"),
        votes=Sum("votes"),
        favourable=Sum("favourable"),
    )
    return ExcellentTotals(
        volunteers=sums["volunteers"],
        hours=sums["hours"] or ZERO,
        services=sums["services"] or 0,
        votes=sums["votes"] or 0,
        favourable=sums["favourable"] or 0,
    )


def excellent_rows(rows) -> Iterator[list]:
    for row in rows:
        member = row.profile.member
        membership = getattr(row.profile, "membership", None)
        yield [
            row.profile.number,
            member.name,
            member.branch.parent.name if member.branch.parent_id else "",
            member.branch.name,
            member.grid.name if member.grid_id else "",
            membership.team.name if membership else "",
            row.hours,
            row.services,
            row.votes,
            row.favourable,
            row.favourable_percent,
        ]


# --- corrections of a service log -------------------------------------------------------------


@dataclass
class LogChange:
    label: str
    before: str
    after: str


@dataclass
class LogCorrectionLine:
    """One correction in words: when, by whom, why, and each figure before → after."""

    at: dt.datetime
    by: str
    reason: str
    changes: list[LogChange]
    points_redone: bool  # the points were withdrawn and recorded anew


@dataclass
class LogHistory:
    recorded_at: dt.datetime
    recorded_by: str
    original: list[tuple[str, str]]  # the log as first recorded: (label, value)
    corrections: list[LogCorrectionLine]


_LOG_FIGURES = (  # (label, field stem on ServiceLogCorrection)
    (gettext_lazy("Hours each"), "hours"),
    (gettext_lazy("Number of people served"), "people_count"),
    (gettext_lazy("People served"), "people_served"),
    (gettext_lazy("Service content"), "content"),
    (gettext_lazy("Volunteers present"), "volunteers"),
)


def _shown(value) -> str:
    return scoring_queries.figure(value) if isinstance(value, Decimal) else str(value)


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def log_history(log: ServiceLog) -> LogHistory:
    """A service log's story in words, in two queries: as first recorded (the first
    correction's "before", or the log itself when never corrected) and each correction
    with its reason and the figures it changed."""
    rows = list(
        ServiceLogCorrection.objects.filter(log=log)
        .select_related("corrected_by")
        .order_by("corrected_at", "id")
    )
    if rows:
        original = [
            (str(label), _shown(getattr(rows[0], f"{stem}_before"))) for label, stem in _LOG_FIGURES
        ]
    else:
        names = "、".join(
            v.member.name for v in log.volunteers.select_related("member").order_by("number")
        )
        now = {
            "hours": log.hours,
            "people_count": log.people_count,
            "people_served": log.people_served,
            "content": log.content,
            "volunteers": names,
        }
        original = [(str(label), _shown(now[stem])) for label, stem in _LOG_FIGURES]
    corrections = []
    for row in rows:
        changes = []
        for label, stem in _LOG_FIGURES:
            before, after = getattr(row, f"{stem}_before"), getattr(row, f"{stem}_after")
            if before != after:
                changes.append(LogChange(str(label), _shown(before), _shown(after)))
        corrections.append(
            LogCorrectionLine(
                at=row.corrected_at,
                by=_person(row.corrected_by),
                reason=row.reason,
                changes=changes,
                points_redone=row.activity_before_id != row.activity_after_id,
            )
        )
    return LogHistory(
        recorded_at=log.recorded_at,
        recorded_by=_person(log.recorded_by),
        original=original,
        corrections=corrections,
    )


# --- a volunteer's own record -------------------------------------------------------------------


@dataclass
class VolunteerRecord:
    """What a volunteer reads about themselves (我的义工档案): figures per year, the
    year's services, the ratings of requests they served, their team and its leader."""

    profile: VolunteerProfile
    year: int
    years: list[VolunteerYear]
    this_year: VolunteerYear | None
    logs: list[ServiceLog]
    ratings: list[HelpRequest]
    team: ServiceTeam | None
    leader: VolunteerProfile | None

    @property
    def total_hours(self) -> Decimal:
        return sum((y.hours for y in self.years), ZERO)

    @property
    def total_services(self) -> int:
        return sum(y.services for y in self.years)


def own_profile(user) -> VolunteerProfile | None:
    """The volunteer profile of the user's member file, with their team and its leader."""
    if not user.is_authenticated:
        return None
    return (
        VolunteerProfile.objects.select_related(
            "member__branch", "member__grid", "membership__team__leader__member"
        )
        .filter(member__user=user)
        .first()
    )


def volunteer_record(profile: VolunteerProfile, year: int, limit: int) -> VolunteerRecord:
    """A volunteer's record in a fixed number of queries: every year's figures, the
    year's latest `limit` services and the latest `limit` rated requests they served."""
    years = list(VolunteerYear.objects.filter(profile=profile).order_by("-year"))
    logs = list(
        profile.service_logs.filter(served_at__year=year)
        .annotate(correction_count=Count("corrections"))
        .select_related("team", "request")
        .order_by("-served_at", "-id")[:limit]
    )
    ratings = list(
        HelpRequest.objects.filter(logs__volunteers=profile, rating__isnull=False)
        .distinct()
        .order_by("-rated_at", "-id")[:limit]
    )
    membership = getattr(profile, "membership", None)
    team = membership.team if membership is not None else None
    return VolunteerRecord(
        profile=profile,
        year=year,
        years=years,
        this_year=next((y for y in years if y.year == year), None),
        logs=logs,
        ratings=ratings,
        team=team,
        leader=team.leader if team is not None else None,
    )


# --- the volunteer pool -------------------------------------------------------------------------


def pool(unit: Unit):
    return VolunteerProfile.objects.in_unit(unit).for_list().order_by("member__name", "number")


# --- monthly report of service logs ----------------------------------------------------------


def month_logs(unit: Unit, month: dt.date):
    """Service logs of the unit's teams in a month, in the order of the report."""
    start = timezone.make_aware(dt.datetime(month.year, month.month, 1))
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    end = timezone.make_aware(dt.datetime(following.year, following.month, 1))
    return (
        ServiceLog.objects.in_unit(unit)
        .filter(served_at__gte=start, served_at__lt=end)
        .select_related("team__grid__parent", "request")
        .prefetch_related(
            Prefetch(
                "volunteers",
                queryset=VolunteerProfile.objects.select_related("member").order_by("number"),
            )
        )
        .order_by("team__grid__path", "served_at", "id")
    )


def report_rows(logs) -> Iterator[list]:
    for log in logs:
        grid = log.team.grid
        yield [
            timezone.localtime(log.served_at).replace(tzinfo=None),
            grid.parent.name,
            grid.name,
            log.team.name,
            log.get_category_display(),
            log.people_served,
            log.people_count,
            log.content,
            "、".join(v.member.name for v in log.volunteers.all()),
            len(log.volunteers.all()),
            log.hours,
            log.hours * len(log.volunteers.all()),
            log.request.code if log.request_id else "",
        ]


@dataclass
class ReportTotals:
    logs: int = 0
    people: int = 0
    volunteers: int = 0  # attendances: a volunteer counts once per service
    volunteer_hours: Decimal = ZERO
    by_category: dict[str, int] = field(default_factory=dict)

    def row(self, total_label: str) -> list:
        """The totals row under `report_rows`, column for column."""
        return [
            total_label,
            *[""] * 5,
            self.people,
            "",
            "",
            self.volunteers,
            "",
            self.volunteer_hours,
            "",
        ]


def report_totals(logs) -> ReportTotals:
    totals = ReportTotals()
    labels = dict(ServiceCategory.choices)
    for log in logs:
        present = len(log.volunteers.all())
        totals.logs += 1
        totals.people += log.people_count
        totals.volunteers += present
        totals.volunteer_hours += log.hours * present
        label = str(labels[log.category])
        totals.by_category[label] = totals.by_category.get(label, 0) + 1
    return totals


# --- figures (per grid, branch, town, district) ---------------------------------------------------


@dataclass
class Figures:
    services_by_category: list[tuple[str, int, Decimal]]
    requests_by_channel: list[tuple[str, int]]
    requests_by_state: list[tuple[str, int]]
    services_by_month: list[tuple[dt.date, int]]
    requests: int
    services: int
    people_served: int
    volunteer_hours: Decimal
    response_minutes: float | None
    arrival_minutes: float | None
    resolution_hours: float | None
    rated: int
    favourable: int
    volunteers: int
    teams: int
    trainings: int
    volunteers_trained: int


class Seconds(Func):
    """Seconds from one timestamp to another, in the database's own arithmetic (Django's
    generic subtraction calls a Python function per row on SQLite)."""

    output_field = FloatField()

    def __init__(self, end: str, start: str):
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s)) * 86400.0",
            arg_joiner=") - julianday(", **extra,
        )  # fmt: skip

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ", **extra,
        )  # fmt: skip


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def figures(unit: Unit, year: int) -> Figures:
    """The figures towns report (services by category, requests by channel and state,
    response times, volunteers trained) for a unit and year, in a fixed number of
    queries."""
    requests = HelpRequest.objects.in_unit(unit).filter(received_at__year=year)
    logs = ServiceLog.objects.in_unit(unit).filter(served_at__year=year)
    profiles = VolunteerProfile.objects.in_unit(unit).filter(is_active=True)

    def duration(end: str, start: str):
        return Avg(Seconds(end, start))

    channel_labels = dict(HelpRequest.Channel.choices)
    state_labels = dict(HelpRequest.State.choices)
    category_labels = dict(ServiceCategory.choices)
    by_channel = dict(requests.values_list("channel").annotate(n=Count("id")).order_by())
    by_state = dict(requests.values_list("state").annotate(n=Count("id")).order_by())
    times = requests.aggregate(
        response=duration("dispatched_at", "received_at"),
        arrival=duration("on_site_at", "dispatched_at"),
        resolution=duration("resolved_at", "received_at"),
        rated=Count("id", filter=Q(rating__isnull=False)),
        favourable=Count("id", filter=Q(rating__gte=4)),
    )
    by_category = {
        row["category"]: row
        for row in logs.values("category")
        .annotate(n=Count("id"), people=Sum("people_count"), hours=Sum("hours"))
        .order_by()
    }
    present = ServiceLog.volunteers.through.objects.filter(servicelog__in=logs)
    volunteer_hours = present.aggregate(h=Sum("servicelog__hours"))["h"] or ZERO
    starts = [timezone.make_aware(dt.datetime(year, m, 1)) for m in range(1, 13)]
    ends = [*starts[1:], timezone.make_aware(dt.datetime(year + 1, 1, 1))]
    months = logs.aggregate(
        **{
            f"m{i}": Count("id", filter=Q(served_at__gte=start, served_at__lt=end))
            for i, (start, end) in enumerate(zip(starts, ends, strict=True), start=1)
        }
    )
    trainings, trained = scoring_queries.training_figures(
        year, Member.objects.filter(volunteer_profile__in=profiles)
    )
    teams = ServiceTeam.objects.in_unit(unit)
    resolution = times["resolution"]
    return Figures(
        services_by_category=[
            (
                str(category_labels[c]),
                by_category.get(c, {}).get("n", 0),
                by_category.get(c, {}).get("hours") or ZERO,
            )
            for c in ServiceCategory.values
        ],
        requests_by_channel=[
            (str(channel_labels[c]), by_channel.get(c, 0)) for c in HelpRequest.Channel.values
        ],
        requests_by_state=[
            (str(state_labels[s]), by_state.get(s, 0)) for s in HelpRequest.State.values
        ],
        services_by_month=[(dt.date(year, m, 1), months[f"m{m}"]) for m in range(1, 13)],
        requests=sum(by_channel.values()),
        services=sum(row["n"] for row in by_category.values()),
        people_served=sum(row["people"] or 0 for row in by_category.values()),
        volunteer_hours=volunteer_hours,
        response_minutes=_minutes(times["response"]),
        arrival_minutes=_minutes(times["arrival"]),
        resolution_hours=round(resolution / 3600, 1) if resolution is not None else None,
        rated=times["rated"],
        favourable=times["favourable"],
        volunteers=profiles.count(),
        teams=teams.count(),
        trainings=trainings,
        volunteers_trained=trained,
    )


# --- home pages ------------------------------------------------------------------------


@dataclass
class RequestCounts:
    """Open requests of a branch: all of them, those past a time limit, and those no
    team holds."""

    open: int = 0
    late: int = 0
    unowned: int = 0


def request_counts_by_branch(unit: Unit, now: dt.datetime) -> dict[int, RequestCounts]:
    """`RequestCounts` for every branch within `unit` that has open requests, by
    branch id, in one query."""
    rows = (
        HelpRequest.objects.in_unit(unit)
        .open()
        .values("branch_id")
        .annotate(
            open=Count("id"),
            late=Count("id", filter=late_condition(now)),
            unowned=Count("id", filter=Q(team__isnull=True)),
        )
    )
    return {
        row["branch_id"]: RequestCounts(row["open"], row["late"], row["unowned"]) for row in rows
    }


# --- the year's excellent volunteers, selected, and applications to join ---------------------


def too_few_ratings(unit: Unit, year: int, rule: ExcellenceRule):
    """Volunteers with enough hours or services whose satisfaction is not judged yet:
    fewer ratings than the rule's least number (the list page says why they are not on
    it)."""
    rows = VolunteerYear.objects.filter(year=year)
    if unit.kind == Unit.Kind.GRID:
        rows = rows.filter(profile__member__grid=unit)
    else:
        rows = rows.filter(profile__member__branch__path__startswith=unit.path)
    return (
        rows.filter(Q(hours__gte=rule.min_hours) | Q(services__gte=rule.min_services))
        .filter(votes__lt=max(rule.min_votes, 1))
        .select_related("profile__member__branch")
        .order_by("-hours", "-services", "profile__number")
    )


def nominations(selection: ExcellentSelection, town_paths: list[str] | None = None):
    """A selection's proposals with what their rows show; only those of the towns under
    `town_paths` when given (a town organiser reads their own towns' proposals)."""
    rows = selection.nominations.select_related(
        "profile__member__branch__parent",
        "profile__membership__team",
        "town",
        "proposed_by",
        "decided_by",
    )
    if town_paths is not None:
        condition = Q(pk__in=[])
        for path in town_paths:
            condition |= Q(town__path__startswith=path)
        rows = rows.filter(condition)
    return rows.order_by("town__path", "-hours", "profile__number")


def published_excellent(district: Unit, year: int):
    """The year's published excellent volunteers of a district (none before publishing)."""
    return (
        ExcellentNomination.objects.honours()
        .filter(selection__district=district, selection__year=year)
        .select_related("profile__member__branch__parent", "profile__membership__team")
        .order_by("profile__member__branch__path", "profile__member__name", "pk")
    )


def honours_of(profile: VolunteerProfile) -> list[ExcellentNomination]:
    """The years a volunteer was published as an excellent volunteer, newest first."""
    return list(
        ExcellentNomination.objects.honours()
        .filter(profile=profile)
        .select_related("selection__district")
        .order_by("-selection__year")
    )


def waiting_applications(unit: Unit):
    """Applications to join the volunteer pool that wait for a branch of the unit."""
    return (
        VolunteerApplication.objects.filter(
            state=VolunteerApplication.State.WAITING, branch__path__startswith=unit.path
        )
        .select_related("member", "branch")
        .prefetch_related("capability_types")
        .order_by("created_at", "pk")
    )
