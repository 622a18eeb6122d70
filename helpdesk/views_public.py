"""Public pages of the volunteer service, no log-in: asking for help, following a
request by its code and rating it once, verifying a volunteer's badge, the published
excellent volunteers of a year.

Nothing personal is shown here: a request's page gives its state, times, kind and
place; a badge's page the volunteer's name, number, team and whether the badge is
valid. Never a phone, an address or a resident's name.
"""

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from helpdesk import antispam, queries, services
from helpdesk.forms import AskForm, RateForm, TrackForm
from helpdesk.models import ExcellentSelection, HelpRequest, VolunteerProfile
from members.models import Unit

# A printed volunteer number (YQ-2026-000123): typed into the badge's address by hand, it
# is answered with how to check a badge, not with whose it is.
BADGE_NUMBER = re.compile(r"^[A-Za-z]{1,6}-\d{4}-\d{1,9}$")

STEPS = [
    (HelpRequest.State.RECEIVED, "received_at"),
    (HelpRequest.State.DISPATCHED, "dispatched_at"),
    (HelpRequest.State.ON_SITE, "on_site_at"),
    (HelpRequest.State.RESOLVED, "resolved_at"),
]


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def ask(request: HttpRequest) -> HttpResponse:
    """Where the resident picks their village or community."""
    branches = Unit.objects.filter(kind=Unit.Kind.BRANCH).select_related("parent").order_by("path")
    return _public(
        render(request, "helpdesk/public/ask.html", {"branches": branches, "form": TrackForm()})
    )


@never_cache
def ask_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The help form of one village or community. Every submission counts against the
    address's limit; a refused one saves nothing."""
    branch = Unit.objects.filter(pk=pk, kind=Unit.Kind.BRANCH).select_related("parent").first()
    if branch is None:
        raise Http404
    if request.method == "POST" and not antispam.count_submission(request):
        response = render(request, "helpdesk/public/too_many.html", {"branch": branch}, status=429)
        response["Retry-After"] = str(antispam.ASK_WINDOW)
        return _public(response)
    form = AskForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        help_request = services.create_request(
            channel=HelpRequest.Channel.ONLINE,
            branch=branch,
            grid=data["grid"],
            resident_name=data["resident_name"],
            phone=data["phone"],
            address=data["address"],
            category=data["category"],
            description=data["description"],
        )
        return redirect(reverse("helpdesk:request-status", args=[help_request.code]) + "?new=1")
    status = 400 if form.is_bound else 200
    return _public(
        render(
            request,
            "helpdesk/public/ask_form.html",
            {"branch": branch, "form": form},
            status=status,
        )
    )


def track(request: HttpRequest) -> HttpResponse:
    """A code typed in: go to its page."""
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("helpdesk:request-status", code=code)
    return redirect("helpdesk:ask")


@never_cache
def request_status(request: HttpRequest, code: str) -> HttpResponse:
    """A request's state and times by its code, and once it is resolved, the one-time
    rating form."""
    help_request = (
        HelpRequest.objects.select_related("branch__parent", "grid", "team")
        .filter(code=services.normalise_code(code))
        .first()
    )
    if help_request is None:
        return _public(render(request, "helpdesk/public/status_missing.html", status=404))
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate(
                code=help_request.code,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            return redirect(
                reverse("helpdesk:request-status", args=[help_request.code]) + "?rated=1"
            )
    steps = [
        {
            "state": state,
            "label": HelpRequest.State(state).label,
            "at": getattr(help_request, field),
        }
        for state, field in STEPS
    ]
    return _public(
        render(
            request,
            "helpdesk/public/status.html",
            {
                "help_request": help_request,
                "steps": steps,
                "form": form,
                "can_rate": help_request.state == HelpRequest.State.RESOLVED
                and help_request.rating is None,
                "is_new": request.GET.get("new") == "1",
                # Honest words for a request no team holds: were the operators told?
                "operators_told": help_request.state == HelpRequest.State.RECEIVED
                and help_request.alerts.exclude(told="").exists(),
                "just_rated": request.GET.get("rated") == "1",
            },
            status=400 if form.is_bound and form.errors else 200,
        )
    )


@never_cache
def verify_badge(request: HttpRequest, code: str) -> HttpResponse:
    """Public, no log-in: is the volunteer badge whose QR code carries this code genuine
    and valid? Found by the badge's unguessable code, never by its printed number: the
    numbers are serial, and anyone could otherwise list every volunteer by counting."""
    profile = (
        VolunteerProfile.objects.select_related("member__branch__parent", "membership__team")
        .filter(verify_code=code.strip())
        .first()
    )
    if profile is None:
        context = {"found": False, "looks_like_number": bool(BADGE_NUMBER.match(code.strip()))}
        return _public(render(request, "helpdesk/public/verify_badge.html", context, status=404))
    membership = getattr(profile, "membership", None)
    return _public(
        render(
            request,
            "helpdesk/public/verify_badge.html",
            {
                "found": True,
                "profile": profile,
                "team": membership.team if membership else None,
                "honours": queries.honours_of(profile),
                "valid": profile.is_active,
                "message": _("Genuine and valid: a volunteer of the service.")
                if profile.is_active
                else _("Genuine, but no longer valid: this volunteer is not active."),
            },
        )
    )


def excellent_public(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Public, no log-in: a district's excellent volunteers of a year once published,
    with their town, village and team; never a phone or a volunteer's figures."""
    district = Unit.objects.filter(pk=pk, kind=Unit.Kind.DISTRICT).first()
    if district is None:
        raise Http404
    selection = ExcellentSelection.objects.filter(
        district=district, year=year, published_at__isnull=False
    ).first()
    rows = list(queries.published_excellent(district, year)) if selection else []
    return _public(
        render(
            request,
            "helpdesk/public/excellent.html",
            {"district": district, "year": year, "selection": selection, "rows": rows},
        )
    )
