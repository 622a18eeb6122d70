"""Pages for steps 4–5: activities with attendance, corrections, points cards, monthly
tallies (积分公示), points rules and pledge fulfilment.

Scope goes through members.access (and posts.access for pledges): outsiders get 404,
readers who may not write get 403. Writes go through scoring.services; reads through
scoring.queries.
"""

import datetime as dt
import functools
import re
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jobs.printing import batch_print
from members import access
from members.models import Member, Unit
from posts import access as posts_access
from scoring import access as scoring_access
from scoring import batches, documents, queries, services
from scoring.forms import ActivityFilterForm, ActivityForm, CorrectionForm, PointsRuleForm
from scoring.models import MonthlyTally
from volunteer import charts
from volunteer.filenames import file_name
from volunteer.history import change_log
from volunteer.pdf import pdf_response, render_pdf
from volunteer.urls_util import FIRST_YEAR, LAST_YEAR, year_param
from volunteer.xlsx import rows_to_xlsx, xlsx_response

ACTIVITIES_PER_PAGE = 50


def _month_label(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


# --- activities ---------------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_branch_access(request.user, pk)
    branch = granted.branch
    filters = ActivityFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    activities = queries.branch_activities(
        branch, kind=chosen.get("kind", ""), month=chosen.get("month")
    )
    page = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scoring/activity_list.html",
        {
            "branch": branch,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_manage": granted.may_manage,
        },
    )


@login_required
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    form = ActivityForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.record_activity(
                branch=branch,
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                members=list(data["members"]),
                duty_items=list(data["duty_items"]),
                place=data["place"],
                trainer=data["trainer"],
                people_served=data["people_served"],
                description=data["description"],
                visits=data["visits"] or 0,
                information=data["information"] or 0,
                problems_solved=data["problems_solved"] or 0,
                by=request.user,
            )
        except services.ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(title)s recorded: %(count)s members earned points.")
                % {"title": activity.title, "count": len(data["members"])},
            )
            return redirect("scoring:activity-detail", pk=activity.pk)
    return render(request, "scoring/activity_form.html", {"form": form, "branch": branch})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = scoring_access.get_activity_for_user(request.user, pk)
    activity = granted.activity
    return render(
        request,
        "scoring/activity_detail.html",
        {
            "activity": activity,
            "attendances": activity.attendances.select_related("member").order_by(
                "member__name", "member_id"
            ),
            "duty_items": activity.duty_items.select_related("post_type", "post"),
            "entries": queries.activity_entries(activity),
            "can_manage": granted.may_manage,
            "log": change_log(activity),
        },
    )


@login_required
def entry_correct(request: HttpRequest, pk: int) -> HttpResponse:
    entry = queries.entry_for_correction(pk)
    if entry is None:
        raise Http404
    access.get_branch_for_user(request.user, entry.branch_id, manage=True)
    corrections = list(entry.corrections.select_related("recorded_by").order_by("id"))
    worth = entry.points + sum((c.points for c in corrections), queries.ZERO)
    form = CorrectionForm(request.POST or None, initial={"right_points": worth})
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.correct_entry(
                entry=entry,
                right_points=form.cleaned_data["right_points"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Correction of %(points)s recorded; it counts in %(month)s.")
                % {"points": correction.points, "month": _month_label(correction.month)},
            )
            if entry.attendance_id:
                return redirect("scoring:activity-detail", pk=entry.attendance.activity_id)
            card = reverse("scoring:points-card", args=[entry.member_id])
            return redirect(f"{card}?month={correction.month:%Y-%m}")
    return render(
        request,
        "scoring/entry_correct.html",
        {"entry": entry, "corrections": corrections, "worth": worth, "form": form},
    )


# --- points card (积分卡) -------------------------------------------------------------------


def _card_context(request: HttpRequest, pk: int) -> dict:
    """The whole year's card, as it prints."""
    granted = access.get_member_access(request.user, pk)
    member = granted.member
    year = year_param(request)
    return {
        "card": queries.points_card(member, year),
        "member": member,
        "year": year,
        "is_overseer": granted.oversees,
        "can_manage": granted.may_manage,
    }


_MONTH_PARAM = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def _month_param(value: str) -> dt.date | None:
    """The month ?month=YYYY-MM names, or None (not a month, or out of the years a
    page may ask for)."""
    match = _MONTH_PARAM.fullmatch(value.strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
        return dt.date(year, month, 1)
    return None


def _card_page_month(request: HttpRequest) -> tuple[int, dt.date | None, str]:
    """The year and month a card page shows, and what was asked for in vain: ?month=
    names both; without it, ?year= (or this year) and the year's default month. A
    ?month= that is no month, or not one of ?year=, gives ?year='s default month and
    comes back as the third value, for the page to say so."""
    year = year_param(request)
    asked = request.GET.get("month")
    if asked is None:
        return year, None, ""
    month = _month_param(asked)
    if month is None or ("year" in request.GET and month.year != year):
        return year, None, asked[:20]
    return month.year, month, ""


@login_required
def points_card(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's card on screen: the year's points and hours, each month's total, and
    the entries of one month (?month=YYYY-MM, by default this month, or the latest
    month with entries); the PDF prints the whole year."""
    granted = access.get_member_access(request.user, pk)
    return _card_page(request, granted.member, granted.oversees, granted.may_manage)


def _card_page(request: HttpRequest, member, oversees: bool, may_manage: bool) -> HttpResponse:
    year, month, refused = _card_page_month(request)
    card = queries.month_card(member, year, month)
    return render(
        request,
        "scoring/points_card.html",
        {
            "card": card,
            "member": member,
            "year": year,
            "refused_month": refused,
            "is_overseer": oversees,
            "can_manage": may_manage,
        },
    )


# user.member_file: the menu asks for it on every page.
_OWN_FILE = Member._meta.get_field("user").remote_field


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    """The member's own card, the page `points_card` shows them (same ?month= and
    ?year=), without a redirect to it: the menu's "My points" is the load's busiest
    request. The month and year links are relative, so they stay on this address."""
    user = request.user
    member = access.member_file_of(user)
    if member is None:
        raise Http404
    _OWN_FILE.set_cached_value(user, member)
    return _card_page(
        request,
        member,
        access.can_oversee(user, member.branch),
        access.can_manage_branch(user, member.branch),
    )


@login_required
def points_card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One member's card: the print template of the branch batch, with a list of one
    card (the context still names the card, its member and its QR code, `verify`)."""
    context = _card_context(request, pk)
    with translation.override(settings.LANGUAGE_CODE):
        printed_on = timezone.localdate()
        cards = documents.printed_cards(
            [context["card"]], printed_on=printed_on, absolute=request.build_absolute_uri
        )
        context |= documents.points_cards_context(
            cards, printed_on=printed_on, year=context["year"]
        )
        context["verify"] = cards[0].verify
        pdf = render_pdf(documents.POINTS_CARD_TEMPLATE, context)
    member = context["member"]
    label = _("points card")
    return pdf_response(pdf, f"{member.name}-{context['year']}-{label}.pdf")


@require_http_methods(["GET", "POST"])
@login_required
def branch_cards_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The points cards of every member of a branch for a year (?year=, default this
    year) as one PDF, one card per member (one page, or more for a long year), ordered
    by name, skipping none: a member with no entries gets a card of empty months (which
    members: scoring.queries.branch_card_members).

    POST starts the batch as a background job (jobs.services) and shows the job's page;
    GET downloads a small batch straight away and offers a large one as a job.

    Who may print: everyone who may read the branch (members.access.get_branch_for_user
    with manage=False): its secretary, and the town and district organisers above it.
    Printing changes nothing.
    """
    branch = access.get_branch_for_user(request.user, pk)
    year = year_param(request)
    filename = file_name(
        gettext_lazy("Points cards %(branch)s %(year)s.pdf"), branch=branch.name, year=year
    )
    label = _("Points cards of %(branch)s, %(year)s") % {"branch": branch.name, "year": year}
    return batch_print(
        request,
        kind=batches.POINTS_CARDS,
        label=label,
        params={"branch": branch.pk, "year": year},
        filename=filename,
        count=queries.branch_card_members(branch).count,
        make_pdf=lambda: documents.branch_points_cards_pdf(
            branch, year, absolute=request.build_absolute_uri
        ),
    )


@never_cache
def verify_card(request: HttpRequest, token: str) -> HttpResponse:
    """Public, no log-in: is this printed points card genuine? Shows name, branch, year
    and the year's points and hours as printed and as they stand now; nothing else."""
    check = documents.check_points_card(token)
    status = 200 if check is not None else 404
    response = render(request, "scoring/verify_card.html", {"check": check}, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"  # reached from a QR code only
    return response


# --- monthly tallies (积分公示) ------------------------------------------------------------


@login_required
def tally_list(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_branch_access(request.user, pk)
    branch = granted.branch
    year = year_param(request)
    months = queries.branch_tally_year(branch, year)
    chart = charts.column_chart(
        [
            charts.Bar(formats.date_format(m.month, "M"), m.total, muted=not m.is_published)
            for m in months
        ],
        title=_("Points by month, %(branch)s %(year)s") % {"branch": branch.name, "year": year},
    )
    return render(
        request,
        "scoring/tally_list.html",
        {
            "branch": branch,
            "year": year,
            "months": months,
            "total": sum((m.total for m in months), queries.ZERO),
            "chart": chart,
            "can_manage": granted.may_manage,
        },
    )


@login_required
def tally(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    granted = access.get_branch_access(request.user, pk)
    branch = granted.branch
    first = dt.date(year, month, 1)  # the URL converters checked both
    return render(
        request,
        "scoring/tally.html",
        {
            "branch": branch,
            "tally": queries.branch_tally(branch, first),
            "month": first,
            "previous": queries.previous_month(first),
            "next": queries.next_month(first),
            "is_future": first > queries.this_month(),
            "can_manage": granted.may_manage,
            "section_url": f"{reverse('scoring:tally-list', args=[branch.pk])}?year={year}",
        },
    )


@require_POST
@login_required
def tally_publish(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    first = dt.date(year, month, 1)  # the URL converters checked both
    try:
        services.publish_tally(branch=branch, month=first, by=request.user)
    except services.ScoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The tally of %(month)s is published and frozen.") % {"month": _month_label(first)},
        )
    return redirect("scoring:tally", pk=branch.pk, year=year, month=month)


@require_POST
@login_required
def unit_tally_publish(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """A town or district organiser publishes the month for the branches chosen."""
    unit = access.get_unit_for_user(request.user, pk)
    if unit.kind not in (Unit.Kind.TOWN, Unit.Kind.DISTRICT) or not access.can_organise(
        request.user, unit
    ):
        raise Http404
    first = dt.date(year, month, 1)  # the URL converters checked both
    chosen = [int(v) for v in request.POST.getlist("branch") if v.isdigit() and len(v) < 10]
    try:
        published = services.publish_tallies(
            unit=unit, branch_ids=chosen, month=first, by=request.user
        )
    except services.ScoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(count)s tallies of %(month)s published and frozen.")
            % {"count": len(published), "month": _month_label(first)},
        )
    return redirect("scoring:unit-tally", pk=unit.pk, year=year, month=month)


# A published month's lines are frozen (MonthlyTally), so its rendered table is kept in the
# cache, keyed by the tally and its publication time, for a week at a time.
PUBLISHED_TALLY_CACHE_SECONDS = 7 * 24 * 3600


def public_tally(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's published tallies for everyone (公示栏), no log-in: names and points
    from the frozen lines only, never anything else from a member file."""
    branch = get_object_or_404(Unit.objects.select_related("parent"), pk=pk, kind="branch")
    tallies = list(queries.published_tallies(branch))
    chosen = tallies[0] if tallies else None
    wanted = request.GET.get("month", "")
    for candidate in tallies:
        if candidate.month.strftime("%Y-%m") == wanted:
            chosen = candidate
    return render(
        request,
        "scoring/public_tally.html",
        {
            "branch": branch,
            "tallies": tallies,
            "chosen": chosen,
            # Read only when the cached copy of the published month is missing: the
            # template calls it inside its {% cache %} block.
            "lines": functools.partial(queries.public_lines, chosen) if chosen else list,
            "cache_seconds": PUBLISHED_TALLY_CACHE_SECONDS,
        },
    )


@login_required
def unit_tally(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """A town's branches or a district's towns: the published totals of a month."""
    unit = access.get_unit_for_user(request.user, pk)
    first = dt.date(year, month, 1)  # the URL converters checked both
    if unit.kind == Unit.Kind.BRANCH:
        return redirect("scoring:tally", pk=unit.pk, year=year, month=month)
    if unit.kind == Unit.Kind.GRID:
        raise Http404
    rows = queries.unit_tally(unit, first)
    chart = charts.row_chart(
        [charts.Bar(row.unit.name, row.total) for row in rows],
        title=_("Published points by unit, %(month)s") % {"month": _month_label(first)},
    )
    return render(
        request,
        "scoring/unit_tally.html",
        {
            "unit": unit,
            "rows": rows,
            "chart": chart,
            "month": first,
            "previous": queries.previous_month(first),
            "next": queries.next_month(first),
            "branches": sum(row.branches for row in rows),
            "published": sum(row.published for row in rows),
            "total": sum((row.total for row in rows), queries.ZERO),
            "breadcrumbs": [*access.units_above_overseen(request.user, unit), unit],
            "unpublished": queries.unpublished_branches(unit, first)
            if access.can_organise(request.user, unit) and first <= queries.this_month()
            else [],
        },
    )


@login_required
def tally_xlsx(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """A branch: one row per member (frozen if published, else live and marked so); a
    town or district: one row per branch with its published total."""
    unit = access.get_unit_for_user(request.user, pk)
    first = dt.date(year, month, 1)  # the URL converters checked both
    if unit.kind == Unit.Kind.GRID:
        raise Http404
    if unit.kind == Unit.Kind.BRANCH:
        branch_tally = queries.branch_tally(unit, first)
        status = _("Published") if branch_tally.is_published else _("Not yet published")
        headers = [
            _("Member"),
            _("Points this month"),
            _("Of which corrections"),
            _("Year to date"),
            _("Status"),
        ]
        rows = (
            [row.name, *_numbers(row.points, row.corrections, row.year_to_date), status]
            for row in branch_tally.rows
        )
        widths = [14, 12, 12, 12, 14]
    else:
        headers = [
            _("Town or street"),
            _("Branch"),
            _("Status"),
            _("Published at"),
            _("Total points"),
            _("Members in the tally"),
        ]
        rows = (
            _branch_row(branch, tally) for branch, tally in queries.unit_branch_tallies(unit, first)
        )
        widths = [14, 16, 14, 18, 12, 12]
    content = rows_to_xlsx(headers, rows, title=first.strftime("%Y-%m"), column_widths=widths)
    label = _("points tally")
    return xlsx_response(content, f"{unit.name}-{first:%Y-%m}-{label}.xlsx")


def _branch_row(branch: Unit, tally: MonthlyTally | None) -> list:
    town = branch.parent.name if branch.parent else ""
    if tally is None:
        return [town, branch.name, _("Not yet published"), None, None, None]
    published_at = timezone.localtime(tally.published_at).replace(tzinfo=None)
    return [
        town,
        branch.name,
        _("Published"),
        published_at,
        *_numbers(tally.total_points),
        tally.members,
    ]


def _numbers(*values: Decimal) -> list[float]:
    """Points as spreadsheet numbers: rows_to_xlsx writes a Decimal as text."""
    return [float(value) for value in values]


# --- points rules (积分规则) ---------------------------------------------------------------


@login_required
def rules(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_district_for_user(request.user, pk, manage=request.method == "POST")
    district, can_manage = granted.district, granted.may_set_rules
    form = PointsRuleForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.set_points_rule(district=district, by=request.user, **form.cleaned_data)
        except services.ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(kind)s: %(points)s points from %(date)s.")
                % {
                    "kind": rule.get_kind_display(),
                    "points": rule.points,
                    "date": formats.date_format(rule.effective_from),
                },
            )
            return redirect("scoring:rules", pk=district.pk)
    now, history = queries.district_rules(district, timezone.localdate())
    return render(
        request,
        "scoring/rules.html",
        {
            "district": district,
            "now": now,
            "history": history,
            "form": form,
            "can_manage": can_manage,
            "defaults_from": services.DEFAULT_RULES_FROM,
            "district_crumbs": [district] if access.can_oversee(request.user, district) else [],
        },
    )


# --- pledge fulfilment (履诺) ---------------------------------------------------------------


@login_required
def pledge_fulfilment(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = posts_access.get_pledge_for_user(request.user, pk).pledge
    year = year_param(request) if "year" in request.GET else pledge.choice.post.year
    version, items = queries.pledge_fulfilment(pledge, year)
    return render(
        request,
        "scoring/pledge_fulfilment.html",
        {
            "pledge": pledge,
            "year": year,
            "version": version,
            "items": items,
            "total": sum(len(item.activities) for item in items),
        },
    )
