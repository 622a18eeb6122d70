"""volunteer.forms_renderer writes the markup Django's widget templates write."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from volunteer.forms_renderer import PythonWidgetsRenderer

HOSTILE = "<b>\"x\" & 'y'</b>"
FAST, TEMPLATES = PythonWidgetsRenderer(), DjangoTemplates()

CHOICES = [("", "---------"), ("a", "甲"), ("b", HOSTILE), (3, gettext_lazy("Late"))]
GROUPED = [("", "—"), ("组一", [("x", "X"), ("y", "Y")]), ("z", "Z"), (HOSTILE, [("w", "W")])]

WIDGETS = [
    (forms.TextInput(), "张三"),
    (forms.TextInput(attrs={"class": "form-control", "maxlength": 20, "autofocus": True}), ""),
    (forms.TextInput(attrs={"disabled": False, "data-x": HOSTILE}), HOSTILE),
    (forms.TextInput(), None),
    (forms.TextInput(), mark_safe("<i>safe</i>")),
    (forms.NumberInput(attrs={"step": Decimal("0.1"), "min": 0}), Decimal("2.5")),
    (forms.NumberInput(), 0),
    (forms.EmailInput(), "a@b.cn"),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.PasswordInput(), "secret"),
    (forms.DateInput(attrs={"type": "date"}), dt.date(2026, 3, 1)),
    (forms.DateInput(format="%Y-%m-%d"), "2026-03-01"),
    (forms.DateTimeInput(), dt.datetime(2026, 3, 1, 9, 5)),
    (forms.TimeInput(), dt.time(9, 5)),
    (forms.HiddenInput(), "open"),
    (forms.Textarea(attrs={"rows": 3}), "第一行\n<第二行>"),
    (forms.Textarea(), None),
    (forms.Textarea(), ""),
    (forms.Select(choices=CHOICES), "b"),
    (forms.Select(choices=CHOICES, attrs={"class": "form-select"}), None),
    (forms.Select(choices=CHOICES), 3),
    (forms.Select(choices=GROUPED), "y"),
    (forms.Select(choices=[]), None),
    (forms.SelectMultiple(choices=CHOICES), ["a", "b"]),
    (forms.NullBooleanSelect(), True),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda w: type(w).__name__)
def test_each_widget_is_written_as_djangos_templates_write_it(widget, value):
    attrs = {"id": "id_field", "required": True}
    fast = widget.render("field", value, attrs=attrs, renderer=FAST)
    assert fast == widget.render("field", value, attrs=attrs, renderer=TEMPLATES)


class _Everything(forms.Form):
    name = forms.CharField(max_length=10, help_text="帮助")
    count = forms.IntegerField(min_value=0)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=CHOICES[1:])
    note = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField(required=False)
    picks = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, required=False
    )
    upload = forms.FileField(required=False)


@pytest.mark.parametrize("data", [None, {"name": HOSTILE * 3, "count": "-1", "kind": "zz"}])
def test_a_whole_form_with_errors_is_written_as_django_writes_it(data):
    fast = _Everything(data, renderer=FAST)
    templates = _Everything(data, renderer=TEMPLATES)
    assert str(fast) == str(templates)
    assert fast.as_p() == templates.as_p()


def test_the_project_renders_its_forms_this_way():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PythonWidgetsRenderer)
