"""The lock-out page django-axes shows, and the overseers' view of failed log-ins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import access, logins
from members.models import Member


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: too many failed log-ins from this address for this name."""
    return render(
        request,
        "registration/locked_out.html",
        {"until": logins.retry_time(request)},
        status=429,
    )


@login_required
def login_failures(request: HttpRequest) -> HttpResponse:
    access.require_overseer(request.user)
    return render(
        request,
        "members/login_failures.html",
        {
            "lockouts": logins.current_lockouts(request.user),
            "failures": logins.recent_failures(request.user),
            "days": logins.RECENT_DAYS,
        },
    )


@require_POST
@login_required
def login_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    member = Member.objects.select_related("branch", "user").filter(pk=pk).first()
    # Only overseers unlock: a member may not lift a lock on their own name.
    if member is None or member.user is None or not access.can_oversee(request.user, member.branch):
        raise Http404
    logins.unlock(member, by=request.user)
    messages.success(request, _("%(name)s may log in again now.") % {"name": member.name})
    return redirect("members:login-failures")
