"""Steps 4–5 of the five-step method: trainings and activities, the points ledger,
monthly tallies, and (later) the year-end evaluation."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Unit
from posts.models import DutyItem


class ActivityKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective activity")
    INDIVIDUAL = "individual", _("Individual service")
    TRAINING = "training", _("Training")
    MEETING = "meeting", _("Quarterly exchange meeting")


DEFAULT_POINTS = {
    ActivityKind.COLLECTIVE: Decimal("2"),
    ActivityKind.INDIVIDUAL: Decimal("3"),
    ActivityKind.TRAINING: Decimal("1"),
    ActivityKind.MEETING: Decimal("1"),
}


class PointsRuleQuerySet(models.QuerySet):
    def in_force(self, *, district: Unit, kind: str, on: dt.date) -> "PointsRule | None":
        """The rule that applies to an activity of `kind` held on `on`."""
        return (
            self.filter(district=district, kind=kind, effective_from__lte=on)
            .order_by("-effective_from", "-id")
            .first()
        )


class PointsRule(models.Model):
    """A district's points rule (积分规则): points for one attendance of an activity kind,
    from a date on. A change is a new row, so every entry can name the rule that gave it."""

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="points_rules",
        limit_choices_to={"kind": Unit.Kind.DISTRICT},
    )
    kind = models.CharField(_("activity kind"), max_length=12, choices=ActivityKind.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    effective_from = models.DateField(_("in force from"))
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = PointsRuleQuerySet.as_manager()

    class Meta:
        ordering = ["district", "kind", "-effective_from"]
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "effective_from"], name="one_points_rule_per_day"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="points_rule_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points} ({self.effective_from})"


class JointTraining(models.Model):
    """A training a town or the district holds for members of several branches (镇街集中
    培训). Its attendance is recorded once, by the organiser: each branch gets its part as
    an ordinary training activity (`Activity.joint_training`), so the points, the branch's
    tally and each member's card work as for any activity."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="joint_trainings",
        limit_choices_to={"kind__in": [Unit.Kind.TOWN, Unit.Kind.DISTRICT]},
    )
    title = models.CharField(_("topic"), max_length=100)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    trainer = models.CharField(_("trainer"), max_length=50, blank=True)
    description = models.TextField(_("what was done"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("joint training")
        verbose_name_plural = _("joint trainings")

    def __str__(self) -> str:
        return self.title


class ActivityQuerySet(models.QuerySet):
    def in_unit(self, unit: Unit) -> "ActivityQuerySet":
        return self.filter(branch__path__startswith=unit.path)

    def in_year(self, year: int) -> "ActivityQuerySet":
        return self.filter(held_on__year=year)


class Activity(models.Model):
    """Something done in a post (履岗): a training (培训), a collective activity
    (集体活动), an individual service (个人服务) or a quarterly exchange meeting
    (工作交流会). Who took part is its attendance."""

    branch = models.ForeignKey(
        Unit,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"kind": Unit.Kind.BRANCH},
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("topic"), max_length=100)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    trainer = models.CharField(_("trainer"), max_length=50, blank=True)
    people_served = models.CharField(_("people served"), max_length=200, blank=True)
    description = models.TextField(_("what was done"), blank=True)
    # Service hours (服务时长) each member present gave, when they are counted: the grid
    # service logs pass them; activities without hours leave it empty.
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    # What the case report sums for a district (走访群众3200余次, 收集信息1700多条, 解决实际
    # 困难1042件): counted on each activity, summed on the dashboards.
    visits = models.PositiveIntegerField(_("residents visited"), default=0)
    information = models.PositiveIntegerField(_("pieces of information collected"), default=0)
    problems_solved = models.PositiveIntegerField(_("problems solved"), default=0)
    duty_items = models.ManyToManyField(
        DutyItem, verbose_name=_("pledged items it fulfils"), blank=True, related_name="activities"
    )
    joint_training = models.ForeignKey(
        JointTraining,
        verbose_name=_("part of the joint training"),
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[duty_items])

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gt=0) & Q(hours__lte=24)),
                name="activity_hours_in_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """A member's part in an activity; it earns a points entry."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="attendances"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="attend_once")]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity}"


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes would bypass the ledger's rules: refuse them."""

    def update(self, **kwargs):
        raise ValidationError(_("Points entries are never changed: record a correction."))

    def delete(self):
        raise ValidationError(_("Points entries are never deleted: record a correction."))


class PointsEntryQuerySet(AppendOnlyQuerySet):
    def in_unit(self, unit: Unit) -> "PointsEntryQuerySet":
        return self.filter(branch__path__startswith=unit.path)

    def total(self) -> Decimal:
        return self.aggregate(total=Sum("points"))["total"] or Decimal("0")


class PointsEntry(models.Model):
    """One line of the points ledger (服务积分台账). Append-only: an entry is never
    edited or deleted; a correction is a new entry that names the one it corrects.

    `month` is the tally month it counts in: the month of the activity, or — when that
    month's tally was already published — the first month still open, so published
    figures never change and the correction shows in the following month."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="points_entries"
    )
    branch = models.ForeignKey(
        Unit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="points_entries"
    )
    month = models.DateField(_("tally month"))
    occurred_on = models.DateField(_("date of the activity"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1)
    attendance = models.ForeignKey(
        Attendance, null=True, blank=True, on_delete=models.PROTECT, related_name="points_entries"
    )
    rule = models.ForeignKey(
        PointsRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        ordering = ["month", "occurred_on", "id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["branch", "month"]),
            models.Index(fields=["member", "month"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""), name="correction_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.points:+}"

    def save(self, *args, **kwargs):
        # The ledger's one invariant that the database cannot hold for us on SQLite.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Points entries are never changed: record a correction."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Points entries are never deleted: record a correction."))

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None


class MonthlyTally(models.Model):
    """A branch's published monthly tally (积分公示). Once published its lines are frozen
    copies: later corrections count in the next open month."""

    branch = models.ForeignKey(
        Unit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="tallies"
    )
    month = models.DateField(_("month"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    total_points = models.DecimalField(_("total points"), max_digits=9, decimal_places=1)

    class Meta:
        ordering = ["branch", "-month"]
        verbose_name = _("monthly tally")
        verbose_name_plural = _("monthly tallies")
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="one_tally_per_branch_month")
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.month:%Y-%m}"


class TallyLine(models.Model):
    """One member's frozen figures in a published tally."""

    tally = models.ForeignKey(MonthlyTally, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    member_name = models.CharField(max_length=50)
    points = models.DecimalField(max_digits=7, decimal_places=1)
    corrections = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    year_to_date = models.DecimalField(max_digits=8, decimal_places=1)

    class Meta:
        ordering = ["tally", "-points", "member_name"]
        constraints = [
            models.UniqueConstraint(fields=["tally", "member"], name="one_line_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_name} {self.points}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


# About eight points a month: the branch's monthly collective activity (2 points) and
# two individual services (3 each). A district that finds it too high or too low sets its
# own; the grade distribution before publishing shows a target that does not fit.
DEFAULT_TARGET_POINTS = Decimal("100")


class EvaluationRule(models.Model):
    """A district's rule for the year-end evaluation (考评规则): how points become a
    0–100 score, the weights of appraisal and points, and the grade thresholds."""

    class PointsMethod(models.TextChoices):
        TARGET = "target", _("Relative to a target (target or more = 100)")
        RELATIVE_TO_BEST = "best", _("Relative to the branch's best (best = 100)")
        RANK = "rank", _("By rank within the branch (first = 100, last = 0)")

    class GridPoints(models.TextChoices):
        FULL = "full", _("Count in full")
        CAPPED = "capped", _("Count up to a cap")
        NONE = "none", _("Do not count")

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="evaluation_rules",
        limit_choices_to={"kind": Unit.Kind.DISTRICT},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    points_method = models.CharField(
        _("points score"),
        max_length=10,
        choices=PointsMethod.choices,
        default=PointsMethod.TARGET,
    )
    # A yearly target is fair to every branch: one member's many grid services no longer
    # push everyone else of the branch down, as scoring against the branch's best did.
    target_points = models.DecimalField(
        _("target points"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        default=DEFAULT_TARGET_POINTS,
    )
    # Grid-service points are the entries of activities recorded with service hours,
    # which only the grid service's logs pass (helpdesk.services).
    grid_points = models.CharField(
        _("grid-service points in the score"),
        max_length=10,
        choices=GridPoints.choices,
        default=GridPoints.FULL,
    )
    grid_points_cap = models.DecimalField(
        _("cap on grid-service points"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    appraisal_weight = models.DecimalField(
        _("weight of the appraisal"), max_digits=3, decimal_places=2, default=Decimal("0.50")
    )
    points_weight = models.DecimalField(
        _("weight of the points"), max_digits=3, decimal_places=2, default=Decimal("0.50")
    )
    excellent_from = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=1, default=Decimal("90")
    )
    good_from = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=1, default=Decimal("75")
    )
    average_from = models.DecimalField(
        _("average from"), max_digits=5, decimal_places=1, default=Decimal("60")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "-year"]
        verbose_name = _("evaluation rule")
        verbose_name_plural = _("evaluation rules")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="one_evaluation_rule_per_year"
            ),
            models.CheckConstraint(
                condition=Q(excellent_from__gt=models.F("good_from"))
                & Q(good_from__gt=models.F("average_from")),
                name="grade_thresholds_descend",
            ),
            models.CheckConstraint(
                condition=~Q(points_method="target") | Q(target_points__gt=0),
                name="target_method_has_a_target",
            ),
            models.CheckConstraint(
                condition=~Q(grid_points="capped") | Q(grid_points_cap__gt=0),
                name="capped_grid_points_have_a_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"

    def clean(self) -> None:
        if self.appraisal_weight + self.points_weight != Decimal("1"):
            raise ValidationError(_("The two weights must add up to 1 (e.g. 0.5 and 0.5)."))


class Evaluation(models.Model):
    """A member's year-end evaluation (民主评岗): self-report (述岗自评), appraisal votes
    by members and residents' representatives, the organisation's assessment, and the
    computed scores and grade. The scores are stored with the rule that gave them."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="evaluations"
    )
    branch = models.ForeignKey(
        Unit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    self_report = models.TextField(_("self-report"), blank=True)
    organisation_assessment = models.TextField(_("organisation's assessment"), blank=True)
    # A paper vote's counts per voter group. Counts saved before the groups were
    # recorded stay as they were ("ungrouped") until the branch enters them again.
    paper_member_favourable = models.PositiveIntegerField(
        _("favourable votes on paper by party members"), default=0
    )
    paper_member_total = models.PositiveIntegerField(
        _("votes cast on paper by party members"), default=0
    )
    paper_resident_favourable = models.PositiveIntegerField(
        _("favourable votes on paper by residents' representatives"), default=0
    )
    paper_resident_total = models.PositiveIntegerField(
        _("votes cast on paper by residents' representatives"), default=0
    )
    paper_ungrouped_favourable = models.PositiveIntegerField(
        _("favourable votes on paper, voter group not recorded"), default=0
    )
    paper_ungrouped_total = models.PositiveIntegerField(
        _("votes cast on paper, voter group not recorded"), default=0
    )
    rule = models.ForeignKey(
        EvaluationRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    points_total = models.DecimalField(
        _("points of the year"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    grid_points = models.DecimalField(
        _("grid-service points"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    points_basis = models.DecimalField(
        _("points that score 100"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    points_rank = models.PositiveSmallIntegerField(_("rank in the branch"), null=True, blank=True)
    points_score = models.DecimalField(
        _("points score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    appraisal_score = models.DecimalField(
        _("appraisal score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    final_score = models.DecimalField(
        _("final score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["branch", "-year", "-final_score", "member__name"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"], name="one_evaluation_per_member_year"
            ),
            models.CheckConstraint(
                condition=Q(paper_ungrouped_favourable__lte=models.F("paper_ungrouped_total")),
                name="paper_votes_add_up",
            ),
            models.CheckConstraint(
                condition=Q(paper_member_favourable__lte=models.F("paper_member_total")),
                name="paper_member_votes_add_up",
            ),
            models.CheckConstraint(
                condition=Q(paper_resident_favourable__lte=models.F("paper_resident_total")),
                name="paper_resident_votes_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"

    @property
    def paper_favourable(self) -> int:
        return (
            self.paper_member_favourable
            + self.paper_resident_favourable
            + self.paper_ungrouped_favourable
        )

    @property
    def paper_total(self) -> int:
        return self.paper_member_total + self.paper_resident_total + self.paper_ungrouped_total


class Ballot(models.Model):
    """One appraisal ballot (评议票) entered one by one."""

    class Voter(models.TextChoices):
        MEMBER = "member", _("Party member")
        RESIDENT = "resident", _("Residents' representative")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ballots")
    voter = models.CharField(_("voter"), max_length=10, choices=Voter.choices)
    favourable = models.BooleanField(_("favourable"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.evaluation} {'+' if self.favourable else '-'}"


class Honour(models.Model):
    """An honour after the evaluation: 履岗先锋, 服务之星, or marked a reserve cadre (后备干部)."""

    class Kind(models.TextChoices):
        PIONEER = "pioneer", _("Post pioneer")
        SERVICE_STAR = "service_star", _("Service star")
        RESERVE_CADRE = "reserve_cadre", _("Reserve cadre")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="honours"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("honour"), max_length=15, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    awarded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "kind"], name="honour_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.year}"


class Sanction(models.Model):
    """A sanction after a poor grade: an admonishment talk (劝勉谈话) with its record, or
    removal from a post (退岗), which ends the post choice."""

    class Kind(models.TextChoices):
        ADMONISHMENT = "admonishment", _("Admonishment talk")
        REMOVAL = "removal", _("Removal from post")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="sanctions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("sanction"), max_length=15, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    record = models.TextField(_("record"))
    choice = models.ForeignKey(
        "posts.Choice",
        verbose_name=_("post left"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.year}"
