"""Jobs objects for tests/test_url_roles.py: a finished job started by the secretary."""

from jobs import services


def url_objects(secretary) -> dict:
    job = services.start_job(
        owner=secretary, kind="tests.jobs.work.count_to", label="Counting", params={"steps": 2}
    )
    return {"job": job.pk}
