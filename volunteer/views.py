from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from members import access
from members.models import Member, RoleAssignment
from posts import queries as posts_queries


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: what each of the user's roles lets them open, the figures, and the
    work waiting for them."""
    user = request.user
    units = access.top_units_for_user(user)
    assignments = RoleAssignment.objects.filter(user=user).select_related("unit")
    return render(
        request,
        "volunteer/home.html",
        {
            "assignments": assignments,
            "overview": [(unit, Member.objects.in_unit(unit).counts()) for unit in units],
            "member_file": access.member_file_of(user),
            "is_organiser": access.is_organiser(user),
            "tasks": _tasks(user, assignments),
        },
    )


def _tasks(user, assignments) -> list[dict]:
    """Counts of what waits for this user, each with the page to handle it."""
    tasks = []
    for assignment in assignments:
        unit = assignment.unit
        if assignment.role == RoleAssignment.Role.BRANCH_SECRETARY:
            tasks.append(
                {
                    "kind": "choices",
                    "unit": unit,
                    "count": posts_queries.choices_waiting(unit),
                }
            )
            tasks.append(
                {
                    "kind": "reviews",
                    "unit": unit,
                    "count": posts_queries.pledges_to_review(unit),
                }
            )
        elif assignment.role in (
            RoleAssignment.Role.TOWN_ORGANISER,
            RoleAssignment.Role.DISTRICT_ORGANISER,
        ):
            tasks.append(
                {
                    "kind": "publish",
                    "unit": unit,
                    "count": posts_queries.pledges_to_publish(unit),
                }
            )
    return [task for task in tasks if task["count"]]
