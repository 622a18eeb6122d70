"""Large text (大字版): one switch in the page header, remembered per user.

The choice lives in the session, so reading it on every page costs nothing; a logged-in
user's choice is also saved in `DisplayPreference` and copied back into the session at
each log-in, so it follows them to another phone. A visitor who switches it on before
logging in keeps it: with no choice saved yet, the session's becomes theirs.
"""

from django.http import HttpRequest

from inbox.models import DisplayPreference

SESSION_KEY = "large_text"


def large_text(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))


def choose(request: HttpRequest, *, large: bool) -> None:
    request.session[SESSION_KEY] = large
    user = request.user
    if user.is_authenticated:
        DisplayPreference.objects.update_or_create(user=user, defaults={"large_text": large})


def restore_at_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """`user_logged_in` receiver: the saved choice wins over the session's."""
    if request is None or getattr(request, "session", None) is None:
        return
    saved = DisplayPreference.objects.filter(user=user).values_list("large_text", flat=True).first()
    if saved is not None:
        request.session[SESSION_KEY] = saved
    elif request.session.get(SESSION_KEY):
        DisplayPreference.objects.create(user=user, large_text=True)
