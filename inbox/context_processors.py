from django.http import HttpRequest

from inbox import display
from inbox.models import Notification


def unread_count(request: HttpRequest) -> dict[str, int]:
    """`inbox_unread` for the menu badge: one COUNT query, none for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": Notification.objects.for_user(user).unread().count()}


def text_size(request: HttpRequest) -> dict[str, bool]:
    """`large_text` for the <html> class and the header's switch: read from the session,
    no query (inbox/display.py)."""
    return {"large_text": display.large_text(request)}
