"""Django's form renderer, with the plain widgets written in Python.

Every `<input>`, `<textarea>` and `<select>` Django renders goes through two or three
templates, and a select through one more per option: the dispatch board's filters,
the help form and the activity form paid more for their widgets than for their data.
`PythonWidgetsRenderer` writes the same markup as Django's own templates
(django/forms/widgets/input.html, attrs.html, textarea.html, select.html,
select_option.html) from the same context that `Widget.get_context` builds, so every
attribute, value and selection is decided by Django as before; any other template
(checkboxes, radios, files, whole forms) is rendered by the templates as usual.
tests/test_forms_renderer.py compares the two for every kind of widget the project uses.
"""

from django.forms.renderers import DjangoTemplates

from volunteer.html import escaped

_WIDGETS = "django/forms/widgets/"
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "tel",
        "search",
        "date",
        "datetime",
        "time",
        "hidden",
        "color",
    )
)
_OPTION = f"{_WIDGETS}select_option.html"


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escaped(widget["value"])}"'
    return (
        f'<input type="{escaped(widget["type"])}" name="{escaped(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = escaped(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{escaped(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{escaped(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escaped(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None
            parts.append(
                f'\n  <option value="{escaped(option["value"])}"{_attrs(option["attrs"])}>'
                # select_option.html ends with a line break, which its include keeps.
                f"{escaped(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PythonWidgetsRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and widget.get("template_name") == template_name:
            if template_name in _INPUTS:
                return _input(widget)
            if template_name == f"{_WIDGETS}textarea.html":
                return _textarea(widget)
            if template_name == f"{_WIDGETS}select.html":
                written = _select(widget)
                if written is not None:
                    return written
        return super().render(template_name, context, request)
