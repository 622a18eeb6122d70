"""`manage.py check_integrity [--request-codes FILE]`: does the data keep its promises?

Run after the load test (`make load`) and after a database restart in the middle of it;
useful on a production copy too. Each check reads with a fixed number of queries:

- every published monthly tally equals its ledger: each line's points and corrections
  are the sums of the branch's entries in that month, every member with entries in the
  month has a line, the tally's total is the sum of its lines, and each line's year to
  date is what the ledger held for the year when the tally was published (entries of
  earlier months recorded later do not count: they were not there to freeze);
- no post has more confirmed choices than seats;
- nothing half-written: every attendance has its points entry, every confirmed choice
  its certificate number and pledge, every help request its "received" event;
- with --request-codes, every help request code in the file (one a line: the codes the
  load test was given) is in the database.

Exits with status 1 and names each problem if any check fails.
"""

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from helpdesk.models import HelpRequest, RequestEvent
from posts.models import Choice, Post
from scoring.models import Attendance, MonthlyTally, PointsEntry, TallyLine

ZERO = Decimal("0")
SHOWN = 10  # problems named per check; the count says how many there are


class Command(BaseCommand):
    help = (
        "Check that published tallies equal the ledger, that no post is over-filled, that "
        "no multi-row write is half done and that given help request codes exist."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--request-codes",
            type=Path,
            help="A file of help request codes, one a line, that must all be found.",
        )

    def handle(self, *args, request_codes: Path | None = None, **options) -> None:
        checks = [
            ("published tallies equal the ledger", self.tallies),
            ("no post has more confirmed choices than seats", self.seats),
            ("nothing half-written", self.half_written),
        ]
        if request_codes is not None:
            codes = [c.strip() for c in request_codes.read_text().splitlines() if c.strip()]
            checks.append(
                (f"all {len(codes)} help requests given out are stored", lambda: self.codes(codes))
            )
        failed = 0
        for title, check in checks:
            problems = check()
            if problems:
                failed += 1
                self.stdout.write(self.style.ERROR(f"FAIL  {title}: {len(problems)} problem(s)"))
                for problem in problems[:SHOWN]:
                    self.stdout.write(f"      {problem}")
            else:
                self.stdout.write(self.style.SUCCESS(f"ok    {title}"))
        if failed:
            raise CommandError(f"{failed} integrity check(s) failed.")

    # --- tallies ------------------------------------------------------------------------

    def tallies(self) -> list[str]:
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
        for tally_id, branch, month, member, points, corrections in lines.iterator(
            chunk_size=20000
        ):
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
        return problems + self._year_to_date()

    def _year_to_date(self) -> list[str]:
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

    # --- seats --------------------------------------------------------------------------

    def seats(self) -> list[str]:
        over = (
            Post.objects.annotate(
                confirmed=Count("choices", filter=Q(choices__status=Choice.Status.CONFIRMED))
            )
            .filter(confirmed__gt=F("seats"))
            .values_list("pk", "name", "seats", "confirmed")
        )
        return [
            f"post {pk} {name}: {confirmed} confirmed for {seats} seat(s)"
            for pk, name, seats, confirmed in over
        ]

    # --- half-written writes ------------------------------------------------------------

    def half_written(self) -> list[str]:
        problems = []
        unpaid = Attendance.objects.filter(
            ~Exists(PointsEntry.objects.filter(attendance=OuterRef("pk"), corrects__isnull=True))
        ).values_list("pk", "activity_id")
        problems += [
            f"attendance {pk} of activity {activity} has no points entry" for pk, activity in unpaid
        ]
        unfinished = (
            Choice.objects.filter(status=Choice.Status.CONFIRMED)
            .filter(
                Q(certificate_number__isnull=True)
                | Q(certificate_number="")
                | Q(pledge__isnull=True)
            )
            .values_list("pk", flat=True)
        )
        problems += [
            f"confirmed choice {pk} lacks its certificate number or pledge" for pk in unfinished
        ]
        unlogged = HelpRequest.objects.filter(
            ~Exists(
                RequestEvent.objects.filter(request=OuterRef("pk"), kind=RequestEvent.Kind.RECEIVED)
            )
        ).values_list("code", flat=True)
        problems += [f"help request {code} has no 'received' event" for code in unlogged]
        return problems

    # --- help requests given out --------------------------------------------------------

    def codes(self, codes: list[str]) -> list[str]:
        found: set[str] = set()
        for start in range(0, len(codes), 5000):
            found |= set(
                HelpRequest.objects.filter(code__in=codes[start : start + 5000]).values_list(
                    "code", flat=True
                )
            )
        return [
            f"help request {code} was given out but is not stored"
            for code in codes
            if code not in found
        ]
