"""The checkbox lists built in Python (volunteer/templatetags/checkboxes.py) give the
markup Django's own widget rendering gave."""

from django import forms
from django.template import Context, Template
from django.test.html import parse_html

DJANGO_WAY = Template(
    '{% for checkbox in field %}<div class="col"><div class="form-check">{{ checkbox.tag }}'
    '<label class="form-check-label" for="{{ checkbox.id_for_label }}">'
    "{{ checkbox.choice_label }}</label></div></div>"
    '{% empty %}<div class="col text-muted">{{ empty }}</div>{% endfor %}'
)
OURS = Template("{% load checkboxes %}{% checkbox_cells field empty %}")


class Ticks(forms.Form):
    people = forms.MultipleChoiceField(
        choices=[("1", "张伟"), ("2", "<b>李娜</b>"), ("3", "王芳 (exempt)")],
        widget=forms.CheckboxSelectMultiple({"class": "form-check-input"}),
        required=False,
    )


def _both(form) -> tuple:
    context = {"field": form["people"], "empty": "无"}
    return (
        parse_html(DJANGO_WAY.render(Context(context))),
        parse_html(OURS.render(Context(context))),
    )


def test_an_empty_form_renders_as_django_did():
    django_way, ours = _both(Ticks())
    assert ours == django_way


def test_ticked_boxes_stay_ticked_after_a_refused_send():
    django_way, ours = _both(Ticks({"people": ["2", "3"]}))
    assert ours == django_way
    assert str(ours).count("checked") == 2


def test_labels_are_escaped():
    raw = OURS.render(Context({"field": Ticks()["people"], "empty": ""}))
    assert "&lt;b&gt;李娜&lt;/b&gt;" in raw
    assert "<b>" not in raw


def test_no_choices_shows_the_empty_text():
    form = Ticks()
    form.fields["people"].choices = []
    django_way, ours = _both(form)
    assert ours == django_way
    assert "无" in str(ours)
