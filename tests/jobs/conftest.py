"""Jobs tests run with the immediate backend (the default without a worker) and a tiny
staleness limit; a job's heartbeat is aged by writing it, never by sleeping."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from jobs import services
from jobs.models import Job

COUNT = "tests.jobs.work.count_to"


@pytest.fixture(autouse=True)
def _jobs_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_STALE_SECONDS = 1
    settings.JOBS_DIRECT_MAX = 30
    settings.JOBS_CHUNK_SIZE = 25


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def running_job(owner, *, seconds_since_heartbeat: float = 0, **fields) -> Job:
    """A job a worker claimed, its last heartbeat `seconds_since_heartbeat` ago."""
    beat = timezone.now() - dt.timedelta(seconds=seconds_since_heartbeat)
    return Job.objects.create(
        owner=owner,
        kind=COUNT,
        label="Counting",
        params={"steps": 2},
        status=Job.Status.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        total=10,
        done=4,
        **fields,
    )


@pytest.fixture
def done_job(secretary) -> Job:
    return services.start_job(owner=secretary, kind=COUNT, label="Counting", params={"steps": 3})
