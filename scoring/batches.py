"""A branch's batch of points cards (积分卡) as a background job (jobs.services): laid
out part by part, with progress, into one PDF.

The work runs as the person who started it and checks their scope again: a retry may
come days later, after their role changed.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs import services as jobs
from members import access as member_access
from scoring import documents
from volunteer.pdf import render_pdf_in_parts

POINTS_CARDS = "scoring.batches.points_cards"


@jobs.job_work
def points_cards(job, *, branch: int, year: int, base_url: str, filename: str) -> jobs.Output:
    """The card of every member of the branch for the year (which members:
    scoring.queries.branch_card_members): the same pages as the batch view's PDF."""
    try:
        unit = member_access.get_branch_for_user(job.owner, branch)
    except Http404:
        raise jobs.JobError(_("You may no longer print for this branch.")) from None
    printed_on = timezone.localdate()
    cards = documents.branch_points_cards(
        unit, year, printed_on=printed_on, absolute=lambda path: urljoin(base_url, path)
    )
    content = render_pdf_in_parts(
        documents.POINTS_CARD_TEMPLATE,
        cards,
        lambda part: documents.points_cards_context(
            part, printed_on=printed_on, year=year, branch=unit
        ),
        part_size=settings.JOBS_CHUNK_SIZE,
        progress=jobs.progress_reporter(job),
    )
    return jobs.Output(content, filename)
