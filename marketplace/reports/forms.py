from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.reports.periods import Period, this_month

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class DateRangeForm(forms.Form):
    """Local dates, both included; empty means this month."""

    date_from = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        default = this_month()
        start = data.get("date_from") or default.start
        end = data.get("date_to") or default.end
        if self.errors:
            return data
        for day in (start, end):
            if not EARLIEST <= day <= LATEST:
                raise forms.ValidationError(
                    _("Ngày phải nằm trong khoảng %(a)s – %(b)s.")
                    % {"a": EARLIEST.strftime("%d/%m/%Y"), "b": LATEST.strftime("%d/%m/%Y")}
                )
        if start > end:
            raise forms.ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
        data["period"] = Period(start, end)
        return data
