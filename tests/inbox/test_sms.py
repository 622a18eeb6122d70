"""Text messages: the SMS channel, its outbox and retries, and the gateway backend tried
against a stub gateway on loopback."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from inbox import services, texts
from inbox.models import NoticeContact, TextMessage
from tests.factories import UserFactory


class StubGateway:
    """An SMS gateway on 127.0.0.1 that records what it is sent and answers `status`."""

    def __init__(self):
        self.received: list[dict] = []
        self.headers: list[dict] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                gateway.received.append(json.loads(self.rfile.read(length)))
                gateway.headers.append(dict(self.headers))
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/send"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings, db):
    stub = StubGateway()
    settings.SMS_BACKEND = "inbox.sms.GatewayBackend"
    settings.SMS_GATEWAY_URL = stub.url
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    settings.SMS_SIGN = "党员先锋岗"
    settings.INBOX_CHANNELS = ["inbox.channels.email_channel", "inbox.channels.sms_channel"]
    yield stub
    stub.close()


@pytest.fixture
def villager(db):
    """A member whose log-in name is their mobile number (as slips give it)."""
    return UserFactory(username="13905751234", email="")


def test_a_notice_is_texted_to_the_mobile_that_is_the_log_in_name(
    gateway, villager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipient=villager, subject="承诺书被退回", body="请细化", link="/posts/my/"
        )
    assert gateway.received == [
        {
            "mobile": "13905751234",
            "text": "【党员先锋岗】承诺书被退回 http://127.0.0.1:8000/posts/my/",
            "sign": "党员先锋岗",
        }
    ]
    assert gateway.headers[0]["Authorization"] == "Bearer secret-token"
    assert TextMessage.objects.get().status == TextMessage.Status.SENT


def test_nothing_is_sent_before_the_change_commits(gateway, villager):
    services.notify(recipient=villager, subject="新的求助", body="")
    assert gateway.received == []
    assert TextMessage.objects.get().status == TextMessage.Status.PENDING


def test_a_confirmed_mobile_is_preferred_to_the_log_in_name(
    gateway, villager, django_capture_on_commit_callbacks
):
    NoticeContact.objects.create(
        user=villager, mobile="13800001111", mobile_confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=villager, subject="s", body="")
    assert gateway.received[0]["mobile"] == "13800001111"


def test_no_mobile_no_text(gateway, django_capture_on_commit_callbacks):
    user = UserFactory(username="dy123456")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=user, subject="s", body="")
    assert gateway.received == []
    assert not TextMessage.objects.exists()


def test_a_failed_send_is_kept_and_retried_later_without_breaking_the_request(
    gateway, villager, django_capture_on_commit_callbacks
):
    gateway.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient=villager, subject="新的求助", body="")
    assert notification.pk  # the action that sent it went through
    message = TextMessage.objects.get()
    assert (message.status, message.attempts) == (TextMessage.Status.PENDING, 1)
    assert "503" in message.last_error
    assert message.next_attempt_at - timezone.now() > dt.timedelta(seconds=50)
    assert texts.send_due() == {"sent": 0, "waiting": 0, "failed": 0}  # not due yet
    gateway.status = 200
    TextMessage.objects.update(next_attempt_at=timezone.now())
    call_command("send_texts", stdout=None)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (TextMessage.Status.SENT, 2)
    assert len(gateway.received) == 2


def test_a_text_that_keeps_failing_is_given_up_after_its_tries(
    gateway, villager, django_capture_on_commit_callbacks
):
    gateway.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=villager, subject="s", body="")
    for _ in range(len(texts.RETRY_MINUTES)):
        TextMessage.objects.update(next_attempt_at=timezone.now())
        texts.send_due()
    message = TextMessage.objects.get()
    assert message.status == TextMessage.Status.FAILED
    assert message.attempts == len(texts.RETRY_MINUTES) + 1


def test_an_unreachable_gateway_is_a_retry_not_an_error(
    settings, villager, django_capture_on_commit_callbacks
):
    stub = StubGateway()
    url = stub.url
    stub.close()  # nothing listens there now
    settings.SMS_BACKEND = "inbox.sms.GatewayBackend"
    settings.SMS_GATEWAY_URL = url
    settings.INBOX_CHANNELS = ["inbox.channels.sms_channel"]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=villager, subject="s", body="")
    message = TextMessage.objects.get()
    assert message.status == TextMessage.Status.PENDING
    assert "unreachable" in message.last_error


def test_the_development_backend_writes_texts_to_the_log(
    settings, villager, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "inbox.sms.LogBackend"
    settings.INBOX_CHANNELS = ["inbox.channels.sms_channel"]
    with (
        caplog.at_level("INFO", logger="inbox.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(recipient=villager, subject="岗位已确认", body="")
    assert "13905751234" in caplog.text
    assert "岗位已确认" in caplog.text
    assert TextMessage.objects.get().status == TextMessage.Status.SENT


def test_a_stopped_log_in_gets_no_text(gateway, villager, django_capture_on_commit_callbacks):
    villager.is_active = False
    villager.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=villager, subject="s", body="")
    assert gateway.received == []


def test_tell_without_a_log_in_texts_the_phone_with_the_body(
    gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reach = services.tell(
            user=None, mobile="139 0575 8888", subject="承诺书被退回", body="请写具体一些"
        )
    assert reach.channels == ("sms",)
    assert gateway.received[0]["mobile"] == "13905758888"
    assert gateway.received[0]["text"] == "【党员先锋岗】承诺书被退回：请写具体一些"


def test_tell_with_a_log_in_uses_the_inbox_and_its_channels(
    gateway, villager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reach = services.tell(user=villager, mobile="", subject="s", body="b")
    assert reach.channels == ("inbox", "sms")
    assert villager.notifications.count() == 1


def test_tell_without_a_log_in_or_a_phone_reaches_nobody_and_says_so(gateway):
    reach = services.tell(user=None, mobile="", subject="s", body="b")
    assert not reach.reached
    assert not TextMessage.objects.exists()


def test_many_notices_text_in_one_insert(gateway, django_assert_max_num_queries):
    users = [UserFactory(username=f"1390575{n:04d}") for n in range(12)]
    with django_assert_max_num_queries(5):
        services.notify_many(recipients=users, subject="s", body="")
    assert TextMessage.objects.count() == 12


def _text_of(age_days: int, status: str) -> TextMessage:
    message = TextMessage.objects.create(
        mobile="13800000001", text="您的选岗已确认", status=status, next_attempt_at=timezone.now()
    )
    created = timezone.now() - dt.timedelta(days=age_days)
    TextMessage.objects.filter(pk=message.pk).update(created_at=created)
    return message


def test_the_daily_sweep_deletes_finished_texts_past_their_keeping(db, settings):
    settings.TEXTS_KEEP_DAYS = 30
    old_sent = _text_of(31, TextMessage.Status.SENT)
    old_failed = _text_of(31, TextMessage.Status.FAILED)
    recent = _text_of(29, TextMessage.Status.SENT)
    waiting = _text_of(40, TextMessage.Status.PENDING)  # retried tomorrow: not due yet
    TextMessage.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(days=1)
    )
    call_command("daily_sweep", stdout=None)
    left = set(TextMessage.objects.values_list("pk", flat=True))
    assert old_sent.pk not in left and old_failed.pk not in left
    assert {recent.pk, waiting.pk} <= left
