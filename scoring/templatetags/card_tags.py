"""The points card's entry rows, built in Python.

A card lists every entry of a member's year (dozens, in a district over a hundred), and
per-entry template nodes (two URL reversals, a dozen conditions and lookups) were most of
the page's time. The rows are built here with `format_html`, as Django's admin builds
its change-list cells, and each URL pattern is reversed once per page."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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
    return format_html_join(
        "", "{}", ((_entry_item(entry, activity_url, correct_url, words),) for entry in entries)
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
        "rule_title": _("District points rule"),
        "correct": _("Correct"),
    }
    return activity_url, correct_url, words


def _entry_item(entry, activity_url, correct_url, words) -> str:
    is_correction = entry.corrects_id is not None
    activity = ""
    if entry.activity_id:
        if activity_url:
            title = format_html(
                '<a href="{}">{}</a>', activity_url(entry.activity_id), entry.activity_title
            )
        else:
            title = format_html("{}", entry.activity_title)
        hours = (
            format_html(' <span class="text-muted small">{}</span>', entry.hours_label)
            if entry.hours_label
            else ""
        )
        activity = format_html(
            '{} <span class="badge text-bg-light">{}</span>{}', title, entry.kind_label, hours
        )
    return format_html(
        '<li class="list-group-item d-flex justify-content-between gap-3{}">'
        "<div><div>{}"
        '<span class="text-muted">{}</span> · {}</div>{}'
        '<div><span class="text-muted small" title="{}">{}</span></div>{}{}</div>'
        '<div class="fw-semibold text-nowrap">{}</div></li>',
        " list-group-item-warning correction" if is_correction else "",
        words["badge"] if is_correction else words["late"] if entry.is_late else "",
        entry.date_label,
        activity,
        format_html('<div class="small">{}</div>', entry.correction_label) if is_correction else "",
        words["rule_title"],
        entry.rule_label,
        format_html_join(
            "",
            '<div class="small text-warning-emphasis">{}</div>',
            ((later.label,) for later in entry.later_corrections),
        ),
        format_html(
            '<a class="small no-print" href="{}">{}</a>', correct_url(entry.pk), words["correct"]
        )
        if correct_url and not is_correction
        else "",
        entry.points_label,
    )
