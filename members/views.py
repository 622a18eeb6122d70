from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from members import access, activation, roster, services
from members.filters import MemberFilter
from members.forms import (
    CapabilityTypeForm,
    LocalSituationForm,
    MemberForm,
    ResidentNeedForm,
    RosterUploadForm,
    UnitForm,
)
from members.models import CapabilityType, LocalSituation, Member, PartnerUnit, ResidentNeed, Unit
from volunteer.history import change_log
from volunteer.xlsx import xlsx_response

MEMBERS_PER_PAGE = 50


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_unit_access(request.user, pk)
    unit = granted.unit
    children = list(unit.children.order_by("code"))
    counts = Member.objects.in_unit(unit).counts_by_unit(children)
    context = {
        "unit": unit,
        "rows": [(child, counts[child.pk]) for child in children],
        "totals": Member.objects.in_unit(unit).counts(),
        "can_manage": granted.may_manage_branch,
        "can_publish": granted.may_organise,
        "can_add_child": granted.may_add_child,
        "can_edit_unit": granted.may_edit,
        "breadcrumbs": _breadcrumbs(request.user, unit),
    }
    if unit.kind == Unit.Kind.BRANCH:
        context["situation"] = LocalSituation.objects.filter(branch=unit).first()
        context["needs"] = ResidentNeed.objects.filter(branch=unit).open()[:5]
        context["partners"] = unit.partner_units.all()
    return render(request, "members/unit_detail.html", context)


CHILD_KIND = {
    Unit.Kind.DISTRICT: Unit.Kind.TOWN,
    Unit.Kind.TOWN: Unit.Kind.BRANCH,
    Unit.Kind.BRANCH: Unit.Kind.GRID,
}


@login_required
def unit_add(request: HttpRequest, pk: int) -> HttpResponse:
    parent = access.get_unit_to_change(request.user, pk, add_child=True)
    kind = CHILD_KIND[Unit.Kind(parent.kind)]
    form = UnitForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        unit = services.add_child_unit(form, parent=parent, by=request.user)
        messages.success(request, _("%(name)s added.") % {"name": unit.name})
        return redirect("members:unit-detail", pk=parent.pk)
    return render(
        request,
        "members/unit_form.html",
        {"form": form, "parent": parent, "kind_label": Unit.Kind(kind).label},
    )


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_to_change(request.user, pk, add_child=False)
    form = UnitForm(request.POST or None, instance=unit, kind=unit.kind)
    if request.method == "POST" and form.is_valid():
        services.update_unit(form, by=request.user)
        messages.success(request, _("%(name)s saved.") % {"name": unit.name})
        return redirect("members:unit-detail", pk=unit.pk)
    return render(
        request,
        "members/unit_form.html",
        {"form": form, "unit": unit, "kind_label": unit.get_kind_display()},
    )


def _breadcrumbs(user, unit: Unit) -> list[Unit]:
    return access.units_above_overseen(user, unit)


@login_required
def member_list(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_unit_access(request.user, pk)
    unit = granted.unit
    member_filter = MemberFilter(
        request.GET, queryset=Member.objects.in_unit(unit).for_list(), unit=unit
    )
    page = Paginator(member_filter.qs, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/member_list.html",
        {
            "unit": unit,
            "filter": member_filter,
            "page": page,
            "query": query.urlencode(),
            "can_manage": granted.may_manage_branch,
            "show_branch": unit.kind != Unit.Kind.BRANCH,
        },
    )


@sensitive_post_parameters("id_number")  # never whole in an error report
@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    form = MemberForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        member = services.save_member_form(form, by=request.user)
        messages.success(request, _("Member file for %(name)s added.") % {"name": member.name})
        if "add_another" in request.POST:
            return redirect("members:member-add", pk=branch.pk)
        return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "branch": branch})


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_member_access(request.user, pk)
    member = granted.member
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "capabilities": member.capability_types.all(),
            "show_phone": granted.may_see_phone,
            "can_manage": granted.may_manage,
            "branch_link": access.can_oversee(request.user, member.branch),
            "login_state": activation.login_state(member) if granted.may_give_login else "",
            "log": change_log(member, hidden=frozenset({"id_number_hash"})),
        },
    )


@login_required
def my_file(request: HttpRequest) -> HttpResponse:
    member = access.member_file_of(request.user)
    if member is None:
        messages.info(
            request, _("Your log-in is not linked to a member file. Ask your branch secretary.")
        )
        return redirect("home")
    return redirect("members:member-detail", pk=member.pk)


@sensitive_post_parameters("id_number")  # never whole in an error report
@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, manage=True)
    form = MemberForm(request.POST or None, instance=member, branch=member.branch)
    if request.method == "POST" and form.is_valid():
        services.save_member_form(form, by=request.user)
        messages.success(request, _("Changes to %(name)s's file saved.") % {"name": member.name})
        return redirect("members:member-detail", pk=member.pk)
    return render(
        request,
        "members/member_form.html",
        {"form": form, "branch": member.branch, "member": member},
    )


@require_POST
@login_required
def member_unexempt(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, manage=True)
    services.lift_exemption(member=member, by=request.user)
    messages.success(request, _("The exemption of %(name)s was lifted.") % {"name": member.name})
    return redirect("members:member-detail", pk=member.pk)


@login_required
def situation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    situation = LocalSituation.objects.filter(branch=branch).first() or LocalSituation(
        branch=branch
    )
    form = LocalSituationForm(request.POST or None, instance=situation)
    if request.method == "POST" and form.is_valid():
        services.save_local_situation(form, branch=branch, by=request.user)
        messages.success(request, _("Local situation saved."))
        return redirect("members:unit-detail", pk=branch.pk)
    return render(request, "members/situation_form.html", {"form": form, "branch": branch})


@login_required
def need_list(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_branch_access(request.user, pk)
    branch = granted.branch
    return render(
        request,
        "members/need_list.html",
        {
            "branch": branch,
            "needs": ResidentNeed.objects.filter(branch=branch),
            "can_manage": granted.may_manage,
        },
    )


@login_required
def need_add(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    form = ResidentNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_need(form, branch=branch, by=request.user)
        messages.success(request, _("Need added to the register."))
        return redirect("members:need-list", pk=branch.pk)
    return render(request, "members/need_form.html", {"form": form, "branch": branch})


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = access.get_need_for_user(request.user, pk, manage=True)
    form = ResidentNeedForm(request.POST or None, instance=need)
    if request.method == "POST" and form.is_valid():
        services.save_need(form, branch=need.branch, by=request.user)
        messages.success(request, _("Need saved."))
        return redirect("members:need-list", pk=need.branch_id)
    return render(
        request, "members/need_form.html", {"form": form, "branch": need.branch, "need": need}
    )


@login_required
def roster_template(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    return xlsx_response(roster.template_xlsx(branch), _("roster-template.xlsx"))


@login_required
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk)
    members = Member.objects.in_unit(branch).for_list()
    return xlsx_response(roster.export_xlsx(members), f"{branch.name}-{_('roster')}.xlsx")


@login_required
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster_import, _report = roster.start_import(
                branch=branch, uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except roster.RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("members:roster-preview", pk=roster_import.pk)
    return render(
        request,
        "members/roster_import.html",
        {"form": form, "branch": branch, "max_mb": roster.max_upload_mb()},
    )


@login_required
def roster_preview(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = access.get_roster_import_for_user(request.user, pk)
    branch = roster_import.branch
    if roster_import.status != roster_import.Status.PENDING:
        messages.info(request, _("This import was already saved or discarded."))
        return redirect("members:member-list", pk=branch.pk)
    if request.method == "POST":
        if "discard" in request.POST:
            roster.discard_import(roster_import)
            messages.info(request, _("The import was discarded; nothing was saved."))
            return redirect("members:member-list", pk=branch.pk)
        try:
            report = roster.apply_roster(
                roster_import,
                by=request.user,
                identity_checked=request.POST.get("identity_checked") == "1",
            )
        except roster.RosterFileError as exc:
            messages.error(request, str(exc))
            return redirect("members:roster-import", pk=branch.pk)
        if report.needs_identity_check:
            messages.error(
                request,
                _(
                    "Nothing was saved: tick that you checked the names and birth dates marked below."
                ),
            )
        elif report.is_valid:
            messages.success(
                request,
                _("Roster saved: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": report.to_create,
                    "updated": report.to_update,
                    "unchanged": report.unchanged,
                },
            )
            return redirect("members:member-list", pk=branch.pk)
        else:
            messages.error(request, _("Some rows are no longer valid; nothing was saved."))
    else:
        chosen = (request.GET.get("sheet") or "")[:100]
        if chosen and chosen != roster_import.sheet:
            # Another sheet of the same file: kept only if it reads as a roster.
            try:
                roster.read_roster(bytes(roster_import.content), branch=branch, sheet=chosen)
            except roster.RosterFileError as exc:
                messages.error(request, str(exc))
            else:
                roster.choose_sheet(roster_import, chosen)
        try:
            try:
                report = roster.read_roster(
                    bytes(roster_import.content), branch=branch, sheet=roster_import.sheet
                )
            except roster.RosterFileError:
                if not roster_import.sheet:
                    raise
                # The chosen sheet no longer reads: back to the first visible one.
                roster.choose_sheet(roster_import, "")
                report = roster.read_roster(bytes(roster_import.content), branch=branch)
        except roster.RosterFileError as exc:
            roster.discard_import(roster_import)
            messages.error(request, str(exc))
            return redirect("members:roster-import", pk=branch.pk)
    return render(
        request,
        "members/roster_preview.html",
        {"roster_import": roster_import, "branch": branch, "report": report},
    )


@login_required
def capability_list(request: HttpRequest) -> HttpResponse:
    access.require_organiser(request.user)
    return render(
        request,
        "members/capability_list.html",
        {
            "capabilities": CapabilityType.objects.all(),
            "can_edit": access.is_district_organiser(request.user),
        },
    )


@login_required
def capability_add(request: HttpRequest) -> HttpResponse:
    access.require_district_organiser(request.user)
    return _capability_form(request, CapabilityType())


@login_required
def capability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_district_organiser(request.user)
    return _capability_form(request, get_object_or_404(CapabilityType, pk=pk))


def _capability_form(request: HttpRequest, capability: CapabilityType) -> HttpResponse:
    form = CapabilityTypeForm(request.POST or None, instance=capability)
    if request.method == "POST" and form.is_valid():
        services.save_capability_type(form, by=request.user)
        messages.success(request, _("Capability type saved."))
        return redirect("members:capability-list")
    return render(request, "members/capability_form.html", {"form": form, "capability": capability})


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    access.require_organiser(request.user)
    partners = PartnerUnit.objects.serving(access.units_overseen(request.user))
    today = timezone.localdate()
    # Year-end results are published in December or early the next year.
    results_year = today.year if today.month == 12 else today.year - 1
    return render(
        request, "members/partner_list.html", {"partners": partners, "results_year": results_year}
    )
