"""`manage.py print_slips <branch> --out slips.pdf`: the A4 sheet of activation slips a
secretary prints from the branch's log-ins page, for whoever runs the site for a
branch (a county IT desk). Like the page's button, it gives a log-in to every member
of the branch without one (or whose code expired unused); with --waiting, a new slip
to every member whose printed code is not used yet (their old slips stop working)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members import activation, slips
from members.models import Member, Unit


class Command(BaseCommand):
    help = "Print the activation slips of a branch's members without a log-in (A4 PDF)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("branch", help="The branch's name or id.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--waiting", action="store_true", help="Reprint the slips not used yet instead."
        )

    def handle(self, *args, branch: str, out: str, waiting: bool, **options) -> None:
        branches = Unit.objects.branches()
        found = list(
            branches.filter(pk=int(branch)) if branch.isdigit() else branches.filter(name=branch)
        )
        if len(found) != 1:
            raise CommandError(
                f"{len(found)} branches match {branch!r}: give the branch's id instead."
            )
        members = list(
            activation.with_login_state(Member.objects.filter(branch=found[0])).order_by("name")
        )
        wanted = {"waiting"} if waiting else {"none", "expired"}
        chosen = [m for m in members if activation.login_state(m) in wanted]
        if not chosen:
            self.stdout.write("Nobody to print a slip for.")
            return
        issued = activation.issue_codes(chosen, by=None)
        Path(out).write_bytes(slips.slips_pdf(issued))
        self.stdout.write(f"{len(issued)} slips for {found[0].name} written to {out}.")
