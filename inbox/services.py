"""Writes to the inbox. Other apps tell people things through `notify` and
`notify_many`; the inbox row is created first, then every channel in
settings.INBOX_CHANNELS repeats it (e-mail by default)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from inbox import channels, texts
from inbox.models import Notification
from volunteer.phones import normalise_mobile

DEFAULT_CHANNELS = ["inbox.channels.email_channel"]
EMAIL_CHANNEL = "inbox.channels.email_channel"
SMS_CHANNEL = "inbox.channels.sms_channel"


def _channel_paths() -> list[str]:
    return getattr(settings, "INBOX_CHANNELS", DEFAULT_CHANNELS)


def _channels() -> list[Callable[[Notification], None]]:
    return [import_string(path) for path in _channel_paths()]


@dataclass(frozen=True)
class Reach:
    """The ways a notice reaches a person: "inbox", "email", "sms"; none at all means
    the sender must hand it over on paper."""

    channels: tuple[str, ...]

    @property
    def reached(self) -> bool:
        return bool(self.channels)

    def describe(self) -> str:
        names = {"inbox": _("their inbox"), "email": _("e-mail"), "sms": _("text message")}
        return _("、").join(str(names[c]) for c in self.channels)


def reach(*, user: AbstractBaseUser | None, mobile: str = "") -> Reach:
    """How `tell` would reach a person with this log-in (or none) and this phone."""
    paths = _channel_paths()
    found = []
    if user is not None and user.is_active:
        found.append("inbox")
        if EMAIL_CHANNEL in paths and user.email:
            found.append("email")
        if SMS_CHANNEL in paths and channels.notice_mobile(user):
            found.append("sms")
    elif SMS_CHANNEL in paths and normalise_mobile(mobile):
        found.append("sms")
    return Reach(tuple(found))


@transaction.atomic
def tell(
    *, user: AbstractBaseUser | None, mobile: str = "", subject: str, body: str, link: str = ""
) -> Reach:
    """Tell a person something: through their inbox (and its channels) when they have
    a working log-in, else by a text to `mobile` (with the body: they cannot open the
    link), else not at all. The answer says which, so the sender can print a notice."""
    found = reach(user=user, mobile=mobile)
    if "inbox" in found.channels:
        notify(recipient=user, subject=subject, body=body, link=link)
    elif "sms" in found.channels:
        text = channels.text_for(subject, "")
        if body:
            text += _("：") + body
        texts.queue_text(normalise_mobile(mobile), text)
    return found


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
    for send in _channels():
        # A channel may take the whole batch at once (one query, not one per person).
        send_many = getattr(send, "send_many", None)
        if send_many is not None:
            send_many(notifications)
        else:
            for notification in notifications:
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
