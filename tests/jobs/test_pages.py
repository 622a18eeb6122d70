"""The job pages: only the person who started a job (and superusers) see it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs import services
from jobs.models import Job
from tests.jobs.conftest import COUNT, running_job

JOB_URLS = ["jobs:detail", "jobs:status", "jobs:file"]


def test_the_owner_follows_a_running_job_on_its_page(client, secretary):
    job = running_job(secretary)
    client.force_login(secretary)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Counting" in page and 'role="progressbar"' in page and 'aria-valuenow="40"' in page
    assert reverse("jobs:status", args=[job.pk]) in page
    assert "jobs/progress.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline script (CSP)"
    assert reverse("jobs:file", args=[job.pk]) not in page


def test_the_status_json_reports_progress_and_the_file_when_done(client, secretary, done_job):
    client.force_login(secretary)
    running = running_job(secretary)
    data = client.get(reverse("jobs:status", args=[running.pk])).json()
    assert (data["status"], data["done"], data["total"], data["percent"]) == ("running", 4, 10, 40)
    assert data["file_url"] is None
    done = client.get(reverse("jobs:status", args=[done_job.pk]))
    assert "no-cache" in done["Cache-Control"]
    assert done.json()["file_url"] == reverse("jobs:file", args=[done_job.pk])


def test_a_done_job_page_links_its_download(client, secretary, done_job):
    client.force_login(secretary)
    page = client.get(reverse("jobs:detail", args=[done_job.pk])).content.decode()
    assert reverse("jobs:file", args=[done_job.pk]) in page


def test_the_file_downloads_as_an_attachment_kept_by_no_cache(client, secretary, done_job):
    client.force_login(secretary)
    response = client.get(reverse("jobs:file", args=[done_job.pk]))
    assert response.content == b"counted to 3"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith('attachment; filename="count.txt"')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_job_without_a_file_has_no_download(client, secretary):
    client.force_login(secretary)
    job = running_job(secretary)
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("name", JOB_URLS)
def test_another_user_gets_404_and_a_superuser_sees_it(
    client, secretary, neighbour_secretary, town_organiser, superuser, done_job, name
):
    url = reverse(name, args=[done_job.pk])
    for user, status in [(neighbour_secretary, 404), (town_organiser, 404), (superuser, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_a_stale_job_page_shows_the_failure_and_a_retry_button(client, secretary):
    job = running_job(secretary, seconds_since_heartbeat=2)
    client.force_login(secretary)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "后台进程在任务完成前已停止" in page and 'id="job-retry"' in page


def test_the_owner_retries_from_the_page(client, secretary):
    job = running_job(secretary, seconds_since_heartbeat=2)
    client.force_login(secretary)
    response = client.post(reverse("jobs:retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.attempt) == (Job.Status.DONE, 2)


def test_no_one_else_retries(client, secretary, neighbour_secretary, superuser):
    job = running_job(secretary, seconds_since_heartbeat=2)
    client.force_login(neighbour_secretary)
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    client.force_login(superuser)
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.attempt == 1


def test_the_list_shows_only_ones_own_jobs(client, secretary, neighbour_secretary, done_job):
    theirs = services.start_job(
        owner=neighbour_secretary, kind=COUNT, label="Their count", params={"steps": 1}
    )
    client.force_login(secretary)
    page = client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:detail", args=[done_job.pk]) in page
    assert reverse("jobs:detail", args=[theirs.pk]) not in page


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("jobs:list")).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_few_and_many_jobs(client, secretary):
    client.force_login(secretary)
    client.get(reverse("jobs:list"))  # the session's first request saves it: not counted
    running_job(secretary)
    few = _list_queries(client)
    for _ in range(5):
        running_job(secretary)
        services.start_job(owner=secretary, kind=COUNT, label="Counting", params={"steps": 1})
    assert _list_queries(client) == few
