"""Scope decisions for posts, choices and pledges, built on members.access.

The same rules hold: outside a user's units is 404; readers who may not write get 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from members import access
from members.access import User
from members.models import Unit
from posts.models import Choice, DutyItem, Pledge, Post, PostType


def can_manage_town_types(user: User, town: Unit) -> bool:
    """Common post types belong to a town: its organisers and the district's set them."""
    return (
        access.is_organiser(user)
        and access.can_manage_unit(user, town)
        and town.kind == Unit.Kind.TOWN
    )


def get_town_for_user(user: User, pk: int, *, manage: bool = False) -> Unit:
    town = access.get_unit_for_user(user, pk)
    if town.kind != Unit.Kind.TOWN:
        raise Http404
    if manage and not can_manage_town_types(user, town):
        raise PermissionDenied
    return town


def get_post_type_for_user(user: User, pk: int, *, manage: bool = False) -> PostType:
    post_type = PostType.objects.select_related("town").filter(pk=pk).first()
    if post_type is None or not access.can_oversee(user, post_type.town):
        raise Http404
    if manage and not can_manage_town_types(user, post_type.town):
        raise PermissionDenied
    return post_type


def get_duty_item_for_user(user: User, pk: int) -> DutyItem:
    """Menu items are changed by whoever manages their menu: the town's organisers for
    a common type, the branch secretary for a post's own items."""
    item = DutyItem.objects.select_related("post_type__town", "post__branch").filter(pk=pk).first()
    if item is None:
        raise Http404
    if item.post_type_id:
        get_post_type_for_user(user, item.post_type_id, manage=True)
    else:
        get_post_for_user(user, item.post_id, manage=True)
    return item


def _member_sees_branch(user: User, branch_id: int) -> bool:
    member = access.member_file_of(user)
    return member is not None and member.branch_id == branch_id


@dataclass(frozen=True)
class PostAccess:
    """A post the user may read, and what its page may show them."""

    post: Post
    oversees: bool  # an overseer of the branch: sees who chose the post
    may_manage: bool  # the branch's secretary: edits it and its menu


def get_post_access(user: User, pk: int, *, manage: bool = False) -> PostAccess:
    """Posts are read by those who oversee the branch, its members and the post's
    instructor (else 404); only the branch secretary changes them (else 403)."""
    post = Post.objects.select_related("branch", "post_type", "instructor").filter(pk=pk).first()
    if post is None:
        raise Http404
    oversees = access.can_oversee(user, post.branch)
    readable = (
        oversees
        or _member_sees_branch(user, post.branch_id)
        or (user.is_authenticated and post.instructor_id == user.pk)
    )
    if not readable:
        raise Http404
    may_manage = access.can_manage_branch(user, post.branch)
    if manage and not may_manage:
        raise PermissionDenied
    return PostAccess(post, oversees, may_manage)


def get_post_for_user(user: User, pk: int, *, manage: bool = False) -> Post:
    """`get_post_access` where the page needs only the post."""
    return get_post_access(user, pk, manage=manage).post


def get_choice_for_user(user: User, pk: int, *, manage: bool = False, own: bool = False) -> Choice:
    """manage: the branch secretary decides; own: the member acts on their own choice."""
    choice = Choice.objects.select_related("post__branch", "member").filter(pk=pk).first()
    if choice is None:
        raise Http404
    is_own = user.is_authenticated and choice.member.user_id == user.pk
    if not (is_own or access.can_oversee(user, choice.post.branch)):
        raise Http404
    if manage and not access.can_manage_branch(user, choice.post.branch):
        raise PermissionDenied
    if own and not is_own:
        raise PermissionDenied
    return choice


@dataclass(frozen=True)
class PledgeAccess:
    """A pledge the user may read, with what else they may do with it: the one place
    that decides, so views and templates never work it out again."""

    pledge: Pledge
    is_own: bool
    may_write: bool  # the member, or the secretary entering a paper pledge
    may_review: bool  # the secretary (the town, for hers), while a version waits
    may_print_post_certificate: bool  # as posts:post-certificate allows: a confirmed
    # choice, for its member and those who oversee the branch


def get_pledge_for_user(
    user: User, pk: int, *, write: bool = False, review: bool = False
) -> PledgeAccess:
    """Read: the member, the branch's overseers and the post's instructor (else 404).
    Write: the member, or the secretary entering a paper pledge. Review: the secretary,
    or for the secretary's own pledge the organisers above (`may_decide_for`; else 403)."""
    pledge = (
        Pledge.objects.select_related(
            "choice__post__branch", "choice__post__post_type", "choice__member"
        )
        .filter(pk=pk)
        .first()
    )
    if pledge is None:
        raise Http404
    post = pledge.choice.post
    is_own = user.is_authenticated and pledge.choice.member.user_id == user.pk
    oversees = access.can_oversee(user, post.branch)
    readable = is_own or oversees or (user.is_authenticated and post.instructor_id == user.pk)
    if not readable:
        raise Http404
    is_secretary = access.can_manage_branch(user, post.branch)
    if write and not (is_own or is_secretary):
        raise PermissionDenied
    reviewer = access.may_decide_for(user, pledge.choice.member.user_id, post.branch)
    if review and not reviewer:
        raise PermissionDenied
    return PledgeAccess(
        pledge=pledge,
        is_own=is_own,
        may_write=is_own or is_secretary,
        may_review=reviewer and pledge.status == Pledge.Status.SUBMITTED,
        may_print_post_certificate=(
            pledge.choice.status == Choice.Status.CONFIRMED and (is_own or oversees)
        ),
    )
