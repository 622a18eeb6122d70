"""Joining the volunteer pool (申请成为党员义工): a member applies on their phone and
accepts the district's code of conduct, the branch approves (which enrols them) or
declines with a reason; the district keeps the text of the code of conduct."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpdesk import access, queries, services
from helpdesk.forms import ApplicationForm, ConductForm, DeclineApplicationForm
from helpdesk.models import ConductText, VolunteerApplication, VolunteerProfile
from members import access as member_access
from volunteer.history import change_log

State = VolunteerApplication.State


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """The member's own page: apply to become a volunteer, or see how the application
    stands (and earlier ones, with the branch's reasons)."""
    member = member_access.member_file_of(request.user)
    if member is None:
        raise Http404
    profile = VolunteerProfile.objects.filter(member=member).first()
    applications = list(
        VolunteerApplication.objects.filter(member=member)
        .select_related("conduct", "decided_by")
        .prefetch_related("capability_types")
        .order_by("-created_at", "-pk")[:10]
    )
    waiting = next((a for a in applications if a.state == State.WAITING), None)
    conduct = services.conduct_text(queries.district_of(member.branch))
    form = ApplicationForm(
        request.POST or None,
        initial={
            "conduct_version": conduct.version,
            "specialties": member.specialties,
            "capability_types": list(member.capability_types.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_to_volunteer(
                member=member,
                capability_types=form.cleaned_data["capability_types"],
                specialties=form.cleaned_data["specialties"],
                availability=form.cleaned_data["availability"],
                conduct_version=form.cleaned_data["conduct_version"],
                accepted=form.cleaned_data["accept"],
                by=request.user,
            )
        except services.HelpdeskError as refused:
            form.add_error(None, str(refused))
            # Whatever was refused, the text on the page is the one in force now.
            form.data = form.data.copy()
            if str(form.data.get("conduct_version")) != str(conduct.version):
                form.data["conduct_version"] = str(conduct.version)
                form.data.pop("accept", None)
        else:
            messages.success(
                request, _("Your application is sent. Your branch secretary will decide on it.")
            )
            return redirect("helpdesk:apply")
    return render(
        request,
        "helpdesk/apply.html",
        {
            "member": member,
            "profile": profile,
            "applications": applications,
            "waiting": waiting,
            "conduct": conduct,
            "form": form,
            "can_apply": profile is None and waiting is None,
        },
    )


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """An application as the branch reads it; its secretary approves it (enrolling the
    member) or declines it with a reason."""
    action = request.POST.get("action")
    granted = access.get_application_access(request.user, pk, decide=request.method == "POST")
    current = granted.application
    # A refusal of another action still shows the reason typed, unvalidated.
    form = (
        DeclineApplicationForm(request.POST)
        if action == "decline"
        else DeclineApplicationForm(initial={"reason": request.POST.get("reason", "")})
    )
    error = ""
    if request.method == "POST":
        try:
            if action == "approve":
                current = services.approve_application(application=current, by=request.user)
                messages.success(
                    request,
                    _("%(name)s is now volunteer number %(number)s.")
                    % {"name": current.member.name, "number": current.profile.number},
                )
                return redirect("helpdesk:volunteer-detail", pk=current.profile_id)
            if action != "decline":
                raise services.HelpdeskError(_("Choose what to do."))
            if form.is_valid():
                services.decline_application(
                    application=current, reason=form.cleaned_data["reason"], by=request.user
                )
                messages.success(request, _("The application is declined; the member is told."))
                return redirect("helpdesk:application", pk=current.pk)
        except services.HelpdeskError as refused:
            error = str(refused)
    return render(
        request,
        "helpdesk/application_detail.html",
        {
            "application": current,
            "member": current.member,
            "types": current.capability_types.all(),
            "is_own": granted.is_own,
            "may_decide": granted.may_decide and current.state == State.WAITING,
            "form": form,
            "error": error,
            "log": change_log(current),
        },
    )


@login_required
def conduct(request: HttpRequest, pk: int) -> HttpResponse:
    """The district's service standards and code of conduct: read by the organisers in
    it, written by its district organiser, a new version at each change."""
    granted = member_access.get_district_for_user(request.user, pk, manage=request.method == "POST")
    district = granted.district
    current = services.conduct_text(district)
    form = ConductForm(request.POST or None, initial={"body": current.body})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.set_conduct_text(
                district=district, body=form.cleaned_data["body"], by=request.user
            )
        except services.HelpdeskError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("Version %(version)s is saved.") % {"version": saved.version}
            )
            return redirect("helpdesk:conduct", pk=district.pk)
    versions = list(
        ConductText.objects.filter(district=district)
        .select_related("created_by")
        .annotate(accepted=Count("applications"))
        .order_by("-version")[:20]
    )
    return render(
        request,
        "helpdesk/conduct.html",
        {
            "district": district,
            "current": current,
            "form": form,
            "can_write": granted.may_set_rules,
            "versions": versions,
        },
    )
