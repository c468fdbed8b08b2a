"""/seller/<shop_code>/money/: the shop's balance with the platform, what is pending and
why, the ledger entries of a month (`?month=YYYY-MM`), its statement as CSV
(`&format=csv`), and the payouts received.

Every member of the shop sees it; another shop's members get 404, visitors who are not
signed in go to sign in. Reads only (marketplace/ledger/selectors.py).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from marketplace.core.dates import VN, month_bounds, next_month, parse_month, today_vn
from marketplace.core.spreadsheets import csv_bytes
from marketplace.ledger import selectors
from marketplace.ledger.bankfile import payout_memo
from marketplace.ledger.models import OWED_ACCOUNTS, Account, Kind
from shops.seller.mixins import SellerShopMixin

ENTRIES_PER_PAGE = 50


def statement_csv(*, shop, statement) -> bytes:
    """The month's statement: opening balance, one row per entry with the balance after it,
    closing balance. UTF-8 with BOM, text cells formula-guarded."""
    header = [_("Ngày ghi sổ"), _("Nội dung"), _("Đơn hàng"), _("Khoản thanh toán"), _("Tham chiếu"),
              _("Số tiền (₫)"), _("Tăng/giảm số dư (₫)"), _("Số dư sau (₫)")]
    return csv_bytes(header, _statement_rows(statement))


def _statement_rows(statement):
    owed = statement.opening.owed
    start = statement.start.astimezone(VN)
    yield [start.strftime("%d/%m/%Y"), str(_("Số dư đầu kỳ")), "", "", "", "", "", owed]
    for entry in statement.entries.iterator(chunk_size=2000):
        effect = selectors.owed_effect(entry)
        owed += effect
        yield [
            entry.booked_at.astimezone(VN).strftime("%d/%m/%Y %H:%M"),
            str(entry.get_kind_display()),
            entry.order.number if entry.order_id else "",
            payout_memo(entry.payout) if entry.payout_id else "",
            entry.reference,
            entry.amount, effect, owed,
        ]
    end = (statement.end - datetime.timedelta(microseconds=1)).astimezone(VN).strftime("%d/%m/%Y")  # the last day
    yield [end, str(_("Số dư cuối kỳ")), "", "", "", "", "", statement.closing.owed]


def _note(entry) -> str:
    """What an entry that leaves the balance as it was did: money the shop collected itself,
    or money moved within what the platform owes (e.g. now payable)."""
    if entry.kind in (Kind.SALE_SELF, Kind.REFUND_SELF):
        return _("cửa hàng tự thu")
    if entry.credit in OWED_ACCOUNTS and entry.debit in OWED_ACCOUNTS:
        return "→ " + str(Account(entry.credit).label)
    return "—"


class ShopMoneyView(SellerShopMixin, TemplateView):
    template_name = "seller/money/money.html"

    def month(self):
        raw = self.request.GET.get("month")
        first = parse_month(raw) if raw else None
        today = today_vn()
        if raw and (first is None or first > today):
            self.month_error = _("Tháng không hợp lệ; nhập theo dạng năm-tháng, ví dụ 2026-12. Đang xem tháng này.")
            first = None
        return first or today.replace(day=1)

    month_error = ""

    def get(self, request, *args, **kwargs):
        first = self.month()
        start, end = month_bounds(first)
        statement = selectors.shop_statement(self.shop, start=start, end=end)
        if request.GET.get("format") == "csv" and not self.month_error:
            response = HttpResponse(statement_csv(shop=self.shop, statement=statement),
                                    content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{self.shop.code}_sao-ke_{first:%Y-%m}.csv"'
            response["Cache-Control"] = "private, no-store"
            return response
        if self.month_error:
            messages.warning(request, self.month_error)
        page = Paginator(statement.entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
        rows = [(entry, selectors.owed_effect(entry), _note(entry)) for entry in page.object_list]
        today = today_vn()
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        context = self.get_context_data(
            balance=selectors.shop_balance(self.shop),
            pending_orders=selectors.shop_pending_orders(self.shop),
            statement=statement, page_obj=page, rows=rows, month=first,
            previous_month=previous,
            following_month=next_month(first) if next_month(first) <= today else None,
            payouts=selectors.shop_payouts(self.shop),
        )
        return self.render_to_response(context)
