"""URL helpers shared by the apps."""

from collections.abc import Callable

from django.urls import reverse

# No primary key reaches this value, and its digits appear nowhere else in a URL.
_SENTINEL = 987654321987


def pk_url_maker(viewname: str) -> Callable[[int], str]:
    """`reverse(viewname, args=[pk])` for many primary keys at the cost of one reversal:
    long lists link every row, and reversing per row cost more than the row itself."""
    prefix, _, suffix = reverse(viewname, args=[_SENTINEL]).partition(str(_SENTINEL))
    return lambda pk: f"{prefix}{int(pk)}{suffix}"
