"""What every figures page shares: the programme's (/dashboard/figures/) and each shop's
(/seller/<shop_code>/figures/).

A page is a date range (default this month, local dates) and a list of `Table`s, each
shown as an HTML table with an optional inline SVG bar chart and downloadable as CSV with
`?format=csv&table=<name>` (UTF-8 with BOM, header row, formula-safe cells). Invalid dates
re-render the page with the form's message, never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from marketplace.core.money import format_vnd
from marketplace.core.spreadsheets import csv_bytes
from marketplace.reports.charts import bar_chart
from marketplace.reports.forms import DateRangeForm
from marketplace.reports.periods import Period, this_month

MONEY = "money"
NUMBER = "number"
TEXT = "text"


def format_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass
class Table:
    name: str
    title: str
    columns: list[tuple[str, str]]  # (header, kind)
    rows: list[tuple]
    chart: str = ""
    chart_rows: list[tuple[str, int]] = field(default_factory=list)
    bars: int | None = None  # the column drawn as HTML bars (`with_bars`)

    def display_rows(self) -> list[list[str]]:
        kinds = [kind for _header, kind in self.columns]
        return [
            [
                format_vnd(v) if k == MONEY else (format_number(v) if k == NUMBER else str(v))
                for v, k in zip(row, kinds, strict=True)
            ]
            for row in self.rows
        ]

    @property
    def headers(self) -> list[str]:
        return [header for header, _kind in self.columns]

    def bar_rows(self) -> list[dict]:
        """Each row as {"cells": display cells, "percent": the bar column's share of the
        largest value, 0–100}: the table is its own chart (reports/_bars.html)."""
        values = [int(row[self.bars]) for row in self.rows] if self.bars is not None else []
        peak = max(values, default=0)
        return [
            {"cells": cells, "percent": round(100 * value / peak) if peak > 0 else 0}
            for cells, value in zip(self.display_rows(), values or [0] * len(self.rows), strict=True)
        ]


def with_chart(table: Table, column: int, *, money: bool = False) -> Table:
    """Give `table` a bar chart of its `column` against its first column."""
    rows = [(str(row[0]), int(row[column])) for row in table.rows]
    table.chart = mark_safe(bar_chart(rows, title=table.title, money=money))  # noqa: S308 -- escaped
    return table


def with_bars(table: Table, column: int) -> Table:
    """Draw `table`'s `column` as bars inside its own cells: one titled table that is at once
    the chart and the data a screen reader reads (reports/_bars.html)."""
    table.bars = column
    return table


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    # Shop and product names come from sellers: every cell is formula-guarded.
    response = HttpResponse(
        csv_bytes(table.headers, table.rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class FiguresPageView(TemplateView):
    """GET a figures page. Subclasses set `template_name` and implement `build_tables`.

    Context: `form` (date_from, date_to), `period`, `summary`, `tables`, `csv_query`
    (the period as a query string, for the CSV links); only `form` and an empty `tables`
    when the dates are invalid.
    """

    http_method_names = ["get", "head", "options"]

    def build_tables(self, period: Period) -> tuple[dict, list[Table]]:
        """(summary figures, tables) of the period, each from aggregate queries."""
        raise NotImplementedError

    def extra_query(self) -> dict[str, str]:
        """More of the page's own parameters, kept in its CSV links."""
        return {}

    def csv_filename(self, table: Table, period: Period) -> str:
        return f"{table.name}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"

    def get(self, request, *args, **kwargs):
        params = request.GET
        bound = any(params.get(key) for key in ("date_from", "date_to"))
        form = DateRangeForm(params if bound else None)
        if bound and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, tables=[]))
        period = form.cleaned_data["period"] if bound else this_month()
        summary, tables = self.build_tables(period)
        if params.get("format") == "csv":
            table = next((t for t in tables if t.name == params.get("table")), None)
            if table is None:
                raise Http404
            return csv_response(table, filename=self.csv_filename(table, period))
        dates = {"date_from": period.start.isoformat(), "date_to": period.end.isoformat()}
        query = {**dates, **self.extra_query()}
        if not bound:
            form = DateRangeForm(initial=dates)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                period=period,
                summary=summary,
                tables=tables,
                csv_query="&".join(f"{k}={v}" for k, v in query.items()),
            )
        )
