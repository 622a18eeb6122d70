"""`{{ form.field|as_field }}`: crispy-forms' Bootstrap 5 field, built in Python.

`as_crispy_field` renders a field through half a dozen nested templates; on the forms
opened most at a month's end (the help form, the activity form, the log-in) that was
about half of each page's time. This filter gives the same markup (tests/test_fields.py
compares the two on those forms, empty and with errors) for the plain widgets: text-like
inputs, text areas and selects. Anything else (checkboxes, radios, files, hidden and
multiple widgets, a form with a crispy helper) is handed to crispy as before.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_PLAIN = (Input, forms.Textarea, forms.Select)
_ELSEWHERE = (
    forms.CheckboxInput,
    forms.FileInput,
    forms.HiddenInput,
    forms.SelectMultiple,
    forms.RadioSelect,
    forms.MultiWidget,
)


def _is_plain(field) -> bool:
    widget = field.field.widget
    return (
        isinstance(widget, _PLAIN)
        and not isinstance(widget, _ELSEWHERE)
        and getattr(field.form, "helper", None) is None
        and not field.use_fieldset
    )


def _css(field) -> str:
    """crispy's classes: the widget's own, its class name in lower case, then Bootstrap's
    control class and is-invalid when the field has errors."""
    widget = field.field.widget
    classes = widget.attrs.get("class", "")
    kind = type(widget).__name__.lower()
    if not classes:
        classes = kind
    elif kind not in classes:
        classes += f" {kind}"
    extra = ["form-select" if isinstance(widget, forms.Select) else "form-control"]
    if field.errors:
        extra.append("is-invalid")
    for name in extra:
        if name not in classes.split():
            classes += f" {name}"
    return classes


@register.filter
def as_field(field):
    if not _is_plain(field):
        return as_crispy_field(field)
    required = field.field.required
    label = ""
    if field.label:
        label = format_html(
            '<label for="{}" class="form-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
            ),
        )
    help_text = ""
    if field.help_text:
        # crispy shows help text as written in the form (|safe); ours is ours.
        help_text = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # noqa: S308 - the form's own text
        )
    wrapper = " ".join(["mb-3", field.css_classes()]).strip()
    return format_html(
        '<div id="div_{}" class="{}">{}{}{}{}</div>',
        field.auto_id,
        wrapper,
        label,
        field.as_widget(attrs={"class": _css(field)}),
        errors,
        help_text,
    )
