"""Everyone sets and confirms their own e-mail and mobile for notices; a confirmed e-mail
lets Django's own password reset work."""

import re

import pytest
from django.urls import reverse

from inbox.models import NoticeContact, TextMessage
from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="dy654321", email="")


def post(client, **data):
    return client.post(reverse("inbox:contact"), data)


def texted_code() -> str:
    return re.search(r"\d{6}", TextMessage.objects.latest("pk").text).group(0)


def test_a_mobile_is_used_once_its_code_comes_back(client, user):
    client.force_login(user)
    post(client, kind="mobile", action="send", value="139-0575-1234")
    assert TextMessage.objects.get().mobile == "13905751234"
    assert not NoticeContact.objects.get(user=user).mobile  # not yet
    post(client, kind="mobile", action="confirm", code=texted_code())
    contact = NoticeContact.objects.get(user=user)
    assert contact.mobile == "13905751234"
    assert contact.mobile_confirmed_at is not None


def test_a_wrong_code_confirms_nothing_and_five_wrong_ones_end_it(client, user):
    client.force_login(user)
    post(client, kind="mobile", action="send", value="13905751234")
    right = texted_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        post(client, kind="mobile", action="confirm", code=wrong)
    post(client, kind="mobile", action="confirm", code=right)
    assert not NoticeContact.objects.get(user=user).mobile


def test_a_bad_mobile_is_refused_and_kept_in_the_form(client, user):
    client.force_login(user)
    response = post(client, kind="mobile", action="send", value="12345")
    assert response.status_code == 200
    assert response.context["typed_mobile"] == "12345"
    assert not TextMessage.objects.exists()


def test_an_e_mail_address_is_confirmed_by_a_mailed_code(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, kind="email", action="send", value="wang@example.org")
    user.refresh_from_db()
    assert user.email == ""
    code = re.search(r"\d{6}", mailoutbox[0].body).group(0)
    post(client, kind="email", action="confirm", code=code)
    user.refresh_from_db()
    assert user.email == "wang@example.org"


def test_with_a_confirmed_address_the_password_reset_mail_arrives(db, client, mailoutbox):
    user = UserFactory(username="dy777777", email="li@example.org")
    client.post(reverse("password_reset"), {"email": "li@example.org"})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li@example.org"]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mailoutbox[0].body)
    page = client.get(link.group(1), follow=True)
    assert page.context["validlink"]
    form_url = page.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Fresh-pass-2026", "new_password2": "Fresh-pass-2026"})
    user.refresh_from_db()
    assert user.check_password("Fresh-pass-2026")


def test_an_unconfirmed_address_gets_no_reset_mail(client, user, mailoutbox):
    client.force_login(user)
    post(client, kind="email", action="send", value="wang@example.org")
    client.logout()
    mailoutbox.clear()
    client.post(reverse("password_reset"), {"email": "wang@example.org"})
    assert mailoutbox == []


def test_removing_the_mobile_stops_texts(client, user):
    NoticeContact.objects.create(
        user=user, mobile="13905751234", mobile_confirmed_at="2026-12-01T00:00Z"
    )
    client.force_login(user)
    post(client, kind="mobile", action="remove")
    assert NoticeContact.objects.get(user=user).mobile == ""


def test_an_unknown_kind_is_refused(client, user):
    client.force_login(user)
    response = post(client, kind="fax", action="send", value="x")
    assert response.status_code == 302
    assert not NoticeContact.objects.filter(pending_kind="fax").exists()
