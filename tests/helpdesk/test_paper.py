"""Badges and contact cards as A4 cutting sheets for a town's or a branch's batch
(issue 15, point 7): ten badges or four cards to a sheet, from the unit's overview, in
the web request for a small batch and as a job for a large one."""

from urllib.parse import unquote

import pytest
from django.urls import reverse

from helpdesk import documents, services
from jobs.models import Job
from tests.factories import UnitFactory
from tests.helpdesk.objects import make_volunteer
from tests.pdf import pdf_page_count, pdf_text

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫"


@pytest.fixture
def twelve(tree, capabilities):
    """Twelve volunteers of 秦望村 第1网格."""
    return [
        make_volunteer(tree.branch, tree.grid, f"{surname}志愿", capabilities["生活服务型"])
        for surname in SURNAMES
    ]


@pytest.fixture
def five_teams(tree, capabilities):
    """Five grids of 秦望村, each with a team of three."""
    teams = []
    for n in range(1, 6):
        grid = tree.grid
        if n > 1:
            grid = UnitFactory(kind="grid", name=f"第{n}网格", code=f"G{n}", parent=tree.branch)
        people = [
            make_volunteer(tree.branch, grid, f"{role}{n}", capabilities[kind])
            for role, kind in [
                ("队长", "农业服务型"),
                ("队员甲", "生活服务型"),
                ("队员乙", "生活服务型"),
            ]
        ]
        teams.append(
            services.set_team(
                grid=grid, name=f"第{n}网格服务队", leader=people[0], volunteers=people, by=None
            )
        )
    return teams


def test_the_cutting_sheets_hold_ten_rows_of_two_at_most():
    sheets = documents.cutting_sheets(list(range(23)), documents.BADGES_PER_SHEET)

    assert [len(sheet) for sheet in sheets] == [5, 5, 2]
    assert sheets[2] == [[20, 21], [22]]


def test_twelve_badges_print_on_two_a4_sheets(client, town_organiser, tree, twelve):
    client.force_login(town_organiser)

    response = client.get(reverse("helpdesk:unit-badge-sheets", args=[tree.town.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert pdf_page_count(response.content) == 2
    text = pdf_text(response.content).replace(" ", "")
    assert all(profile.member.name in text for profile in twelve)
    assert all(profile.number in text for profile in twelve)


def test_a_badge_sheet_is_a4(client, town_organiser, tree, twelve):
    client.force_login(town_organiser)

    content = client.get(reverse("helpdesk:unit-badge-sheets", args=[tree.town.pk])).content

    info = pdf_text(content, "-l", "1", "-bbox")  # the page box, in points
    assert 'width="595.' in info and 'height="841.' in info


def test_five_contact_cards_print_on_two_a4_sheets(client, secretary, tree, five_teams):
    client.force_login(secretary)

    response = client.get(reverse("helpdesk:unit-card-sheets", args=[tree.branch.pk]))

    assert pdf_page_count(response.content) == 2
    text = pdf_text(response.content).replace(" ", "")
    assert all(team.name in text for team in five_teams)


def test_a_unit_without_volunteers_prints_one_sheet_saying_so(client, town_organiser, tree):
    client.force_login(town_organiser)

    response = client.get(reverse("helpdesk:unit-badge-sheets", args=[tree.town.pk]))

    assert pdf_page_count(response.content) == 1


def test_a_large_town_batch_runs_as_a_job_in_parts_of_whole_sheets(
    client, town_organiser, tree, twelve, settings
):
    settings.JOBS_CHUNK_SIZE = 7  # parts of ten: the first sheet is full, not seven
    client.force_login(town_organiser)

    client.post(reverse("helpdesk:unit-badge-sheets", args=[tree.town.pk]))

    job = Job.objects.get()
    assert job.status == Job.Status.DONE
    content = client.get(reverse("jobs:file", args=[job.pk])).content
    assert pdf_page_count(content) == 2
    first_sheet = pdf_text(content).split("\f")[0].replace(" ", "")
    assert sum(profile.number in first_sheet for profile in twelve) == 10


def test_a_town_organiser_of_another_town_gets_404(client, other_town_organiser, tree, twelve):
    client.force_login(other_town_organiser)

    for name in ["helpdesk:unit-badge-sheets", "helpdesk:unit-card-sheets"]:
        assert client.get(reverse(name, args=[tree.town.pk])).status_code == 404


def test_the_overview_offers_both_cutting_sheets(client, town_organiser, tree):
    client.force_login(town_organiser)

    page = client.get(reverse("helpdesk:unit", args=[tree.town.pk])).content.decode()

    assert reverse("helpdesk:unit-badge-sheets", args=[tree.town.pk]) in page
    assert reverse("helpdesk:unit-card-sheets", args=[tree.town.pk]) in page


def test_the_sheets_are_named_in_chinese_in_the_chinese_ui(client, town_organiser, tree, twelve):
    client.force_login(town_organiser)

    response = client.get(reverse("helpdesk:unit-badge-sheets", args=[tree.town.pk]))

    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
    assert name.startswith("鉴湖镇") and name.endswith(".pdf")
    assert 'filename="volunteer badges A4 sheets.pdf"' in response["Content-Disposition"]
