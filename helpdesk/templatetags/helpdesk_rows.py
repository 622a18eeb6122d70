"""The repeated rows of the dispatch board and of a team's page, built in Python.

The board shows 50 requests and a team's page its volunteers, 20 logs, 20 requests and
its history: per-row template nodes (a URL reversal, choice labels, includes, date and
number filters, translation tags) were most of those pages' time. As the points card
does (scoring/templatetags/card_tags.py), the rows are written with `format_html`
(volunteer.html), which escapes every value, each URL pattern is reversed once per page
(`volunteer.urls_util.pk_url_maker`) and every label is translated once per page."""

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpdesk.models import HelpRequest, ServiceCategory, TeamEvent
from helpdesk.templatetags.helpdesk_tags import duration, state_style
from volunteer.dates import date_formatter, datetime_formatter
from volunteer.html import escaped, format_html, format_html_join
from volunteer.urls_util import pk_url_maker

register = template.Library()

NONE_SHOWN = "—"
OPEN_STATES = frozenset(HelpRequest.OPEN_STATES)


_LABELS: dict[tuple, dict[str, str]] = {}


def labels(choices: type[models.Choices]) -> dict[str, str]:
    """A choice field's labels in the active language, by value: translated once per
    process and language (the catalogues do not change while it runs)."""
    key = (choices, get_language())
    found = _LABELS.get(key)
    if found is None:
        found = _LABELS[key] = {value: str(label) for value, label in choices.choices}
    return found


_TENTH = Decimal("0.1")


def hours(value: Decimal) -> str:
    """`{{ value|floatformat:"-1" }}`: whole hours without a decimal, others to a tenth
    (rounded half up, with the language's decimal separator), as floatformat writes them
    without its general parsing."""
    if value == value.to_integral_value():
        return str(int(value))
    tenths = str(value.quantize(_TENTH, ROUND_HALF_UP))
    return tenths.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def truncated(text: str, length: int) -> str:
    """`{{ text|truncatechars:length }}`."""
    if len(text) <= length:  # nothing to cut: what Truncator gives, without its walk
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length)


def state_badge(state: str, label: str) -> SafeString:
    """What templates/helpdesk/_state.html writes."""
    return format_html(
        '<span class="badge {} state-badge" data-state="{}">{}</span>',
        state_style(state),
        state,
        label,
    )


# --- the dispatch board ----------------------------------------------------------------------


@register.simple_tag
def board_rows(rows, now: dt.datetime) -> SafeString:
    """The board's `<tr>` rows: `rows` as (helpdesk.queries.BoardRow, its lateness)."""
    words = {
        "channel": labels(HelpRequest.Channel),
        "category": labels(ServiceCategory),
        "state": labels(HelpRequest.State),
        "unowned": format_html(
            '<span class="badge text-bg-danger mark-unowned">{}</span>', _("No team holds it")
        ),
        "late": format_html('<span class="badge text-bg-warning mark-late">{}</span>', _("Late")),
        "no_team": format_html('<span class="text-danger">{}</span>', _("No team yet")),
        "reasons": {
            "dispatch": format_html('<div class="late-reason">{}</div>', _("not dispatched")),
            "arrival": format_html('<div class="late-reason">{}</div>', _("nobody on site")),
            "resolution": format_html('<div class="late-reason">{}</div>', _("not resolved")),
        },
        "finished": format_html('<span class="text-muted">{}</span>', NONE_SHOWN),
    }
    detail_url = pk_url_maker("helpdesk:request-detail")
    received = datetime_formatter()
    if not rows:
        return format_html(
            '<tr><td colspan="7" class="text-muted">{}</td></tr>', _("No requests here.")
        )
    return mark_safe(  # noqa: S308 - each row is built of escaped values
        "\n".join(_board_row(row, late, now, words, detail_url, received) for row, late in rows)
    )


def _board_row(row, late, now, words, detail_url, received) -> str:
    # Plain f-strings over escaped values, as the card's rows (the board lists 50).
    is_open = row.state in OPEN_STATES
    unowned = is_open and row.team_id is None
    classes = ("table-danger late" if late else "") + (
        (" unowned" + ("" if late else " table-warning")) if unowned else ""
    )
    if is_open:
        reasons = "".join(words["reasons"][reason] for reason in late)
        waiting = f"{escaped(duration(now - row.received_at))}{reasons}"
    else:
        waiting = words["finished"]
    code = escaped(row.code)
    channel = escaped(words["channel"].get(row.channel, row.channel))
    category = escaped(words["category"].get(row.category, row.category))
    grid = f" · {escaped(row.grid_name)}" if row.grid_name is not None else ""
    team = escaped(row.team_name) if row.team_id is not None else words["no_team"]
    state = state_badge(row.state, words["state"].get(row.state, row.state))
    return (
        f'<tr class="{classes}" data-code="{code}">'
        f'<td class="text-nowrap"><a class="fw-semibold font-monospace" '
        f'href="{escaped(detail_url(row.pk))}">{code}</a>'
        f'<div class="small text-muted">{channel}</div>'
        f"{words['unowned'] if unowned else ''}{words['late'] if late else ''}</td>"
        f'<td class="text-nowrap small">{escaped(received(row.received_at))}</td>'
        f'<td>{category}<div class="small text-muted text-truncate board-desc">'
        f"{escaped(row.description)}</div></td>"
        f'<td class="small">{escaped(row.branch_name)}{grid}</td>'
        f'<td class="small">{team}</td>'
        f"<td>{state}</td>"
        f'<td class="small text-nowrap">{waiting}</td>'
        "</tr>"
    )


# --- a team's page ---------------------------------------------------------------------------


@register.simple_tag
def service_crumbs(crumbs=None, unit=None, current=None) -> SafeString:
    """The breadcrumbs of the volunteer service's pages (helpdesk/_crumbs.html writes
    them the same way): the service, `crumbs` (the units above, which the user may
    open), `unit` (linked) and `current` (this page's text)."""
    unit_url = pk_url_maker("helpdesk:unit")
    items = [(reverse("helpdesk:board"), _("Volunteer service"))]
    items += [(unit_url(crumb.pk), crumb.name) for crumb in crumbs or ()]
    if unit:
        items.append((unit_url(unit.pk), unit.name))
    links = format_html_join("", '<li class="breadcrumb-item"><a href="{}">{}</a></li>', items)
    last = (
        format_html('<li class="breadcrumb-item active" aria-current="page">{}</li>', current)
        if current
        else ""
    )
    return format_html(
        '<nav aria-label="{}"><ol class="breadcrumb">{}{}</ol></nav>', _("Breadcrumb"), links, last
    )


@register.simple_tag
def team_member_rows(members) -> SafeString:
    """The `<tr>` rows of the team's volunteers (helpdesk.queries.TeamMember)."""
    volunteer_url = pk_url_maker("helpdesk:volunteer-detail")
    leader = format_html(' <span class="badge text-bg-danger">{}</span>', _("leader"))
    return format_html_join(
        "\n",
        "<tr>"
        '<td><a href="{}">{}</a>{}</td>'
        '<td class="small">{}</td>'
        '<td class="small">{}</td>'
        '<td class="small text-nowrap">{}</td>'
        '<td class="text-end">{}</td>'
        '<td class="text-end">{}</td>'
        "</tr>",
        (
            (
                volunteer_url(m.profile_id),
                m.name,
                leader if m.is_leader else "",
                "、".join(m.capability_types) or NONE_SHOWN,
                m.specialties or NONE_SHOWN,
                m.phone or NONE_SHOWN,
                hours(m.hours),
                m.services,
            )
            for m in members
        ),
    )


@register.simple_tag(takes_context=True)
def team_log_items(context, logs) -> SafeString:
    """The `<li>` items of the team's latest logs (helpdesk.queries.TeamLog); the
    context's `can_log` offers a correction link."""
    if not logs:
        return format_html('<li class="text-muted">{}</li>', _("No service logged yet."))
    words = {
        "category": labels(ServiceCategory),
        "corrected": format_html(' <span class="badge text-bg-warning">{}</span>', _("corrected")),
        "each": _("%(hours)s h each"),
        "served": escaped(_("Served:")),
        "correct": escaped(_("Correct")),
    }
    log_url = pk_url_maker("helpdesk:log-detail")
    request_url = pk_url_maker("helpdesk:request-detail")
    correct_url = pk_url_maker("helpdesk:log-correct") if context.get("can_log") else None
    served = datetime_formatter()
    return mark_safe(  # noqa: S308 - each item is built of escaped values
        "\n".join(_log_item(log, words, log_url, request_url, correct_url, served) for log in logs)
    )


def _log_item(log, words, log_url, request_url, correct_url, served) -> str:
    # Plain f-strings over escaped values, as the card's rows (a team's page lists 20).
    request = (
        f' · <a class="font-monospace" href="{escaped(request_url(log.request_id))}">'
        f"{escaped(log.request_code)}</a>"
        if log.request_id is not None
        else ""
    )
    correct = (
        f'<a class="small" href="{escaped(correct_url(log.pk))}">{words["correct"]}</a>'
        if correct_url
        else ""
    )
    category = words["category"].get(log.category, log.category)
    each = words["each"] % {"hours": hours(log.hours)}
    return (
        f'<li class="mb-2 pb-2 border-bottom"><a class="fw-bold" href="{escaped(log_url(log.pk))}">'
        f"{escaped(served(log.served_at))}</a>{words['corrected'] if log.corrected else ''}"
        f" · {escaped(category)} · {escaped(each)}{request}"
        f"<div>{escaped(truncated(log.content, 120))}</div>"
        f'<div class="small text-muted">{words["served"]} {escaped(log.people_served)} · '
        f"{escaped('、'.join(log.volunteers))}</div>{correct}</li>"
    )


@register.simple_tag
def team_request_items(requests) -> SafeString:
    """The `<li>` items of the team's latest requests (helpdesk.queries.TeamRequest)."""
    if not requests:
        return format_html('<li class="text-muted">{}</li>', _("No requests yet."))
    category = labels(ServiceCategory)
    state = labels(HelpRequest.State)
    request_url = pk_url_maker("helpdesk:request-detail")
    received = datetime_formatter()
    return format_html_join(
        "\n",
        '<li class="mb-2 d-flex justify-content-between gap-2"><span>'
        '<a class="font-monospace" href="{}">{}</a> · {}'
        '<span class="d-block small text-muted">{}</span></span>'
        '<span class="align-self-start">{}</span></li>',
        (
            (
                request_url(r.pk),
                r.code,
                category.get(r.category, r.category),
                received(r.received_at),
                state_badge(r.state, state.get(r.state, r.state)),
            )
            for r in requests
        ),
    )


@register.simple_tag
def history_items(events, for_team: bool) -> SafeString:
    """The `<li>` items of a team's history or a volunteer's teams over time
    (helpdesk.queries.HistoryEvent)."""
    if not events:
        return format_html(
            '<li class="text-muted">{}</li>',
            _("No change recorded yet.") if for_team else _("Not in a team yet."),
        )
    kinds = labels(TeamEvent.Kind)
    carried = _(
        "Carried over when the history began: the date is the one on the team's records; "
        "who made the change is not known."
    )
    recorded_by = _("Recorded by %(who)s")
    automatic = _("Recorded automatically")
    on = date_formatter()
    return format_html_join(
        "\n",
        '<li class="mb-2" data-kind="{}"><strong>{}</strong> · {}{} {}'
        '<div class="text-muted">{}</div></li>',
        (
            (
                event.kind,
                on(event.on),
                event.volunteer_name if for_team else event.team_name,
                "" if for_team else ":",
                kinds.get(event.kind, event.kind),
                carried
                if event.carried_over
                else recorded_by % {"who": event.by}
                if event.by
                else automatic,
            )
            for event in events
        ),
    )
