from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from members import access
from members.models import RoleAssignment
from volunteer import home as home_pages


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What to do next, per role held: a secretary's branch steps, an organiser's
    lagging branches, a member's tiles, a leader's team, an instructor's posts."""
    user = request.user
    today = timezone.localdate()
    assignments = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
    member_file = access.member_file_of(user)
    organiser_units = [
        held.unit
        for held in assignments
        if held.role in access.ORGANISER_ROLES and not _inside_another(held.unit, assignments)
    ]
    if user.is_superuser and not organiser_units:
        organiser_units = access.top_units_for_user(user)
    return render(
        request,
        "volunteer/home.html",
        {
            "assignments": assignments,
            "member_file": member_file,
            "member_home": home_pages.member_home(member_file, today) if member_file else None,
            "branches": [
                home_pages.branch_home(held.unit, today)
                for held in assignments
                if held.role == RoleAssignment.Role.BRANCH_SECRETARY
            ],
            "areas": [home_pages.area_home(unit, today) for unit in organiser_units],
            "teams": home_pages.led_teams(user),
            "instructed": home_pages.instructed_posts(user, today.year),
            "is_organiser": access.is_organiser(user),
            "reads_security_trail": access.is_district_organiser(user),
            "is_overseer": bool(organiser_units)
            or any(h.role == RoleAssignment.Role.BRANCH_SECRETARY for h in assignments),
        },
    )


def _inside_another(unit, assignments) -> bool:
    """An organiser role inside the area of another organiser role the user holds."""
    return any(
        other.unit.path != unit.path
        and unit.path.startswith(other.unit.path)
        and other.role in access.ORGANISER_ROLES
        for other in assignments
    )
