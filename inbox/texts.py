"""The SMS outbox: a text is written in the transaction of the change that caused it and
sent after that commits, by a background task, so a slow or broken gateway never holds up
or undoes the request. A failed send is tried again after growing pauses
(RETRY_MINUTES), then given up and kept as failed. `manage.py send_texts` sends
whatever is due (for a timer, and for texts whose task was lost)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inbox import sms
from inbox.models import Notification, TextMessage

logger = logging.getLogger("inbox.sms")

RETRY_MINUTES = [1, 5, 30, 120]  # after the 1st, 2nd, 3rd and 4th failure; then failed
MAX_LENGTH = 500


def queue_text(mobile: str, text: str, *, notification: Notification | None = None) -> TextMessage:
    return queue_texts([(mobile, text, notification)])[0]


def queue_texts(items: list[tuple[str, str, Notification | None]]) -> list[TextMessage]:
    """Write (mobile, text, notification) messages to the outbox in one insert; each is
    sent once the transaction commits."""
    if not items:
        return []
    now = timezone.now()
    messages = TextMessage.objects.bulk_create(
        [
            TextMessage(
                mobile=mobile,
                text=text[:MAX_LENGTH],
                notification=notification,
                next_attempt_at=now,
            )
            for mobile, text, notification in items
        ]
    )
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: [_enqueue(pk) for pk in ids])
    return messages


def _enqueue(message_id: int, run_after: dt.datetime | None = None) -> None:
    from django_tasks import default_task_backend

    from inbox.tasks import send_text

    if run_after is not None and not default_task_backend.supports_defer:
        return  # no queue that waits (no worker): `send_texts` retries it when due
    try:
        task = send_text.using(run_after=run_after) if run_after else send_text
        task.enqueue(message_id)
    except Exception:  # the queue itself is down: `send_texts` picks it up later
        logger.exception("Could not queue text message %s", message_id)


def attempt(message_id: int) -> TextMessage | None:
    """Try one due message once; record the outcome. Returns it, or None if it was not
    due (already sent, given up, or taken by another worker)."""
    with transaction.atomic():
        message = (
            TextMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=TextMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return None
        now = timezone.now()
        message.attempts += 1
        try:
            sms.get_backend().send(message.mobile, message.text)
        except Exception as error:
            message.last_error = str(error)[:300]
            if message.attempts > len(RETRY_MINUTES):
                message.status = TextMessage.Status.FAILED
                logger.error("Text message %s failed for good: %s", message.pk, error)
            else:
                pause = dt.timedelta(minutes=RETRY_MINUTES[message.attempts - 1])
                message.next_attempt_at = now + pause
        else:
            message.status = TextMessage.Status.SENT
            message.sent_at = now
            message.last_error = ""
        message.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
        )
    return message


def send_due() -> dict[str, int]:
    """Send every message that is due now; returns how many went and how many did not."""
    counts = {"sent": 0, "waiting": 0, "failed": 0}
    for message_id in TextMessage.objects.due().order_by("pk").values_list("pk", flat=True):
        message = attempt(message_id)
        if message is None:
            continue
        key = {"sent": "sent", "failed": "failed"}.get(message.status, "waiting")
        counts[key] += 1
    return counts


def delete_finished(now: dt.datetime | None = None) -> int:
    """Delete the text messages sent or given up more than TEXTS_KEEP_DAYS ago: each
    holds a phone number, kept no longer than needed. Waiting ones stay. Returns how
    many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.TEXTS_KEEP_DAYS)
    finished = TextMessage.objects.exclude(status=TextMessage.Status.PENDING).filter(
        created_at__lt=cutoff
    )
    deleted, _by_model = finished.delete()
    return deleted
