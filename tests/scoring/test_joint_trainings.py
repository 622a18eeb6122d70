"""A town's training for several branches: attendance recorded once, each member's points
by the district's training rule in their own branch (issue 17, point 8)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring import queries, services
from scoring.dashboard import unit_dashboard as dashboard
from scoring.models import Activity, ActivityKind, JointTraining, PointsEntry
from tests.factories import MemberFactory
from tests.scoring.activities import on_day

MAY = dt.date(2026, 5, 8)


@pytest.fixture
def attendees(tree):
    return [
        MemberFactory(branch=tree.branch, name="王芳"),
        MemberFactory(branch=tree.branch, name="李强"),
        MemberFactory(branch=tree.neighbour_branch, name="赵敏"),
    ]


def hold(tree, members, by, held_on=MAY, title="党员志愿服务技能培训"):
    return services.record_joint_training(
        unit=tree.town, title=title, held_on=held_on, members=members, by=by, trainer="区委党校"
    )


def test_each_branch_gets_its_part_with_its_own_members(tree, attendees, town_organiser):
    training = hold(tree, attendees, town_organiser)
    parts = {a.branch_id: a for a in training.activities.all()}
    assert set(parts) == {tree.branch.pk, tree.neighbour_branch.pk}
    assert parts[tree.branch.pk].kind == ActivityKind.TRAINING
    assert sorted(parts[tree.branch.pk].attendances.values_list("member__name", flat=True)) == [
        "李强",
        "王芳",
    ]
    assert list(
        parts[tree.neighbour_branch.pk].attendances.values_list("member__name", flat=True)
    ) == ["赵敏"]


def test_points_follow_the_district_training_rule_in_each_branch(
    tree, attendees, town_organiser, district_organiser
):
    with on_day(dt.date(2026, 4, 1)):
        services.set_points_rule(
            district=tree.district,
            kind=ActivityKind.TRAINING,
            points=Decimal("1.5"),
            effective_from=dt.date(2026, 4, 1),
            by=district_organiser,
        )
    hold(tree, attendees, town_organiser)
    entries = PointsEntry.objects.filter(attendance__activity__joint_training__isnull=False)
    assert sorted((e.branch_id, e.points) for e in entries) == sorted(
        [
            (tree.branch.pk, Decimal("1.5")),
            (tree.branch.pk, Decimal("1.5")),
            (tree.neighbour_branch.pk, Decimal("1.5")),
        ]
    )
    assert {e.month for e in entries} == {dt.date(2026, 5, 1)}


def test_the_training_shows_on_each_members_card(tree, attendees, town_organiser):
    hold(tree, attendees, town_organiser)
    card = queries.points_card(attendees[2], 2026)
    may = next(m for m in card.months if m.month == dt.date(2026, 5, 1))
    assert [e.activity_title for e in may.entries] == ["党员志愿服务技能培训"]
    assert card.total == Decimal("1")


def test_a_member_ticked_twice_attends_once(tree, attendees, town_organiser):
    training = hold(tree, [attendees[0], attendees[0]], town_organiser)
    assert PointsEntry.objects.filter(attendance__activity__joint_training=training).count() == 1


def test_members_of_another_town_are_refused_and_nothing_is_written(
    tree, attendees, town_organiser
):
    stranger = MemberFactory(branch=tree.other_branch, name="外镇党员")
    with pytest.raises(services.ScoringError, match="外镇党员"):
        hold(tree, [attendees[0], stranger], town_organiser)
    assert not JointTraining.objects.exists()
    assert not Activity.objects.exists()


def test_a_training_needs_someone_and_a_past_date(tree, attendees, town_organiser):
    with pytest.raises(services.ScoringError):
        hold(tree, [], town_organiser)
    with pytest.raises(services.ScoringError):
        hold(tree, attendees, town_organiser, held_on=dt.date(2027, 1, 5))
    assert not JointTraining.objects.exists()


def test_a_branch_cannot_hold_a_joint_training(tree, attendees, secretary):
    with pytest.raises(services.ScoringError):
        services.record_joint_training(
            unit=tree.branch, title="x", held_on=MAY, members=attendees[:1], by=secretary
        )


def test_the_town_dashboard_counts_a_joint_training_once(tree, attendees, town_organiser):
    hold(tree, attendees, town_organiser)
    town = dashboard(tree.town, 2026)
    assert town.total.trainings == 1
    assert town.total.trained == 3
    branch = dashboard(tree.branch, 2026)
    assert branch.total.trainings == 1


def test_training_figures_count_a_joint_training_once(tree, attendees, town_organiser):
    hold(tree, attendees, town_organiser)
    assert queries.training_figures(2026, attendees) == (1, 3)


# --- pages ---------------------------------------------------------------------------


def test_the_organiser_records_a_training_from_the_form(client, tree, attendees, town_organiser):
    client.force_login(town_organiser)
    response = client.post(
        reverse("scoring:training-add", args=[tree.town.pk]),
        {
            "title": "  网格服务  规范培训 ",
            "held_on": "2026-05-08",
            "members": [m.pk for m in attendees],
        },
    )
    training = JointTraining.objects.get()
    assert response.url == reverse("scoring:training-detail", args=[training.pk])
    assert training.title == "网格服务 规范培训"
    assert training.activities.count() == 2
    page = client.get(response.url).content.decode()
    assert "赵敏" in page and "王芳" in page


def test_a_form_without_members_keeps_what_was_typed(client, tree, attendees, town_organiser):
    client.force_login(town_organiser)
    response = client.post(
        reverse("scoring:training-add", args=[tree.town.pk]),
        {"title": "消防安全培训", "held_on": "2026-05-08", "place": "镇文化礼堂"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "消防安全培训" in page and "镇文化礼堂" in page
    assert not JointTraining.objects.exists()


def test_the_form_lists_members_by_branch(client, tree, attendees, town_organiser):
    client.force_login(town_organiser)
    page = client.get(reverse("scoring:training-add", args=[tree.town.pk])).content.decode()
    assert f'data-branch="{tree.branch.pk}"' in page
    assert f'data-branch="{tree.neighbour_branch.pk}"' in page
    assert f'data-branch="{tree.other_branch.pk}"' not in page


def test_a_secretary_sees_only_their_branchs_part(
    client, tree, attendees, town_organiser, secretary
):
    training = hold(tree, attendees, town_organiser)
    client.force_login(secretary)
    page = client.get(reverse("scoring:training-detail", args=[training.pk])).content.decode()
    assert "王芳" in page
    assert "赵敏" not in page


def test_the_branch_activity_names_the_town_that_held_it(
    client, tree, attendees, town_organiser, secretary
):
    training = hold(tree, attendees, town_organiser)
    part = training.activities.get(branch=tree.branch)
    client.force_login(secretary)
    page = client.get(reverse("scoring:activity-detail", args=[part.pk])).content.decode()
    assert 'id="joint-training"' in page and "鉴湖镇" in page


def test_the_list_counts_people_and_branches(client, tree, attendees, town_organiser):
    hold(tree, attendees, town_organiser)
    client.force_login(town_organiser)
    response = client.get(reverse("scoring:training-list", args=[tree.town.pk]))
    training = response.context["trainings"][0]
    assert (training.people, training.branches) == (3, 2)


def test_the_list_reads_a_fixed_number_of_queries(
    client, tree, attendees, town_organiser, django_assert_max_num_queries
):
    for day in (1, 2, 3, 4):
        hold(tree, attendees, town_organiser, held_on=dt.date(2026, 6, day))
    client.force_login(town_organiser)
    with django_assert_max_num_queries(12):
        client.get(reverse("scoring:training-list", args=[tree.town.pk]))
