"""Sessions that end when idle, and the security trail's record of downloads.

- `IdleSessionMiddleware`: an organiser's, secretary's (any role holder's) or staff
  log-in ends after SESSION_IDLE_MINUTES without a request (等保2.0 level 3); a member
  without a role may stay idle for MEMBER_SESSION_IDLE_MINUTES. The last request's
  time is kept in the session, written at most once a minute.
- `DownloadAuditMiddleware`: every PDF or Excel file a logged-in user downloads is
  recorded in the trail, except the few that hold no personal data
  (`NOT_PERSONAL_DOWNLOADS`), so a new export is audited without anyone remembering to.
"""

import datetime as dt
import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from members import access, audit

LAST_ACTIVITY = "last_activity"
# Seconds between two writes of the last activity: most requests write no session.
ACTIVITY_WRITE_SECONDS = 60


def idle_minutes(user) -> int:
    """How long this user's session may stay idle."""
    if user.is_staff or user.is_superuser or access.roles_of(user):
        return settings.SESSION_IDLE_MINUTES
    return settings.MEMBER_SESSION_IDLE_MINUTES


def mark_active(request: HttpRequest, now: dt.datetime | None = None) -> None:
    request.session[LAST_ACTIVITY] = int((now or timezone.now()).timestamp())


@receiver(user_logged_in, dispatch_uid="members.middleware.logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    if getattr(request, "session", None) is not None:
        mark_active(request)


class IdleSessionMiddleware:
    """After the authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            last = request.session.get(LAST_ACTIVITY)
            idle = (now.timestamp() - last) if isinstance(last, int) else None
            # The roles are read only once the shorter limit has passed.
            if idle is not None and idle > 60 * settings.SESSION_IDLE_MINUTES:
                limit = idle_minutes(user)
                if idle > 60 * limit:
                    return self._expire(request, user, limit)
            # A clock set back (idle < 0) never moves the last activity back.
            if idle is None or idle >= ACTIVITY_WRITE_SECONDS:
                mark_active(request, now)
        return self.get_response(request)

    def _expire(self, request: HttpRequest, user, limit: int) -> HttpResponse:
        audit.record(
            audit.Kind.SESSION_EXPIRED,
            actor=user,
            member=audit.member_of(user),
            detail=_("No request for %(minutes)s minutes.") % {"minutes": limit},
            request=request,
        )
        logout(request)
        messages.info(
            request,
            _("You were logged out after %(minutes)s minutes without activity. Log in again.")
            % {"minutes": limit},
        )
        login = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login)


# Downloads that carry no personal data: the empty roster template and the public board.
NOT_PERSONAL_DOWNLOADS = {"members:roster-template", "posts:board-sheet"}
DOWNLOAD_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
_FILENAME_STAR = re.compile(r"filename\*=UTF-8''([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(r'filename="([^"]*)"', re.IGNORECASE)


def download_name(response: HttpResponse) -> str:
    header = response.get("Content-Disposition", "")
    found = _FILENAME_STAR.search(header)
    if found:
        return unquote(found.group(1))
    found = _FILENAME.search(header)
    return found.group(1) if found else ""


class DownloadAuditMiddleware:
    """Records each PDF or XLSX a logged-in user receives (exports, prints, slips,
    finished batch jobs) with its file name and address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            response.status_code == 200
            and user is not None
            and user.is_authenticated
            and response.get("Content-Type", "").split(";")[0] in DOWNLOAD_TYPES
        ):
            match = getattr(request, "resolver_match", None)
            if match is None or match.view_name not in NOT_PERSONAL_DOWNLOADS:
                name = download_name(response) or request.path
                audit.record(
                    audit.Kind.EXPORT,
                    actor=user,
                    detail=f"{name} · {request.path}",
                    request=request,
                )
        return response
