"""The points card's entry rows, built in Python.

A card lists every entry of a member's year (dozens, in a district over a hundred), and
per-entry template nodes (two URL reversals, a dozen conditions and lookups) were most of
the page's time. The rows are built here with `format_html` (volunteer.html), as
Django's admin builds its change-list cells, and each URL pattern is reversed once per
page."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from volunteer.html import escaped, format_html, format_html_join
from volunteer.urls_util import pk_url_maker

register = template.Library()

_SHARED = "scoring.card_entries"


@register.simple_tag(takes_context=True)
def card_entries(context, entries) -> SafeString:
    """One month's entries as the `<li>` items of the card's list. The context's
    `is_overseer` links activities; `can_manage` offers a correction link."""
    # The same for every month of the page: made once per render.
    shared = context.render_context.get(_SHARED)
    if shared is None:
        shared = context.render_context[_SHARED] = _shared(context)
    activity_url, correct_url, words = shared
    return mark_safe(  # noqa: S308 - each item is built of escaped values
        "".join(_entry_item(entry, activity_url, correct_url, words) for entry in entries)
    )


@register.simple_tag
def card_month_grid(card) -> SafeString:
    """The year's twelve months as the `<li>` buttons of the card page's grid, each with
    its total, the month shown marked current (twelve items of conditions and lookups
    were a good part of the template's time)."""
    shown = card.month.month
    return format_html_join(
        "",
        '<li class="col"><a class="btn w-100 px-0 py-1 lh-sm {}" href="?month={}"'
        ' data-month="{}" title="{}"{}><span class="d-block small">{}</span>'
        '<span class="d-block fw-semibold" data-month-figure>{}</span></a></li>',
        (
            (
                "btn-danger" if f.month == shown else "btn-outline-secondary",
                f.param,
                f.param,
                f.title,
                mark_safe(' aria-current="page"') if f.month == shown else "",  # noqa: S308
                f.short_label,
                f.total_label,
            )
            for f in card.figures
        ),
    )


def _shared(context) -> tuple:
    activity_url = pk_url_maker("scoring:activity-detail") if context["is_overseer"] else None
    correct_url = pk_url_maker("scoring:entry-correct") if context["can_manage"] else None
    words = {
        "badge": format_html('<span class="badge text-bg-warning">{}</span> ', _("Correction")),
        "late": format_html(
            '<span class="badge text-bg-secondary late-entry" title="{}">{}</span> ',
            _("Recorded after its month was published: it counts in this month."),
            _("Recorded late"),
        ),
        "rule_title": escaped(_("District points rule")),
        "correct": escaped(_("Correct")),
    }
    return activity_url, correct_url, words


def _entry_item(entry, activity_url, correct_url, words) -> str:
    # Plain f-strings over escaped values (`escaped` is what format_html applies to each
    # value): a month of a few dozen entries made format_html's calls a good part of the
    # page's time. The `words` are already safe HTML or plain text escaped here.
    is_correction = entry.corrects_id is not None
    activity = ""
    if entry.activity_id:
        title = escaped(entry.activity_title)
        if activity_url:
            title = f'<a href="{escaped(activity_url(entry.activity_id))}">{title}</a>'
        hours = (
            f' <span class="text-muted small">{escaped(entry.hours_label)}</span>'
            if entry.hours_label
            else ""
        )
        activity = (
            f'{title} <span class="badge text-bg-light">{escaped(entry.kind_label)}</span>{hours}'
        )
    badge = words["badge"] if is_correction else words["late"] if entry.is_late else ""
    correction = (
        f'<div class="small">{escaped(entry.correction_label)}</div>' if is_correction else ""
    )
    later = "".join(
        f'<div class="small text-warning-emphasis">{escaped(c.label)}</div>'
        for c in entry.later_corrections
    )
    correct = (
        f'<a class="small no-print" href="{escaped(correct_url(entry.pk))}">{words["correct"]}</a>'
        if correct_url and not is_correction
        else ""
    )
    return mark_safe(  # noqa: S308 - every value above is escaped or safe HTML
        '<li class="list-group-item d-flex justify-content-between gap-3'
        f'{" list-group-item-warning correction" if is_correction else ""}">'
        f"<div><div>{badge}"
        f'<span class="text-muted">{escaped(entry.date_label)}</span> · {activity}</div>{correction}'
        f'<div><span class="text-muted small" title="{words["rule_title"]}">'
        f"{escaped(entry.rule_label)}</span></div>{later}{correct}</div>"
        f'<div class="fw-semibold text-nowrap">{escaped(entry.points_label)}</div></li>'
    )
