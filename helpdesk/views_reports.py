"""Reports and prints of the volunteer service: a town's or a branch's monthly report of
service logs (page, Excel, PDF), the excellent volunteers of a year (page, Excel) and the district's
rule for them, badges and contact cards (one or a batch per branch or town), and the
blank service-log sheet."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods

from helpdesk import access, batches, documents, queries, services
from helpdesk.filters import ExcellentFilter
from helpdesk.forms import ExcellenceRuleForm
from jobs.printing import batch_print
from members import access as member_access
from members.models import Unit
from volunteer.filenames import file_name
from volunteer.history import change_log
from volunteer.pdf import pdf_response
from volunteer.xlsx import rows_to_xlsx, xlsx_response

REPORT_WIDTHS = [17, 12, 10, 18, 12, 16, 8, 40, 24, 8, 8, 10, 12]
EXCELLENT_WIDTHS = [16, 10, 12, 14, 10, 18, 10, 10, 10, 10, 12]
EXCELLENT_PER_PAGE = 50
TOO_FEW_SHOWN = 20


# --- a town's or a branch's monthly report (服务日志月报) ---------------------------------------


def _report_unit(request: HttpRequest, pk: int) -> Unit:
    """A town's monthly report is read by its organisers and the district's; a branch's
    by its secretary too (and whoever oversees the branch)."""
    granted = member_access.get_unit_access(request.user, pk)
    unit = granted.unit
    if unit.kind == Unit.Kind.TOWN and granted.may_organise:
        return unit
    if unit.kind == Unit.Kind.BRANCH:
        return unit  # get_unit_access: only those who oversee it
    raise Http404


@login_required
def month_report(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    town = _report_unit(request, pk)
    first = dt.date(year, month, 1)  # the URL converters checked both
    logs = list(queries.month_logs(town, first))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "helpdesk/month_report.html",
        {
            "unit": town,
            "month": first,
            "logs": logs,
            "totals": queries.report_totals(logs),
            "previous": previous,
            "next": following,
        },
    )


def report_headers() -> list[str]:
    return [
        _("Date and time"),
        _("Village or community"),
        _("Grid"),
        _("Service team"),
        _("Kind of service"),
        _("People served"),
        _("Number served"),
        _("Service content"),
        _("Volunteers present"),
        _("Volunteers"),
        _("Hours each"),
        _("Volunteer hours"),
        _("Request code"),
    ]


@login_required
def month_report_xlsx(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    town = _report_unit(request, pk)
    first = dt.date(year, month, 1)  # the URL converters checked both
    label = formats.date_format(first, "Y-m")
    logs = list(queries.month_logs(town, first))
    totals = queries.report_totals(logs)
    content = rows_to_xlsx(
        report_headers(),
        queries.report_rows(logs),
        title=_("Service logs"),
        column_widths=REPORT_WIDTHS,
        totals=lambda: totals.row(_("Total: %(count)s services") % {"count": totals.logs}),
    )
    return xlsx_response(content, f"{town.name}-{label}-{_('service logs')}.xlsx")


@login_required
def month_report_pdf(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    town = _report_unit(request, pk)
    first = dt.date(year, month, 1)  # the URL converters checked both
    label = formats.date_format(first, "Y-m")
    return pdf_response(
        documents.month_report_pdf(town, first), f"{town.name}-{label}-{_('service logs')}.pdf"
    )


# --- excellent volunteers (优秀党员义工) --------------------------------------------------------


def _excellent_context(request: HttpRequest, pk: int, year: int) -> dict:
    """The unit, the district's rule and the qualifying volunteers, narrowed by the
    list's filters (the page shows them a page at a time, the Excel file whole)."""
    unit = member_access.get_unit_for_user(request.user, pk)
    if unit.kind == Unit.Kind.GRID:
        raise Http404
    district = queries.district_of(unit)
    rule = services.excellence_rule(district, year)
    filters = ExcellentFilter(
        request.GET or None, queryset=queries.excellent_volunteers(unit, year, rule), unit=unit
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "unit": unit,
        "year": year,
        "district": district,
        "rule": rule,
        "filters": filters,
        "query": query.urlencode(),
        "rows": filters.qs,
    }


@login_required
def excellent(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The year's excellent volunteers of a unit by the district's rule, each with the
    figures that qualify them, a page at a time."""
    context = _excellent_context(request, pk, year)
    context["page"] = Paginator(context.pop("rows"), EXCELLENT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context["rule_readable"] = member_access.is_organiser(request.user)
    unit, rule = context["unit"], context["rule"]
    too_few = list(queries.too_few_ratings(unit, year, rule)[: TOO_FEW_SHOWN + 1])
    context["too_few"] = too_few[:TOO_FEW_SHOWN]
    context["more_too_few"] = len(too_few) > TOO_FEW_SHOWN
    context["proposals_url"] = _selection_url(request.user, unit, context["district"], year)
    context["totals"] = queries.excellent_totals(context["filters"].qs)
    return render(request, "helpdesk/excellent.html", context)


def _selection_url(user, unit: Unit, district: Unit, year: int) -> str:
    """Where an organiser takes the list on: a town proposes, the district confirms."""
    if unit.kind == Unit.Kind.TOWN and member_access.can_organise(user, unit):
        return reverse("helpdesk:excellent-proposals", args=[unit.pk, year])
    if unit.kind == Unit.Kind.DISTRICT and member_access.can_organise(user, unit):
        return reverse("helpdesk:excellent-selection", args=[district.pk, year])
    return ""


def excellent_headers() -> list[str]:
    return [
        _("Volunteer number"),
        pgettext("person", "Name"),
        _("Town or street"),
        _("Village or community"),
        _("Grid"),
        _("Service team"),
        _("Hours"),
        _("Services"),
        _("Satisfaction votes"),
        _("Favourable votes"),
        _("Favourable (%)"),
    ]


@login_required
def excellent_xlsx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    context = _excellent_context(request, pk, year)
    content = rows_to_xlsx(
        excellent_headers(),
        queries.excellent_rows(context["rows"]),
        title=_("Excellent volunteers"),
        column_widths=EXCELLENT_WIDTHS,
        text_columns=[0],
        totals=lambda: queries.excellent_totals(context["rows"]).row(_("Total")),
    )
    name = f"{context['unit'].name}-{context['year']}-{_('excellent volunteers')}.xlsx"
    return xlsx_response(content, name)


@login_required
def excellence_rule(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The district's rule for a year: read by the organisers in the district, set by
    the district organiser; its history shows every change."""
    granted = member_access.get_district_for_user(request.user, pk, manage=request.method == "POST")
    district = granted.district
    rule = services.excellence_rule(district, year)
    form = ExcellenceRuleForm(
        request.POST or None,
        initial={
            "min_hours": rule.min_hours,
            "min_services": rule.min_services,
            "min_favourable_percent": rule.min_favourable_percent,
            "favourable_comparison": rule.favourable_comparison,
            "min_votes": rule.min_votes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_excellence_rule(
                district=district, year=year, by=request.user, **form.cleaned_data
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The rule for %(year)s is saved.") % {"year": year})
            return redirect("helpdesk:excellence-rule", pk=district.pk, year=year)
    return render(
        request,
        "helpdesk/excellence_rule.html",
        {
            "district": district,
            "year": year,
            "rule": rule,
            "form": form,
            "can_set": granted.may_set_rules,
            "log": change_log(rule) if rule.pk else [],
        },
    )


# --- prints: badges, contact cards, the log sheet -----------------------------------------------


@login_required
def badge(request: HttpRequest, pk: int) -> HttpResponse:
    """One volunteer's ID badge (义工身份证), for the volunteer, their team's leader and
    those who oversee their branch."""
    profile = access.get_profile_for_user(request.user, pk)
    if not profile.is_active:
        raise Http404
    pdf = documents.badges_pdf([profile], request.build_absolute_uri)
    return pdf_response(pdf, f"{_('volunteer badge')}-{profile.number}.pdf")


@login_required
def team_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's service contact card (服务联系卡), with its members' phones."""
    team = access.get_team_for_user(request.user, pk)
    pdf = documents.contact_cards_pdf(documents.card_teams(team.grid), request.build_absolute_uri)
    return pdf_response(pdf, f"{team.name}-{_('contact card')}.pdf")


@login_required
def log_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A blank service-log sheet for a leader who keeps the log on paper."""
    team = access.get_team_for_user(request.user, pk)
    return pdf_response(documents.log_sheet_pdf(team), f"{team.name}-{_('service log sheet')}.pdf")


def _batch_unit(request: HttpRequest, pk: int) -> Unit:
    """Batches are printed for a branch or a town by those who oversee it."""
    unit = member_access.get_unit_for_user(request.user, pk)
    if unit.kind not in (Unit.Kind.BRANCH, Unit.Kind.TOWN):
        raise Http404
    return unit


def _batch(
    request: HttpRequest, unit: Unit, *, kind: str, items, label: str, filename: str, make_pdf
):
    """A batch print: POST starts it as a background job and shows the job's page; GET
    downloads a small batch straight away and offers a large one as a job, so that a
    town's thousand badges never render inside a web request."""
    return batch_print(
        request,
        kind=kind,
        label=label,
        params={"unit": unit.pk},
        filename=filename,
        count=items.count,
        make_pdf=lambda: make_pdf(items, request.build_absolute_uri),
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_badges(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _batch_unit(request, pk)
    return _batch(
        request,
        unit,
        kind=batches.BADGES,
        items=documents.badge_profiles(unit),
        label=_("Volunteer badges of %(unit)s") % {"unit": unit.name},
        filename=f"{unit.name}-{_('volunteer badges')}.pdf",
        make_pdf=documents.badges_pdf,
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_cards(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _batch_unit(request, pk)
    return _batch(
        request,
        unit,
        kind=batches.CARDS,
        items=documents.card_teams(unit),
        label=_("Contact cards of %(unit)s") % {"unit": unit.name},
        filename=f"{unit.name}-{_('contact cards')}.pdf",
        make_pdf=documents.contact_cards_pdf,
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_badge_sheets(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's badges on A4 cutting sheets (ten to a sheet), for an ordinary printer."""
    unit = _batch_unit(request, pk)
    return _batch(
        request,
        unit,
        kind=batches.BADGE_SHEETS,
        items=documents.badge_profiles(unit),
        label=_("Volunteer badges of %(unit)s, A4 cutting sheets") % {"unit": unit.name},
        filename=file_name(gettext_lazy("%(unit)s volunteer badges A4 sheets.pdf"), unit=unit.name),
        make_pdf=documents.badge_sheets_pdf,
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_card_sheets(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's contact cards on A4 cutting sheets (four to a sheet)."""
    unit = _batch_unit(request, pk)
    return _batch(
        request,
        unit,
        kind=batches.CARD_SHEETS,
        items=documents.card_teams(unit),
        label=_("Contact cards of %(unit)s, A4 cutting sheets") % {"unit": unit.name},
        filename=file_name(gettext_lazy("%(unit)s contact cards A4 sheets.pdf"), unit=unit.name),
        make_pdf=documents.card_sheets_pdf,
    )
