"""The public notice board (亮岗, 公示): a branch's posts, holders and published pledges,
open to everyone without logging in, as a phone page, a kiosk and a printable sheet.
Also the organisers' report of in-service members' pledges to their employer unit.

Everything shown comes from posts.board, which hands out names, posts and published
pledge items only.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import access as member_access
from members.models import PartnerUnit
from posts import board, documents
from volunteer.filenames import file_name
from volunteer.pdf import pdf_response, render_pdf
from volunteer.qr import qr_svg_data_uri
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
        "posts": board.board_posts_for(request.user, branch, year),
        "today": timezone.localdate(),
    }


def board_page(request: HttpRequest, pk: int) -> HttpResponse:
    context = _board_context(request, pk)
    # Those who oversee the branch choose the day the printed notice goes up.
    context |= {
        "oversees": member_access.can_oversee(request.user, context["branch"]),
        "notice_days": board.NOTICE_DAYS,
    }
    return render(request, "posts/board.html", context)


def board_kiosk(request: HttpRequest, pk: int) -> HttpResponse:
    context = _board_context(request, pk)
    context |= {
        "slides": board.kiosk_slides(context["posts"]),
        "reload_seconds": KIOSK_RELOAD_SECONDS,
        "slide_seconds": KIOSK_SLIDE_SECONDS,
    }
    return render(request, "posts/kiosk.html", context)


def board_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice to put up (公示), red-headed, for its publication period (?from=, the
    day it goes up; default today), with whom to tell and a QR code to the online board.
    The secretary's phone prints only for those who oversee the branch."""
    context = _board_context(request, pk)
    branch, year = context["branch"], context["year"]
    board_url = request.build_absolute_uri(
        f"{reverse('posts:board', args=[branch.pk])}?year={year}"
    )
    context |= {
        "period": board.notice_period(request.GET.get("from")),
        "contact": board.feedback_contact(
            branch, with_phone=member_access.can_oversee(request.user, branch)
        ),
        "issuer": documents.issuing_committee(branch),
        "board_qr": qr_svg_data_uri(board_url, width_mm=22),
    }
    pdf = render_pdf("posts/print/board_sheet.html", context, request=request)
    name = file_name(_("%(branch)s posts notice %(year)s.pdf"), branch=branch.name, year=year)
    return pdf_response(pdf, name)


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
