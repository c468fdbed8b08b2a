"""/dashboard/tax/: programme staff's month of tax withheld for household and individual
sellers (Decree 117/2025), its files for the monthly return, and each shop's tax profile.

- `/dashboard/tax/?month=YYYY-MM` (default this month): totals, one row per seller, the
  household sellers near the yearly revenue threshold; a malformed month re-renders the page
  with a message (status 400), never an error page;
- `withholding.csv?month=YYYY-MM`: the contract's columns (marketplace/tax/exports.py);
- `withholding.xlsx?month=YYYY-MM`: schedule 01-1/BK-CNKD-TMĐT;
- `shops/<id>/`: view and edit one shop's tax profile.

Staff only (`is_staff`): anonymous visitors go to sign in, everyone else gets 403.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.core import dates
from marketplace.core.models import AuditEvent
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.tax import exports, reports
from marketplace.tax.forms import TaxProfileForm
from marketplace.tax.rates import profile_for
from marketplace.tax.services import tax_profile_save
from shops.models import Partner


def _month_or_error(request):
    """(month, None) from `?month=`, this month when absent; (None, message) when malformed."""
    text = request.GET.get("month", "")
    if not text.strip():
        return reports.this_month(), None
    month = dates.parse_month(text)
    if month is None:
        return None, _("Tháng không hợp lệ: hãy chọn tháng theo dạng YYYY-MM (ví dụ 2026-07).")
    return month, None


class TaxMonthView(ProgrammeStaffRequiredMixin, TemplateView):
    template_name = "tax/dashboard/month.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        month, error = _month_or_error(request)
        if error:
            context = self.get_context_data(error=error, month_value=request.GET.get("month", "")[:20])
            return self.render_to_response(context, status=400)
        rows = reports.withholding_month_rows(month=month)
        return self.render_to_response(self.get_context_data(
            month=month,
            month_value=f"{month:%Y-%m}",
            previous=(month - datetime.timedelta(days=1)).replace(day=1),
            rows=rows,
            withheld_rows=[row for row in rows if row.withheld or row.on_schedule],
            other_rows=[row for row in rows if not (row.withheld or row.on_schedule)],
            totals=reports.month_totals(rows),
            near_threshold=reports.sellers_near_threshold(),
        ))


class _MonthFileView(ProgrammeStaffRequiredMixin, View):
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        month, error = _month_or_error(request)
        if error:  # the month page, with the message
            return TaxMonthView.as_view()(request)
        response = HttpResponse(self.body(month), content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename(month)}"'
        response["Cache-Control"] = "private, no-store"
        return response


class WithholdingCsvView(_MonthFileView):
    content_type = "text/csv; charset=utf-8"

    def body(self, month) -> bytes:
        return exports.withholding_csv(reports.withholding_month_rows(month=month))

    def filename(self, month) -> str:
        return f"withholding_{month:%Y-%m}.csv"


class WithholdingXlsxView(_MonthFileView):
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def body(self, month) -> bytes:
        return exports.withholding_xlsx(reports.withholding_month_rows(month=month), month=month)

    def filename(self, month) -> str:
        return f"01-1-BK-CNKD-TMDT_{month:%Y-%m}.xlsx"


class TaxProfileStaffView(ProgrammeStaffRequiredMixin, TemplateView):
    """One shop's tax profile: programme staff see and correct it (audited as programme)."""

    template_name = "tax/dashboard/profile_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.shop = get_object_or_404(Partner.objects.select_related("tax_profile"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = profile_for(self.shop)
        context.setdefault("form", TaxProfileForm(instance=profile))
        context.update(shop=self.shop, profile=profile, saved=profile.pk is not None)
        return context

    def post(self, request, *args, **kwargs):
        form = TaxProfileForm(request.POST, instance=profile_for(self.shop))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        tax_profile_save(shop=self.shop, data=form.cleaned_data, actor=request.user,
                         acting_as=AuditEvent.Capacity.PROGRAMME)
        messages.success(request, _("Đã lưu hồ sơ thuế của %(shop)s.") % {"shop": self.shop.name})
        return redirect("tax-dashboard:profile", pk=self.shop.pk)
