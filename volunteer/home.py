"""What the home page says to do next, per role, in the five-step order.

The project package composes the apps' reads here (DESIGN.md §9: the home dashboard);
each figure comes from a function of the app that owns it, so every count below is the
same one the app's own pages show. The words are built here so the template stays a
list of tiles and rows."""

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk import access as helpdesk_access
from helpdesk import queries as helpdesk_queries
from helpdesk.models import ServiceTeam
from members.models import Member, RoleAssignment, Unit
from posts import queries as posts_queries
from posts.models import Post
from scoring import queries as scoring_queries

LAGGING_SHOWN = 10
NEXT_YEAR_FROM_MONTH = 11


@dataclass
class Step:
    """One line of a secretary's steps: what it is, where it stands, where to act."""

    key: str
    number: str
    title: str
    text: str
    url: str
    action: str
    todo: int = 0


@dataclass
class BranchHome:
    branch: Unit
    steps: list[Step]


def _month_name(month: dt.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def branch_home(branch: Unit, today: dt.date) -> BranchHome:
    """A secretary's five steps for one branch, each with its count and its page."""
    month = scoring_queries.first_of_month(today)
    posts = posts_queries.branch_steps(branch, today.year)
    figures = scoring_queries.branch_month(branch, month)
    requests = helpdesk_queries.request_counts_by_branch(branch, timezone.now()).get(
        branch.pk, helpdesk_queries.RequestCounts()
    )
    steps = [
        Step(
            "members",
            "1",
            _("Members"),
            _("%(members)s members, %(exempt)s exempt from choosing a post")
            % {"members": posts.members, "exempt": posts.exempt},
            reverse("members:member-list", args=[branch.pk]),
            _("Member files"),
        ),
        Step(
            "posts",
            "1",
            _("Set up posts"),
            _("%(posts)s posts in %(year)s, %(left)s of %(seats)s seats left")
            % {
                "posts": posts.posts,
                "year": today.year,
                "left": posts.seats_left,
                "seats": posts.seats,
            },
            reverse("posts:post-list" if posts.posts else "posts:post-add", args=[branch.pk]),
            _("Posts") if posts.posts else _("Set up the first post"),
            todo=0 if posts.posts else 1,
        ),
        Step(
            "choices",
            "2",
            _("Choose posts"),
            _("%(waiting)s choices to decide; %(uncovered)s members hold no post yet")
            % {"waiting": posts.choices_waiting, "uncovered": posts.uncovered},
            reverse("posts:choice-list", args=[branch.pk]),
            _("Decide choices") if posts.choices_waiting else _("Choices"),
            todo=posts.choices_waiting,
        ),
        Step(
            "pledges",
            "3",
            _("Pledges"),
            _(
                "%(review)s to review, %(unwritten)s not yet written, %(returned)s returned "
                "for changes, %(publish)s waiting for publication, %(published)s published"
            )
            % {
                "review": posts.pledges_to_review,
                "unwritten": posts.pledges_unwritten,
                "returned": posts.pledges_returned,
                "publish": posts.pledges_to_publish,
                "published": posts.pledges_published,
            },
            reverse("posts:pledge-list", args=[branch.pk]),
            _("Review pledges") if posts.pledges_to_review else _("Pledges"),
            todo=posts.pledges_to_review,
        ),
        Step(
            "activities",
            "4",
            _("Activities"),
            ngettext(
                "%(count)s activity recorded in %(month)s",
                "%(count)s activities recorded in %(month)s",
                figures.activities,
            )
            % {"count": figures.activities, "month": _month_name(month)},
            reverse("scoring:activity-list", args=[branch.pk]),
            _("Record an activity"),
        ),
        Step(
            "tally",
            "4",
            _("Monthly points tally"),
            (
                _("The tally of %(month)s is published.")
                if figures.last_month_published
                else _("The tally of %(month)s is not published yet.")
            )
            % {"month": _month_name(figures.last_month)},
            reverse(
                "scoring:tally",
                args=[branch.pk, figures.last_month.year, figures.last_month.month],
            ),
            _("Tally") if figures.last_month_published else _("Check and publish"),
            todo=0 if figures.last_month_published else 1,
        ),
        Step(
            "evaluation",
            "5",
            _("Year-end evaluation"),
            _evaluation_text(figures),
            reverse("scoring:evaluation-branch", args=[branch.pk, today.year]),
            _("Evaluation"),
        ),
        Step(
            "requests",
            "",
            _("Residents' requests"),
            _("%(open)s open, %(late)s past their time limit, %(unowned)s without a team")
            % {"open": requests.open, "late": requests.late, "unowned": requests.unowned},
            reverse("helpdesk:board"),
            _("Dispatch board"),
            todo=requests.late + requests.unowned,
        ),
    ]
    return BranchHome(branch, steps)


def _evaluation_text(figures: scoring_queries.BranchMonth) -> str:
    if not figures.evaluations:
        return _("Not opened for %(year)s yet.") % {"year": figures.month.year}
    if figures.evaluations_published:
        return _("%(count)s members evaluated; results published.") % {"count": figures.evaluations}
    return _("%(count)s members to evaluate, %(graded)s graded; not published.") % {
        "count": figures.evaluations,
        "graded": figures.evaluations_computed,
    }


@dataclass
class Tile:
    """A big button of a member's home page."""

    key: str
    title: str
    figure: str
    text: str
    url: str


@dataclass
class MemberHome:
    member: Member
    todos: list[tuple[str, str]] = field(default_factory=list)
    tiles: list[Tile] = field(default_factory=list)


def member_home(member: Member, today: dt.date) -> MemberHome:
    """A member's tiles (posts, pledge, points, evaluation, volunteer record; the
    template adds messages from the menu's unread count) and the pledges that wait for
    them."""
    home = MemberHome(member)
    pledges = posts_queries.member_pledges(member, today.year)
    for held in pledges:
        if held.waits_for_member:
            returned = held.pledge.status == held.pledge.Status.RETURNED
            text = (
                _("Your pledge for %(post)s was returned: revise it")
                if returned
                else _("Write your pledge for %(post)s")
            ) % {"post": held.choice.post.name}
            home.todos.append((text, reverse("posts:pledge-edit", args=[held.pledge.pk])))
    home.tiles.append(
        Tile(
            "posts",
            _("My posts"),
            str(len(pledges)),
            _("posts held in %(year)s") % {"year": today.year} if pledges else _("Choose a post"),
            reverse("posts:my-posts"),
        )
    )
    first = pledges[0] if pledges else None
    if first and first.pledge:
        home.tiles.append(
            Tile(
                "pledge",
                _("My pledge"),
                first.pledge.get_status_display(),
                first.choice.post.name,
                reverse(
                    "posts:pledge-edit" if first.waits_for_member else "posts:pledge-detail",
                    args=[first.pledge.pk],
                ),
            )
        )
    points = scoring_queries.member_points(member, scoring_queries.first_of_month(today))
    home.tiles.append(
        Tile(
            "points",
            _("My points"),
            scoring_queries.figure(points.month_total),
            _("this month; %(total)s this year")
            % {"total": scoring_queries.figure(points.year_total)},
            reverse("scoring:my-card"),
        )
    )
    evaluation = scoring_queries.latest_evaluation(member)
    if evaluation is not None:
        home.tiles.append(
            Tile(
                "evaluation",
                _("My evaluation"),
                evaluation.get_grade_display() if evaluation.published_at else _("In progress"),
                str(evaluation.year),
                reverse("scoring:my-evaluation"),
            )
        )
    profile = getattr(member, "volunteer_profile", None)
    if profile is not None:
        home.tiles.append(
            Tile(
                "volunteer",
                _("My volunteer record"),
                profile.number,
                _("record and badge"),
                reverse("helpdesk:my-volunteer"),
            )
        )
    elif member.left_on is None:
        home.tiles.append(
            Tile(
                "volunteer",
                _("Become a volunteer"),
                "",
                _("serve residents in your grid's team"),
                reverse("helpdesk:apply"),
            )
        )
    return home


@dataclass
class LaggingBranch:
    branch: Unit
    coverage: int
    to_publish: int
    tally_missing: bool
    late_requests: int
    unowned_requests: int

    @property
    def weight(self) -> tuple:
        return (
            self.unowned_requests + self.late_requests,
            self.tally_missing,
            self.to_publish,
            -self.coverage,
        )


@dataclass
class AreaHome:
    unit: Unit
    lagging: list[LaggingBranch]
    more: int
    last_month: dt.date
    district: Unit | None
    rules: list = field(default_factory=list)
    secretaries_pledges: list = field(default_factory=list)
    next_year: int = 0
    started_next_year: int = 0  # branches that have set up next year's posts
    branches: int = 0


def area_home(unit: Unit, today: dt.date) -> AreaHome:
    """The branches of an organiser's town or district that lag behind, worst first:
    coverage under the target, pledges to publish, last month's tally unpublished,
    requests late or without a team."""
    last_month = scoring_queries.previous_month(scoring_queries.first_of_month(today))
    lags = posts_queries.branch_lags(unit, today.year)
    untallied = scoring_queries.branches_without_tally(unit, last_month)
    requests = helpdesk_queries.request_counts_by_branch(unit, timezone.now())
    branches = Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.BRANCH)
    rows = []
    branch_list = list(branches.select_related("parent").order_by("code"))
    for branch in branch_list:
        lag = lags.get(branch.pk, posts_queries.BranchLag())
        counts = requests.get(branch.pk, helpdesk_queries.RequestCounts())
        row = LaggingBranch(
            branch,
            lag.coverage,
            lag.to_publish,
            branch.pk in untallied,
            counts.late,
            counts.unowned,
        )
        if row.coverage < 100 or row.to_publish or row.tally_missing or row.weight[0]:
            rows.append(row)
    rows.sort(key=lambda row: row.weight, reverse=True)
    district = unit if unit.kind == Unit.Kind.DISTRICT else None
    if district is None and unit.parent_id:
        district = Unit.objects.filter(pk=unit.parent_id, kind=Unit.Kind.DISTRICT).first()
    rules = scoring_queries.district_rules(district, today)[0] if district else []
    # In the year's last two months, how many branches have started the next year.
    next_year = today.year + 1 if today.month >= NEXT_YEAR_FROM_MONTH else 0
    started = posts_queries.branches_with_posts(unit, next_year) if next_year else 0
    return AreaHome(
        unit,
        rows[:LAGGING_SHOWN],
        max(len(rows) - LAGGING_SHOWN, 0),
        last_month,
        district,
        rules,
        posts_queries.secretaries_pledges_to_review(unit),
        next_year,
        started,
        len(branch_list),
    )


def led_teams(user) -> list[ServiceTeam]:
    return list(
        ServiceTeam.objects.filter(pk__in=helpdesk_access.led_team_ids(user)).select_related("grid")
    )


def instructed_posts(user, year: int) -> list[Post]:
    return list(Post.objects.filter(instructor=user, year=year).select_related("branch"))


def secretary_branches(user) -> list[Unit]:
    return [
        held.unit
        for held in RoleAssignment.objects.filter(
            user=user, role=RoleAssignment.Role.BRANCH_SECRETARY
        ).select_related("unit")
    ]
