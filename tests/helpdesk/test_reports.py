"""Reports for the branch too: the branch secretary reads and downloads the branch's
monthly report; every report (page, Excel, PDF) has a totals row; the paper log sheet
asks for the number of people served and the request code."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from helpdesk import services
from helpdesk.models import VolunteerYear
from tests.pdf import pdf_text


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages are matched in English, the source language (the catalogue changes)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


TODAY = timezone.localdate()
YEAR = TODAY.year


def _log(team, people, *, hours="2", people_count=1, by):
    return services.log_service(
        team=team,
        served_at=timezone.now() - dt.timedelta(minutes=30),
        people_served="王大爷",
        people_count=people_count,
        category="cleaning",
        content="清理垃圾",
        volunteers=people,
        hours=Decimal(hours),
        by=by,
    )


@pytest.fixture
def two_logs(team, volunteers, team_leader):
    return [
        _log(team, volunteers[:2], hours="2", people_count=3, by=team_leader),
        _log(team, volunteers[:3], hours="1.5", people_count=1, by=team_leader),
    ]


def _args(unit):
    return [unit.pk, TODAY.year, TODAY.month]


def test_the_branch_secretary_reads_the_branchs_monthly_report(client, secretary, tree, two_logs):
    client.force_login(secretary)
    response = client.get(reverse("helpdesk:month-report", args=_args(tree.branch)))
    assert response.status_code == 200
    assert [log.pk for log in response.context["logs"]] == sorted(log.pk for log in two_logs)


def test_the_branch_secretary_downloads_the_branchs_report(client, secretary, tree, two_logs):
    client.force_login(secretary)
    xlsx = client.get(reverse("helpdesk:month-report-xlsx", args=_args(tree.branch)))
    assert len(list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows())) == 4
    pdf = client.get(reverse("helpdesk:month-report-pdf", args=_args(tree.branch)))
    assert pdf.content.startswith(b"%PDF")


def test_another_branchs_secretary_cannot_read_it(client, neighbour_secretary, tree, two_logs):
    client.force_login(neighbour_secretary)
    for name in ("helpdesk:month-report", "helpdesk:month-report-xlsx"):
        assert client.get(reverse(name, args=_args(tree.branch))).status_code == 404


def test_a_secretary_still_cannot_read_the_towns_report(client, secretary, tree, two_logs):
    client.force_login(secretary)
    assert client.get(reverse("helpdesk:month-report", args=_args(tree.town))).status_code == 404


def test_the_town_organiser_reads_the_towns_and_the_branchs_reports(
    client, town_organiser, tree, two_logs
):
    client.force_login(town_organiser)
    for unit in (tree.town, tree.branch):
        assert client.get(reverse("helpdesk:month-report", args=_args(unit))).status_code == 200


def test_a_grid_has_no_monthly_report(client, secretary, tree):
    client.force_login(secretary)
    assert client.get(reverse("helpdesk:month-report", args=_args(tree.grid))).status_code == 404


def test_the_excel_report_ends_with_a_totals_row(client, secretary, tree, two_logs):
    client.force_login(secretary)
    xlsx = client.get(reverse("helpdesk:month-report-xlsx", args=_args(tree.branch)))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    totals = rows[-1]
    assert totals[0] == "Total: 2 services"
    assert totals[6] == 4  # people served: 3 + 1
    assert totals[9] == 5  # volunteers present: 2 + 3
    assert totals[11] == 8.5  # volunteer hours: 2 × 2 + 3 × 1.5


def test_the_report_page_has_a_totals_row(client, secretary, tree, two_logs):
    client.force_login(secretary)
    page = client.get(reverse("helpdesk:month-report", args=_args(tree.branch))).content.decode()
    footer = page[page.index('id="report-totals"') :]
    assert "Total: 2 services" in footer
    assert "4 people served" in footer
    assert "8.5 volunteer hours" in footer


def test_the_printed_report_has_a_totals_row(client, secretary, tree, two_logs):
    client.force_login(secretary)
    pdf = client.get(reverse("helpdesk:month-report-pdf", args=_args(tree.branch)))
    text = " ".join(pdf_text(pdf.content).split())  # official paper: always in Chinese
    assert "合计：2 次服务" in text
    assert "5 名义工参加" in text


def test_the_excellent_list_has_a_totals_row_on_the_page_and_in_excel(
    client, district_organiser, tree, volunteers
):
    VolunteerYear.objects.create(
        profile=volunteers[0], year=YEAR, hours=Decimal("320"), services=40, votes=10, favourable=9
    )
    VolunteerYear.objects.create(
        profile=volunteers[1], year=YEAR, hours=Decimal("20"), services=120, votes=10, favourable=10
    )
    client.force_login(district_organiser)
    page = client.get(reverse("helpdesk:excellent", args=[tree.district.pk, YEAR]))
    totals = page.context["totals"]
    assert (totals.volunteers, totals.hours, totals.services) == (2, Decimal("340"), 160)
    assert 'id="excellent-totals"' in page.content.decode()
    url = reverse("helpdesk:excellent-xlsx", args=[tree.district.pk, YEAR])
    rows = list(
        load_workbook(io.BytesIO(client.get(url).content)).active.iter_rows(values_only=True)
    )
    assert rows[-1][:2] == ("Total", 2)
    assert rows[-1][6:10] == (340, 160, 20, 19)


def test_the_paper_log_sheet_asks_for_the_number_served_and_the_request_code(
    client, secretary, team
):
    client.force_login(secretary)
    pdf = client.get(reverse("helpdesk:log-sheet", args=[team.pk]))
    text = pdf_text(pdf.content)  # in Chinese; the narrow headings wrap: "服务 / 人数"
    assert "人数" in text
    assert "求助编号" in text
