"""The grid volunteer service (党员义工"进网入组"): the volunteer pool, a service team for
each grid, residents' help requests and their dispatch, service logs, and the district's
rule for excellent volunteers.

Points for services go to the scoring ledger through `scoring.services`; hours stay
here, on the service logs (and summed per volunteer and year in `VolunteerYear`).
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Unit
from volunteer import verification
from volunteer.prepared import PreparedQuery

# How long each step may take before the dispatch board shows a request as late
# ("有求必应，有应必到，有到必解": every call answered, every answer attended, every visit
# resolved): the defaults of a district's `ResponseRule`.
DISPATCH_WITHIN = dt.timedelta(minutes=10)
ARRIVE_WITHIN = dt.timedelta(hours=2)
RESOLVE_WITHIN = dt.timedelta(hours=48)
# Past a limit the team leader is told at once, the branch secretary this long after the
# limit and the town this long after it (see `helpdesk.escalation`).
SECRETARY_AFTER = dt.timedelta(minutes=30)
TOWN_AFTER = dt.timedelta(hours=2)


@dataclass(frozen=True)
class ResponseLimits:
    """A district's time limits for a request's steps and when each level hears of a
    late one (the defaults when the district set none)."""

    dispatch: dt.timedelta = DISPATCH_WITHIN
    arrive: dt.timedelta = ARRIVE_WITHIN
    resolve: dt.timedelta = RESOLVE_WITHIN
    secretary_after: dt.timedelta = SECRETARY_AFTER
    town_after: dt.timedelta = TOWN_AFTER


DEFAULT_LIMITS = ResponseLimits()

# A team (网格服务队) has 3 to 10 volunteers of at least two capability types.
TEAM_MIN_SIZE = 3
TEAM_MAX_SIZE = 10
TEAM_MIN_CAPABILITY_TYPES = 2

# A rating of 4 or 5 (out of 5) is a favourable satisfaction vote (满意票).
FAVOURABLE_RATING = 4

# Request codes: easy to read out on the phone (no 0/O, 1/I/L), about 8 × 10^14 of them.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_request_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class ServiceCategory(models.TextChoices):
    """What a request asks for and what a service did (服务类别)."""

    CLEANING = "cleaning", _("Environment cleaning")
    AGRICULTURE = "agriculture", _("Agricultural technique")
    MEDICAL = "medical", _("Medical and health")
    LEGAL = "legal", _("Legal advice")
    DAILY_LIFE = "daily_life", _("Daily life and errands")
    MEDIATION = "mediation", _("Dispute mediation")
    OTHER = "other", _("Other")


# --- the volunteer pool (党员义工信息库) ---------------------------------------------------


def new_badge_code() -> str:
    return verification.new_code()


class VolunteerProfileQuerySet(models.QuerySet):
    def in_unit(self, unit: Unit) -> "VolunteerProfileQuerySet":
        if unit.kind == Unit.Kind.GRID:
            return self.filter(member__grid=unit)
        return self.filter(member__branch__path__startswith=unit.path)

    def active(self) -> "VolunteerProfileQuerySet":
        return self.filter(is_active=True)

    def for_list(self) -> "VolunteerProfileQuerySet":
        return self.select_related(
            "member__branch", "member__grid", "membership__team"
        ).prefetch_related("member__capability_types")


class VolunteerProfile(models.Model):
    """A party-member volunteer (党员义工) in the volunteer pool (党员义工信息库): a member
    file that volunteers, with a volunteer number printed on the ID badge (义工身份证).
    Capability types (能力类型) come from the member file."""

    member = models.OneToOneField(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="volunteer_profile",
    )
    number = models.CharField(_("volunteer number"), max_length=20, unique=True)
    # What the badge's QR code carries: the printed number is a serial, and a page found
    # by it would let anyone list every volunteer's name, village and team by counting.
    verify_code = models.CharField(
        _("verification code"),
        max_length=16,
        unique=True,
        default=new_badge_code,
        editable=False,
    )
    specialties = models.CharField(
        _("specialties for service"),
        max_length=200,
        blank=True,
        help_text=_("What they can do for residents. Left empty, the member file's are shown."),
    )
    availability = models.CharField(
        _("availability"),
        max_length=200,
        blank=True,
        help_text=_("E.g. weekday evenings and weekends; phone on day and night."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    enrolled_on = models.DateField(_("enrolled on"))

    objects = VolunteerProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")

    def __str__(self) -> str:
        return self.number

    @property
    def shown_specialties(self) -> str:
        return self.specialties or self.member.specialties


# --- grid service teams (网格服务队) ---------------------------------------------------------


class ServiceTeamQuerySet(models.QuerySet):
    def in_unit(self, unit: Unit) -> "ServiceTeamQuerySet":
        return self.filter(grid__path__startswith=unit.path)


class ServiceTeam(models.Model):
    """A grid service team (网格服务队): 3 to 10 volunteers of mixed capability types who
    serve one grid (网格), with a leader (服务队长) from among them. The rules are checked
    by `helpdesk.services.set_team`, the only way a team is saved."""

    grid = models.OneToOneField(
        Unit,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="service_team",
        limit_choices_to={"kind": Unit.Kind.GRID},
    )
    name = models.CharField(_("team name"), max_length=100)
    leader = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("team leader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    volunteers = models.ManyToManyField(
        VolunteerProfile,
        through="TeamMembership",
        verbose_name=_("volunteers"),
        related_name="teams",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ServiceTeamQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["grid__path"]
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """A volunteer's place in a team. A volunteer serves in one team at a time."""

    team = models.ForeignKey(ServiceTeam, on_delete=models.CASCADE, related_name="memberships")
    profile = models.OneToOneField(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="membership",
    )
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["team", "profile__number"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")

    def __str__(self) -> str:
        return f"{self.team} · {self.profile}"


# --- help requests (求助) ---------------------------------------------------------------------


class HelpRequestQuerySet(models.QuerySet):
    def in_unit(self, unit: Unit) -> "HelpRequestQuerySet":
        if unit.kind == Unit.Kind.GRID:
            return self.filter(grid=unit)
        return self.filter(branch__path__startswith=unit.path)

    def open(self) -> "HelpRequestQuerySet":
        return self.filter(in_open_state=True)

    def late(self, now: dt.datetime, limits=None) -> "HelpRequestQuerySet":
        return self.filter(late_condition(now, limits))

    def for_board(self) -> "HelpRequestQuerySet":
        """What a row of the dispatch board shows, as named tuples (no model instances:
        the board lists 50 of them)."""
        return self.annotate(
            branch_name=F("branch__name"),
            branch_path=F("branch__path"),
            grid_name=F("grid__name"),
            team_name=F("team__name"),
        ).values_list(*BOARD_FIELDS, named=True)


BOARD_FIELDS = (
    "pk",
    "code",
    "channel",
    "category",
    "description",
    "state",
    "received_at",
    "dispatched_at",
    "team_id",
    "branch_name",
    "branch_path",
    "grid_name",
    "team_name",
)


# Read by every board and request page: compiled once (volunteer.prepared).
_RULES = PreparedQuery(lambda: ResponseRule.objects.select_related("district"))


def stored_limits() -> dict[str, ResponseLimits]:
    """The limits of every district that set a rule, by the district's path (one query)."""
    return {rule.district.path: rule.limits for rule in _RULES.instances()}


def limits_for(path: str, limits: dict[str, ResponseLimits]) -> ResponseLimits:
    """The limits that hold for a unit with this path: its district's, else the defaults."""
    for district_path, found in limits.items():
        if path.startswith(district_path):
            return found
    return DEFAULT_LIMITS


def _late_for(now: dt.datetime, limits: ResponseLimits) -> Q:
    state = HelpRequest.State
    return (
        Q(state=state.RECEIVED, received_at__lt=now - limits.dispatch)
        | Q(state=state.DISPATCHED, dispatched_at__lt=now - limits.arrive)
        | Q(state__in=[state.DISPATCHED, state.ON_SITE], received_at__lt=now - limits.resolve)
    )


def late_condition(now: dt.datetime, limits: dict[str, ResponseLimits] | None = None) -> Q:
    """Open requests past one of the thresholds at `now`, each by its district's limits
    (`limits` as `stored_limits()` gives them; read when not given)."""
    if limits is None:
        limits = stored_limits()
    custom = {path: found for path, found in limits.items() if found != DEFAULT_LIMITS}
    if not custom:
        return _late_for(now, DEFAULT_LIMITS)
    elsewhere = Q()
    for path in custom:
        elsewhere &= ~Q(branch__path__startswith=path)
    condition = elsewhere & _late_for(now, DEFAULT_LIMITS)
    for path, found in custom.items():
        condition |= Q(branch__path__startswith=path) & _late_for(now, found)
    return condition


def deadlines(request, limits: ResponseLimits = DEFAULT_LIMITS) -> dict[str, dt.datetime]:
    """`HelpRequest.deadlines` of a request or of anything with its `state`,
    `received_at` and `dispatched_at` (a row of the dispatch board)."""
    state = HelpRequest.State
    found = {}
    if request.state == state.RECEIVED:
        found["dispatch"] = request.received_at + limits.dispatch
    if request.state == state.DISPATCHED and request.dispatched_at is not None:
        found["arrival"] = request.dispatched_at + limits.arrive
    if request.state in (state.DISPATCHED, state.ON_SITE):
        found["resolution"] = request.received_at + limits.resolve
    return found


def lateness(request, now: dt.datetime, limits: ResponseLimits = DEFAULT_LIMITS) -> list[str]:
    """`HelpRequest.lateness` of a request or of a row with the same fields."""
    return [stage for stage, due in deadlines(request, limits).items() if now > due]


class HelpRequest(models.Model):
    """A resident's request for help (求助), by hotline, QQ or WeChat group, the online
    form or in person. It goes to the service team of the resident's grid and moves
    received → dispatched → on site → resolved (or closed with a reason); then the
    resident rates it once with the request code.

    The resident's name, phone and address are for the operators and the team only:
    public pages show the state and times, never these."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        GROUP = "group", _("QQ or WeChat group")
        ONLINE = "online", _("Online form")
        WALK_IN = "walk_in", _("In person")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        DISPATCHED = "dispatched", _("Dispatched")
        ON_SITE = "on_site", _("On site")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    OPEN_STATES = (State.RECEIVED, State.DISPATCHED, State.ON_SITE)

    code = models.CharField(
        _("request code"), max_length=12, unique=True, default=new_request_code, editable=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    resident_name = models.CharField(_("resident's name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    address = models.CharField(_("address"), max_length=200)
    branch = models.ForeignKey(
        Unit,
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name="help_requests",
        limit_choices_to={"kind": Unit.Kind.BRANCH},
    )
    grid = models.ForeignKey(
        Unit,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_help_requests",
        limit_choices_to={"kind": Unit.Kind.GRID},
    )
    category = models.CharField(_("kind of help"), max_length=12, choices=ServiceCategory.choices)
    description = models.TextField(_("what help is needed"), max_length=2000)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RECEIVED
    )
    # Stored by the database from `state`, for the board's default list (the open
    # requests, oldest first: a few hundred among a year's hundred thousand). A partial
    # index on `state IN (...)` served PostgreSQL only: SQLite cannot use one for a query
    # whose states are bound parameters, and scanned every request instead.
    in_open_state = models.GeneratedField(
        expression=Q(state__in=["received", "dispatched", "on_site"]),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("open"),
    )
    team = models.ForeignKey(
        ServiceTeam,
        verbose_name=_("service team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.CharField(_("outcome"), max_length=300, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(fields=["state", "received_at"]),
            models.Index(fields=["branch", "received_at"]),
            models.Index(fields=["team", "received_at"]),
            models.Index(fields=["received_at"]),
            models.Index(
                fields=["received_at"],
                condition=Q(in_open_state=True),
                name="help_open_received",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="help_rating_one_to_five",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(state="resolved"),
                name="help_rated_only_when_resolved",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | ~Q(close_reason=""),
                name="help_closed_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def deadlines(self, limits: ResponseLimits = DEFAULT_LIMITS) -> dict[str, dt.datetime]:
        """When the open request's current steps become late: "dispatch" (received, no
        team), "arrival" (dispatched, nobody on site), "resolution" (not resolved)."""
        return deadlines(self, limits)

    def lateness(self, now: dt.datetime, limits: ResponseLimits = DEFAULT_LIMITS) -> list[str]:
        """Which thresholds an open request has passed: "dispatch", "arrival",
        "resolution" (the same rules as `late_condition`)."""
        return lateness(self, now, limits)

    @property
    def response_time(self) -> dt.timedelta | None:
        """Received → dispatched (to the team it went to last)."""
        return self.dispatched_at - self.received_at if self.dispatched_at else None

    @property
    def arrival_time(self) -> dt.timedelta | None:
        """Dispatched → on site."""
        if self.on_site_at and self.dispatched_at:
            return self.on_site_at - self.dispatched_at
        return None

    @property
    def resolution_time(self) -> dt.timedelta | None:
        """Received → resolved."""
        return self.resolved_at - self.received_at if self.resolved_at else None


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of an `AppendOnly` model are neither updated nor deleted in bulk either."""

    def update(self, **kwargs):
        raise ValidationError(self.model.never_changed)

    def delete(self):
        raise ValidationError(self.model.never_changed)


class AppendOnly:
    """A log's rows (a request's events and alerts, a team's history, a service log's
    corrections) are written once and never changed or deleted; `never_changed` says so
    to whoever tries."""

    never_changed = _("The request's log is never changed.")

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(self.never_changed)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.never_changed)


class RequestEvent(AppendOnly, models.Model):
    """One line of a request's log: a change of state or team, who made it, when and
    why. Append-only."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        DISPATCHED = "dispatched", _("Dispatched")
        REDISPATCHED = "redispatched", _("Re-dispatched")
        ON_SITE = "on_site", _("On site")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        RATED = "rated", _("Rated")

    request = models.ForeignKey(HelpRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        ServiceTeam,
        verbose_name=_("to team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_team = models.ForeignKey(
        ServiceTeam,
        verbose_name=_("from team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason or note"), max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


# --- service logs (服务日志) -------------------------------------------------------------------


class ServiceLogQuerySet(models.QuerySet):
    def in_unit(self, unit: Unit) -> "ServiceLogQuerySet":
        return self.filter(team__grid__path__startswith=unit.path)

    def in_month(self, month: dt.date) -> "ServiceLogQuerySet":
        return self.filter(served_at__year=month.year, served_at__month=month.month)


class ServiceLog(models.Model):
    """A service log (服务日志) kept by the team leader after each service: when, who was
    served, what was done, the volunteers present and the hours each gave. Reported to
    the town every month."""

    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("service team"), on_delete=models.PROTECT, related_name="logs"
    )
    served_at = models.DateTimeField(_("date and time"))
    people_served = models.CharField(
        _("people served"), max_length=200, help_text=_("Who was helped (no ID numbers).")
    )
    people_count = models.PositiveSmallIntegerField(_("number of people served"), default=1)
    category = models.CharField(
        _("kind of service"), max_length=12, choices=ServiceCategory.choices
    )
    content = models.TextField(_("service content"), max_length=2000)
    volunteers = models.ManyToManyField(
        VolunteerProfile, verbose_name=_("volunteers present"), related_name="service_logs"
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        help_text=_("Hours each volunteer present gave."),
    )
    request = models.ForeignKey(
        HelpRequest,
        verbose_name=_("help request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="logs",
    )
    activity = models.ForeignKey(
        "scoring.Activity",
        verbose_name=_("points recorded as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ServiceLogQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-served_at", "-id"]
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")
        indexes = [
            models.Index(fields=["team", "served_at"]),
            models.Index(fields=["served_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.served_at:%Y-%m-%d}"


class ServiceLogCorrection(AppendOnly, models.Model):
    """A correction of a service log (服务日志更正) by its team's leader or the branch
    secretary, with the reason: what the log said before and what it says after, for
    the figures a correction may change. Append-only: the log itself holds the corrected
    figures, these rows its story; the points follow through the scoring ledger's
    corrections (`helpdesk.services.correct_service_log`)."""

    log = models.ForeignKey(
        ServiceLog,
        verbose_name=_("service log"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    reason = models.CharField(_("reason for the correction"), max_length=200)
    hours_before = models.DecimalField(_("hours before"), max_digits=4, decimal_places=1)
    hours_after = models.DecimalField(_("hours after"), max_digits=4, decimal_places=1)
    people_count_before = models.PositiveSmallIntegerField(_("number served before"))
    people_count_after = models.PositiveSmallIntegerField(_("number served after"))
    people_served_before = models.CharField(_("people served before"), max_length=200)
    people_served_after = models.CharField(_("people served after"), max_length=200)
    content_before = models.TextField(_("content before"), max_length=2000)
    content_after = models.TextField(_("content after"), max_length=2000)
    # The names of the volunteers present, as they read at the time ("、" between).
    volunteers_before = models.TextField(_("volunteers before"))
    volunteers_after = models.TextField(_("volunteers after"))
    activity_before = models.ForeignKey(
        "scoring.Activity",
        verbose_name=_("points recorded as, before"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activity_after = models.ForeignKey(
        "scoring.Activity",
        verbose_name=_("points recorded as, after"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"))

    objects = AppendOnlyQuerySet.as_manager()
    never_changed = _("A correction is never changed: record another one.")

    class Meta:
        ordering = ["log", "corrected_at", "id"]
        verbose_name = _("service log correction")
        verbose_name_plural = _("service log corrections")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="service_log_correction_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.log} · {self.corrected_at:%Y-%m-%d}"


class VolunteerYear(models.Model):
    """A volunteer's figures for one year: hours and services from the service logs they
    were present at, and the satisfaction votes (ratings) of the requests those logs
    answered. Recomputed from the logs by the services whenever a log or a rating is
    recorded; read by the excellent-volunteer list."""

    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1, default=Decimal("0"))
    services = models.PositiveIntegerField(_("services"), default=0)
    votes = models.PositiveIntegerField(_("satisfaction votes"), default=0)
    favourable = models.PositiveIntegerField(_("favourable votes"), default=0)

    class Meta:
        ordering = ["year", "profile"]
        verbose_name = _("volunteer's year")
        verbose_name_plural = _("volunteers' years")
        constraints = [
            models.UniqueConstraint(fields=["profile", "year"], name="one_figure_row_a_year"),
            models.CheckConstraint(
                condition=Q(favourable__lte=F("votes")), name="favourable_within_votes"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "hours"]),
            models.Index(fields=["year", "services"]),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.year}"

    @property
    def favourable_percent(self) -> Decimal | None:
        if not self.votes:
            return None
        return (Decimal(self.favourable) * 100 / self.votes).quantize(Decimal("0.1"))


# --- excellent volunteers (优秀党员义工) ------------------------------------------------------


class ExcellenceRule(models.Model):
    """A district's rule for excellent volunteers (优秀党员义工) in a year: at least
    `min_hours` service hours or at least `min_services` services, and at least (or,
    by `favourable_comparison`, more than) `min_favourable_percent` % favourable
    satisfaction votes. Without a stored rule the defaults (300 hours, 100 services,
    at least 80 %) apply.

    The comparison is a setting because the sources differ: the case report says
    满意票超过80% (more than), the design brief "at least 80 %"; the brief's reading is
    the default."""

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        MORE_THAN = "more_than", _("more than")

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="excellence_rules",
        limit_choices_to={"kind": Unit.Kind.DISTRICT},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    min_hours = models.DecimalField(
        _("at least this many hours"), max_digits=6, decimal_places=1, default=Decimal("300")
    )
    min_services = models.PositiveIntegerField(_("or at least this many services"), default=100)
    min_favourable_percent = models.PositiveSmallIntegerField(
        _("and this share of favourable votes (%)"), default=80
    )
    favourable_comparison = models.CharField(
        _("the favourable share must be"),
        max_length=10,
        choices=Comparison.choices,
        default=Comparison.AT_LEAST,
    )
    min_votes = models.PositiveSmallIntegerField(
        _("the share counts from this many ratings"),
        default=5,
        help_text=_(
            "With fewer ratings a volunteer does not qualify on satisfaction: one vote is "
            "not 100 %."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "-year"]
        verbose_name = _("excellent-volunteer rule")
        verbose_name_plural = _("excellent-volunteer rules")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_excellence_rule_a_year"),
            models.CheckConstraint(
                condition=Q(min_favourable_percent__lte=100), name="favourable_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(favourable_comparison__in=["at_least", "more_than"]),
                name="favourable_comparison_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"

    def qualifies(self, *, hours: Decimal, services: int, votes: int, favourable: int) -> bool:
        """The rule itself; `helpdesk.queries.excellent_volunteers` says the same in SQL.
        Without any vote, or with fewer than `min_votes`, there is no satisfaction to
        speak of: not excellent."""
        enough_work = hours >= self.min_hours or services >= self.min_services
        share, needed = favourable * 100, self.min_favourable_percent * votes
        enough_votes = votes > 0 and votes >= self.min_votes
        if self.favourable_comparison == self.Comparison.MORE_THAN:
            satisfied = enough_votes and share > needed
        else:
            satisfied = enough_votes and share >= needed
        return enough_work and satisfied


# --- time limits and alerts (有求必应) -----------------------------------------------------------


class ResponseRule(models.Model):
    """A district's time limits for requests: dispatched within `dispatch_minutes` of
    receipt, someone on site within `arrive_minutes` of dispatch, resolved within
    `resolve_hours` of receipt. Past a limit the team leader is told, the branch
    secretary `secretary_after_minutes` later and the town `town_after_minutes` after
    the limit (`helpdesk.escalation`). Without a stored rule the defaults apply."""

    district = models.OneToOneField(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="response_rule",
        limit_choices_to={"kind": Unit.Kind.DISTRICT},
    )
    dispatch_minutes = models.PositiveIntegerField(
        _("dispatched to a team within (minutes)"),
        default=int(DISPATCH_WITHIN.total_seconds() // 60),
    )
    arrive_minutes = models.PositiveIntegerField(
        _("someone on site within (minutes of dispatch)"),
        default=int(ARRIVE_WITHIN.total_seconds() // 60),
    )
    resolve_hours = models.PositiveIntegerField(
        _("resolved within (hours of receipt)"),
        default=int(RESOLVE_WITHIN.total_seconds() // 3600),
    )
    secretary_after_minutes = models.PositiveIntegerField(
        _("the branch secretary is told this many minutes after a limit"),
        default=int(SECRETARY_AFTER.total_seconds() // 60),
    )
    town_after_minutes = models.PositiveIntegerField(
        _("the town is told this many minutes after a limit"),
        default=int(TOWN_AFTER.total_seconds() // 60),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["district"]
        verbose_name = _("time limits for requests")
        verbose_name_plural = _("time limits for requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(dispatch_minutes__gt=0)
                & Q(arrive_minutes__gt=0)
                & Q(resolve_hours__gt=0),
                name="response_limits_positive",
            ),
            models.CheckConstraint(
                condition=Q(secretary_after_minutes__lte=F("town_after_minutes")),
                name="response_secretary_before_town",
            ),
        ]

    def __str__(self) -> str:
        return str(self.district)

    @property
    def limits(self) -> ResponseLimits:
        return ResponseLimits(
            dispatch=dt.timedelta(minutes=self.dispatch_minutes),
            arrive=dt.timedelta(minutes=self.arrive_minutes),
            resolve=dt.timedelta(hours=self.resolve_hours),
            secretary_after=dt.timedelta(minutes=self.secretary_after_minutes),
            town_after=dt.timedelta(minutes=self.town_after_minutes),
        )


class RequestAlert(AppendOnly, models.Model):
    """An alert sent about a request: that it found no team, or that it passed a time
    limit, to one level (the team leader, the branch secretary, the town), with the names
    of the people told. Kept once per request, stage, level and team, so a rerun of the
    escalation sends nothing twice. Append-only."""

    class Stage(models.TextChoices):
        NO_TEAM = "no_team", _("No team for the request")
        DISPATCH = "dispatch", _("Not dispatched in time")
        ARRIVAL = "arrival", _("Nobody on site in time")
        RESOLUTION = "resolution", _("Not resolved in time")

    class Level(models.TextChoices):
        LEADER = "leader", _("the team leader")
        SECRETARY = "secretary", _("the branch secretary")
        TOWN = "town", _("the town")
        OPERATORS = "operators", _("the branch secretary and the town")

    request = models.ForeignKey(HelpRequest, on_delete=models.PROTECT, related_name="alerts")
    stage = models.CharField(_("why"), max_length=12, choices=Stage.choices)
    level = models.CharField(_("told"), max_length=12, choices=Level.choices)
    team = models.ForeignKey(
        ServiceTeam,
        verbose_name=_("service team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key = models.CharField(max_length=60, editable=False)
    at = models.DateTimeField(_("when"))
    told = models.CharField(_("people told"), max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("request alert")
        verbose_name_plural = _("request alerts")
        constraints = [
            models.UniqueConstraint(fields=["request", "key"], name="one_alert_per_step_and_level"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.key}"


# --- a team's history (服务队变动) ----------------------------------------------------------------


class TeamEvent(AppendOnly, models.Model):
    """One line of a team's history: a volunteer joined or left, or became or stopped
    being its leader, on a date, by whom. Written by `helpdesk.services.set_team`;
    append-only. Rows carried over from before the history was kept are marked."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("joined the team")
        LEFT = "left", _("left the team")
        LEADER = "leader", _("became the team leader")
        LEADER_ENDED = "leader_ended", _("stopped leading the team")

    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("service team"), on_delete=models.PROTECT, related_name="events"
    )
    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="team_events",
    )
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Recorded when the history began, from the membership's own date."),
    )

    objects = AppendOnlyQuerySet.as_manager()
    never_changed = _("A team's history is never changed.")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("team event")
        verbose_name_plural = _("team events")
        indexes = [
            models.Index(fields=["team", "at"]),
            models.Index(fields=["profile", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.profile} {self.kind}"


# --- the year's excellent volunteers, selected (优秀党员义工评选) ---------------------------------


class ExcellentSelection(models.Model):
    """A district's selection of the year's excellent volunteers (优秀党员义工评选): the
    towns propose volunteers from the qualifying list, the district confirms them and
    publishes the selection; once published it is frozen and public."""

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="excellent_selections",
        limit_choices_to={"kind": Unit.Kind.DISTRICT},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "-year"]
        verbose_name = _("excellent-volunteer selection")
        verbose_name_plural = _("excellent-volunteer selections")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_selection_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ExcellentNominationQuerySet(models.QuerySet):
    def honours(self) -> "ExcellentNominationQuerySet":
        """Confirmed in a published selection: the honours a volunteer holds."""
        return self.filter(
            state=ExcellentNomination.State.CONFIRMED, selection__published_at__isnull=False
        )


class ExcellentNomination(models.Model):
    """A town's proposal of one volunteer for the year's excellent volunteers, and the
    district's decision on it. The figures are those the proposal (then the
    confirmation) was made on."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed by the town")
        CONFIRMED = "confirmed", _("confirmed by the district")
        DECLINED = "declined", _("not confirmed")
        WITHDRAWN = "withdrawn", _("withdrawn by the town")

    selection = models.ForeignKey(
        ExcellentSelection, on_delete=models.PROTECT, related_name="nominations"
    )
    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    town = models.ForeignKey(
        Unit, verbose_name=_("proposed by town"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1, default=Decimal("0"))
    services = models.PositiveIntegerField(_("services"), default=0)
    votes = models.PositiveIntegerField(_("satisfaction votes"), default=0)
    favourable = models.PositiveIntegerField(_("favourable votes"), default=0)
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ExcellentNominationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["selection", "town", "-hours", "profile"]
        verbose_name = _("excellent-volunteer nomination")
        verbose_name_plural = _("excellent-volunteer nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "profile"], name="one_nomination_a_volunteer"
            ),
            models.CheckConstraint(
                condition=Q(favourable__lte=F("votes")), name="nomination_favourable_within_votes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.selection} {self.profile}"

    @property
    def favourable_percent(self) -> Decimal | None:
        if not self.votes:
            return None
        return (Decimal(self.favourable) * 100 / self.votes).quantize(Decimal("0.1"))


# --- joining the pool (申请加入党员义工) -------------------------------------------------------


class ConductText(models.Model):
    """A district's service standards and code of conduct for volunteers (挂牌服务: wear
    the badge, keep the phone on, the rules of service), one version at a time: a
    change is a new version, so every application names the exact text accepted."""

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="conduct_texts",
        limit_choices_to={"kind": Unit.Kind.DISTRICT},
    )
    version = models.PositiveSmallIntegerField(_("version"))
    body = models.TextField(_("service standards and code of conduct"), max_length=5000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["district", "-version"]
        verbose_name = _("code of conduct")
        verbose_name_plural = _("codes of conduct")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "version"], name="one_conduct_text_a_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} v{self.version}"


class VolunteerApplication(models.Model):
    """A member's application to join the volunteer pool (申请成为党员义工), made on
    their phone: what they can do and when, and the code of conduct they accepted. The
    branch secretary approves it (which enrols them) or declines it with a reason."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for the branch")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="volunteer_applications",
    )
    branch = models.ForeignKey(
        Unit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    capability_types = models.ManyToManyField(
        "members.CapabilityType", verbose_name=_("capability types"), blank=True, related_name="+"
    )
    specialties = models.CharField(_("specialties for service"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    conduct = models.ForeignKey(
        ConductText,
        verbose_name=_("code of conduct accepted"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    accepted_at = models.DateTimeField(_("accepted at"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.WAITING
    )
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer profile"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("volunteer application")
        verbose_name_plural = _("volunteer applications")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="waiting"),
                name="one_waiting_application_a_member",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(reason=""),
                name="a_declined_application_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.created_at:%Y-%m-%d}"
