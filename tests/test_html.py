"""volunteer.html gives the markup Django's escaping functions give."""

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from volunteer import html

VALUES = (
    "<script>\"x\" & 'y'</script>",
    mark_safe("<b>kept</b>"),
    3,
    -2,
    True,
    None,
    2.5,
    gettext_lazy("Late"),
)


@pytest.mark.parametrize("value", VALUES)
def test_each_value_is_escaped_as_conditional_escape_does(value):
    assert html.escaped(value) == django_html.conditional_escape(value)


def test_format_html_gives_djangos_markup():
    pattern = "<i>{}</i>{}|{}|{}|{}|{}|{}|{}"
    result = html.format_html(pattern, *VALUES)
    assert result == django_html.format_html(pattern, *VALUES)
    assert isinstance(result, SafeString)


def test_format_html_join_gives_djangos_markup():
    pattern = "<i>{}</i>{}|{}|{}|{}|{}|{}|{}"
    rows = [VALUES, VALUES[::-1]]
    result = html.format_html_join("<br>", pattern, rows)
    assert result == django_html.format_html_join("<br>", pattern, rows)
    assert isinstance(result, SafeString)


def test_an_unsafe_separator_is_escaped():
    assert html.format_html_join(" & ", "{}", [("a",), ("b",)]) == "a &amp; b"
