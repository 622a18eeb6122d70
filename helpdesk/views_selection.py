"""The year's excellent volunteers, selected (优秀党员义工评选): a town proposes volunteers
from its qualifying list, the district confirms them and publishes the selection (the
public page is in views_public)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpdesk import access, queries, services
from helpdesk.forms import NominationForm, ProposeForm
from helpdesk.models import ExcellentNomination, ExcellentSelection, VolunteerProfile
from volunteer.history import change_log

PER_PAGE = 50
State = ExcellentNomination.State


def _selection(district, year: int) -> ExcellentSelection | None:
    return (
        ExcellentSelection.objects.select_related("published_by")
        .filter(district=district, year=year)
        .first()
    )


@login_required
def excellent_proposals(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """A town's qualifying volunteers of the year, each proposed (with a note) or not,
    and its proposals with the district's decisions."""
    granted = access.get_town_proposals(request.user, pk, propose=request.method == "POST")
    town = granted.town
    district = queries.district_of(town)
    form = ProposeForm(request.POST if request.POST.get("action") == "propose" else None)
    error = ""
    if request.method == "POST":
        try:
            done = _propose_or_withdraw(request, form, town, district, year)
        except services.HelpdeskError as refused:
            error = str(refused)
        else:
            if done:
                messages.success(request, done)
                return redirect("helpdesk:excellent-proposals", pk=town.pk, year=year)
    selection = _selection(district, year)
    rule = services.excellence_rule(district, year)
    page = Paginator(queries.excellent_volunteers(town, year, rule), PER_PAGE).get_page(
        request.GET.get("page")
    )
    proposals = list(queries.nominations(selection, [town.path])) if selection else []
    by_profile = {n.profile_id: n for n in proposals}
    for row in page:
        row.nomination = by_profile.get(row.profile_id)
    typed = form.data.get("profile") if form.is_bound else None
    return render(
        request,
        "helpdesk/excellent_proposals.html",
        {
            "town": town,
            "district": district,
            "year": year,
            "rule": rule,
            "page": page,
            "query": "",
            "proposals": proposals,
            "selection": selection,
            "is_open": selection is None or not selection.is_published,
            "may_propose": granted.may_propose,
            "form": form,
            "typed_profile": str(typed or ""),
            "error": error,
        },
    )


def _propose_or_withdraw(request, form, town, district, year: int) -> str:
    """The action of a POST; its success message, or "" when the form was refused."""
    if request.POST.get("action") == "withdraw":
        chosen = NominationForm(request.POST)
        nomination = None
        if chosen.is_valid():
            nomination = (
                ExcellentNomination.objects.filter(
                    pk=chosen.cleaned_data["nomination"],
                    selection__district=district,
                    selection__year=year,
                    town=town,
                )
                .select_related("selection__district", "profile__member")
                .first()
            )
        if nomination is None:
            raise services.HelpdeskError(_("Choose one of the town's proposals."))
        services.withdraw_nomination(nomination=nomination, by=request.user)
        return _("The proposal of %(name)s is withdrawn.") % {
            "name": nomination.profile.member.name
        }
    if not form.is_bound:
        raise services.HelpdeskError(_("Choose what to do."))
    if not form.is_valid():
        return ""
    profile = (
        VolunteerProfile.objects.in_unit(town)
        .select_related("member__branch")
        .filter(pk=form.cleaned_data["profile"])
        .first()
    )
    if profile is None:
        raise services.HelpdeskError(_("Choose a volunteer of the list."))
    services.propose_excellent(
        town=town, profile=profile, year=year, note=form.cleaned_data["note"], by=request.user
    )
    return _("%(name)s is proposed to the district.") % {"name": profile.member.name}


@login_required
def excellent_selection(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The district's selection: the towns' proposals to confirm or decline, then the
    whole list published at once (frozen from then on). Town organisers read their own
    towns' proposals here."""
    granted = access.get_selection_access(request.user, pk, decide=request.method == "POST")
    district = granted.district
    selection = _selection(district, year)
    error = ""
    if request.method == "POST":
        try:
            done = _decide(request, selection, district, year)
        except services.HelpdeskError as refused:
            error = str(refused)
        else:
            messages.success(request, done)
            return redirect("helpdesk:excellent-selection", pk=district.pk, year=year)
    rows = list(queries.nominations(selection, granted.town_paths)) if selection else []
    groups = [
        (state, label, [n for n in rows if n.state == state]) for state, label in State.choices
    ]
    return render(
        request,
        "helpdesk/excellent_selection.html",
        {
            "district": district,
            "year": year,
            "selection": selection,
            "is_open": selection is None or not selection.is_published,
            "groups": groups,
            "waiting": sum(1 for n in rows if n.state == State.PROPOSED),
            "confirmed": sum(1 for n in rows if n.state == State.CONFIRMED),
            "may_decide": granted.may_decide,
            "error": error,
            "log": change_log(selection) if selection else [],
        },
    )


def _decide(request, selection, district, year: int) -> str:
    action = request.POST.get("action")
    if action == "publish":
        services.publish_selection(district=district, year=year, by=request.user)
        return _("The excellent volunteers of %(year)s are published.") % {"year": year}
    if action not in ("confirm", "decline"):
        raise services.HelpdeskError(_("Choose what to do."))
    chosen = NominationForm(request.POST)
    nomination = None
    if chosen.is_valid() and selection is not None:
        nomination = (
            selection.nominations.select_related("selection__district", "profile__member")
            .filter(pk=chosen.cleaned_data["nomination"])
            .first()
        )
    if nomination is None:
        raise services.HelpdeskError(_("Choose one of the proposals."))
    name = nomination.profile.member.name
    if action == "confirm":
        services.confirm_nomination(nomination=nomination, by=request.user)
        return _("%(name)s is confirmed.") % {"name": name}
    services.decline_nomination(nomination=nomination, by=request.user)
    return _("%(name)s is not confirmed.") % {"name": name}
