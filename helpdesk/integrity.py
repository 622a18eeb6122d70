"""Checks that the helpdesk tables keep their promises, for `manage.py check_integrity`."""

from django.db.models import Exists, OuterRef

from helpdesk.models import HelpRequest, RequestEvent


def checks() -> list[tuple[str, object]]:
    return [('every help request has its "received" event', requests_logged)]


def requests_logged() -> list[str]:
    unlogged = HelpRequest.objects.filter(
        ~Exists(
            RequestEvent.objects.filter(request=OuterRef("pk"), kind=RequestEvent.Kind.RECEIVED)
        )
    ).values_list("code", flat=True)
    return [f"help request {code} has no 'received' event" for code in unlogged]


def codes_stored(codes: list[str]) -> list[str]:
    """Every help request code in `codes` (those the load test gave out) is stored."""
    found: set[str] = set()
    for start in range(0, len(codes), 5000):
        found |= set(
            HelpRequest.objects.filter(code__in=codes[start : start + 5000]).values_list(
                "code", flat=True
            )
        )
    return [
        f"help request {code} was given out but is not stored"
        for code in codes
        if code not in found
    ]
