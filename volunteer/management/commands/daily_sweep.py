"""`manage.py daily_sweep`: the once-a-day clean-up, run from cron or a systemd timer.

- jobs: running jobs whose worker died are marked failed, old finished jobs deleted;
- rosters: uploaded roster files left unconfirmed for 24 hours are deleted (they hold
  whole ID numbers); the record of the upload stays;
- texts: whatever text messages are due are sent (`send_texts` may also run every
  minute on its own); those sent or given up more than TEXTS_KEEP_DAYS ago are deleted
  (they hold phone numbers);
- requests: alerts about late help requests that are due are sent
  (`escalate_requests`, which should also run every few minutes on its own);
- security trail: events older than AUDIT_KEEP_DAYS (at least 180) are deleted, the
  only way an event ever leaves it.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from inbox import texts
from members import roster
from members.models import SecurityEvent


class Command(BaseCommand):
    help = (
        "Daily clean-up: stale and old jobs, abandoned roster uploads, due and old text messages, "
        "due alerts about late requests, security events past their retention."
    )

    def handle(self, *args, **options) -> None:
        call_command("jobs_sweep", stdout=self.stdout)
        discarded = roster.discard_abandoned()
        self.stdout.write(f"Abandoned roster uploads deleted: {discarded}.")
        counts = texts.send_due()
        self.stdout.write(
            f"Text messages: {counts['sent']} sent, {counts['waiting']} to retry, "
            f"{counts['failed']} failed; {texts.delete_finished()} older ones deleted."
        )
        call_command("escalate_requests", stdout=self.stdout)
        pruned = SecurityEvent.objects.prune()
        self.stdout.write(f"Security events past their retention deleted: {pruned}.")
