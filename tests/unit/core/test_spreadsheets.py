"""marketplace/core/spreadsheets.py: the formula guard, CSV bytes and XLSX cells."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from marketplace.core.spreadsheets import (
    csv_bytes,
    guard,
    new_workbook,
    unguard,
    xlsx_bytes,
    xlsx_cell,
)


@pytest.mark.parametrize(("text", "guarded"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+84912345678", "'+84912345678"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t'=1"),
    ("\r=1", "'\r'=1"),
    ("a;=2+2", "a;'=2+2"),
    ("a,=2+2", "a,'=2+2"),
    ("a|=2+2", "a|'=2+2"),
    ("a\t=2+2", "a\t'=2+2"),
    ("dòng 1\n- gạch đầu dòng", "dòng 1\n'- gạch đầu dòng"),
    ("a;  =2+2", "a;  '=2+2"),
    ("Mật ong U Minh", "Mật ong U Minh"),
    ("Giảm 10% - còn 90.000", "Giảm 10% - còn 90.000"),  # a dash inside a cell is only text
    ("a=1;b", "a=1;b"),
    ("", ""),
])
def test_guard_neutralises_every_fragment_a_spreadsheet_could_run(text, guarded):
    assert guard(text) == guarded
    assert unguard(guard(text)) == text


@pytest.mark.parametrize("value", [-5, 0, 12, Decimal("-1500"), None, 1.5])
def test_numbers_stay_numbers(value):
    assert guard(value) is value


def test_csv_bytes_bom_crlf_and_guarded_cells():
    data = csv_bytes(["title", "amount"], [["a;=2+2", -5000], ["=1+1", 7]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "title,amount\r\na;'=2+2,-5000\r\n'=1+1,7\r\n"
    # Opened with ';' as the separator (Excel in a Vietnamese locale): no cell starts a formula.
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"):
        assert not any(cell[:1] in "=+@" for cell in row)


def test_an_xlsx_text_cell_is_never_a_formula():
    book = new_workbook()
    xlsx_cell(book.active, row=1, column=1, value="=1+1")
    xlsx_cell(book.active, row=1, column=2, value="a;=2+2")
    xlsx_cell(book.active, row=1, column=3, value=42)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(book))).active
    assert [cell.value for cell in sheet[1]] == ["'=1+1", "a;'=2+2", 42]
    assert [cell.data_type for cell in sheet[1]] == ["s", "s", "n"]
