"""Certificates as PDF (岗位证, 择岗承诺书) and their public verification pages.

Thin views: scope through posts.access / members.access, documents and their validity
from posts.documents, PDF rendering from the shared print layer.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jobs.printing import batch_print
from members import access as member_access
from posts import access, batches, documents
from posts.models import Choice, Pledge, PledgeVersion
from volunteer.filenames import file_name
from volunteer.pdf import pdf_response, render_pdf
from volunteer.urls_util import year_param


@login_required
def post_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The card of a confirmed choice, for the member who holds the post and for those
    who oversee the branch. Any other status has no certificate: 404."""
    choice = access.get_choice_for_user(request.user, pk)
    if choice.status != Choice.Status.CONFIRMED:
        raise Http404
    card = documents.post_certificate(choice, absolute=request.build_absolute_uri)
    return pdf_response(
        documents.render_post_certificates([card]),
        file_name(
            gettext_lazy("Post certificate %(name)s %(number)s.pdf"),
            name=choice.member.name,
            number=choice.certificate_number,
        ),
    )


@login_required
def pledge_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of a pledge (?version=N; by default the newest approved one, else the
    newest, stamped as not reviewed), for everyone who may read the pledge. A pledge
    with no version yet, or no version N, is 404."""
    pledge = access.get_pledge_for_user(request.user, pk).pledge
    number = request.GET.get("version")
    if number is not None and not number.isdigit():
        raise Http404
    certificate = documents.pledge_certificate(
        pledge,
        number=int(number) if number is not None else None,
        absolute=request.build_absolute_uri,
    )
    if certificate is None:
        raise Http404
    return pdf_response(
        documents.render_pledge_certificates(documents.pledge_certificates_context([certificate])),
        file_name(
            gettext_lazy("Pledge certificate %(name)s %(post)s v%(version)s.pdf"),
            name=pledge.choice.member.name,
            post=pledge.choice.post.name,
            version=certificate.version.number,
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def branch_pledge_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """All approved or published pledges of a branch for a year (?year=, default this
    year) as one PDF, one page group per pledge (which ones and which version:
    posts.documents.printable_pledges).

    POST starts the batch as a background job (jobs.services) and shows the job's page;
    GET downloads a small batch straight away and offers a large one as a job.

    Who may print: everyone who may read the branch (members.access.get_branch_for_user
    with manage=False): its secretary, and the town and district organisers above it,
    who print batches for their own records and reports. Printing changes nothing.
    """
    branch = member_access.get_branch_for_user(request.user, pk)
    year = year_param(request)
    filename = file_name(
        gettext_lazy("Pledge certificates %(branch)s %(year)s.pdf"), branch=branch.name, year=year
    )
    label = _("Pledge certificates of %(branch)s, %(year)s") % {
        "branch": branch.name,
        "year": year,
    }
    return batch_print(
        request,
        kind=batches.PLEDGE_CERTIFICATES,
        label=label,
        params={"branch": branch.pk, "year": year},
        filename=filename,
        count=documents.printable_pledges(branch, year).count,
        make_pdf=lambda: documents.branch_pledge_certificates_pdf(
            branch, year, absolute=request.build_absolute_uri
        ),
    )


def _public(response: HttpResponse) -> HttpResponse:
    # Verification pages are reached from a QR code; search engines have no business there.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def verify_post(request: HttpRequest, code: str) -> HttpResponse:
    """Public, no log-in: is the post certificate with this code genuine and valid?
    Shows name, branch, post, year, number and status only."""
    choice = documents.choice_for_verification(code)
    if choice is None:
        return _public(render(request, "posts/verify_post.html", {"found": False}, status=404))
    return _public(
        render(
            request,
            "posts/verify_post.html",
            {
                "found": True,
                "choice": choice,
                "verdict": documents.post_certificate_status(choice),
            },
        )
    )


@never_cache
def verify_pledge(request: HttpRequest, code: str, version: int) -> HttpResponse:
    """Public, no log-in: is version `version` of the pledge with this code genuine, and
    does it stand (published, approved, superseded, under review, withdrawn)?"""
    pledge = documents.pledge_for_verification(code)
    versions = list(pledge.versions.all()) if pledge else []
    current = documents.certificate_version(versions, version) if versions else None
    if current is None:
        return _public(render(request, "posts/verify_pledge.html", {"found": False}, status=404))
    verdict = documents.pledge_version_status(pledge, current, versions)
    return _public(
        render(
            request,
            "posts/verify_pledge.html",
            {
                "found": True,
                "pledge": pledge,
                "version": current,
                "verdict": verdict,
                # The content is shown once the branch has approved it, so that a paper
                # copy can be compared; drafts and returned versions stay private.
                "items": current.items.all()
                if current.decision == current.Decision.APPROVED
                else None,
            },
        )
    )


# --- the blank pledge form, for members who write their pledge on paper ------------------


@login_required
def pledge_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The post's pledge as a blank form, for everyone who may read the post."""
    post = access.get_post_for_user(request.user, pk)
    return pdf_response(
        documents.pledge_form_pdf(post),
        file_name(gettext_lazy("Pledge form %(post)s.pdf"), post=post.name),
    )


@login_required
def choice_pledge_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The blank form with the holder's name in, for a confirmed choice: for its member
    and those who oversee the branch (the secretary hands it over)."""
    choice = access.get_choice_for_user(request.user, pk)
    if choice.status != Choice.Status.CONFIRMED:
        raise Http404
    return pdf_response(
        documents.pledge_form_pdf(choice.post, member=choice.member),
        file_name(
            gettext_lazy("Pledge form %(post)s %(name)s.pdf"),
            post=choice.post.name,
            name=choice.member.name,
        ),
    )


# --- paper notices, for members no message reaches -------------------------------------


def _paper_notice(request: HttpRequest, *, member, subject: str, body: str, back: str):
    """A notice to hand over in person (告知单): the page reads it out, ?pdf prints it."""
    context = {
        "member": member,
        "subject": subject,
        "body": body,
        "signed": _("Party branch of %(branch)s") % {"branch": member.branch.name},
        "date": timezone.localdate(),
        "back": back,
    }
    if "pdf" in request.GET:
        content = render_pdf("print/paper_notice.html", context)
        return pdf_response(
            content, file_name(gettext_lazy("Notice %(name)s.pdf"), name=member.name)
        )
    return render(request, "posts/paper_notice.html", context)


@login_required
def choice_notice(request: HttpRequest, pk: int) -> HttpResponse:
    choice = access.get_choice_for_user(request.user, pk, manage=True)
    if choice.status != Choice.Status.DECLINED:
        raise Http404
    return _paper_notice(
        request,
        member=choice.member,
        subject=_("Your choice of %(post)s was declined") % {"post": choice.post.name},
        body=_("Reason: %(reason)s") % {"reason": choice.reason},
        back=reverse("posts:choice-list", args=[choice.post.branch_id]),
    )


@login_required
def pledge_notice(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_pledge_for_user(request.user, pk, review=True).pledge
    returned = (
        pledge.versions.filter(decision=PledgeVersion.Decision.RETURNED).order_by("-number").first()
    )
    if pledge.status != Pledge.Status.RETURNED or returned is None:
        raise Http404
    return _paper_notice(
        request,
        member=pledge.choice.member,
        subject=_("Your pledge for %(post)s was returned") % {"post": pledge.choice.post.name},
        body=returned.review_comment,
        back=reverse("posts:pledge-detail", args=[pledge.pk]),
    )
