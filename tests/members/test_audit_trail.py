"""The security audit trail: what it records, that it is append-only and kept its
retention, and the district organiser's page and export."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from members import audit
from members.models import RoleAssignment, SecurityEvent
from tests.conftest import NOW, user_with_role
from tests.factories import MemberFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
OFFICE = "10.1.1.1"
PASSWORD = "pw-for-tests"  # the factories' password


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("at", "id").values_list("kind", flat=True))


def _log_in(client, username, password, address=OFFICE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def villager(tree):
    user = UserFactory(username="villager")
    MemberFactory(branch=tree.branch, user=user, name="赵村民")
    return user


# --- what is recorded --------------------------------------------------------------------


def test_a_log_in_is_recorded_with_its_address_and_person(client, villager, tree):
    _log_in(client, "villager", PASSWORD)
    event = SecurityEvent.objects.get()
    assert (event.kind, event.actor, event.ip_address) == (Kind.LOGIN, villager, OFFICE)
    assert event.member.name == "赵村民"
    assert event.unit == tree.branch


def test_a_failed_log_in_keeps_the_name_typed_and_whose_it_is(client, villager):
    _log_in(client, "villager", "wrong-password")
    event = SecurityEvent.objects.get()
    assert (event.kind, event.actor, event.username) == (Kind.LOGIN_FAILED, None, "villager")
    assert event.member.name == "赵村民"


def test_a_failed_log_in_under_a_name_nobody_has_is_recorded_too(client, db):
    _log_in(client, "nobody-here", "wrong-password")
    assert SecurityEvent.objects.get().username == "nobody-here"


def test_a_lock_out_is_in_the_trail(client, villager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "villager", "wrong-password")
    assert kinds() == [Kind.LOGIN_FAILED] * (settings.AXES_FAILURE_LIMIT - 1) + [Kind.LOCKED_OUT]
    assert SecurityEvent.objects.get(kind=Kind.LOCKED_OUT).ip_address == OFFICE


def test_lifting_a_lock_names_who_lifted_it(client, villager, secretary):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "villager", "wrong-password")
    client.force_login(secretary)
    client.post(reverse("members:login-unlock", args=[villager.member_file.pk]))
    event = SecurityEvent.objects.get(kind=Kind.UNLOCKED)
    assert (event.actor, event.member) == (secretary, villager.member_file)


def test_a_role_granted_and_revoked_are_recorded_in_words(client, tree, secretary, villager):
    client.force_login(secretary)
    client.post(
        reverse("members:unit-roles", args=[tree.branch.pk]),
        {"position": f"instructor:{tree.branch.pk}", "person": "villager"},
    )
    granted = SecurityEvent.objects.get(kind=Kind.ROLE_GRANTED)
    assert (granted.actor, granted.member.name) == (secretary, "赵村民")
    assert "赵村民" in granted.detail and tree.branch.name in granted.detail
    assignment = RoleAssignment.objects.get(user=villager)
    client.post(reverse("members:role-revoke", args=[assignment.pk]))
    revoked = SecurityEvent.objects.get(kind=Kind.ROLE_REVOKED)
    assert (revoked.actor, revoked.unit) == (secretary, assignment.unit)


def test_a_role_given_and_taken_in_the_admin_is_recorded(client, superuser, villager, tree):
    client.force_login(superuser)
    client.post(
        reverse("admin:members_roleassignment_add"),
        {"user": villager.pk, "unit": tree.branch.pk, "role": "instructor"},
    )
    assignment = RoleAssignment.objects.get(user=villager)
    client.post(
        reverse("admin:members_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert not RoleAssignment.objects.filter(user=villager).exists()
    events = SecurityEvent.objects.filter(kind__in=[Kind.ROLE_GRANTED, Kind.ROLE_REVOKED])
    assert [(e.kind, e.actor, e.member) for e in events.order_by("id")] == [
        (Kind.ROLE_GRANTED, superuser, villager.member_file),
        (Kind.ROLE_REVOKED, superuser, villager.member_file),
    ]


def test_a_password_set_in_the_admin_is_recorded(client, superuser, villager):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[villager.pk]),
        {"password1": "Fresh-pass-2026", "password2": "Fresh-pass-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert (event.actor, event.member) == (superuser, villager.member_file)


def test_a_password_change_is_recorded(client, villager):
    client.force_login(villager)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-pass-2026",
            "new_password2": "Fresh-pass-2026",
        },
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert event.actor == villager


def test_a_password_reset_by_e_mail_is_recorded(client, villager, mailoutbox):
    villager.email = "zhao@example.org"
    villager.save(update_fields=["email"])
    client.post(reverse("password_reset"), {"email": "zhao@example.org"})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mailoutbox[0].body)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Fresh-pass-2026", "new_password2": "Fresh-pass-2026"})
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_RESET)
    assert (event.actor, event.member) == (villager, villager.member_file)


def test_a_slip_records_the_code_issued_and_the_download(client, secretary, member):
    client.force_login(secretary)
    client.post(reverse("members:member-login", args=[member.pk]))
    issued = SecurityEvent.objects.get(kind=Kind.CODE_ISSUED)
    assert (issued.actor, issued.member) == (secretary, member)
    download = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert member.name in download.detail


def test_using_a_code_is_recorded_with_the_log_in_it_opens(client, secretary, member):
    from tests.members.test_activation import activate, code_on

    client.force_login(secretary)
    code = code_on(client.post(reverse("members:member-login", args=[member.pk])))
    client.logout()
    activate(client, code)
    used = SecurityEvent.objects.get(kind=Kind.CODE_USED)
    member.refresh_from_db()
    assert (used.actor, used.member) == (member.user, member)
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN, actor=member.user).exists()


def test_a_roster_export_is_recorded_and_the_empty_template_is_not(client, secretary, tree):
    client.force_login(secretary)
    client.get(reverse("members:roster-template", args=[tree.branch.pk]))
    assert not SecurityEvent.objects.filter(kind=Kind.EXPORT).exists()
    client.get(reverse("members:roster-export", args=[tree.branch.pk]))
    event = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert event.actor == secretary
    assert tree.branch.name in event.detail
    assert "/roster/export.xlsx" in event.detail


# --- append-only and retention ----------------------------------------------------------


def test_an_event_is_never_changed_nor_deleted(villager):
    event = audit.record(Kind.LOGIN, actor=villager)
    event.detail = "edited"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        SecurityEvent.objects.filter(pk=event.pk).update(detail="edited")
    with pytest.raises(ValidationError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get().detail == ""


def test_the_daily_sweep_deletes_only_events_past_the_retention(villager):
    assert settings.AUDIT_KEEP_DAYS >= 180
    keep = dt.timedelta(days=settings.AUDIT_KEEP_DAYS)
    with time_machine.travel(NOW - keep - dt.timedelta(days=1), tick=False):
        audit.record(Kind.LOGIN, actor=villager, detail="old")
    with time_machine.travel(NOW - keep + dt.timedelta(days=1), tick=False):
        audit.record(Kind.LOGIN, actor=villager, detail="kept")
    call_command("daily_sweep", stdout=io.StringIO())
    assert list(SecurityEvent.objects.values_list("detail", flat=True)) == ["kept"]


def test_a_deleted_log_in_leaves_its_events_with_the_name(villager):
    audit.record(Kind.LOGIN, actor=villager)
    villager.member_file.delete()
    villager.delete()
    event = SecurityEvent.objects.get()
    assert (event.actor, event.username) == (None, "villager")


# --- the district organiser's page ---------------------------------------------------------


@pytest.fixture
def trail(tree, district_organiser, secretary, villager):
    """Three events in the district and one in another district."""
    with time_machine.travel(NOW - dt.timedelta(days=10), tick=False):
        audit.record(Kind.LOGIN, actor=villager)
    audit.record(Kind.ROLE_GRANTED, actor=secretary, member=villager.member_file)
    audit.record(Kind.EXPORT, actor=secretary, detail='=HYPERLINK("x") 秦望村-roster.xlsx')
    elsewhere = UnitFactory(kind="district", name="柯桥区", code="330603")
    outsider = user_with_role("keqiao", elsewhere, RoleAssignment.Role.DISTRICT_ORGANISER)
    audit.record(Kind.LOGIN, actor=outsider)
    return elsewhere


def _page(client, **query):
    return client.get(reverse("members:security-events"), query)


def test_the_district_organiser_reads_their_districts_events_newest_first(
    client, trail, district_organiser
):
    client.force_login(district_organiser)
    events = list(_page(client).context["page"])
    # Their own log-in (force_login) is in the trail too.
    assert [e.kind for e in events] == [Kind.LOGIN, Kind.EXPORT, Kind.ROLE_GRANTED, Kind.LOGIN]
    assert all(e.username != "keqiao" for e in events)


def test_the_page_filters_by_kind_person_and_dates(client, trail, district_organiser):
    client.force_login(district_organiser)
    assert [e.kind for e in _page(client, kind="role_granted").context["page"]] == [
        Kind.ROLE_GRANTED
    ]
    by_person = _page(client, person="赵村民").context["page"]
    assert {e.kind for e in by_person} == {Kind.LOGIN, Kind.ROLE_GRANTED}
    day = (NOW - dt.timedelta(days=10)).date().isoformat()
    dated = _page(client, since=day, until=day).context["page"]
    assert [(e.kind, e.actor.username) for e in dated] == [(Kind.LOGIN, "villager")]


def test_a_bad_date_is_a_form_error_not_a_server_error(client, trail, district_organiser):
    client.force_login(district_organiser)
    response = _page(client, since="2026-02-31")
    assert response.status_code == 200
    assert response.context["filter"].form.errors["since"]


def test_the_page_reads_a_constant_number_of_queries(
    client, trail, district_organiser, secretary, django_assert_max_num_queries
):
    client.force_login(district_organiser)
    for _ in range(30):
        audit.record(Kind.EXPORT, actor=secretary, member=secretary_member(secretary))
    with django_assert_max_num_queries(12):
        response = _page(client)
    assert len(response.context["page"]) > 30


def secretary_member(user):
    return MemberFactory(branch=RoleAssignment.objects.get(user=user).unit, user=None)


def test_the_export_holds_the_filtered_events_with_formulas_made_harmless(
    client, trail, district_organiser
):
    client.force_login(district_organiser)
    response = client.get(reverse("members:security-events-xlsx"), {"kind": "export"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == str(Kind.EXPORT.label)
    assert rows[1][7].startswith("'=HYPERLINK")
    assert isinstance(rows[1][0], dt.datetime)


def test_nobody_but_the_district_organiser_reads_the_trail(
    client, trail, town_organiser, secretary
):
    for user in (town_organiser, secretary):
        client.force_login(user)
        assert _page(client).status_code == 404
        assert client.get(reverse("members:security-events-xlsx")).status_code == 404


def test_the_district_organisers_home_page_links_to_the_trail(client, district_organiser):
    client.force_login(district_organiser)
    assert reverse("members:security-events") in client.get(reverse("home")).content.decode()


def test_a_town_organisers_home_page_does_not(client, town_organiser):
    client.force_login(town_organiser)
    assert reverse("members:security-events") not in client.get(reverse("home")).content.decode()
