"""Every user's in-app inbox: the messages the site sends them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


def validate_site_relative(link: str) -> None:
    """A link must stay on this site: opening a message redirects to it."""
    if link and not (link.startswith("/") and url_has_allowed_host_and_scheme(link, None)):
        raise ValidationError(_("Enter a path on this site, starting with /."))


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        """The user's own messages; nobody else's, not even a superuser's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in one user's inbox (站内消息). Other channels (e-mail, SMS) only repeat
    it; the inbox row is the record."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True, help_text=_("Plain text."))
    link = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[validate_site_relative],
        help_text=_("A path on this site where the recipient can act, e.g. /members/me/."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NoticeContact(models.Model):
    """Where a user is told things (通知方式) besides the inbox: a mobile number for SMS,
    confirmed by a code sent to it. A confirmed e-mail address is the user's own `email`;
    an address or number waiting for its code is kept here until confirmed."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        MOBILE = "mobile", _("Mobile")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_contact"
    )
    mobile = models.CharField(_("mobile for notices"), max_length=20, blank=True)
    mobile_confirmed_at = models.DateTimeField(null=True, blank=True)
    pending_kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    pending_value = models.CharField(max_length=254, blank=True)
    pending_digest = models.CharField(max_length=64, blank=True)
    pending_expires_at = models.DateTimeField(null=True, blank=True)
    pending_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("notice contact")
        verbose_name_plural = _("notice contacts")

    def __str__(self) -> str:
        return str(self.user)


class TextMessageQuerySet(models.QuerySet):
    def due(self) -> "TextMessageQuerySet":
        return self.filter(status=TextMessage.Status.PENDING, next_attempt_at__lte=timezone.now())


class TextMessage(models.Model):
    """An SMS (短信) in the outbox: written with the change that caused it, sent after it
    commits, retried with growing pauses until the gateway takes it or the tries run out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="texts"
    )
    mobile = models.CharField(_("mobile"), max_length=20)
    text = models.CharField(_("text"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = TextMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.mobile} · {self.get_status_display()}"


class DisplayPreference(models.Model):
    """How the pages look for one user, kept on the server so it follows them to every
    phone: large text (大字版, the MIIT 适老化 style) for elderly members. Copied into the
    session at log-in (`inbox.display`), so a page costs no query to read it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="display_preference"
    )
    large_text = models.BooleanField(_("large text"), default=False)

    class Meta:
        verbose_name = _("display preference")
        verbose_name_plural = _("display preferences")

    def __str__(self) -> str:
        return str(self.user)
