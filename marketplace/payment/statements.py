"""Bank statements imported by staff: the credits SePay did not send (or before SePay was set up).

Internet banking exports a statement as XLSX or CSV; each bank lays out its columns its own
way, so staff map them once per bank (`BankStatementFormat.columns`: our field → the header
text in the file) and reuse the mapping. The file is recognised by its content (an XLSX is a
zip openpyxl can read; a CSV is text), the header row is found by the mapped names (the
first lines are about the account), and each transaction row becomes a `CreditData` that
goes through `bank.credit_receive` — the same matching and dedupe as SePay's webhook. A
file with a bad row imports nothing: the rows and their problems are listed, so the file can
be fixed and sent again (rows already recorded are duplicates the second time).

Cells are read as values, never evaluated (openpyxl `data_only`; CSV is text): a cell that
looks like a formula is kept as text. Exports of these credits are formula-guarded
(marketplace/payment/dashboard).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from marketplace.core.audit import audit_record
from marketplace.core.dates import EARLIEST_YEAR, LATEST_YEAR, VN
from marketplace.core.errors import Refused
from marketplace.core.text import fold
from marketplace.payment.bank import (
    MAX_AMOUNT,
    CreditData,
    CreditRejected,
    credit_receive,
    plausible_moment,
)
from marketplace.payment.models import BankCredit, BankStatementFormat

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 30
FIELDS = ("reference", "date", "content", "amount", "credit", "debit")
REQUIRED = ("reference", "date", "content")
_SPACES = re.compile(r"\s+")
# Whole đồng: plain digits, or thousands grouped by one separator ("1.250.000", "1,250,000").
_WHOLE = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")
_DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%d", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y")


class StatementRejected(Refused):
    """The file cannot be imported; `messages` say why (per row where it is a row)."""


@dataclass
class ImportResult:
    outcomes: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def header_key(text) -> str:
    """How headers are compared: folded, lower-case, single spaces ("Số tiền  ghi có" = "so tien ghi co")."""
    return _SPACES.sub(" ", fold(str(text or "")).strip().lower())


def columns_check(columns: dict) -> list[str]:
    """What is wrong with a mapping (empty when it is usable)."""
    problems = [
        _("Thiếu cột “%(field)s”.") % {"field": name} for name in REQUIRED if not columns.get(name)
    ]
    if not columns.get("amount") and not columns.get("credit"):
        problems.append(_("Cần cột số tiền (có dấu) hoặc cột ghi có."))
    return problems


# --- reading the file ------------------------------------------------------------------------

def read_tables(content: bytes) -> list[list[list]]:
    """The cells of the file, by content: an XLSX's first sheet, or a CSV text read with each
    usual delimiter (the caller keeps the reading that has the header row)."""
    if len(content) > MAX_BYTES:
        raise StatementRejected(_("Tệp lớn hơn 5 MB."))
    if not content.strip():
        raise StatementRejected(_("Tệp trống."))
    if content[:4] == b"PK\x03\x04":
        return [_xlsx_rows(content)]
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise StatementRejected(
            _("Đây là tệp Excel cũ (.xls). Hãy xuất sao kê dạng .xlsx hoặc .csv rồi tải lên lại.")
        )
    return _csv_rows(content)


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise StatementRejected(_("Tệp không phải là bảng tính Excel (.xlsx)."))
            if sum(info.file_size for info in archive.infolist()) > 20 * MAX_BYTES:
                raise StatementRejected(_("Tệp bảng tính giải nén quá lớn."))
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except StatementRejected:
        raise
    except Exception as exc:  # noqa: BLE001 -- any unreadable workbook is the user's file
        raise StatementRejected(_("Không đọc được tệp Excel (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):  # read-only: the sheet's XML is read here
            rows.append(list(row))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise StatementRejected(_("Tệp có hơn %(max)s dòng.") % {"max": MAX_ROWS})
        return rows
    except StatementRejected:
        raise
    except Exception as exc:  # noqa: BLE001 -- a damaged sheet is the user's file
        raise StatementRejected(_("Không đọc được tệp Excel (.xlsx).")) from exc
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[list]:
    if b"\x00" in content and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise StatementRejected(_("Tệp không phải là văn bản CSV hay bảng tính .xlsx."))
    text = None
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise StatementRejected(_("Không đọc được tệp CSV (bảng mã không hỗ trợ)."))
    # The delimiter is the one whose parse has the mapped header row (statement_credits):
    # memos and amounts ("360,000") hold commas, so sniffing a sample guesses wrong.
    return [_csv_parse(text, delimiter) for delimiter in (";", ",", "\t")]


def _csv_parse(text: str, delimiter: str) -> list[list]:
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise StatementRejected(_("Tệp có hơn %(max)s dòng.") % {"max": MAX_ROWS})
    except csv.Error as exc:  # a bare \r inside a field, a field over the size limit
        raise StatementRejected(_("Không đọc được tệp CSV: %(error)s") % {"error": str(exc)[:100]}) from exc
    return rows


# --- the rows as credits -----------------------------------------------------------------------

def statement_credits(content: bytes, statement_format: BankStatementFormat) -> list[CreditData]:
    """Every transaction of the file as a credit; StatementRejected lists every bad row."""
    columns = {name: header_key(text) for name, text in statement_format.columns.items()
               if name in FIELDS and text}
    problems = columns_check(columns)
    if problems:
        raise StatementRejected(*problems)
    rows, header_at, index = _find_header(read_tables(content), columns)
    credits, errors = [], []
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {name: (row[i] if i < len(row) else None) for name, i in index.items()}
        if all(_blank(value) for value in cells.values()):
            continue
        try:
            credit = _row_credit(cells, statement_format)
        except CreditRejected as exc:
            errors.append(_("Dòng %(row)s: %(problem)s") % {"row": number, "problem": exc})
            continue
        if credit is not None:
            credits.append(credit)
    if errors:
        raise StatementRejected(*errors[:50])
    if not credits:
        raise StatementRejected(_("Không có giao dịch nào trong tệp."))
    return credits


def _find_header(tables, columns) -> tuple[list[list], int, dict[str, int]]:
    wanted = set(columns.values())
    for rows in tables:
        for at, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            keys = [header_key(cell) for cell in row]
            if wanted <= set(keys):
                return rows, at, {name: keys.index(text) for name, text in columns.items()}
    raise StatementRejected(
        _("Không thấy dòng tiêu đề có đủ các cột: %(columns)s. Kiểm tra mẫu sao kê đã chọn.")
        % {"columns": ", ".join(f"“{statement_text}”" for statement_text in sorted(wanted))}
    )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_amount(value) -> int | None:
    """A statement amount in đồng: 1250000, 1250000.0, "1.250.000", "1,250,000.00",
    "-150.000"; None for an empty cell. Fractions of a đồng are refused."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CreditRejected(_("số tiền không hợp lệ"))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CreditRejected(_("số tiền có phần lẻ"))
        return int(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    text = re.sub(r"(?i)(vnd|đ|₫)$", "", text)
    if len(text) > 24:  # no statement line moves that much; int() of thousands of digits fails
        raise CreditRejected(_("số tiền “%(value)s” không đọc được") % {"value": str(value)[:30]})
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if not _WHOLE.fullmatch(text):
        # "1,250,000.00" / "1.250.000,00": a decimal part after the last separator.
        decimal = re.fullmatch(r"(.+)[.,](\d{1,2})", text)
        if not decimal or not _WHOLE.fullmatch(decimal.group(1)):
            raise CreditRejected(_("số tiền “%(value)s” không đọc được") % {"value": str(value)[:30]})
        if int(decimal.group(2)):
            raise CreditRejected(_("số tiền có phần lẻ"))
        text = decimal.group(1)
    return sign * int(re.sub(r"[.,]", "", text))


def parse_date(value) -> datetime:
    refused = _("ngày “%(value)s” nằm ngoài các năm %(first)s–%(last)s") % {
        "value": str(value)[:30], "first": EARLIEST_YEAR, "last": LATEST_YEAR}
    if isinstance(value, datetime):
        return plausible_moment(value if value.tzinfo else value.replace(tzinfo=VN), refused)
    if isinstance(value, date):
        return plausible_moment(datetime(value.year, value.month, value.day, tzinfo=VN), refused)
    text = str(value or "").strip()
    for pattern in _DATE_FORMATS:
        try:
            moment = datetime.strptime(text, pattern).replace(tzinfo=VN)
        except ValueError:
            continue
        return plausible_moment(moment, refused)
    raise CreditRejected(_("ngày “%(value)s” không đọc được") % {"value": text[:30]})


def _row_credit(cells: dict, statement_format: BankStatementFormat) -> CreditData | None:
    reference = "" if _blank(cells.get("reference")) else str(cells["reference"]).strip()
    if isinstance(cells.get("reference"), float) and cells["reference"].is_integer():
        reference = str(int(cells["reference"]))
    if "amount" in cells:
        signed = parse_amount(cells["amount"])
    else:
        credit, debit = parse_amount(cells.get("credit")), parse_amount(cells.get("debit"))
        signed = credit if credit else (-abs(debit) if debit else None)
    if signed is None and not reference:
        return None  # a line of totals or notes, not a transaction
    if signed is None or signed == 0:
        raise CreditRejected(_("thiếu số tiền"))
    if not reference:
        raise CreditRejected(_("thiếu số tham chiếu"))
    if abs(signed) > MAX_AMOUNT:
        raise CreditRejected(_("số tiền quá lớn"))
    content = "" if _blank(cells.get("content")) else str(cells["content"]).strip()
    return CreditData(
        source=BankCredit.Source.STATEMENT,
        gateway=statement_format.gateway,
        account_number=statement_format.account_number,
        reference_code=reference[:128],
        amount=abs(signed),
        transfer_type="in" if signed > 0 else "out",
        transaction_at=parse_date(cells.get("date")),
        content=content[:2000],
    )


def statement_import(*, content: bytes, statement_format: BankStatementFormat, actor=None) -> ImportResult:
    """Import a statement: every credit through the webhook's matching and dedupe.

    A statement line SePay already delivered is a duplicate: same bank reference, or SePay's
    reference ends with the statement's (SePay prefixes some, e.g. "MBVCB.3278907687").
    """
    credits = statement_credits(content, statement_format)
    result = ImportResult()
    for credit in credits:
        seen = len(credit.reference_code) >= 6 and BankCredit.objects.filter(
            account_number=credit.account_number, amount=credit.amount,
            reference_code__endswith=credit.reference_code,
        ).exists()
        result.outcomes["duplicate" if seen else credit_receive(credit)] += 1
    with transaction.atomic():
        audit_record(action="bank_statement.imported", actor=actor, acting_as="programme",
                     target=statement_format, data=dict(result.outcomes))
    return result
