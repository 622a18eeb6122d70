"""The public notice board (亮岗, 公示): a branch's posts, holders and published pledges,
open to everyone without logging in, as a phone page, a kiosk and a printable sheet.
Also the organisers' report of in-service members' pledges to their employer unit.

Everything shown comes from posts.board, which hands out names, posts and published
pledge items only.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from members import access as member_access
from members.models import PartnerUnit
from posts import board
from volunteer.pdf import pdf_response, render_pdf
from volunteer.urls_util import year_param

# The kiosk reloads itself this often, so newly published pledges appear on the screen.
KIOSK_RELOAD_SECONDS = 600
KIOSK_SLIDE_SECONDS = 15


def _board_context(request: HttpRequest, pk: int) -> dict:
    branch = board.public_branch(pk)
    year = year_param(request)
    return {
        "branch": branch,
        "year": year,
        "posts": board.board_posts(branch, year),
        "today": timezone.localdate(),
    }


def board_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "posts/board.html", _board_context(request, pk))


def board_kiosk(request: HttpRequest, pk: int) -> HttpResponse:
    context = _board_context(request, pk)
    context |= {
        "slides": board.kiosk_slides(context["posts"]),
        "reload_seconds": KIOSK_RELOAD_SECONDS,
        "slide_seconds": KIOSK_SLIDE_SECONDS,
    }
    return render(request, "posts/kiosk.html", context)


def board_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    context = _board_context(request, pk)
    pdf = render_pdf("posts/print/board_sheet.html", context, request=request)
    filename = _("%(branch)s posts notice %(year)s.pdf") % {
        "branch": context["branch"].name,
        "year": context["year"],
    }
    return pdf_response(pdf, filename)


@login_required
def employer_pledges(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers report in-service members' posts and pledges to their employer unit;
    only members in units the organiser oversees are listed."""
    member_access.require_organiser(request.user)
    partner = get_object_or_404(PartnerUnit, pk=pk)
    year = year_param(request)
    rows = board.employer_pledges(partner, member_access.units_overseen(request.user), year)
    return render(
        request,
        "posts/board_employer_pledges.html",
        {"partner": partner, "year": year, "rows": rows},
    )
