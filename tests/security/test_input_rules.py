"""The rules the crawl (test_no_server_error.py) led to, one test each: numbers naming
rows, codes in paths, ids past any key in `in`, and the log-in name's length."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from posts.models import PostType
from volunteer.urls_util import row_id, row_ids


@pytest.mark.parametrize("typed", ["²", "１２", str(2**63), "0", "-1", "1e3", "", None, "12abc"])
def test_a_row_number_is_ascii_digits_within_a_key(typed):
    assert row_id(typed) is None


def test_a_row_number_is_read_with_its_spaces_trimmed():
    assert row_id(" 12 ") == 12
    assert row_id(str(2**63 - 1)) == 2**63 - 1


def test_a_posted_list_keeps_only_the_row_numbers():
    assert row_ids(["3", "abc", str(2**63), "7"]) == [3, 7]


def test_in_with_a_number_past_any_key_finds_the_others(post_type):
    assert list(PostType.objects.filter(pk__in=[2**63, post_type.pk])) == [post_type]


def test_in_with_only_numbers_past_any_key_finds_nothing(post_type):
    assert not PostType.objects.filter(pk__in=[2**63, -(2**63) - 1]).exists()


@pytest.mark.parametrize("code", ["a\x00b", "x" * 65])
def test_a_verification_code_with_a_nul_or_too_long_is_not_found(client, db, code):
    assert client.get(f"/posts/verify/post/{code}/").status_code == 404


def test_a_verification_code_of_the_usual_form_still_reaches_its_page(client, db):
    """An unknown code: the verification page itself says it was not found."""
    response = client.get(reverse("posts:verify-post", args=["Pw-VrWh7dcNt"]))
    assert response.status_code == 404
    assert response.context["found"] is False


def test_a_log_in_name_longer_than_any_is_a_form_error_not_a_recorded_failure(client, db):
    response = client.post(reverse("login"), {"username": "长" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()
