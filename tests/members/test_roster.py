import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from members.models import Member, RosterImport
from tests.factories import CapabilityTypeFactory, MemberFactory, next_id_number, roster_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _label(choice) -> str:
    """A choice as a secretary types it: its Chinese label."""
    with translation.override("zh-hans"):
        return str(choice.label)


def _row(**overrides):
    row = {
        "name": "周桂英",
        "id_number": next_id_number(dt.date(1962, 8, 9), male=False),
        "category": _label(Member.Category.REGISTERED),
        "phone": "13711112222",
        "education": _label(Member.Education.SENIOR),
        "occupation": "农民",
    }
    return row | overrides


def _upload(client, branch, content: bytes, name: str = "roster.xlsx"):
    return client.post(
        reverse("members:roster-import", args=[branch.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=XLSX)},
    )


@pytest.fixture
def as_secretary(client, secretary):
    client.force_login(secretary)
    return client


def test_the_template_has_every_column_and_marks_required_ones(as_secretary, tree):
    response = as_secretary.get(reverse("members:roster-template", args=[tree.branch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert response["Content-Type"] == XLSX
    assert headers[0].endswith("*") and len(headers) == 15


def test_a_valid_file_is_previewed_without_saving_anything(as_secretary, tree):
    response = _upload(
        as_secretary,
        tree.branch,
        roster_file([_row(), _row(name="孙建军", id_number=next_id_number())]),
    )
    preview = as_secretary.get(response["Location"])
    assert preview.context["report"].to_create == 2
    assert Member.objects.count() == 0


def test_confirming_saves_every_row(as_secretary, tree, secretary):
    medical = CapabilityTypeFactory(name="医疗服务型")
    rows = [_row(capability_types="医疗服务型"), _row(name="孙建军", id_number=next_id_number())]
    preview_url = _upload(as_secretary, tree.branch, roster_file(rows))["Location"]
    as_secretary.post(preview_url, {"confirm": "1"})
    saved = Member.objects.get(name="周桂英")
    assert Member.objects.filter(branch=tree.branch).count() == 2
    assert saved.birth_date == dt.date(1962, 8, 9)
    assert list(saved.capability_types.all()) == [medical]
    assert saved.history.latest().history_user == secretary


def test_importing_the_same_people_again_updates_them(as_secretary, tree):
    row = _row()
    preview_url = _upload(as_secretary, tree.branch, roster_file([row]))["Location"]
    as_secretary.post(preview_url, {"confirm": "1"})
    preview_url = _upload(as_secretary, tree.branch, roster_file([row | {"phone": "13600001111"}]))[
        "Location"
    ]
    assert as_secretary.get(preview_url).context["report"].to_update == 1
    as_secretary.post(preview_url, {"confirm": "1"})
    assert Member.objects.get().phone == "13600001111"


def test_an_update_keeps_what_the_file_has_no_column_for(as_secretary, tree, member):
    member.specialties = "家电维修"
    member.save()
    headers = ["name", "id_number", "category"]  # field names are accepted as headers too
    content = roster_file(
        [{"name": "李秀英", "id_number": member.id_number, "category": "registered"}]
    )
    # roster_file writes every template column; cut it down to three columns:
    content = _only_columns(content, 3, headers)
    as_secretary.post(_upload(as_secretary, tree.branch, content)["Location"], {"confirm": "1"})
    member.refresh_from_db()
    assert member.specialties == "家电维修"


def _only_columns(content: bytes, count: int, headers: list[str]) -> bytes:
    from volunteer.xlsx import rows_to_xlsx

    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row[:count]] for row in sheet.iter_rows(min_row=2)]
    return rows_to_xlsx(headers, rows)


def test_every_bad_row_is_named_with_its_reason_and_nothing_is_saved(as_secretary, tree):
    good = _row()
    rows = [
        good,
        _row(name="", id_number=next_id_number()),
        _row(name="钱多多", id_number="330602198001010000"),
        _row(name="吴二", id_number=next_id_number(), category="党员干部"),
        _row(name="郑三", id_number=good["id_number"]),
        _row(name="冯四", id_number=next_id_number(), phone="12345"),
        _row(name="陈五", id_number=next_id_number(), grid="不存在的网格"),
    ]
    preview_url = _upload(as_secretary, tree.branch, roster_file(rows))["Location"]
    report = as_secretary.get(preview_url).context["report"]
    assert [row.line for row in report.bad_rows] == [3, 4, 5, 6, 7, 8]
    assert all(row.errors for row in report.bad_rows)
    assert "2" in " ".join(report.bad_rows[3].errors)  # names the row with the same ID
    response = as_secretary.post(preview_url, {"confirm": "1"})
    assert response.status_code == 200
    assert Member.objects.count() == 0
    assert RosterImport.objects.get().status == RosterImport.Status.PENDING


def test_a_person_registered_in_another_branch_is_not_moved(as_secretary, tree):
    elsewhere = MemberFactory(branch=tree.other_branch)
    content = roster_file([_row(id_number=elsewhere.id_number, name=elsewhere.name, gender=None)])
    report = as_secretary.get(_upload(as_secretary, tree.branch, content)["Location"]).context[
        "report"
    ]
    assert report.bad_rows
    elsewhere.refresh_from_db()
    assert elsewhere.branch == tree.other_branch


def test_a_row_gone_bad_between_preview_and_confirmation_saves_nothing(as_secretary, tree):
    rows = [_row(), _row(name="孙建军", id_number=next_id_number())]
    preview_url = _upload(as_secretary, tree.branch, roster_file(rows))["Location"]
    MemberFactory(branch=tree.other_branch, id_number=rows[1]["id_number"])  # someone else took it
    as_secretary.post(preview_url, {"confirm": "1"})
    assert not Member.objects.filter(branch=tree.branch).exists()


def test_an_import_is_saved_only_once(as_secretary, tree):
    preview_url = _upload(as_secretary, tree.branch, roster_file([_row()]))["Location"]
    as_secretary.post(preview_url, {"confirm": "1"})
    as_secretary.post(preview_url, {"confirm": "1"})
    assert Member.objects.count() == 1


def test_discarding_saves_nothing_and_drops_the_file(as_secretary, tree):
    preview_url = _upload(as_secretary, tree.branch, roster_file([_row()]))["Location"]
    as_secretary.post(preview_url, {"discard": "1"})
    assert Member.objects.count() == 0
    assert bytes(RosterImport.objects.get().content) == b""


def test_an_id_number_typed_as_a_number_is_explained(as_secretary, tree):
    content = roster_file([_row(id_number=float("330602196208090021"))])
    report = as_secretary.get(_upload(as_secretary, tree.branch, content)["Location"]).context[
        "report"
    ]
    assert "text" in report.bad_rows[0].errors[0] or "文本" in report.bad_rows[0].errors[0]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.xlsx"),
        (b"name,id\n\xe5\xbc\xa0,1\n", "roster.csv"),
        (b"PK\x03\x04 this is not really a zip archive", "broken.xlsx"),
        (roster_file([]), "headers-only.xlsx"),
        (roster_file([{"name": "张三"}], headers=["Full name", "Passport"]), "wrong-headers.xlsx"),
    ],
    ids=["empty", "not-xlsx", "corrupted", "no-rows", "wrong-headers"],
)
def test_an_unusable_file_gets_a_clear_message_and_changes_nothing(
    as_secretary, tree, content, name
):
    response = _upload(as_secretary, tree.branch, content, name)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert RosterImport.objects.count() == 0
    assert Member.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(as_secretary, tree, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1024
    response = _upload(as_secretary, tree.branch, roster_file([_row()]) + b"\0" * 2048)
    assert "MB" in str(response.context["form"].errors["file"])
    assert RosterImport.objects.count() == 0


def test_the_export_masks_id_numbers(as_secretary, tree, member):
    response = as_secretary.get(reverse("members:roster-export", args=[tree.branch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert member.masked_id_number in values
    assert member.id_number not in values


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"])
def test_the_export_never_writes_user_text_as_a_formula(as_secretary, tree, hostile):
    MemberFactory(branch=tree.branch, name="赵六", occupation=hostile, specialties=hostile)
    response = as_secretary.get(reverse("members:roster-export", args=[tree.branch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.value and hostile in str(cell.value)
    ]
    assert len(cells) == 2
    assert all(
        cell.data_type == "s" and not str(cell.value).startswith(("=", "+", "-", "@"))
        for cell in cells
    )


def test_the_export_writes_dates_as_dates(as_secretary, tree, member):
    response = as_secretary.get(reverse("members:roster-export", args=[tree.branch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet.cell(row=2, column=4).value, dt.datetime)


def test_the_export_makes_the_same_number_of_queries_for_5_and_50_members(
    as_secretary, tree, django_assert_max_num_queries
):
    MemberFactory.create_batch(50, branch=tree.branch, grid=tree.grid)
    with django_assert_max_num_queries(8):
        as_secretary.get(reverse("members:roster-export", args=[tree.branch.pk]))


def test_exported_decimals_stay_numbers():
    from decimal import Decimal

    from volunteer.xlsx import rows_to_xlsx

    sheet = load_workbook(io.BytesIO(rows_to_xlsx(["points"], [[Decimal("2.5")]]))).active
    assert sheet.cell(row=2, column=1).value == 2.5
