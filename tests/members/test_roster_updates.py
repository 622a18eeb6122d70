"""Roster updates a clerk can trust: a blank cell never erases, the preview shows every
change old → new, unchanged rows write nothing, and a change of who an ID number names
must be ticked as checked."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from members import idnumbers
from members.models import Member, RosterImport
from tests.factories import (
    CapabilityTypeFactory,
    MemberFactory,
    PartnerUnitFactory,
    next_id_number,
)
from volunteer.xlsx import rows_to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID = next_id_number(dt.date(1978, 5, 12), male=True)


@pytest.fixture
def filed(tree):
    """A member file as a secretary keeps it: every field filled in."""
    member = MemberFactory(
        branch=tree.branch,
        grid=tree.grid,
        name="陈国庆",
        id_number=ID,
        gender="M",
        birth_date=dt.date(1978, 5, 12),
        phone="13711110000",
        education=Member.Education.SENIOR,
        occupation="电工",
        joined_party_on=dt.date(2001, 7, 1),
        specialties="水电维修",
        interests="象棋",
        employer=PartnerUnitFactory(name="越城供电所"),
        category=Member.Category.IN_SERVICE,
    )
    member.capability_types.add(CapabilityTypeFactory(name="生活服务型"))
    return member


def workbook(headers: list[str], rows: list[list]) -> bytes:
    return rows_to_xlsx(headers, rows, text_columns=[1])


def upload(client, branch, content: bytes):
    response = client.post(
        reverse("members:roster-import", args=[branch.pk]),
        {"file": SimpleUploadedFile("roster.xlsx", content, content_type=XLSX)},
        follow=True,
    )
    return RosterImport.objects.latest("pk"), response


def confirm(client, roster_import, **extra):
    return client.post(
        reverse("members:roster-preview", args=[roster_import.pk]),
        {"confirm": "1", **extra},
        follow=True,
    )


def snapshot(member: Member) -> dict:
    member = Member.all_files.get(pk=member.pk)
    return {
        "grid": member.grid_id,
        "education": member.education,
        "joined_party_on": member.joined_party_on,
        "specialties": member.specialties,
        "interests": member.interests,
        "occupation": member.occupation,
        "employer": member.employer_id,
        "capabilities": sorted(c.name for c in member.capability_types.all()),
    }


def test_updating_only_the_phone_column_keeps_everything_else(client, secretary, tree, filed):
    before = snapshot(filed)
    client.force_login(secretary)
    content = workbook(
        ["姓名", "身份证号", "类别", "联系电话"], [["陈国庆", ID, "在职党员", "13922223333"]]
    )
    roster_import, response = upload(client, tree.branch, content)
    row = response.context["report"].rows[0]
    assert [(c.field, c.old, c.new) for c in row.changes] == [
        ("phone", "13711110000", "13922223333")
    ]
    confirm(client, roster_import)
    filed.refresh_from_db()
    assert filed.phone == "13922223333"
    assert snapshot(filed) == before


def test_a_blank_cell_in_a_column_keeps_the_value_on_file(client, secretary, tree, filed):
    before = snapshot(filed)
    client.force_login(secretary)
    headers = [
        "姓名",
        "身份证号",
        "类别",
        "联系电话",
        "网格",
        "学历",
        "特长",
        "兴趣爱好",
        "能力类型",
    ]
    content = workbook(headers, [["陈国庆", ID, "在职党员", "", "", "", "", "", ""]])
    roster_import, response = upload(client, tree.branch, content)
    assert response.context["report"].rows[0].action == "unchanged"
    confirm(client, roster_import)
    filed.refresh_from_db()
    assert filed.phone == "13711110000"
    assert snapshot(filed) == before


def test_unchanged_rows_are_counted_and_write_no_history(client, secretary, tree, filed):
    client.force_login(secretary)
    versions = filed.history.count()
    content = workbook(["姓名", "身份证号", "类别"], [["陈国庆", ID, "在职党员"]])
    roster_import, response = upload(client, tree.branch, content)
    report = response.context["report"]
    assert (report.to_create, report.to_update, report.unchanged) == (0, 0, 1)
    confirm(client, roster_import)
    assert filed.history.count() == versions
    assert RosterImport.objects.get(pk=roster_import.pk).status == RosterImport.Status.APPLIED


def test_the_preview_shows_each_change_old_to_new(client, secretary, tree, filed):
    client.force_login(secretary)
    content = workbook(
        ["姓名", "身份证号", "类别", "学历", "能力类型"],
        [["陈国庆", ID, "在职党员", "大专", "生活服务型、医疗服务型"]],
    )
    CapabilityTypeFactory(name="医疗服务型")
    _roster_import, response = upload(client, tree.branch, content)
    page = response.content.decode()
    assert "高中（中专） → " in page  # the old education, by its label
    assert "大专" in page
    assert "生活服务型、医疗服务型" in page
    assert not response.context["report"].identity_rows


def test_a_new_name_for_a_known_id_number_must_be_ticked_as_checked(client, secretary, tree, filed):
    client.force_login(secretary)
    content = workbook(["姓名", "身份证号", "类别"], [["陈国强", ID, "在职党员"]])
    roster_import, response = upload(client, tree.branch, content)
    report = response.context["report"]
    assert [c.field for c in report.identity_rows[0].identity_changes] == ["name"]
    assert "identity-checked" in response.content.decode()

    refused = confirm(client, roster_import)
    assert refused.context["report"].needs_identity_check
    filed.refresh_from_db()
    assert filed.name == "陈国庆"
    assert RosterImport.objects.get(pk=roster_import.pk).status == RosterImport.Status.PENDING

    confirm(client, roster_import, identity_checked="1")
    filed.refresh_from_db()
    assert filed.name == "陈国强"


def test_a_departed_members_id_number_is_a_row_error_not_a_server_error(
    client, secretary, tree, filed
):
    Member.all_files.filter(pk=filed.pk).update(left_on=dt.date(2026, 10, 1), leave_reason="died")
    client.force_login(secretary)
    content = workbook(["姓名", "身份证号", "类别"], [["陈国庆", ID, "在职党员"]])
    roster_import, response = upload(client, tree.branch, content)
    assert response.status_code == 200
    assert "陈国庆" in response.context["report"].rows[0].errors[0]
    response = confirm(client, roster_import)
    assert response.status_code == 200
    assert Member.all_files.filter(id_number_hash=idnumbers.digest(ID)).count() == 1


def test_the_workbook_helper_is_a_real_workbook():
    # The files above are built the way the app writes them; a clerk's own workbook is
    # read the same way (openpyxl), so one made by hand behaves alike.
    book = Workbook()
    book.active.append(["姓名", "身份证号", "类别"])
    assert book.active.max_row == 1


def test_an_abandoned_upload_is_deleted_by_the_daily_sweep(client, secretary, tree, filed):
    from django.core.management import call_command
    from django.utils import timezone

    client.force_login(secretary)
    content = workbook(["姓名", "身份证号", "类别"], [["陈国庆", ID, "在职党员"]])
    fresh, _response = upload(client, tree.branch, content)
    old, _response = upload(client, tree.branch, content)
    RosterImport.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - dt.timedelta(hours=25)
    )
    call_command("daily_sweep", stdout=None)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, bytes(old.content)) == (RosterImport.Status.DISCARDED, b"")
    assert fresh.status == RosterImport.Status.PENDING and bytes(fresh.content)


def test_a_confirmed_upload_keeps_no_file(client, secretary, tree, filed):
    client.force_login(secretary)
    content = workbook(["姓名", "身份证号", "类别"], [["陈国庆", ID, "在职党员"]])
    roster_import, _response = upload(client, tree.branch, content)
    confirm(client, roster_import)
    roster_import.refresh_from_db()
    assert bytes(roster_import.content) == b""


def test_only_the_uploader_sees_an_upload(client, secretary, tree, filed):
    from members.models import RoleAssignment
    from tests.factories import RoleFactory, UserFactory

    client.force_login(secretary)
    content = workbook(["姓名", "身份证号", "类别"], [["陈国庆", ID, "在职党员"]])
    roster_import, _response = upload(client, tree.branch, content)
    deputy = UserFactory(username="deputy-secretary")
    RoleFactory(user=deputy, unit=tree.branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
    client.force_login(deputy)
    preview = reverse("members:roster-preview", args=[roster_import.pk])
    assert client.get(preview).status_code == 403
    assert client.post(preview, {"confirm": "1"}).status_code == 403
