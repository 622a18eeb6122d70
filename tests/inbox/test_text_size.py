"""Large text (大字版): the header's switch, remembered per user, free to read on a page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.models import DisplayPreference

pytestmark = pytest.mark.django_db

SWITCH = reverse("inbox:text-size")


def _html_tag(response) -> str:
    text = response.content.decode()
    return text[text.index("<html") : text.index(">", text.index("<html"))]


def test_a_member_switches_large_text_on_and_every_page_is_larger(client, member_user):
    client.force_login(member_user)
    response = client.post(SWITCH, {"large_text": "1", "next": reverse("posts:my-posts")})
    assert response.status_code == 302
    assert response.url == reverse("posts:my-posts")
    assert DisplayPreference.objects.get(user=member_user).large_text is True

    page = client.get(reverse("inbox:list"))
    assert 'class="large-text"' in _html_tag(page)
    # The switch now offers the way back.
    assert 'name="large_text" type="hidden" value="0"' in page.content.decode()

    client.post(SWITCH, {"large_text": "0", "next": reverse("inbox:list")})
    assert DisplayPreference.objects.get(user=member_user).large_text is False
    assert "large-text" not in _html_tag(client.get(reverse("inbox:list")))


def test_the_choice_follows_the_member_to_another_phone(member_user):
    DisplayPreference.objects.create(user=member_user, large_text=True)
    other_phone = Client()
    other_phone.force_login(member_user)
    assert 'class="large-text"' in _html_tag(other_phone.get(reverse("inbox:list")))


def test_reading_the_choice_costs_a_page_no_query(client, member_user):
    DisplayPreference.objects.create(user=member_user, large_text=True)
    client.force_login(member_user)
    client.get(reverse("inbox:list"))  # warm up: content types, site settings
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("inbox:list"))
    assert not [q for q in queries if "displaypreference" in q["sql"]]


def test_a_visitor_switches_it_on_before_logging_in_and_keeps_it(client, member_user):
    response = client.post(SWITCH, {"large_text": "1", "next": reverse("login")})
    assert response.url == reverse("login")
    assert 'class="large-text"' in _html_tag(client.get(reverse("login")))

    client.force_login(member_user)
    assert DisplayPreference.objects.get(user=member_user).large_text is True
    assert 'class="large-text"' in _html_tag(client.get(reverse("inbox:list")))


def test_a_saved_choice_wins_over_the_visitors_session(client, member_user):
    DisplayPreference.objects.create(user=member_user, large_text=False)
    client.post(SWITCH, {"large_text": "1"})
    client.force_login(member_user)
    assert "large-text" not in _html_tag(client.get(reverse("inbox:list")))


@pytest.mark.parametrize(
    "target", ["https://example.invalid/", "//example.invalid/", "home", "x" * 3000, "javascript:1"]
)
def test_the_switch_goes_back_only_to_a_page_of_this_site(client, member_user, target):
    client.force_login(member_user)
    response = client.post(SWITCH, {"large_text": "1", "next": target})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_switch_is_a_post(client):
    assert client.get(SWITCH).status_code == 405


def test_the_closed_menu_button_shows_the_unread_count(client, member_user):
    from inbox.models import Notification

    Notification.objects.create(recipient=member_user, subject="岗位已确认", body="已确认。")
    client.force_login(member_user)
    text = client.get(reverse("inbox:list")).content.decode()
    toggler = text[
        text.index('class="navbar-toggler') : text.index(
            "</button>", text.index('class="navbar-toggler')
        )
    ]
    assert 'class="toggler-badge badge rounded-pill' in toggler
    assert ">1<" in toggler
