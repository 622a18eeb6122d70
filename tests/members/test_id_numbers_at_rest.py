"""ID numbers at rest (issue 19, point 1): stored only as a Fernet token and a keyed hash,
found by the hash, unique through it, never shown whole in the admin or its history,
re-encrypted by `rotate_id_number_keys`, hidden from error reports."""

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signals import got_request_exception
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.debug import SafeExceptionReporterFilter

from members import idnumbers, services
from members.models import Member
from tests.factories import MemberFactory, next_id_number
from tests.members.test_roster_updates import confirm, upload, workbook
from volunteer.history import change_log, save_with_history

NUMBER = next_id_number(dt.date(1969, 11, 2), male=True)


def _stored_row(member: Member) -> tuple:
    """Every column of the member's row, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {Member._meta.db_table} WHERE id = %s",  # noqa: S608 - our table
            [member.pk],
        )
        return cursor.fetchone()


def _history_rows(member: Member) -> list[tuple]:
    table = Member.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [member.pk])  # noqa: S608
        return cursor.fetchall()


# --- encryption and the keyed hash ---------------------------------------------------------


def test_a_number_comes_back_from_its_token_and_the_token_does_not_hold_it():
    token = idnumbers.encrypt(NUMBER)
    assert idnumbers.decrypt(token) == NUMBER
    assert NUMBER not in token
    assert idnumbers.encrypt(NUMBER) != token  # a fresh token each time


def test_the_database_row_holds_no_whole_number_and_the_file_reads_it_back(tree):
    member = MemberFactory(branch=tree.branch, id_number=NUMBER)
    row = _stored_row(member)
    assert not any(NUMBER in str(value) for value in row)
    assert not any(NUMBER[-8:] in str(value) for value in row)
    assert Member.all_files.get(pk=member.pk).id_number == NUMBER


def test_the_hash_is_keyed_and_the_same_for_every_way_of_typing_the_number(settings):
    full_width = NUMBER[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    typed = " " + full_width + NUMBER[-1].lower()
    assert idnumbers.digest(typed) == idnumbers.digest(NUMBER)
    assert len(idnumbers.digest(NUMBER)) == 64
    before = idnumbers.digest(NUMBER)
    settings.ID_NUMBER_HASH_KEY = "another-hash-key-of-thirty-two-characters-or-more"
    assert idnumbers.digest(NUMBER) != before


def test_a_member_is_found_by_the_hash_of_their_number(tree):
    member = MemberFactory(branch=tree.branch, id_number=NUMBER)
    MemberFactory(branch=tree.branch)
    found = Member.all_files.get(id_number_hash=idnumbers.digest(NUMBER.lower()))
    assert found == member


def test_the_database_refuses_a_second_row_with_the_same_number(tree):
    MemberFactory(branch=tree.branch, id_number=NUMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(branch=tree.branch, id_number=NUMBER)


def test_a_token_made_with_a_key_no_longer_configured_is_a_clear_error(settings):
    token = idnumbers.encrypt(NUMBER)
    settings.ID_NUMBER_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(idnumbers.IdNumberKeyError, match="ID_NUMBER_KEYS"):
        idnumbers.decrypt(token)


def test_find_in_text_finds_valid_numbers_only():
    wrong_check = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    text = f"a {NUMBER}, b {wrong_check}, c 1{NUMBER}"
    assert idnumbers.find_in_text(text) == [NUMBER]


# --- what reads or matches the number ------------------------------------------------------


def test_the_same_number_typed_for_a_new_file_gives_the_form_error(client, secretary, tree):
    MemberFactory(branch=tree.branch, id_number=NUMBER, birth_date=dt.date(1969, 11, 2))
    client.force_login(secretary)
    response = client.post(
        reverse("members:member-add", args=[tree.branch.pk]),
        {"name": "陈晓燕", "id_number": NUMBER.lower(), "category": Member.Category.REGISTERED},
    )
    assert response.status_code == 200
    with translation.override(response.context["LANGUAGE_CODE"]):
        clash = gettext("A member file with this ID number already exists.")
    assert response.context["form"].errors["id_number"] == [clash]
    assert Member.all_files.count() == 1


def test_the_number_of_a_departed_member_is_still_taken(client, secretary, tree):
    departed = MemberFactory(branch=tree.branch, id_number=NUMBER, birth_date=dt.date(1969, 11, 2))
    services.record_leaving(
        member=departed, reason=Member.LeaveReason.DIED, left_on=dt.date(2026, 5, 1), by=secretary
    )
    client.force_login(secretary)
    response = client.post(
        reverse("members:member-add", args=[tree.branch.pk]),
        {"name": "陈晓燕", "id_number": NUMBER, "category": Member.Category.REGISTERED},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]


def test_a_corrected_number_is_stored_and_the_change_log_says_so_without_numbers(
    client, secretary, tree
):
    member = MemberFactory(branch=tree.branch, id_number=NUMBER, birth_date=dt.date(1969, 11, 2))
    save_with_history(member, by=secretary)
    corrected = next_id_number(dt.date(1969, 11, 2), male=True)
    client.force_login(secretary)
    response = client.post(
        reverse("members:member-edit", args=[member.pk]),
        {
            "name": member.name,
            "id_number": corrected,
            "category": member.category,
            "phone": member.phone,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.id_number == corrected
    changes = change_log(member, hidden=frozenset({"id_number_hash"}))[0].changes
    label = str(Member._meta.get_field("id_number_hash").verbose_name)
    assert [(c.field, c.old, c.new) for c in changes] == [(label, "••••", "••••")]


def test_editing_without_a_new_number_keeps_the_token(client, secretary, tree):
    member = MemberFactory(branch=tree.branch, id_number=NUMBER, birth_date=dt.date(1969, 11, 2))
    token = member.id_number_cipher
    client.force_login(secretary)
    client.post(
        reverse("members:member-edit", args=[member.pk]),
        {"name": "新名字", "id_number": NUMBER, "category": member.category, "phone": member.phone},
    )
    member.refresh_from_db()
    assert (member.name, member.id_number_cipher) == ("新名字", token)


def test_the_roster_import_finds_the_member_by_their_number(client, secretary, tree):
    member = MemberFactory(
        branch=tree.branch, name="陈国庆", id_number=NUMBER, birth_date=dt.date(1969, 11, 2)
    )
    client.force_login(secretary)
    content = workbook(
        ["姓名", "身份证号", "类别", "职业"], [["陈国庆", NUMBER.lower(), "在册党员", "电工"]]
    )
    roster_import, response = upload(client, tree.branch, content)
    assert response.context["report"].rows[0].existing == member
    confirm(client, roster_import)
    assert Member.all_files.count() == 1
    member.refresh_from_db()
    assert member.occupation == "电工"


def test_the_member_list_still_finds_the_last_four_characters(client, secretary, tree):
    member = MemberFactory(branch=tree.branch, id_number=NUMBER)
    MemberFactory(branch=tree.branch)
    client.force_login(secretary)
    response = client.get(
        reverse("members:member-list", args=[tree.branch.pk]), {"q": NUMBER[-4:].lower()}
    )
    assert [m.pk for m in response.context["page"]] == [member.pk]


def test_a_server_error_on_the_member_form_reports_no_whole_number(
    client, secretary, tree, monkeypatch
):
    def broken(form, *, by):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "save_member_form", broken)
    seen = []

    def keep(sender, request, **kwargs):
        seen.append(request)

    got_request_exception.connect(keep)
    client.raise_request_exception = False
    client.force_login(secretary)
    try:
        response = client.post(
            reverse("members:member-add", args=[tree.branch.pk]),
            {"name": "陈晓燕", "id_number": NUMBER, "category": Member.Category.REGISTERED},
        )
    finally:
        got_request_exception.disconnect(keep)
    assert response.status_code == 500
    reported = SafeExceptionReporterFilter().get_post_parameters(seen[0])
    assert reported["id_number"] != NUMBER
    assert NUMBER not in str(dict(reported))


# --- the admin and its history -------------------------------------------------------------


def test_the_admin_and_its_history_pages_show_no_whole_number(client, superuser, tree):
    member = MemberFactory(branch=tree.branch, id_number=NUMBER, birth_date=dt.date(1969, 11, 2))
    save_with_history(member, by=superuser)
    corrected = next_id_number(dt.date(1969, 11, 2), male=True)
    member.id_number = corrected
    save_with_history(member, by=superuser)
    hashes = [idnumbers.digest(NUMBER), idnumbers.digest(corrected)]
    client.force_login(superuser)
    record = member.history.order_by("history_id").first()
    pages = {
        "list": reverse("admin:members_member_changelist"),
        "change": reverse("admin:members_member_change", args=[member.pk]),
        "history": reverse("admin:members_member_history", args=[member.pk]),
        "before": reverse(
            "admin:members_member_simple_history", args=[member.pk, record.history_id]
        ),
    }
    for name, url in pages.items():
        content = client.get(url).content.decode()
        for secret in [NUMBER, corrected, *hashes, member.id_number_cipher]:
            assert secret not in content, name
    history = client.get(pages["history"]).content.decode()
    assert "••••" in history  # the change is listed, its values are not
    assert idnumbers.mask(corrected) in client.get(pages["change"]).content.decode()


def test_history_rows_keep_the_hash_and_no_number(tree, secretary):
    member = MemberFactory(branch=tree.branch, id_number=NUMBER)
    save_with_history(member, by=secretary)
    columns = [f.column for f in Member.history.model._meta.concrete_fields]
    assert "id_number_cipher" not in columns and "id_number" not in columns
    for row in _history_rows(member):
        assert idnumbers.digest(NUMBER) in row
        assert not any(NUMBER in str(value) for value in row)


# --- key rotation --------------------------------------------------------------------------


def test_rotation_re_encrypts_every_number_with_the_newest_key(settings, tree):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ID_NUMBER_KEYS = [old]
    members = [MemberFactory(branch=tree.branch) for _ in range(3)]
    history_rows = Member.history.count()
    numbers = {m.pk: m.id_number for m in members}
    updated = {m.pk: m.updated_at for m in members}
    settings.ID_NUMBER_KEYS = [new, old]
    with pytest.raises(CommandError, match="3 of 3 ID numbers are not yet encrypted"):
        call_command("rotate_id_number_keys", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_id_number_keys", stdout=out)
    assert "Re-encrypted 3 of 3" in out.getvalue()
    settings.ID_NUMBER_KEYS = [new]  # the old key dropped: everything still reads
    for member in Member.all_files.all():
        assert member.id_number == numbers[member.pk]
        assert member.updated_at == updated[member.pk]
    out = io.StringIO()
    call_command("rotate_id_number_keys", "--check", stdout=out)
    assert out.getvalue().startswith("0 of 3")
    assert Member.history.count() == history_rows  # not a change anyone made
