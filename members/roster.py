"""The Excel roster (花名册): template, import (validate → preview → apply) and export.

Import is two-phase: `read_roster` validates a file and reports every bad row without
writing anything; `apply_roster` re-reads the same stored file and saves all rows in one
transaction, or none. Rows are matched to existing files by ID number (or, for an
exported roster whose ID numbers are masked, by file number), so importing the same people
again updates them: only cells holding a value write, and the preview lists each change.
Clerks' workbooks are taken as they come (.xlsx, .xls, .ods; title rows; their own
header spellings; several sheets); see issue 16's note for each habit handled.
"""

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members import idnumbers
from members.forms import clean_phone
from members.models import CapabilityType, Member, PartnerUnit, RosterImport, Unit
from volunteer.urls_util import row_ids
from volunteer.xlsx import neutralise, rows_to_xlsx


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # lazy: the template is written in the user's language
    required: bool = False
    width: int = 14


COLUMNS = [
    Column("name", pgettext_lazy("person", "Name"), required=True, width=10),
    Column("id_number", gettext_lazy("ID number"), required=True, width=22),
    Column("gender", gettext_lazy("Gender"), width=6),
    Column("birth_date", gettext_lazy("Birth date"), width=12),
    Column("phone", gettext_lazy("Phone"), width=14),
    Column("category", gettext_lazy("Category"), required=True, width=14),
    Column("grid", gettext_lazy("Grid"), width=12),
    Column("occupation", gettext_lazy("Occupation")),
    Column("education", gettext_lazy("Education")),
    Column("joined_party_on", gettext_lazy("Date joined the party"), width=14),
    Column("employer", gettext_lazy("Employer unit"), width=18),
    Column("specialties", gettext_lazy("Specialties"), width=18),
    Column("interests", gettext_lazy("Interests"), width=18),
    Column("capability_types", gettext_lazy("Capability types"), width=18),
    # The member's file number: an exported roster (ID numbers masked) is matched by it
    # when it comes back.
    Column("file_number", gettext_lazy("File number"), width=10),
]
ID_COLUMN = 1
LIST_SEPARATORS = re.compile(r"[,，、;；/\s]+")


def max_upload_mb() -> int:
    return settings.ROSTER_MAX_UPLOAD_BYTES // (1024 * 1024)


class RosterFileError(Exception):
    """The file as a whole cannot be read; nothing in it is looked at further."""


@dataclass(frozen=True)
class FieldChange:
    """One field an update changes, as the preview shows it: old → new."""

    field: str
    label: str
    old: str
    new: str

    @property
    def is_identity(self) -> bool:
        """Name, gender or birth date changing under the same ID number: maybe a re-sorted
        column, not a correction. The clerk must tick that they checked it."""
        return self.field in IDENTITY_FIELDS


IDENTITY_FIELDS = {"name", "gender", "birth_date"}


@dataclass
class RowResult:
    line: int | str  # the row number, after the sheet's name when several are read
    name: str
    masked_id: str
    action: str = ""  # "create", "update" or "unchanged"
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    capability_ids: list[int] = field(default_factory=list)
    existing: Member | None = None
    changes: list[FieldChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # shown, not blocking

    @property
    def identity_changes(self) -> list[FieldChange]:
        return [change for change in self.changes if change.is_identity]


@dataclass
class RosterReport:
    rows: list[RowResult]
    columns: set[str] = field(default_factory=set)  # the fields the file has columns for
    needs_identity_check: bool = False  # saving was refused until the clerk ticks it
    sheets: list[str] = field(default_factory=list)  # the file's visible sheets
    sheet: str = ""  # the one read (ALL_SHEETS: all of them)
    ignored_columns: list[str] = field(default_factory=list)  # headers not imported

    @property
    def bad_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.bad_rows

    @property
    def to_create(self) -> int:
        return sum(1 for row in self.rows if row.action == "create" and not row.errors)

    @property
    def to_update(self) -> int:
        return sum(1 for row in self.rows if row.action == "update" and not row.errors)

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.action == "unchanged" and not row.errors)

    @property
    def identity_rows(self) -> list[RowResult]:
        """Rows changing who an existing ID number names (see FieldChange.is_identity)."""
        return [row for row in self.rows if row.identity_changes and not row.errors]


TEMPLATE_ROWS = 1000
TEXT_FIELDS = ("id_number", "phone")  # typed as text, or Excel eats digits and leading 0s
LIST_FIELDS = ("category", "education", "gender", "grid", "capability_types")


def template_xlsx(branch: Unit) -> bytes:
    """An empty roster for `branch`: the headers (required ones end with *), ID number
    and phone cells formatted as text, drop-down lists for category, education, gender
    and grid, and a second sheet with instructions and the allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Roster"))[:31]
    sheet.append([_header(c) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    letters = {c.field: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}
    for column in COLUMNS:
        sheet.column_dimensions[letters[column.field]].width = column.width
    for name in TEXT_FIELDS:
        sheet.column_dimensions[letters[name]].number_format = "@"
        for row in range(2, TEMPLATE_ROWS + 2):
            sheet[f"{letters[name]}{row}"].number_format = "@"

    info = workbook.create_sheet(str(_("Instructions"))[:31])
    allowed = {
        "category": [str(label) for _code, label in Member.Category.choices],
        "education": [str(label) for _code, label in Member.Education.choices],
        "gender": [str(label) for _code, label in Member.Gender.choices],
        "grid": list(
            Unit.objects.filter(parent=branch, kind=Unit.Kind.GRID)
            .order_by("path")
            .values_list("name", flat=True)
        ),
        "capability_types": list(
            CapabilityType.objects.filter(is_active=True).values_list("name", flat=True)
        ),
    }
    for line in TEMPLATE_INSTRUCTIONS:
        info.append([str(line)])
    info.append([])
    first = info.max_row + 1
    labels = {c.field: str(c.label) for c in COLUMNS}
    for offset, name in enumerate(LIST_FIELDS):
        letter = get_column_letter(offset + 1)
        info[f"{letter}{first}"] = labels[name]
        info[f"{letter}{first}"].font = Font(bold=True)
        for k, value in enumerate(allowed[name], start=1):
            info[f"{letter}{first + k}"] = neutralise(value)  # typed names: never formulas
        info.column_dimensions[letter].width = 16
        if name == "capability_types" or not allowed[name]:
            continue  # several per cell: no single-choice list
        source = f"'{info.title}'!${letter}${first + 1}:${letter}${first + len(allowed[name])}"
        validation = DataValidation(
            type="list",
            formula1=f"={source}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=str(_("Not on the list")),
            error=str(_("Choose a value from the drop-down list.")),
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letters[name]}2:{letters[name]}{TEMPLATE_ROWS + 1}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TEMPLATE_INSTRUCTIONS = [
    gettext_lazy("How to fill in the roster"),
    gettext_lazy("1. One member a row; columns marked * must be filled in."),
    gettext_lazy(
        "2. The ID number and phone columns are text: type the numbers as they are, do not change the cells to numbers."
    ),
    gettext_lazy("3. Gender and birth date may be left empty: they are read from the ID number."),
    gettext_lazy(
        "4. Choose category, education, gender and grid from the drop-down lists; several capability types go in one cell, separated by 、."
    ),
    gettext_lazy(
        "5. When updating members already on file, a blank cell keeps what the file has: clear a value on the member's page."
    ),
    gettext_lazy(
        "6. Dates like 1980-05-06; a join date may be a month, like 1988.07. Keep the file number of an exported roster: it matches the member back."
    ),
    gettext_lazy("The allowed values:"),
]


def _header(column: Column) -> str:
    return f"{column.label}*" if column.required else str(column.label)


def export_rows(members):
    """Rows of a roster export: the ID number masked, the rest as stored."""
    for member in members:
        yield [
            member.name,
            member.masked_id_number,
            member.get_gender_display(),
            member.birth_date,
            member.phone,
            member.get_category_display(),
            member.grid.name if member.grid else "",
            member.occupation,
            member.get_education_display(),
            member.joined_party_on,
            member.employer.name if member.employer else "",
            member.specialties,
            member.interests,
            "、".join(c.name for c in member.capability_types.all()),
            member.pk,
        ]


def export_xlsx(members) -> bytes:
    columns = [*COLUMNS, Column("exempt", gettext_lazy("Exempt (reason)"), width=18)]

    def rows():
        for member, row in zip(members, export_rows(members), strict=True):
            yield [*row, member.exemption_reason if member.is_exempt else ""]

    return rows_to_xlsx(
        [str(c.label) for c in columns],
        rows(),
        title=_("Roster"),
        column_widths=[c.width for c in columns],
    )


# --- reading -------------------------------------------------------------------------


def _choice_lookup(choices) -> dict[str, str]:
    """Accept a choice by its code, its Chinese label or its English label."""
    from django.utils import translation

    lookup = {}
    for code, label in choices:
        lookup[code.lower()] = code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label).strip().lower()] = code
    return lookup


# Headers clerks' own workbooks use, beside the template's (compared by _header_key).
HEADER_ALIASES = {
    "name": ["名字", "党员姓名"],
    "id_number": ["身份证号码", "身份证", "公民身份号码", "公民身份证号码"],
    "birth_date": ["出生年月", "出生年月日"],
    "phone": ["手机", "手机号", "手机号码", "电话", "电话号码", "联系方式"],
    "category": ["人员类别", "党员类别"],
    "grid": ["所在网格", "所属网格"],
    "education": ["文化程度"],
    "joined_party_on": ["入党日期", "入党年月"],
    "employer": ["单位"],
    "specialties": ["专长"],
    "interests": ["兴趣", "爱好"],
    "capability_types": ["服务类型"],
}


def _header_lookup() -> dict[str, str]:
    from django.utils import translation

    lookup = {}
    for column in COLUMNS:
        lookup[column.field] = column.field
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[_header_key(str(column.label))] = column.field
        for alias in HEADER_ALIASES.get(column.field, []):
            lookup[_header_key(alias)] = column.field
    return lookup


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # exactly eight digits, nothing guessed
MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def _date(value, label: str, errors: list[str], *, month_only: bool = False) -> dt.date | None:
    """A date cell as clerks fill it: a real date, 1980-05-06, 1980/5/6, 1980.05.06,
    19800506, 1980年5月6日; with `month_only` (a join date) also 1988.07 or 1988年7月, read
    as the 1st. Anything else (a seven-digit 1988071, an Excel serial number) is refused,
    never guessed."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", _text(value))
    found = DAY.match(text) or COMPACT_DAY.match(text)
    parts = None
    if found:
        parts = tuple(int(p) for p in found.groups())
    elif month_only and (found := MONTH.match(text)):
        parts = (int(found.group(1)), int(found.group(2)), 1)
    if parts is not None:
        try:
            return dt.date(*parts)
        except ValueError:
            pass
    example = _("1988-07-01 or 1988.07") if month_only else _("1980-05-06")
    errors.append(
        _("%(column)s: %(value)s is not a date (write it like %(example)s).")
        % {"column": label, "value": text, "example": example}
    )
    return None


# The formats clerks have: Excel 2007+ (.xlsx), old Excel and WPS (.xls), LibreOffice
# (.ods), all read by calamine. A zip-based file (xlsx, ods) is checked before it is
# unpacked: its parts may not unpack beyond ROSTER_MAX_UNPACKED_BYTES, nor any part
# shrink more than MAX_COMPRESSION_RATIO times, so a small file that unpacks to
# gigabytes is refused without being read.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and an encrypted .xlsx
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MAX_COMPRESSION_RATIO = 200


def unpacked_limit() -> int:
    return settings.ROSTER_MAX_UNPACKED_BYTES


def _check_zip_parts(content: bytes) -> None:
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except zipfile.BadZipFile as exc:
        raise RosterFileError(_("The file could not be read; it may be damaged.")) from exc
    total = sum(part.file_size for part in parts)
    too_dense = any(
        part.file_size > 1024 * 1024
        and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if total > unpacked_limit() or too_dense:
        raise RosterFileError(
            _(
                "This file unpacks to more than %(limit)s MB, far more than a roster needs: it was not read. Copy the roster into the template and upload that."
            )
            % {"limit": unpacked_limit() // (1024 * 1024)}
        )


def _open_workbook(content: bytes):
    if not content:
        raise RosterFileError(_("The file is empty."))
    if len(content) > settings.ROSTER_MAX_UPLOAD_BYTES:
        raise RosterFileError(
            _("The file is larger than %(limit)s MB.") % {"limit": max_upload_mb()}
        )
    if content.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in content:
            raise RosterFileError(
                _(
                    "This file has a password: open it, remove the password, save it again and upload it."
                )
            )
    elif zipfile.is_zipfile(io.BytesIO(content)):
        _check_zip_parts(content)
    else:
        head = content[:2048]
        looks_like_text = b"," in head or b"\t" in head or b";" in head
        raise RosterFileError(
            _(
                "This is a CSV text file, not a workbook: open it in Excel or WPS and save it as a workbook (.xlsx), then upload that."
            )
            if looks_like_text
            else _(
                "This is not a workbook. Save the roster as .xlsx (or .xls, .ods) and try again."
            )
        )
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises many kinds on a damaged or locked file
        message = str(exc).lower()
        if "password" in message or "encrypt" in message:
            raise RosterFileError(
                _(
                    "This file has a password: open it, remove the password, save it again and upload it."
                )
            ) from exc
        raise RosterFileError(
            _(
                "The file could not be read; it may be damaged. Open it in Excel, save it again and retry."
            )
        ) from exc


ALL_SHEETS = "*"
HEADER_SEARCH_ROWS = 20  # title rows and blank rows above the header


def visible_sheets(workbook) -> list[str]:
    """Sheets a clerk sees: hidden and very hidden ones are never read unasked."""
    return [
        sheet.name
        for sheet in workbook.sheets_metadata
        if sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet
    ]


def read_roster(content: bytes, *, branch: Unit, sheet: str = "") -> RosterReport:
    """Validate every row of a roster file for `branch`; write nothing. `sheet` names the
    sheet to read (the first visible one when empty; ALL_SHEETS: every visible sheet as
    one roster)."""
    workbook = _open_workbook(content)
    try:
        visible = visible_sheets(workbook)
        if not visible:
            raise RosterFileError(_("The file has no visible sheet."))
        # Sheets with a header row: the template's instructions sheet is not a roster.
        names = [n for n in visible if _has_header(workbook, n)] or visible[:1]
        if sheet == ALL_SHEETS:
            chosen = names
        elif sheet:
            if sheet not in names:
                raise RosterFileError(
                    _("The file has no visible sheet named %(name)s.") % {"name": sheet}
                )
            chosen = [sheet]
        else:
            chosen = names[:1]
        data_rows, positions, ignored = [], None, []
        for name in chosen:
            rows, found, unused = _sheet_rows(workbook, name, label=name if len(chosen) > 1 else "")
            if positions is not None and found != positions:
                raise RosterFileError(
                    _(
                        "The sheet %(name)s has its columns in another order than the first: read one sheet at a time."
                    )
                    % {"name": name}
                )
            positions = positions or found
            ignored += [c for c in unused if c not in ignored]
            data_rows += rows
    finally:
        workbook.close()
    if not data_rows:
        raise RosterFileError(_("The file has headers but no member rows."))
    limit = settings.ROSTER_MAX_ROWS
    if len(data_rows) > limit:
        raise RosterFileError(
            _(
                "The file has %(count)s member rows, more than the %(limit)s one import takes: split it into smaller files. Nothing was read."
            )
            % {"count": len(data_rows), "limit": limit}
        )
    report = _validate_rows(data_rows, positions, branch)
    report.sheets = names
    report.sheet = sheet or names[0]
    report.ignored_columns = ignored
    return report


def _has_header(workbook, name: str) -> bool:
    try:
        for number, cells in enumerate(workbook.get_sheet_by_name(name).iter_rows(), start=1):
            if _map_headers(cells) is not None:
                return True
            if number >= HEADER_SEARCH_ROWS:
                return False
    except RosterFileError:
        return True  # a header with a doubled column: reading it will say so
    except Exception:
        return False
    return False


def _sheet_rows(workbook, name: str, *, label: str):
    """The member rows of one sheet, each (row label, cells), with the header's column
    positions and the headers it does not use. The header row is looked for below title
    and blank rows. Every non-empty row is read and counted: a file over the limit is
    refused whole, never cut."""
    limit = settings.ROSTER_MAX_ROWS
    try:
        raw_rows = iter(workbook.get_sheet_by_name(name).iter_rows())
        header = None
        for number, cells in enumerate(raw_rows, start=1):
            mapped = _map_headers(cells)
            if mapped is not None:
                header = (number, mapped)
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if header is None:
            raise RosterFileError(
                _(
                    "No header row was found in the first %(n)s rows: it needs the columns %(names)s. Download the template and copy your data into it."
                )
                % {
                    "n": HEADER_SEARCH_ROWS,
                    "names": "、".join(str(c.label) for c in COLUMNS if c.required),
                }
            )
        header_line, (positions, unused) = header
        rows = []
        for number, cells in enumerate(raw_rows, start=header_line + 1):
            if any(_text(cell) for cell in cells):
                rows.append((f"{label} {number}" if label else number, cells))
                if len(rows) > limit * 4:  # far over the limit: the count says enough
                    break
    except RosterFileError:
        raise
    except Exception as exc:
        raise RosterFileError(_("The file could not be read; it may be damaged.")) from exc
    return rows, positions, unused


def _map_headers(cells):
    """Column positions of a header row and the headers it does not use (序号, 备注 …),
    or None when `cells` is not the header row (a required column is missing)."""
    lookup = _header_lookup()
    positions: dict[str, int] = {}
    unused = []
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        if not key:
            continue
        field_name = lookup.get(key)
        if field_name is None:
            unused.append(_text(cell))
        elif field_name in positions:
            if any(c.required for c in COLUMNS if c.field == field_name):
                raise RosterFileError(
                    _("The column %(name)s appears twice.") % {"name": _text(cell)}
                )
            unused.append(_text(cell))
        else:
            positions[field_name] = index
    if any(c.required and c.field not in positions for c in COLUMNS):
        return None
    return positions, unused


def _header_key(cell) -> str:
    """A header as compared: full-width forms folded, spaces (姓 名), a trailing * and
    a bracketed note (联系电话（手机）) dropped, lower case."""
    text = unicodedata.normalize("NFKC", _text(cell))
    text = re.sub(r"\s+", "", text).rstrip("*").strip()
    text = re.sub(r"\(.*\)$", "", text)
    return text.lower()


@dataclass
class _Lookups:
    """What rows are checked against, read once per file."""

    branch: Unit
    positions: dict[str, int]
    genders: dict[str, str]
    categories: dict[str, str]
    educations: dict[str, str]
    grids: dict[str, Unit]
    employers: dict[str, PartnerUnit]
    capabilities: dict[str, int]
    capability_names: list[str]
    existing: dict[str, Member]
    labels: dict[str, str]
    by_file_number: dict[str, Member]


class _Row:
    """One data row being checked; collects its errors."""

    def __init__(self, line: int, cells: tuple, lookups: _Lookups):
        self.line = line
        self.cells = cells
        self.lookups = lookups
        self.errors: list[str] = []

    def cell(self, name: str):
        index = self.lookups.positions.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, name: str, *, limit: int | None = None, required: bool = False) -> str:
        value = _text(self.cell(name))
        label = self.lookups.labels[name]
        if required and not value:
            self.errors.append(_("%(column)s is required.") % {"column": label})
        if limit and len(value) > limit:
            self.errors.append(
                _("%(column)s is longer than %(n)s characters.") % {"column": label, "n": limit}
            )
            value = value[:limit]
        return value

    def choice(self, name: str, lookup: dict[str, str], *, required: bool = False) -> str:
        value = self.text(name, required=required)
        if not value:
            return ""
        code = lookup.get(value.lower())
        if code is None:
            self.errors.append(
                _("%(column)s: %(value)s is not one of the allowed values (%(allowed)s).")
                % {
                    "column": self.lookups.labels[name],
                    "value": value,
                    "allowed": "、".join(_allowed_labels(name)),
                }
            )
            return ""
        return code

    def date(self, name: str, *, month_only: bool = False) -> dt.date | None:
        return _date(self.cell(name), self.lookups.labels[name], self.errors, month_only=month_only)

    def id_number(self) -> str:
        raw = self.cell("id_number")
        if "*" in _text(raw):
            return self._id_from_file_number(_text(raw))
        number = idnumbers.normalize(_text(raw))
        # Excel keeps numbers to 15 significant digits: an 18-digit number typed into a
        # number cell has already lost its last digits.
        if isinstance(raw, int | float):
            self.errors.append(
                _(
                    "The ID number was stored as a number and lost digits: format the column as text."
                )
            )
            return ""
        if not number:
            self.errors.append(
                _("%(column)s is required.") % {"column": self.lookups.labels["id_number"]}
            )
            return ""
        try:
            idnumbers.validate_id_number(number)
        except ValidationError as exc:
            self.errors.extend(exc.messages)
            return ""
        return number

    def _id_from_file_number(self, masked: str) -> str:
        """A row of an exported roster: its ID number is masked, its file number names
        the member, whose masked ID number must be the same."""
        member = self.lookups.by_file_number.get(_text(self.cell("file_number")))
        if member is None or idnumbers.mask(member.id_number) != idnumbers.normalize(masked):
            self.errors.append(
                _(
                    "The ID number is masked (from an export) and the file number does not match it: type the whole ID number, or keep the file number of the export."
                )
            )
            return ""
        return member.id_number

    def named(self, name: str, lookup: dict, message: str):
        value = self.text(name)
        if not value:
            return None
        found = lookup.get(value.lower())
        if found is None:
            self.errors.append(message % {"value": value})
        return found


def _validate_rows(data_rows, positions, branch: Unit) -> RosterReport:
    ids_in_file, file_numbers = [], []
    for _line, cells in data_rows:
        for name, found in (("id_number", ids_in_file), ("file_number", file_numbers)):
            if name in positions and positions[name] < len(cells):
                found.append(idnumbers.normalize(_text(cells[positions[name]])))
    by_file_number = {
        str(m.pk): m for m in Member.all_files.filter(branch=branch, pk__in=row_ids(file_numbers))
    }
    ids_in_file += [m.id_number for m in by_file_number.values()]
    lookups = _Lookups(
        branch=branch,
        positions=positions,
        genders=_choice_lookup(Member.Gender.choices),
        categories=_choice_lookup(Member.Category.choices),
        educations=_choice_lookup(Member.Education.choices),
        grids={g.name.lower(): g for g in Unit.objects.filter(parent=branch, kind=Unit.Kind.GRID)},
        employers={p.name.lower(): p for p in PartnerUnit.objects.all()},
        capabilities={c.name.lower(): c.pk for c in CapabilityType.objects.filter(is_active=True)},
        capability_names=list(
            CapabilityType.objects.filter(is_active=True).values_list("name", flat=True)
        ),
        # Departed members' files too: their ID numbers stay taken.
        existing={
            m.id_number: m
            for m in Member.all_files.filter(
                id_number_hash__in=[idnumbers.digest(n) for n in ids_in_file if n]
            )
            .select_related("grid", "employer")
            .prefetch_related("capability_types")
        },
        labels={c.field: str(c.label) for c in COLUMNS},
        by_file_number=by_file_number,
    )
    seen_ids: dict[str, int] = {}
    results = [_validate_row(_Row(line, cells, lookups), seen_ids) for line, cells in data_rows]
    return RosterReport(results, columns=set(positions))


def _validate_row(row: _Row, seen_ids: dict[str, int]) -> RowResult:
    lookups = row.lookups
    number = row.id_number()
    if number in seen_ids:
        row.errors.append(
            _("The same ID number is already on row %(line)s.") % {"line": seen_ids[number]}
        )
    elif number:
        seen_ids[number] = row.line
    member = lookups.existing.get(number)
    if member is not None and member.has_left:
        row.errors.append(
            _(
                "This ID number belongs to %(name)s, who left on %(date)s; their file is kept and cannot be imported again."
            )
            % {"name": member.name, "date": formats.date_format(member.left_on, "DATE_FORMAT")}
        )
    elif member is not None and member.branch_id != lookups.branch.pk:
        row.errors.append(
            _(
                "This person is registered in another branch; ask the town organiser to transfer the file."
            )
        )

    values = {
        "name": row.text("name", limit=50, required=True),
        "id_number": number,
        "gender": row.choice("gender", lookups.genders),
        "category": row.choice("category", lookups.categories, required=True),
        "education": row.choice("education", lookups.educations),
        "birth_date": row.date("birth_date"),
        "joined_party_on": row.date("joined_party_on", month_only=True),
        "occupation": row.text("occupation", limit=100),
        "specialties": row.text("specialties", limit=200),
        "interests": row.text("interests", limit=200),
        "grid": row.named(
            "grid",
            lookups.grids,
            _("Grid %(value)s does not exist in this branch (its grids: %(allowed)s).")
            % {
                "value": "%(value)s",
                "allowed": "、".join(g.name for g in lookups.grids.values()) or "—",
            },
        ),
        "employer": row.named(
            "employer", lookups.employers, _("Employer unit %(value)s is not a known partner unit.")
        ),
    }
    try:
        values["phone"] = clean_phone(_text(row.cell("phone")))
    except ValidationError as exc:
        row.errors.extend(f"{lookups.labels['phone']}: {m}" for m in exc.messages)
        values["phone"] = ""
    keeps_employer = member is not None and member.employer_id is not None  # blank keeps
    if (
        values["category"] == Member.Category.IN_SERVICE
        and not row.text("employer")
        and not keeps_employer
    ):
        row.errors.append(_("An in-service member needs an employer unit."))

    capability_ids = []
    for capability_name in LIST_SEPARATORS.split(_text(row.cell("capability_types"))):
        if capability_name:
            pk = lookups.capabilities.get(capability_name.lower())
            if pk is None:
                row.errors.append(
                    _("Capability type %(value)s is not on the list (%(allowed)s).")
                    % {
                        "value": capability_name,
                        "allowed": "、".join(sorted(lookups.capability_names)),
                    }
                )
            else:
                capability_ids.append(pk)

    _check_dates(row, values, number)
    if number:
        # Birth date and gender are written in the ID number: fill them in or check them.
        born, gender = idnumbers.birth_date(number), idnumbers.gender_code(number)
        if values["birth_date"] is None:
            values["birth_date"] = born
        elif values["birth_date"] != born:
            row.errors.append(_("The birth date does not match the ID number."))
        if not values["gender"]:
            values["gender"] = gender
        elif values["gender"] != gender:
            row.errors.append(_("The gender does not match the ID number."))
        warnings = _name_gender_warnings(values["name"], gender)
    else:
        warnings = []

    changes = _changes(member, values, capability_ids, lookups) if member is not None else []
    return RowResult(
        line=row.line,
        name=values["name"],
        masked_id=idnumbers.mask(number or idnumbers.normalize(_text(row.cell("id_number")))),
        action="create" if member is None else ("update" if changes else "unchanged"),
        errors=row.errors,
        values=values,
        capability_ids=capability_ids,
        existing=member,
        changes=changes,
        warnings=warnings,
    )


# Characters that almost always mark a woman's or a man's given name: a row whose name
# reads as the other gender than its ID number's may have a name and an ID number from
# different people (a re-sorted column). Only a warning: names are the family's choice.
FEMININE = set("娟婷娜妹姑娥媛婉妮娇嫣姗婵娅妍芳霞燕萍凤琴莲翠菊")
MASCULINE = set("刚强勇彪虎雄豪鹏武峰杰涛斌")


def _name_gender_warnings(name: str, gender: str) -> list[str]:
    given = set(name[1:])
    if gender == Member.Gender.MALE and given & FEMININE and not given & MASCULINE:
        return [_("The name reads as a woman's but the ID number is a man's: check the row.")]
    if gender == Member.Gender.FEMALE and given & MASCULINE and not given & FEMININE:
        return [_("The name reads as a man's but the ID number is a woman's: check the row.")]
    return []


ADMISSION_AGE = 18  # the Party's admission age: nobody joins younger


def _check_dates(row, values: dict, number: str) -> None:
    """No date in the future; a join date after birth and after the 18th birthday."""
    today = timezone.localdate()
    labels = row.lookups.labels
    for name in ("birth_date", "joined_party_on"):
        if values[name] and values[name] > today:
            row.errors.append(
                _("%(column)s: %(value)s is in the future.")
                % {"column": labels[name], "value": values[name].isoformat()}
            )
    born = values["birth_date"] or (idnumbers.birth_date(number) if number else None)
    joined = values["joined_party_on"]
    if born and joined and joined <= today:
        try:
            adult = born.replace(year=born.year + ADMISSION_AGE)
        except ValueError:  # born on 29 February
            adult = dt.date(born.year + ADMISSION_AGE, 3, 1)
        if joined < adult:
            row.errors.append(
                _("%(column)s: %(value)s is before the 18th birthday (born %(born)s).")
                % {
                    "column": labels["joined_party_on"],
                    "value": joined.isoformat(),
                    "born": born.isoformat(),
                }
            )


def _allowed_labels(name: str) -> list[str]:
    return [str(label) for _code, label in Member._meta.get_field(name).flatchoices]


def _changes(member: Member, values: dict, capability_ids: list[int], lookups) -> list[FieldChange]:
    """What an update would change: only fields whose cell holds a value. A blank cell
    never erases (a clerk clears a value on the member's page); a missing column is
    blank in every row."""
    changes = []
    for name in COLUMN_FIELDS:
        new = values.get(name)
        if new in (None, ""):
            continue
        old = getattr(member, name)
        if old != new:
            changes.append(
                FieldChange(
                    name, lookups.labels[name], _shown(member, name, old), _shown(member, name, new)
                )
            )
    if capability_ids:
        old_ids = {c.pk for c in member.capability_types.all()}
        if old_ids != set(capability_ids):
            names = {pk: name for name, pk in lookups.capabilities.items()}
            changes.append(
                FieldChange(
                    "capability_types",
                    lookups.labels["capability_types"],
                    "、".join(c.name for c in member.capability_types.all()) or "—",
                    "、".join(names[pk] for pk in dict.fromkeys(capability_ids)),
                )
            )
    return changes


def _shown(member: Member, name: str, value) -> str:
    """A value as the preview shows it: choice labels, dates as dates, units by name."""
    if value in (None, ""):
        return "—"
    model_field = Member._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


@transaction.atomic
def apply_roster(
    roster_import: RosterImport, *, by, identity_checked: bool = False
) -> RosterReport:
    """Save every row of a previewed import, or nothing if any row is bad now, or if a
    row changes who an ID number names and the clerk has not ticked that they checked."""
    locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if locked.status != RosterImport.Status.PENDING:
        raise RosterFileError(_("This import was already saved or discarded."))
    report = read_roster(bytes(locked.content), branch=locked.branch, sheet=locked.sheet)
    if not report.is_valid:
        return report

    if report.identity_rows and not identity_checked:
        report.needs_identity_check = True
        return report

    to_create, to_update = [], []
    for row in report.rows:
        if row.action == "unchanged":
            continue  # nothing to write, and no history of a change that is not one
        if row.existing is not None:
            # Only what the preview listed: a blank cell or a missing column keeps what
            # the file had.
            member = row.existing
            for change in row.changes:
                if change.field != "capability_types":
                    setattr(member, change.field, row.values[change.field])
            member.updated_at = timezone.now()
            to_update.append((member, row))
        else:
            member = Member(branch=locked.branch, **row.values)
            to_create.append((member, row))
    for member, _row in to_create + to_update:
        member.full_clean(exclude=["id_number"], validate_unique=False)

    created = bulk_create_with_history([m for m, _ in to_create], Member, default_user=by)
    # bulk_create gives back primary keys on both databases we support.
    for member, (_old, row) in zip(created, to_create, strict=True):
        row.existing = member
    update_fields = [*COLUMN_FIELDS, "updated_at"]
    if to_update:
        bulk_update_with_history([m for m, _ in to_update], Member, update_fields, default_user=by)
    _replace_capabilities(
        [
            (row.existing.pk, row.capability_ids)
            for row in report.rows
            if row.action == "create"
            or any(change.field == "capability_types" for change in row.changes)
        ]
    )

    locked.status = RosterImport.Status.APPLIED
    locked.applied_at = timezone.now()
    locked.created_count = len(to_create)
    locked.updated_count = len(to_update)
    locked.content = b""  # the personal data in the file is no longer needed
    locked.save(update_fields=["status", "applied_at", "created_count", "updated_count", "content"])
    return report


COLUMN_FIELDS = [
    c.field for c in COLUMNS if c.field not in {"id_number", "capability_types", "file_number"}
]


def _replace_capabilities(pairs: list[tuple[int, list[int]]]) -> None:
    through = Member.capability_types.through
    through.objects.filter(member_id__in=[pk for pk, _ in pairs]).delete()
    through.objects.bulk_create(
        [through(member_id=pk, capabilitytype_id=cap) for pk, caps in pairs for cap in set(caps)]
    )


@transaction.atomic
def start_import(*, branch: Unit, uploaded_file, by) -> tuple[RosterImport, RosterReport]:
    """Store an uploaded roster and validate it. Raises RosterFileError (and stores
    nothing) when the file as a whole is unusable."""
    if uploaded_file.size > settings.ROSTER_MAX_UPLOAD_BYTES:
        raise RosterFileError(
            _("The file is larger than %(limit)s MB.") % {"limit": max_upload_mb()}
        )
    content = uploaded_file.read()
    report = read_roster(content, branch=branch)
    roster_import = RosterImport.objects.create(
        branch=branch, uploaded_by=by, filename=uploaded_file.name[:200], content=content
    )
    return roster_import, report


ABANDONED_AFTER = dt.timedelta(hours=24)


def discard_abandoned(now: dt.datetime | None = None) -> int:
    """Discard imports left unconfirmed for ABANDONED_AFTER: the file (whole ID numbers)
    is deleted, the record of the upload stays. Returns how many. The daily sweep runs it."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    return RosterImport.objects.filter(
        status=RosterImport.Status.PENDING, uploaded_at__lt=cutoff
    ).update(status=RosterImport.Status.DISCARDED, content=b"")


def choose_sheet(roster_import: RosterImport, sheet: str) -> None:
    """Read another sheet of the file (or all visible ones) from now on."""
    roster_import.sheet = sheet
    roster_import.save(update_fields=["sheet"])


@transaction.atomic
def discard_import(roster_import: RosterImport) -> None:
    roster_import.status = RosterImport.Status.DISCARDED
    roster_import.content = b""
    roster_import.save(update_fields=["status", "content"])
