"""Log-in throttling (django-axes) and the overseers' page of failed log-ins."""

import datetime as dt
import logging
import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "10.1.1.1"
HOME = "10.2.2.2"


def _log_in(client, username, password, address=OFFICE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail(client, username, times, address=OFFICE):
    for _ in range(times):
        response = _log_in(client, username, "wrong-password", address)
    return response


@pytest.fixture
def villager(tree):
    """A member of the secretary's branch with a log-in."""
    user = UserFactory(username="villager")
    MemberFactory(branch=tree.branch, user=user, name="赵村民")
    return user


@pytest.fixture
def neighbour_villager(tree):
    user = UserFactory(username="neighbour")
    MemberFactory(branch=tree.neighbour_branch, user=user, name="钱邻居")
    return user


def test_the_right_password_logs_in_through_the_form(client, villager):
    response = _log_in(client, "villager", "pw-for-tests")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_too_many_failures_lock_the_name_out_with_a_page_saying_when(client, villager):
    response = _fail(client, "villager", settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert 'id="retry-time"' in response.content.decode()


def test_a_locked_name_cannot_log_in_even_with_the_right_password(client, villager):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT)
    assert _log_in(client, "villager", "pw-for-tests").status_code == 429


def test_the_lock_page_is_in_english_when_english_is_chosen(client, villager):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = _fail(client, "villager", settings.AXES_FAILURE_LIMIT).content.decode()
    assert "You can try again after" in content


def test_the_lock_holds_for_the_address_only(client, villager):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT, OFFICE)
    assert _log_in(client, "villager", "pw-for-tests", HOME).status_code == 302


def test_a_success_forgets_earlier_failures(client, villager):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT - 1)
    _log_in(client, "villager", "pw-for-tests")
    client.logout()
    assert _fail(client, "villager", 1).status_code == 200


def test_the_secretary_sees_failures_of_their_members_only(
    client, secretary, villager, neighbour_villager
):
    _fail(client, "villager", 2)
    _fail(client, "neighbour", 2)
    client.force_login(secretary)
    response = client.get(reverse("members:login-failures"))
    usernames = {failure.username for failure in response.context["failures"]}
    assert usernames == {"villager"}


def test_the_town_organiser_sees_every_branch_of_the_town(
    client, town_organiser, villager, neighbour_villager
):
    _fail(client, "villager", 1)
    _fail(client, "neighbour", 1)
    client.force_login(town_organiser)
    response = client.get(reverse("members:login-failures"))
    assert {f.username for f in response.context["failures"]} == {"villager", "neighbour"}


def test_the_page_lists_a_lockout_with_its_member(client, secretary, villager):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT)
    client.force_login(secretary)
    [lockout] = client.get(reverse("members:login-failures")).context["lockouts"]
    assert (lockout.username, lockout.member_name) == ("villager", "赵村民")


def test_the_page_keeps_its_query_count_as_failures_grow(client, secretary, villager):
    client.force_login(secretary)
    _fail(client, "villager", 1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("members:login-failures"))
    _fail(client, "villager", 4, HOME)
    _fail(client, "villager", 6, OFFICE)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("members:login-failures"))
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_secretary_unlocks_a_member_and_it_is_logged(client, secretary, villager, caplog):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT)
    client.force_login(secretary)
    member = villager.member_file
    with caplog.at_level(logging.WARNING, logger="members.logins"):
        response = client.post(reverse("members:login-unlock", args=[member.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="villager").exists()
    assert "unlocked by 'secretary'" in caplog.text
    client.logout()
    assert _log_in(client, "villager", "pw-for-tests").status_code == 302


def test_the_failure_log_survives_an_unlock(client, secretary, villager):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT)
    client.force_login(secretary)
    client.post(reverse("members:login-unlock", args=[villager.member_file.pk]))
    assert (
        AccessFailureLog.objects.filter(username="villager").count() == settings.AXES_FAILURE_LIMIT
    )


def test_a_neighbour_secretary_cannot_unlock(client, neighbour_secretary, villager):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT)
    client.force_login(neighbour_secretary)
    response = client.post(reverse("members:login-unlock", args=[villager.member_file.pk]))
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username="villager").exists()


def test_a_member_cannot_unlock_their_own_name(client, villager):
    _fail(client, "villager", settings.AXES_FAILURE_LIMIT, HOME)
    client.force_login(villager)
    response = client.post(reverse("members:login-unlock", args=[villager.member_file.pk]))
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username="villager").exists()


def test_the_cool_off_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("AXES_COOLOFF_MINUTES", "40")
    values = runpy.run_path(str(Path(settings.BASE_DIR) / "volunteer" / "settings.py"))
    assert values["AXES_COOLOFF_TIME"] == dt.timedelta(minutes=40)


def test_throttling_is_by_user_name_and_address_together():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
