"""Forms of the complaint pages: the buyer's request and reply, the shop's answer, staff's
refund. They check shapes; the rules (window, amounts, states) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.complaints.models import Complaint
from marketplace.complaints.services import MAX_PHOTOS, MESSAGE_MAX_LENGTH
from marketplace.core.uploads import MultipleImageUploadField
from marketplace.payment.dashboard.forms import VndAmountField

MAX_AMOUNT = 10**13 - 1


def _amount_field(label, *, required=True) -> VndAmountField:
    return VndAmountField(
        label=label, required=required, min_value=0, max_value=MAX_AMOUNT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Bạn muốn"), choices=Complaint.Kind.choices, widget=forms.RadioSelect,
        initial=Complaint.Kind.RETURN_REFUND,
    )
    reason = forms.ChoiceField(label=_("Lý do"), choices=[("", "—"), *Complaint.Reason.choices])
    message = forms.CharField(
        label=_("Mô tả vấn đề"), max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH}),
    )
    requested_amount = _amount_field(_("Số tiền muốn được hoàn (₫)"), required=False)
    photos = MultipleImageUploadField(
        label=_("Ảnh chụp sản phẩm (tối đa 3 ảnh)"), required=False, max_files=MAX_PHOTOS,
        help_text=_("Ảnh JPEG, PNG, WebP hoặc HEIC; chụp rõ chỗ hư hỏng, nhãn và bao bì."),
    )

    def __init__(self, *args, ceiling: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Hãy chọn lý do.")
        self.fields["message"].error_messages["required"] = _("Hãy mô tả vấn đề của đơn hàng.")
        if ceiling:
            self.fields["requested_amount"].help_text = _("Tối đa %(max)s.") % {
                "max": f"{ceiling:,}".replace(",", ".") + " ₫"
            }
            self.fields["requested_amount"].initial = ceiling

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Complaint.Kind.COMPLAINT:
            cleaned["requested_amount"] = 0
        elif cleaned.get("kind") and not cleaned.get("requested_amount") and "requested_amount" not in self.errors:
            self.add_error("requested_amount", _("Hãy nhập số tiền muốn được hoàn (đồng)."))
        return cleaned


class DisputeForm(forms.Form):
    note = forms.CharField(
        label=_("Vì sao bạn không đồng ý?"), max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy cho biết vì sao bạn không đồng ý.")},
    )


class ShopAnswerForm(forms.Form):
    ACCEPT, REFUND, REFUSE = "accept", "refund", "refuse"

    answer = forms.ChoiceField(
        label=_("Cửa hàng"), widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("Đồng ý nhận hàng trả (gửi hướng dẫn trả hàng)")),
            (REFUND, _("Hoàn tiền (một phần hoặc toàn bộ)")),
            (REFUSE, _("Từ chối (nêu lý do)")),
        ],
        error_messages={"required": _("Hãy chọn cách phản hồi.")},
    )
    amount = _amount_field(_("Số tiền hoàn (₫)"), required=False)
    note = forms.CharField(
        label=_("Hướng dẫn trả hàng / lời nhắn / lý do từ chối"), required=False,
        max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, answers=(ACCEPT, REFUND, REFUSE), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        field.choices = [choice for choice in field.choices if choice[0] in answers]

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("answer")
        if answer == self.REFUND and not cleaned.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("Hãy nhập số tiền hoàn (đồng)."))
        if answer == self.ACCEPT and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Hãy hướng dẫn người mua cách gửi trả hàng (địa chỉ, cách gửi, phí)."))
        if answer == self.REFUSE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Hãy ghi lý do từ chối (người mua sẽ nhận được)."))
        return cleaned


class StaffRefundForm(forms.Form):
    amount = _amount_field(_("Số tiền hoàn (₫)"))
    reason = forms.CharField(
        label=_("Lý do (người mua và cửa hàng sẽ nhận được)"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Vui lòng ghi lý do.")},
    )
