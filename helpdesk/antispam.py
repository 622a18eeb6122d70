"""Flood and spam protection for the public help form (no log-in).

Three checks, each cheap and none needing a third-party service (the site runs on an
intranet):

- a limit per address: at most ASK_LIMIT submissions (valid or not) per ASK_WINDOW
  seconds from one IP address, counted in Django's cache;
- a honeypot: a text field hidden from people ("website") that bots fill in;
- a fill time: the form carries a signed time of issue; a submission sooner than
  MIN_FILL_SECONDS after it (a script) or later than MAX_FORM_AGE (a stale page) is
  refused.

The address is REMOTE_ADDR. Behind a proxy every resident would share the proxy's
address; such a deployment must set REMOTE_ADDR from the proxy's header in front of
Django (e.g. gunicorn's --forwarded-allow-ips), never trust the header here.
"""

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

ASK_LIMIT = getattr(settings, "HELPDESK_ASK_LIMIT", 5)
ASK_WINDOW = getattr(settings, "HELPDESK_ASK_WINDOW", 3600)
MIN_FILL_SECONDS = 4
MAX_FORM_AGE = 6 * 3600
SALT = "helpdesk.ask-form"
HONEYPOT = "website"


def issue_token(issued_at: float | None = None) -> str:
    """The signed time the form was shown (a hidden field)."""
    return signing.dumps(int(issued_at if issued_at is not None else time.time()), salt=SALT)


def token_problem(token: str, now: float | None = None) -> str | None:
    """None if the form was filled in at a human pace; else "fast", "stale" or "bad"."""
    now = now if now is not None else time.time()
    try:
        issued_at = int(signing.loads(token or "", salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return "bad"
    if now - issued_at < MIN_FILL_SECONDS:
        return "fast"
    if now - issued_at > MAX_FORM_AGE:
        return "stale"
    return None


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def count_submission(request: HttpRequest) -> bool:
    """Count one submission from the request's address; False once over the limit."""
    key = f"helpdesk:ask:{client_address(request)}"
    cache.add(key, 0, timeout=ASK_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ASK_WINDOW)
        count = 1
    return count <= ASK_LIMIT
