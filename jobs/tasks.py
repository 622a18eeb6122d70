"""The one django-tasks task of the jobs app: run attempt `attempt` of a job. Which work
it does is the job's `kind` (see jobs.services); the arguments are plain numbers, so
they survive the database queue's JSON."""

from django_tasks import task

from jobs import services


@task()
def run_job(job_id: int, attempt: int) -> None:
    services.run_job(job_id, attempt)
