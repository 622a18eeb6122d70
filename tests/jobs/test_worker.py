"""A real `manage.py db_worker` killed with SIGKILL in the middle of a job: the job is
reported failed once its heartbeat is stale, never done, and a new worker runs the
retry to the end.

PostgreSQL only: the worker is another process and must see the test database, which
on SQLite lives in this process's memory.
"""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from jobs import services
from jobs.models import Job
from tests.factories import UserFactory
from tests.jobs.conftest import COUNT

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The worker writes heartbeats by the real clock; this process judges them.
pytestmark = pytest.mark.usefixtures("real_clock")


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(log_path, *extra: str) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": _database_url(), "TASKS_BACKEND": "database"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        + ["--interval", "0.1", *extra],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait_for(predicate, *, timeout: float, what: str, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log_path.read_text()}")


def test_a_worker_killed_mid_job_leaves_it_failed_then_a_new_worker_runs_the_retry(
    transactional_db, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot reach SQLite's in-memory test database")
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    settings.JOBS_STALE_SECONDS = 1
    log = tmp_path / "worker.log"
    owner = UserFactory(username="secretary")
    job = services.start_job(
        owner=owner, kind=COUNT, label="Slow count", params={"steps": 20, "delay": 0.25}
    )
    assert job.status == Job.Status.QUEUED
    workers = [_worker(log)]
    try:
        _wait_for(
            lambda: Job.objects.get(pk=job.pk).done >= 3,
            timeout=90,
            what="the worker to report progress",
            log_path=log,
        )
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)

        killed = Job.objects.get(pk=job.pk)
        assert killed.status == Job.Status.RUNNING and 3 <= killed.done < 20
        # django-tasks-db cannot tell: its task stays RUNNING for ever.
        assert DBTaskResult.objects.get(id=job.task_id).status == "RUNNING"

        time.sleep(1.2)  # past JOBS_STALE_SECONDS without a heartbeat
        seen = services.get_job_for_user(owner, job.pk)
        assert seen.status == Job.Status.FAILED and "worker stopped" in seen.error
        assert Job.objects.get(pk=job.pk).content is None

        retried = services.retry_job(seen, by=owner)
        assert (retried.status, retried.attempt, retried.done) == (Job.Status.QUEUED, 2, 0)
        workers.append(_worker(log, "--batch"))  # runs what is queued, then exits
        workers[1].wait(timeout=120)
        assert workers[1].returncode == 0, log.read_text()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)

    done = Job.objects.get(pk=job.pk)
    assert (done.status, done.attempt, done.done) == (Job.Status.DONE, 2, 20)
    assert bytes(done.content) == b"counted to 20"
    assert DBTaskResult.objects.get(id=done.task_id).status == "SUCCESSFUL"
