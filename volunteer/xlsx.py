"""Writing XLSX files: one helper for every export, so formula injection is handled once.

Text that a spreadsheet would run as a formula (starting with =, +, -, @, or a tab or
carriage return before one) is written as plain text with a leading apostrophe, as
OWASP advises; dates and numbers stay real dates and numbers.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from volunteer.filenames import content_disposition

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    # Control characters (a pasted backspace, say) are not allowed in a worksheet:
    # openpyxl would refuse the whole file.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(sheet, value, *, bold: bool = False, text_format: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = neutralise(value)
    elif value is not None and not isinstance(value, int | float | Decimal | dt.date | dt.datetime):
        value = neutralise(str(value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never "f", whatever the text
    if isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if text_format:
        cell.number_format = "@"
    if bold:
        cell.font = Font(bold=True)
    return cell


def rows_to_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "Sheet1",
    column_widths: Sequence[int] | None = None,
    text_columns: Sequence[int] = (),
    totals: Callable[[], Sequence] | None = None,
) -> bytes:
    """Stream rows into a one-sheet workbook (write-only mode) and return its bytes.

    `text_columns` (0-based) are formatted as text, so that an ID number typed into the
    file later is not turned into a float by the spreadsheet program. `totals`, called
    once the rows are written (a generator may sum them as it goes), gives the bold
    totals row at the foot of the sheet.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(column_widths or []):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    for row in rows:
        sheet.append(
            [_cell(sheet, value, text_format=i in text_columns) for i, value in enumerate(row)]
        )
    if totals is not None:
        sheet.append([_cell(sheet, value, bold=True) for value in totals()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str):
    """An attachment response; the file name may hold Chinese characters."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
