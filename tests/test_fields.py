"""`|as_field` (volunteer/templatetags/fields.py) gives crispy-forms' markup for the plain
widgets, on the forms that use it, empty and with errors."""

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from helpdesk.forms import AskForm
from scoring.forms import ActivityForm

CRISPY = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
OURS = Template("{% load fields %}{{ field|as_field }}")


class Sample(forms.Form):
    name = forms.CharField(label="姓名", max_length=20, help_text="填<b>全名</b>")
    kind = forms.ChoiceField(label="类别", choices=[("a", "甲"), ("b", "乙")])
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label="人数", required=False, min_value=0)
    mail = forms.EmailField(label="邮箱", required=False)
    secret = forms.CharField(label="密码", widget=forms.PasswordInput)
    styled = forms.CharField(
        label="已有样式", widget=forms.TextInput(attrs={"class": "text-end"}), required=False
    )
    agree = forms.BooleanField(label="同意", required=False)  # handed to crispy


def _same(make_form, name: str) -> None:
    # Two form instances: crispy changes the widget's attributes as it renders.
    ours = OURS.render(Context({"field": make_form()[name]}))
    theirs = CRISPY.render(Context({"field": make_form()[name]}))
    assert parse_html(ours) == parse_html(theirs), name


@pytest.mark.parametrize("data", [None, {"name": "", "kind": "z", "count": "-1", "mail": "x"}])
def test_each_kind_of_widget_matches_crispy(data):
    for name in Sample.base_fields:
        _same(lambda: Sample(data), name)


def test_errors_and_help_are_shown():
    page = OURS.render(Context({"field": Sample({"name": ""})["name"]}))
    assert "is-invalid" in page and 'id="id_name_error"' in page
    assert "id_name_helptext" in page


def test_a_label_is_escaped():
    form = Sample()
    form.fields["name"].label = "<script>x</script>"
    page = OURS.render(Context({"field": form["name"]}))
    assert "<script>" not in page and "&lt;script&gt;" in page


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"resident_name": "", "phone": "1", "category": "?"}])
def test_the_help_form_matches_crispy(data, tree):
    for name in ("resident_name", "phone", "address", "grid", "category", "description"):
        _same(lambda: AskForm(data, branch=tree.branch), name)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"title": "", "held_on": "不是日期", "people_served": "x"}])
def test_the_activity_form_matches_crispy(data, tree):
    for name in ("kind", "title", "held_on", "place", "trainer", "people_served", "description"):
        _same(lambda: ActivityForm(data, branch=tree.branch), name)
