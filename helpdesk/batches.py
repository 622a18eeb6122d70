"""A branch's or a town's batch of badges and of contact cards as a background job
(jobs.services): a town of a thousand volunteers is laid out part by part, with
progress, into one PDF, outside the web request when a worker runs the jobs.

The work runs as the person who started it, and checks their scope again: a retry may
come days later, after their role changed.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from helpdesk import documents
from jobs import services as jobs
from members import access as member_access
from members.models import Unit
from volunteer.pdf import render_pdf_in_parts

BADGES = "helpdesk.batches.badges"
CARDS = "helpdesk.batches.cards"
BADGE_SHEETS = "helpdesk.batches.badge_sheets"
CARD_SHEETS = "helpdesk.batches.card_sheets"
BADGES_TEMPLATE = "helpdesk/print/badges.html"
CARDS_TEMPLATE = "helpdesk/print/contact_cards.html"


def _unit(job, unit_pk: int) -> Unit:
    try:
        unit = member_access.get_unit_for_user(job.owner, unit_pk)
    except Http404:
        unit = None
    if unit is None or unit.kind not in (Unit.Kind.BRANCH, Unit.Kind.TOWN):
        raise jobs.JobError(_("You may no longer print for this unit."))
    return unit


def _absolute(base_url: str):
    return lambda path: urljoin(base_url, path)


def _pdf_in_parts(
    job, template: str, items, context_for_part, filename: str, *, per_sheet: int = 1
) -> jobs.Output:
    # Parts of whole sheets, so that only the batch's last sheet has empty places.
    part_size = max(1, settings.JOBS_CHUNK_SIZE // per_sheet) * per_sheet
    content = render_pdf_in_parts(
        template,
        list(items),
        context_for_part,
        part_size=part_size,
        progress=jobs.progress_reporter(job),
    )
    return jobs.Output(content, filename)


@jobs.job_work
def badges(job, *, unit: int, base_url: str, filename: str) -> jobs.Output:
    """The badges of every active volunteer of the unit."""
    absolute = _absolute(base_url)
    return _pdf_in_parts(
        job,
        BADGES_TEMPLATE,
        documents.badge_profiles(_unit(job, unit)),
        lambda part: {"badges": documents.badges(part, absolute)},
        filename,
    )


@jobs.job_work
def cards(job, *, unit: int, base_url: str, filename: str) -> jobs.Output:
    """The contact cards of every team of the unit."""
    absolute = _absolute(base_url)
    return _pdf_in_parts(
        job,
        CARDS_TEMPLATE,
        documents.card_teams(_unit(job, unit)),
        lambda part: {"cards": documents.contact_cards(part, absolute)},
        filename,
    )


@jobs.job_work
def badge_sheets(job, *, unit: int, base_url: str, filename: str) -> jobs.Output:
    """The badges of every active volunteer of the unit on A4 cutting sheets."""
    absolute = _absolute(base_url)
    return _pdf_in_parts(
        job,
        documents.BADGE_SHEETS_TEMPLATE,
        documents.badge_profiles(_unit(job, unit)),
        lambda part: {
            "sheets": documents.cutting_sheets(
                documents.badges(part, absolute), documents.BADGES_PER_SHEET
            )
        },
        filename,
        per_sheet=documents.BADGES_PER_SHEET,
    )


@jobs.job_work
def card_sheets(job, *, unit: int, base_url: str, filename: str) -> jobs.Output:
    """The contact cards of every team of the unit on A4 cutting sheets."""
    absolute = _absolute(base_url)
    return _pdf_in_parts(
        job,
        documents.CARD_SHEETS_TEMPLATE,
        documents.card_teams(_unit(job, unit)),
        lambda part: {
            "sheets": documents.cutting_sheets(
                documents.contact_cards(part, absolute), documents.CARDS_PER_SHEET
            )
        },
        filename,
        per_sheet=documents.CARDS_PER_SHEET,
    )
