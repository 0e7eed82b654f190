"""Files of a report or a list: CSV (streamed), XLSX and a printable PDF. Shared by every
app that exports (the reports, the first attends), so each writes files the same way.

Every text cell that a spreadsheet would read as a formula (starting with =, +, -, @,
a tab or a carriage return) is neutralised with a leading apostrophe, in CSV and XLSX
alike (OWASP's advice against CSV injection): a student's name or a session note can
never run in a supervisor's spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.template.loader import render_to_string

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
PDF_MAX_ROWS = 5_000  # a printable report; more is a file for a spreadsheet
XLSX_MAX_ROWS = 1_000_000  # a worksheet holds 1,048,576 rows
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(Exception):
    def __init__(self, file_format: str, limit: int, count: int) -> None:
        super().__init__(
            f"A {file_format.upper()} file holds at most {limit:,} rows and this report has {count:,}. "
            "Narrow the filters, or export CSV."
        )


def check_size(file_format: str, count: int) -> None:
    limit = {"pdf": PDF_MAX_ROWS, "xlsx": XLSX_MAX_ROWS}.get(file_format)
    if limit is not None and count > limit:
        raise TooManyRows(file_format, limit, count)


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    if type(value) is str and value and value[0] in _FORMULA_FIRST:
        return "'" + value
    return value


def display(value: Any) -> str:
    """A cell as text, as the page shows it."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


def _text(value: Any) -> Any:
    if type(value) is int:
        return value
    return neutralise(value if type(value) is str else display(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV file line by line, for a StreamingHttpResponse or a file. A byte-order
    mark first, so Excel opens UTF-8 names (Muñoz) correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_text(cell) for cell in row])


# Excel number formats: dates, times and timestamps are real Excel values (numbers
# shown as dates), so a spreadsheet sorts and sums them; shown as the page shows them.
XLSX_FORMATS = {dt.datetime: "yyyy-mm-dd hh:mm", dt.date: "yyyy-mm-dd", dt.time: "hh:mm"}
XLSX_SAMPLE_ROWS = 200  # column widths are fitted to the header and the first rows
XLSX_MAX_WIDTH = 50


def write_xlsx(out: IO[bytes], title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    """An XLSX workbook written row by row (openpyxl's write-only mode keeps memory
    flat): a sheet named after the report, a bold header row that stays in view
    (frozen) with an autofilter, columns as wide as their header and first rows, and
    dates, times and numbers as Excel values, not text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    rows = iter(rows)
    sample = [[_xlsx_value(cell) for cell in row] for _, row in zip(range(XLSX_SAMPLE_ROWS), rows, strict=False)]
    for index, name in enumerate(header, 1):
        longest = max([len(name) + 2, *(len(display(row[index - 1])) + 1 for row in sample)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 8), XLSX_MAX_WIDTH)
    bold = Font(bold=True)

    def header_cell(name: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        return cell

    sheet.append([header_cell(name) for name in header])
    count = 0
    for row in itertools.chain(sample, ([_xlsx_value(cell) for cell in row] for row in rows)):
        sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(out)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)  # local time, as shown on the page
    return neutralise(value)


def _xlsx_cell(sheet: Any, value: Any, cell_type: Any) -> Any:
    number_format = XLSX_FORMATS.get(type(value))
    if number_format is None:
        return value
    cell = cell_type(sheet, value=value)
    cell.number_format = number_format
    return cell


def xlsx_file(title: str, header: list[str], rows: Iterable[list[Any]]) -> IO[bytes]:
    """The workbook in a temporary file (on disk beyond 10 MB), rewound for reading."""
    out = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # returned open: the response closes it
    write_xlsx(out, title, header, rows)
    out.seek(0)
    return out


def pdf_bytes(template: str, context: dict[str, Any]) -> bytes:
    """A printable report: the template rendered by WeasyPrint."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_to_string(template, context)).write_pdf()
    return pdf
