"""Another branch's secretary never reaches the secretary's objects by their IDs.

The URL-role table already says, for a GET, what the neighbour branch's secretary
(坡塘村, same town) gets for each object of 秦望村. These tests prove that every row
taking an object says 404 for them, apart from the deliberately public pages listed
here, and they POST to every POST-only URL as that secretary and expect 404.
"""

import pytest
from django.urls import reverse

from tests.test_url_roles import TABLE, _kwargs

# Deliberately public: anyone, logged in or not, may open these by ID or code.
PUBLIC = {
    "posts:board",
    "posts:board-kiosk",
    "posts:board-sheet",
    "posts:verify-post",
    "posts:verify-pledge",
    "scoring:public-tally",
    "scoring:public-results",
    "scoring:verify-card",
    "scoring:verify-notice",
    "helpdesk:ask-form",
    "helpdesk:request-status",
    "helpdesk:verify-badge",
    "helpdesk:excellent-public",  # published names, villages and teams: public by design
    "password_reset_confirm",  # a one-time token in the path, checked by Django
}
# POST-only (405 to a GET for everyone): checked by posting below.
POST_ONLY = {
    name for name, (key, expected) in TABLE.items() if key and set(expected.values()) == {405}
}
OBJECT_ROWS = {name for name, (key, _expected) in TABLE.items() if key is not None}


def test_every_object_url_hides_the_object_from_the_neighbour_secretary():
    exposed = {
        name: TABLE[name][1]["neighbour_secretary"]
        for name in OBJECT_ROWS - PUBLIC - POST_ONLY
        if TABLE[name][1]["neighbour_secretary"] != 404
    }
    assert exposed == {}


def test_the_public_exceptions_are_public_to_everyone():
    assert PUBLIC <= OBJECT_ROWS
    assert all(set(TABLE[name][1].values()) == {200} for name in PUBLIC)


def test_there_are_post_only_object_urls_to_try():
    assert {"members:login-unlock", "posts:pledge-review", "scoring:tally-publish"} <= POST_ONLY


@pytest.mark.django_db
def test_posting_to_another_branchs_objects_answers_404(client, objects, neighbour_secretary):
    client.force_login(neighbour_secretary)
    got = {
        name: client.post(reverse(name, kwargs=_kwargs(TABLE[name][0], objects))).status_code
        for name in sorted(POST_ONLY)
    }
    assert got == dict.fromkeys(sorted(POST_ONLY), 404)
