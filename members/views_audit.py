"""The security audit trail, for the district organiser: a page with filters and its
Excel export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from members import access, audit
from members.models import audit_keep_days
from volunteer.xlsx import rows_to_xlsx, xlsx_response

EVENTS_PER_PAGE = 50


def _filtered(request: HttpRequest) -> audit.SecurityEventFilter:
    paths = access.require_audit_reader(request.user)
    return audit.SecurityEventFilter(request.GET or None, queryset=audit.trail(paths))


@login_required
def security_events(request: HttpRequest) -> HttpResponse:
    events = _filtered(request)
    page = Paginator(events.qs, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    for event in page:
        event.who = audit.who(event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/security_events.html",
        {
            "filter": events,
            "page": page,
            "query": query.urlencode(),
            "keep_days": audit_keep_days(),
        },
    )


@login_required
def security_events_xlsx(request: HttpRequest) -> HttpResponse:
    events = _filtered(request)
    content = rows_to_xlsx(
        audit.export_headers(),
        audit.export_rows(events.qs),
        title=_("Security events"),
        column_widths=[17, 16, 14, 16, 16, 14, 12, 50],
        text_columns=[3, 4],
    )
    today = timezone.localdate()
    return xlsx_response(content, f"{_('Security events')}-{today:%Y-%m-%d}.xlsx")
