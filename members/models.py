"""The organisation tree, people, capability types, roles and a branch's local situation."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from members import idnumbers


class UnitQuerySet(models.QuerySet):
    def within(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)

    def under_any(self, paths: list[str]) -> "UnitQuerySet":
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)

    def branches(self) -> "UnitQuerySet":
        return self.filter(kind=Unit.Kind.BRANCH)


class Unit(models.Model):
    """A unit of the organisation tree (组织): district 区 → town or street 镇/街道 →
    branch 村/社区党组织 → grid 网格.

    `path` holds the codes from the root down ("/330602/01/0003/"), so "everything in
    this town" is one indexed prefix match.
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        TOWN = "town", _("Town or street")
        BRANCH = "branch", _("Branch")
        GRID = "grid", _("Grid")

    PARENT_KIND = {
        Kind.DISTRICT: None,
        Kind.TOWN: Kind.DISTRICT,
        Kind.BRANCH: Kind.TOWN,
        Kind.GRID: Kind.BRANCH,
    }

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    households = models.PositiveIntegerField(
        _("households"), null=True, blank=True, help_text=_("For a grid: households it covers.")
    )
    address = models.CharField(_("address or area"), max_length=200, blank=True)

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.UniqueConstraint(fields=["parent", "code"], name="unit_code_unique_in_parent"),
            models.CheckConstraint(
                condition=Q(kind="district", parent__isnull=True)
                | (~Q(kind="district") & Q(parent__isnull=False)),
                name="unit_only_district_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit and every unit above it, nearest last."""
        parts = [p for p in self.path.split("/") if p]
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class PartnerUnitQuerySet(models.QuerySet):
    def serving(self, units) -> "PartnerUnitQuerySet":
        """Partner units serving or employing members in `units`, with the number of
        their in-service members there."""
        in_scope = Q(served_units__in=units) | Q(employees__branch__in=units)
        return (
            self.filter(in_scope)
            .distinct()
            .annotate(
                employees_count=models.Count(
                    "employees", filter=Q(employees__branch__in=units), distinct=True
                )
            )
            .prefetch_related("served_units")
        )


class PartnerUnit(models.Model):
    """A partner unit (共建单位): an outside organisation whose in-service members
    (在职党员) serve in a community, and to which their pledges and results are reported."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    served_units = models.ManyToManyField(
        Unit, verbose_name=_("communities served"), blank=True, related_name="partner_units"
    )

    objects = PartnerUnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")

    def __str__(self) -> str:
        return self.name


class CapabilityType(models.Model):
    """A capability type (能力类型) of volunteers: agricultural, daily-life, medical, …"""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("capability type")
        verbose_name_plural = _("capability types")

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet):
    def current(self) -> "MemberQuerySet":
        """Members still in their branch: not transferred out, died or removed."""
        return self.filter(left_on__isnull=True)

    def in_unit(self, unit: Unit) -> "MemberQuerySet":
        if unit.kind == Unit.Kind.GRID:
            return self.filter(grid=unit)
        return self.filter(branch__path__startswith=unit.path)

    def eligible_for_posts(self) -> "MemberQuerySet":
        """Members counted in post coverage: everyone not exempted (暂不择岗)."""
        return self.filter(is_exempt=False)

    def counts(self) -> dict[str, int]:
        """Members, exempt members, and those counted in coverage (eligible)."""
        totals = self.aggregate(
            total=models.Count("id"), exempt=models.Count("id", filter=Q(is_exempt=True))
        )
        return {**totals, "eligible": totals["total"] - totals["exempt"]}

    def counts_by_unit(self, units: list["Unit"]) -> dict[int, dict[str, int]]:
        """`counts()` for each of `units` (children of one unit), in one query."""
        key = "grid_id" if units and units[0].kind == Unit.Kind.GRID else "branch__path"
        rows = self.values(key).annotate(
            total=models.Count("id"), exempt=models.Count("id", filter=Q(is_exempt=True))
        )
        result = {unit.pk: {"total": 0, "exempt": 0, "eligible": 0} for unit in units}
        for row in rows:
            for unit in units:
                if (
                    (row[key] == unit.pk)
                    if key == "grid_id"
                    else str(row[key]).startswith(unit.path)
                ):
                    bucket = result[unit.pk]
                    bucket["total"] += row["total"]
                    bucket["exempt"] += row["exempt"]
                    bucket["eligible"] += row["total"] - row["exempt"]
                    break
        return result

    def for_list(self) -> "MemberQuerySet":
        return self.select_related("branch", "grid", "employer").prefetch_related(
            "capability_types"
        )


class CurrentMemberManager(models.Manager.from_queryset(MemberQuerySet)):
    def get_queryset(self) -> MemberQuerySet:
        return super().get_queryset().current()


class Member(models.Model):
    """A member file (党员档案) of a person who takes part: registered and in-service
    party members, activists, capable persons and party-member volunteers."""

    class Category(models.TextChoices):
        REGISTERED = "registered", _("Registered party member")
        IN_SERVICE = "in_service", _("In-service party member")
        ACTIVIST = "activist", _("Party activist")
        CAPABLE = "capable", _("Capable person")
        VOLUNTEER = "volunteer", _("Party-member volunteer")

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class LeaveReason(models.TextChoices):
        TRANSFERRED = "transferred", _("Transferred out")
        DIED = "died", _("Died")
        REMOVED = "removed", _("Removed from the roster")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("Primary school or less")
        JUNIOR = "junior", _("Junior secondary")
        SENIOR = "senior", _("Senior secondary or vocational")
        COLLEGE = "college", _("College")
        BACHELOR = "bachelor", _("Bachelor's degree")
        POSTGRADUATE = "postgraduate", _("Postgraduate")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The ID number is never stored in clear: `id_number_cipher` holds it encrypted and
    # `id_number_hash` its keyed hash, which re-imports match on and which keeps it
    # unique (members/idnumbers.py). Read and set it as `member.id_number`; it is shown
    # only through `masked_id_number`.
    id_number_cipher = models.TextField(_("ID number (encrypted)"), editable=False)
    # Editable only so that history diffs see a change of number (as "••••": volunteer/
    # history.py `hidden`, the admin's history); no form offers it.
    id_number_hash = models.CharField(_("ID number"), max_length=64, unique=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    joined_party_on = models.DateField(_("date joined the party"), null=True, blank=True)
    branch = models.ForeignKey(
        Unit,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": Unit.Kind.BRANCH},
    )
    grid = models.ForeignKey(
        Unit,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_members",
        limit_choices_to={"kind": Unit.Kind.GRID},
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.REGISTERED
    )
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    interests = models.CharField(_("interests"), max_length=200, blank=True)
    capability_types = models.ManyToManyField(
        CapabilityType, verbose_name=_("capability types"), blank=True, related_name="members"
    )
    employer = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("employer unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
        help_text=_("For in-service members: the unit they work for."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("log-in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_file",
    )
    is_exempt = models.BooleanField(_("exempt from choosing a post"), default=False)
    exemption_reason = models.CharField(_("reason for exemption"), max_length=200, blank=True)
    exempted_at = models.DateTimeField(_("exempted at"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=LeaveReason.choices, blank=True
    )
    leave_note = models.CharField(_("note on leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Every file, departed ones included: unique checks, the admin and backups see all.
    all_files = MemberQuerySet.as_manager()
    # The members of the branch now; a departed member's records stay but drop out of
    # lists, counts, coverage and scoring.
    objects = CurrentMemberManager()
    # History keeps the hash (a change of number shows as a change), never the token.
    history = HistoricalRecords(m2m_fields=[capability_types], excluded_fields=["id_number_cipher"])

    class Meta:
        default_manager_name = "all_files"
        ordering = ["branch__path", "name", "id"]
        verbose_name = _("member file")
        verbose_name_plural = _("member files")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_exempt=False) | ~Q(exemption_reason=""),
                name="member_exemption_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["branch", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        """The whole number, decrypted: for matching and checks, never for display."""
        return idnumbers.decrypt(self.id_number_cipher)

    @id_number.setter
    def id_number(self, value: str) -> None:
        number = idnumbers.normalize(value)
        hashed = idnumbers.digest(number)
        if hashed and hashed == self.id_number_hash and self.id_number_cipher:
            return  # the same number: keep its token
        self.id_number_hash = hashed
        self.id_number_cipher = idnumbers.encrypt(number)

    @property
    def masked_id_number(self) -> str:
        return idnumbers.mask(self.id_number)

    def clean_fields(self, exclude=None) -> None:
        """The ID number is checked as a field would be (its errors under `id_number`)."""
        exclude = set(exclude or ())
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude | {"id_number_cipher", "id_number_hash"})
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "id_number" not in exclude:
            try:
                idnumbers.validate_id_number(self.id_number)
            except ValidationError as exc:
                errors.setdefault("id_number", []).extend(exc.error_list)
        if errors:
            raise ValidationError(errors)

    @property
    def has_left(self) -> bool:
        return self.left_on is not None

    def age(self, on: dt.date | None = None) -> int:
        on = on or dt.date.today()
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - before_birthday


class RoleAssignment(models.Model):
    """A role (角色) held in a unit. Roles are data: one log-in may hold several roles in
    several units. Being a member (党员) is not a row here: it is a member file linked
    to the log-in."""

    class Role(models.TextChoices):
        DISTRICT_ORGANISER = "district_organiser", _("District organiser")
        TOWN_ORGANISER = "town_organiser", _("Town organiser")
        BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
        INSTRUCTOR = "instructor", _("Post instructor")
        TEAM_LEADER = "team_leader", _("Team leader")

    UNIT_KINDS = {
        Role.DISTRICT_ORGANISER: {Unit.Kind.DISTRICT},
        Role.TOWN_ORGANISER: {Unit.Kind.TOWN},
        Role.BRANCH_SECRETARY: {Unit.Kind.BRANCH},
        Role.INSTRUCTOR: {Unit.Kind.TOWN, Unit.Kind.BRANCH},
        Role.TEAM_LEADER: {Unit.Kind.GRID},
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__path", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="role_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.unit}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.unit_id and self.unit.kind not in self.UNIT_KINDS[self.role]:
            raise ValidationError({"unit": _("This role cannot be held in a unit of this kind.")})


class LocalSituation(models.Model):
    """A branch's local situation (村情社情): households, population, venues, needy groups."""

    branch = models.OneToOneField(
        Unit,
        verbose_name=_("branch"),
        on_delete=models.CASCADE,
        related_name="situation",
        limit_choices_to={"kind": Unit.Kind.BRANCH},
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    registered_population = models.PositiveIntegerField(_("registered population"), default=0)
    resident_population = models.PositiveIntegerField(_("resident population"), default=0)
    migrant_population = models.PositiveIntegerField(_("migrant population"), default=0)
    area = models.CharField(_("area and geography"), max_length=200, blank=True)
    economy = models.TextField(_("economy"), blank=True)
    venues = models.TextField(_("office and service venues"), blank=True)
    needy_groups = models.TextField(
        _("needy groups"),
        blank=True,
        help_text=_("E.g. elderly living alone, disabled, low-income households."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("local situation")
        verbose_name_plural = _("local situations")

    def __str__(self) -> str:
        return str(self.branch)


class ResidentNeedQuerySet(models.QuerySet):
    def open(self) -> "ResidentNeedQuerySet":
        return self.filter(is_met=False)


class ResidentNeed(models.Model):
    """An entry in a branch's register of residents' needs (群众需求): the problems posts
    are set up to answer."""

    class Category(models.TextChoices):
        INCOME = "income", _("Raising incomes")
        PUBLIC_ORDER = "public_order", _("Public order")
        ENVIRONMENT = "environment", _("Environment")
        LIVELIHOOD = "livelihood", _("Livelihood and welfare")
        PUBLIC_SERVICE = "public_service", _("Convenience services")
        OTHER = "other", _("Other")

    branch = models.ForeignKey(
        Unit,
        verbose_name=_("branch"),
        on_delete=models.CASCADE,
        related_name="needs",
        limit_choices_to={"kind": Unit.Kind.BRANCH},
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("need"), max_length=100)
    description = models.TextField(_("details"), blank=True)
    raised_by = models.CharField(
        _("raised by"),
        max_length=100,
        blank=True,
        help_text=_("Who raised it, e.g. a survey or a resident."),
    )
    raised_on = models.DateField(_("raised on"))
    is_met = models.BooleanField(_("met"), default=False)

    objects = ResidentNeedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["is_met", "-raised_on", "id"]
        verbose_name = _("residents' need")
        verbose_name_plural = _("residents' needs")

    def __str__(self) -> str:
        return self.title


class RosterImport(models.Model):
    """An uploaded roster spreadsheet, kept between preview and confirmation so that what
    is saved is exactly what was previewed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        APPLIED = "applied", _("Saved")
        DISCARDED = "discarded", _("Discarded")

    branch = models.ForeignKey(
        Unit, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="roster_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField()
    # The sheet the clerk chose ("" the first visible one, "*" every visible sheet).
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    applied_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return self.filename


class ActivationCodeQuerySet(models.QuerySet):
    def usable(self) -> "ActivationCodeQuerySet":
        return self.filter(
            used_at__isnull=True, voided_at__isnull=True, expires_at__gt=timezone.now()
        )


class ActivationCode(models.Model):
    """A one-time activation code (激活码) printed on a slip: the member opens the
    activation page with it and sets their own password. Only a keyed hash is stored, so
    the code on the slip is the only copy."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("log-in"),
        on_delete=models.CASCADE,
        related_name="activation_codes",
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self) -> str:
        return f"{self.user} · {self.issued_at:%Y-%m-%d}"


def audit_keep_days() -> int:
    return getattr(settings, "AUDIT_KEEP_DAYS", 180)


class SecurityEventQuerySet(models.QuerySet):
    """The trail is append-only, like the points ledger: bulk updates and deletes are
    refused; only `prune` removes events, and only those past the retention."""

    def update(self, **kwargs):
        raise ValidationError(_("Security events are never changed."))

    def delete(self):
        raise ValidationError(_("Security events are never deleted."))

    def prune(self, *, now: dt.datetime | None = None) -> int:
        """Delete the events older than AUDIT_KEEP_DAYS days (the daily sweep's task).
        Returns how many were deleted."""
        cutoff = (now or timezone.now()) - dt.timedelta(days=audit_keep_days())
        deleted, _counts = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return deleted


class SecurityEvent(models.Model):
    """One line of the security audit trail (安全审计记录): who did what, when and
    from which address. Append-only; kept AUDIT_KEEP_DAYS days, then pruned by the daily
    sweep. `username` keeps the log-in name as given, so the line still says who when
    the log-in is gone or never existed (a failed log-in)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOCKED_OUT = "locked_out", _("Locked out")
        UNLOCKED = "unlocked", _("Lock lifted")
        SESSION_EXPIRED = "session_expired", _("Session ended when idle")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REVOKED = "role_revoked", _("Role revoked")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset by e-mail")
        CODE_ISSUED = "code_issued", _("Activation code issued")
        CODE_USED = "code_used", _("Activation code used")
        EXPORT = "export", _("Export or print with personal data")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("log-in name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("person concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["kind", "at"], name="security_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} · {self.get_kind_display()} · {self.username}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("Security events are never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Security events are never deleted."))
