"""A job's life: started, running with progress, done with a file or failed; a worker
that stopped is reported failed, never done, and its job can be tried again."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from jobs import services
from jobs.models import Job
from tests.jobs.conftest import COUNT, running_job


def test_with_the_immediate_backend_a_job_is_done_when_start_returns(secretary):
    job = services.start_job(owner=secretary, kind=COUNT, label="Counting", params={"steps": 3})
    assert job.status == Job.Status.DONE
    assert (job.done, job.total, job.attempt) == (3, 3, 1)
    assert Job.objects.get(pk=job.pk).content == b"counted to 3"
    assert job.filename == "count.txt" and job.content_type == "text/plain"
    assert job.task_id and job.heartbeat_at and job.finished_at


def test_an_unknown_or_unmarked_kind_is_refused_before_anything_is_recorded(secretary):
    for kind in ["os.system", "tests.jobs.work.unmarked", "tests.jobs.work.nothing_here"]:
        with pytest.raises(services.JobError):
            services.start_job(owner=secretary, kind=kind, label="x")
    assert not Job.objects.exists()


def test_reporting_progress_moves_the_counts_and_the_heartbeat(secretary):
    job = running_job(secretary, seconds_since_heartbeat=30)
    before = job.heartbeat_at
    services.report_progress(job, done=7, total=12)
    job.refresh_from_db()
    assert (job.done, job.total) == (7, 12)
    assert job.heartbeat_at > before
    assert job.percent == 58


def test_an_error_in_the_work_fails_the_job_without_showing_internals(secretary, caplog):
    job = services.start_job(owner=secretary, kind="tests.jobs.work.explode", label="Boom")
    assert job.status == Job.Status.FAILED
    assert "secret internals" not in job.error and "administrator" in job.error
    assert "secret internals" in caplog.text  # the traceback is logged for the admin


def test_a_job_error_message_is_shown_to_its_owner(secretary):
    job = services.start_job(owner=secretary, kind="tests.jobs.work.refuse", label="No")
    assert job.status == Job.Status.FAILED
    assert job.error == "Nothing to print."


def test_a_running_job_with_a_stale_heartbeat_is_reported_failed(secretary):
    job = running_job(secretary, seconds_since_heartbeat=2)  # JOBS_STALE_SECONDS is 1
    seen = services.get_job_for_user(secretary, job.pk)
    assert seen.status == Job.Status.FAILED
    assert "worker stopped" in seen.error


def test_a_running_job_with_a_fresh_heartbeat_stays_running(secretary):
    job = running_job(secretary, seconds_since_heartbeat=0)
    assert services.get_job_for_user(secretary, job.pk).status == Job.Status.RUNNING


def test_a_job_reported_failed_is_never_turned_done_by_a_late_worker(secretary):
    job = running_job(secretary, seconds_since_heartbeat=2)
    services.get_job_for_user(secretary, job.pk)  # the page reports it failed
    assert services.finish_job(job, services.Output(b"late", "late.pdf")) is False
    with pytest.raises(services.JobAbandoned):
        services.report_progress(job, done=9)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.content is None


def test_a_failed_job_is_retried_as_the_next_attempt(secretary):
    job = running_job(secretary, seconds_since_heartbeat=2)
    retried = services.retry_job(job, by=secretary)
    assert retried.status == Job.Status.DONE  # the immediate backend ran it again
    assert retried.attempt == 2 and retried.error == ""
    assert Job.objects.get(pk=job.pk).content == b"counted to 2"


def test_the_worker_of_an_earlier_attempt_can_change_nothing(secretary):
    old = running_job(secretary, seconds_since_heartbeat=2)
    services.retry_job(old, by=secretary)
    with pytest.raises(services.JobAbandoned):
        services.report_progress(old, done=1)
    assert services.finish_job(old, services.Output(b"stale", "stale.pdf")) is False
    assert services.fail_job(old, "late failure") is False
    job = Job.objects.get(pk=old.pk)
    assert (job.status, job.attempt, job.content) == (Job.Status.DONE, 2, b"counted to 2")


def test_only_the_owner_may_retry(secretary, superuser):
    job = running_job(secretary, seconds_since_heartbeat=2)
    with pytest.raises(services.JobError):
        services.retry_job(job, by=superuser)
    assert Job.objects.get(pk=job.pk).attempt == 1


def test_a_done_or_running_job_is_not_retried(secretary, done_job):
    running = running_job(secretary)
    for job in [done_job, running]:
        with pytest.raises(services.JobError):
            services.retry_job(job, by=secretary)
    assert {j.attempt for j in Job.objects.all()} == {1}


def test_a_queued_attempt_already_claimed_is_not_run_twice(secretary):
    job = running_job(secretary)
    services.run_job(job.pk, job.attempt)  # a second delivery of the same task
    job.refresh_from_db()
    assert (job.status, job.done) == (Job.Status.RUNNING, 4)


def test_the_sweep_command_fails_stale_jobs_and_deletes_old_ones(secretary, done_job, settings):
    settings.JOBS_KEEP_DAYS = 7
    stale = running_job(secretary, seconds_since_heartbeat=5)
    fresh = running_job(secretary)
    old = running_job(secretary, seconds_since_heartbeat=5)
    Job.objects.filter(pk=old.pk).update(
        status=Job.Status.DONE, created_at=timezone.now() - dt.timedelta(days=8)
    )
    call_command("jobs_sweep", stdout=None)
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {
        stale.pk: Job.Status.FAILED,
        fresh.pk: Job.Status.RUNNING,
        done_job.pk: Job.Status.DONE,
    }
