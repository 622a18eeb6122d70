"""A checkbox list's options built in Python.

Django renders each option of a CheckboxSelectMultiple through two templates of its own;
with a checkbox per member of a branch (dozens on the activity form, the form a secretary
opens most at a month's end) that was most of the page's time. The markup is the same as
Django's for what these forms use: name, value, class, id (`<auto_id>_<n>`) and checked.
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def checkbox_cells(field, empty: str = ""):
    """Each option of `field` (a bound CheckboxSelectMultiple field) as a Bootstrap column
    holding the box and its label; `empty` in a muted column when there is none."""
    css = field.field.widget.attrs.get("class", "")
    ticked = {str(value) for value in (field.value() or [])}
    auto_id = field.auto_id
    cells = []
    for index, (value, label) in enumerate(field.field.choices):
        value = str(getattr(value, "value", value))  # ModelChoiceIteratorValue
        option_id = f"{auto_id}_{index}" if auto_id else ""
        cells.append(
            (
                field.html_name,
                value,
                css,
                option_id,
                " checked" if value in ticked else "",
                option_id,
                label,
            )
        )
    if not cells:
        return format_html('<div class="col text-muted">{}</div>', empty)
    return format_html_join(
        "",
        '<div class="col"><div class="form-check"><input type="checkbox" name="{}" value="{}" '
        'class="{}" id="{}"{}><label class="form-check-label" for="{}">{}</label></div></div>',
        cells,
    )
