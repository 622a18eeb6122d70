import pytest
from django.urls import reverse

from inbox import services
from inbox.models import Notification
from tests.factories import UserFactory


@pytest.fixture
def as_member(client, member_user):
    client.force_login(member_user)
    return client


def _notification(user, **fields) -> Notification:
    return Notification.objects.create(
        recipient=user,
        subject=fields.pop("subject", "岗位已确认"),
        body="您的选岗已确认。",
        **fields,
    )


def test_the_inbox_lists_the_users_own_messages_newest_first(as_member, member_user, secretary):
    _notification(member_user, subject="第一条")
    _notification(member_user, subject="第二条")
    _notification(secretary, subject="别人的")
    response = as_member.get(reverse("inbox:list"))
    assert [n.subject for n in response.context["page"]] == ["第二条", "第一条"]
    assert "别人的" not in response.content.decode()


def test_the_menu_shows_how_many_messages_are_unread(as_member, member_user):
    _notification(member_user)
    _notification(member_user, read_at="2026-01-01T00:00:00Z")
    response = as_member.get(reverse("home"))
    assert response.context["inbox_unread"] == 1
    assert 'class="badge rounded-pill text-bg-light">1<' in response.content.decode()


def test_opening_a_message_without_a_link_marks_it_read_and_shows_it(as_member, member_user):
    notification = _notification(member_user)
    response = as_member.get(reverse("inbox:open", args=[notification.pk]))
    notification.refresh_from_db()
    assert response.status_code == 200
    assert "您的选岗已确认。" in response.content.decode()
    assert notification.is_read


def test_opening_a_message_with_a_link_marks_it_read_and_goes_there(as_member, member_user):
    notification = _notification(member_user, link="/members/me/")
    response = as_member.get(reverse("inbox:open", args=[notification.pk]))
    notification.refresh_from_db()
    assert response.status_code == 302
    assert response.url == "/members/me/"
    assert notification.is_read


def test_someone_elses_message_is_not_found_and_stays_unread(client, superuser, member_user):
    notification = _notification(member_user)
    client.force_login(superuser)
    response = client.get(reverse("inbox:open", args=[notification.pk]))
    notification.refresh_from_db()
    assert response.status_code == 404
    assert not notification.is_read


def test_mark_all_read_reads_every_message_of_the_user_only(as_member, member_user, secretary):
    for _ in range(3):
        _notification(member_user)
    others = _notification(secretary)
    response = as_member.post(reverse("inbox:mark-all-read"))
    assert response.status_code == 302
    assert response.url == reverse("inbox:list")
    assert Notification.objects.for_user(member_user).unread().count() == 0
    others.refresh_from_db()
    assert not others.is_read


def test_mark_all_read_refuses_a_get(as_member, member_user):
    _notification(member_user)
    assert as_member.get(reverse("inbox:mark-all-read")).status_code == 405
    assert Notification.objects.for_user(member_user).unread().count() == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_the_inbox_makes_the_same_number_of_queries_for_5_and_50_messages(
    as_member, member_user, django_assert_num_queries, rows
):
    Notification.objects.bulk_create(
        Notification(recipient=member_user, subject=f"消息{i}", body="b") for i in range(rows)
    )
    url = reverse("inbox:list")
    as_member.get(url)  # warm the session
    with django_assert_num_queries(QUERIES_ON_INBOX):
        response = as_member.get(url)
    assert len(response.context["page"]) == min(rows, 30)


# session, user, count, the page of messages, the menu's one statement (unread count, own
# file).
QUERIES_ON_INBOX = 5


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("inbox:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_unread_count_is_zero_for_anonymous_visitors(client, db):
    assert client.get(reverse("login")).context["inbox_unread"] == 0


def test_a_message_sent_through_the_service_appears_in_the_inbox(client, db):
    user = UserFactory(username="zhang")
    services.notify(recipient=user, subject="新的服务请求", body="请派单。\n地址：秦望村")
    client.force_login(user)
    content = client.get(reverse("inbox:list")).content.decode()
    assert "新的服务请求" in content
    assert "全部标为已读" in content or "Mark all as read" in content


def test_the_inbox_pages_have_one_h1_and_speak_chinese(as_member, member_user):
    notification = _notification(member_user)
    list_page = as_member.get(reverse("inbox:list")).content.decode()
    detail_page = as_member.get(reverse("inbox:open", args=[notification.pk])).content.decode()
    assert list_page.count("<h1") == detail_page.count("<h1") == 1
    assert ">消息<" in list_page
    assert "返回消息列表" in detail_page
