"""`manage.py send_texts`: send the text messages that are due (run it every minute or
so from a timer beside the worker; it is safe to run several at once)."""

from django.core.management.base import BaseCommand

from inbox import texts


class Command(BaseCommand):
    help = "Send text messages (SMS) that are due, retrying failed ones on schedule."

    def handle(self, *args, **options) -> None:
        counts = texts.send_due()
        self.stdout.write(
            f"{counts['sent']} sent, {counts['waiting']} to retry later, {counts['failed']} failed."
        )
