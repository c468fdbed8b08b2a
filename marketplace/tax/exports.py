"""Files built from the withholding figures: the contract's CSV, schedule 01-1/BK-CNKD-TMĐT as
XLSX, and a shop's paid orders for its e-invoice provider.

Every file is written by marketplace.core.spreadsheets, which formula-guards every text cell
in the CSVs and the XLSX alike, so a spreadsheet never runs one. CSVs are UTF-8 with a BOM
(Excel reads the Vietnamese letters), amounts whole đồng.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from marketplace.core.spreadsheets import csv_bytes, new_workbook, xlsx_bytes, xlsx_cell
from marketplace.tax.reports import WithholdingRow, month_totals

#: the contract's columns (/work/shared/DESIGN.md, "After the order, money, privacy")
WITHHOLDING_COLUMNS = (
    "shop_slug", "seller_name", "tax_code", "resident", "category", "revenue", "vat_withheld", "pit_withheld",
)


def withholding_csv(rows: list[WithholdingRow]) -> bytes:
    """One line per seller of the month (every shop with sales or tax booked in it, withheld
    or not: a cooperative's line reads 0 withheld). `resident` is 1 or 0, `category` the
    business group (goods, services, transport)."""
    return csv_bytes(WITHHOLDING_COLUMNS, [
        (row.shop_slug, row.seller_name, row.tax_code, 1 if row.resident else 0, row.category,
         row.revenue, row.vat, row.pit)
        for row in rows
    ])


# --- schedule 01-1/BK-CNKD-TMĐT -------------------------------------------------------------

SCHEDULE_FORM = "01-1/BK-CNKD-TMĐT"
# The form's own words, not run through gettext: the tax office reads it in Vietnamese
# whatever language the staff member's interface is in.
SCHEDULE_HEADERS = (
    "STT",
    "Tên người nộp thuế (hộ, cá nhân kinh doanh)",
    "Mã số thuế / Số định danh cá nhân",
    "Cá nhân cư trú",
    "Ngành nghề (nhóm ngành)",
    "Doanh thu phát sinh đã khấu trừ thuế (đồng)",
    "Số thuế GTGT đã khấu trừ, nộp thay (đồng)",
    "Số thuế TNCN đã khấu trừ, nộp thay (đồng)",
)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_MONEY = "#,##0"


def schedule_rows(rows: list[WithholdingRow]) -> list[WithholdingRow]:
    """The sellers the schedule lists: those with something withheld or offset in the month."""
    return [row for row in rows if row.on_schedule]


def withholding_xlsx(rows: list[WithholdingRow], *, month: datetime.date) -> bytes:
    """Schedule 01-1/BK-CNKD-TMĐT (appendix to return 01/CNKD-TMĐT) for `month`: the header
    (period, the platform's name and tax code from settings), one line per seller, a total."""
    listed = schedule_rows(rows)
    book = new_workbook()
    sheet = book.active
    sheet.title = "01-1-BK-CNKD-TMDT"
    width = len(SCHEDULE_HEADERS)
    last = get_column_letter(width)
    title_lines = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        ("Độc lập - Tự do - Hạnh phúc", True),
        ("", False),
        (f"Mẫu số: {SCHEDULE_FORM}", False),
        ("PHỤ LỤC - BẢNG KÊ CHI TIẾT HỘ KINH DOANH, CÁ NHÂN KINH DOANH ĐƯỢC KHẤU TRỪ, NỘP THAY THUẾ", True),
        ("(Kèm theo Tờ khai mẫu số 01/CNKD-TMĐT)", False),
        (f"[01] Kỳ tính thuế: Tháng {month:%m} năm {month:%Y}", False),
        (f"[02] Tên người nộp thuế (tổ chức quản lý sàn): {settings.TAX_PLATFORM_NAME}", False),
        (f"[03] Mã số thuế: {settings.TAX_PLATFORM_TAX_CODE}", False),
        ("Đơn vị tiền: Đồng Việt Nam", False),
    ]
    for number, (text, bold) in enumerate(title_lines, start=1):
        sheet.merge_cells(f"A{number}:{last}{number}")
        cell = xlsx_cell(sheet, row=number, column=1, value=text)
        cell.font = Font(bold=bold)
        if number in (1, 2, 4, 5, 6):
            cell.alignment = Alignment(horizontal="center")
    header_row = len(title_lines) + 1
    for column, text in enumerate(SCHEDULE_HEADERS, start=1):
        cell = xlsx_cell(sheet, row=header_row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
        numbered = xlsx_cell(sheet, row=header_row + 1, column=column, value=f"({column})")
        numbered.alignment = Alignment(horizontal="center")
        numbered.border = _BOX
    current = header_row + 2
    for index, row in enumerate(listed, start=1):
        values = (
            index, row.seller_name, row.tax_code,
            "Cư trú" if row.resident else "Không cư trú", str(row.category_label),
            row.revenue, row.vat, row.pit,
        )
        for column, value in enumerate(values, start=1):
            cell = xlsx_cell(sheet, row=current, column=column, value=value)
            cell.border = _BOX
            if not isinstance(value, str) and column > 5:
                cell.number_format = _MONEY
        current += 1
    totals = month_totals(listed)
    xlsx_cell(sheet, row=current, column=2, value="Tổng cộng").font = Font(bold=True)
    for column, value in ((6, totals.revenue), (7, totals.vat), (8, totals.pit)):
        cell = sheet.cell(row=current, column=column, value=value)
        cell.font = Font(bold=True)
        cell.number_format = _MONEY
    for column in range(1, width + 1):
        sheet.cell(row=current, column=column).border = _BOX
    for column, size in enumerate((6, 36, 20, 14, 26, 20, 20, 20), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.row_dimensions[header_row].height = 48
    return xlsx_bytes(book)
