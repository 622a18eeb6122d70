"""Writes to the inbox. Other apps tell people things through `notify` and
`notify_many`; the inbox row is created first, then every channel in
settings.INBOX_CHANNELS repeats it (e-mail by default)."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from inbox.models import Notification

DEFAULT_CHANNELS = ["inbox.channels.email_channel"]


def _channels() -> list[Callable[[Notification], None]]:
    return [import_string(path) for path in getattr(settings, "INBOX_CHANNELS", DEFAULT_CHANNELS)]


@transaction.atomic
def notify(*, recipient: AbstractBaseUser, subject: str, body: str, link: str = "") -> Notification:
    """Put a message in `recipient`'s inbox and send it through every channel.
    `link` is a path on this site (e.g. "/members/me/") where they can act on it."""
    notification = Notification(recipient=recipient, subject=subject, body=body, link=link)
    notification.full_clean(exclude=["recipient"])
    notification.save()
    for send in _channels():
        send(notification)
    return notification


@transaction.atomic
def notify_many(
    *, recipients: Iterable[AbstractBaseUser], subject: str, body: str, link: str = ""
) -> list[Notification]:
    """`notify` for many recipients at once, with one insert for the inbox rows."""
    notifications = [
        Notification(recipient=recipient, subject=subject, body=body, link=link)
        for recipient in recipients
    ]
    for notification in notifications:
        notification.full_clean(exclude=["recipient"])
    notifications = Notification.objects.bulk_create(notifications)
    channels = _channels()
    for notification in notifications:
        for send in channels:
            send(notification)
    return notifications


@transaction.atomic
def mark_read(*, notification: Notification) -> Notification:
    """Mark one message read; reading it again keeps the first time."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark all of `user`'s unread messages read; returns how many there were."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
