from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Organisation and members")

    def ready(self) -> None:
        # The security trail's and the idle sessions' receivers; the system checks.
        from members import audit, checks, middleware  # noqa: F401
