"""The public pages, no log-in: the help form refuses floods and bad input without
saving anything; the status page shows no personal data; a rating is taken once, and
only once the request is resolved."""

import time

import pytest
from django.urls import reverse

from helpdesk import antispam, services
from helpdesk.models import HelpRequest
from tests.helpdesk.conftest import ask

PHONE = "13905751234"


def form_data(**overrides) -> dict:
    data = {
        "resident_name": "王大爷",
        "phone": PHONE,
        "address": "秦望村2组15号",
        "grid": "",
        "category": "daily_life",
        "description": "厨房水管漏水，需要帮忙修理。",
        "website": "",
        "issued": antispam.issue_token(time.time() - 60),
    }
    return data | overrides


def post(client, tree, **overrides):
    return client.post(reverse("helpdesk:ask-form", args=[tree.branch.pk]), form_data(**overrides))


def test_the_form_shows_the_branchs_grids_and_a_hidden_trap(english_client, tree, volunteers):
    response = english_client.get(reverse("helpdesk:ask-form", args=[tree.branch.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "第1网格（秦望村1—3组）" in content
    assert 'name="website"' in content
    assert 'name="issued"' in content


def test_a_resident_asks_for_help_and_gets_a_code(english_client, tree, team, team_leader):
    response = post(english_client, tree)
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("helpdesk:request-status", args=[help_request.code]) + "?new=1"
    )
    assert help_request.channel == "online"
    assert help_request.grid == tree.grid  # found from the address
    assert help_request.team == team
    assert help_request.created_by is None
    page = english_client.get(response["Location"]).content.decode()
    assert help_request.code in page
    assert "Keep this code" in page


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "12345"},
        {"resident_name": ""},
        {"description": ""},
        {"category": "witchcraft"},
        {"grid": "999999"},
        {"website": "http://spam.example"},  # the honeypot
        {"issued": "NOW"},  # sent at once: a script
        {"issued": antispam.issue_token(time.time() - 7 * 3600)},  # a stale page
        {"issued": "forged"},
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(english_client, tree, team, overrides):
    if overrides.get("issued") == "NOW":
        overrides = {"issued": antispam.issue_token()}
    response = post(english_client, tree, **overrides)
    assert response.status_code == 400
    assert 'id="form-problems"' in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_flood_from_one_address_is_refused_and_nothing_is_saved(
    english_client, tree, team, monkeypatch
):
    monkeypatch.setattr(antispam, "ASK_LIMIT", 3)
    for _ in range(2):
        post(english_client, tree, phone="1")  # bad input counts too
    assert post(english_client, tree).status_code == 302
    refused = post(english_client, tree)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert HelpRequest.objects.count() == 1
    other = english_client.post(
        reverse("helpdesk:ask-form", args=[tree.branch.pk]),
        form_data(),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302  # another address is not held up


def _public_pages(client, tree, help_request, profile) -> str:
    urls = [
        reverse("helpdesk:ask"),
        reverse("helpdesk:ask-form", args=[tree.branch.pk]),
        reverse("helpdesk:request-status", args=[help_request.code]),
        reverse("helpdesk:verify-badge", args=[profile.verify_code]),
    ]
    return "".join(client.get(url).content.decode() for url in urls)


def test_public_pages_show_no_phones_names_or_addresses(english_client, tree, team, volunteers):
    help_request = ask(tree, phone=PHONE, resident_name="王大爷", address="秦望村3组8号")
    services.mark_on_site(request=help_request, by=None)
    services.resolve(request=help_request, resolution="换了水管接头", by=None)
    content = _public_pages(english_client, tree, help_request, volunteers[0])
    for private in [PHONE, "王大爷", "秦望村3组8号", "厨房水管漏水", volunteers[0].member.phone]:
        assert private not in content
    assert help_request.code in content
    assert volunteers[0].member.name in content  # the badge's own name, as printed on it


def test_the_status_page_shows_each_step_with_its_time(english_client, tree, team):
    help_request = ask(tree)
    content = english_client.get(
        reverse("helpdesk:request-status", args=[help_request.code.lower()])
    ).content.decode()
    assert 'data-state="dispatched"' in content
    assert content.count('class="done') == 2
    assert 'id="rate-form"' not in content


def test_an_unknown_code_is_404(english_client, tree):
    response = english_client.get(reverse("helpdesk:request-status", args=["NOSUCHCODE"]))
    assert response.status_code == 404


def test_a_request_not_resolved_cannot_be_rated(english_client, tree, team):
    help_request = ask(tree)
    url = reverse("helpdesk:request-status", args=[help_request.code])
    response = english_client.post(url, {"rating": "5", "comment": "好"})
    assert response.status_code == 400
    assert "once it is resolved" in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.rating is None


def test_a_resolved_request_is_rated_once(english_client, tree, team):
    help_request = ask(tree)
    services.mark_on_site(request=help_request, by=None)
    services.resolve(request=help_request, by=None)
    url = reverse("helpdesk:request-status", args=[help_request.code])
    assert 'id="rate-form"' in english_client.get(url).content.decode()
    assert english_client.post(url, {"rating": "4", "comment": "很及时"}).status_code == 302
    again = english_client.post(url, {"rating": "1"})
    assert "already been rated" in again.content.decode()
    help_request.refresh_from_db()
    assert (help_request.rating, help_request.rating_comment) == (4, "很及时")
    assert 'id="rate-form"' not in english_client.get(url).content.decode()


def test_a_badge_verifies_as_valid_or_inactive(english_client, tree, volunteers):
    url = reverse("helpdesk:verify-badge", args=[volunteers[4].verify_code])
    assert 'data-state="valid"' in english_client.get(url).content.decode()
    services.update_volunteer(
        profile=volunteers[4], specialties="", availability="", is_active=False, by=None
    )
    assert 'data-state="inactive"' in english_client.get(url).content.decode()
    missing = english_client.get(reverse("helpdesk:verify-badge", args=["AbCdEfGhIjKl"]))
    assert missing.status_code == 404
    assert 'data-state="not_found"' in missing.content.decode()


def test_a_badge_is_not_found_by_its_printed_number(english_client, tree, volunteers):
    """The numbers are serial: found by them, the page would let anyone list every
    volunteer's name, village and team by counting (issue 19, point 5)."""
    for number in (volunteers[4].number, volunteers[4].number.lower()):
        response = english_client.get(reverse("helpdesk:verify-badge", args=[number]))
        page = response.content.decode()
        assert response.status_code == 404
        assert 'data-state="number_only"' in page
        assert volunteers[4].member.name not in page


def test_every_badge_has_its_own_unguessable_code(volunteers):
    codes = [v.verify_code for v in volunteers]
    assert len(set(codes)) == len(codes)
    assert all(
        len(code) >= 12 and code not in v.number for code, v in zip(codes, volunteers, strict=True)
    )


def test_the_badge_qr_code_carries_the_code_not_the_number(tree, volunteers):
    from helpdesk import documents

    seen = []
    documents.badges([volunteers[4]], lambda path: seen.append(path) or path)
    assert seen == [reverse("helpdesk:verify-badge", args=[volunteers[4].verify_code])]


def test_the_code_box_leads_to_the_requests_page(english_client, tree, team):
    help_request = ask(tree)
    response = english_client.get(reverse("helpdesk:track"), {"code": help_request.code.lower()})
    assert response["Location"] == reverse("helpdesk:request-status", args=[help_request.code])
