"""The background task that sends one text message (see inbox.texts)."""

from django_tasks import task

from inbox import texts
from inbox.models import TextMessage


@task()
def send_text(message_id: int) -> None:
    message = texts.attempt(message_id)
    if message is not None and message.status == TextMessage.Status.PENDING:
        # Not taken: try again after the pause, where the queue can wait (a worker's
        # database queue); otherwise `manage.py send_texts` picks it up.
        texts._enqueue(message.pk, run_after=message.next_attempt_at)
