"""Checks that the scoring tables keep their promises, for `manage.py check_integrity`:
each a function giving the problems it finds (none: the promise holds), reading with a
fixed number of queries."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from scoring.models import Attendance, MonthlyTally, PointsEntry, TallyLine

ZERO = Decimal("0")


def checks() -> list[tuple[str, object]]:
    return [
        ("published tallies equal the ledger", tallies),
        ("every attendance has its points entry", attendances_paid),
    ]


def tallies() -> list[str]:
    """Each published line is the sum of the branch's entries of its month, every member
    with entries in the month has a line, a tally's total is the sum of its lines, and
    each line's year to date is what the ledger held for the year when the tally was
    published (entries of earlier months recorded later do not count)."""
    problems = []
    published = MonthlyTally.objects.filter(branch=OuterRef("branch"), month=OuterRef("month"))
    ledger: dict[tuple[int, object, int], tuple[Decimal, Decimal]] = {
        (row["branch"], row["month"], row["member"]): (
            row["month_points"],
            row["month_corrections"] or ZERO,
        )
        for row in PointsEntry.objects.filter(Exists(published))
        .order_by()
        .values("branch", "month", "member")
        .annotate(
            month_points=Sum("points"),
            month_corrections=Sum("points", filter=Q(corrects__isnull=False)),
        )
    }
    seen = set()
    line_sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
    lines = TallyLine.objects.order_by().values_list(
        "tally_id",
        "tally__branch_id",
        "tally__month",
        "member_id",
        "points",
        "corrections",
    )
    for tally_id, branch, month, member, points, corrections in lines.iterator(chunk_size=20000):
        key = (branch, month, member)
        seen.add(key)
        line_sums[tally_id] += points
        expected = ledger.get(key, (ZERO, ZERO))
        if (points, corrections) != expected:
            problems.append(
                f"tally of branch {branch} {month:%Y-%m}, member {member}: line says "
                f"{points} ({corrections} corrections), ledger {expected[0]} "
                f"({expected[1]} corrections)"
            )
    for branch, month, member in ledger.keys() - seen:
        problems.append(
            f"tally of branch {branch} {month:%Y-%m}: member {member} has entries "
            "in the month but no line"
        )
    for tally_id, branch, month, total in MonthlyTally.objects.values_list(
        "pk", "branch_id", "month", "total_points"
    ):
        if total != line_sums.get(tally_id, ZERO):
            problems.append(
                f"tally of branch {branch} {month:%Y-%m}: total {total}, lines add up "
                f"to {line_sums.get(tally_id, ZERO)}"
            )
    return problems + _year_to_date()


def _year_to_date() -> list[str]:
    as_published = (
        PointsEntry.objects.filter(
            branch=OuterRef("tally__branch"),
            member=OuterRef("member"),
            month__year=ExtractYear(OuterRef("tally__month")),
            month__lte=OuterRef("tally__month"),
            recorded_at__lte=OuterRef("tally__published_at"),
        )
        .order_by()
        .values("member")
        .annotate(total=Sum("points"))
        .values("total")
    )
    wrong = (
        TallyLine.objects.annotate(
            ledger=Coalesce(
                Subquery(as_published),
                Value(ZERO),
                output_field=DecimalField(max_digits=8, decimal_places=1),
            )
        )
        .exclude(year_to_date=F("ledger"))
        .values_list("tally__branch_id", "tally__month", "member_id", "year_to_date", "ledger")
    )
    return [
        f"tally of branch {branch} {month:%Y-%m}, member {member}: year to date "
        f"{frozen}, ledger at publication {ledger}"
        for branch, month, member, frozen, ledger in wrong
    ]


def attendances_paid() -> list[str]:
    unpaid = Attendance.objects.filter(
        ~Exists(PointsEntry.objects.filter(attendance=OuterRef("pk"), corrects__isnull=True))
    ).values_list("pk", "activity_id")
    return [
        f"attendance {pk} of activity {activity} has no points entry" for pk, activity in unpaid
    ]
