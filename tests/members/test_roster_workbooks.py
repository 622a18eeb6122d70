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
