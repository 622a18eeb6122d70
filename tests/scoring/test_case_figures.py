"""The figures the case report gives: residents visited, information collected and
problems solved, summed from activities; the people taking part by category."""

import datetime as dt

from django.urls import reverse

from members.models import Member
from scoring import services
from scoring.dashboard import unit_dashboard
from scoring.models import ActivityKind
from tests.factories import ChoiceFactory, MemberFactory, PostFactory


def _visit(branch, member, by, visits, information, solved):
    return services.record_activity(
        branch=branch,
        kind=ActivityKind.COLLECTIVE,
        title="党群连心走访",
        held_on=dt.date(2026, 4, 2),
        members=[member],
        visits=visits,
        information=information,
        problems_solved=solved,
        by=by,
    )


def test_visits_information_and_problems_solved_add_up_from_branch_to_district(
    tree, secretary, neighbour_secretary
):
    _visit(tree.branch, MemberFactory(branch=tree.branch), secretary, 12, 5, 3)
    _visit(
        tree.neighbour_branch,
        MemberFactory(branch=tree.neighbour_branch),
        neighbour_secretary,
        8,
        2,
        1,
    )
    district = unit_dashboard(tree.district, 2026).total
    branch = unit_dashboard(tree.branch, 2026).total
    assert (district.visits, district.information, district.problems_solved) == (20, 7, 4)
    assert (branch.visits, branch.information, branch.problems_solved) == (12, 5, 3)


def test_the_activity_form_records_the_figures(client, tree, secretary):
    member = MemberFactory(branch=tree.branch)
    client.force_login(secretary)
    client.post(
        reverse("scoring:activity-add", args=[tree.branch.pk]),
        {
            "kind": "collective",
            "title": "走访困难户",
            "held_on": "2026-04-02",
            "members": [member.pk],
            "visits": "6",
            "information": "",
            "problems_solved": "2",
        },
    )
    total = unit_dashboard(tree.branch, 2026).total
    assert (total.visits, total.information, total.problems_solved) == (6, 0, 2)


def test_the_dashboard_counts_who_takes_part_by_category(client, tree, district_organiser):
    post = PostFactory(branch=tree.branch, year=2026)
    for category in ("registered", "registered", "in_service", "activist"):
        member = MemberFactory(branch=tree.branch, category=category)
        ChoiceFactory(post=post, member=member, status="confirmed")
    participants = dict(unit_dashboard(tree.district, 2026).participants)
    labels = dict(Member.Category.choices)
    assert participants[labels["registered"]] == 2
    assert participants[labels["in_service"]] == 1
    assert participants[labels["activist"]] == 1
    client.force_login(district_organiser)
    page = client.get(reverse("scoring:dashboard", args=[tree.district.pk])).content.decode()
    assert 'id="participants"' in page and 'id="figure-visits"' in page
