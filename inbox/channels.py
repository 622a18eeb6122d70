"""Channels repeat an inbox message somewhere else.

A channel is a callable `send(notification)` named by its dotted path in
settings.INBOX_CHANNELS. It runs inside the transaction that created the message, so it
must defer anything external with `transaction.on_commit` and must not raise for an
outage of the outside service. An SMS gateway would be one more function here (sending
to the phone on the recipient's member file); none is wired up yet.
"""

import logging

from django.core.mail import send_mail
from django.db import transaction

from inbox.models import Notification

logger = logging.getLogger(__name__)


def email_channel(notification: Notification) -> None:
    """E-mail the message to the recipient if they have an address, once the change that
    caused it is committed. A mail server outage is logged, never raised: it must not
    undo or break the action that sent the message."""
    address = notification.recipient.email
    if not address:
        return
    subject, body = notification.subject, notification.body

    def send() -> None:
        try:
            send_mail(subject, body, None, [address])
        except Exception:
            logger.exception("Could not e-mail notification %s to %s", notification.pk, address)

    transaction.on_commit(send)
