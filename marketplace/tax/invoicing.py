"""A shop's paid orders of a period, shaped for its e-invoice provider's import.

Households over the Decree 70/2025 threshold (and any seller that wants to) issue e-invoices
with a provider (VNPT Invoice, Viettel S-Invoice, MISA meInvoice…). Each provider imports a
spreadsheet of *invoice lines*: one row per line, the invoice's own columns (its key, date,
buyer, payment method) repeated on each of its rows, and a column-mapping step on import.
We follow that multi-line shape as MISA meInvoice's "nhập khẩu hóa đơn từ Excel" uses it
(the invoice key column groups rows into one invoice); the shop's delivery fee is its own
line, and money refunded is a column (an adjusting invoice is the seller's decision).
docs/decisions/0028-tax-withholding.md says what was and was not verified.

Only what an invoice carries about the buyer is exported (the name and address on the
order), not its e-mail or phone.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.core.dates import start_of_day
from marketplace.core.money import to_vnd
from marketplace.core.spreadsheets import csv_bytes
from marketplace.order.models import Order

# Vietnamese whatever the interface language: the provider's import maps these names.
HEADER = (
    "Mã đơn hàng (khóa hóa đơn)", "Ngày thanh toán", "Tên người mua", "Địa chỉ người mua",
    "Hình thức thanh toán", "STT dòng", "Mã hàng", "Tên hàng hóa, dịch vụ", "Đơn vị tính",
    "Số lượng", "Đơn giá", "Thành tiền", "Tổng tiền đơn hàng", "Đã hoàn cho người mua",
)
SHIPPING_LINE = "Phí giao hàng"
PAID_STATUSES = (Order.PaymentStatus.PAID, Order.PaymentStatus.PARTIALLY_REFUNDED, Order.PaymentStatus.REFUNDED)


def shop_paid_orders(*, shop, start: datetime.date, end: datetime.date):
    """The shop's orders paid between `start` and `end` (local dates, both included), oldest
    first, with their lines and address: three queries whatever the count."""
    Line = get_model("order", "Line")
    return (
        Order.objects.filter(
            shop=shop, payment_status__in=PAID_STATUSES,
            paid_at__gte=start_of_day(start), paid_at__lt=start_of_day(end + datetime.timedelta(days=1)),
        )
        .select_related("shipping_address")
        .prefetch_related(Prefetch("lines", queryset=Line.objects.exclude(status="cancelled").order_by("pk")))
        .order_by("paid_at", "number")
    )


def _address(order) -> str:
    address = order.shipping_address
    if address is None:
        return ""
    return ", ".join(part for part in (address.line1, address.line2, address.line3, address.line4) if part)


def invoice_rows(orders) -> list[tuple]:
    rows = []
    for order in orders:
        paid = timezone.localtime(order.paid_at).strftime("%d/%m/%Y")
        buyer = order.shipping_address.name if order.shipping_address_id else ""
        head = (order.number, paid, buyer, _address(order), order.get_payment_method_display())
        tail = (to_vnd(order.total_incl_tax), int(order.amount_refunded))
        number = 0
        for number, line in enumerate(order.lines.all(), start=1):
            rows.append((
                *head, number, line.upc or line.partner_sku or "", line.title, "",
                line.quantity, to_vnd(line.unit_price_incl_tax or 0), to_vnd(line.line_price_incl_tax), *tail,
            ))
        shipping = to_vnd(order.shipping_incl_tax)
        if shipping:
            rows.append((*head, number + 1, "", SHIPPING_LINE, "", 1, shipping, shipping, *tail))
    return rows


def invoicing_csv(*, shop, start: datetime.date, end: datetime.date) -> bytes:
    return csv_bytes(HEADER, invoice_rows(shop_paid_orders(shop=shop, start=start, end=end)))
