"""`manage.py escalate_requests`: tell whoever is due about late help requests (the team
leader, then the branch secretary, then the town, each once). Run every five minutes
from cron or a systemd timer; `daily_sweep` runs it too. Safe to run again at any time."""

from django.core.management.base import BaseCommand

from helpdesk import escalation


class Command(BaseCommand):
    help = "Alert the team leader, then the branch secretary, then the town about late requests."

    def handle(self, *args, **options) -> None:
        sent = escalation.escalate()
        self.stdout.write(f"Alerts about late requests sent: {sent}.")
