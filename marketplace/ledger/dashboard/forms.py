"""Forms of the settlement pages: a date to settle as of, a run, a payout's bank reference."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.dates import today_vn

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Tính đến hết ngày"), required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ; nhập theo dạng năm-tháng-ngày, ví dụ 2026-12-31.")},
    )

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day and day > today_vn():
            raise forms.ValidationError(_("Không thể tính cho một ngày trong tương lai."))
        return day

    def day(self) -> datetime.date:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("as_of"):
            return self.cleaned_data["as_of"]
        return today_vn()


class RunCreateForm(AsOfForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].required = True
        self.fields["as_of"].error_messages["required"] = _("Vui lòng chọn ngày tính đến.")


class MarkPaidForm(forms.Form):
    bank_reference = forms.CharField(
        label=_("Mã giao dịch ngân hàng"), max_length=64,
        help_text=_("Mã trên sao kê hoặc biên lai chuyển khoản của ngân hàng."),
        error_messages={"required": _("Vui lòng nhập mã giao dịch của ngân hàng.")},
    )

    def clean_bank_reference(self) -> str:
        reference = self.cleaned_data["bank_reference"].strip()
        if not reference:
            raise forms.ValidationError(self.fields["bank_reference"].error_messages["required"])
        return reference
