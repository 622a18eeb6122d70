"""The logged-in pages: operator entry, the board, a request's actions, the team editor,
the service log form, the pool, reports and prints."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from helpdesk import services
from helpdesk.models import HelpRequest, ServiceLog, ServiceTeam
from inbox.models import Notification
from scoring.models import PointsEntry
from tests.helpdesk.conftest import ask
from tests.pdf import pdf_page_count, pdf_text

YEAR = timezone.localdate().year


def _as(client, user):
    client.force_login(user)
    return client


def test_an_operator_enters_a_hotline_request_and_it_reaches_the_team(
    english_client, secretary, team_leader, tree, team
):
    client = _as(english_client, secretary)
    response = client.post(
        reverse("helpdesk:request-add"),
        {
            "channel": "hotline",
            "resident_name": " 王  大爷 ",
            "phone": "0575-88123456",
            "address": "秦望村3组8号",
            "branch": "",
            "grid": "",
            "category": "medical",
            "description": "老人行动不便，需要量血压。",
        },
    )
    help_request = HelpRequest.objects.get()
    assert response["Location"] == reverse("helpdesk:request-detail", args=[help_request.pk])
    assert (help_request.channel, help_request.resident_name) == ("hotline", "王 大爷")
    assert (help_request.grid, help_request.team) == (tree.grid, team)
    assert help_request.created_by == secretary
    assert Notification.objects.filter(recipient=team_leader).count() == 1


def test_an_address_that_tells_no_grid_must_be_placed_by_hand(
    english_client, secretary, tree, team
):
    client = _as(english_client, secretary)
    response = client.post(
        reverse("helpdesk:request-add"),
        {
            "channel": "walk_in",
            "resident_name": "李阿姨",
            "phone": "13905751234",
            "address": "村口小店",
            "category": "other",
            "description": "问路",
        },
    )
    assert "choose the village or the grid" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_the_board_marks_late_requests_and_keeps_to_the_scope(
    english_client, secretary, neighbour_secretary, tree, team
):
    late = ask(tree)
    HelpRequest.objects.filter(pk=late.pk).update(
        dispatched_at=timezone.now() - dt.timedelta(hours=3)
    )
    fresh = ask(tree)
    client = _as(english_client, secretary)
    content = client.get(reverse("helpdesk:board")).content.decode()
    assert f'class="table-danger late" data-code="{late.code}"' in content
    assert f'class="" data-code="{fresh.code}"' in content
    late_only = client.get(reverse("helpdesk:board"), {"state": "open", "late": "true"})
    assert fresh.code not in late_only.content.decode()
    client.force_login(neighbour_secretary)
    assert late.code not in client.get(reverse("helpdesk:board")).content.decode()


def test_a_team_leader_sees_the_teams_requests_only(
    english_client, team_leader, tree, team, neighbour_team
):
    ours = ask(tree)
    theirs = ask(tree)
    services.redispatch(request=theirs, team=neighbour_team, reason="换队", by=None)
    content = _as(english_client, team_leader).get(reverse("helpdesk:board")).content.decode()
    assert ours.code in content
    assert theirs.code not in content
    assert (
        english_client.get(reverse("helpdesk:request-detail", args=[theirs.pk])).status_code == 404
    )


def test_the_leader_attends_a_request_from_its_page(english_client, team_leader, tree, team):
    help_request = ask(tree)
    client = _as(english_client, team_leader)
    client.post(reverse("helpdesk:request-on-site", args=[help_request.pk]))
    client.post(
        reverse("helpdesk:request-resolve", args=[help_request.pk]), {"resolution": "修好了"}
    )
    help_request.refresh_from_db()
    assert (help_request.state, help_request.resolution) == ("resolved", "修好了")
    page = client.get(reverse("helpdesk:request-detail", args=[help_request.pk])).content.decode()
    assert 'id="log-service"' in page
    assert 'data-kind="resolved"' in page


def test_an_operator_redispatches_with_a_reason_on_the_page(
    english_client, secretary, tree, team, neighbour_team, town_organiser
):
    help_request = ask(tree)
    url = reverse("helpdesk:request-dispatch", args=[help_request.pk])
    client = _as(english_client, town_organiser)  # the neighbour's team is in the town
    refused = client.post(url, {"team": neighbour_team.pk, "reason": ""})
    assert "Say why" in refused.content.decode()
    client.post(url, {"team": neighbour_team.pk, "reason": "本队外出"})
    help_request.refresh_from_db()
    assert help_request.team == neighbour_team


def test_the_team_editor_says_why_a_team_is_refused(english_client, secretary, tree, volunteers):
    client = _as(english_client, secretary)
    url = reverse("helpdesk:team-edit", args=[tree.grid.pk])
    refused = client.post(
        url,
        {
            "name": "服务队",
            "leader": volunteers[0].pk,
            "volunteers": [volunteers[0].pk, volunteers[1].pk],
        },
    )
    assert "A team needs at least 3 volunteers; this one has 2." in refused.content.decode()
    assert not ServiceTeam.objects.exists()
    saved = client.post(
        url,
        {
            "name": "服务队",
            "leader": volunteers[0].pk,
            "volunteers": [v.pk for v in volunteers[:3]],
        },
    )
    team = ServiceTeam.objects.get()
    assert saved["Location"] == reverse("helpdesk:team-detail", args=[team.pk])


def test_the_leader_logs_a_service_for_the_volunteers_present(
    english_client, team_leader, tree, team, volunteers
):
    help_request = ask(tree)
    services.mark_on_site(request=help_request, by=team_leader)
    services.resolve(request=help_request, by=team_leader)
    client = _as(english_client, team_leader)
    url = reverse("helpdesk:log-add", args=[team.pk])
    assert client.get(url, {"request": help_request.pk}).status_code == 200
    served_at = timezone.localtime() - dt.timedelta(hours=2)
    response = client.post(
        url,
        {
            "served_at": served_at.strftime("%Y-%m-%dT%H:%M"),
            "category": "daily_life",
            "people_served": "王大爷",
            "people_count": "1",
            "content": "换水管",
            "request": help_request.pk,
            "volunteers": [volunteers[0].pk, volunteers[2].pk],
            "hours": "1.5",
        },
    )
    assert response["Location"] == reverse("helpdesk:team-detail", args=[team.pk])
    log = ServiceLog.objects.get()
    assert (log.hours, log.request) == (Decimal("1.5"), help_request)
    assert PointsEntry.objects.filter(attendance__activity=log.activity).count() == 2
    card = client.get(reverse("helpdesk:volunteer-detail", args=[volunteers[2].pk]))
    assert 'id="year-hours">1.5<' in card.content.decode()


def test_the_pool_filters_by_capability_type_and_grid(
    english_client, secretary, tree, volunteers, capabilities
):
    client = _as(english_client, secretary)
    url = reverse("helpdesk:volunteer-list", args=[tree.branch.pk])
    medical = client.get(url, {"capability": capabilities["医疗服务型"].pk}).content.decode()
    assert "俞桂兰" in medical and "章立新" not in medical
    everyone = client.get(url, {"grid": tree.grid.pk}).content.decode()
    assert all(v.member.name in everyone for v in volunteers)
    search = client.get(url, {"q": "水电"}).content.decode()
    assert "章立新" in search and "俞桂兰" not in search


def test_a_secretary_enrols_a_member(english_client, secretary, tree, member):
    client = _as(english_client, secretary)
    response = client.post(
        reverse("helpdesk:volunteer-add", args=[tree.branch.pk]),
        {"member": member.pk, "specialties": "理发", "availability": "周末"},
    )
    profile = member.volunteer_profile
    assert response["Location"] == reverse("helpdesk:volunteer-detail", args=[profile.pk])
    assert profile.number.startswith(f"YQ-{YEAR}-")


def test_grids_without_a_team_are_listed(english_client, secretary, tree, team, neighbour_grid):
    client = _as(english_client, secretary)
    content = client.get(
        reverse("helpdesk:grids-without-team", args=[tree.branch.pk])
    ).content.decode()
    assert "Every grid has a team." in content
    client.force_login(secretary)
    town = client.get(reverse("helpdesk:grids-without-team", args=[tree.town.pk]))
    assert town.status_code == 404  # a secretary does not oversee the town


def test_the_overview_shows_figures_and_charts(english_client, town_organiser, tree, team):
    ask(tree, category="medical")
    client = _as(english_client, town_organiser)
    content = client.get(reverse("helpdesk:unit", args=[tree.town.pk])).content.decode()
    assert content.count("<svg") >= 4
    assert "Requests by channel" in content


def test_the_contact_card_lists_the_phones_and_the_badge_its_number(
    client, secretary, tree, team, volunteers, tmp_path
):
    client.force_login(secretary)
    card = client.get(reverse("helpdesk:team-card", args=[team.pk]))
    assert card["Content-Type"] == "application/pdf"
    text = pdf_text(card.content, "-layout")
    assert volunteers[0].member.phone in text and "水电维修" in text
    badge = pdf_text(
        client.get(reverse("helpdesk:badge", args=[volunteers[0].pk])).content, "-layout"
    )
    assert volunteers[0].number in badge and "章立新" in badge.replace(" ", "")
    batch = client.get(reverse("helpdesk:unit-badges", args=[tree.branch.pk])).content
    assert pdf_page_count(batch) == 5


def test_the_monthly_report_comes_as_excel_and_pdf(
    client, town_organiser, tree, team, volunteers, team_leader
):
    services.log_service(
        team=team,
        served_at=timezone.now() - dt.timedelta(minutes=5),
        people_served="=HYPERLINK(1)",
        category="cleaning",
        content="清理垃圾",
        volunteers=volunteers[:2],
        hours=Decimal("2"),
        by=team_leader,
    )
    client.force_login(town_organiser)
    today = timezone.localdate()
    args = [tree.town.pk, today.year, today.month]
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("helpdesk:month-report-xlsx", args=args)).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # headers, the log, the totals
    assert rows[1][5] == "'=HYPERLINK(1)"
    assert rows[1][11] == 4  # volunteer hours: 2 volunteers × 2 h
    pdf = client.get(reverse("helpdesk:month-report-pdf", args=args))
    assert pdf.content.startswith(b"%PDF")
    page = client.get(reverse("helpdesk:month-report", args=args)).content.decode()
    assert "清理垃圾" in page


def test_the_excellent_list_exports_each_ones_figures(client, district_organiser, tree, volunteers):
    from helpdesk.models import VolunteerYear

    VolunteerYear.objects.create(
        profile=volunteers[0], year=YEAR, hours=Decimal("320"), services=40, votes=10, favourable=9
    )
    client.force_login(district_organiser)
    page = client.get(reverse("helpdesk:excellent", args=[tree.district.pk, YEAR]))
    assert "章立新" in page.content.decode()
    sheet = load_workbook(
        io.BytesIO(
            client.get(reverse("helpdesk:excellent-xlsx", args=[tree.district.pk, YEAR])).content
        )
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == (volunteers[0].number, "章立新")
    assert rows[1][6:10] == (320, 40, 10, 9)


def test_the_district_organiser_sets_the_rule_and_a_town_organiser_reads_it(
    english_client, district_organiser, town_organiser, tree
):
    url = reverse("helpdesk:excellence-rule", args=[tree.district.pk, YEAR])
    client = _as(english_client, town_organiser)
    assert client.get(url).status_code == 200
    data = {
        "min_hours": "200",
        "min_services": "50",
        "min_favourable_percent": "90",
        "favourable_comparison": "at_least",
    }
    assert client.post(url, data).status_code == 403
    client.force_login(district_organiser)
    client.post(url, data)
    rule = services.excellence_rule(tree.district, YEAR)
    assert (rule.min_hours, rule.min_services, rule.min_favourable_percent) == (200, 50, 90)


def test_a_team_leader_finds_their_team_on_the_home_page(client, team, team_leader):
    client.force_login(team_leader)
    page = client.get(reverse("home")).content.decode()
    assert reverse("helpdesk:team-detail", args=[team.pk]) in page
