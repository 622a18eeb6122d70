"""Reads of the posts app that other parts of the site show (the home page's to-dos)."""

from members.models import Unit
from posts.models import Choice, Pledge


def choices_waiting(branch: Unit) -> int:
    """Members' choices of a branch's posts that wait for the secretary (step 2)."""
    return Choice.objects.filter(post__branch=branch).pending().count()


def pledges_to_review(branch: Unit) -> int:
    """Pledges of a branch submitted and waiting for the secretary's review (step 3)."""
    return Pledge.objects.filter(
        choice__post__branch=branch, status=Pledge.Status.SUBMITTED
    ).count()


def pledges_to_publish(unit: Unit) -> int:
    """Approved pledges within a town or district waiting for its organisers to
    publish them."""
    return Pledge.objects.in_unit(unit).awaiting_publication().count()
