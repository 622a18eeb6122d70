"""The year-end evaluation (民主评岗, 分类定级): the rules as plain functions, and the
services that open, compute, publish and follow up a branch's evaluations.

The rules (points score, appraisal score, final score, grade) take and return Decimals
rounded to one place, half up, at every step, so the result page can show each step
with the numbers a person would write down, and redoing the arithmetic by hand gives
the same figures. `compute` runs all of them and returns a `Computation` that lists the
steps; the services store its results and the page shows it again.

Every service runs in one transaction and takes the acting user. Published results are
frozen: no recompute, no votes, no self-report, and the year's rule no longer changes.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from inbox.services import notify, notify_many
from members.models import Member, Unit
from posts import services as post_services
from posts.models import Choice
from scoring.models import (
    Ballot,
    Evaluation,
    EvaluationRule,
    Grade,
    Honour,
    PointsEntry,
    Sanction,
)
from scoring.services import ScoringError, district_of
from volunteer.history import save_with_history

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal("100")
ZERO = Decimal("0")
HELD_STATUSES = [Choice.Status.CONFIRMED, Choice.Status.ENDED]
# More votes than one branch meeting casts (its members and residents' representatives):
# a typing slip, and more ballot rows than one request may create.
MAX_VOTES = 2000


def one_place(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


# --- the rules -----------------------------------------------------------------------


def points_score(
    points: Decimal,
    *,
    rule: EvaluationRule,
    best_in_branch: Decimal,
    rank: int | None = None,
    ranked: int = 0,
) -> Decimal:
    """Points of the year as a 0–100 score. Relative to a target (the default): the
    target or more scores 100. Relative to the best: the branch's highest total scores
    100 (nobody scored: everyone 0). By rank: the first of the `ranked` members scores
    100, the last 0, evenly between; equal points share the higher rank; a branch of
    one scores 100. A negative total (corrections) scores 0 by points."""
    method = rule.points_method
    if method == EvaluationRule.PointsMethod.RANK:
        if ranked <= 1 or rank is None:
            return one_place(HUNDRED)
        return one_place(Decimal(ranked - rank) * HUNDRED / Decimal(ranked - 1))
    points = max(points, ZERO)
    if method == EvaluationRule.PointsMethod.TARGET:
        return one_place(min(points / rule.target_points, Decimal("1")) * HUNDRED)
    if best_in_branch <= 0:
        return one_place(ZERO)
    return one_place(min(points / best_in_branch, Decimal("1")) * HUNDRED)


def counted_points(total: Decimal, grid: Decimal, rule: EvaluationRule) -> Decimal:
    """The points the score is worked from: the year's points with its grid-service
    points counted in full, up to the district's cap, or not at all."""
    if rule.grid_points == EvaluationRule.GridPoints.NONE:
        return total - grid
    if rule.grid_points == EvaluationRule.GridPoints.CAPPED:
        return total - grid + min(grid, rule.grid_points_cap)
    return total


def ranks(points: dict[int, Decimal]) -> dict[int, int]:
    """Rank of each key by points, highest first; equal points share the higher rank."""
    ordered = sorted(points.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in points.items()}


def appraisal_score(favourable: int, total: int) -> Decimal | None:
    """The share of favourable votes as a 0–100 score; None when nobody voted."""
    if favourable < 0 or favourable > total:
        raise ValueError("favourable votes must be between 0 and the votes cast")
    if total == 0:
        return None
    return one_place(Decimal(favourable) * HUNDRED / Decimal(total))


def final_score(appraisal: Decimal, points: Decimal, rule: EvaluationRule) -> Decimal:
    """The weighted sum of the two (rounded) scores, by the district's weights."""
    return one_place(rule.appraisal_weight * appraisal + rule.points_weight * points)


def grade_for(final: Decimal, rule: EvaluationRule) -> Grade:
    """A score at a threshold gets the higher grade."""
    if final >= rule.excellent_from:
        return Grade.EXCELLENT
    if final >= rule.good_from:
        return Grade.GOOD
    if final >= rule.average_from:
        return Grade.AVERAGE
    return Grade.POOR


@dataclass(frozen=True)
class VoteCount:
    """Votes of one voter group (a `Ballot.Voter` value, or "" for paper counts saved
    before the groups were recorded)."""

    voter: str
    favourable: int
    total: int

    @property
    def unfavourable(self) -> int:
        return self.total - self.favourable

    @property
    def label(self) -> str:
        if self.voter:
            return str(Ballot.Voter(self.voter).label)
        return str(_("Voter group not recorded"))


@dataclass(frozen=True)
class Votes:
    """Appraisal votes of one evaluation: ballots entered one by one and a paper vote's
    counts, each per voter group."""

    ballot_counts: tuple[VoteCount, ...] = ()
    paper: tuple[VoteCount, ...] = ()

    @property
    def ballots_favourable(self) -> int:
        return sum(count.favourable for count in self.ballot_counts)

    @property
    def ballots(self) -> int:
        return sum(count.total for count in self.ballot_counts)

    @property
    def paper_favourable(self) -> int:
        return sum(count.favourable for count in self.paper)

    @property
    def paper_total(self) -> int:
        return sum(count.total for count in self.paper)

    @property
    def favourable(self) -> int:
        return self.ballots_favourable + self.paper_favourable

    @property
    def total(self) -> int:
        return self.ballots + self.paper_total

    def of_group(self, voter: str) -> VoteCount:
        """One group's ballots and paper votes together."""
        counts = [c for c in (*self.ballot_counts, *self.paper) if c.voter == voter]
        return VoteCount(voter, sum(c.favourable for c in counts), sum(c.total for c in counts))


def paper_counts(evaluation: Evaluation) -> tuple[VoteCount, ...]:
    """The evaluation's paper vote, one count per group that voted on paper."""
    counts = (
        VoteCount(
            Ballot.Voter.MEMBER,
            evaluation.paper_member_favourable,
            evaluation.paper_member_total,
        ),
        VoteCount(
            Ballot.Voter.RESIDENT,
            evaluation.paper_resident_favourable,
            evaluation.paper_resident_total,
        ),
        VoteCount("", evaluation.paper_ungrouped_favourable, evaluation.paper_ungrouped_total),
    )
    return tuple(count for count in counts if count.total)


@dataclass(frozen=True)
class Step:
    """One step of the computation: what it gives, the rule in words, the rule with the
    numbers filled in, and the result."""

    label: str
    rule: str
    worked: str
    result: str


@dataclass(frozen=True)
class Computation:
    points_total: Decimal
    points_basis: Decimal  # the branch's best, the target, or (by rank) members ranked
    votes: Votes
    points_score: Decimal
    appraisal_score: Decimal | None
    final_score: Decimal | None  # None without votes: incomplete, no grade
    grade: Grade | None
    steps: tuple[Step, ...]

    @property
    def is_complete(self) -> bool:
        return self.grade is not None


def _n(value: Decimal) -> str:
    return f"{value:.1f}"


def _percent(weight: Decimal) -> str:
    return f"{(weight * HUNDRED).normalize():f}%"


def compute(
    *,
    points_total: Decimal,
    best_in_branch: Decimal,
    votes: Votes,
    rule: EvaluationRule,
    grid_points: Decimal = ZERO,
    rank: int | None = None,
    ranked: int = 0,
) -> Computation:
    """Run every rule for one member and write down each step. `best_in_branch` and
    `rank` of `ranked` are worked out from the branch's counted points."""
    method = rule.points_method
    counted = counted_points(points_total, grid_points, rule)
    if method == EvaluationRule.PointsMethod.TARGET:
        basis = rule.target_points
    elif method == EvaluationRule.PointsMethod.RANK:
        basis = Decimal(ranked)
    else:
        basis = best_in_branch
    p_score = points_score(
        counted, rule=rule, best_in_branch=best_in_branch, rank=rank, ranked=ranked
    )
    a_score = appraisal_score(votes.favourable, votes.total)
    final = final_score(a_score, p_score, rule) if a_score is not None else None
    grade = grade_for(final, rule) if final is not None else None

    steps = [
        Step(
            _("Points of the year"),
            _("Ledger entries counted in the year's months, as on the points card"),
            _n(points_total),
            _n(points_total),
        ),
    ]
    if rule.grid_points != EvaluationRule.GridPoints.FULL:
        if rule.grid_points == EvaluationRule.GridPoints.NONE:
            how = _("grid-service points not counted")
            worked = f"{_n(points_total)} − {_n(grid_points)}"
        else:
            how = _("grid-service points counted up to %(cap)s") % {"cap": _n(rule.grid_points_cap)}
            worked = (
                f"{_n(points_total)} − {_n(grid_points)} + "
                f"min({_n(grid_points)}, {_n(rule.grid_points_cap)})"
            )
        steps.append(Step(_("Points counted"), how, worked, _n(counted)))
    if method == EvaluationRule.PointsMethod.TARGET:
        steps.append(
            Step(_("Points that score 100"), _("The district's target"), _n(basis), _n(basis))
        )
        worked = f"min({_n(max(counted, ZERO))} ÷ {_n(basis)}, 1) × 100"
        steps.append(
            Step(_("Points score"), _("min(points ÷ target, 1) × 100"), worked, _n(p_score))
        )
    elif method == EvaluationRule.PointsMethod.RANK:
        steps.append(
            Step(
                _("Rank in the branch"),
                _("by points, highest first; equal points share a rank"),
                _("%(rank)s of %(count)s") % {"rank": rank or 1, "count": ranked},
                str(rank or 1),
            )
        )
        worked = (
            f"({ranked} − {rank}) ÷ ({ranked} − 1) × 100"
            if ranked > 1 and rank is not None
            else _("the only member evaluated: 100")
        )
        steps.append(
            Step(
                _("Points score"),
                _("(members − rank) ÷ (members − 1) × 100"),
                worked,
                _n(p_score),
            )
        )
    else:
        steps.append(
            Step(
                _("Points that score 100"),
                _("The highest points total in the branch"),
                _n(basis),
                _n(basis),
            )
        )
        worked = (
            f"{_n(max(counted, ZERO))} ÷ {_n(basis)} × 100"
            if basis > 0
            else _("nobody in the branch has points: 0")
        )
        steps.append(
            Step(_("Points score"), _("points ÷ branch's best × 100"), worked, _n(p_score))
        )
    steps.append(
        Step(
            _("Favourable votes"),
            _("favourable ballots + favourable on paper"),
            f"{votes.ballots_favourable} + {votes.paper_favourable}",
            str(votes.favourable),
        )
    )
    steps.append(
        Step(
            _("Votes cast"),
            _("ballots + votes on paper"),
            f"{votes.ballots} + {votes.paper_total}",
            str(votes.total),
        )
    )
    steps.append(
        Step(
            _("Appraisal score"),
            _("favourable votes ÷ votes cast × 100"),
            f"{votes.favourable} ÷ {votes.total} × 100" if votes.total else _("no votes yet"),
            _n(a_score) if a_score is not None else "—",
        )
    )
    weights = _("%(a)s × appraisal score + %(p)s × points score") % {
        "a": _percent(rule.appraisal_weight),
        "p": _percent(rule.points_weight),
    }
    steps.append(
        Step(
            _("Final score"),
            weights,
            f"{_percent(rule.appraisal_weight)} × {_n(a_score)} + "
            f"{_percent(rule.points_weight)} × {_n(p_score)}"
            if a_score is not None
            else _("needs the appraisal score"),
            _n(final) if final is not None else "—",
        )
    )
    steps.append(
        Step(
            _("Grade"),
            _("excellent from %(e)s, good from %(g)s, average from %(a)s, poor below")
            % {
                "e": _n(rule.excellent_from),
                "g": _n(rule.good_from),
                "a": _n(rule.average_from),
            },
            _grade_worked(final, rule) if final is not None else _("needs the final score"),
            str(grade.label) if grade is not None else "—",
        )
    )
    return Computation(
        points_total=points_total,
        points_basis=basis,
        votes=votes,
        points_score=p_score,
        appraisal_score=a_score,
        final_score=final,
        grade=grade,
        steps=tuple(steps),
    )


def _grade_worked(final: Decimal, rule: EvaluationRule) -> str:
    for threshold in (rule.excellent_from, rule.good_from, rule.average_from):
        if final >= threshold:
            return f"{_n(final)} ≥ {_n(threshold)}"
    return f"{_n(final)} < {_n(rule.average_from)}"


# --- reads ---------------------------------------------------------------------------


def votes_by_evaluation(evaluations: Iterable[Evaluation]) -> dict[int, Votes]:
    """The votes of each evaluation, ballots counted per voter group in one query."""
    evaluations = list(evaluations)
    counted: dict[int, dict[str, VoteCount]] = defaultdict(dict)
    for row in (
        Ballot.objects.filter(evaluation__in=[e.pk for e in evaluations])
        .order_by()
        .values("evaluation", "voter")
        .annotate(total=Count("id"), favourable=Count("id", filter=Q(favourable=True)))
    ):
        counted[row["evaluation"]][row["voter"]] = VoteCount(
            row["voter"], row["favourable"], row["total"]
        )
    return {
        e.pk: Votes(
            ballot_counts=tuple(
                counted[e.pk][voter] for voter in Ballot.Voter.values if voter in counted[e.pk]
            ),
            paper=paper_counts(e),
        )
        for e in evaluations
    }


def stored_computation(evaluation: Evaluation, votes: Votes) -> Computation | None:
    """The computation behind an evaluation's stored scores, step by step; None before
    it is computed. Votes entered after computing clear the scores, and a published
    year's rule cannot change, so this gives the stored figures again."""
    if evaluation.computed_at is None or evaluation.rule is None:
        return None
    method = evaluation.rule.points_method
    return compute(
        points_total=evaluation.points_total,
        best_in_branch=evaluation.points_basis
        if method == EvaluationRule.PointsMethod.RELATIVE_TO_BEST
        else ZERO,
        votes=votes,
        rule=evaluation.rule,
        grid_points=evaluation.grid_points or ZERO,
        rank=evaluation.points_rank,
        ranked=int(evaluation.points_basis or 0)
        if method == EvaluationRule.PointsMethod.RANK
        else 0,
    )


def is_stale(evaluation: Evaluation) -> bool:
    """Computed with a rule the district changed afterwards."""
    return (
        evaluation.computed_at is not None
        and evaluation.rule is not None
        and evaluation.rule.updated_at > evaluation.computed_at
    )


def year_months_range(year: int) -> tuple[dt.date, dt.date]:
    """The tally months of a year. A year's points are the entries counted in its
    months, as the points card and the published tallies count them: an activity of
    December recorded after December was published counts in January, on the card, in
    the tally and here alike."""
    return dt.date(year, 1, 1), dt.date(year, 12, 1)


def post_holders(branch: Unit, year: int):
    """Members who held a confirmed post of the branch in the year (still or no longer),
    but not those since exempted from choosing a post: they are not graded."""
    return Member.objects.filter(
        choices__post__branch=branch,
        choices__post__year=year,
        choices__status__in=HELD_STATUSES,
        is_exempt=False,
    ).distinct()


def is_published(branch: Unit, year: int) -> bool:
    return Evaluation.objects.filter(branch=branch, year=year, published_at__isnull=False).exists()


# --- rule ----------------------------------------------------------------------------


def rule_for(district: Unit, year: int) -> EvaluationRule:
    """The district's rule for the year, written down with the defaults (relative to
    the branch's best, 50/50, 90/75/60) the first time it is needed."""
    rule, _created = EvaluationRule.objects.get_or_create(district=district, year=year)
    return rule


@transaction.atomic
def set_evaluation_rule(
    *,
    district: Unit,
    year: int,
    points_method: str,
    target_points: Decimal | None,
    appraisal_weight: Decimal,
    points_weight: Decimal,
    excellent_from: Decimal,
    good_from: Decimal,
    average_from: Decimal,
    by,
    grid_points: str = EvaluationRule.GridPoints.FULL,
    grid_points_cap: Decimal | None = None,
) -> EvaluationRule:
    """The district organiser sets the year's rule, until a branch publishes results
    computed with it."""
    if district.kind != Unit.Kind.DISTRICT:
        raise ScoringError(_("Evaluation rules are set by a district."))
    if appraisal_weight < 0 or points_weight < 0:
        raise ScoringError(_("Weights cannot be negative."))
    if appraisal_weight + points_weight != Decimal("1"):
        raise ScoringError(_("The two weights must add up to 1 (e.g. 0.5 and 0.5)."))
    if not (HUNDRED >= excellent_from > good_from > average_from >= 0):
        raise ScoringError(_("Thresholds must descend: 100 ≥ excellent > good > average ≥ 0."))
    if points_method == EvaluationRule.PointsMethod.TARGET and not (
        target_points and target_points > 0
    ):
        raise ScoringError(_("Give a target above 0 for scoring points against a target."))
    if grid_points == EvaluationRule.GridPoints.CAPPED and not (
        grid_points_cap and grid_points_cap > 0
    ):
        raise ScoringError(_("Give a cap above 0 for counting grid-service points up to a cap."))
    published = Evaluation.objects.filter(
        branch__path__startswith=district.path, year=year, published_at__isnull=False
    )
    if published.exists():
        raise ScoringError(
            _("Results for %(year)s are published; the year's rule can no longer change.")
            % {"year": year}
        )
    rule = EvaluationRule.objects.select_for_update().filter(
        district=district, year=year
    ).first() or EvaluationRule(district=district, year=year)
    rule.points_method = points_method
    rule.target_points = target_points
    rule.appraisal_weight = appraisal_weight
    rule.points_weight = points_weight
    rule.excellent_from = excellent_from
    rule.good_from = good_from
    rule.average_from = average_from
    rule.grid_points = grid_points
    rule.grid_points_cap = (
        grid_points_cap if grid_points == EvaluationRule.GridPoints.CAPPED else None
    )
    save_with_history(rule, by=by)
    return rule


# --- a branch's evaluations -----------------------------------------------------------


def _refuse_if_published(evaluation: Evaluation) -> None:
    if evaluation.published_at is not None:
        raise ScoringError(_("The results are published and can no longer change."))


def _locked(evaluation: Evaluation) -> Evaluation:
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _refuse_if_published(locked)
    return locked


COMPUTED_FIELDS = [
    "rule",
    "points_total",
    "grid_points",
    "points_basis",
    "points_rank",
    "points_score",
    "appraisal_score",
    "final_score",
    "grade",
    "computed_at",
]


def _clear_results(evaluation: Evaluation) -> None:
    """New votes make the stored scores out of date: the branch computes again."""
    evaluation.rule = None
    evaluation.points_total = None
    evaluation.grid_points = None
    evaluation.points_basis = None
    evaluation.points_rank = None
    evaluation.points_score = None
    evaluation.appraisal_score = None
    evaluation.final_score = None
    evaluation.grade = ""
    evaluation.computed_at = None


@transaction.atomic
def open_evaluations(*, branch: Unit, year: int, by) -> list[Evaluation]:
    """An evaluation for every member who held a confirmed post of the branch in the
    year. Running it again adds only those still missing; returns the new ones."""
    if is_published(branch, year):
        raise ScoringError(_("The results for this year are published."))
    holders = list(post_holders(branch, year).select_related("user").order_by("name"))
    if not holders:
        raise ScoringError(
            _("Nobody held a confirmed post of this branch in %(year)s.") % {"year": year}
        )
    existing = set(
        Evaluation.objects.filter(member__in=holders, year=year).values_list("member_id", flat=True)
    )
    created = []
    for member in holders:
        if member.pk in existing:
            continue
        evaluation = Evaluation(member=member, branch=branch, year=year)
        save_with_history(evaluation, by=by)
        created.append(evaluation)
    with_log_in = [e.member.user for e in created if e.member.user_id]
    if with_log_in:
        notify_many(
            recipients=with_log_in,
            subject=_("Year-end evaluation %(year)s: write your self-report") % {"year": year},
            body=_(
                "%(branch)s has opened the year-end evaluation. Write your self-report "
                "before the appraisal."
            )
            % {"branch": branch.name},
            link=reverse("scoring:my-evaluation"),
        )
    return created


@transaction.atomic
def save_self_report(*, evaluation: Evaluation, text: str, by) -> Evaluation:
    """The member's 述岗自评, written by them or typed in by the secretary from paper."""
    evaluation = _locked(evaluation)
    if not text.strip():
        raise ScoringError(_("Write the self-report."))
    evaluation.self_report = text.strip()
    return save_with_history(evaluation, by=by, update_fields=["self_report"])


@transaction.atomic
def save_assessment(*, evaluation: Evaluation, text: str, by) -> Evaluation:
    """The organisation's assessment (组织考评) of the member's year in the post."""
    evaluation = _locked(evaluation)
    evaluation.organisation_assessment = text.strip()
    return save_with_history(evaluation, by=by, update_fields=["organisation_assessment"])


@transaction.atomic
def enter_ballots(
    *, evaluation: Evaluation, favourable: int, unfavourable: int, voter: str, by
) -> list[Ballot]:
    """Enter ballots of one kind of voter, one row per ballot. The stored scores are
    cleared until the branch computes again."""
    if voter not in Ballot.Voter.values:
        raise ScoringError(_("Say who voted: party members or residents' representatives."))
    if favourable < 0 or unfavourable < 0:
        raise ScoringError(_("Vote counts cannot be negative."))
    if favourable + unfavourable == 0:
        raise ScoringError(_("Enter at least one ballot."))
    if favourable + unfavourable > MAX_VOTES:
        raise ScoringError(_too_many_votes())
    evaluation = _locked(evaluation)
    ballots = Ballot.objects.bulk_create(
        [
            Ballot(evaluation=evaluation, voter=voter, favourable=is_favourable, entered_by=by)
            for is_favourable in [True] * favourable + [False] * unfavourable
        ]
    )
    _clear_results(evaluation)
    save_with_history(evaluation, by=by, update_fields=COMPUTED_FIELDS)
    return ballots


def _too_many_votes() -> str:
    return _("At most %(most)s votes can be entered at once.") % {"most": MAX_VOTES}


def add_ballot(*, evaluation: Evaluation, voter: str, favourable: bool, by) -> Ballot:
    """One ballot."""
    return enter_ballots(
        evaluation=evaluation,
        favourable=int(favourable),
        unfavourable=int(not favourable),
        voter=voter,
        by=by,
    )[0]


PAPER_FIELDS = [
    "paper_member_favourable",
    "paper_member_total",
    "paper_resident_favourable",
    "paper_resident_total",
    "paper_ungrouped_favourable",
    "paper_ungrouped_total",
]


@transaction.atomic
def enter_paper_counts(
    *,
    evaluation: Evaluation,
    member_favourable: int = 0,
    member_total: int = 0,
    resident_favourable: int = 0,
    resident_total: int = 0,
    by,
) -> Evaluation:
    """Set a paper vote's counts for party members and residents' representatives,
    replacing all earlier counts (those saved without a voter group too)."""
    for favourable, total in (
        (member_favourable, member_total),
        (resident_favourable, resident_total),
    ):
        if favourable < 0 or total < 0:
            raise ScoringError(_("Vote counts cannot be negative."))
        if favourable > total:
            raise ScoringError(_("Favourable votes cannot exceed the votes cast."))
        if total > MAX_VOTES:
            raise ScoringError(_too_many_votes())
    evaluation = _locked(evaluation)
    evaluation.paper_member_favourable = member_favourable
    evaluation.paper_member_total = member_total
    evaluation.paper_resident_favourable = resident_favourable
    evaluation.paper_resident_total = resident_total
    evaluation.paper_ungrouped_favourable = 0
    evaluation.paper_ungrouped_total = 0
    _clear_results(evaluation)
    return save_with_history(evaluation, by=by, update_fields=[*PAPER_FIELDS, *COMPUTED_FIELDS])


@dataclass(frozen=True)
class BranchResult:
    computed: int
    incomplete: list[str]  # names of members without votes: no final score, no grade


@transaction.atomic
def compute_branch(*, branch: Unit, year: int, by) -> BranchResult:
    """Compute every evaluation of the branch and year: points from the ledger (entries
    counted in the year's months, corrections included), the branch's best, the votes, the
    district's rule. An evaluation without votes is stored incomplete, without a grade."""
    evaluations = list(
        Evaluation.objects.select_for_update(of=("self",))
        .filter(branch=branch, year=year)
        .order_by("pk")
        .select_related("member")
    )
    if not evaluations:
        raise ScoringError(_("Open the evaluations first."))
    if any(e.published_at for e in evaluations):
        raise ScoringError(_("The results are published and can no longer change."))
    rule = rule_for(district_of(branch), year)
    grid_service = Q(attendance__activity__hours__isnull=False) | Q(
        corrects__attendance__activity__hours__isnull=False
    )
    totals = {
        row["member"]: (row["total"] or ZERO, row["grid"] or ZERO)
        for row in PointsEntry.objects.filter(
            member__in=[e.member_id for e in evaluations], month__range=year_months_range(year)
        )
        .order_by()
        .values("member")
        .annotate(total=Sum("points"), grid=Sum("points", filter=grid_service))
    }
    points = {e.pk: totals.get(e.member_id, (ZERO, ZERO)) for e in evaluations}
    counted = {pk: counted_points(total, grid, rule) for pk, (total, grid) in points.items()}
    best = max([ZERO, *counted.values()])
    rank_of = ranks(counted)
    votes = votes_by_evaluation(evaluations)
    now = timezone.now()
    incomplete = []
    for evaluation in evaluations:
        total, grid = points[evaluation.pk]
        result = compute(
            points_total=total,
            grid_points=grid,
            best_in_branch=best,
            votes=votes[evaluation.pk],
            rule=rule,
            rank=rank_of[evaluation.pk],
            ranked=len(evaluations),
        )
        evaluation.rule = rule
        evaluation.points_total = result.points_total
        evaluation.grid_points = grid
        evaluation.points_rank = rank_of[evaluation.pk]
        evaluation.points_basis = result.points_basis
        evaluation.points_score = result.points_score
        evaluation.appraisal_score = result.appraisal_score
        evaluation.final_score = result.final_score
        evaluation.grade = result.grade or ""
        evaluation.computed_at = now
        if not result.is_complete:
            incomplete.append(evaluation.member.name)
    bulk_update_with_history(evaluations, Evaluation, COMPUTED_FIELDS, default_user=by)
    return BranchResult(computed=len(evaluations), incomplete=incomplete)


@transaction.atomic
def publish_branch(*, branch: Unit, year: int, by) -> list[Evaluation]:
    """Publish the branch's results (公示) once every member has a grade, and tell each
    member with a log-in their grade. From then on the results are frozen."""
    evaluations = list(
        Evaluation.objects.select_for_update(of=("self",))
        .filter(branch=branch, year=year)
        .order_by("pk")
        .select_related("member__user", "rule")
    )
    if not evaluations:
        raise ScoringError(_("Open the evaluations first."))
    if any(e.published_at for e in evaluations):
        raise ScoringError(_("The results are already published."))
    ungraded = [e.member.name for e in evaluations if not e.grade]
    if ungraded:
        raise ScoringError(
            _("Not everyone has a grade yet (enter votes, then compute): %(names)s")
            % {"names": "、".join(ungraded)}
        )
    if any(is_stale(e) for e in evaluations):
        raise ScoringError(
            _("The district changed the rule after the scores were computed: compute again.")
        )
    now = timezone.now()
    for evaluation in evaluations:
        evaluation.published_at = now
    bulk_update_with_history(evaluations, Evaluation, ["published_at"], default_user=by)
    for evaluation in evaluations:
        if evaluation.member.user_id:
            notify(
                recipient=evaluation.member.user,
                subject=_("Your year-end evaluation for %(year)s: %(grade)s")
                % {"year": year, "grade": evaluation.get_grade_display()},
                body=_("Final score %(score)s. The result page shows how it was computed.")
                % {"score": _n(evaluation.final_score)},
                link=reverse("scoring:evaluation-detail", args=[evaluation.pk]),
            )
    return evaluations


# --- honours and sanctions (分类奖惩) ------------------------------------------------------


def _published_grade(member: Member, year: int) -> str:
    evaluation = Evaluation.objects.filter(
        member=member, year=year, published_at__isnull=False
    ).first()
    return evaluation.grade if evaluation else ""


@transaction.atomic
def award_honour(*, member: Member, year: int, kind: str, note: str = "", by) -> Honour:
    """Name a member graded excellent 履岗先锋 or 服务之星, or mark them a reserve cadre."""
    if _published_grade(member, year) != Grade.EXCELLENT:
        raise ScoringError(_("Honours are for members graded excellent in published results."))
    if Honour.objects.filter(member=member, year=year, kind=kind).exists():
        raise ScoringError(_("This honour was already awarded for the year."))
    honour = Honour(member=member, year=year, kind=kind, note=note.strip(), awarded_by=by)
    save_with_history(honour, by=by)
    return honour


@transaction.atomic
def record_sanction(
    *,
    member: Member,
    year: int,
    kind: str,
    record: str,
    held_on: dt.date,
    choice: Choice | None = None,
    by,
) -> Sanction:
    """Record an admonishment talk (劝勉谈话) or a removal from post (退岗) after a poor
    grade. A removal ends the member's post choice, with the record as its reason."""
    if _published_grade(member, year) != Grade.POOR:
        raise ScoringError(_("Sanctions are for members graded poor in published results."))
    if not record.strip():
        raise ScoringError(_("Write the record of the talk or decision."))
    if held_on > timezone.localdate():
        raise ScoringError(_("The date cannot be in the future."))
    if kind == Sanction.Kind.REMOVAL:
        if choice is None or choice.member_id != member.pk:
            raise ScoringError(_("Pick the post the member leaves."))
        try:
            choice = post_services.end_choice(
                choice=choice, reason=Truncator(record.strip()).chars(200), by=by
            )
        except post_services.PostsError as error:
            raise ScoringError(str(error)) from error
    else:
        choice = None
    sanction = Sanction(
        member=member,
        year=year,
        kind=kind,
        record=record.strip(),
        held_on=held_on,
        choice=choice,
        decided_by=by,
    )
    save_with_history(sanction, by=by)
    return sanction


# --- grade distribution ----------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """How a branch's computed grades spread, for a look before publishing."""

    rows: tuple[tuple[str, int, int], ...]  # (grade label, members, per cent)
    graded: int
    crowded: str  # the label of a grade that holds more than half of the branch, or ""


def grade_distribution(evaluations: Iterable[Evaluation]) -> Distribution:
    """Members per grade among `evaluations`; a grade holding more than half of them is
    named, since a points rule that fits the branch badly shows first as a crowd."""
    counts = {grade: 0 for grade in Grade}
    for evaluation in evaluations:
        if evaluation.grade:
            counts[Grade(evaluation.grade)] += 1
    graded = sum(counts.values())
    rows = tuple(
        (str(grade.label), n, round(n * 100 / graded) if graded else 0)
        for grade, n in counts.items()
    )
    crowded = next(
        (str(grade.label) for grade, n in counts.items() if graded > 1 and n * 2 > graded), ""
    )
    return Distribution(rows, graded, crowded)
