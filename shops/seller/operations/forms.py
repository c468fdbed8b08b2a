"""Forms of the seller workspace's operations side. Foreign keys offer only the shop's own objects."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import OcopCertificate, Product
from marketplace.core.text import fold, validate_single_line
from marketplace.core.uploads import DocumentUploadField
from marketplace.order.carriers import carrier_choices
from marketplace.order.models import Shipment
from marketplace.order.statuses import OrderStatus
from marketplace.payment.banks import BANK_CHOICES
from marketplace.payment.vietqr import VietQRError, clean_account
from shops.models import Partner, ShippingOption, ShopMember


class LineStatusForm(forms.Form):
    from_status = forms.ChoiceField(choices=OrderStatus.choices(), widget=forms.HiddenInput)
    to_status = forms.ChoiceField(choices=OrderStatus.choices(), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do hủy"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("to_status") in OrderStatus.REASON_REQUIRED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Vui lòng nêu lý do hủy."))
        return data


class HandOverForm(forms.Form):
    """Hand the confirmed products to a carrier: which carrier, its tracking code, the fee paid.

    The tracking code is checked against the carrier's format by the service
    (marketplace/order/shipments.py), which owns the rule; the form only collects.
    """

    carrier = forms.ChoiceField(label=_("Đơn vị vận chuyển"), choices=())
    tracking_code = forms.CharField(
        label=_("Mã vận đơn"), required=False, max_length=64,
        help_text=_("Bắt buộc khi gửi qua đơn vị vận chuyển; không cần khi cửa hàng tự giao."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                      "spellcheck": "false"}),
    )
    shipping_fee = forms.IntegerField(
        label=_("Phí vận chuyển cửa hàng trả (₫)"), required=False, min_value=0,
        max_value=100_000_000,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1000, "inputmode": "numeric"}),
    )
    lines = forms.MultipleChoiceField(
        label=_("Sản phẩm trong kiện"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Bỏ trống để giao tất cả sản phẩm đã xác nhận trong một kiện."),
    )

    def __init__(self, *args, confirmed_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", _("— Chọn —"))] + carrier_choices()
        self.fields["lines"].choices = [
            (str(line.pk), f"{line.quantity} × {line.title}") for line in confirmed_lines
        ]
        if len(self.fields["lines"].choices) < 2:  # one product: nothing to choose
            self.fields["lines"].widget = forms.MultipleHiddenInput()

    def clean_shipping_fee(self) -> int:
        return self.cleaned_data.get("shipping_fee") or 0


class ShipmentOutcomeForm(forms.Form):
    """What happened to a parcel: delivered, failed (with a reason), tried again, returned."""

    OUTCOMES = ("delivered", "failed", "reattempt", "returned")

    outcome = forms.ChoiceField(choices=[(o, o) for o in OUTCOMES], widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Lý do"), required=False,
        choices=[("", _("— Chọn lý do —"))] + list(Shipment.FailureReason.choices),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "failed" and not data.get("reason"):
            self.add_error("reason", _("Hãy chọn lý do giao không thành công."))
        return data


class ShippingOptionForm(forms.ModelForm):
    class Meta:
        model = ShippingOption
        fields = ["name", "kind", "fee", "free_above", "is_active", "position"]
        labels = {"position": _("Thứ tự hiển thị")}
        widgets = {
            "fee": forms.NumberInput(attrs={"min": 0, "step": 1000, "inputmode": "numeric"}),
            "free_above": forms.NumberInput(attrs={"min": 0, "step": 1000, "inputmode": "numeric"}),
        }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ShippingOption.Kind.FREE_ABOVE and not data.get("free_above"):
            self.add_error("free_above", _("Hãy nhập mức đơn hàng được miễn phí giao hàng."))
        if kind == ShippingOption.Kind.PICKUP and data.get("fee"):
            self.add_error("fee", _("Nhận tại cửa hàng thì phí giao hàng phải là 0 ₫."))
        return data


class CertificateForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=None, empty_label=None)
    stars = forms.TypedChoiceField(
        label=_("Số sao"), coerce=int, choices=[(3, "3★"), (4, "4★"), (5, "5★")]
    )
    score = forms.IntegerField(label=_("Điểm"), min_value=0, max_value=100)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    issuing_body = forms.ChoiceField(label=_("Cơ quan cấp"), choices=OcopCertificate.IssuingBody.choices)
    issued_on = forms.DateField(
        label=_("Ngày cấp"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    scan = DocumentUploadField(label=_("Bản scan giấy chứng nhận"), required=False)

    def __init__(self, *args, shop: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the shop's own products: another shop's product id is "not a valid choice".
        # A product with options holds the certificate, never one of its options.
        self.fields["product"].queryset = shop.products.exclude(structure=Product.CHILD).order_by("title")


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail người được mời"))
    role = forms.ChoiceField(
        label=_("Vai trò"),
        choices=[
            (ShopMember.Role.HELPER, ShopMember.Role.HELPER.label),
            (ShopMember.Role.STAFF, ShopMember.Role.STAFF.label),
        ],
    )
    consent_note = forms.CharField(
        label=_("Ghi nhận đồng ý"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Chủ cửa hàng đồng ý cho người này hỗ trợ thế nào, khi nào."),
    )

    def clean(self):
        data = super().clean()
        if data.get("role") == ShopMember.Role.HELPER and not (data.get("consent_note") or "").strip():
            self.add_error(
                "consent_note", _("Hãy ghi lại sự đồng ý của chủ cửa hàng cho người hỗ trợ.")
            )
        return data


class MemberRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)


class BankAccountForm(forms.Form):
    """Where buyers paying by bank transfer (VietQR) send the shop's money.

    All blank: the programme's account receives the transfers and pays the shop.
    """

    bank_bin = forms.ChoiceField(
        label=_("Ngân hàng"), required=False,
        choices=[("", _("— Dùng tài khoản của chương trình —"))] + BANK_CHOICES,
    )
    bank_account_number = forms.CharField(
        label=_("Số tài khoản"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_account_name = forms.CharField(
        label=_("Tên chủ tài khoản"), required=False, max_length=64,
        validators=[validate_single_line],
        help_text=_("Như ngân hàng hiển thị: chữ in hoa không dấu, ví dụ NGUYEN VAN AN."),
    )

    transfers_to_shop = forms.BooleanField(
        label=_("Người mua chuyển khoản thẳng vào tài khoản này"), required=False, initial=True,
        help_text=_("Bỏ chọn nếu muốn người mua chuyển vào tài khoản của chương trình: chương "
                    "trình giữ tiền đến khi hết hạn đổi trả rồi chuyển về tài khoản trên."),
    )

    def clean_bank_account_number(self) -> str:
        typed = (self.cleaned_data.get("bank_account_number") or "").strip()
        if not typed:
            return ""
        try:
            return clean_account(typed)
        except VietQRError:
            raise forms.ValidationError(
                _("Số tài khoản gồm 1–19 chữ số hoặc chữ cái, không có ký tự khác.")
            ) from None

    def clean_bank_account_name(self) -> str:
        return account_holder_name(self.cleaned_data.get("bank_account_name") or "")

    def clean(self):
        data = super().clean()
        bank_fields = ("bank_bin", "bank_account_number", "bank_account_name")
        given = [name for name in bank_fields if data.get(name)]
        if given and not self.errors:
            for name in bank_fields:
                if not data.get(name):
                    self.add_error(
                        name, _("Hãy điền đủ ngân hàng, số tài khoản và tên chủ tài khoản "
                                "(hoặc để trống cả ba để dùng tài khoản của chương trình).")
                    )
        return data


_NAME_DISALLOWED = re.compile(r"[^A-Z0-9 ]+")


def account_holder_name(typed: str) -> str:
    """"Nguyễn Văn  Ấn" -> "NGUYEN VAN AN": what banks show as the payee name."""
    text = _NAME_DISALLOWED.sub(" ", fold(typed).upper())
    return " ".join(text.split())
