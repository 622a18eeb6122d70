"""Service logs can be corrected (服务日志更正) by the team's leader or the branch
secretary, with a reason: the points follow through the ledger's corrections (never an
edit), the hours and the excellent-volunteer figures follow, and the history shows both
what was recorded and the correction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from helpdesk import services
from helpdesk.models import ServiceLog, ServiceLogCorrection, VolunteerYear
from scoring import queries as scoring_queries
from scoring import services as scoring_services
from scoring.models import Activity, PointsEntry
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages are matched in English, the source language (the catalogue changes)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


YEAR = timezone.localdate().year


def _log(team, people, leader, *, hours="8"):
    return services.log_service(
        team=team,
        served_at=timezone.now() - dt.timedelta(hours=3),
        people_served="王大爷",
        category="daily_life",
        content="修理厨房水管",
        volunteers=people,
        hours=Decimal(hours),
        by=leader,
    )


def _correct(log, by, *, hours=None, volunteers=None, reason="多写了一个零", **extra):
    fields = {
        "people_served": log.people_served,
        "people_count": log.people_count,
        "content": log.content,
    } | extra
    return services.correct_service_log(
        log=log,
        hours=Decimal(hours) if hours is not None else log.hours,
        volunteers=volunteers if volunteers is not None else list(log.volunteers.all()),
        reason=reason,
        by=by,
        **fields,
    )


def _figures(profile) -> tuple:
    row = VolunteerYear.objects.get(profile=profile, year=YEAR)
    return row.hours, row.services


def _points(member) -> Decimal:
    return PointsEntry.objects.filter(member=member).total()


@pytest.fixture
def logged(team, volunteers, team_leader):
    """章立新 and 俞桂兰 logged 8 hours for a service that took 2."""
    return _log(team, volunteers[:2], team_leader, hours="8")


def test_corrected_hours_replace_the_logged_ones_in_the_volunteers_figures(
    logged, volunteers, team_leader
):
    _correct(logged, team_leader, hours="2")
    assert _figures(volunteers[0]) == (Decimal("2"), 1)
    assert _figures(volunteers[1]) == (Decimal("2"), 1)


def test_the_300_hour_figure_counts_the_corrected_hours_once(team, volunteers, team_leader):
    """The excellent-volunteer list reads the year's hours from `VolunteerYear`."""
    log = _log(team, volunteers[:2], team_leader, hours="24")
    _correct(log, team_leader, hours="20")
    _correct(log, team_leader, hours="2", reason="再次核对")
    assert _figures(volunteers[0]) == (Decimal("2"), 1)
    assert scoring_queries.points_card(volunteers[0].member, YEAR).hours == Decimal("2")


def test_the_points_card_shows_the_corrected_hours_once(logged, volunteers, team_leader):
    _correct(logged, team_leader, hours="2")
    card = scoring_queries.points_card(volunteers[0].member, YEAR)
    assert card.hours == Decimal("2")


def test_the_original_entries_are_corrected_never_edited(logged, volunteers, team_leader):
    original = logged.activity
    entries = list(PointsEntry.objects.filter(attendance__activity=original))
    _correct(logged, team_leader, hours="2")
    for entry in entries:
        again = PointsEntry.objects.get(pk=entry.pk)
        assert (again.points, again.month) == (entry.points, entry.month)
        (withdrawal,) = again.corrections.all()
        assert withdrawal.points == -entry.points
        assert "多写了一个零" in withdrawal.reason
    logged.refresh_from_db()
    assert logged.activity != original
    assert logged.activity.hours == Decimal("2")
    assert Activity.objects.get(pk=original.pk).hours == Decimal("8")  # as recorded


def test_points_stay_the_same_when_only_the_hours_change(logged, volunteers, team_leader):
    before = _points(volunteers[0].member)
    _correct(logged, team_leader, hours="2")
    assert _points(volunteers[0].member) == before


def test_a_volunteer_taken_off_the_log_loses_its_points_and_hours(logged, volunteers, team_leader):
    _correct(logged, team_leader, volunteers=volunteers[:1], reason="俞桂兰没有到场")
    assert _points(volunteers[1].member) == 0
    assert _figures(volunteers[1]) == (Decimal("0"), 0)
    assert scoring_queries.points_card(volunteers[1].member, YEAR).hours == 0
    # Alone, 章立新's service is an individual one: 3 points instead of 2.
    assert _points(volunteers[0].member) == Decimal("3")


def test_a_volunteer_added_to_the_log_earns_its_points_and_hours(logged, volunteers, team_leader):
    _correct(logged, team_leader, volunteers=volunteers[:3], reason="漏记了楼国强")
    assert _points(volunteers[2].member) == Decimal("2")
    assert _figures(volunteers[2]) == (Decimal("8"), 1)


def test_the_content_alone_is_corrected_without_touching_the_ledger(
    logged, volunteers, team_leader
):
    activity, entries = logged.activity, PointsEntry.objects.count()
    _correct(logged, team_leader, content="修理卫生间水管", people_count=2)
    logged.refresh_from_db()
    assert (logged.content, logged.people_count) == ("修理卫生间水管", 2)
    assert logged.activity == activity
    assert PointsEntry.objects.count() == entries


def test_the_branch_secretary_may_correct_a_log(client, logged, secretary, volunteers, team_leader):
    client.force_login(secretary)
    response = client.post(
        reverse("helpdesk:log-correct", args=[logged.pk]),
        {
            "hours": "2",
            "people_served": "王大爷",
            "people_count": "1",
            "content": "修理厨房水管",
            "volunteers": [v.pk for v in volunteers[:2]],
            "reason": "纸质台账核对",
        },
    )
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.hours == Decimal("2")


def test_the_team_leader_corrects_a_log_on_its_page(client, logged, team_leader, volunteers):
    client.force_login(team_leader)
    url = reverse("helpdesk:log-correct", args=[logged.pk])
    assert client.get(url).context["form"].initial["hours"] == Decimal("8")
    response = client.post(
        url,
        {
            "hours": "2",
            "people_served": "王大爷",
            "people_count": "1",
            "content": "修理厨房水管",
            "volunteers": [v.pk for v in volunteers[:2]],
            "reason": "多写了一个零",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("helpdesk:log-detail", args=[logged.pk])
    assert ServiceLogCorrection.objects.get(log=logged).corrected_by == team_leader


def test_a_volunteer_who_does_not_lead_cannot_correct(client, logged, volunteers):
    own = UserFactory(username="yu")
    member = volunteers[1].member
    member.user = own
    member.save()
    client.force_login(own)
    url = reverse("helpdesk:log-correct", args=[logged.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"hours": "1", "reason": "我只干了一小时"})
    assert response.status_code == 404
    logged.refresh_from_db()
    assert logged.hours == Decimal("8")


def test_the_town_organiser_reads_the_log_but_cannot_correct_it(client, logged, town_organiser):
    client.force_login(town_organiser)
    assert client.get(reverse("helpdesk:log-detail", args=[logged.pk])).status_code == 200
    url = reverse("helpdesk:log-correct", args=[logged.pk])
    assert client.post(url, {"hours": "1", "reason": "x"}).status_code == 403
    assert not ServiceLogCorrection.objects.exists()


def test_an_empty_reason_is_refused_and_nothing_changes(client, logged, team_leader, volunteers):
    client.force_login(team_leader)
    entries = PointsEntry.objects.count()
    response = client.post(
        reverse("helpdesk:log-correct", args=[logged.pk]),
        {
            "hours": "2",
            "people_served": "王大爷",
            "people_count": "1",
            "content": "修理厨房水管",
            "volunteers": [v.pk for v in volunteers[:2]],
            "reason": "   ",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    logged.refresh_from_db()
    assert logged.hours == Decimal("8")
    assert PointsEntry.objects.count() == entries
    assert not ServiceLogCorrection.objects.exists()


def test_the_service_refuses_an_empty_reason(logged, team_leader):
    with pytest.raises(services.HelpdeskError, match="Say why"):
        _correct(logged, team_leader, hours="2", reason=" ")
    assert ServiceLog.objects.get(pk=logged.pk).hours == Decimal("8")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({}, "Nothing to correct"),
        ({"volunteers": []}, "Tick the volunteers"),
        ({"hours": "30"}, "at most 24"),
    ],
)
def test_a_correction_that_breaks_a_rule_is_refused(logged, team_leader, changes, message):
    with pytest.raises(services.HelpdeskError, match=message):
        _correct(logged, team_leader, **changes)
    assert not ServiceLogCorrection.objects.exists()


def test_a_volunteer_of_another_team_cannot_be_put_on_the_log(logged, team_leader, neighbour_team):
    stranger = neighbour_team.leader
    with pytest.raises(services.HelpdeskError, match="Not volunteers of this team"):
        _correct(logged, team_leader, volunteers=[stranger])


def test_bad_figures_on_the_form_are_errors_not_server_errors(client, logged, team_leader):
    client.force_login(team_leader)
    response = client.post(
        reverse("helpdesk:log-correct", args=[logged.pk]),
        {"hours": "abc", "people_count": "-1", "volunteers": ["x"], "reason": "r" * 500},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"hours", "people_count", "reason"}


def test_the_history_shows_the_original_and_the_correction_in_words(
    client, logged, team_leader, volunteers
):
    _correct(logged, team_leader, hours="2", volunteers=volunteers[:1], reason="多写了一个零")
    client.force_login(team_leader)
    page = client.get(reverse("helpdesk:log-detail", args=[logged.pk])).content.decode()
    original = page[page.index('id="log-original"') :]
    assert "章立新、俞桂兰" in original.split("</dl>")[0]
    assert ">8<" in original.split("</dl>")[0]
    correction = page[page.index('class="mb-2 pt-2 border-top log-correction"') :]
    assert "多写了一个零" in correction
    assert "Hours each: 8 → 2" in correction
    assert "Volunteers present: 章立新、俞桂兰 → 章立新" in correction


def test_the_volunteer_sees_the_corrected_hours_on_their_record(
    client, logged, team_leader, volunteers
):
    own = UserFactory(username="zhang")
    member = volunteers[0].member
    member.user = own
    member.save()
    _correct(logged, team_leader, hours="2")
    client.force_login(own)
    page = client.get(reverse("helpdesk:my-volunteer")).content.decode()
    assert 'id="year-hours">2<' in page


def test_a_correction_after_the_month_is_published_counts_in_the_next_open_month(
    tree, team, volunteers, team_leader, secretary
):
    log = _log(team, volunteers[:2], team_leader, hours="8")
    month = timezone.localdate().replace(day=1)
    scoring_services.publish_tally(branch=tree.branch, month=month, by=secretary)
    _correct(log, team_leader, volunteers=volunteers[:1], reason="俞桂兰没有到场")
    following = (month + dt.timedelta(days=32)).replace(day=1)
    withdrawal = PointsEntry.objects.get(member=volunteers[1].member, corrects__isnull=False)
    assert withdrawal.month == following


def test_the_team_and_volunteer_pages_mark_the_corrected_log(
    client, logged, team, team_leader, secretary, volunteers
):
    _correct(logged, team_leader, hours="2")
    detail = reverse("helpdesk:log-detail", args=[logged.pk])
    client.force_login(secretary)
    for url in (
        reverse("helpdesk:team-detail", args=[team.pk]),
        reverse("helpdesk:volunteer-detail", args=[volunteers[0].pk]),
    ):
        page = client.get(url).content.decode()
        assert "corrected" in page, url
    assert detail in client.get(reverse("helpdesk:team-detail", args=[team.pk])).content.decode()
