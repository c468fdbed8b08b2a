"""/dashboard/figures/: the programme's figures for a date range, with bar charts and CSV.

Staff only (`is_staff`): anonymous visitors are sent to sign in, everyone else gets 403.
`?format=csv&table=<name>` downloads one table (UTF-8 with BOM, header row).
`?grain=week|month` picks the trends' buckets (12 weeks or 12 months up to the period's end;
anything else is weeks). Each chart is a table drawing its figure as bars in its own cells
(reports/_bars.html): titled once, read by screen readers as a table, no JavaScript.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.core.dates import today_vn
from marketplace.core.money import format_vnd
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.reports import selectors
from marketplace.reports.figures import (
    MONEY,
    NUMBER,
    TEXT,
    FiguresPageView,
    Table,
    format_number,
    with_bars,
)
from marketplace.reports.trends import GRAINS, MONTH, WEEK, trends

TREND_PREFIX = "trend_"


def trend_tables(period: selectors.Period, grain: str) -> list[Table]:
    """Orders, GMV and newly approved shops per week or month, up to the period's end (today
    when the period runs on: no empty weeks to come)."""
    buckets = trends(grain, min(period.end, today_vn()))
    labels = [bucket.label(grain) for bucket in buckets]
    if grain == MONTH:
        when = _("Tháng")
        titles = (_("Đơn hàng theo tháng"), _("GMV theo tháng"), _("Cửa hàng mới được duyệt theo tháng"))
    else:
        when = _("Tuần")
        titles = (_("Đơn hàng theo tuần"), _("GMV theo tuần"), _("Cửa hàng mới được duyệt theo tuần"))
    figures = (
        ("orders", (_("Đơn hàng"), NUMBER), [b.orders for b in buckets]),
        ("gmv", (_("GMV"), MONEY), [b.gmv for b in buckets]),
        ("shops", (_("Cửa hàng mới"), NUMBER), [b.new_shops for b in buckets]),
    )
    return [
        with_bars(Table(f"{TREND_PREFIX}{name}", title, [(when, TEXT), column],
                        list(zip(labels, values, strict=True))), 1)
        for title, (name, column, values) in zip(titles, figures, strict=True)
    ]


def build_tables(period: selectors.Period, grain: str = WEEK) -> tuple[dict, list[Table]]:
    members = selectors.members(period)
    orders = selectors.orders_summary(period)
    stars = selectors.products_by_stars()
    star_label = {5: "5★", 4: "4★", 3: "3★", None: _("Không có chứng nhận còn hiệu lực")}
    certified = sum(n for s, n in stars if s is not None)
    uncertified = sum(n for s, n in stars if s is None)
    summary = {"members": members, "orders": orders}
    count = _("Số lượng")
    tables = trend_tables(period, grain) + [
        Table("summary", _("Tổng quan"), [(_("Chỉ số"), TEXT), (_("Giá trị"), TEXT)], [
            (_("Thành viên đăng ký trong kỳ"), format_number(members["in_range"])),
            (_("Tổng số thành viên"), format_number(members["total"])),
            (_("Đơn hàng trong kỳ"), format_number(orders["count"])),
            (_("Đơn đã hủy"), format_number(orders["cancelled"])),
            (_("Giá trị giao dịch (GMV)"), format_vnd(int(orders["gmv"]))),
        ]),
        with_bars(Table("shops_by_status", _("Cửa hàng theo trạng thái"),
                          [(_("Trạng thái"), TEXT), (count, NUMBER)], selectors.shops_by_status()), 1),
        with_bars(Table("shops_by_type", _("Cửa hàng theo loại hình"),
                          [(_("Loại hình"), TEXT), (count, NUMBER)],
                          selectors.shops_by_producer_type()), 1),
        with_bars(Table("shops_by_commune", _("Cửa hàng theo xã/phường"),
                          [(_("Xã/phường"), TEXT), (count, NUMBER)], selectors.shops_by_commune()), 1),
        with_bars(Table("products_by_group", _("Sản phẩm theo nhóm OCOP"),
                          [(_("Nhóm"), TEXT), (count, NUMBER)], selectors.products_by_group()), 1),
        with_bars(Table("products_by_stars", _("Sản phẩm theo hạng sao (chứng nhận còn hiệu lực)"),
                          [(_("Hạng sao"), TEXT), (count, NUMBER)],
                          [(str(star_label[s]), n) for s, n in stars]), 1),
        with_bars(Table("products_by_certificate", _("Sản phẩm có / không có chứng nhận OCOP"),
                          [(_("Chứng nhận"), TEXT), (count, NUMBER)],
                          [(_("Có chứng nhận còn hiệu lực"), certified),
                           (_("Không có chứng nhận còn hiệu lực"), uncertified)]), 1),
        with_bars(Table("gmv_by_payment_method", _("GMV theo hình thức thanh toán"),
                          [(_("Hình thức"), TEXT), (_("Đơn hàng"), NUMBER), (_("GMV"), MONEY)],
                          selectors.gmv_by_payment_method(period)), 2),
        with_bars(Table("top_products", _("10 sản phẩm bán chạy nhất"),
                          [(_("Sản phẩm"), TEXT), (_("Cửa hàng"), TEXT), (_("Số lượng"), NUMBER),
                           (_("Doanh thu"), MONEY)], selectors.top_products(period)), 3),
        with_bars(Table("top_shops", _("10 cửa hàng có GMV cao nhất"),
                          [(_("Cửa hàng"), TEXT), (_("Đơn hàng"), NUMBER), (_("GMV"), MONEY)],
                          selectors.top_shops(period)), 2),
    ]
    return summary, tables


class FiguresView(ProgrammeStaffRequiredMixin, FiguresPageView):
    template_name = "reports/figures.html"

    @property
    def grain(self) -> str:
        grain = self.request.GET.get("grain")
        return grain if grain in GRAINS else WEEK

    def extra_query(self) -> dict[str, str]:
        return {"grain": self.grain}

    def build_tables(self, period: selectors.Period) -> tuple[dict, list[Table]]:
        return build_tables(period, self.grain)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tables = context.get("tables", [])
        context["trend_tables"] = [t for t in tables if t.name.startswith(TREND_PREFIX)]
        context["tables"] = [t for t in tables if not t.name.startswith(TREND_PREFIX)]
        context["grain"] = self.grain
        context["grains"] = [(value, label) for value, label in GRAINS.items()]
        return context
