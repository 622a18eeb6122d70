"""Reports on posts for those who oversee a unit: the post and pledge ledgers as Excel
files and the coverage page. Scope: `members.access.get_unit_for_user` (district and
town organisers, and a branch secretary for their own branch); anything else is 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from members import access
from members.models import Unit
from posts import reports
from volunteer.urls_util import year_param
from volunteer.xlsx import rows_to_xlsx, xlsx_response


def _ledger_unit(request: HttpRequest, pk: int) -> Unit:
    """A district, town or branch the user oversees; a grid has no posts of its own."""
    unit = access.get_unit_for_user(request.user, pk)
    if unit.kind == Unit.Kind.GRID:
        raise Http404
    return unit


@login_required
def post_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """岗位台账: one row per post of the unit's branches for the year."""
    unit = _ledger_unit(request, pk)
    year = year_param(request)
    content = rows_to_xlsx(
        reports.post_ledger_headers(),
        reports.post_ledger_rows(reports.ledger_posts(unit, year)),
        title=_("Post ledger"),
        column_widths=reports.POST_LEDGER_WIDTHS,
    )
    return xlsx_response(content, f"{unit.name}-{year}-{_('Post ledger')}.xlsx")


@login_required
def pledge_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """承诺台账: one row per pledged item of each pledge's current version."""
    unit = _ledger_unit(request, pk)
    year = year_param(request)
    content = rows_to_xlsx(
        reports.pledge_ledger_headers(),
        reports.pledge_ledger_rows(reports.ledger_choices(unit, year)),
        title=_("Pledge ledger"),
        column_widths=reports.PLEDGE_LEDGER_WIDTHS,
        text_columns=[6],  # certificate numbers are long digit strings
    )
    return xlsx_response(content, f"{unit.name}-{year}-{_('Pledge ledger')}.xlsx")


@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """Coverage (覆盖率) of a district or town, child unit by child unit.

    A branch's own figure is on its posts page (posts:post-list), so a branch or grid
    here answers 404 rather than a one-row table.
    """
    unit = access.get_unit_for_user(request.user, pk)
    if unit.kind not in (Unit.Kind.DISTRICT, Unit.Kind.TOWN):
        raise Http404
    year = year_param(request)
    return render(
        request,
        "posts/coverage.html",
        {
            "unit": unit,
            "year": year,
            "table": reports.coverage_by_unit(unit, year),
            "breadcrumbs": [*access.units_above_overseen(request.user, unit), unit],
        },
    )
