"""/seller/<shop_code>/figures/: the shop's own figures for a date range, with SVG charts.

Every member of the shop sees them; another shop's members get 404, visitors who are not
signed in go to sign in. `?format=csv&table=<name>` downloads one table. The page, the
charts, the CSV and the date range are the programme figures' (marketplace/reports/figures.py).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.reports.figures import (
    MONEY,
    NUMBER,
    TEXT,
    FiguresPageView,
    Table,
    with_chart,
)
from marketplace.reports.periods import Period
from shops.seller.figures import selectors
from shops.seller.mixins import SellerShopMixin


def build_tables(*, shop, period: Period) -> tuple[dict, list[Table]]:
    summary = selectors.shop_figures_summary(shop=shop, period=period)
    orders = _("Đơn hàng")
    revenue = _("Doanh thu")
    tables = [
        with_chart(
            Table(
                "orders_by_status",
                _("Đơn hàng theo trạng thái"),
                [(_("Trạng thái"), TEXT), (orders, NUMBER)],
                selectors.shop_orders_by_status(shop=shop, period=period),
            ),
            1,
        ),
        with_chart(
            Table(
                "revenue_by_payment_method",
                _("Doanh thu theo hình thức thanh toán"),
                [
                    (_("Hình thức"), TEXT),
                    (orders, NUMBER),
                    (revenue, MONEY),
                    (_("Đã thu"), MONEY),
                    (_("Chưa thu"), MONEY),
                ],
                selectors.shop_revenue_by_payment_method(shop=shop, period=period),
            ),
            2,
            money=True,
        ),
        with_chart(
            Table(
                "top_products",
                _("10 sản phẩm bán chạy nhất"),
                [(_("Sản phẩm"), TEXT), (_("Số lượng"), NUMBER), (revenue, MONEY)],
                selectors.shop_top_products(shop=shop, period=period),
            ),
            2,
            money=True,
        ),
        Table(
            "stock_alerts",
            _("Cảnh báo tồn kho"),
            [
                (_("Sản phẩm"), TEXT),
                (_("Mã SKU"), TEXT),
                (_("Trong kho"), NUMBER),
                (_("Đang giữ cho đơn"), NUMBER),
                (_("Còn bán được"), NUMBER),
                (_("Ngưỡng"), NUMBER),
                (_("Tình trạng"), TEXT),
            ],
            selectors.shop_stock_alerts(shop=shop),
        ),
    ]
    return summary, tables


class ShopFiguresView(SellerShopMixin, FiguresPageView):
    template_name = "seller/figures/figures.html"

    def build_tables(self, period: Period) -> tuple[dict, list[Table]]:
        return build_tables(shop=self.shop, period=period)

    def csv_filename(self, table: Table, period: Period) -> str:
        return f"{self.shop.code}_{super().csv_filename(table, period)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["low_stock_threshold"] = selectors.LOW_STOCK_THRESHOLD
        return context
