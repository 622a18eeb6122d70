"""`{% navbar %}`: the base layout's header and menu, worded once and served many times.

The header (templates/volunteer/_navbar.html) is the same for everyone who reads the site
in the same language, holds the same kind of menu (member file or not, volunteer service
or not, administrator or not, logged in or not), has the same text size and either has or
has no unread messages. Rendering it took a dozen URL reversals and twenty translations
on every page. Here it is rendered once per such combination (per process), with markers
where this request's own values go: the form token, the page's address (where the
language and text-size switches come back to), the user's name and the unread count.
Each request then only joins the stored pieces with its values, escaped exactly as the
template would escape them.

Nothing stored depends on a user's data beyond the combination in the key: the unread
count and the name are always this request's. The pieces are rebuilt when the template is
recompiled (the key holds the compiled template) and dropped on any settings change.
"""

import re

from django import template
from django.core.signals import setting_changed
from django.template.base import render_value_in_context
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TEMPLATE = "volunteer/_navbar.html"
# Combinations kept per process before starting again: a handful are in use at any time.
MAX_KEPT = 256
# Where a request's own value goes: a marker no rendered header can hold otherwise.
SLOTS = ("csrf_token", "next_path", "user_name", "inbox_unread")
_MARKER = "\x00slot:{}\x00"
_MARKER_SPLIT = re.compile("\x00slot:(\\w+)\x00")

_pieces: dict[tuple, tuple[str, ...]] = {}


@setting_changed.connect
def _forget(**kwargs) -> None:
    _pieces.clear()


def navbar_context(context) -> dict:
    """What _navbar.html may use, from the page's context (its context processors:
    auth, i18n, csrf, volunteer.layout.menu and inbox's text_size)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    return {
        "authenticated": authenticated,
        "superuser": authenticated and user.is_superuser,
        "has_member_file": bool(context.get("has_member_file")),
        "sees_service": bool(context.get("sees_service")),
        "large_text": bool(context.get("large_text")),
        "LANGUAGE_CODE": translation.get_language(),
        "inbox_unread": context.get("inbox_unread") or 0,
        "next_path": request.get_full_path() if request is not None else "",
        "user_name": (user.get_full_name() or user.get_username()) if authenticated else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def navbar(context) -> SafeString:
    values = navbar_context(context)
    header = context.template.engine.get_template(TEMPLATE)
    if values["csrf_token"] in (None, "NOTPROVIDED") or context.get("request") is None:
        # No form token to put in (a page rendered without its request): as it is.
        return header.render(template.Context(values, autoescape=context.autoescape))
    key = (
        header,
        values["LANGUAGE_CODE"],
        get_urlconf(),
        get_script_prefix(),
        context.autoescape,
        values["authenticated"],
        values["superuser"],
        values["has_member_file"],
        values["sees_service"],
        values["large_text"],
        bool(values["inbox_unread"]),
    )
    pieces = _pieces.get(key)
    if pieces is None:
        marked = dict(values)
        for name in SLOTS:
            if name != "inbox_unread" or values[name]:
                marked[name] = _MARKER.format(name)
        html = header.render(template.Context(marked, autoescape=context.autoescape))
        pieces = tuple(_MARKER_SPLIT.split(html))
        if len(_pieces) >= MAX_KEPT:
            _pieces.clear()
        _pieces[key] = pieces
    # pieces: text, slot name, text, slot name, …, text.
    own = {name: render_value_in_context(values[name], context) for name in SLOTS}
    out = [pieces[0]]
    for i in range(1, len(pieces), 2):
        out.append(own[pieces[i]])
        out.append(pieces[i + 1])
    return mark_safe("".join(out))  # noqa: S308 - the template's output and escaped values
