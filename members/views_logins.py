"""Log-ins: the lock-out page django-axes shows, the overseers' view of failed log-ins,
and members' log-ins given on printed activation slips."""

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import access, activation, audit, logins, slips
from members.backends import ACTIVATION_USERNAME
from members.forms import ActivationForm
from members.models import Member
from volunteer.pdf import pdf_response


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


# --- giving members log-ins: activation codes on printed slips ---------------------------


def _slips_response(issued: list[activation.IssuedCode], filename: str) -> HttpResponse:
    return pdf_response(slips.slips_pdf(issued), filename, inline=False)


@require_POST
@login_required
def member_login(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the member a log-in, or a new code for a forgotten password: the answer is
    the printed slip, the only place the code appears."""
    granted = access.get_member_access(request.user, pk)
    if not granted.may_give_login:
        raise PermissionDenied
    member = granted.member
    try:
        issued = activation.issue_code(member, by=request.user)
    except activation.ActivationError as refusal:
        messages.error(request, str(refusal))
        return redirect("members:member-detail", pk=member.pk)
    return _slips_response([issued], _("Activation slip %(name)s.pdf") % {"name": member.name})


@login_required
def branch_logins(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's log-ins at a glance, and the sheet of slips for everyone still
    without one (or with a code not used yet, printed again)."""
    branch = access.get_branch_for_user(request.user, pk)
    may_give = access.can_give_logins(request.user, branch)
    members = list(
        activation.with_login_state(Member.objects.filter(branch=branch)).order_by("name", "pk")
    )
    for member in members:
        member.login_state = activation.login_state(member)
    # Who still needs a slip first, those already in last.
    order = {"none": 0, "expired": 1, "waiting": 2, "stopped": 3, "active": 4}
    members.sort(key=lambda m: order[m.login_state])
    groups = {
        state: [m for m in members if m.login_state == state]
        for state in ("none", "expired", "waiting", "active", "stopped")
    }
    if request.method == "POST":
        if not may_give:
            raise PermissionDenied
        which = request.POST.get("which")
        chosen = {
            "new": groups["none"] + groups["expired"],
            "waiting": groups["waiting"],
        }.get(which)
        if not chosen:
            messages.info(request, _("Nobody to print a slip for."))
            return redirect("members:branch-logins", pk=branch.pk)
        issued = activation.issue_codes(chosen, by=request.user)
        return _slips_response(
            issued, _("Activation slips %(branch)s.pdf") % {"branch": branch.name}
        )
    return render(
        request,
        "members/branch_logins.html",
        {
            "branch": branch,
            "groups": groups,
            "members": members,
            "may_give": may_give,
            "days": activation.code_days(),
            "crumbs": [*access.units_above_overseen(request.user, branch), branch],
        },
    )


def activate(request: HttpRequest) -> HttpResponse:
    """The page a slip's QR code opens: the code, then the member's own password twice.
    Wrong codes count as failed log-ins from the address (django-axes), so guessing is
    locked out like password guessing."""
    if request.method == "POST":
        form = ActivationForm(request.POST)
        if form.is_valid():
            user = authenticate(
                request,
                username=ACTIVATION_USERNAME,
                activation_code=form.cleaned_data["code"],
            )
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            if user is None:
                form.add_error(
                    "code",
                    _(
                        "This code is wrong, used or expired. Check it, or ask your branch secretary for a new slip."
                    ),
                )
            elif form.check_password_for(user):
                try:
                    # The user as saved with the new password: its session hash holds.
                    user = activation.activate(
                        user.activation_code, password=form.cleaned_data["password1"]
                    )
                except activation.ActivationError as refusal:
                    form.add_error("code", str(refusal))
                else:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    messages.success(
                        request,
                        _(
                            "Your log-in is ready. Next time log in as %(username)s with your new password."
                        )
                        % {"username": user.get_username()},
                    )
                    return redirect("home")
    else:
        form = ActivationForm(initial={"code": request.GET.get("code", "")[:20]})
    return render(request, "registration/activate.html", {"form": form})


# --- passwords: Django's own pages, with each change in the security trail --------------


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            audit.Kind.PASSWORD_CHANGED,
            actor=self.request.user,
            member=audit.member_of(self.request.user),
            detail=_("Changed by the user, who gave the old password."),
            request=self.request,
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            audit.Kind.PASSWORD_RESET,
            actor=self.user,
            member=audit.member_of(self.user),
            detail=_("Set through the link sent to the confirmed e-mail address."),
            request=self.request,
        )
        return response
