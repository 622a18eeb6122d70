"""Steps 1–3 of the five-step method: post types and duty menus, posts, choices, pledges."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, ResidentNeed, Unit
from volunteer import verification


def new_verify_code() -> str:
    """A short unguessable code for the public verification page (QR codes)."""
    return verification.new_code()


class PostTypeQuerySet(models.QuerySet):
    def for_branch(self, branch: Unit) -> "PostTypeQuerySet":
        """The common types a branch may use: those of its town."""
        return self.filter(town_id=branch.parent_id, is_active=True)


class PostType(models.Model):
    """A common post type (共性岗位) set by a town, e.g. 治安维稳岗, with its duty menu
    (履岗菜单)."""

    town = models.ForeignKey(
        Unit,
        verbose_name=_("town or street"),
        on_delete=models.PROTECT,
        related_name="post_types",
        limit_choices_to={"kind": Unit.Kind.TOWN},
    )
    name = models.CharField(_("name of the post type"), max_length=50)
    description = models.TextField(_("duties"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = PostTypeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["town", "sort_order", "name"]
        verbose_name = _("post type")
        verbose_name_plural = _("post types")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="post_type_name_unique_in_town")
        ]

    def __str__(self) -> str:
        return self.name


class DutyItem(models.Model):
    """An item on a duty menu (履岗菜单): a service a post holder can pledge, e.g. night
    patrol. It belongs to a common type's menu, or to one branch post's own additions."""

    post_type = models.ForeignKey(
        PostType, null=True, blank=True, on_delete=models.CASCADE, related_name="menu_items"
    )
    post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.CASCADE, related_name="own_items"
    )
    name = models.CharField(_("service item"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("duty menu item")
        verbose_name_plural = _("duty menu items")
        constraints = [
            models.CheckConstraint(
                condition=Q(post_type__isnull=False, post__isnull=True)
                | Q(post_type__isnull=True, post__isnull=False),
                name="duty_item_on_one_menu",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PostQuerySet(models.QuerySet):
    def in_unit(self, unit: Unit) -> "PostQuerySet":
        return self.filter(branch__path__startswith=unit.path)

    def for_year(self, year: int) -> "PostQuerySet":
        return self.filter(year=year)

    def open(self) -> "PostQuerySet":
        return self.filter(is_active=True)

    def with_holders(self) -> "PostQuerySet":
        return self.annotate(
            holders_count=models.Count(
                "choices", filter=Q(choices__status="confirmed"), distinct=True
            )
        )


class Post(models.Model):
    """A post (岗位) of a branch for a year: an instance of a common type, or the
    branch's own post (个性岗位, e.g. 侨情联络岗)."""

    branch = models.ForeignKey(
        Unit,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="posts",
        limit_choices_to={"kind": Unit.Kind.BRANCH},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    post_type = models.ForeignKey(
        PostType,
        verbose_name=_("common post type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        help_text=_("Leave empty for the branch's own post."),
    )
    name = models.CharField(_("name of the post"), max_length=50)
    duties = models.TextField(_("duties"), blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    needs = models.ManyToManyField(
        ResidentNeed,
        verbose_name=_("residents' needs it answers"),
        blank=True,
        related_name="posts",
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instructed_posts",
    )
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PostQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[needs])

    class Meta:
        ordering = ["branch", "-year", "name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="post_has_a_seat"),
            models.UniqueConstraint(
                fields=["branch", "year", "name"], name="post_name_unique_in_branch_year"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_own_post(self) -> bool:
        return self.post_type_id is None

    def menu(self) -> list[DutyItem]:
        """The post's duty menu: its type's items, then the branch's own additions."""
        items = list(self.own_items.filter(is_active=True))
        if self.post_type_id:
            items = list(self.post_type.menu_items.filter(is_active=True)) + items
        return items


class ChoiceQuerySet(models.QuerySet):
    def confirmed(self) -> "ChoiceQuerySet":
        return self.filter(status=Choice.Status.CONFIRMED)

    def pending(self) -> "ChoiceQuerySet":
        return self.filter(status__in=[Choice.Status.APPLIED, Choice.Status.RECOMMENDED])

    def in_unit(self, unit: Unit) -> "ChoiceQuerySet":
        return self.filter(post__branch__path__startswith=unit.path)


class Choice(models.Model):
    """A member's choice of a post (择岗): an application or a branch-meeting
    recommendation, which the branch confirms (issuing a post certificate, 党员岗位证) or
    declines."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        RECOMMENDED = "recommended", _("Recommended")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ENDED = "ended", _("Left the post")

    class Source(models.TextChoices):
        APPLICATION = "application", _("Member's application")
        RECOMMENDATION = "recommendation", _("Branch meeting recommendation")

    OPEN_STATUSES = [Status.APPLIED, Status.RECOMMENDED, Status.CONFIRMED]

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="choices"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="choices"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    source = models.CharField(_("source"), max_length=15, choices=Source.choices)
    meeting_date = models.DateField(_("branch meeting date"), null=True, blank=True)
    meeting_note = models.TextField(_("minutes note"), blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    certificate_number = models.CharField(
        _("post certificate number"), max_length=20, unique=True, null=True, blank=True
    )
    verify_code = models.CharField(
        max_length=16, unique=True, default=new_verify_code, editable=False
    )

    objects = ChoiceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["post", "member__name"]
        verbose_name = _("post choice")
        verbose_name_plural = _("post choices")
        constraints = [
            # One live choice per member and post; declined or withdrawn ones may repeat.
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=Q(status__in=["applied", "recommended", "confirmed"]),
                name="one_open_choice_per_member_and_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.post}"


class PledgeQuerySet(models.QuerySet):
    def in_unit(self, unit: Unit) -> "PledgeQuerySet":
        return self.filter(choice__post__branch__path__startswith=unit.path)

    def awaiting_publication(self) -> "PledgeQuerySet":
        return self.filter(status=Pledge.Status.APPROVED)

    def published(self) -> "PledgeQuerySet":
        return self.filter(status=Pledge.Status.PUBLISHED)


class Pledge(models.Model):
    """A pledge (择岗承诺书) for one confirmed post: items picked from the post's duty
    menu, each with a concrete commitment. Its content lives in versions that are never
    changed (台账): every edit writes a new one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved, waiting for publication")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("No longer valid")

    choice = models.OneToOneField(
        Choice, verbose_name=_("post choice"), on_delete=models.PROTECT, related_name="pledge"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version_count = models.PositiveSmallIntegerField(default=0)
    # What the notice board shows: the last published version, kept while a revision
    # of it goes through review.
    published_version = models.ForeignKey(
        "PledgeVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    verify_code = models.CharField(
        max_length=16, unique=True, default=new_verify_code, editable=False
    )

    objects = PledgeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return str(self.choice)

    def current_version(self) -> "PledgeVersion | None":
        return self.versions.order_by("-number").first()


class PledgeVersion(models.Model):
    """One version of a pledge's content, with the review it received. Append-only."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    on_paper = models.BooleanField(
        _("entered from a paper pledge"),
        default=False,
        help_text=_("Typed in by the branch from the member's signed paper form."),
    )
    decision = models.CharField(_("review"), max_length=10, choices=Decision.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["pledge", "number"]
        verbose_name = _("pledge version")
        verbose_name_plural = _("pledge versions")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "number"], name="pledge_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pledge} v{self.number}"


class PledgeItem(models.Model):
    """One pledged item of a version: a menu item and what the member commits to do."""

    version = models.ForeignKey(PledgeVersion, on_delete=models.CASCADE, related_name="items")
    duty_item = models.ForeignKey(
        DutyItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="+"
    )
    commitment = models.CharField(_("commitment"), max_length=300)

    class Meta:
        ordering = ["version", "duty_item__sort_order", "duty_item_id"]
        verbose_name = _("pledged item")
        verbose_name_plural = _("pledged items")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "duty_item"], name="pledge_item_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty_item}: {self.commitment}"


class GuidanceNote(models.Model):
    """A post instructor's guidance on a holder's work (岗位指导意见, the case's 镇街干部
    联系制度): seen by the member and the branch. Notes are kept as written."""

    choice = models.ForeignKey(
        Choice, verbose_name=_("post holder"), on_delete=models.PROTECT, related_name="guidance"
    )
    text = models.TextField(_("guidance"), max_length=1000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("guidance note")
        verbose_name_plural = _("guidance notes")

    def __str__(self) -> str:
        return f"{self.choice} {self.written_at:%Y-%m-%d}"
