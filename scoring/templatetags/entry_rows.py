"""An activity's ledger entries as the `<tr>` rows of its page (scoring/activity_detail.html).

The page a secretary lands on after recording an activity lists an entry per member who
took part, with its corrections; per-entry template nodes (an include for the rule, a
translation block, two number and two date filters, a URL reversal) were most of its
time. As the card's rows (card_tags.py), they are written here from escaped values, each
URL pattern reversed once per page and every word looked up once per page; the rule's
wording is the card's (`scoring.queries.CardWords.rule`)."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from scoring.queries import CardWords, figure
from volunteer.dates import date_formatter, datetime_formatter
from volunteer.html import escaped, format_html, format_html_join
from volunteer.urls_util import pk_url_maker

register = template.Library()


@register.simple_tag
def attendance_links(attendances, held_on) -> SafeString:
    """Who took part, each a link to their card on the activity's month."""
    card_url = pk_url_maker("scoring:points-card")
    return format_html_join(
        "",
        '<a class="badge text-bg-light text-decoration-none fs-6 fw-normal me-1 mb-1"'
        ' href="{}?month={}">{}</a>',
        ((card_url(a.member_id), f"{held_on:%Y-%m}", a.member.name) for a in attendances),
    )


@register.simple_tag(takes_context=True)
def activity_entry_rows(context, entries) -> SafeString:
    """`entries` (scoring.queries.activity_entries: each original followed by its
    corrections); the context's `can_manage` offers a correction link on originals."""
    if not entries:
        return format_html('<tr><td colspan="4" class="text-muted">{}</td></tr>', _("No entries."))
    words = CardWords()
    correct_url = pk_url_maker("scoring:entry-correct") if context.get("can_manage") else None
    shared = {
        "badge": format_html(
            '<span class="ms-3">↳ <span class="badge text-bg-warning">{}</span></span>',
            _("Correction"),
        ),
        "rule_title": escaped(_("District points rule")),
        "counts_in": _("counts in %(month)s"),
        "correct": escaped(_("Correct")),
        "recorded": datetime_formatter("SHORT_DATE_FORMAT"),
        "month": date_formatter("YEAR_MONTH_FORMAT"),
    }
    return mark_safe(  # noqa: S308 - each row is built of escaped values
        "\n".join(_row(entry, words, correct_url, shared) for entry in entries)
    )


def _row(entry, words: CardWords, correct_url, shared: dict) -> str:
    is_correction = entry.corrects_id is not None
    points = ("+" if is_correction and entry.points > 0 else "") + figure(entry.points)
    if not is_correction and entry.corrections_list:
        points += f' <small class="text-muted">→ {figure(entry.current_points)}</small>'
    recorded = ""
    if is_correction:
        by = entry.recorded_by
        recorded = (
            f'<span class="small">{escaped(entry.reason)} · '
            f"{escaped(by.get_full_name() or by.username)}, "
            f"{shared['recorded'](entry.recorded_at)}</span><br>"
        )
    rule = ""
    if entry.rule is not None:
        label = words.rule(
            entry.rule.points, entry.rule.effective_from, not entry.rule.created_by_id
        )
        rule = (
            f'<span class="text-muted small" title="{shared["rule_title"]}">{escaped(label)}</span>'
        )
    counts_in = escaped(shared["counts_in"] % {"month": shared["month"](entry.month)})
    correct = (
        f'<a class="btn btn-sm btn-outline-secondary" href="{correct_url(entry.pk)}">'
        f"{shared['correct']}</a>"
        if correct_url and not is_correction
        else ""
    )
    row_class = ' class="table-warning"' if is_correction else ""
    return (
        f"<tr{row_class}>"
        f"<td>{shared['badge'] if is_correction else escaped(entry.member.name)}</td>"
        f'<td class="text-end text-nowrap">{points}</td>'
        f'<td>{recorded}{rule} <span class="small text-muted">· {counts_in}</span></td>'
        f'<td class="text-end">{correct}</td></tr>'
    )
