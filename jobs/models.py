"""Background jobs (后台任务): long work such as a town's batch of a thousand badges,
run by a django-tasks worker while the person who started it watches its progress.

The job record is ours, not the task queue's: django-tasks-db cannot tell that a worker
died mid-task (the task stays RUNNING for ever), so a job carries its own heartbeat,
and a running job whose heartbeat is older than JOBS_STALE_SECONDS counts as failed
(see jobs.services).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def light(self):
        """Without the result file: lists and status polls never load the bytes."""
        return self.defer("content")

    def visible_to(self, user):
        """Jobs are private to whoever started them; superusers see every job."""
        if user.is_superuser:
            return self
        return self.filter(owner=user)


class Job(models.Model):
    """One background job (后台任务): who started it, what it makes, how far it got,
    and the file it produced.

    The result file is kept in the database (`content`), not under MEDIA_ROOT: the
    worker and every gunicorn worker may run on different hosts with no shared disk,
    the project serves no media files, the printed batches carry names and phones that
    must stay behind the same owner-only check as the job, and deleting the job
    deletes the file. Batches are a few megabytes.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    # Dotted path of the work function (see jobs.services.job_work); the label is what
    # the person sees.
    kind = models.CharField(_("kind"), max_length=200)
    label = models.CharField(_("label"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="jobs_owner_recent"),
            models.Index(fields=["status", "heartbeat_at"], name="jobs_status_heartbeat"),
        ]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
