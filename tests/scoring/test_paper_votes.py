"""A paper vote's counts per voter group: party members and residents' representatives
(党员和村民代表评议), and counts saved before the groups were recorded."""

import io
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from openpyxl import load_workbook

from scoring import evaluation as ev
from scoring import services
from scoring.models import Evaluation
from tests.factories import ChoiceFactory, MemberFactory, PostFactory

YEAR = 2026
# 9 of 10 party members and 12 of 15 residents' representatives favourable, on paper
BOTH_GROUPS = {
    "member_favourable": 9,
    "member_total": 10,
    "resident_favourable": 12,
    "resident_total": 15,
}


@pytest.fixture
def evaluation(tree, secretary):
    member = MemberFactory(branch=tree.branch, name="张伟")
    ChoiceFactory(
        post=PostFactory(branch=tree.branch, year=YEAR), member=member, status="confirmed"
    )
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    return Evaluation.objects.get(member=member, year=YEAR)


def _enter(evaluation, secretary, **counts):
    ev.enter_paper_counts(evaluation=evaluation, by=secretary, **counts)
    evaluation.refresh_from_db()
    return ev.votes_by_evaluation([evaluation])[evaluation.pk]


def test_each_group_keeps_its_own_counts_and_the_appraisal_takes_them_together(
    evaluation, secretary
):
    votes = _enter(evaluation, secretary, **BOTH_GROUPS)

    assert [(c.voter, c.favourable, c.total) for c in votes.paper] == [
        ("member", 9, 10),
        ("resident", 12, 15),
    ]
    assert ev.appraisal_score(votes.favourable, votes.total) == D("84.0")  # 21 of 25


def test_a_group_with_more_favourable_votes_than_cast_is_refused_and_nothing_changes(
    evaluation, secretary
):
    _enter(evaluation, secretary, member_favourable=5, member_total=5)

    with pytest.raises(services.ScoringError):
        ev.enter_paper_counts(
            evaluation=evaluation,
            member_favourable=9,
            member_total=10,
            resident_favourable=16,
            resident_total=15,
            by=secretary,
        )

    evaluation.refresh_from_db()
    assert (evaluation.paper_member_favourable, evaluation.paper_resident_total) == (5, 0)


def test_counts_saved_without_a_group_still_count_until_replaced_by_group(evaluation, secretary):
    Evaluation.objects.filter(pk=evaluation.pk).update(
        paper_ungrouped_favourable=7, paper_ungrouped_total=8
    )
    evaluation.refresh_from_db()
    before = ev.votes_by_evaluation([evaluation])[evaluation.pk]

    after = _enter(evaluation, secretary, resident_favourable=3, resident_total=4)

    assert [(c.voter, c.favourable, c.total) for c in before.paper] == [("", 7, 8)]
    assert [(c.voter, c.favourable, c.total) for c in after.paper] == [("resident", 3, 4)]


def test_the_result_page_shows_each_groups_paper_vote(client, evaluation, secretary):
    _enter(evaluation, secretary, **BOTH_GROUPS)
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("scoring:evaluation-detail", args=[evaluation.pk])).content.decode()

    votes = page[page.index('id="votes"') : page.index("</table>", page.index('id="votes"'))]
    assert "Party member, on paper</td><td" in votes
    assert "Residents&#x27; representative, on paper</td>" in votes
    assert '<td class="text-end">12</td><td class="text-end">3</td>' in votes
    assert "of 25 cast" in votes


def test_the_page_names_counts_saved_without_a_group(client, evaluation, secretary):
    Evaluation.objects.filter(pk=evaluation.pk).update(
        paper_ungrouped_favourable=7, paper_ungrouped_total=8
    )
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("scoring:evaluation-detail", args=[evaluation.pk])).content.decode()

    assert "Voter group not recorded, on paper" in page
    assert "7 favourable of 8 votes on paper were saved before voter groups" in page


def test_the_form_takes_both_groups_and_an_empty_group_as_none(client, evaluation, secretary):
    client.force_login(secretary)

    response = client.post(
        reverse("scoring:evaluation-paper", args=[evaluation.pk]),
        {
            "paper-member_favourable": "8",
            "paper-member_total": "9",
            "paper-resident_favourable": "",
            "paper-resident_total": "",
        },
    )

    evaluation.refresh_from_db()
    assert response.status_code == 302
    assert (evaluation.paper_member_favourable, evaluation.paper_member_total) == (8, 9)
    assert (evaluation.paper_resident_favourable, evaluation.paper_resident_total) == (0, 0)


def test_the_form_refuses_a_bad_residents_count_with_its_message(client, evaluation, secretary):
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("scoring:evaluation-paper", args=[evaluation.pk]),
        {
            "paper-member_favourable": "8",
            "paper-member_total": "9",
            "paper-resident_favourable": "6",
            "paper-resident_total": "5",
        },
    )

    evaluation.refresh_from_db()
    assert response.status_code == 200
    assert "Favourable votes cannot exceed the votes cast." in response.content.decode()
    assert evaluation.paper_total == 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_earlier_counts_as_ungrouped(tree):
    member = MemberFactory(branch=tree.branch)
    before = ("scoring", "0002_activity_hours")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_apps = executor.loader.project_state([before]).apps
    old_apps.get_model("scoring", "Evaluation").objects.create(
        member_id=member.pk,
        branch_id=tree.branch.pk,
        year=YEAR,
        paper_favourable=17,
        paper_total=20,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    migrated = Evaluation.objects.get(member=member)
    assert (migrated.paper_ungrouped_favourable, migrated.paper_ungrouped_total) == (17, 20)
    assert (migrated.paper_member_total, migrated.paper_resident_total) == (0, 0)


def test_the_results_sheet_gives_each_groups_votes_ballots_and_paper_together(
    client, tree, evaluation, secretary, town_organiser
):
    ev.enter_ballots(
        evaluation=evaluation, favourable=2, unfavourable=1, voter="resident", by=secretary
    )
    _enter(evaluation, secretary, **BOTH_GROUPS)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    client.force_login(town_organiser)

    sheet = client.get(reverse("scoring:evaluation-xlsx", args=[tree.town.pk, YEAR]))

    header, row = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    figures = dict(zip(header, row, strict=True))
    assert figures["Party members: favourable votes"] == 9
    assert figures["Party members: votes cast"] == 10
    assert figures["Residents' representatives: favourable votes"] == 14
    assert figures["Residents' representatives: votes cast"] == 18
    assert (figures["Favourable votes"], figures["Votes cast"]) == (23, 28)


def test_ballots_and_paper_counts_of_one_group_add_up_and_the_page_shows_both(
    client, evaluation, secretary
):
    _enter(evaluation, secretary, member_favourable=8, member_total=10)
    ev.enter_ballots(
        evaluation=evaluation, favourable=1, unfavourable=1, voter="member", by=secretary
    )
    votes = ev.votes_by_evaluation([evaluation])[evaluation.pk]
    assert (votes.favourable, votes.total) == (9, 12)
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("scoring:evaluation-detail", args=[evaluation.pk])).content.decode()
    assert "Party member, ballots</td>" in page and "Party member, on paper</td>" in page
    assert "the two add up" in page
