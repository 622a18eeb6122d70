"""Reads of the posts app that other parts of the site show (the home page's to-dos)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Sum

from members.models import Member, RoleAssignment, Unit
from posts.models import Choice, Pledge, Post


def choices_waiting(branch: Unit) -> int:
    """Members' choices of a branch's posts that wait for the secretary (step 2)."""
    return Choice.objects.filter(post__branch=branch).pending().count()


def pledges_to_review(branch: Unit) -> int:
    """Pledges of a branch submitted and waiting for the secretary's review (step 3)."""
    return Pledge.objects.filter(
        choice__post__branch=branch, status=Pledge.Status.SUBMITTED
    ).count()


def pledges_to_publish(unit: Unit) -> int:
    """Approved pledges within a town or district waiting for its organisers to
    publish them."""
    return Pledge.objects.in_unit(unit).awaiting_publication().count()


@dataclass
class BranchSteps:
    """A branch's figures for steps 1–3 of the year, as its secretary's home page shows
    them: members, posts and seats, choices, pledges."""

    members: int = 0
    exempt: int = 0
    posts: int = 0
    seats: int = 0
    filled: int = 0
    covered: int = 0
    choices_waiting: int = 0
    pledges_to_review: int = 0
    pledges_unwritten: int = 0
    pledges_returned: int = 0
    pledges_to_publish: int = 0
    pledges_published: int = 0

    @property
    def eligible(self) -> int:
        return self.members - self.exempt

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.filled, 0)

    @property
    def uncovered(self) -> int:
        return max(self.eligible - self.covered, 0)


def branch_steps(branch: Unit, year: int) -> BranchSteps:
    """`BranchSteps` of one branch for `year`, in five queries whatever its size."""
    counts = Member.objects.filter(branch=branch).counts()
    posts = Post.objects.filter(branch=branch, year=year).aggregate(
        posts=Count("id"), seats=Sum("seats")
    )
    choices = Choice.objects.filter(post__branch=branch, post__year=year).aggregate(
        filled=Count("id", filter=Q(status=Choice.Status.CONFIRMED)),
        waiting=Count(
            "id", filter=Q(status__in=[Choice.Status.APPLIED, Choice.Status.RECOMMENDED])
        ),
        covered=Count(
            "member",
            filter=Q(status=Choice.Status.CONFIRMED, member__is_exempt=False),
            distinct=True,
        ),
    )
    status = Pledge.Status
    pledges = Pledge.objects.filter(
        choice__post__branch=branch, choice__post__year=year, choice__status="confirmed"
    ).aggregate(
        unwritten=Count("id", filter=Q(status=status.DRAFT)),
        review=Count("id", filter=Q(status=status.SUBMITTED)),
        returned=Count("id", filter=Q(status=status.RETURNED)),
        publish=Count("id", filter=Q(status=status.APPROVED)),
        published=Count("id", filter=Q(status=status.PUBLISHED)),
    )
    return BranchSteps(
        members=counts["total"],
        exempt=counts["exempt"],
        posts=posts["posts"],
        seats=posts["seats"] or 0,
        filled=choices["filled"],
        covered=choices["covered"],
        choices_waiting=choices["waiting"],
        pledges_to_review=pledges["review"],
        pledges_unwritten=pledges["unwritten"],
        pledges_returned=pledges["returned"],
        pledges_to_publish=pledges["publish"],
        pledges_published=pledges["published"],
    )


@dataclass
class BranchLag:
    """What one branch of an organiser's area has not done yet (their home page)."""

    eligible: int = 0
    covered: int = 0
    to_publish: int = 0

    @property
    def coverage(self) -> int:
        """Per cent of the members counted in coverage who hold a post this year."""
        return round(self.covered * 100 / self.eligible) if self.eligible else 100


def branch_lags(unit: Unit, year: int) -> dict[int, BranchLag]:
    """`BranchLag` for every branch within `unit`, by branch id, in three queries."""
    lags: dict[int, BranchLag] = defaultdict(BranchLag)
    for row in (
        Member.objects.in_unit(unit)
        .eligible_for_posts()
        .values("branch_id")
        .annotate(n=Count("id"))
    ):
        lags[row["branch_id"]].eligible = row["n"]
    for row in (
        Choice.objects.in_unit(unit)
        .confirmed()
        .filter(post__year=year, member__is_exempt=False)
        .values("post__branch_id")
        .annotate(n=Count("member", distinct=True))
    ):
        lags[row["post__branch_id"]].covered = row["n"]
    for row in (
        Pledge.objects.in_unit(unit)
        .awaiting_publication()
        .values("choice__post__branch_id")
        .annotate(n=Count("id"))
    ):
        lags[row["choice__post__branch_id"]].to_publish = row["n"]
    return dict(lags)


@dataclass
class MemberPledge:
    """One of a member's confirmed posts this year and where its pledge stands."""

    choice: Choice
    pledge: Pledge | None

    @property
    def waits_for_member(self) -> bool:
        return self.pledge is not None and self.pledge.status in (
            Pledge.Status.DRAFT,
            Pledge.Status.RETURNED,
        )


def member_pledges(member: Member, year: int) -> list[MemberPledge]:
    """The member's confirmed posts of `year` with their pledges, in one query."""
    choices = (
        Choice.objects.confirmed()
        .filter(member=member, post__year=year)
        .select_related("post", "pledge")
        .order_by("post__name")
    )
    return [MemberPledge(choice, getattr(choice, "pledge", None)) for choice in choices]


def secretaries_pledges_to_review(unit: Unit, limit: int = 10) -> list[Pledge]:
    """Pledges of branch secretaries within `unit` waiting for review, which the town
    reviews (members.access.may_decide_for), oldest first, in one query."""
    secretary_of_branch = RoleAssignment.objects.filter(
        user=OuterRef("choice__member__user"),
        unit=OuterRef("choice__post__branch"),
        role=RoleAssignment.Role.BRANCH_SECRETARY,
    )
    return list(
        Pledge.objects.in_unit(unit)
        .filter(status=Pledge.Status.SUBMITTED)
        .filter(Exists(secretary_of_branch))
        .select_related("choice__member", "choice__post__branch")
        .order_by("id")[:limit]
    )


def branches_with_posts(unit: Unit, year: int) -> int:
    """How many branches within `unit` have set up posts for `year` (started it)."""
    return Post.objects.in_unit(unit).filter(year=year).values("branch").distinct().count()
