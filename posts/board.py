"""Reads for the public notice board (亮岗, 公示) and the report of in-service members'
pledges to their employer unit (在职党员承诺报告).

What leaves this module is only what is meant to be shown: post names and duties, the
holders' names, and the *published* version of each pledge, never a newer version still
under review. Pages get the small dataclasses below, not member files, so a template
cannot reach a phone, an ID number or a birth date; the member rows are not even read
beyond their names.

Each function makes a fixed number of queries, whatever the number of posts, holders
and items.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from members.models import Member, PartnerUnit, RoleAssignment, Unit
from posts.models import Choice, Pledge, PledgeItem, Post


@dataclass(frozen=True)
class Line:
    """One published item of a pledge: the menu item and what the holder commits to."""

    item: str
    commitment: str


@dataclass(frozen=True)
class Holder:
    name: str
    published_on: dt.date | None  # None: no published pledge yet
    lines: list[Line]


@dataclass(frozen=True)
class BoardPost:
    pk: int
    name: str
    type_name: str  # empty for the branch's own post (个性岗位)
    duties: str
    seats: int
    holders: list[Holder]


@dataclass(frozen=True)
class KioskSlide:
    post: BoardPost
    holders: list[Holder]
    part: int  # a post with many holders is spread over several slides
    parts: int


@dataclass(frozen=True)
class EmployerRow:
    member_name: str
    branch_name: str
    post_name: str
    pledge_status: str
    published_on: dt.date | None
    lines: list[Line]


def public_branch(pk: int) -> Unit:
    """A branch for its public board; any other unit, or none, is a 404."""
    branch = Unit.objects.branches().select_related("parent").filter(pk=pk).first()
    if branch is None:
        raise Http404
    return branch


def _published_items(through: str = "") -> Prefetch:
    """The items of each holder's published version, reached from a choice (or from the
    `through` list of choices) by its pledge."""
    return Prefetch(
        f"{through}pledge__published_version__items",
        queryset=PledgeItem.objects.select_related("duty_item"),
        to_attr="shown_items",
    )


def _holders_queryset():
    # Only the columns the board needs: nothing else of the member file is read.
    return (
        Choice.objects.confirmed()
        .select_related("member", "pledge__published_version")
        .only(
            "post_id",
            "member__name",
            "pledge__choice_id",
            "pledge__status",
            "pledge__published_at",
            "pledge__published_version__id",
        )
        .order_by("member__name", "pk")
    )


def _holder(choice: Choice) -> Holder:
    pledge: Pledge | None = getattr(choice, "pledge", None)
    version = pledge.published_version if pledge else None
    if version is None or pledge.status == Pledge.Status.WITHDRAWN:
        return Holder(choice.member.name, None, [])
    return Holder(
        choice.member.name,
        timezone.localdate(pledge.published_at) if pledge.published_at else None,
        [Line(i.duty_item.name, i.commitment) for i in version.shown_items],
    )


def board_posts(branch: Unit, year: int) -> list[BoardPost]:
    """The branch's posts of `year` for the public board: open posts and closed ones that
    still have holders, common types first in the town's order, each with its confirmed
    holders and their published pledge items. Four queries in all."""
    held = Choice.objects.confirmed().filter(post=OuterRef("pk"))
    posts = (
        Post.objects.filter(branch=branch, year=year)
        .filter(Q(is_active=True) | Exists(held))
        .select_related("post_type")
        .order_by(F("post_type__sort_order").asc(nulls_last=True), "name", "pk")
        .prefetch_related(
            Prefetch("choices", queryset=_holders_queryset(), to_attr="holders"),
            _published_items(through="holders__"),
        )
    )
    return [
        BoardPost(
            pk=post.pk,
            name=post.name,
            type_name=post.post_type.name if post.post_type_id else "",
            duties=post.duties,
            seats=post.seats,
            holders=[_holder(choice) for choice in post.holders],
        )
        for post in posts
    ]


# Visitors without a log-in (the QR code on the notice, the kiosk) read the board from a
# copy at most this old; anyone logged in, the branch's secretary above all, reads it
# fresh. A notice board a minute behind is still the notice board, and the month's end
# brings many visitors to the same few boards.
PUBLIC_BOARD_SECONDS = 60


def board_posts_for(user, branch: Unit, year: int) -> list[BoardPost]:
    """`board_posts`, from the cache for visitors without a log-in."""
    if user.is_authenticated:
        return board_posts(branch, year)
    key = f"posts:public-board:{branch.pk}:{year}"
    posts = cache.get(key)
    if posts is None:
        posts = board_posts(branch, year)
        cache.set(key, posts, PUBLIC_BOARD_SECONDS)
    return posts


# The kiosk shows holders two to a row. A holder card is about 2 lines high plus one line
# per ~24 characters of commitment; a 1920×1080 screen holds about 13 such lines below a
# post's name. kiosk.js shrinks the type of a slide that still overflows.
KIOSK_CHARS_PER_LINE = 24
KIOSK_LINES_PER_SCREEN = 13


def _kiosk_height(holder: Holder) -> int:
    lines = sum(-(-len(line.commitment) // KIOSK_CHARS_PER_LINE) for line in holder.lines)
    return 2 + max(lines, 1)


def kiosk_slides(posts: list[BoardPost]) -> list[KioskSlide]:
    """One slide per post, or several when its holders do not fit on one screen: at most
    two rows of two holders, one row when their pledges are long."""
    slides = []
    for post in posts:
        rows = [post.holders[i : i + 2] for i in range(0, len(post.holders), 2)]
        chunks: list[list[Holder]] = []
        height = 0
        for row in rows:
            row_height = max(_kiosk_height(holder) for holder in row)
            if chunks and len(chunks[-1]) < 4 and height + row_height <= KIOSK_LINES_PER_SCREEN:
                chunks[-1].extend(row)
                height += row_height
            else:
                chunks.append(list(row))
                height = row_height
        chunks = chunks or [[]]
        for part, holders in enumerate(chunks, start=1):
            slides.append(KioskSlide(post, holders, part, len(chunks)))
    return slides


def employer_pledges(partner: PartnerUnit, units, year: int) -> list[EmployerRow]:
    """The confirmed posts of `year` held by in-service members (在职党员) working for
    `partner`, with their published pledges, for members of `units` only (the reader's
    scope)."""
    choices = (
        _holders_queryset()
        .filter(
            member__employer=partner,
            member__category=Member.Category.IN_SERVICE,
            member__branch__in=units,
            post__year=year,
        )
        .select_related("post__branch")
        .only(
            "post__name",
            "post__branch__name",
            "member__name",
            "pledge__choice_id",
            "pledge__status",
            "pledge__published_at",
            "pledge__published_version__id",
        )
        .order_by("member__name", "member_id", "post__name")
        .prefetch_related(_published_items())
    )
    rows = []
    for choice in choices:
        holder = _holder(choice)
        pledge = getattr(choice, "pledge", None)
        rows.append(
            EmployerRow(
                member_name=holder.name,
                branch_name=choice.post.branch.name,
                post_name=choice.post.name,
                pledge_status=pledge.get_status_display() if pledge else "",
                published_on=holder.published_on,
                lines=holder.lines,
            )
        )
    return rows


# --- the printed notice (公示) ------------------------------------------------------------

# How long a printed notice stays up: seven days, the first and the last included.
NOTICE_DAYS = 7


@dataclass(frozen=True)
class NoticePeriod:
    """The publication period (公示期) printed on the sheet, both days included."""

    start: dt.date
    end: dt.date


def notice_period(start: str | None = None) -> NoticePeriod:
    """The period of a notice put up on `start` (?from=, an ISO date; today when it is
    missing or not a date): NOTICE_DAYS days."""
    try:
        day = dt.date.fromisoformat(start) if start else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return NoticePeriod(day, day + dt.timedelta(days=NOTICE_DAYS - 1))


@dataclass(frozen=True)
class FeedbackContact:
    """Whom residents tell what they think of the notice: the branch secretary, by name;
    the phone only where the sheet is printed by someone who oversees the branch (the
    public download leaves it out: phones go to the roles that call people)."""

    name: str
    phone: str


def feedback_contact(branch: Unit, *, with_phone: bool) -> FeedbackContact | None:
    """The branch's first secretary (by appointment) with a name on file, or None."""
    roles = (
        RoleAssignment.objects.filter(unit=branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
        .select_related("user__member_file")
        .order_by("created_at", "pk")
    )
    for role in roles:
        member = getattr(role.user, "member_file", None)
        name = member.name if member else role.user.get_full_name()
        if name:
            phone = member.phone if member and with_phone else ""
            return FeedbackContact(name, phone)
    return None
