"""Writes for steps 1–3: post types and menus, posts, choices and pledges.

Every function takes the acting user (`by`) so history and notices say who acted, runs
in one transaction, and raises `PostsError` with a message for the person when a rule
forbids the action; nothing is changed then.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from inbox.services import Reach, notify_many, tell
from members import services as member_services
from members.models import Member, RoleAssignment, Unit
from posts.models import (
    Choice,
    DutyItem,
    GuidanceNote,
    Pledge,
    PledgeItem,
    PledgeVersion,
    Post,
    PostType,
)
from volunteer.history import save_with_history


class PostsError(Exception):
    """A rule of the five-step method forbids this; the message says why."""


class PostFull(PostsError):
    pass


class StaleEdit(PostsError):
    """Someone else saved the pledge after this form was opened."""


def _secretaries_of(branch: Unit):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            role_assignments__unit=branch,
            role_assignments__role=RoleAssignment.Role.BRANCH_SECRETARY,
            is_active=True,
        )
        .distinct()
    )


# --- post types and menus (设岗) ------------------------------------------------------


@transaction.atomic
def save_post_type(form, *, town: Unit, by) -> PostType:
    post_type = form.save(commit=False)
    post_type.town = town
    return save_with_history(post_type, by=by)


@transaction.atomic
def add_duty_item(
    *,
    name: str,
    description: str = "",
    post_type: PostType | None = None,
    post: Post | None = None,
    by,
) -> DutyItem:
    owner = {"post_type": post_type} if post_type else {"post": post}
    last = DutyItem.objects.filter(**owner).order_by("-sort_order").first()
    return save_with_history(
        DutyItem(
            name=name,
            description=description,
            sort_order=(last.sort_order + 1 if last else 1),
            **owner,
        ),
        by=by,
    )


@transaction.atomic
def save_duty_item(form, *, by) -> DutyItem:
    return save_with_history(form.save(commit=False), by=by)


@transaction.atomic
def save_post(form, *, branch: Unit, by) -> Post:
    post = form.save(commit=False)
    post.branch = branch
    if post.post_type_id and not post.name:
        post.name = post.post_type.name
    save_with_history(post, by=by)
    form.save_m2m()
    return post


# --- instructors (岗位指导员) ------------------------------------------------------------


@transaction.atomic
def set_instructor(*, post: Post, instructor, by) -> Post:
    """Name (or clear) a post's instructor; kept in the post's history."""
    post.instructor = instructor
    return save_with_history(post, by=by, update_fields=["instructor"])


@transaction.atomic
def write_guidance(*, choice: Choice, text: str, by) -> GuidanceNote:
    """The post's instructor writes guidance on a holder's work; the member hears of it."""
    if choice.post.instructor_id != by.pk:
        raise PostsError(_("Only the post's instructor writes guidance on it."))
    if choice.status != Choice.Status.CONFIRMED:
        raise PostsError(_("Guidance is for members holding the post."))
    text = text.strip()
    if not text:
        raise PostsError(_("Write the guidance first."))
    note = GuidanceNote.objects.create(choice=choice, text=text, written_by=by)
    pledge = Pledge.objects.filter(choice=choice).first()
    _notify_member(
        choice.member,
        subject=_("Guidance from your post's instructor: %(post)s") % {"post": choice.post.name},
        body=text,
        link=reverse("posts:pledge-detail", args=[pledge.pk])
        if pledge
        else reverse("posts:my-posts"),
    )
    return note


# --- exemption (暂不择岗) ----------------------------------------------------------------


def held_posts(member: Member):
    """The posts a member holds this year or later; past years' records stay as they
    were."""
    return (
        member.choices.confirmed()
        .filter(post__year__gte=timezone.localdate().year)
        .select_related("post")
        .order_by("post__year", "post__name")
    )


@transaction.atomic
def exempt_from_posts(*, member: Member, reason: str, by) -> list[Choice]:
    """Exempt a member from choosing a post and end the posts they hold this year or
    later, so that they are neither left in post nor graded at the year's end. Returns
    the choices ended. The member's file keeps the whole reason; each ended choice
    notes it as far as its reason column holds."""
    note = _("Exempt from choosing a post: %(reason)s") % {"reason": reason.strip()}
    note = Truncator(note).chars(Choice._meta.get_field("reason").max_length)
    ended = [end_choice(choice=choice, reason=note, by=by) for choice in held_posts(member)]
    member_services.exempt_member(member=member, reason=reason, by=by)
    return ended


# --- the next year ---------------------------------------------------------------------


@dataclass(frozen=True)
class YearStarted:
    posts: list[Post]
    invited: int  # last year's holders recommended to continue, for the secretary to confirm
    exempt: list[Member]  # exemptions carried over, for the secretary to review


@transaction.atomic
def start_year(*, branch: Unit, year: int, by, meeting_date: dt.date | None = None) -> YearStarted:
    """Start `year`'s cycle from the posts of the year before, in one step: each open
    post with its own duty items, seats, instructor and the needs it answers is set up
    again, and each of its holders still in the branch and not exempt is recommended to
    continue (confirming gives a new certificate). Last year's records are not touched.
    Exempt members stay exempt, listed for the secretary to review."""
    if Post.objects.filter(branch=branch, year=year).exists():
        raise PostsError(
            _("%(branch)s already has posts in %(year)s: add any others one by one.")
            % {"branch": branch.name, "year": year}
        )
    previous = list(
        Post.objects.filter(branch=branch, year=year - 1, is_active=True)
        .prefetch_related("needs", "own_items")
        .order_by("name")
    )
    if not previous:
        raise PostsError(
            _("%(branch)s had no open posts in %(year)s to start from.")
            % {"branch": branch.name, "year": year - 1}
        )
    holders = {
        (choice.post_id, choice.member_id)
        for choice in Choice.objects.confirmed()
        .filter(post__in=previous, member__is_exempt=False, member__branch=branch)
        .filter(member__in=Member.objects.all())
    }
    created = []
    invited = 0
    for old in previous:
        post = save_with_history(
            Post(
                branch=branch,
                year=year,
                post_type_id=old.post_type_id,
                name=old.name,
                duties=old.duties,
                seats=old.seats,
                instructor_id=old.instructor_id,
            ),
            by=by,
        )
        post.needs.set(old.needs.all())
        DutyItem.objects.bulk_create(
            [
                DutyItem(
                    post=post,
                    name=item.name,
                    description=item.description,
                    sort_order=item.sort_order,
                )
                for item in old.own_items.all()
                if item.is_active
            ]
        )
        for post_id, member_id in sorted(holders):
            if post_id != old.pk:
                continue
            save_with_history(
                Choice(
                    post=post,
                    member_id=member_id,
                    status=Choice.Status.RECOMMENDED,
                    source=Choice.Source.RECOMMENDATION,
                    meeting_date=meeting_date,
                    meeting_note=_("Held the post in %(year)s; invited to continue.")
                    % {"year": year - 1},
                    created_by=by,
                ),
                by=by,
            )
            invited += 1
        created.append(post)
    exempt = list(Member.objects.filter(branch=branch, is_exempt=True).order_by("name"))
    return YearStarted(created, invited, exempt)


# --- choices (择岗) ---------------------------------------------------------------------


def seats_left(post: Post) -> int:
    return post.seats - post.choices.confirmed().count()


def _check_can_choose(member: Member, post: Post) -> None:
    if not post.is_active:
        raise PostsError(_("This post is closed."))
    if member.branch_id != post.branch_id:
        raise PostsError(_("Members choose posts of their own branch."))
    if member.is_exempt:
        raise PostsError(_("This member is exempt from choosing a post."))
    if post.choices.filter(member=member, status__in=Choice.OPEN_STATUSES).exists():
        raise PostsError(_("This member has already chosen this post."))


@transaction.atomic
def apply_for_post(*, member: Member, post: Post, by) -> Choice:
    """A member applies for a post (自愿择岗); the branch secretaries hear of it."""
    _check_can_choose(member, post)
    if seats_left(post) <= 0:
        raise PostFull(_("All seats of this post are taken."))
    choice = save_with_history(
        Choice(
            post=post,
            member=member,
            status=Choice.Status.APPLIED,
            source=Choice.Source.APPLICATION,
            created_by=by,
        ),
        by=by,
    )
    notify_many(
        recipients=_secretaries_of(post.branch),
        subject=_("%(name)s applied for the post %(post)s")
        % {"name": member.name, "post": post.name},
        body=_("Confirm or decline the application on the branch's choices page."),
        link=reverse("posts:choice-list", args=[post.branch_id]),
    )
    return choice


@transaction.atomic
def recommend_member(
    *, member: Member, post: Post, meeting_date: dt.date, meeting_note: str, by
) -> Choice:
    """Record a branch meeting's recommendation (民主推荐) of a member for a post."""
    _check_can_choose(member, post)
    return save_with_history(
        Choice(
            post=post,
            member=member,
            status=Choice.Status.RECOMMENDED,
            source=Choice.Source.RECOMMENDATION,
            meeting_date=meeting_date,
            meeting_note=meeting_note,
            created_by=by,
        ),
        by=by,
    )


@transaction.atomic
def confirm_choice(*, choice: Choice, by) -> Choice:
    """Confirm a choice and issue the post certificate (党员岗位证).

    The post's row is locked first, so two secretaries confirming at once are served one
    after the other and the seats are never over-filled.
    """
    post = Post.objects.select_for_update().get(pk=choice.post_id)
    choice = Choice.objects.select_for_update().get(pk=choice.pk)
    if choice.status not in (Choice.Status.APPLIED, Choice.Status.RECOMMENDED):
        raise PostsError(_("This choice has already been decided."))
    if post.choices.confirmed().count() >= post.seats:
        raise PostFull(
            _("All %(seats)s seats of %(post)s are taken.")
            % {"seats": post.seats, "post": post.name}
        )
    choice.status = Choice.Status.CONFIRMED
    choice.decided_at = timezone.now()
    choice.decided_by = by
    choice.certificate_number = f"{post.year}{post.branch_id:05d}{choice.pk:07d}"
    save_with_history(
        choice, by=by, update_fields=["status", "decided_at", "decided_by", "certificate_number"]
    )
    pledge = Pledge(choice=choice)
    save_with_history(pledge, by=by)
    _notify_member(
        choice.member,
        subject=_("You hold the post %(post)s") % {"post": post.name},
        body=_(
            "Your choice was confirmed; your post certificate number is %(number)s. "
            "Next, write your pledge."
        )
        % {"number": choice.certificate_number},
        link=reverse("posts:pledge-edit", args=[pledge.pk]),
    )
    return choice


@transaction.atomic
def decline_choice(*, choice: Choice, reason: str, by) -> Choice:
    choice = Choice.objects.select_for_update().get(pk=choice.pk)
    if choice.status not in (Choice.Status.APPLIED, Choice.Status.RECOMMENDED):
        raise PostsError(_("This choice has already been decided."))
    if not reason.strip():
        raise PostsError(_("Give the member a reason."))
    choice.status = Choice.Status.DECLINED
    choice.reason = reason.strip()
    choice.decided_at = timezone.now()
    choice.decided_by = by
    save_with_history(choice, by=by, update_fields=["status", "reason", "decided_at", "decided_by"])
    choice.reach = _notify_member(
        choice.member,
        subject=_("Your choice of %(post)s was declined") % {"post": choice.post.name},
        body=_("Reason: %(reason)s") % {"reason": choice.reason},
        link=reverse("posts:my-posts"),
    )
    return choice


@transaction.atomic
def withdraw_choice(*, choice: Choice, by) -> Choice:
    """A member takes back an application that is not decided yet."""
    choice = Choice.objects.select_for_update().get(pk=choice.pk)
    if choice.status != Choice.Status.APPLIED:
        raise PostsError(_("Only an application that is not decided yet can be withdrawn."))
    choice.status = Choice.Status.WITHDRAWN
    choice.decided_at = timezone.now()
    return save_with_history(choice, by=by, update_fields=["status", "decided_at"])


@transaction.atomic
def end_choice(*, choice: Choice, reason: str, by) -> Choice:
    """End a confirmed choice: the member leaves the post (退岗). The post certificate
    then verifies as no longer valid, and the pledge is withdrawn from the board."""
    choice = Choice.objects.select_for_update().get(pk=choice.pk)
    if choice.status != Choice.Status.CONFIRMED:
        raise PostsError(_("Only a member holding the post can leave it."))
    if not reason.strip():
        raise PostsError(_("Give a reason for leaving the post."))
    choice.status = Choice.Status.ENDED
    choice.reason = reason.strip()
    choice.decided_at = timezone.now()
    choice.decided_by = by
    save_with_history(choice, by=by, update_fields=["status", "reason", "decided_at", "decided_by"])
    pledge = Pledge.objects.filter(choice=choice).first()
    if pledge is not None:
        pledge.status = Pledge.Status.WITHDRAWN
        save_with_history(pledge, by=by, update_fields=["status"])
    _notify_member(
        choice.member,
        subject=_("You left the post %(post)s") % {"post": choice.post.name},
        body=_("Reason: %(reason)s") % {"reason": choice.reason},
        link=reverse("posts:my-posts"),
    )
    return choice


def _notify_member(member: Member, *, subject: str, body: str, link: str) -> Reach:
    """Tell the member by their log-in's channels, else by a text to the phone on their
    file; the answer says how (nothing at all: the secretary hands over a paper notice)."""
    return tell(user=member.user, mobile=member.phone, subject=subject, body=body, link=link)


# --- pledges (亮岗) ---------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeLine:
    duty_item: DutyItem
    commitment: str


@transaction.atomic
def write_pledge(
    *, pledge: Pledge, lines: list[PledgeLine], based_on: int, by, on_paper: bool = False
) -> PledgeVersion:
    """Save a new version of a pledge and send it for review.

    `based_on` is the version the writer saw; if another version was saved since, the
    write is refused (StaleEdit) rather than silently replacing it.
    """
    pledge = Pledge.objects.select_for_update().select_related("choice__post").get(pk=pledge.pk)
    if pledge.version_count != based_on:
        raise StaleEdit(
            _(
                "This pledge was changed by someone else while you were editing. "
                "Your text was not saved: open it again and re-apply your changes."
            )
        )
    if pledge.choice.status != Choice.Status.CONFIRMED:
        raise PostsError(_("Only a confirmed post has a pledge."))
    if not lines:
        raise PostsError(_("Pick at least one item from the duty menu."))
    menu = {item.pk for item in pledge.choice.post.menu()}
    seen = set()
    for line in lines:
        if line.duty_item.pk not in menu:
            raise PostsError(
                _("%(item)s is not on this post's duty menu.") % {"item": line.duty_item.name}
            )
        if line.duty_item.pk in seen:
            raise PostsError(_("%(item)s is picked twice.") % {"item": line.duty_item.name})
        if not line.commitment.strip():
            raise PostsError(
                _("Write a concrete commitment for %(item)s.") % {"item": line.duty_item.name}
            )
        seen.add(line.duty_item.pk)
    version = PledgeVersion.objects.create(
        pledge=pledge, number=pledge.version_count + 1, written_by=by, on_paper=on_paper
    )
    PledgeItem.objects.bulk_create(
        [
            PledgeItem(
                version=version, duty_item=line.duty_item, commitment=line.commitment.strip()[:300]
            )
            for line in lines
        ]
    )
    pledge.version_count = version.number
    pledge.status = Pledge.Status.SUBMITTED
    save_with_history(pledge, by=by, update_fields=["version_count", "status"])
    post = pledge.choice.post
    notify_many(
        recipients=_secretaries_of(post.branch).exclude(pk=by.pk),
        subject=_("The pledge of %(name)s waits for review") % {"name": pledge.choice.member.name},
        body=_("Post: %(post)s, version %(number)s.")
        % {"post": post.name, "number": version.number},
        link=reverse("posts:pledge-detail", args=[pledge.pk]),
    )
    return version


def _latest_for_review(pledge: Pledge) -> tuple[Pledge, PledgeVersion]:
    pledge = (
        Pledge.objects.select_for_update()
        .select_related("choice__member", "choice__post")
        .get(pk=pledge.pk)
    )
    if pledge.status != Pledge.Status.SUBMITTED:
        raise PostsError(_("This pledge is not waiting for review."))
    return pledge, pledge.versions.order_by("-number").first()


@transaction.atomic
def approve_pledge(*, pledge: Pledge, comment: str = "", by) -> Pledge:
    if by is not None and pledge.choice.member.user_id == by.pk:
        raise PostsError(
            _("Nobody approves their own pledge: a secretary's is reviewed by the town.")
        )
    pledge, version = _latest_for_review(pledge)
    now = timezone.now()
    PledgeVersion.objects.filter(pk=version.pk).update(
        decision=PledgeVersion.Decision.APPROVED,
        review_comment=comment.strip(),
        reviewed_by=by,
        reviewed_at=now,
    )
    pledge.status = Pledge.Status.APPROVED
    pledge.approved_at, pledge.approved_by = now, by
    save_with_history(pledge, by=by, update_fields=["status", "approved_at", "approved_by"])
    _notify_member(
        pledge.choice.member,
        subject=_("Your pledge for %(post)s was approved") % {"post": pledge.choice.post.name},
        body=comment.strip() or _("It will be published on the notice board."),
        link=reverse("posts:pledge-detail", args=[pledge.pk]),
    )
    return pledge


@transaction.atomic
def return_pledge(*, pledge: Pledge, comment: str, by) -> Pledge:
    """Send a pledge back to refine (细化) or to add or remove items; the comment says what."""
    if not comment.strip():
        raise PostsError(_("Say what should change when returning a pledge."))
    pledge, version = _latest_for_review(pledge)
    PledgeVersion.objects.filter(pk=version.pk).update(
        decision=PledgeVersion.Decision.RETURNED,
        review_comment=comment.strip(),
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )
    pledge.status = Pledge.Status.RETURNED
    save_with_history(pledge, by=by, update_fields=["status"])
    pledge.reach = _notify_member(
        pledge.choice.member,
        subject=_("Your pledge for %(post)s was returned") % {"post": pledge.choice.post.name},
        body=comment.strip(),
        link=reverse("posts:pledge-edit", args=[pledge.pk]),
    )
    return pledge


@transaction.atomic
def publish_pledges(*, pledges, by) -> int:
    """Publish (公示) approved pledges; returns how many were published."""
    now = timezone.now()
    count = 0
    for pledge in Pledge.objects.select_for_update().filter(pk__in=[p.pk for p in pledges]):
        if pledge.status != Pledge.Status.APPROVED:
            continue
        pledge.status = Pledge.Status.PUBLISHED
        pledge.published_version = pledge.versions.order_by("-number").first()
        pledge.published_at, pledge.published_by = now, by
        save_with_history(
            pledge,
            by=by,
            update_fields=["status", "published_version", "published_at", "published_by"],
        )
        count += 1
    return count


# --- reading helpers that several pages share -----------------------------------------


@dataclass
class ItemChange:
    item: str
    kind: str  # "added", "removed" or "changed"
    old: str = ""
    new: str = ""


def version_changes(older: PledgeVersion | None, newer: PledgeVersion) -> list[ItemChange]:
    """What a version changed compared with the one before: items added or removed and
    commitments reworded."""
    before = {i.duty_item_id: i for i in older.items.all()} if older else {}
    after = {i.duty_item_id: i for i in newer.items.all()}
    changes = []
    for key, item in after.items():
        if key not in before:
            changes.append(ItemChange(item.duty_item.name, "added", new=item.commitment))
        elif before[key].commitment != item.commitment:
            changes.append(
                ItemChange(item.duty_item.name, "changed", before[key].commitment, item.commitment)
            )
    for key, item in before.items():
        if key not in after:
            changes.append(ItemChange(item.duty_item.name, "removed", old=item.commitment))
    return changes


def coverage(members, choices) -> dict:
    """Coverage (覆盖率): members holding at least one confirmed post, out of members
    who are not exempt. `members` and `choices` are querysets for the same scope."""
    eligible = members.eligible_for_posts()
    covered = (
        eligible.filter(Q(choices__status=Choice.Status.CONFIRMED) & Q(choices__in=choices))
        .distinct()
        .count()
    )
    total = eligible.count()
    return {"eligible": total, "covered": covered, "ratio": covered / total if total else None}
