"""/dashboard/figures/: the programme's figures for a date range, with SVG charts and CSV.

Staff only (`is_staff`): anonymous visitors are sent to sign in, everyone else gets 403.
`?format=csv&table=<name>` downloads one table (UTF-8 with BOM, header row).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from marketplace.core.money import format_vnd
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.reports import selectors
from marketplace.reports.charts import bar_chart
from marketplace.reports.forms import DateRangeForm

MONEY = "money"
NUMBER = "number"
TEXT = "text"


@dataclass
class Table:
    name: str
    title: str
    columns: list[tuple[str, str]]  # (header, kind)
    rows: list[tuple]
    chart: str = ""
    chart_rows: list[tuple[str, int]] = field(default_factory=list)

    def display_rows(self) -> list[list[str]]:
        kinds = [kind for _header, kind in self.columns]
        return [
            [format_vnd(v) if k == MONEY else (f"{v:,}".replace(",", ".") if k == NUMBER else str(v))
             for v, k in zip(row, kinds, strict=True)]
            for row in self.rows
        ]

    @property
    def headers(self) -> list[str]:
        return [header for header, _kind in self.columns]


def _with_chart(table: Table, column: int, *, money: bool = False) -> Table:
    rows = [(str(row[0]), int(row[column])) for row in table.rows]
    table.chart = mark_safe(bar_chart(rows, title=table.title, money=money))  # noqa: S308 -- escaped
    return table


def build_tables(period: selectors.Period) -> tuple[dict, list[Table]]:
    members = selectors.members(period)
    orders = selectors.orders_summary(period)
    stars = selectors.products_by_stars()
    star_label = {5: "5★", 4: "4★", 3: "3★", None: _("Không có chứng nhận còn hiệu lực")}
    certified = sum(n for s, n in stars if s is not None)
    uncertified = sum(n for s, n in stars if s is None)
    summary = {"members": members, "orders": orders}
    count = _("Số lượng")
    tables = [
        Table("summary", _("Tổng quan"), [(_("Chỉ số"), TEXT), (_("Giá trị"), TEXT)], [
            (_("Thành viên đăng ký trong kỳ"), f"{members['in_range']:,}".replace(",", ".")),
            (_("Tổng số thành viên"), f"{members['total']:,}".replace(",", ".")),
            (_("Đơn hàng trong kỳ"), f"{orders['count']:,}".replace(",", ".")),
            (_("Đơn đã hủy"), f"{orders['cancelled']:,}".replace(",", ".")),
            (_("Giá trị giao dịch (GMV)"), format_vnd(int(orders["gmv"]))),
        ]),
        _with_chart(Table("shops_by_status", _("Cửa hàng theo trạng thái"),
                          [(_("Trạng thái"), TEXT), (count, NUMBER)], selectors.shops_by_status()), 1),
        _with_chart(Table("shops_by_type", _("Cửa hàng theo loại hình"),
                          [(_("Loại hình"), TEXT), (count, NUMBER)],
                          selectors.shops_by_producer_type()), 1),
        _with_chart(Table("shops_by_commune", _("Cửa hàng theo xã/phường"),
                          [(_("Xã/phường"), TEXT), (count, NUMBER)], selectors.shops_by_commune()), 1),
        _with_chart(Table("products_by_group", _("Sản phẩm theo nhóm OCOP"),
                          [(_("Nhóm"), TEXT), (count, NUMBER)], selectors.products_by_group()), 1),
        _with_chart(Table("products_by_stars", _("Sản phẩm theo hạng sao (chứng nhận còn hiệu lực)"),
                          [(_("Hạng sao"), TEXT), (count, NUMBER)],
                          [(str(star_label[s]), n) for s, n in stars]), 1),
        _with_chart(Table("products_by_certificate", _("Sản phẩm có / không có chứng nhận OCOP"),
                          [(_("Chứng nhận"), TEXT), (count, NUMBER)],
                          [(_("Có chứng nhận còn hiệu lực"), certified),
                           (_("Không có chứng nhận còn hiệu lực"), uncertified)]), 1),
        _with_chart(Table("gmv_by_payment_method", _("GMV theo hình thức thanh toán"),
                          [(_("Hình thức"), TEXT), (_("Đơn hàng"), NUMBER), (_("GMV"), MONEY)],
                          selectors.gmv_by_payment_method(period)), 2, money=True),
        _with_chart(Table("top_products", _("10 sản phẩm bán chạy nhất"),
                          [(_("Sản phẩm"), TEXT), (_("Cửa hàng"), TEXT), (_("Số lượng"), NUMBER),
                           (_("Doanh thu"), MONEY)], selectors.top_products(period)), 3, money=True),
        _with_chart(Table("top_shops", _("10 cửa hàng có GMV cao nhất"),
                          [(_("Cửa hàng"), TEXT), (_("Đơn hàng"), NUMBER), (_("GMV"), MONEY)],
                          selectors.top_shops(period)), 2, money=True),
    ]
    return summary, tables


def _csv_cell(value) -> str:
    """Text a spreadsheet would run as a formula (shop and product names come from sellers)
    is prefixed with an apostrophe."""
    text = str(value)
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_response(table: Table, period: selectors.Period) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = f"{table.name}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class FiguresView(ProgrammeStaffRequiredMixin, View):
    template_name = "reports/figures.html"

    def get(self, request, *args, **kwargs):
        params = request.GET
        bound = any(params.get(key) for key in ("date_from", "date_to"))
        form = DateRangeForm(params if bound else None)
        if bound and not form.is_valid():
            return render(request, self.template_name, {"form": form, "tables": []})
        period = form.cleaned_data["period"] if bound else selectors.this_month()
        summary, tables = build_tables(period)
        if params.get("format") == "csv":
            table = next((t for t in tables if t.name == params.get("table")), None)
            if table is None:
                raise Http404
            return csv_response(table, period)
        query = {"date_from": period.start.isoformat(), "date_to": period.end.isoformat()}
        if not bound:
            form = DateRangeForm(initial=query)
        return render(request, self.template_name, {
            "form": form, "period": period, "summary": summary, "tables": tables,
            "csv_query": "&".join(f"{k}={v}" for k, v in query.items()),
        })
