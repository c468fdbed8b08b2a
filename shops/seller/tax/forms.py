from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 366


class InvoicingPeriodForm(forms.Form):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`, local dates, both included, at most a year."""

    date_from = forms.DateField(label=_("Từ ngày"), input_formats=["%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), input_formats=["%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, **kwargs):
        # The URL says `from` and `to`; `from` is a Python keyword, so the fields are renamed.
        if data is not None:
            data = {"date_from": data.get("from", ""), "date_to": data.get("to", "")}
        super().__init__(data, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages.update({
                "required": _("Vui lòng chọn ngày."),
                "invalid": _("Ngày không hợp lệ (dạng YYYY-MM-DD)."),
            })

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if not (datetime.date(2000, 1, 1) <= start <= datetime.date(2100, 12, 31)
                    and datetime.date(2000, 1, 1) <= end <= datetime.date(2100, 12, 31)):
                raise forms.ValidationError(_("Ngày phải nằm trong khoảng 01/01/2000 – 31/12/2100."))
            if start > end:
                raise forms.ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Mỗi lần xuất tối đa 366 ngày."))
        return data
