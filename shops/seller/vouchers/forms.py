"""The seller's voucher form: the terms of a shop voucher; the rules are the service's."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.offer.services import FIXED, PERCENTAGE, ShopVoucherTerms, terms_problems

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class ShopVoucherForm(forms.Form):
    code = forms.CharField(
        label=_("Mã giảm giá"), max_length=20, required=False,
        help_text=_("4–20 chữ cái không dấu hoặc chữ số, ví dụ TETMATONG. Để trống: hệ thống tạo mã."),
    )
    kind = forms.ChoiceField(
        label=_("Loại giảm giá"), widget=forms.RadioSelect, initial=PERCENTAGE,
        choices=[(PERCENTAGE, _("Theo phần trăm")), (FIXED, _("Theo số tiền (₫)"))],
    )
    value = forms.IntegerField(label=_("Mức giảm"), help_text=_("Phần trăm (1–100) hoặc số đồng, ví dụ 20000."))
    max_discount = forms.IntegerField(
        label=_("Giảm tối đa (₫)"), required=False, help_text=_("Chỉ với giảm theo phần trăm; để trống: không giới hạn."),
    )
    min_basket = forms.IntegerField(
        label=_("Đơn tối thiểu (₫)"), initial=0,
        help_text=_("Tổng tiền sản phẩm của shop bạn trong giỏ hàng; 0: không yêu cầu."),
    )
    per_buyer = forms.IntegerField(label=_("Số lần mỗi người mua được dùng"), initial=1)
    total = forms.IntegerField(label=_("Tổng số lượt dùng"), initial=100)
    starts_at = forms.DateTimeField(
        label=_("Bắt đầu"), input_formats=LOCAL_INPUT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Giờ Việt Nam."),
    )
    ends_at = forms.DateTimeField(
        label=_("Kết thúc"), input_formats=LOCAL_INPUT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Giờ Việt Nam."),
    )
    listed = forms.BooleanField(
        label=_("Hiện trong “Mã giảm giá của shop” ở giỏ hàng"), required=False, initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["starts_at"].initial = now.replace(second=0, microsecond=0)
        self.fields["ends_at"].initial = (now + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
        for field in self.fields.values():
            field.error_messages.setdefault("required", _("Vui lòng điền mục này."))
            field.error_messages["invalid"] = _("Giá trị không hợp lệ.")
        for name in ("starts_at", "ends_at"):
            self.fields[name].error_messages["invalid"] = _("Ngày giờ không hợp lệ (ví dụ 2027-01-20 08:00).")

    def terms(self) -> ShopVoucherTerms:
        data = self.cleaned_data
        return ShopVoucherTerms(
            code=data.get("code") or "", kind=data["kind"], value=data["value"],
            max_discount=data.get("max_discount"), min_basket=data["min_basket"],
            per_buyer=data["per_buyer"], total=data["total"], starts_at=data["starts_at"],
            ends_at=data["ends_at"], listed=bool(data.get("listed")),
        )

    def clean(self):
        data = super().clean()
        needed = ("kind", "value", "min_basket", "per_buyer", "total", "starts_at", "ends_at")
        if all(data.get(name) is not None for name in needed):
            for field, message in terms_problems(self.terms()):
                self.add_error(field if field in self.fields else None, message)
        return data
