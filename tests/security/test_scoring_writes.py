"""Every write of the scoring app, posted as every role that must not write.

The URL-role table (tests/test_url_roles.py) checks each URL with a GET, so it shows
POST-only URLs as 405 for everyone, and test_cross_branch.py posts only as the
neighbouring branch's secretary. Here each write URL of scoring/urls.py (the POST-only
ones and the POST of the GET+POST forms) is posted, with data that would succeed, as
each role outside its writers, and must answer as members/access.py says: a log-in
redirect for a visitor, 404 outside one's scope, 403 for a reader who may not write.
Each refusal must also leave the database as it was. One positive case per URL, posted
by its rightful writer with the same data, proves the refusals are about scope and not
about a bad form.

Objects belong to 秦望村, the secretary's branch (see tests/conftest.py): 2025's
evaluations are published (王建国 excellent, 李秀英 poor), 2026's are computed but not
published, 2027's posts are held but their evaluations not yet opened.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from inbox.models import Notification
from jobs.models import Job
from posts.models import Choice
from scoring import evaluation as ev
from scoring import services
from scoring.models import (
    Activity,
    Attendance,
    Ballot,
    Evaluation,
    EvaluationRule,
    Honour,
    MonthlyTally,
    PointsEntry,
    PointsRule,
    Sanction,
    TallyLine,
)
from tests.factories import ChoiceFactory, PostFactory

PUBLISHED, OPEN, NOT_OPENED = 2025, 2026, 2027
# The roles of the URL-role table and the fixtures (tests/conftest.py) of their users.
USER_FIXTURE = {
    "anonymous": None,
    "district": "district_organiser",
    "town": "town_organiser",
    "other_town": "other_town_organiser",
    "secretary": "secretary",
    "neighbour_secretary": "neighbour_secretary",
    "instructor": "instructor",
    "team_leader": "team_leader",
    "member": "member_user",
}
WATCHED = [
    Activity,
    Attendance,
    PointsEntry,
    MonthlyTally,
    TallyLine,
    PointsRule,
    EvaluationRule,
    Evaluation,
    Ballot,
    Honour,
    Sanction,
    Choice,
    Notification,
    Job,
]


def _evaluation(member, year: int) -> Evaluation:
    return Evaluation.objects.get(member=member, year=year)


def _publish_year(branch, secretary, votes: dict) -> None:
    # Graded against the branch's best, so that the best is excellent and can be honoured.
    EvaluationRule.objects.create(
        district=branch.parent.parent, year=PUBLISHED, points_method="best", target_points=None
    )
    ev.open_evaluations(branch=branch, year=PUBLISHED, by=secretary)
    for member, favourable in votes.items():
        ev.enter_paper_counts(
            evaluation=_evaluation(member, PUBLISHED),
            member_favourable=favourable,
            member_total=20,
            by=secretary,
        )
    ev.compute_branch(branch=branch, year=PUBLISHED, by=secretary)
    ev.publish_branch(branch=branch, year=PUBLISHED, by=secretary)


@pytest.fixture
def world(tree, secretary, member_user, member) -> dict:
    """The URL arguments of each write, on objects of 秦望村 that accept the write."""
    mine, other = member_user.member_file, member  # 王建国 (with a log-in), 李秀英
    for year in (PUBLISHED, OPEN, NOT_OPENED):
        post = PostFactory(branch=tree.branch, year=year)
        for holder in (mine, other):
            ChoiceFactory(post=post, member=holder, status="confirmed")
    PointsEntry.objects.create(
        member=mine,
        branch=tree.branch,
        month=dt.date(PUBLISHED, 5, 1),
        occurred_on=dt.date(PUBLISHED, 5, 12),
        points=Decimal("10"),
        recorded_by=secretary,
    )
    _publish_year(tree.branch, secretary, {mine: 20, other: 1})  # excellent, poor
    activity = services.record_activity(
        branch=tree.branch,
        kind="collective",
        title="夜间治安巡逻",
        held_on=dt.date(OPEN, 3, 12),
        members=[mine],
        by=secretary,
    )
    ev.open_evaluations(branch=tree.branch, year=OPEN, by=secretary)
    for holder in (mine, other):
        ev.enter_paper_counts(
            evaluation=_evaluation(holder, OPEN),
            member_favourable=18,
            member_total=20,
            by=secretary,
        )
    ev.compute_branch(branch=tree.branch, year=OPEN, by=secretary)
    branch = tree.branch.pk
    return {
        "scoring:activity-add": {"pk": branch},
        "scoring:entry-correct": {"pk": activity.attendances.get().points_entries.get().pk},
        "scoring:tally-publish": {"pk": branch, "year": OPEN, "month": 3},
        "scoring:branch-cards-pdf": {"pk": branch},
        "scoring:rules": {"pk": tree.district.pk},
        "scoring:evaluation-open": {"pk": branch, "year": NOT_OPENED},
        "scoring:evaluation-compute": {"pk": branch, "year": OPEN},
        "scoring:evaluation-publish": {"pk": branch, "year": OPEN},
        # The plain member's own evaluation: they read it, and may not write it.
        "scoring:evaluation-ballots": {"pk": _evaluation(mine, OPEN).pk},
        "scoring:evaluation-paper": {"pk": _evaluation(mine, OPEN).pk},
        "scoring:evaluation-assessment": {"pk": _evaluation(mine, OPEN).pk},
        "scoring:evaluation-honour": {"pk": _evaluation(mine, PUBLISHED).pk},
        # Another member's: the plain member writes their own self-report, not this one.
        "scoring:evaluation-self-report": {"pk": _evaluation(other, OPEN).pk},
        "scoring:evaluation-sanction": {"pk": _evaluation(other, PUBLISHED).pk},
        "scoring:evaluation-rules": {"pk": tree.district.pk, "year": OPEN},
        "members": {"mine": mine.pk},
    }


# url name -> (form data that would succeed, the writer who may post it, the model the
# write changes). A callable builds data that needs objects of `world`.
WRITES = {
    "scoring:activity-add": (
        lambda w: {
            "kind": "collective",
            "title": "清理楼道杂物",
            "held_on": "2026-11-20",
            "members": [w["members"]["mine"]],
        },
        "secretary",
        Activity,
    ),
    "scoring:entry-correct": (
        {"right_points": "5", "reason": "漏记加分"},
        "secretary",
        PointsEntry,
    ),
    "scoring:tally-publish": ({}, "secretary", MonthlyTally),
    # Printing the branch's cards as a job is for everyone who may read the branch.
    "scoring:branch-cards-pdf": ({}, "town", Job),
    "scoring:rules": (
        {"kind": "collective", "points": "4", "effective_from": "2027-01-01"},
        "district",
        PointsRule,
    ),
    "scoring:evaluation-open": ({}, "secretary", Evaluation),
    "scoring:evaluation-compute": ({}, "secretary", Evaluation),
    "scoring:evaluation-publish": ({}, "secretary", Evaluation),
    "scoring:evaluation-ballots": (
        {"ballots-voter": "resident", "ballots-favourable": 4, "ballots-unfavourable": 1},
        "secretary",
        Ballot,
    ),
    "scoring:evaluation-paper": (
        {"paper-member_favourable": 19, "paper-member_total": 20},
        "secretary",
        Evaluation,
    ),
    "scoring:evaluation-assessment": (
        {"assessment-text": "履岗认真，群众满意。"},
        "secretary",
        Evaluation,
    ),
    "scoring:evaluation-honour": (
        {"honour-kind": Honour.Kind.PIONEER, "honour-note": ""},
        "secretary",
        Honour,
    ),
    "scoring:evaluation-sanction": (
        {
            "sanction-kind": Sanction.Kind.ADMONISHMENT,
            "sanction-held_on": "2026-11-30",
            "sanction-record": "书记与其谈话，本人表示改进。",
        },
        "secretary",
        Sanction,
    ),
    "scoring:evaluation-self-report": ({"text": "全年参加巡逻十二次。"}, "secretary", Evaluation),
    "scoring:evaluation-rules": (
        {
            "points_method": "target",
            "target_points": "40",
            "grid_points": "full",
            "appraisal_weight": "0.6",
            "points_weight": "0.4",
            "excellent_from": "90",
            "good_from": "75",
            "average_from": "60",
        },
        "district",
        EvaluationRule,
    ),
}

# What each role that may not write gets (members/access.py: 404 outside one's scope,
# 403 for a reader who may not write).
BRANCH_WRITE_REFUSED = {
    "anonymous": 302,
    "district": 403,
    "town": 403,
    "other_town": 404,
    "neighbour_secretary": 404,
    "instructor": 404,
    "team_leader": 404,
    "member": 404,
}
OWN_EVALUATION_REFUSED = BRANCH_WRITE_REFUSED | {"member": 403}
DISTRICT_WRITE_REFUSED = {
    "anonymous": 302,
    "town": 403,
    "other_town": 403,
    "secretary": 404,
    "neighbour_secretary": 404,
    "instructor": 404,
    "team_leader": 404,
    "member": 404,
}
BRANCH_READ_REFUSED = {
    role: status for role, status in BRANCH_WRITE_REFUSED.items() if status != 403
}
REFUSED = {
    "scoring:activity-add": BRANCH_WRITE_REFUSED,
    "scoring:entry-correct": BRANCH_WRITE_REFUSED,
    "scoring:tally-publish": BRANCH_WRITE_REFUSED,
    "scoring:branch-cards-pdf": BRANCH_READ_REFUSED,
    "scoring:rules": DISTRICT_WRITE_REFUSED,
    "scoring:evaluation-open": BRANCH_WRITE_REFUSED,
    "scoring:evaluation-compute": BRANCH_WRITE_REFUSED,
    "scoring:evaluation-publish": BRANCH_WRITE_REFUSED,
    "scoring:evaluation-ballots": OWN_EVALUATION_REFUSED,
    "scoring:evaluation-paper": OWN_EVALUATION_REFUSED,
    "scoring:evaluation-assessment": OWN_EVALUATION_REFUSED,
    "scoring:evaluation-honour": OWN_EVALUATION_REFUSED,
    "scoring:evaluation-sanction": BRANCH_WRITE_REFUSED,
    "scoring:evaluation-self-report": BRANCH_WRITE_REFUSED,
    "scoring:evaluation-rules": DISTRICT_WRITE_REFUSED,
}
REFUSED_CASES = [
    pytest.param(name, role, status, id=f"{name.removeprefix('scoring:')}-{role}")
    for name, statuses in REFUSED.items()
    for role, status in statuses.items()
]


def _snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


def _post(client, request, world, name: str, role: str):
    data, _writer, _model = WRITES[name]
    if callable(data):
        data = data(world)
    if USER_FIXTURE[role] is not None:
        client.force_login(request.getfixturevalue(USER_FIXTURE[role]))
    return client.post(reverse(name, kwargs=world[name]), data)


def test_every_write_of_the_scoring_app_is_tried():
    assert set(WRITES) == set(REFUSED)
    assert {
        "scoring:tally-publish",
        "scoring:evaluation-open",
        "scoring:evaluation-compute",
        "scoring:evaluation-publish",
        "scoring:evaluation-ballots",
        "scoring:evaluation-paper",
        "scoring:evaluation-assessment",
        "scoring:evaluation-honour",
        "scoring:evaluation-sanction",
    } <= set(WRITES)


@pytest.mark.parametrize(("name", "role", "status"), REFUSED_CASES)
def test_a_role_that_may_not_write_is_refused_and_nothing_changes(
    client, request, world, name, role, status
):
    before = _snapshot()

    response = _post(client, request, world, name, role)

    assert response.status_code == status
    if role == "anonymous":
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    assert _snapshot() == before


@pytest.mark.parametrize(
    "name", [pytest.param(name, id=name.removeprefix("scoring:")) for name in WRITES]
)
def test_the_rightful_writer_posting_the_same_data_writes(client, request, world, name):
    _data, writer, model = WRITES[name]
    before = _snapshot()

    response = _post(client, request, world, name, writer)

    assert response.status_code == 302
    assert _snapshot()[model.__name__] != before[model.__name__]
