"""Members' log-ins given by the secretary on printed slips, activated with a code."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate as django_authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from members import activation
from members.backends import ACTIVATION_USERNAME
from members.models import ActivationCode, Member
from tests.factories import MemberFactory, UserFactory
from tests.pdf import pdf_text

PASSWORD = "Qinwang-2026-hills"


def authenticate(**credentials):
    """Django's authenticate as the log-in page calls it (django-axes needs a request)."""
    return django_authenticate(RequestFactory().post("/accounts/login/"), **credentials)


CODE = re.compile(r"[2-9A-Z]{4}-[2-9A-Z]{4}")


def print_slip(client, user, member):
    client.force_login(user)
    response = client.post(reverse("members:member-login", args=[member.pk]))
    client.logout()
    return response


def code_on(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return CODE.search(pdf_text(response.content)).group(0)


def activate(client, code: str, password: str = PASSWORD, again: str | None = None):
    return client.post(
        reverse("activate"),
        {"code": code, "password1": password, "password2": again or password},
    )


def test_the_secretary_prints_a_slip_naming_the_member_their_log_in_and_a_code(
    client, secretary, member
):
    response = print_slip(client, secretary, member)
    text = pdf_text(response.content)
    member.refresh_from_db()
    assert member.name in text
    assert member.user.username == member.phone  # the mobile number is the log-in name
    assert member.phone in text
    assert CODE.search(text)
    assert "/accounts/activate/" in text.replace("\n", "")
    assert not member.user.has_usable_password()


def test_the_code_is_stored_only_as_a_keyed_hash(client, secretary, member):
    code = code_on(print_slip(client, secretary, member))
    stored = ActivationCode.objects.get()
    assert stored.digest == activation.code_digest(code)
    assert activation.normalise_code(code) not in stored.digest
    assert stored.expires_at - stored.issued_at == dt.timedelta(days=14)


def test_the_member_activates_with_the_code_sets_a_password_and_is_logged_in(
    client, secretary, member
):
    code = code_on(print_slip(client, secretary, member))
    response = activate(client, code.lower().replace("-", " "))  # as typed on a phone
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    member.refresh_from_db()
    assert client.session["_auth_user_id"] == str(member.user.pk)
    # Still logged in on the next page (the session matches the new password).
    assert client.get(reverse("scoring:my-card")).context["member"] == member
    assert client.get(reverse("home")).context["user"] == member.user
    assert authenticate(username=member.phone, password=PASSWORD) == member.user


def test_a_code_works_once(client, secretary, member):
    code = code_on(print_slip(client, secretary, member))
    activate(client, code)
    client.logout()
    response = activate(client, code, "Another-pass-2026")
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert authenticate(username=member.phone, password=PASSWORD) is not None
    assert authenticate(username=member.phone, password="Another-pass-2026") is None


def test_an_expired_code_opens_nothing(client, secretary, member):
    code = code_on(print_slip(client, secretary, member))
    ActivationCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = activate(client, code)
    assert response.context["form"].errors["code"]
    member.refresh_from_db()
    assert not member.user.has_usable_password()
    assert "_auth_user_id" not in client.session


def test_codes_expire_after_the_days_a_setting_names(client, secretary, member, settings):
    settings.ACTIVATION_CODE_DAYS = 3
    print_slip(client, secretary, member)
    stored = ActivationCode.objects.get()
    assert stored.expires_at - stored.issued_at == dt.timedelta(days=3)


def test_a_wrong_code_changes_nothing_and_counts_as_a_failed_log_in(client, secretary, member):
    print_slip(client, secretary, member)
    before = list(ActivationCode.objects.values())
    response = activate(client, "ABCD-EFGH")
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert list(ActivationCode.objects.values()) == before
    member.refresh_from_db()
    assert not member.user.has_usable_password()
    assert AccessAttempt.objects.get(username=ACTIVATION_USERNAME).failures_since_start == 1


def test_guessing_codes_is_locked_out_like_passwords(client, secretary, member, settings):
    code = code_on(print_slip(client, secretary, member))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        activate(client, "ABCD-EFGH")
    response = activate(client, code)  # even the right code, from this address, for now
    assert response.status_code == 429
    member.refresh_from_db()
    assert not member.user.has_usable_password()


def test_a_password_django_refuses_keeps_the_code_for_another_try(client, secretary, member):
    code = code_on(print_slip(client, secretary, member))
    response = activate(client, code, "12345678")
    assert response.context["form"].errors["password1"]
    assert response.context["form"]["code"].value() == code  # nothing typed is lost
    assert ActivationCode.objects.usable().count() == 1
    assert activate(client, code).status_code == 302


def test_different_passwords_are_refused(client, secretary, member):
    code = code_on(print_slip(client, secretary, member))
    response = activate(client, code, PASSWORD, PASSWORD + "x")
    assert response.context["form"].errors["password2"]
    assert ActivationCode.objects.usable().count() == 1


def test_the_qr_link_fills_the_code_in(client):
    response = client.get(reverse("activate"), {"code": "ABCD-EFGH"})
    assert response.context["form"]["code"].value() == "ABCD-EFGH"


def test_a_forgotten_password_a_new_slip_stops_the_old_password_at_once(client, secretary, member):
    first = code_on(print_slip(client, secretary, member))
    activate(client, first)
    client.logout()
    member.refresh_from_db()
    second = code_on(print_slip(client, secretary, member))
    assert authenticate(username=member.phone, password=PASSWORD) is None
    assert activate(client, second, "Brand-new-2026-pass").status_code == 302
    assert authenticate(username=member.phone, password="Brand-new-2026-pass") == member.user


def test_a_new_slip_voids_the_unused_one(client, secretary, member):
    first = code_on(print_slip(client, secretary, member))
    second = code_on(print_slip(client, secretary, member))
    assert activate(client, first).context["form"].errors["code"]
    assert activate(client, second).status_code == 302


def test_without_a_mobile_the_log_in_name_is_a_short_generated_one(client, secretary, tree):
    member = MemberFactory(branch=tree.branch, phone="")
    print_slip(client, secretary, member)
    member.refresh_from_db()
    assert re.fullmatch(r"dy\d{6}", member.user.username)


def test_a_mobile_already_taken_gives_a_generated_name(client, secretary, tree):
    UserFactory(username="13900001111")
    member = MemberFactory(branch=tree.branch, phone="13900001111")
    print_slip(client, secretary, member)
    member.refresh_from_db()
    assert member.user.username.startswith("dy")


def test_a_member_with_a_generated_name_may_log_in_with_their_mobile_too(client, secretary, tree):
    UserFactory(username="13900002222")  # someone else's log-in name
    member = MemberFactory(branch=tree.branch, phone="13900003333")
    member.user = UserFactory(username="dy123456")
    member.save()
    member.user.set_password(PASSWORD)
    member.user.save()
    assert authenticate(username="13900003333", password=PASSWORD) == member.user
    assert authenticate(username="dy123456", password=PASSWORD) == member.user
    assert authenticate(username="13900003333", password="wrong") is None


def test_a_shared_family_phone_needs_the_log_in_name(tree):
    for name in ("dy111111", "dy222222"):
        user = UserFactory(username=name)
        user.set_password(PASSWORD)
        user.save()
        MemberFactory(branch=tree.branch, phone="13900004444", user=user)
    assert authenticate(username="13900004444", password=PASSWORD) is None


@pytest.mark.parametrize("giver", ["secretary", "town_organiser", "district_organiser"])
def test_the_secretary_and_organisers_above_give_log_ins(client, member, giver, request):
    response = print_slip(client, request.getfixturevalue(giver), member)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("outsider", "status"),
    [("neighbour_secretary", 404), ("other_town_organiser", 404), ("member_user", 404)],
)
def test_nobody_else_gives_log_ins(client, member, outsider, status, request):
    response = print_slip(client, request.getfixturevalue(outsider), member)
    assert response.status_code == status
    member.refresh_from_db()
    assert member.user is None


def test_a_member_cannot_give_themselves_a_new_code(client, member_user):
    response = print_slip(client, member_user, member_user.member_file)
    assert response.status_code == 403
    assert not ActivationCode.objects.exists()


def test_the_branch_sheet_prints_a_slip_for_everyone_without_a_log_in(client, secretary, tree):
    without = [MemberFactory(branch=tree.branch, name=n) for n in ("甲一", "乙二", "丙三")]
    MemberFactory(branch=tree.branch, name="丁四", user=UserFactory())  # already in
    client.force_login(secretary)
    page = client.get(reverse("members:branch-logins", args=[tree.branch.pk]))
    assert [len(page.context["groups"][s]) for s in ("none", "active")] == [3, 1]
    response = client.post(
        reverse("members:branch-logins", args=[tree.branch.pk]), {"which": "new"}
    )
    text = pdf_text(response.content)
    assert [name for name in ("甲一", "乙二", "丙三", "丁四") if name in text] == [
        "甲一",
        "乙二",
        "丙三",
    ]
    assert len(CODE.findall(text)) == 3
    assert Member.objects.filter(pk__in=[m.pk for m in without], user__isnull=True).count() == 0
    page = client.get(reverse("members:branch-logins", args=[tree.branch.pk]))
    assert len(page.context["groups"]["waiting"]) == 3


def test_the_branch_page_may_be_read_but_not_used_by_others(client, neighbour_secretary, tree):
    MemberFactory(branch=tree.branch)
    client.force_login(neighbour_secretary)
    response = client.post(
        reverse("members:branch-logins", args=[tree.branch.pk]), {"which": "new"}
    )
    assert response.status_code == 404
    assert not ActivationCode.objects.exists()


def test_the_branch_sheet_holds_eight_slips_a_page(client, secretary, tree):
    from tests.pdf import pdf_page_count

    for index in range(9):
        MemberFactory(branch=tree.branch, name=f"成员{index}")
    client.force_login(secretary)
    response = client.post(
        reverse("members:branch-logins", args=[tree.branch.pk]), {"which": "new"}
    )
    assert pdf_page_count(response.content) == 2


def test_the_print_slips_command_writes_the_branch_sheet(tree, tmp_path):
    from django.core.management import call_command

    MemberFactory(branch=tree.branch, name="甲一")
    MemberFactory(branch=tree.branch, name="乙二", user=UserFactory())
    out = tmp_path / "slips.pdf"
    call_command("print_slips", "秦望村", "--out", str(out), stdout=None)
    text = pdf_text(out.read_bytes())
    assert "甲一" in text and "乙二" not in text
    assert len(CODE.findall(text)) == 1
