"""Batch prints for the apps' batch views (members' cards, notices, badges): a helper
the views call, not a view of its own."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jobs import services
from volunteer.pdf import pdf_response


def batch_print(
    request: HttpRequest,
    *,
    kind: str,
    label: str,
    params: dict,
    filename: str,
    count: Callable[[], int],
    make_pdf: Callable[[], bytes],
) -> HttpResponse:
    """A batch print behind one URL, for the apps' batch views: POST starts it as a
    background job (`kind`, called with `params`, the site's `base_url` and `filename`)
    and shows the job's page; GET downloads a small batch straight away (`make_pdf`) and
    offers a large one as a job, so that a large batch never renders inside a request."""
    if request.method == "POST":
        job = services.start_job(
            owner=request.user,
            kind=kind,
            label=label,
            params={**params, "base_url": request.build_absolute_uri("/"), "filename": filename},
        )
        return redirect(job)
    number = count()
    if not services.may_serve_directly(number):
        return render(
            request,
            "jobs/confirm_start.html",
            {"label": label, "count": number, "action": request.get_full_path()},
        )
    return pdf_response(make_pdf(), filename)
