import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from inbox import services
from inbox.models import Notification
from tests.factories import UserFactory


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.org")


@pytest.fixture
def bob_without_address(db):
    return UserFactory(username="bob", email="")


def test_notify_puts_a_message_in_the_inbox_and_e_mails_it(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            recipient=alice, subject="岗位已确认", body="您的选岗已确认。", link="/members/me/"
        )
    assert Notification.objects.for_user(alice).unread().get() == notification
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.org"]
    assert mailoutbox[0].subject == "岗位已确认"
    assert mailoutbox[0].body.startswith("您的选岗已确认。\n\n")


def test_the_e_mail_carries_the_absolute_link_of_the_messages_target(
    alice, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://dygw.yuecheng.example/"
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipient=alice, subject="新的求助", body="请尽快上门。", link="/helpdesk/requests/7/"
        )
    body = mailoutbox[0].body
    assert body.startswith("请尽快上门。\n\n")
    assert body.endswith("在系统中查看：https://dygw.yuecheng.example/helpdesk/requests/7/")


def test_a_message_that_points_nowhere_is_e_mailed_as_it_is(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=alice, subject="岗位已确认", body="您的选岗已确认。")
    assert mailoutbox[0].body == "您的选岗已确认。"


def test_each_of_many_e_mails_links_to_its_target(
    alice, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://10.1.2.3:8000"
    carol = UserFactory(username="carol", email="carol@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_many(
            recipients=[alice, carol], subject="待审核", body="", link="/posts/pledges/3/"
        )
    assert [m.body.rpartition("：")[2] for m in mailoutbox] == [
        "http://10.1.2.3:8000/posts/pledges/3/"
    ] * 2


def test_no_e_mail_is_sent_before_the_change_is_committed(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipient=alice, subject="岗位已确认", body="您的选岗已确认。")
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_nothing_is_sent_for_a_rolled_back_change(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipient=alice, subject="岗位已确认", body="您的选岗已确认。")
        raise RuntimeError("the confirmation failed")
    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_a_user_without_an_address_gets_the_message_but_no_e_mail(
    bob_without_address, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(recipient=bob_without_address, subject="承诺书已退回", body="请修改。")
    assert Notification.objects.for_user(bob_without_address).count() == 1
    assert callbacks == []
    assert mailoutbox == []


def test_a_failing_mail_server_is_logged_and_does_not_raise(
    alice, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with (
        caplog.at_level(logging.ERROR, logger="inbox.channels"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = services.notify(recipient=alice, subject="岗位已确认", body="…")
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert "Could not e-mail notification" in caplog.text


def test_every_configured_channel_gets_the_message(alice, settings):
    sent.clear()
    settings.INBOX_CHANNELS = [f"{__name__}.recording_channel"]
    notification = services.notify(recipient=alice, subject="新的服务请求", body="请派单。")
    assert sent == [notification]


sent: list[Notification] = []


def recording_channel(notification: Notification) -> None:
    sent.append(notification)


def test_notify_many_inserts_all_rows_at_once_and_e_mails_those_with_an_address(
    alice,
    bob_without_address,
    mailoutbox,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    carol = UserFactory(username="carol", email="carol@example.org")
    # savepoint, one INSERT for all rows, one SELECT of confirmed notice mobiles, release
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(4):
        notifications = services.notify_many(
            recipients=[alice, bob_without_address, carol],
            subject="待审核的承诺书",
            body="有承诺书等待审核。",
        )
    assert len(notifications) == 3
    assert Notification.objects.filter(subject="待审核的承诺书").count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "carol@example.org"]


def test_a_link_must_stay_on_this_site(alice):
    for link in ["https://evil.example/", "//evil.example/", "members/me/"]:
        with pytest.raises(ValidationError):
            services.notify(recipient=alice, subject="s", body="b", link=link)
    assert not Notification.objects.exists()


def test_mark_read_keeps_the_first_reading_time(alice):
    notification = services.notify(recipient=alice, subject="s", body="b")
    first = services.mark_read(notification=notification).read_at
    assert first is not None
    assert services.mark_read(notification=notification).read_at == first


def test_mark_all_read_touches_only_that_users_unread_messages(alice, bob_without_address):
    services.notify_many(recipients=[alice, alice, bob_without_address], subject="s", body="b")
    assert services.mark_all_read(user=alice) == 2
    assert Notification.objects.for_user(alice).unread().count() == 0
    assert Notification.objects.for_user(bob_without_address).unread().count() == 1
