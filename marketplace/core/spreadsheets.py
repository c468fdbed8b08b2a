"""Every CSV and XLSX file the project writes, with one guard against formula injection.

Shop, product and buyer texts come from people we do not trust; a spreadsheet that opens an
exported file runs a cell starting with `=`, `+`, `-` or `@` as a formula (OWASP "CSV
Injection"). `guard` neutralises such text by putting an apostrophe in front of it:

- at the start of the cell (`=HYPERLINK(…)` → `'=HYPERLINK(…)`), and
- after every separator a spreadsheet may split the cell on — `,` `;` `|`, tab, CR, LF —
  optionally followed by spaces (`a;=2+2` → `a;'=2+2`). Our files are comma-separated and
  quote cells with commas, but Excel in a Vietnamese locale opens a `.csv` with `;` as the
  separator and ignores our quoting rules for it, so `a;=2+2` became two cells, the second a
  formula. `|` is LibreOffice's common "other" separator; line breaks split records in readers
  that ignore quotes.

The triggers are `=`, `+`, `-`, `@`, tab and CR (OWASP's list). Only `str` values are
guarded: ints and Decimals stay numbers (a negative amount is a number, not a formula).
The apostrophe shows in the cell as text, which is the point; `unguard` takes it off again for
the seller CSV round trip (shops/seller/catalogue/csv_io.py). ADR 0031.

XLSX: openpyxl stores a `str` beginning with `=` as a formula; `xlsx_cell` writes every text
as a string cell (`data_type "s"`) *and* guards it, so the file also stays safe when someone
saves it again as CSV.

`tests/unit/test_spreadsheets_home.py` fails when `csv.writer`, `csv.DictWriter` or openpyxl's
`Workbook` appear anywhere else in the project.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

BOM = "\ufeff"
FORMULA_TRIGGERS = "=+-@\t\r"
SEPARATORS = ",;|\t\r\n"

# A position at the start of the text or just after a separator, then optional spaces, then a
# trigger: the apostrophe goes right before the trigger.
_DANGER = re.compile(rf"(?:^|(?<=[{re.escape(SEPARATORS)}]))( *)(?=[{re.escape(FORMULA_TRIGGERS)}])")
_GUARDED = re.compile(rf"(?:^|(?<=[{re.escape(SEPARATORS)}]))( *)'(?=[{re.escape(FORMULA_TRIGGERS)}])")


def guard(value: Any) -> Any:
    """`value` made safe for a spreadsheet cell: texts are guarded, anything else unchanged."""
    if not isinstance(value, str):
        return value
    return _DANGER.sub(r"\1'", value)


def unguard(text: str) -> str:
    """Undo `guard` on a cell read back from one of our files (the seller CSV import)."""
    return _GUARDED.sub(r"\1", text)


# --- CSV ------------------------------------------------------------------------------------


def write_csv(out: TextIO, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """Write a BOM (Excel then reads UTF-8 Vietnamese), the header and the rows, every cell
    guarded, CRLF line ends (RFC 4180). `out` may be an HttpResponse: rows are written as they
    come, so a long export is not held twice in memory."""
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([guard(value) for value in header])
    for row in rows:
        writer.writerow([guard(value) for value in row])


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole file as UTF-8 bytes with a BOM."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue().encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------


def new_workbook() -> Workbook:
    """An empty workbook (one sheet) for `xlsx_cell` and `xlsx_bytes`."""
    return Workbook()


def xlsx_cell(sheet: Worksheet, *, row: int, column: int, value: Any) -> Cell:
    """Set one cell: a text is guarded and stored as a string, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = guard(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def xlsx_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
