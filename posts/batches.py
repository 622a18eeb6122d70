"""A branch's batch of pledge certificates (择岗承诺书) as a background job
(jobs.services): laid out part by part, with progress, into one PDF.

The work runs as the person who started it and checks their scope again: a retry may
come days later, after their role changed.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from jobs import services as jobs
from members import access as member_access
from posts import documents
from volunteer.pdf import render_pdf_in_parts

PLEDGE_CERTIFICATES = "posts.batches.pledge_certificates"


@jobs.job_work
def pledge_certificates(
    job, *, branch: int, year: int, base_url: str, filename: str
) -> jobs.Output:
    """Every printable pledge of the branch's year (posts.documents.printable_pledges)."""
    try:
        unit = member_access.get_branch_for_user(job.owner, branch)
    except Http404:
        raise jobs.JobError(_("You may no longer print for this branch.")) from None
    certificates = documents.branch_pledge_certificates(
        unit, year, absolute=lambda path: urljoin(base_url, path)
    )
    content = render_pdf_in_parts(
        documents.PLEDGE_CERTIFICATE_TEMPLATE,
        certificates,
        lambda part: documents.pledge_certificates_context(part, branch=unit, year=year),
        part_size=settings.JOBS_CHUNK_SIZE,
        progress=jobs.progress_reporter(job),
    )
    return jobs.Output(content, filename)
