"""Joining the volunteer pool (申请成为党员义工): a member applies on their phone, naming
what they can do and when and accepting the district's code of conduct (挂牌服务), a
version the district keeps; the branch secretary approves (which enrols them) or
declines with a reason, and the member is told either way."""

import pytest
from django.conf import settings
from django.urls import reverse

from helpdesk import services
from helpdesk.models import ConductText, VolunteerApplication, VolunteerProfile
from inbox.models import Notification
from tests.helpdesk.objects import make_volunteer


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages are matched in English, the source language (the catalogue changes)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


State = VolunteerApplication.State


@pytest.fixture
def applicant(member_user):
    return member_user.member_file


def _fields(capabilities, version=0, **extra) -> dict:
    return {
        "capability_types": [capabilities["生活服务型"].pk, capabilities["医疗服务型"].pk],
        "specialties": "水电维修",
        "availability": "周末和晚上",
        "conduct_version": str(version),
        "accept": "on",
    } | extra


def _apply(applicant, capabilities, by=None):
    return services.apply_to_volunteer(
        member=applicant,
        capability_types=[capabilities["生活服务型"]],
        specialties="水电维修",
        conduct_version=services.conduct_text(applicant.branch.parent.parent).version,
        accepted=True,
        by=by,
    )


def test_a_member_applies_from_the_phone_and_the_secretary_hears_of_it(
    client, member_user, applicant, capabilities, secretary
):
    client.force_login(member_user)
    response = client.post(reverse("helpdesk:apply"), _fields(capabilities))
    assert response.status_code == 302
    application = VolunteerApplication.objects.get()
    assert (application.state, application.specialties, application.branch) == (
        State.WAITING, "水电维修", applicant.branch
    )  # fmt: skip
    assert {t.name for t in application.capability_types.all()} == {"生活服务型", "医疗服务型"}
    assert Notification.objects.filter(recipient=secretary).count() == 1
    page = client.get(reverse("helpdesk:apply")).content.decode()
    assert 'data-state="waiting"' in page and 'id="apply-form"' not in page


def test_the_accepted_version_and_time_are_kept(client, member_user, capabilities):
    client.force_login(member_user)
    client.post(reverse("helpdesk:apply"), _fields(capabilities))
    application = VolunteerApplication.objects.get()
    assert application.conduct.version == 1  # the default text, kept as it was accepted
    assert application.conduct.body == services.default_conduct_text()
    assert application.accepted_at is not None


def test_without_accepting_the_code_of_conduct_nothing_is_sent(client, member_user, capabilities):
    client.force_login(member_user)
    fields = _fields(capabilities)
    del fields["accept"]
    response = client.post(reverse("helpdesk:apply"), fields)
    assert response.status_code == 200
    assert "Accept the service standards" in response.content.decode()
    assert not VolunteerApplication.objects.exists()


def test_an_application_on_an_older_text_is_refused(
    client, member_user, capabilities, tree, district_organiser
):
    client.force_login(member_user)
    page_version = services.conduct_text(tree.district).version  # 0: the default shown
    services.set_conduct_text(
        district=tree.district, body="佩戴义工证，手机常开。", by=district_organiser
    )
    response = client.post(reverse("helpdesk:apply"), _fields(capabilities, page_version))
    assert "has just changed" in response.content.decode()
    assert "佩戴义工证" in response.content.decode()
    assert not VolunteerApplication.objects.exists()


def test_a_member_cannot_apply_twice_while_one_waits(applicant, capabilities):
    _apply(applicant, capabilities)
    with pytest.raises(services.HelpdeskError, match="already waiting"):
        _apply(applicant, capabilities)
    assert VolunteerApplication.objects.count() == 1


def test_a_volunteer_cannot_apply(tree, capabilities):
    volunteer = make_volunteer(tree.branch, tree.grid, "章立新", capabilities["法律服务型"])
    with pytest.raises(services.HelpdeskError, match="already a volunteer"):
        _apply(volunteer.member, capabilities)
    assert not VolunteerApplication.objects.exists()


def test_the_secretary_approves_and_the_member_is_enrolled_and_told(
    client, applicant, member_user, capabilities, secretary
):
    application = _apply(applicant, capabilities)
    client.force_login(secretary)
    url = reverse("helpdesk:application", args=[application.pk])
    response = client.post(url, {"action": "approve"})
    profile = VolunteerProfile.objects.get(member=applicant)
    assert response.url == reverse("helpdesk:volunteer-detail", args=[profile.pk])
    application.refresh_from_db()
    assert (application.state, application.profile, application.decided_by) == (
        State.APPROVED, profile, secretary
    )  # fmt: skip
    assert profile.specialties == "水电维修"
    assert "生活服务型" in {t.name for t in applicant.capability_types.all()}
    assert Notification.objects.filter(recipient=member_user, subject__contains=profile.number)


def test_declining_needs_a_reason(client, applicant, capabilities, secretary):
    application = _apply(applicant, capabilities)
    client.force_login(secretary)
    url = reverse("helpdesk:application", args=[application.pk])
    response = client.post(url, {"action": "decline", "reason": "   "})
    assert response.status_code == 200
    assert "Say why the application is declined." in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.WAITING
    with pytest.raises(services.HelpdeskError):
        services.decline_application(application=application, reason="", by=secretary)


def test_the_secretary_declines_with_a_reason_the_member_reads(
    client, applicant, member_user, capabilities, secretary
):
    application = _apply(applicant, capabilities)
    client.force_login(secretary)
    url = reverse("helpdesk:application", args=[application.pk])
    assert client.post(url, {"action": "decline", "reason": "本网格义工已满"}).status_code == 302
    application.refresh_from_db()
    assert (application.state, application.reason) == (State.DECLINED, "本网格义工已满")
    assert not VolunteerProfile.objects.filter(member=applicant).exists()
    assert Notification.objects.filter(recipient=member_user, body__contains="本网格义工已满")
    client.force_login(member_user)
    page = client.get(reverse("helpdesk:apply")).content.decode()
    assert "本网格义工已满" in page and 'id="apply-form"' in page  # may apply again


def test_a_decided_application_cannot_be_decided_again(applicant, capabilities, secretary):
    application = _apply(applicant, capabilities)
    services.decline_application(application=application, reason="名额已满", by=secretary)
    with pytest.raises(services.HelpdeskError, match="already decided"):
        services.approve_application(application=application, by=secretary)
    assert not VolunteerProfile.objects.filter(member=applicant).exists()


def test_the_applicant_reads_but_does_not_decide(client, applicant, member_user, capabilities):
    application = _apply(applicant, capabilities)
    client.force_login(member_user)
    url = reverse("helpdesk:application", args=[application.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "approve"}).status_code == 403


def test_another_branchs_secretary_does_not_see_the_application(
    client, applicant, capabilities, neighbour_secretary
):
    application = _apply(applicant, capabilities)
    client.force_login(neighbour_secretary)
    assert client.get(reverse("helpdesk:application", args=[application.pk])).status_code == 404


def test_the_secretarys_volunteer_list_shows_applications_waiting(
    client, tree, applicant, capabilities, secretary
):
    _apply(applicant, capabilities)
    client.force_login(secretary)
    page = client.get(reverse("helpdesk:volunteer-list", args=[tree.branch.pk])).content.decode()
    assert 'id="applications-waiting"' in page and applicant.name in page


def test_the_district_keeps_each_version_of_the_code_of_conduct(
    client, tree, district_organiser, town_organiser
):
    client.force_login(district_organiser)
    url = reverse("helpdesk:conduct", args=[tree.district.pk])
    assert client.post(url, {"body": "一、佩戴义工证"}).status_code == 302
    assert client.post(url, {"body": "一、佩戴义工证；二、手机常开"}).status_code == 302
    assert client.post(url, {"body": "  "}).status_code == 200  # refused, nothing saved
    assert list(ConductText.objects.values_list("version", flat=True).order_by("version")) == [1, 2]
    assert services.conduct_text(tree.district).body == "一、佩戴义工证；二、手机常开"
    client.force_login(town_organiser)
    assert client.post(url, {"body": "改"}).status_code == 403


def test_a_member_who_is_not_a_volunteer_finds_the_application_from_their_record(
    client, member_user
):
    client.force_login(member_user)
    page = client.get(reverse("helpdesk:my-volunteer")).content.decode()
    assert reverse("helpdesk:apply") in page
