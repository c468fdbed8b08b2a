"""Forms of the settlement pages: a date to settle as of, a run, a payout's bank reference,
a new programme fee."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category
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


class FeeRateForm(forms.Form):
    """A new programme fee: the percentage, what it applies to, from when (at least
    FEE_CHANGE_NOTICE_DAYS ahead: the service refuses sooner, the form says so first)."""

    percent = forms.DecimalField(
        label=_("Mức phí (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2,
        help_text=_("Phần trăm tiền hàng của mỗi đơn, ví dụ 2 hoặc 2,5. Nhập 0 để bỏ phí."),
        error_messages={"required": _("Vui lòng nhập mức phí."),
                        "invalid": _("Mức phí phải là một số, ví dụ 2 hoặc 2,5."),
                        "max_decimal_places": _("Mức phí có nhiều nhất 2 chữ số sau dấu phẩy.")},
        localize=True,
    )
    category = forms.ModelChoiceField(
        label=_("Áp dụng cho danh mục"), required=False, queryset=None,
        empty_label=_("Mọi sản phẩm"),
        help_text=_("Để trống: áp dụng cho mọi sản phẩm không có mức phí riêng theo danh mục."),
    )
    valid_from = forms.DateField(
        label=_("Áp dụng từ ngày"), input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Vui lòng chọn ngày áp dụng."),
                        "invalid": _("Ngày không hợp lệ; nhập theo dạng năm-tháng-ngày, ví dụ 2027-02-01.")},
    )
    note = forms.CharField(label=_("Ghi chú cho cửa hàng"), required=False, max_length=255)

    def __init__(self, *args, earliest: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest = earliest
        self.fields["category"].queryset = Category.objects.order_by("path")
        self.fields["valid_from"].widget.attrs["min"] = earliest.isoformat()
        self.fields["valid_from"].help_text = _(
            "Sớm nhất là %(date)s: phí mới phải được báo trước cho các cửa hàng."
        ) % {"date": earliest.strftime("%d/%m/%Y")}

    def basis_points(self) -> int:
        return int(self.cleaned_data["percent"] * 100)
