"""Bank statements imported by staff (marketplace/payment/statements.py): XLSX and CSV laid out
as internet-banking exports are (a few lines about the account, then a header row), the
column mapping saved once per bank, the same matching and dedupe as SePay's webhook."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from marketplace.order.models import Purchase
from marketplace.payment import bank
from marketplace.payment.models import BankCredit, BankStatementFormat
from marketplace.payment.statements import StatementRejected, statement_import
from tests.factories import make_user, png_bytes, sepay_payload, transfer_purchase

pytestmark = pytest.mark.django_db

# A layout in the style of Vietcombank's VCB Digibank export: separate debit/credit columns.
VCB_COLUMNS = {"date": "Ngày giao dịch", "reference": "Số tham chiếu", "debit": "Số tiền ghi nợ",
               "credit": "Số tiền ghi có", "content": "Mô tả"}
# In the style of MB Bank's CSV export: one signed amount column.
MB_COLUMNS = {"date": "Ngày GD", "reference": "Mã GD", "amount": "Số tiền", "content": "Nội dung"}


def vcb_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"])
    sheet.append(["SAO KÊ TÀI KHOẢN"])
    sheet.append(["Số tài khoản:", settings.VIETQR_ACCOUNT_NUMBER])
    sheet.append([])
    sheet.append(["STT", "Ngày giao dịch", "Số tham chiếu", "Số tiền ghi nợ", "Số tiền ghi có",
                  "Số dư", "Mô tả"])
    for i, (when, reference, debit, credit, memo) in enumerate(rows, start=1):
        sheet.append([i, when, reference, debit, credit, 0, memo])
    sheet.append(["", "Tổng cộng", "", None, None, None, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damaged_xlsx() -> bytes:
    """A real workbook whose sheet XML is broken: openpyxl opens it and fails reading rows."""
    import zipfile

    book = Workbook()
    book.active.append(["Ngày GD", "Mã GD", "Số tiền", "Nội dung"])
    good = io.BytesIO()
    book.save(good)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, b"<worksheet><sheetData><row" if item.filename.endswith("sheet1.xml") else data)
    return out.getvalue()


def mb_csv(lines: list[str]) -> bytes:
    head = ["Sao kê tài khoản 0011009999999", "Từ ngày 01/03/2026 đến ngày 31/03/2026", "",
            "Ngày GD;Mã GD;Số tiền;Nội dung"]
    return ("\ufeff" + "\r\n".join(head + lines) + "\r\n").encode("utf-8")


@pytest.fixture
def vcb():
    return BankStatementFormat.objects.create(
        name="Vietcombank (xlsx)", gateway="Vietcombank",
        account_number=settings.VIETQR_ACCOUNT_NUMBER, columns=VCB_COLUMNS,
    )


def test_an_xlsx_statement_pays_what_matches_and_queues_the_rest(vcb):
    purchase = transfer_purchase()
    content = vcb_xlsx([
        (datetime(2026, 3, 25, 14, 2), "5078-10001", None, 360_000,
         f"MBVCB.3278907687.OCOP {purchase.number}.CT tu 0123456789 NGUYEN VAN A"),
        (datetime(2026, 3, 25, 15, 0), "5078-10002", None, "50.000", "chuyen tien an trua"),
        (datetime(2026, 3, 26, 9, 0), "5078-10003", "1.100", None, "Phi SMS Banking"),
    ])
    result = statement_import(content=content, statement_format=vcb)
    assert dict(result.outcomes) == {"paid": 1, "review": 1, "outgoing": 1}
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert set(BankCredit.objects.values_list("source", flat=True)) == {"statement"}
    # The same file again: every line is already there.
    assert dict(statement_import(content=content, statement_format=vcb).outcomes) == {"duplicate": 3}
    assert BankCredit.objects.count() == 3


def test_a_line_sepay_already_sent_is_not_recorded_twice(vcb):
    purchase = transfer_purchase()
    bank.credit_receive(bank.sepay_credit(sepay_payload(
        f"OCOP {purchase.number}", 360_000, reference="MBVCB.3278907687")))
    content = vcb_xlsx([(datetime(2026, 3, 25, 14, 2), "3278907687", None, 360_000,
                         f"OCOP {purchase.number}")])
    assert dict(statement_import(content=content, statement_format=vcb).outcomes) == {"duplicate": 1}
    assert BankCredit.objects.count() == 1


def test_a_csv_with_a_signed_amount_column():
    mb = BankStatementFormat.objects.create(name="MB (csv)", gateway="MBBank",
                                            account_number="0011009999999", columns=MB_COLUMNS)
    purchase = transfer_purchase()
    content = mb_csv([
        f"25/03/2026 14:02:37;FT26084000001;+360,000;ocop{purchase.number} chuyen tien",
        "25/03/2026 16:00:00;FT26084000002;-20,000;Chuyen tien di",
        "26/03/2026;FT26084000003;1.000.000;OCOP 999999",
    ])
    result = statement_import(content=content, statement_format=mb)
    assert dict(result.outcomes) == {"paid": 1, "outgoing": 1, "review": 1}
    credit = BankCredit.objects.get(reference_code="FT26084000001")
    assert credit.transaction_at.isoformat() == "2026-03-25T07:02:37+00:00"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "trống"),
        (png_bytes(), "CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04not really a zip", "Excel"),
        ("Ngày;Mã;Tiền\r\n1;2;3\r\n".encode(), "dòng tiêu đề"),
        ("\ufeffNgày GD;Mã GD;Số tiền;Nội dung\r\n25/03/2026;FT1;12,5;x\r\n".encode(), "Dòng 2"),
        ("\ufeffNgày GD;Mã GD;Số tiền;Nội dung\r\n31/02/2026;FT1;1000;x\r\n".encode(), "ngày"),
        ("\ufeffNgày GD;Mã GD;Số tiền;Nội dung\r\n25/03/2026;;1000;x\r\n".encode(), "tham chiếu"),
        ("\ufeffNgày GD;Mã GD;Số tiền;Nội dung\r\n".encode(), "Không có giao dịch"),
        ("\ufeffNgày GD;Mã GD;Số tiền;Nội dung\r\n01/01/0001;FT1;1000;x\r\n".encode(), "2000–2100"),
        ("\ufeffNgày GD;Mã GD;Số tiền;Nội dung\r\n25/03/2026;FT1;1000;a\rb\r\n".encode(), "CSV"),
        (f"\ufeffNgày GD;Mã GD;Số tiền;Nội dung\r\n25/03/2026;FT1;{'9' * 5000};x\r\n".encode(), "số tiền"),
        (_damaged_xlsx(), "Excel"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_import_nothing(content, message):
    mb = BankStatementFormat.objects.create(name="MB", gateway="MBBank",
                                            account_number="1", columns=MB_COLUMNS)
    with pytest.raises(StatementRejected) as refused:
        statement_import(content=content, statement_format=mb)
    assert message in " ".join(refused.value.messages)
    assert BankCredit.objects.count() == 0


def test_one_bad_row_imports_nothing_and_names_the_row(vcb):
    purchase = transfer_purchase()
    content = vcb_xlsx([
        (datetime(2026, 3, 25), "R1", None, 360_000, f"OCOP {purchase.number}"),
        (datetime(2026, 3, 25), "R2", None, "abc", "x"),
    ])
    with pytest.raises(StatementRejected) as refused:
        statement_import(content=content, statement_format=vcb)
    assert "Dòng 7" in refused.value.messages[0]
    assert BankCredit.objects.count() == 0


def test_staff_map_a_bank_once_then_reuse_it(client):
    staff = make_user("canbo@example.vn")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    purchase = transfer_purchase()
    content = vcb_xlsx([(datetime(2026, 3, 25), "R1", None, 360_000, f"OCOP {purchase.number}")])
    form = {"name": "Vietcombank", "gateway": "Vietcombank", "account_number": "0011009999999",
            "col_reference": "Số tham chiếu", "col_date": "ngay giao dich",
            "col_content": "Mô tả", "col_credit": "Số tiền ghi có", "col_debit": "Số tiền ghi nợ"}
    response = client.post("/dashboard/bank-credits/import/",
                           {**form, "file": SimpleUploadedFile("saoke.xlsx", content)})
    assert response.status_code == 302
    saved = BankStatementFormat.objects.get()
    assert saved.columns["date"] == "ngay giao dich"
    purchase.refresh_from_db()
    assert purchase.status == "paid"
    # Next time: the saved mapping; a file it cannot read shows why and keeps nothing.
    response = client.post("/dashboard/bank-credits/import/", {
        "statement_format": saved.pk, "file": SimpleUploadedFile("x.csv", b"a;b\r\n1;2\r\n")})
    assert response.status_code == 200 and "dòng tiêu đề" in response.content.decode()
    # A new mapping that reads nothing is not saved.
    response = client.post("/dashboard/bank-credits/import/", {
        **form, "name": "Sai", "file": SimpleUploadedFile("x.csv", b"a;b\r\n1;2\r\n")})
    assert response.status_code == 200
    assert list(BankStatementFormat.objects.values_list("name", flat=True)) == ["Vietcombank"]
    # A mapping without an amount column is refused before reading.
    response = client.post("/dashboard/bank-credits/import/", {
        **form, "name": "Thiếu", "col_credit": "", "col_debit": "",
        "file": SimpleUploadedFile("saoke.xlsx", content)})
    assert "Cần cột số tiền" in response.content.decode()
