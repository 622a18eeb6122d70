"""Work functions for the jobs tests (a job's `kind` is a dotted path to one of these).
Importable by a real `manage.py db_worker` started from the project directory."""

import time

from jobs import services


@services.job_work
def count_to(job, *, steps: int, delay: float = 0.0) -> services.Output:
    """Report one step at a time, sleeping `delay` seconds per step; a text file."""
    services.report_progress(job, done=0, total=steps)
    for step in range(1, steps + 1):
        time.sleep(delay)
        services.report_progress(job, done=step)
    return services.Output(f"counted to {steps}".encode(), "count.txt", "text/plain")


@services.job_work
def explode(job) -> services.Output:
    raise ValueError("secret internals")


@services.job_work
def refuse(job) -> services.Output:
    raise services.JobError("Nothing to print.")


def unmarked(job) -> services.Output:
    return services.Output(b"", "x")
