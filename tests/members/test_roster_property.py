"""Property: whatever columns a clerk's file has and whichever cells are blank, an update
never changes a field whose cell was blank (or whose column is missing)."""

import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from members import idnumbers, roster
from members.models import Member, RosterImport
from tests.factories import MemberFactory, UnitFactory, next_id_number

# Each optional column with a valid value that differs from the file's.
OPTIONAL = {
    "联系电话": ("phone", "13977778888"),
    "学历": ("education", "大专"),
    "职业": ("occupation", "教师"),
    "入党时间": ("joined_party_on", "2010-07-01"),
    "特长": ("specialties", "写春联"),
    "兴趣爱好": ("interests", "越剧"),
    "网格": ("grid", "第2网格"),
}
KEPT = [
    "phone",
    "education",
    "occupation",
    "joined_party_on",
    "specialties",
    "interests",
    "grid_id",
]


def as_kept(member: Member) -> dict:
    return {name: getattr(member, name) for name in KEPT}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    columns=st.lists(st.sampled_from(sorted(OPTIONAL)), unique=True),
    blanks=st.sets(st.sampled_from(sorted(OPTIONAL))),
)
def test_an_update_never_changes_a_field_whose_cell_was_blank(tree, secretary, columns, blanks):
    grid2 = tree.branch.children.filter(name="第2网格").first() or UnitFactory(
        kind="grid", name="第2网格", code="G2", parent=tree.branch
    )
    number = next_id_number(dt.date(1970, 1, 1))
    member = MemberFactory(
        branch=tree.branch,
        grid=tree.grid,
        name="赵永强",
        id_number=number,
        birth_date=idnumbers.birth_date(number),
        gender=idnumbers.gender_code(number),
        category=Member.Category.REGISTERED,
        phone="13700001111",
        education=Member.Education.SENIOR,
        occupation="农民",
        joined_party_on=dt.date(1999, 7, 1),
        specialties="修农机",
        interests="象棋",
    )
    before = as_kept(member)
    header = ["姓名", "身份证号", "类别", *columns]
    row = ["赵永强", number, "在册党员"] + [
        "" if column in blanks else OPTIONAL[column][1] for column in columns
    ]
    book = Workbook()
    book.active.append(header)
    book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    roster_import = RosterImport.objects.create(
        branch=tree.branch, uploaded_by=secretary, filename="p.xlsx", content=out.getvalue()
    )
    report = roster.apply_roster(roster_import, by=secretary)
    assert report.is_valid and not report.needs_identity_check, [r.errors for r in report.rows]
    member.refresh_from_db()
    after = as_kept(member)
    written = {
        ("grid_id" if OPTIONAL[c][0] == "grid" else OPTIONAL[c][0])
        for c in columns
        if c not in blanks
    }
    for name in KEPT:
        if name not in written:
            assert after[name] == before[name], (name, columns, blanks)
    if "grid_id" in written:
        assert after["grid_id"] == grid2.pk
