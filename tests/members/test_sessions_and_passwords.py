"""Sessions that end when idle, and the password rules (等保2.0 level 3)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import SecurityEvent
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _after(minutes: float):
    return time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False)


def _logged_in(client, user):
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)


def test_organisers_and_secretaries_idle_for_30_minutes_by_default():
    assert settings.SESSION_IDLE_MINUTES == 30


def test_a_secretary_idle_past_the_limit_is_logged_out_and_sent_to_log_in(client, secretary):
    _logged_in(client, secretary)
    with _after(settings.SESSION_IDLE_MINUTES + 1):
        response = client.get(reverse("members:login-failures"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSION_EXPIRED)
    assert event.actor == secretary


def test_a_secretary_active_within_the_limit_stays_in(client, secretary):
    _logged_in(client, secretary)
    limit = settings.SESSION_IDLE_MINUTES
    for minutes in (limit - 1, 2 * limit - 2, 3 * limit - 3):
        with _after(minutes):
            assert client.get(reverse("members:login-failures")).status_code == 200


def test_an_organiser_is_held_to_the_same_limit(client, town_organiser):
    _logged_in(client, town_organiser)
    with _after(settings.SESSION_IDLE_MINUTES + 1):
        assert client.get(reverse("home")).status_code == 302


def test_a_member_without_a_role_keeps_a_longer_session(client, member_user):
    _logged_in(client, member_user)
    with _after(3 * 60):
        assert client.get(reverse("home")).status_code == 200
    with _after(3 * 60 + settings.MEMBER_SESSION_IDLE_MINUTES + 1):
        assert client.get(reverse("home")).status_code == 302


def test_the_setting_changes_the_limit(client, secretary, settings):
    settings.SESSION_IDLE_MINUTES = 10
    _logged_in(client, secretary)
    with _after(11):
        assert client.get(reverse("home")).status_code == 302


# --- passwords ------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["demo-pass-2026", "Qinwang2026", "Hills-of-Qinwang"])
def test_passwords_of_eight_characters_mixing_three_kinds_pass(password):
    validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "qinwang2026",  # two kinds: lower-case and digits
        "qinwang-hills",  # lower-case and symbols
        "Qw-2026",  # three kinds, seven characters
    ],
)
def test_short_or_simple_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_password_change_page_refuses_a_simple_password(client, member_user):
    client.force_login(member_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests",
            "new_password1": "qinwanghills2026",
            "new_password2": "qinwanghills2026",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    member_user.refresh_from_db()
    assert member_user.check_password("pw-for-tests")
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


def test_the_activation_page_refuses_a_simple_password(client, secretary, member):
    from tests.members.test_activation import activate, code_on

    client.force_login(secretary)
    code = code_on(client.post(reverse("members:member-login", args=[member.pk])))
    client.logout()
    response = activate(client, code, "qinwanghills2026")
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.CODE_USED).exists()
