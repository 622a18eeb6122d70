"""Pages for roles given down the tree, and for members who leave."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import access, activation, roles, services
from members.forms import GrantForm, LeaveForm
from members.models import RoleAssignment


@login_required
def unit_roles(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk)
    units = roles.units_of_page(unit)
    pairs = roles.grantable(request.user, units)
    form = GrantForm(request.POST or None, pairs=pairs)
    if request.method == "POST":
        if not pairs:
            raise PermissionDenied
        if form.is_valid():
            role, target = form.pairs[form.cleaned_data["position"]]
            try:
                person = roles.find_person(request.user, form.cleaned_data["person"])
                with transaction.atomic():
                    user = activation.ensure_login(person, by=request.user)
                    services.assign_role(user=user, unit=target, role=role, by=request.user)
            except (roles.GrantRefused, activation.ActivationError) as refusal:
                form.add_error("person", str(refusal))
            else:
                text = _("%(name)s is now %(role)s of %(unit)s.") % {
                    "name": person.name,
                    "role": RoleAssignment.Role(role).label,
                    "unit": target.name,
                }
                if not user.has_usable_password():
                    text += " " + _(
                        "They have not logged in yet: print their activation slip below."
                    )
                messages.success(request, text)
                return redirect("members:unit-roles", pk=unit.pk)
    assignments = list(roles.holders(units))
    for assignment in assignments:
        assignment.may_revoke = roles.may_grant(request.user, assignment.role, assignment.unit)
        member = getattr(assignment.user, "member_file", None)
        assignment.member = member
        assignment.needs_slip = member is not None and not assignment.user.has_usable_password()
    return render(
        request,
        "members/unit_roles.html",
        {
            "unit": unit,
            "units": units,
            "assignments": assignments,
            "form": form if pairs else None,
            "changes": roles.recent_changes(units),
            "crumbs": [*access.units_above_overseen(request.user, unit), unit],
        },
    )


@require_POST
@login_required
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = RoleAssignment.objects.select_related("unit", "user").filter(pk=pk).first()
    if assignment is None or not access.can_oversee(request.user, assignment.unit):
        raise Http404
    if not roles.may_grant(request.user, assignment.role, assignment.unit):
        raise PermissionDenied
    # Back to the page it was revoked on: the unit's own, or its parent's.
    page_pk = assignment.unit.pk
    if request.POST.get("page") == str(assignment.unit.parent_id):
        page_pk = assignment.unit.parent_id
    name = roles.display_user(assignment.user)
    services.revoke_role(assignment=assignment, by=request.user)
    messages.success(
        request,
        _("%(name)s is no longer %(role)s of %(unit)s.")
        % {"name": name, "role": assignment.get_role_display(), "unit": assignment.unit.name},
    )
    return redirect("members:unit-roles", pk=page_pk)


@login_required
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, manage=True)
    if member.has_left:
        messages.info(request, _("%(name)s has already left.") % {"name": member.name})
        return redirect("members:member-detail", pk=member.pk)
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.record_leaving(
            member=member,
            reason=form.cleaned_data["reason"],
            left_on=form.cleaned_data["left_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(
            request,
            _(
                "%(name)s has left the branch. Their log-in is stopped and their roles ended; their records stay."
            )
            % {"name": member.name},
        )
        return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/member_leave.html", {"form": form, "member": member})
