"""The rows of the dispatch board and of a team's page, written in Python
(helpdesk/templatetags/helpdesk_rows.py): what each row says and links to, for whom, and
that text typed by people stays text."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from helpdesk import services
from helpdesk.models import HelpRequest, VolunteerYear
from tests.helpdesk.conftest import ask
from tests.helpdesk.objects import make_volunteer

HOSTILE = '<script>alert("x")</script>&'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"


def _log(team, volunteers, leader, **extra):
    fields = {
        "team": team,
        "served_at": timezone.now() - dt.timedelta(hours=2),
        "people_served": "王大爷",
        "category": "medical",
        "content": "量血压",
        "volunteers": volunteers,
        "hours": Decimal("1.5"),
        "by": leader,
    }
    fields.update(extra)
    return services.log_service(**fields)


def _page(client, user, team) -> str:
    client.force_login(user)
    response = client.get(reverse("helpdesk:team-detail", args=[team.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_team_page_lists_the_leader_first_with_each_ones_types_and_year(
    english_client, team_leader, tree, team, volunteers
):
    VolunteerYear.objects.create(
        profile=volunteers[1], year=timezone.localdate().year, hours=Decimal("12.5"), services=3
    )
    page = _page(english_client, team_leader, team)
    table = page[
        page.index('id="team-members"') : page.index("</table>", page.index("team-members"))
    ]
    rows = table.split("<tr>")[2:]  # after the heading row
    assert len(rows) == 4
    assert "章立新" in rows[0]
    assert '<span class="badge text-bg-danger">leader</span>' in rows[0]
    assert "水电维修" in rows[0]  # the profile's specialties
    assert "生活服务型" in rows[0]
    guilan = next(row for row in rows if "俞桂兰" in row)
    volunteer_url = reverse("helpdesk:volunteer-detail", args=[volunteers[1].pk])
    assert f'<a href="{volunteer_url}">俞桂兰</a>' in guilan
    assert '<td class="text-end">12.5</td><td class="text-end">3</td>' in guilan
    guoqiang = next(row for row in rows if "楼国强" in row)
    assert '<td class="small">—</td>' in guoqiang  # no specialties
    assert '<td class="text-end">0</td><td class="text-end">0</td>' in guoqiang  # no year yet
    assert "leader" not in guoqiang


def test_the_team_page_lists_each_log_with_its_volunteers_request_and_correction(
    english_client, team_leader, district_organiser, tree, team, volunteers
):
    request = ask(tree)
    log = _log(team, volunteers[:2], team_leader, request=request)
    plain = _log(
        team,
        volunteers[2:3],
        team_leader,
        content="x" * 200,
        served_at=timezone.now() - dt.timedelta(hours=3),
    )
    services.correct_service_log(
        log=log,
        hours=Decimal("2"),
        volunteers=volunteers[:2],
        people_served=log.people_served,
        people_count=log.people_count,
        content=log.content,
        reason="时长记错",
        by=team_leader,
    )
    page = _page(english_client, team_leader, team)
    logs = page[page.index('id="team-logs"') :]
    corrected, other = logs.split('<li class="mb-2 pb-2 border-bottom">')[1:3]
    assert reverse("helpdesk:log-detail", args=[log.pk]) in corrected
    assert "corrected</span>" in corrected
    assert "2 h each" in corrected
    request_url = reverse("helpdesk:request-detail", args=[request.pk])
    assert f'href="{request_url}">{request.code}</a>' in corrected
    assert "Served: 王大爷 · 章立新、俞桂兰" in corrected
    assert reverse("helpdesk:log-correct", args=[log.pk]) in corrected
    assert "corrected</span>" not in other
    assert "1.5 h each" in other
    assert "x" * 119 + "…" in other  # truncated at 120 characters
    assert reverse("helpdesk:log-correct", args=[plain.pk]) in other
    # The district organiser reads the logs but corrects none of them.
    page = _page(english_client, district_organiser, team)
    assert reverse("helpdesk:log-detail", args=[log.pk]) in page
    assert reverse("helpdesk:log-correct", args=[log.pk]) not in page


def test_the_team_page_lists_the_latest_requests_with_their_state(
    english_client, team_leader, tree, team
):
    first, second = ask(tree), ask(tree, category="medical")
    services.mark_on_site(request=second, by=team_leader)
    page = _page(english_client, team_leader, team)
    requests = page[page.index('id="team-requests"') :]
    assert requests.index(second.code) < requests.index(first.code)  # newest first
    assert "Medical and health" in requests
    assert 'data-state="on_site">On site</span>' in requests
    assert 'data-state="dispatched">Dispatched</span>' in requests


def test_an_empty_team_page_says_so(english_client, team_leader, team):
    page = _page(english_client, team_leader, team)
    assert "No service logged yet." in page
    assert "No requests yet." in page


def test_typed_text_stays_text_on_the_team_page(
    english_client, secretary, tree, team, volunteers, capabilities
):
    hostile = make_volunteer(
        tree.branch, tree.grid, HOSTILE, capabilities["法律服务型"], specialties=HOSTILE
    )
    services.set_team(
        grid=tree.grid,
        name=team.name,
        leader=volunteers[0],
        volunteers=[*volunteers[:4], hostile],
        by=secretary,
    )
    _log(team, [hostile], secretary, content=HOSTILE, people_served=HOSTILE)
    page = _page(english_client, secretary, team)
    assert "<script>" not in page
    members = page[page.index('id="team-members"') :]
    assert members.count(ESCAPED) >= 2  # the name and the specialties
    logs = page[page.index('id="team-logs"') :]
    assert logs.count(ESCAPED) >= 3  # the content, who was served, who was there
    history = page[page.index('id="team-history"') :]
    assert ESCAPED in history


def test_the_board_rows_say_who_holds_each_request_and_how_long_it_waits(
    english_client, secretary, tree, team
):
    held = ask(tree)
    nobody = ask(tree, grid=None, address="?", category="legal")
    HelpRequest.objects.filter(pk=nobody.pk).update(
        received_at=timezone.now() - dt.timedelta(minutes=30)
    )
    english_client.force_login(secretary)
    page = english_client.get(reverse("helpdesk:board")).content.decode()
    rows = {
        code: page[page.index(f'data-code="{code}"') :].split("</tr>")[0]
        for code in (held.code, nobody.code)
    }
    held_url = reverse("helpdesk:request-detail", args=[held.pk])
    assert f'href="{held_url}">{held.code}</a>' in rows[held.code]
    assert team.name in rows[held.code]
    assert 'data-state="dispatched">Dispatched</span>' in rows[held.code]
    assert "Online form" in rows[held.code]
    unowned = rows[nobody.code]
    assert page.index(nobody.code) < page.index(held.code)  # no team holds it: first
    assert "mark-unowned" in unowned and "mark-late" in unowned
    assert '<div class="late-reason">not dispatched</div>' in unowned
    assert "No team yet" in unowned
    assert "30 min" in unowned
    assert "Legal advice" in unowned


def test_finished_requests_wait_no_longer_on_the_board(english_client, secretary, tree, team):
    done = ask(tree)
    services.close(request=done, reason="重复", by=secretary)
    english_client.force_login(secretary)
    page = english_client.get(reverse("helpdesk:board"), {"state": "all"}).content.decode()
    row = page[page.index(f'data-code="{done.code}"') :].split("</tr>")[0]
    assert '<span class="text-muted">—</span>' in row
    assert 'data-state="closed">Closed</span>' in row
    empty = english_client.get(reverse("helpdesk:board")).content.decode()
    assert "No requests here." in empty


def test_typed_text_stays_text_on_the_board(english_client, secretary, tree, team):
    ask(tree, description=HOSTILE)
    english_client.force_login(secretary)
    page = english_client.get(reverse("helpdesk:board")).content.decode()
    assert "<script>" not in page
    assert f'<div class="small text-muted text-truncate board-desc">{ESCAPED}</div>' in page


def test_hours_are_written_as_floatformat_writes_them():
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    from helpdesk.templatetags.helpdesk_rows import hours

    values = ["0", "2", "2.0", "2.5", "0.1", "-1.5", "1234.5", "2.04", "2.05", "2.25", "99999.9"]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for text in values:
                assert hours(Decimal(text)) == floatformat(Decimal(text), "-1"), text


def test_the_service_crumbs_link_the_service_the_units_above_and_the_unit(tree):
    from helpdesk.templatetags.helpdesk_rows import service_crumbs

    tree.town.name = "<b>镇</b>"
    html = service_crumbs([tree.town, tree.branch], tree.grid, "第1网格服务队")
    assert html.startswith('<nav aria-label="Breadcrumb"><ol class="breadcrumb">')
    links = [
        (reverse("helpdesk:board"), "Volunteer service"),
        (reverse("helpdesk:unit", args=[tree.town.pk]), "&lt;b&gt;镇&lt;/b&gt;"),
        (reverse("helpdesk:unit", args=[tree.branch.pk]), tree.branch.name),
        (reverse("helpdesk:unit", args=[tree.grid.pk]), tree.grid.name),
    ]
    for url, text in links:
        assert f'<li class="breadcrumb-item"><a href="{url}">{text}</a></li>' in html
    assert '<li class="breadcrumb-item active" aria-current="page">第1网格服务队</li>' in html


def test_the_service_crumbs_without_units_or_current_page_link_the_service_only():
    from helpdesk.templatetags.helpdesk_rows import service_crumbs

    html = service_crumbs("", "", "")
    assert html.count("<li") == 1
    assert "active" not in html
