"""URL helpers shared by the apps."""

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, register_converter, reverse
from django.utils import timezone

# No primary key reaches this value, and its digits appear nowhere else in a URL.
_SENTINEL = 987654321987


_PK_URLS: dict[tuple, tuple[str, str]] = {}


def pk_url_maker(viewname: str) -> Callable[[int], str]:
    """`reverse(viewname, args=[pk])` for many primary keys at the cost of one reversal,
    made once per process, address prefix and URL configuration: long lists link every
    row, and reversing per row cost more than the row itself."""
    key = (viewname, get_script_prefix(), get_urlconf())
    parts = _PK_URLS.get(key)
    if parts is None:
        prefix, _, suffix = reverse(viewname, args=[_SENTINEL]).partition(str(_SENTINEL))
        parts = _PK_URLS[key] = (prefix, suffix)
    prefix, suffix = parts
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


# --- years and months in URLs ------------------------------------------------------------
# The one place that decides which years a page may ask for: a path with any other year
# or month matches no URL (404), a ?year= with one falls back to a sensible year; no
# number reaches the database or a date constructor unchecked.

FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearConverter:
    """`<year:year>`: 2000–2100."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(value)  # Django takes it as no match: 404
        return year

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    """`<month:month>`: 1–12."""

    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        month = int(value)
        if not 1 <= month <= 12:
            raise ValueError(value)
        return month

    def to_url(self, value: int) -> str:
        return str(int(value))


class CodeConverter:
    """`<code:code>`: a code or number printed on paper (a certificate's, a badge's, a
    help request's): up to 64 characters, none of them a control character. Anything
    else matches no URL (404): PostgreSQL refuses to compare text holding a NUL."""

    regex = r"[^/\x00-\x1f\x7f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
register_converter(CodeConverter, "code")


def year_param(request: HttpRequest, default: int | None = None) -> int:
    """The year asked for in ?year=; anything missing, not a number or out of range
    gives `default`, or the current year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if FIRST_YEAR <= year <= LAST_YEAR:
        return year
    return default if default is not None else timezone.localdate().year


# --- row numbers in query strings and posted lists ----------------------------------------
# The one rule for a number naming a row (?employer=, ?confirmed=, ticked pledges): ASCII
# digits within a key column's range, or nothing (it names no row). int() alone takes
# "²"-like digits as digits but fails on them, and a number past the column's range fails
# in the database.

MAX_ID = 2**63 - 1


def row_id(value: str | None) -> int | None:
    """The primary key `value` names, or None."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def row_ids(values: list[str]) -> list[int]:
    """The primary keys a posted list names, the rest left out."""
    return [number for number in map(row_id, values) if number is not None]
