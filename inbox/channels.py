"""Channels repeat an inbox message somewhere else.

A channel is a callable `send(notification)` named by its dotted path in
settings.INBOX_CHANNELS. It runs inside the transaction that created the message, so it
must defer anything external with `transaction.on_commit` and must not raise for an
outage of the outside service.

- `email_channel`: to the user's e-mail address, which is set only once confirmed;
- `sms_channel`: to the user's mobile for notices (a confirmed one, or the mobile number
  that is their log-in name), through the SMS outbox (inbox.texts).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from inbox import texts
from inbox.models import NoticeContact, Notification
from volunteer.phones import is_mobile

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


def notice_mobiles(users) -> dict[int, str]:
    """The mobile number notices go to, by user id, in one query: the one the user
    confirmed, else their log-in name when it is a mobile number (the one on their member
    file when the log-in was given). Users with none, or whose log-in is stopped, are
    left out."""
    users = [u for u in users if u.is_active]
    confirmed = dict(
        NoticeContact.objects.filter(
            user__in=[u.pk for u in users], mobile_confirmed_at__isnull=False
        )
        .exclude(mobile="")
        .values_list("user_id", "mobile")
    )
    found = {}
    for user in users:
        username = user.get_username()
        mobile = confirmed.get(user.pk) or (username if is_mobile(username) else "")
        if mobile:
            found[user.pk] = mobile
    return found


def notice_mobile(user) -> str:
    return notice_mobiles([user]).get(user.pk, "")


def text_for(subject: str, link: str) -> str:
    """A text message: the site's sign, the subject and where to act, nothing else (an
    SMS is short and read on any phone)."""
    text = f"【{settings.SMS_SIGN}】{subject}"
    if link:
        text += " " + settings.SITE_URL.rstrip("/") + link
    return text


def sms_channel(notification: Notification) -> None:
    """Text the message's subject and link to the recipient's notice mobile, if any."""
    send_texts([notification])


def send_texts(notifications: list[Notification]) -> None:
    """`sms_channel` for many messages: one query for the mobiles, one insert."""
    mobiles = notice_mobiles({n.recipient_id: n.recipient for n in notifications}.values())
    texts.queue_texts(
        [
            (mobiles[n.recipient_id], text_for(n.subject, n.link), n)
            for n in notifications
            if n.recipient_id in mobiles
        ]
    )


sms_channel.send_many = send_texts
