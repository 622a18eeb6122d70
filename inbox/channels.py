"""Channels repeat an inbox message somewhere else.

A channel is a callable `send(notification)` named by its dotted path in
settings.INBOX_CHANNELS. It runs inside the transaction that created the message, so it
must defer anything external with `transaction.on_commit` and must not raise for an
outage of the outside service. An SMS gateway would be one more function here (sending
to the phone on the recipient's member file); none is wired up yet.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from inbox.models import Notification

logger = logging.getLogger(__name__)


def absolute_link(notification: Notification) -> str:
    """The full address of what the message points to (settings.SITE_URL + its path),
    or "" for a message that points nowhere."""
    if not notification.link:
        return ""
    return settings.SITE_URL.rstrip("/") + notification.link


def email_body(notification: Notification) -> str:
    """The message, then the absolute link of its target: a mail reader has no site to
    resolve a path against."""
    link = absolute_link(notification)
    if not link:
        return notification.body
    line = _("Open it on the site: %(link)s") % {"link": link}
    return f"{notification.body}\n\n{line}" if notification.body else line


def email_channel(notification: Notification) -> None:
    """E-mail the message to the recipient if they have an address, once the change that
    caused it is committed. A mail server outage is logged, never raised: it must not
    undo or break the action that sent the message."""
    address = notification.recipient.email
    if not address:
        return
    # Composed now, in the language of the request that sent it.
    subject, body = notification.subject, email_body(notification)

    def send() -> None:
        try:
            send_mail(subject, body, None, [address])
        except Exception:
            logger.exception("Could not e-mail notification %s to %s", notification.pk, address)

    transaction.on_commit(send)
