"""`manage.py check_integrity [--request-codes FILE]`: does the data keep its promises?

Run after the load test (`make load`) and after a database restart in the middle of it;
useful on a production copy too. Each app offers the checks of its own tables
(`scoring.integrity`, `posts.integrity`, `helpdesk.integrity`); each check reads with a
fixed number of queries:

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

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpdesk import integrity as helpdesk_integrity
from posts import integrity as posts_integrity
from scoring import integrity as scoring_integrity

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
        # Each app checks its own tables (its integrity.checks()).
        checks = [
            *scoring_integrity.checks(),
            *posts_integrity.checks(),
            *helpdesk_integrity.checks(),
        ]
        if request_codes is not None:
            codes = [c.strip() for c in request_codes.read_text().splitlines() if c.strip()]
            checks.append(
                (
                    f"all {len(codes)} help requests given out are stored",
                    lambda: helpdesk_integrity.codes_stored(codes),
                )
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
