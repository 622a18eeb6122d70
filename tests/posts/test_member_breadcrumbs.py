"""No breadcrumb leads a member to a page they may not open."""

import re

from django.urls import reverse

from helpdesk import services as helpdesk_services
from scoring import evaluation as scoring_evaluation

CRUMB_LINKS = re.compile(r'<ol class="breadcrumb">(.*?)</ol>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _crumbs(page: str) -> list[str]:
    return [
        href.replace("&amp;", "&")
        for block in CRUMB_LINKS.findall(page)
        for href in HREF.findall(block)
    ]


def test_every_breadcrumb_on_a_members_pages_opens(client, tree, member_user, pledge, secretary):
    member = member_user.member_file
    profile = helpdesk_services.enrol_volunteer(member=member, by=None)
    (evaluation,) = scoring_evaluation.open_evaluations(branch=tree.branch, year=2026, by=secretary)
    pages = [
        reverse("members:member-detail", args=[member.pk]),
        reverse("posts:post-detail", args=[pledge.choice.post_id]),
        reverse("posts:pledge-detail", args=[pledge.pk]),
        reverse("posts:pledge-edit", args=[pledge.pk]),
        reverse("scoring:points-card", args=[member.pk]),
        reverse("scoring:evaluation-detail", args=[evaluation.pk]),
        reverse("scoring:evaluation-self-report", args=[evaluation.pk]),
        reverse("helpdesk:volunteer-detail", args=[profile.pk]),
    ]
    client.force_login(member_user)
    checked = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        for crumb in _crumbs(response.content.decode()):
            assert client.get(crumb).status_code in (200, 302), f"{crumb} (on {url})"
            checked.append(crumb)
    assert checked, "the member's pages show no breadcrumbs at all"
