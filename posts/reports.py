"""Reports on posts: the post ledger and the pledge ledger (岗位台账, 承诺台账) as Excel
rows, and coverage figures (覆盖率) per town or branch.

Every function here reads a whole unit (a branch, a town or the district) with a fixed
number of queries, whatever the number of posts, members or pledges in it. The row
generators yield plain values; `volunteer.xlsx.rows_to_xlsx` writes them, so text that
looks like a formula never becomes one.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.models import Member, Unit
from posts.models import Choice, PledgeItem, PledgeVersion, Post

NAME_SEPARATOR = "、"


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write the local (China) time without one."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def _town_name(branch: Unit) -> str:
    parent = branch.parent
    return parent.name if parent is not None and parent.kind == Unit.Kind.TOWN else ""


# --- post ledger (岗位台账) -----------------------------------------------------------------


def post_ledger_headers() -> list[str]:
    return [
        _("Town or street"),
        _("Branch"),
        _("Post"),
        _("Common post type"),
        _("Year"),
        _("Seats"),
        _("Holders"),
        _("Seats left"),
        _("Instructor"),
        _("Residents' needs it answers"),
        _("Status"),
    ]


POST_LEDGER_WIDTHS = [12, 14, 16, 14, 6, 6, 40, 8, 10, 36, 8]


def ledger_posts(unit: Unit, year: int) -> QuerySet[Post]:
    """The posts of a unit for a year, with everything the ledger shows: 4 queries."""
    holders = Choice.objects.confirmed().select_related("member").order_by("member__name", "pk")
    return (
        Post.objects.in_unit(unit)
        .for_year(year)
        .select_related("branch__parent", "post_type", "instructor")
        .prefetch_related(
            Prefetch("choices", queryset=holders, to_attr="holders"),
            "needs",
        )
        .order_by("branch__path", "name", "pk")
    )


def post_ledger_rows(posts) -> Iterator[list]:
    """One row per post: town, branch, post, type (or own post), year, seats, holders,
    seats left, instructor, the needs it answers, open or closed."""
    for post in posts:
        names = [choice.member.name for choice in post.holders]
        yield [
            _town_name(post.branch),
            post.branch.name,
            post.name,
            post.post_type.name if post.post_type_id else _("Own post"),
            post.year,
            post.seats,
            NAME_SEPARATOR.join(names),
            max(post.seats - len(names), 0),
            _person(post.instructor),
            NAME_SEPARATOR.join(need.title for need in post.needs.all()),
            pgettext("post", "Open") if post.is_active else pgettext("post", "Closed"),
        ]


# --- pledge ledger (承诺台账) ---------------------------------------------------------------


def pledge_ledger_headers() -> list[str]:
    # No phone and no ID number: the ledger is handed around and reported to employers.
    return [
        _("Town or street"),
        _("Branch"),
        _("Member"),
        _("Category"),
        _("Employer unit"),
        _("Post"),
        _("Post certificate number"),
        _("Status"),
        _("Version"),
        _("Service item"),
        _("Commitment"),
        _("Written at"),
        _("Approved at"),
        _("Published at"),
    ]


PLEDGE_LEDGER_WIDTHS = [12, 14, 10, 14, 18, 14, 20, 16, 6, 16, 48, 17, 17, 17]


def ledger_choices(unit: Unit, year: int) -> QuerySet[Choice]:
    """Every confirmed holder and every pledge of a unit's posts for a year, with the
    current version of each pledge and its items: 3 queries."""
    current = (
        PledgeVersion.objects.filter(number=F("pledge__version_count"))
        .select_related("reviewed_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PledgeItem.objects.select_related("duty_item").order_by(
                    "duty_item__sort_order", "duty_item_id"
                ),
            )
        )
    )
    return (
        Choice.objects.in_unit(unit)
        .filter(post__year=year)
        .filter(Q(status=Choice.Status.CONFIRMED) | Q(pledge__isnull=False))
        .select_related("post__branch__parent", "member__employer", "pledge")
        .prefetch_related(Prefetch("pledge__versions", queryset=current, to_attr="current"))
        .order_by("post__branch__path", "member__name", "member_id", "post__name", "pk")
    )


def pledge_ledger_rows(choices) -> Iterator[list]:
    """One row per pledged item of each pledge's current version; a holder who has not
    written a pledge yet gets one row with the item columns empty."""
    for choice in choices:
        member, post = choice.member, choice.post
        pledge = getattr(choice, "pledge", None)
        version = pledge.current[0] if pledge is not None and pledge.current else None
        status = pledge.get_status_display() if pledge is not None else _("No pledge yet")
        head = [
            _town_name(post.branch),
            post.branch.name,
            member.name,
            member.get_category_display(),
            member.employer.name if member.employer_id else "",
            post.name,
            choice.certificate_number or "",
            status,
        ]
        if version is None:
            yield [*head, None, "", "", None, None, None]
            continue
        approved = version.decision == PledgeVersion.Decision.APPROVED
        published = pledge.published_version_id == version.pk
        times = [
            _local(version.written_at),
            _local(version.reviewed_at) if approved else None,
            _local(pledge.published_at) if published else None,
        ]
        for item in version.items.all():
            yield [*head, version.number, item.duty_item.name, item.commitment, *times]


# --- coverage (覆盖率) --------------------------------------------------------------------


@dataclass
class Coverage:
    """Coverage figures of one unit: members not exempt, those holding at least one
    confirmed post, and the posts with their seats."""

    eligible: int = 0
    covered: int = 0
    posts: int = 0
    seats: int = 0
    filled: int = 0

    @property
    def ratio(self) -> float | None:
        return self.covered / self.eligible if self.eligible else None

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else 100 * self.ratio

    def add(self, other: "Coverage") -> None:
        self.eligible += other.eligible
        self.covered += other.covered
        self.posts += other.posts
        self.seats += other.seats
        self.filled += other.filled


@dataclass
class CoverageTable:
    unit: Unit
    year: int
    rows: list[tuple[Unit, Coverage]]
    total: Coverage


def _child_path(path: str, depth: int) -> str:
    """The first `depth` levels of a unit path: "/330602/01/0003/", 2 -> "/330602/01/"."""
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join(parts[:depth]) + "/"


def coverage_by_unit(unit: Unit, year: int) -> CoverageTable:
    """Coverage for each child of `unit` (the towns of a district, the branches of a
    town) and in total, in five queries: the children, then four aggregates grouped by
    branch path and rolled up to the children in Python."""
    children = list(unit.children.order_by("code"))
    depth = len([p for p in unit.path.split("/") if p]) + 1
    figures = {child.path: Coverage() for child in children}

    def bucket(branch_path: str) -> Coverage | None:
        return figures.get(_child_path(branch_path, depth))

    members = Member.objects.in_unit(unit)
    for row in members.values("branch__path").annotate(
        eligible=Count("id", filter=Q(is_exempt=False))
    ):
        if (found := bucket(row["branch__path"])) is not None:
            found.eligible += row["eligible"]
    covered = (
        members.eligible_for_posts()
        .filter(choices__status=Choice.Status.CONFIRMED, choices__post__year=year)
        .values("branch__path")
        .annotate(covered=Count("id", distinct=True))
    )
    for row in covered:
        if (found := bucket(row["branch__path"])) is not None:
            found.covered += row["covered"]
    posts = Post.objects.in_unit(unit).for_year(year)
    for row in posts.values("branch__path").annotate(posts=Count("id"), seats=Sum("seats")):
        if (found := bucket(row["branch__path"])) is not None:
            found.posts += row["posts"]
            found.seats += row["seats"] or 0
    filled = (
        Choice.objects.in_unit(unit)
        .confirmed()
        .filter(post__year=year)
        .values("post__branch__path")
        .annotate(filled=Count("id"))
    )
    for row in filled:
        if (found := bucket(row["post__branch__path"])) is not None:
            found.filled += row["filled"]

    total = Coverage()
    rows = []
    for child in children:
        total.add(figures[child.path])
        rows.append((child, figures[child.path]))
    return CoverageTable(unit=unit, year=year, rows=rows, total=total)
