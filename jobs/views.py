"""Job pages: the person who started a job (or a superuser) follows it, downloads its
file and, if its worker failed, tries it again. Everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jobs import services
from jobs.models import Job
from volunteer.filenames import content_disposition


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/job_list.html", {"jobs": services.recent_jobs(request.user)})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = services.get_job_for_user(request.user, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "can_retry": job.status == Job.Status.FAILED and job.owner_id == request.user.pk,
        },
    )


def status_data(job: Job) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "attempt": job.attempt,
        "error": job.error,
        "file_url": reverse("jobs:file", args=[job.pk]) if job.status == Job.Status.DONE else None,
    }


@never_cache
@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What progress.js polls."""
    return JsonResponse(status_data(services.get_job_for_user(request.user, pk)))


@login_required
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = services.get_job_for_user(request.user, pk, with_content=True)
    if job.status != Job.Status.DONE or job.content is None:
        raise Http404
    content = bytes(job.content)
    response = HttpResponse(content, content_type=job.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(job.filename or f"job-{job.pk}")
    response["Content-Length"] = str(len(content))
    # Batches carry names and phones: never kept by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@login_required
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = services.get_job_for_user(request.user, pk)
    if job.owner_id != request.user.pk:
        raise PermissionDenied
    try:
        services.retry_job(job, by=request.user)
    except services.JobError as error:
        messages.error(request, str(error))
    return redirect("jobs:detail", pk=job.pk)
