"""volunteer.dates writes what Django's `date` filter writes."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import dateformat, formats, translation

from volunteer import dates

NAMES = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
]
VALUES = [
    dt.datetime(2026, 1, 5, 7, 3, 9),
    dt.datetime(2026, 11, 25, 23, 59, 0),
    dt.datetime(999, 12, 31, 0, 0, 0),
]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("name", NAMES)
def test_every_format_of_every_language_is_written_as_django_writes_it(language, name):
    with translation.override(language):
        pattern = formats.get_format(name)
        write = dates.date_formatter(name)
        for value in VALUES:
            assert write(value) == dateformat.format(value, pattern)
            if "DATETIME" not in name:
                assert write(value.date()) == dateformat.format(value.date(), pattern)


def test_the_chinese_formats_are_compiled_not_handed_to_django():
    with translation.override("zh-hans"):
        assert dates.compiled(formats.get_format("DATE_FORMAT")) == (
            "{0.year:04d}年{0.month}月{0.day}日"
        )


@pytest.mark.parametrize(
    "pattern",
    ["Y年n月j日", r"\Y Y", "{Y}", "Y-m-d H:i:s", "G时", r"j\日", "D, j M Y", "jS F y", "N j, Y P"],
)
def test_escapes_braces_and_names_are_written_as_django_writes_them(pattern):
    value = dt.datetime(2026, 3, 1, 9, 5, 7)
    assert dates.formatter(pattern)(value) == dateformat.format(value, pattern)


def test_a_pattern_with_names_goes_to_django():
    assert dates.compiled("j M Y") is None
    assert dates.compiled("Y-m-d") == "{0.year:04d}-{0.month:02d}-{0.day:02d}"


def test_an_aware_time_is_shown_in_the_current_time_zone():
    from django.utils import timezone

    moment = dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)
    with timezone.override("Asia/Shanghai"), translation.override("zh-hans"):
        assert dates.datetime_formatter()(moment) == "2026-12-01 01:30"
