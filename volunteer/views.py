from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from members import access
from members.models import Member, RoleAssignment


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: what each of the user's roles lets them open, with the figures."""
    units = access.top_units_for_user(request.user)
    assignments = RoleAssignment.objects.filter(user=request.user).select_related("unit")
    return render(
        request,
        "volunteer/home.html",
        {
            "assignments": assignments,
            "overview": [(unit, Member.objects.in_unit(unit).counts()) for unit in units],
            "member_file": access.member_file_of(request.user),
            "is_organiser": access.is_organiser(request.user),
        },
    )
