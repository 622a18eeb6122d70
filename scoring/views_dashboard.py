"""The dashboards of a branch, a town or a district (point 8): coverage, points,
activities, trainings and grades of a year, with charts drawn on the server
(scoring.charts) and, for a town or district, a row per child unit.

Scope: members.access.get_unit_for_user — the organisers of the units above, and a
branch's secretary for their branch; anyone else gets 404, and so does a grid.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from members import access
from members.models import Unit
from scoring.dashboard import Dashboard, unit_dashboard
from volunteer import charts
from volunteer.urls_util import year_param


def _percent(coverage) -> Decimal:
    if coverage.percent is None:
        return Decimal("0")
    return Decimal(str(coverage.percent)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _charts(board: Dashboard) -> dict:
    names = {"unit": board.unit.name, "year": board.year}
    found = {
        "histogram": charts.column_chart(
            [charts.Bar(band.label, Decimal(band.members)) for band in board.bands],
            title=_("Members by points of the year, %(unit)s %(year)s") % names,
        ),
        "months": charts.column_chart(
            [charts.Bar(formats.date_format(month, "M"), points) for month, points in board.months],
            title=_("Points by month, %(unit)s %(year)s") % names,
        ),
        "kinds": charts.row_chart(
            [charts.Bar(str(row.label), Decimal(row.activities)) for row in board.kinds],
            title=_("Activities by kind, %(unit)s %(year)s") % names,
        ),
        "grades": charts.column_chart(
            [charts.Bar(str(row.label), Decimal(row.members)) for row in board.grades],
            title=_("Grades of the published evaluations, %(unit)s %(year)s") % names,
        ),
    }
    if board.rows:
        found["child_points"] = charts.row_chart(
            [charts.Bar(child.name, figures.points) for child, figures in board.rows],
            title=_("Points by unit, %(unit)s %(year)s") % names,
        )
        found["child_coverage"] = charts.row_chart(
            [charts.Bar(child.name, _percent(figures.coverage)) for child, figures in board.rows],
            title=_("Coverage by unit, %(unit)s %(year)s") % names,
            suffix="%",
        )
    return found


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk)
    if unit.kind == Unit.Kind.GRID:
        raise Http404
    year = year_param(request)
    board = unit_dashboard(unit, year)
    return render(
        request,
        "scoring/dashboard.html",
        {
            "unit": unit,
            "year": year,
            "board": board,
            "charts": _charts(board),
            "breadcrumbs": [*access.units_above_overseen(request.user, unit), unit],
        },
    )
