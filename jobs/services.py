"""Background jobs (后台任务): start one, report its progress, finish it with a file or
fail it, retry it, and tell a job whose worker died from one that is still working.

An app hands long work to a job like this::

    job = services.start_job(
        owner=request.user, kind="helpdesk.batches.badges", label=..., params={...}
    )
    return redirect(job)

`kind` is the dotted path of a module-level function marked with `@job_work`; the one
django-tasks task of this app (jobs.tasks.run_job) looks it up and calls it as
`work(job, **params)`. The function reports progress with `report_progress` (which is
also the job's heartbeat) and returns an `Output`. Apps call this module; this app
imports no app.

Every change of state is one conditional UPDATE on (job, attempt, status): a worker
whose job was meanwhile reported failed or retried finds that it changed nothing and
stops (`JobAbandoned`). So a job reported failed is never turned into a done one by a
late worker, and two attempts never write over each other.
"""

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jobs.models import Job

logger = logging.getLogger(__name__)

Status = Job.Status


class JobError(Exception):
    """A failure whose message is shown to the person who started the job."""


class JobAbandoned(Exception):
    """Raised inside work whose job no longer waits for it (reported failed, or retried
    by a newer attempt): the work should stop."""


@dataclass(frozen=True)
class Output:
    """What a work function returns: the file the job offers for download."""

    content: bytes
    filename: str
    content_type: str = "application/pdf"


def job_work(function):
    """Mark a module-level function as work a job may run (a job's `kind` is its dotted
    path). Only marked functions run, whatever a stored `kind` says."""
    function.is_job_work = True
    return function


def _work_function(kind: str):
    try:
        function = import_string(kind)
    except ImportError:
        function = None
    if not getattr(function, "is_job_work", False):
        raise JobError(_("This kind of job is unknown."))
    return function


# --- starting -----------------------------------------------------------------------------------


def start_job(*, owner, kind: str, label: str, params: dict | None = None) -> Job:
    """Record a job and queue its work. With the immediate backend (no worker) the work
    runs before this returns, and the job comes back done or failed."""
    _work_function(kind)  # an unknown kind fails here, in the request, not in a worker
    job = Job.objects.create(owner=owner, kind=kind, label=label[:200], params=params or {})
    _enqueue(job)
    return Job.objects.light().get(pk=job.pk)


def _enqueue(job: Job) -> None:
    # The job row is committed before the task row exists, so a worker never picks up a
    # task whose job it cannot see. Imported here: the task module imports this one.
    from jobs.tasks import run_job

    try:
        result = run_job.enqueue(job.pk, job.attempt)
    except Exception:
        _set_failed(job, _("The job could not be queued."), statuses=[Status.QUEUED])
        raise
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


# --- running (called in the worker) -----------------------------------------------------------


def run_job(job_id: int, attempt: int) -> None:
    """Claim attempt `attempt` of the job and run its work; the task queue calls this.
    A job already claimed, retried since or deleted is left alone."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, attempt=attempt, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        logger.info("Job %s attempt %s is no longer waiting; skipped.", job_id, attempt)
        return
    job = Job.objects.light().get(pk=job_id)
    try:
        work = _work_function(job.kind)
        # Run inline inside a request's transaction (the immediate backend), a database
        # error in the work must not break the caller's transaction: a savepoint holds it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            output = work(job, **job.params)
    except JobAbandoned:
        logger.warning("Job %s attempt %s was abandoned by its worker.", job.pk, job.attempt)
    except JobError as error:
        fail_job(job, str(error))
    except Exception:
        logger.exception("Job %s (%s) failed.", job.pk, job.kind)
        fail_job(
            job, _("The work stopped with an error. The administrator can find it in the log.")
        )
    else:
        finish_job(job, output)


def report_progress(job: Job, *, done: int, total: int | None = None) -> None:
    """Record how far the work got; this is also the job's heartbeat. Raises
    JobAbandoned when the job no longer waits for this attempt."""
    now = timezone.now()
    changes = {"done": done, "heartbeat_at": now}
    if total is not None:
        changes["total"] = total
    updated = Job.objects.filter(pk=job.pk, attempt=job.attempt, status=Status.RUNNING).update(
        **changes
    )
    if not updated:
        raise JobAbandoned(job.pk)
    job.done, job.heartbeat_at = done, now
    if total is not None:
        job.total = total


def progress_reporter(job: Job):
    """`report_progress` as a `progress(done, total)` callable, the shape
    volunteer.pdf.render_pdf_in_parts takes."""
    return lambda done, total: report_progress(job, done=done, total=total)


def finish_job(job: Job, output: Output) -> bool:
    """Store the file and mark the job done; False (and nothing changed) if the job was
    reported failed or retried meanwhile."""
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, attempt=job.attempt, status=Status.RUNNING).update(
        status=Status.DONE,
        content=output.content,
        content_type=output.content_type,
        filename=output.filename[:200],
        done=F("total"),
        heartbeat_at=now,
        finished_at=now,
    )
    if not updated:
        logger.warning("Job %s attempt %s finished too late; result dropped.", job.pk, job.attempt)
    return bool(updated)


def fail_job(job: Job, error: str) -> bool:
    """Mark the job failed with a message for its owner; False if it was already done,
    failed or retried."""
    return _set_failed(job, error, statuses=[Status.QUEUED, Status.RUNNING])


def _set_failed(job: Job, error: str, *, statuses) -> bool:
    return bool(
        Job.objects.filter(pk=job.pk, attempt=job.attempt, status__in=statuses).update(
            status=Status.FAILED, error=error, finished_at=timezone.now()
        )
    )


# --- the worker died: staleness, retry, sweeping -----------------------------------------------


def stale_cutoff(now=None):
    return (now or timezone.now()) - timedelta(seconds=settings.JOBS_STALE_SECONDS)


def mark_stale_failed(queryset=None, *, now=None) -> int:
    """Mark failed every running job (of `queryset`, default all) whose heartbeat is
    older than JOBS_STALE_SECONDS: its worker stopped. Returns how many."""
    now = now or timezone.now()
    jobs = Job.objects.all() if queryset is None else queryset
    return jobs.filter(status=Status.RUNNING, heartbeat_at__lt=stale_cutoff(now)).update(
        status=Status.FAILED,
        error=_("The worker stopped before the job was finished. Try again."),
        finished_at=now,
    )


def retry_job(job: Job, *, by) -> Job:
    """Queue a failed job again as a new attempt, for the person who started it."""
    if job.owner_id != by.pk:
        raise JobError(_("Only the person who started a job may try it again."))
    mark_stale_failed(Job.objects.filter(pk=job.pk))
    updated = Job.objects.filter(pk=job.pk, status=Status.FAILED).update(
        status=Status.QUEUED,
        attempt=F("attempt") + 1,
        done=0,
        heartbeat_at=None,
        started_at=None,
        finished_at=None,
        error="",
        content=None,
        content_type="",
        filename="",
        task_id="",
    )
    if not updated:
        raise JobError(_("Only a failed job can be tried again."))
    job = Job.objects.light().get(pk=job.pk)
    _enqueue(job)
    return Job.objects.light().get(pk=job.pk)


def delete_old_jobs(*, now=None) -> int:
    """Delete finished jobs (and their files) older than JOBS_KEEP_DAYS."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.JOBS_KEEP_DAYS)
    deleted, _counts = Job.objects.filter(
        status__in=[Status.DONE, Status.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted


# --- reading ------------------------------------------------------------------------------------


def get_job_for_user(user, pk: int, *, with_content: bool = False) -> Job:
    """A job the user started (any job for a superuser), or 404; a job whose worker
    stopped is reported failed first."""
    jobs = Job.objects.visible_to(user).filter(pk=pk)
    mark_stale_failed(jobs)
    job = (jobs if with_content else jobs.light()).first()
    if job is None:
        raise Http404
    return job


def recent_jobs(user, *, limit: int = 50) -> list[Job]:
    """The user's own latest jobs, stale ones reported failed."""
    jobs = Job.objects.filter(owner=user)
    mark_stale_failed(jobs)
    return list(jobs.light()[:limit])


def may_serve_directly(count: int) -> bool:
    """Whether a batch of `count` documents is small enough to render inside the web
    request (a plain download link) rather than as a background job."""
    return count <= settings.JOBS_DIRECT_MAX
