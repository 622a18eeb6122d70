"""`{{ value|date:"..." }}` for rows built in Python: Django's date format compiled once
into a Python format string.

`django.utils.dateformat.format` parses its pattern and builds a formatter object on
every call; a points card formats a date per entry and a team's page a time per log, and
that was the largest part of building their rows. Here a pattern made only of the
numeric characters below (the project's formats: 2026年11月25日, 11月25日, 2026-11-25 10:30)
becomes one `str.format` template, and any other pattern (English month names, "M")
goes to Django's `dateformat.format` as before. tests/test_dates.py compares the two
for every format of every language.
"""

import datetime as dt
from collections.abc import Callable

from django.utils import dateformat, formats, timezone

# Django's format characters (django.utils.dateformat.re_formatchars).
FORMAT_CHARACTERS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")
# Those written from the value's numbers, as Django writes them.
_NUMERIC = {
    "Y": "{0.year:04d}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}
_COMPILED: dict[str, str | None] = {}


def compiled(pattern: str) -> str | None:
    """`pattern` as a `str.format` template of one value, or None when it uses a format
    character other than the numeric ones."""
    if pattern in _COMPILED:
        return _COMPILED[pattern]
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(char.replace("{", "{{").replace("}", "}}"))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _NUMERIC:
            out.append(_NUMERIC[char])
        elif char in FORMAT_CHARACTERS:
            out = None
            break
        else:
            out.append(char.replace("{", "{{").replace("}", "}}"))
    _COMPILED[pattern] = None if out is None else "".join(out)
    return _COMPILED[pattern]


def formatter(pattern: str) -> Callable[[dt.date], str]:
    """`value|date:pattern` for dates and naive or already local datetimes."""
    template = compiled(pattern)
    if template is None:
        return lambda value: dateformat.format(value, pattern)
    return template.format


def date_formatter(name: str = "SHORT_DATE_FORMAT") -> Callable[[dt.date], str]:
    """`value|date:name` (a format's name, in the active language) for dates."""
    return formatter(formats.get_format(name))


def datetime_formatter(name: str = "SHORT_DATETIME_FORMAT") -> Callable[[dt.datetime], str]:
    """`value|date:name` for aware datetimes, shown in the current time zone (read once)."""
    zone = timezone.get_current_timezone()
    local = formatter(formats.get_format(name))
    return lambda value: local(value.astimezone(zone))
