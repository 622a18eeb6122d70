"""Every user's in-app inbox: the messages the site sends them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
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
