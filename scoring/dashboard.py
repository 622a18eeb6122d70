"""Reads for the dashboards of a branch, a town or a district (point 8): coverage,
the distribution of members' points, activities by kind, trainings and the people
trained, and the grades of the year's published evaluations; for a town or district,
the same figures per child unit.

Everything is read in a fixed number of queries, whatever the size of the unit: each
figure is one aggregate grouped by branch path (`values()` / `annotate()`), rolled up
to the child units in Python, like `posts.reports.coverage_by_unit`, which gives the
coverage figures.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from members.models import Member, Unit
from posts.models import Choice
from posts.reports import Coverage, coverage_by_unit
from scoring.models import Activity, ActivityKind, Attendance, Evaluation, Grade, PointsEntry

ZERO = Decimal("0")
BAND_WIDTH = 10
BANDS = 10  # 1–9, 10–19, … 90–99, then "100 or more"


@dataclass
class Figures:
    """The figures of one unit (a child unit's row, or the whole unit)."""

    coverage: Coverage = field(default_factory=Coverage)
    points: Decimal = ZERO
    members_with_points: int = 0
    activities: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(ActivityKind.values, 0)
    )
    attendances: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(ActivityKind.values, 0)
    )
    trained: int = 0
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Grade.values, 0))
    visits: int = 0
    information: int = 0
    problems_solved: int = 0

    @property
    def activity_count(self) -> int:
        return sum(self.activities.values())

    @property
    def attendance_count(self) -> int:
        return sum(self.attendances.values())

    @property
    def trainings(self) -> int:
        return self.activities[ActivityKind.TRAINING]

    @property
    def evaluated(self) -> int:
        return sum(self.grades.values())

    @property
    def excellent(self) -> int:
        return self.grades[Grade.EXCELLENT]

    @property
    def good(self) -> int:
        return self.grades[Grade.GOOD]

    @property
    def average(self) -> int:
        return self.grades[Grade.AVERAGE]

    @property
    def poor(self) -> int:
        return self.grades[Grade.POOR]


@dataclass
class Band:
    label: str
    low: Decimal | None  # None: no points (or fewer than none, after corrections)
    members: int = 0


@dataclass
class KindRow:
    kind: str
    label: str
    activities: int
    attendances: int


@dataclass
class GradeRow:
    grade: str
    label: str
    members: int


@dataclass
class Dashboard:
    unit: Unit
    year: int
    total: Figures
    rows: list[tuple[Unit, Figures]]  # child units of a town or district; [] for a branch
    bands: list[Band]
    months: list[tuple[dt.date, Decimal]]
    participants: list[tuple[str, int]] = field(default_factory=list)  # (category, people)

    @property
    def kinds(self) -> list[KindRow]:
        return [
            KindRow(kind, label, self.total.activities[kind], self.total.attendances[kind])
            for kind, label in ActivityKind.choices
        ]

    @property
    def grades(self) -> list[GradeRow]:
        return [GradeRow(grade, label, self.total.grades[grade]) for grade, label in Grade.choices]


def _bands() -> list[Band]:
    bands = [Band("0", None)]
    for n in range(BANDS):
        low = n * BAND_WIDTH
        bands.append(Band(f"{max(low, 1)}–{low + BAND_WIDTH - 1}", Decimal(low)))
    bands.append(Band(f"≥{BANDS * BAND_WIDTH}", Decimal(BANDS * BAND_WIDTH)))
    return bands


def _band_index(points: Decimal) -> int:
    """0 for no points; 1 for 0 < points < 10 (1–9); … the last band is open above."""
    if points <= 0:
        return 0
    return min(int(points // BAND_WIDTH), BANDS) + 1


def _child_path(unit: Unit, path: str) -> str:
    return unit.path + path[len(unit.path) :].split("/", 1)[0] + "/"


def unit_dashboard(unit: Unit, year: int) -> Dashboard:
    """The dashboard figures of a district, town or branch for a year, in fourteen
    queries: five for coverage (posts.reports), the unit's branches, then one each for
    members' points, exempt members, points by month, activities by kind, their
    attendance, the people trained and the grades."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    if unit.kind == Unit.Kind.BRANCH:
        # A branch's coverage is its row in its town's table (a branch's children are
        # grids, which hold no posts).
        parent = unit.parent
        table = coverage_by_unit(parent, year) if parent is not None else None
        coverage = next((c for u, c in table.rows if u.pk == unit.pk), None) if table else None
        children: list[Unit] = []
        total = Figures(coverage=coverage or Coverage())
        figures: dict[str, Figures] = {}
    else:
        table = coverage_by_unit(unit, year)
        children = [child for child, _c in table.rows]
        total = Figures(coverage=table.total)
        figures = {child.path: Figures(coverage=c) for child, c in table.rows}

    branch_paths = dict(Unit.objects.within(unit).branches().values_list("pk", "path"))

    def bucket(branch: int) -> Figures | None:
        if unit.kind == Unit.Kind.BRANCH or branch not in branch_paths:
            return None
        return figures.get(_child_path(unit, branch_paths[branch]))

    # Members' points of the year: the distribution, and the points per child unit.
    entries = PointsEntry.objects.in_unit(unit).filter(month__gte=first, month__lte=last)
    per_member: dict[int, Decimal] = defaultdict(Decimal)
    for member, branch, points in (
        entries.order_by().values_list("member", "branch").annotate(points=Sum("points"))
    ):
        per_member[member] += points
        if (row := bucket(branch)) is not None:
            row.points += points
            row.members_with_points += points > 0
    total.points = sum(per_member.values(), ZERO)
    total.members_with_points = sum(1 for points in per_member.values() if points > 0)
    exempt = set(Member.objects.in_unit(unit).filter(is_exempt=True).values_list("pk", flat=True))
    bands = _bands()
    placed = 0
    for member, points in per_member.items():
        if member in exempt or points <= 0:
            continue
        bands[_band_index(points)].members += 1
        placed += 1
    bands[0].members = max(total.coverage.eligible - placed, 0)

    by_month = dict(
        entries.order_by()
        .values_list("month")
        .annotate(points=Sum("points"))
        .values_list("month", "points")
    )
    months = [(dt.date(year, m, 1), by_month.get(dt.date(year, m, 1), ZERO)) for m in range(1, 13)]

    # Activities by kind, then their attendance (two aggregates: counting activities
    # through a join with their attendance would need a COUNT(DISTINCT)).
    # A town's training for several branches is one training in each figure that holds
    # any of its branches' parts, not one per branch.
    activities = Activity.objects.in_unit(unit).in_year(year).order_by()
    joint: dict[int, set[int]] = defaultdict(set)  # id(row) → joint trainings counted
    for branch, kind, training, n, visits, information, solved in activities.values_list(
        "branch", "kind", "joint_training"
    ).annotate(
        n=Count("id"),
        visits=Sum("visits"),
        information=Sum("information"),
        solved=Sum("problems_solved"),
    ):
        for row in (total, bucket(branch)):
            if row is not None:
                if training is None:
                    row.activities[kind] += n
                elif training not in joint[id(row)]:
                    joint[id(row)].add(training)
                    row.activities[kind] += 1
                row.visits += visits or 0
                row.information += information or 0
                row.problems_solved += solved or 0
    attendances = Attendance.objects.filter(
        activity__branch__path__startswith=unit.path, activity__held_on__year=year
    ).order_by()
    for branch, kind, n in attendances.values_list("activity__branch", "activity__kind").annotate(
        n=Count("id")
    ):
        for row in (total, bucket(branch)):
            if row is not None:
                row.attendances[kind] += n

    # People trained: distinct members attending the year's trainings.
    trained = (
        attendances.filter(activity__kind=ActivityKind.TRAINING)
        .values_list("activity__branch", "member")
        .distinct()
    )
    people: set[int] = set()
    per_child: dict[str, set[int]] = defaultdict(set)
    for branch, member in trained:
        people.add(member)
        if bucket(branch) is not None:
            per_child[_child_path(unit, branch_paths[branch])].add(member)
    total.trained = len(people)
    for path, members in per_child.items():
        figures[path].trained = len(members)

    grades = (
        Evaluation.objects.filter(
            branch__path__startswith=unit.path, year=year, published_at__isnull=False
        )
        .exclude(grade="")
        .order_by()
        .values_list("branch", "grade")
        .annotate(n=Count("id"))
    )
    for branch, grade, n in grades:
        for row in (total, bucket(branch)):
            if row is not None:
                row.grades[grade] += n

    # Who takes part, by category (在册 / 在职 / 积极分子 / 能人…): the people holding a
    # post of the year, as the case report counts them.
    participants = dict(
        Choice.objects.in_unit(unit)
        .filter(post__year=year, status__in=[Choice.Status.CONFIRMED, Choice.Status.ENDED])
        .order_by()
        .values_list("member__category")
        .annotate(n=Count("member", distinct=True))
    )

    return Dashboard(
        unit=unit,
        year=year,
        total=total,
        rows=[(child, figures[child.path]) for child in children],
        bands=bands,
        months=months,
        participants=[
            (label, participants.get(value, 0)) for value, label in Member.Category.choices
        ],
    )
