from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from inbox import display

        user_logged_in.connect(display.restore_at_login, dispatch_uid="inbox-large-text")
