"""The year's excellent volunteers, selected (优秀党员义工评选): a town proposes from its
qualifying list, the district confirms and publishes; the published list is public
(names, villages, teams; never a phone) and frozen; the honour shows on the
volunteer's record and badge check. The district's least number of ratings keeps one
vote from making a 100 % share."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from helpdesk import queries, services
from helpdesk.models import ExcellentNomination, ExcellentSelection, VolunteerYear
from inbox.models import Notification
from members.models import Member
from tests.factories import UserFactory
from tests.helpdesk.objects import make_volunteer


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages are matched in English, the source language (the catalogue changes)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


YEAR = timezone.localdate().year
State = ExcellentNomination.State


def _figures(profile, *, hours="400", votes=10, favourable=10) -> VolunteerYear:
    return VolunteerYear.objects.create(
        profile=profile, year=YEAR, hours=Decimal(hours), services=0, votes=votes,
        favourable=favourable,
    )  # fmt: skip


@pytest.fixture
def star(tree, volunteers):
    """章立新 of 秦望村: 400 hours, 10 of 10 favourable; has a log-in and a phone."""
    profile = volunteers[0]
    member = profile.member
    member.user = UserFactory(username="zhanglx")
    member.phone = "13900001111"
    member.save()
    _figures(profile)
    return profile


def _propose(tree, profile, by, note=""):
    return services.propose_excellent(town=tree.town, profile=profile, year=YEAR, note=note, by=by)


# --- the least number of ratings --------------------------------------------------------------


@pytest.mark.parametrize("votes, excellent", [(4, False), (5, True)])
def test_the_share_counts_only_from_the_least_number_of_ratings(tree, volunteers, votes, excellent):
    _figures(volunteers[0], votes=votes, favourable=votes)  # 100 % of the votes
    rule = services.excellence_rule(tree.district, YEAR)
    names = {r.profile.member.name for r in queries.excellent_volunteers(tree.town, YEAR, rule)}
    assert (names == {"章立新"}) is excellent
    assert rule.qualifies(hours=Decimal("400"), services=0, votes=votes, favourable=votes) is (
        excellent
    )


def test_the_district_sets_the_least_number_of_ratings(tree, volunteers, district_organiser):
    _figures(volunteers[0], votes=1, favourable=1)
    services.set_excellence_rule(
        district=tree.district, year=YEAR, min_hours=Decimal("300"), min_services=100,
        min_favourable_percent=80, min_votes=1, by=district_organiser,
    )  # fmt: skip
    rule = services.excellence_rule(tree.district, YEAR)
    assert [r.profile.member.name for r in queries.excellent_volunteers(tree.town, YEAR, rule)] == [
        "章立新"
    ]


def test_the_rule_page_saves_the_least_number_of_ratings(client, tree, district_organiser):
    client.force_login(district_organiser)
    url = reverse("helpdesk:excellence-rule", args=[tree.district.pk, YEAR])
    fields = {"min_hours": "300", "min_services": "100", "min_favourable_percent": "80",
              "favourable_comparison": "at_least"}  # fmt: skip
    assert client.post(url, fields | {"min_votes": "0"}).status_code == 200  # refused
    assert services.excellence_rule(tree.district, YEAR).pk is None
    assert client.post(url, fields | {"min_votes": "8"}).status_code == 302
    assert services.excellence_rule(tree.district, YEAR).min_votes == 8


def test_the_list_says_who_has_enough_service_but_too_few_ratings(
    client, tree, volunteers, district_organiser
):
    _figures(volunteers[0], votes=2, favourable=2)
    client.force_login(district_organiser)
    page = client.get(reverse("helpdesk:excellent", args=[tree.town.pk, YEAR])).content.decode()
    assert 'id="too-few-ratings"' in page
    assert "章立新" in page.split('id="too-few-ratings"')[1]
    assert "章立新" not in page.split('id="excellent-table"')[1].split("</table>")[0]


# --- the town proposes ------------------------------------------------------------------------


def test_the_town_proposes_a_qualifying_volunteer_with_a_note(client, tree, star, town_organiser):
    client.force_login(town_organiser)
    url = reverse("helpdesk:excellent-proposals", args=[tree.town.pk, YEAR])
    response = client.post(url, {"action": "propose", "profile": star.pk, "note": "常年义务修水电"})
    assert response.status_code == 302
    nomination = ExcellentNomination.objects.get()
    assert (nomination.state, nomination.note, nomination.town) == (
        State.PROPOSED, "常年义务修水电", tree.town
    )  # fmt: skip
    assert (nomination.hours, nomination.proposed_by) == (Decimal("400"), town_organiser)


def test_the_town_cannot_propose_a_volunteer_who_does_not_qualify(
    client, tree, volunteers, town_organiser
):
    _figures(volunteers[1], votes=10, favourable=7)  # 70 %
    client.force_login(town_organiser)
    url = reverse("helpdesk:excellent-proposals", args=[tree.town.pk, YEAR])
    response = client.post(url, {"action": "propose", "profile": volunteers[1].pk, "note": "好"})
    assert response.status_code == 200
    assert "does not meet the rule" in response.content.decode()
    assert not ExcellentNomination.objects.exists()


def test_a_town_cannot_propose_a_volunteer_of_another_town(tree, other_town_organiser):
    outsider = make_volunteer(tree.other_branch, None, "外镇义工")
    _figures(outsider)
    with pytest.raises(services.HelpdeskError):
        _propose(tree, outsider, other_town_organiser)  # 东浦街道's volunteer, 鉴湖镇's list
    assert not ExcellentNomination.objects.exists()


def test_another_towns_organiser_cannot_open_the_towns_proposals(
    client, tree, star, other_town_organiser
):
    client.force_login(other_town_organiser)
    url = reverse("helpdesk:excellent-proposals", args=[tree.town.pk, YEAR])
    assert client.post(url, {"action": "propose", "profile": star.pk}).status_code == 404
    assert not ExcellentNomination.objects.exists()


def test_the_district_reads_the_towns_proposals_but_does_not_propose(
    client, tree, star, district_organiser
):
    client.force_login(district_organiser)
    url = reverse("helpdesk:excellent-proposals", args=[tree.town.pk, YEAR])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "propose", "profile": star.pk}).status_code == 403


def test_a_volunteer_is_proposed_once(tree, star, town_organiser):
    _propose(tree, star, town_organiser)
    with pytest.raises(services.HelpdeskError, match="already on the list"):
        _propose(tree, star, town_organiser)


def test_a_withdrawn_proposal_may_be_made_again(tree, star, town_organiser):
    nomination = services.withdraw_nomination(
        nomination=_propose(tree, star, town_organiser), by=town_organiser
    )
    assert nomination.state == State.WITHDRAWN
    assert _propose(tree, star, town_organiser, note="再次推荐").state == State.PROPOSED


# --- the district confirms and publishes ------------------------------------------------------


def test_the_district_confirms_and_publishes_and_the_volunteer_is_told(
    client, tree, star, town_organiser, district_organiser
):
    nomination = _propose(tree, star, town_organiser)
    client.force_login(district_organiser)
    url = reverse("helpdesk:excellent-selection", args=[tree.district.pk, YEAR])
    assert client.post(url, {"action": "confirm", "nomination": nomination.pk}).status_code == 302
    assert client.post(url, {"action": "publish"}).status_code == 302
    nomination.refresh_from_db()
    selection = ExcellentSelection.objects.get()
    assert nomination.state == State.CONFIRMED
    assert (nomination.decided_by, selection.published_by) == (
        district_organiser,
        district_organiser,
    )
    assert Notification.objects.filter(recipient=star.member.user).count() == 1


def test_a_town_organiser_cannot_confirm(client, tree, star, town_organiser):
    nomination = _propose(tree, star, town_organiser)
    client.force_login(town_organiser)
    url = reverse("helpdesk:excellent-selection", args=[tree.district.pk, YEAR])
    assert client.post(url, {"action": "confirm", "nomination": nomination.pk}).status_code == 403
    nomination.refresh_from_db()
    assert nomination.state == State.PROPOSED


def test_the_district_does_not_confirm_one_who_no_longer_qualifies(
    tree, star, town_organiser, district_organiser
):
    nomination = _propose(tree, star, town_organiser)
    VolunteerYear.objects.filter(profile=star).update(hours=Decimal("250"))  # a corrected log
    with pytest.raises(services.HelpdeskError, match="no longer meets"):
        services.confirm_nomination(nomination=nomination, by=district_organiser)


def test_publishing_waits_until_every_proposal_is_decided(
    tree, star, volunteers, town_organiser, district_organiser
):
    _figures(volunteers[1])
    services.confirm_nomination(
        nomination=_propose(tree, star, town_organiser), by=district_organiser
    )
    _propose(tree, volunteers[1], town_organiser)
    with pytest.raises(services.HelpdeskError, match="still wait"):
        services.publish_selection(district=tree.district, year=YEAR, by=district_organiser)
    assert not ExcellentSelection.objects.get().is_published


def test_a_published_selection_is_frozen(
    tree, star, volunteers, town_organiser, district_organiser
):
    nomination = _propose(tree, star, town_organiser)
    services.confirm_nomination(nomination=nomination, by=district_organiser)
    services.publish_selection(district=tree.district, year=YEAR, by=district_organiser)
    _figures(volunteers[1])
    with pytest.raises(services.HelpdeskError, match="published"):
        _propose(tree, volunteers[1], town_organiser)
    with pytest.raises(services.HelpdeskError, match="published"):
        services.decline_nomination(nomination=nomination, by=district_organiser)
    nomination.refresh_from_db()
    assert nomination.state == State.CONFIRMED


# --- the public page and the honour -----------------------------------------------------------


@pytest.fixture
def published(tree, star, volunteers, town_organiser, district_organiser):
    """章立新 confirmed and published; 俞桂兰 proposed too but declined."""
    services.confirm_nomination(
        nomination=_propose(tree, star, town_organiser), by=district_organiser
    )
    _figures(volunteers[1])
    services.decline_nomination(
        nomination=_propose(tree, volunteers[1], town_organiser), by=district_organiser
    )
    return services.publish_selection(district=tree.district, year=YEAR, by=district_organiser)


def test_the_public_page_shows_nothing_before_publishing(client, tree, star, town_organiser):
    _propose(tree, star, town_organiser)
    page = client.get(reverse("helpdesk:excellent-public", args=[tree.district.pk, YEAR]))
    assert page.status_code == 200
    assert "章立新" not in page.content.decode()


def test_the_public_page_names_the_published_without_phones(client, tree, team, published):
    page = client.get(reverse("helpdesk:excellent-public", args=[tree.district.pk, YEAR]))
    html = page.content.decode()
    for shown in ["章立新", "鉴湖镇", "秦望村", "秦望村第1网格服务队"]:
        assert shown in html
    assert "俞桂兰" not in html  # declined
    phones = [p for p in Member.objects.values_list("phone", flat=True) if p]
    assert phones and not any(phone in html for phone in phones)


def test_the_honour_shows_on_the_record_and_the_badge_check(client, tree, star, published):
    client.force_login(star.member.user)
    record = client.get(reverse("helpdesk:volunteer-detail", args=[star.pk])).content.decode()
    assert 'id="honours"' in record and str(YEAR) in record.split('id="honours"')[1][:600]
    client.logout()
    badge = client.get(reverse("helpdesk:verify-badge", args=[star.verify_code])).content.decode()
    assert 'id="honours"' in badge


def test_the_honour_shows_on_the_volunteers_own_record(client, star, published):
    client.force_login(star.member.user)
    page = client.get(reverse("helpdesk:my-volunteer")).content.decode()
    assert 'id="honours"' in page


def test_a_declined_volunteer_holds_no_honour(client, tree, volunteers, published):
    badge = client.get(reverse("helpdesk:verify-badge", args=[volunteers[1].verify_code]))
    assert 'id="honours"' not in badge.content.decode()


def test_the_selection_page_makes_the_same_number_of_queries_whatever_its_length(
    client, tree, volunteers, town_organiser, district_organiser, django_assert_max_num_queries
):
    client.force_login(district_organiser)
    url = reverse("helpdesk:excellent-selection", args=[tree.district.pk, YEAR])
    for profile in volunteers[:2]:
        _figures(profile)
        _propose(tree, profile, town_organiser)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for profile in volunteers[2:]:
        _figures(profile)
        _propose(tree, profile, town_organiser)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count("helpdesk/volunteers/") >= 5
