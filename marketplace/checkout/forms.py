"""Checkout forms: a Vietnamese delivery address, delivery per shop, payment method."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import GatewayForm as OscarGatewayForm
from oscar.apps.customer.utils import normalise_email
from phonenumber_field.phonenumber import PhoneNumber

from marketplace.checkout.quote import option_key
from marketplace.core.addresses import (
    commune_in_province,
    commune_name,
    communes,
    province_name,
    provinces,
)
from marketplace.core.money import format_vnd
from marketplace.core.phones import normalise_mobile
from marketplace.core.text import validate_single_line
from marketplace.order.models import PaymentMethod
from marketplace.payment.stripe_client import CARD_UNAVAILABLE, card_payments_available


class GatewayForm(OscarGatewayForm):
    """The checkout's first step for a visitor not signed in: phone first, e-mail optional
    (docs/decisions/0038-guest-phone-first.md). A cash-on-delivery buyer is reached by
    phone; the e-mail only brings the confirmation and the order link, so a guest may leave
    it out. Without Oscar's "a user with that email address already exists": a guest may use
    any address (the order is theirs by its purchase link), and "create an account" goes to
    registration, which answers the same for any address (marketplace/core/registration.py;
    ADR 0030). Signing in (`options=existing`, e-mail and password) is Oscar's; the page
    links to the sign-in page for it rather than showing a password box."""

    phone = forms.CharField(
        label=_("Số điện thoại di động"), max_length=20, required=False,
        help_text=_("Cửa hàng gọi số này khi giao hàng."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    field_order = ["phone", "username", "options", "password"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["username"]
        email.required = False
        email.label = _("E-mail (không bắt buộc)")
        email.help_text = _("Nhập nếu bạn muốn nhận xác nhận và đường dẫn xem đơn qua e-mail.")
        email.widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        email.widget.attrs.pop("autofocus", None)
        self.fields["password"].label = _("Mật khẩu")

    def clean_username(self):
        raw = (self.cleaned_data.get("username") or "").strip()
        return super().clean_username() if raw else ""

    def clean_phone(self):
        raw = (self.cleaned_data.get("phone") or "").strip()
        return normalise_mobile(raw) if raw else ""

    def clean(self):
        data = self.cleaned_data
        if self.is_guest_checkout():
            self.errors.pop("password", None)
            if not data.get("phone") and "phone" not in self.errors:
                self.add_error("phone", _("Vui lòng nhập số điện thoại để cửa hàng liên hệ khi giao hàng."))
            return data
        if not data.get("username") and "username" not in self.errors:
            self.add_error("username", _("Vui lòng nhập e-mail."))
        if self.is_new_account_checkout():
            self.errors.pop("password", None)
            return data
        return super(OscarGatewayForm, self).clean()


class AddressForm(forms.Form):
    """Province → commune (xã/phường/đặc khu, no district since 2025), then ấp/khóm and street.

    Buyers still write old district names, so a free line keeps whatever they add.
    The cleaned data maps onto Oscar's ShippingAddress fields (`address_fields()`).

    `guest=True` (a visitor not signed in): the checkout has no step of its own for a guest
    (docs/decisions/0038-guest-phone-first.md); the recipient's phone is the guest's phone
    (required) and an `email` field, optional, brings the confirmation. Nothing here says
    whether an e-mail has an account.
    """

    name = forms.CharField(
        label=_("Họ và tên người nhận"), max_length=255, validators=[validate_single_line]
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"), max_length=20,
        help_text=_("Cửa hàng gọi số này khi giao hàng."),
        error_messages={"required": _("Vui lòng nhập số điện thoại để cửa hàng liên hệ khi giao hàng.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail (không bắt buộc)"), required=False, max_length=254,
        help_text=_("Nhập nếu bạn muốn nhận xác nhận và đường dẫn xem đơn qua e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    province = forms.TypedChoiceField(label=_("Tỉnh/thành phố"), coerce=int, choices=())
    commune = forms.TypedChoiceField(label=_("Xã/phường/đặc khu"), coerce=int, choices=())
    street = forms.CharField(
        label=_("Số nhà, đường, ấp/khóm"), max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    extra = forms.CharField(
        label=_("Địa chỉ cũ hoặc mô tả thêm (không bắt buộc)"), max_length=255, required=False,
        help_text=_("Ví dụ: tên huyện cũ, gần chợ, gần trường học…"),
    )
    notes = forms.CharField(
        label=_("Ghi chú cho người giao hàng"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, guest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not guest:
            del self.fields["email"]  # a signed-in buyer's e-mail is their account's
        self.fields["province"].choices = provinces()
        province = self._chosen_province()
        self.fields["commune"].choices = [("", _("— Chọn xã/phường —")), *communes(province)]

    def _chosen_province(self) -> int:
        raw = self.data.get(self.add_prefix("province")) if self.is_bound else self.initial.get("province")
        try:
            code = int(raw)
        except (TypeError, ValueError):
            return int(settings.PROVINCE_CODE)
        return code if any(code == c for c, _n in provinces()) else int(settings.PROVINCE_CODE)

    def clean_phone(self):
        return normalise_mobile(self.cleaned_data["phone"])

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        return normalise_email(email) if email else ""

    def clean(self):
        data = super().clean()
        province, commune = data.get("province"), data.get("commune")
        if province and commune and not commune_in_province(commune, province):
            self.add_error("commune", _("Xã/phường này không thuộc tỉnh/thành phố đã chọn."))
        return data

    def address_fields(self) -> dict:
        """Oscar ShippingAddress fields (kept in the checkout session)."""
        data = self.cleaned_data
        return {
            "first_name": data["name"].strip(),
            "line1": data["street"].strip(),
            "line2": commune_name(data["commune"]) or "",
            "line3": data.get("extra", "").strip(),
            "line4": province_name(data["province"]),
            "state": str(data["commune"]),  # the commune code, for delivery and reports
            "phone_number": PhoneNumber.from_string(data["phone"]),
            "notes": data.get("notes", "").strip(),
            "country_id": "VN",
        }

    @classmethod
    def initial_from_fields(cls, fields: dict | None) -> dict:
        if not fields:
            return {"province": int(settings.PROVINCE_CODE)}
        commune = fields.get("state") or ""
        province = int(settings.PROVINCE_CODE)
        if commune.isdigit():
            for code, _name in provinces():
                if commune_in_province(int(commune), code):
                    province = code
                    break
        return {
            "name": fields.get("first_name", ""), "phone": str(fields.get("phone_number", "") or "").replace(" ", ""),
            "province": province, "commune": int(commune) if commune.isdigit() else None,
            "street": fields.get("line1", ""), "extra": fields.get("line3", ""),
            "notes": fields.get("notes", ""),
        }


class ShippingChoiceForm(forms.Form):
    """One radio group per shop of the basket, built from the quote."""

    def __init__(self, *args, quote, **kwargs):
        super().__init__(*args, **kwargs)
        self.quote = quote
        for part in quote.parts:
            choices = []
            for option, charge in part.charges():
                fee = format_vnd(charge) if charge else _("Miễn phí")
                choices.append((option_key(option), f"{option.name} — {fee}"))
            self.fields[f"shop_{part.shop.pk}"] = forms.ChoiceField(
                label=part.shop.name, choices=choices, widget=forms.RadioSelect,
                initial=option_key(part.option) if part.option else None,
                error_messages={"required": _("Hãy chọn cách giao hàng cho cửa hàng này.")},
            )

    def choices(self) -> dict[str, str]:
        return {
            name.removeprefix("shop_"): value
            for name, value in self.cleaned_data.items() if name.startswith("shop_")
        }


class _RadioSelectWithUnavailable(forms.RadioSelect):
    """Radio buttons where the values in `unavailable` are shown disabled."""

    unavailable: frozenset = frozenset()

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.unavailable:
            option["attrs"]["disabled"] = True
        return option


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Hình thức thanh toán"), widget=_RadioSelectWithUnavailable,
        error_messages={"required": _("Hãy chọn hình thức thanh toán."),
                        "invalid_choice": _("Hình thức thanh toán không hợp lệ.")},
    )

    def __init__(self, *args, cod_refusal: str | None = None, prepaid_refusal: str | None = None,
                 **kwargs):
        """`cod_refusal`: why cash on delivery is not open to this purchase (the COD limits,
        marketplace/checkout/limits.py), or None; `prepaid_refusal`: why card and transfer
        are not (a 0 ₫ purchase), or None."""
        super().__init__(*args, **kwargs)
        labels = dict(PaymentMethod.choices)
        methods = settings.CHECKOUT_PAYMENT_METHODS
        self.fields["method"].choices = [(m, labels[m]) for m in methods]
        # Stripe unreachable: the card option stays in sight, disabled, with the reason.
        self.card_unavailable = PaymentMethod.CARD in methods and not card_payments_available()
        self.card_unavailable_message = CARD_UNAVAILABLE
        # Over a COD limit: COD stays in sight, disabled, with the reason; the others remain.
        self.cod_unavailable_message = cod_refusal if PaymentMethod.COD in methods else None
        # Nothing to pay (vouchers took the whole total): only COD, which collects nothing.
        self.prepaid_unavailable_message = prepaid_refusal
        unavailable = set()
        if self.card_unavailable:
            unavailable.add(PaymentMethod.CARD)
        if prepaid_refusal:
            unavailable.update(m for m in methods if m != PaymentMethod.COD)
        if self.cod_unavailable_message:
            unavailable.add(PaymentMethod.COD)
        if unavailable:
            self.fields["method"].widget.unavailable = frozenset(unavailable)
            if self.initial.get("method") in unavailable:
                self.initial = {**self.initial, "method": None}
            if prepaid_refusal and PaymentMethod.COD not in unavailable:
                self.initial = {**self.initial, "method": PaymentMethod.COD}

    def clean_method(self):
        method = self.cleaned_data["method"]
        if method != PaymentMethod.COD and self.prepaid_unavailable_message:
            raise ValidationError(self.prepaid_unavailable_message)
        if method == PaymentMethod.CARD and self.card_unavailable:
            raise ValidationError(CARD_UNAVAILABLE)
        if method == PaymentMethod.COD and self.cod_unavailable_message:
            raise ValidationError(self.cod_unavailable_message)
        return method


class PlaceOrderForm(forms.Form):
    """The review page's submit: the total the buyer saw, to refuse a changed one."""

    expected_total = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    accept_terms = forms.BooleanField(
        label=_("Tôi đã xem lại đơn hàng và đồng ý với quy chế hoạt động của sàn"),
        error_messages={"required": _("Vui lòng xác nhận trước khi đặt hàng.")},
    )

    def clean_expected_total(self):
        value = self.cleaned_data["expected_total"]
        if value is None or value > 10**13:
            raise ValidationError(_("Tổng tiền không hợp lệ."))
        return value
