"""Roster files as clerks make them over years: title rows above the header, their own
header spellings, extra columns, hidden and several sheets, and more rows than an import
takes (each workbook built here the way a clerk's is, with openpyxl)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from members.models import Member, RosterImport
from tests.factories import MemberFactory, next_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(*sheets: tuple[str, list[list], str]) -> bytes:
    """A workbook of (title, rows, state) sheets."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, state in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def person(name: str) -> list:
    return [name, next_id_number(), "在册党员"]


def upload(client, branch, content: bytes):
    return client.post(
        reverse("members:roster-import", args=[branch.pk]),
        {"file": SimpleUploadedFile("花名册.xlsx", content, content_type=XLSX)},
        follow=True,
    )


@pytest.fixture
def clerk(client, secretary):
    client.force_login(secretary)
    return client


def test_the_header_is_found_below_title_and_blank_rows(clerk, tree):
    rows = [["秦望村党员花名册"], [], ["填表日期：2026年11月"], ["姓名", "身份证号", "类别"]]
    response = upload(clerk, tree.branch, book(("花名册", [*rows, person("王一")], "visible")))
    report = response.context["report"]
    assert [r.name for r in report.rows] == ["王一"]
    assert report.rows[0].line == 5


def test_common_header_spellings_are_accepted_and_unused_columns_named(clerk, tree):
    header = ["序号", "姓 名", "身份证号码", "人员类别", "联系电话（手机）", "备注"]
    content = book(("Sheet1", [header, [1, *person("王二"), "13905751111", "新转入"]], "visible"))
    report = upload(clerk, tree.branch, content).context["report"]
    assert report.rows[0].values["phone"] == "13905751111"
    assert report.ignored_columns == ["序号", "备注"]
    assert not report.bad_rows


def test_a_hidden_first_sheet_is_never_read(clerk, tree):
    content = book(
        ("旧名单", [["姓名", "身份证号", "类别"], person("不该导入")], "hidden"),
        ("花名册", [["姓名", "身份证号", "类别"], person("王三")], "visible"),
    )
    response = upload(clerk, tree.branch, content)
    report = response.context["report"]
    assert [r.name for r in report.rows] == ["王三"]
    assert report.sheets == ["花名册"]
    assert "花名册" in response.content.decode()


def test_with_several_visible_sheets_the_clerk_chooses_one_or_all(clerk, tree):
    header = ["姓名", "身份证号", "类别"]
    content = book(
        ("一组", [header, person("王四")], "visible"),
        ("二组", [header, person("王五"), person("王六")], "visible"),
    )
    response = upload(clerk, tree.branch, content)
    assert response.context["report"].sheets == ["一组", "二组"]
    assert [r.name for r in response.context["report"].rows] == ["王四"]
    preview = reverse("members:roster-preview", args=[RosterImport.objects.get().pk])
    second = clerk.get(preview, {"sheet": "二组"})
    assert [r.name for r in second.context["report"].rows] == ["王五", "王六"]
    every = clerk.get(preview, {"sheet": "*"})
    assert [r.name for r in every.context["report"].rows] == ["王四", "王五", "王六"]
    clerk.post(preview, {"confirm": "1"})
    assert sorted(Member.objects.values_list("name", flat=True)) == ["王五", "王六", "王四"]


def test_an_unknown_sheet_name_keeps_the_current_one(clerk, tree):
    header = ["姓名", "身份证号", "类别"]
    content = book(("一组", [header, person("王七")], "visible"), ("二组", [header], "visible"))
    upload(clerk, tree.branch, content)
    roster_import = RosterImport.objects.get()
    preview = reverse("members:roster-preview", args=[roster_import.pk])
    response = clerk.get(preview, {"sheet": "没有这张表"})
    assert response.status_code == 200
    assert [r.name for r in response.context["report"].rows] == ["王七"]
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PENDING


def test_every_non_empty_row_counts_and_a_file_over_the_limit_is_refused_whole(
    clerk, tree, settings
):
    settings.ROSTER_MAX_ROWS = 3
    rows = [["姓名", "身份证号", "类别"], person("甲"), [], person("乙"), [], [], person("丙")]
    rows += [[] for _ in range(5)] + [person("丁")]
    response = upload(clerk, tree.branch, book(("Sheet1", rows, "visible")))
    assert "4" in response.context["form"].errors["file"][0]
    assert not RosterImport.objects.exists()
    assert not Member.objects.exists()


def rows_of(clerk, tree, header: list, *rows: list):
    content = book(("Sheet1", [header, *rows], "visible"))
    return upload(clerk, tree.branch, content).context["report"].rows


def test_full_width_and_invisible_characters_are_folded_before_checking(clerk, tree):
    number = next_id_number()
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number) + "\u200b"
    [row] = rows_of(
        clerk,
        tree,
        ["姓名", "身份证号", "类别", "联系电话"],
        ["王八", f" {typed} ", "在册党员", "１３９０５７５１２３４"],
    )
    assert not row.errors
    assert (row.values["id_number"], row.values["phone"]) == (number, "13905751234")


def test_the_same_person_typed_in_full_width_is_not_added_twice(clerk, tree):
    number = next_id_number()
    MemberFactory(branch=tree.branch, id_number=number, name="王九")
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    [row] = rows_of(clerk, tree, ["姓名", "身份证号", "类别"], ["王九", typed, "在册党员"])
    assert row.existing is not None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1988.07", "1988-07-01"), ("1988年7月", "1988-07-01"), ("1988-7-15", "1988-07-15")],
)
def test_a_join_date_may_be_a_month(clerk, tree, typed, expected):
    [row] = rows_of(clerk, tree, ["姓名", "身份证号", "类别", "入党时间"], [*person("王十"), typed])
    assert str(row.values["joined_party_on"]) == expected


@pytest.mark.parametrize("typed", ["1988071", "19880231", "88.7.1", "32145"])
def test_a_date_that_would_need_guessing_is_refused(clerk, tree, typed):
    [row] = rows_of(
        clerk, tree, ["姓名", "身份证号", "类别", "入党时间"], [*person("王十一"), typed]
    )
    assert any("入党时间" in error and typed in error for error in row.errors)


def test_dates_in_the_future_or_before_the_18th_birthday_are_refused(clerk, tree):
    number = next_id_number(dt.date(1990, 3, 1))
    rows = rows_of(
        clerk,
        tree,
        ["姓名", "身份证号", "类别", "入党时间"],
        ["少年", number, "在册党员", "2005-06-01"],
        [*person("未来"), "2031-07-01"],
    )
    assert any("18" in e for e in rows[0].errors)
    assert any("2031-07-01" in e for e in rows[1].errors)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("13905751234/13905751235", "Two numbers"),
        ("+8613905751234", "country code"),
        ("575-88001234", "leading 0"),
    ],
)
def test_a_phone_refusal_says_what_is_wrong(clerk, tree, typed, says):
    from django.utils import translation

    with translation.override("en"):
        clerk.cookies["django_language"] = "en"
        [row] = rows_of(
            clerk, tree, ["姓名", "身份证号", "类别", "联系电话"], [*person("王十二"), typed]
        )
    assert any(says in e for e in row.errors), row.errors


def test_a_refused_list_value_names_the_allowed_ones(clerk, tree):
    [row] = rows_of(
        clerk, tree, ["姓名", "身份证号", "类别"], ["王十三", next_id_number(), "普通党员"]
    )
    assert any("在册党员" in e and "在职党员" in e for e in row.errors)


# --- the formats clerks have, and hostile files -----------------------------------------

HEADER = ["姓名", "身份证号", "类别"]


def xls(rows: list[list]) -> bytes:
    """An old Excel/WPS .xls workbook."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods(rows: list[list]) -> bytes:
    """A LibreOffice .ods spreadsheet, as LibreOffice writes its parts."""
    import zipfile
    from xml.sax.saxutils import escape

    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p>'
            "</table:table-cell>"
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="花名册">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize("make", [xls, ods], ids=["xls", "ods"])
def test_old_excel_wps_and_libreoffice_files_are_read_with_the_same_checks(clerk, tree, make):
    good, bad = person("王十四"), ["王十五", "330602199913131234", "在册党员"]
    response = upload(clerk, tree.branch, make([["秦望村花名册"], HEADER, good, bad]))
    report = response.context["report"]
    assert [r.name for r in report.rows] == ["王十四", "王十五"]
    assert not report.rows[0].errors and report.rows[1].errors


def test_a_csv_file_is_refused_with_how_to_save_it_as_a_workbook(clerk, tree):
    content = "姓名,身份证号,类别\n王十六,330602198001011234,在册党员\n".encode()
    response = upload(clerk, tree.branch, content)
    assert "CSV" in response.context["form"].errors["file"][0]
    assert not RosterImport.objects.exists()


def test_a_file_that_unpacks_to_far_more_than_a_roster_is_refused_unread(clerk, tree, settings):
    import zipfile

    settings.ROSTER_MAX_UNPACKED_BYTES = 4 * 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (6 * 1024 * 1024))
    assert len(out.getvalue()) < 64 * 1024  # small on disk
    response = upload(clerk, tree.branch, out.getvalue())
    assert "4 MB" in response.context["form"].errors["file"][0]
    assert not RosterImport.objects.exists()


def test_a_password_protected_workbook_is_told_to_remove_the_password(clerk, tree):
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(book(("花名册", [HEADER, person("王")], "visible")))).encrypt(
        "secret", locked
    )
    response = upload(clerk, tree.branch, locked.getvalue())
    assert "密码" in response.context["form"].errors["file"][0]


def test_the_template_formats_numbers_as_text_and_offers_drop_down_lists(clerk, tree):
    from openpyxl import load_workbook

    response = clerk.get(reverse("members:roster-template", args=[tree.branch.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    roster_sheet, instructions = workbook.worksheets
    assert roster_sheet["B2"].number_format == "@" and roster_sheet["E2"].number_format == "@"
    lists = {str(v.sqref).split(":")[0][0] for v in roster_sheet.data_validations.dataValidation}
    assert {"C", "F", "G", "I"} <= lists  # gender, category, grid, education
    values = [c.value for row in instructions.iter_rows() for c in row if c.value]
    assert "在册党员" in values and tree.grid.name in values


def test_the_template_comes_back_as_one_roster_sheet(clerk, tree):
    from openpyxl import load_workbook

    response = clerk.get(reverse("members:roster-template", args=[tree.branch.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    name, number, category = person("王十七")
    for column, value in ((1, name), (2, number), (6, category)):  # as a clerk types row 2
        workbook.worksheets[0].cell(row=2, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    report = upload(clerk, tree.branch, out.getvalue()).context["report"]
    assert report.sheets == [workbook.worksheets[0].title]  # the instructions are not offered
    assert [r.name for r in report.rows] == ["王十七"]
    assert not report.bad_rows


def test_an_exported_roster_can_be_imported_again(clerk, tree):
    from openpyxl import load_workbook

    member = MemberFactory(branch=tree.branch, name="王十八", phone="13700002222")
    exported = clerk.get(reverse("members:roster-export", args=[tree.branch.pk])).content
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("联系电话") + 1, value="13700003333")
    out = io.BytesIO()
    workbook.save(out)
    response = upload(clerk, tree.branch, out.getvalue())
    [row] = response.context["report"].rows
    assert not row.errors, row.errors
    assert [(c.field, c.new) for c in row.changes] == [("phone", "13700003333")]
    assert row.existing == member


def test_a_masked_id_with_a_wrong_file_number_is_refused(clerk, tree):
    member = MemberFactory(branch=tree.branch, name="王十九")
    other = MemberFactory(branch=tree.branch, name="王二十")
    from members import idnumbers

    header = ["姓名", "身份证号", "类别", "档案编号"]
    row = ["王十九", idnumbers.mask(member.id_number), "在册党员", other.pk]
    [result] = (
        upload(clerk, tree.branch, book(("Sheet1", [header, row], "visible")))
        .context["report"]
        .rows
    )
    assert result.errors


def test_a_name_that_reads_as_the_other_gender_is_flagged(clerk, tree):
    man = next_id_number(dt.date(1970, 1, 1), male=True)
    woman = next_id_number(dt.date(1971, 1, 1), male=False)
    rows = rows_of(
        clerk,
        tree,
        HEADER,
        ["李秀娟", man, "在册党员"],
        ["李秀娟", woman, "在册党员"],
        ["王志强", next_id_number(dt.date(1972, 1, 1), male=False), "在册党员"],
    )
    assert [bool(r.warnings) for r in rows] == [True, False, True]
    assert not any(r.errors for r in rows)  # a warning, not a refusal


@pytest.mark.parametrize(
    "bad",
    [
        ["坏一", "330602199913131234", "在册党员", ""],  # impossible ID number
        ["坏二", "*", "在册党员", ""],  # a masked number without its file
        ["坏三", "IDNUMBER", "普通党员", ""],  # a list value not allowed
        ["坏四", "IDNUMBER", "在册党员", "2031-01-01"],  # a date in the future
        ["坏五", "IDNUMBER", "在册党员", "1988071"],  # a date that would need guessing
        ["", "IDNUMBER", "在册党员", ""],  # no name
    ],
)
def test_any_refused_row_saves_nothing_at_all(clerk, tree, bad):
    good = person("好人")
    bad = [next_id_number() if cell == "IDNUMBER" else cell for cell in bad]
    content = book(("Sheet1", [[*HEADER, "入党时间"], [*good, ""], bad], "visible"))
    response = upload(clerk, tree.branch, content)
    assert response.context["report"].bad_rows
    roster_import = RosterImport.objects.get()
    clerk.post(reverse("members:roster-preview", args=[roster_import.pk]), {"confirm": "1"})
    assert not Member.objects.exists()
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PENDING
