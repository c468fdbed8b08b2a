"""Forms of the payment screens (programme dashboard and seller workspace)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.order.models import Order
from marketplace.payment.models import CardPaymentReview
from shops.models import Partner

_AMOUNT_NOISE = re.compile(r"[\s.,_₫đĐ]|vnd|VND")


class VndAmountField(forms.IntegerField):
    """Whole đồng; accepts what people type: "150000", "150.000", "150 000 ₫"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = _AMOUNT_NOISE.sub("", value)
        return super().to_python(value)


class RefundForm(forms.Form):
    """Refund part or all of a paid shop order; the amount starts at what is refundable.

    The upper bound is checked by the payment service under a conditional update (two
    refunds at once cannot return more than was paid), not here.
    """

    amount = VndAmountField(
        label=_("Số tiền hoàn (₫)"), min_value=1, max_value=10**13 - 1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Lý do hoàn tiền"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, order: Order, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("amount", order.refundable or None)
        super().__init__(*args, **kwargs)
        self.order = order

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Vui lòng nêu lý do hoàn tiền."))
        return reason


#: the default view of the dashboard: what staff may have to act on
ACTIONABLE = (
    Order.PaymentStatus.AWAITING_TRANSFER,
    Order.PaymentStatus.PAID,
    Order.PaymentStatus.PARTIALLY_REFUNDED,
)
ALL = "all"


class PaymentFilterForm(forms.Form):
    shop = forms.ModelChoiceField(
        label=_("Cửa hàng"), required=False, queryset=Partner.objects.order_by("name"),
        empty_label=_("Tất cả cửa hàng"), to_field_name="code",
    )
    payment_status = forms.ChoiceField(
        label=_("Thanh toán"), required=False,
        choices=[("", _("Cần xử lý")), *Order.PaymentStatus.choices, (ALL, _("Tất cả"))],
    )

    def statuses(self) -> tuple[str, ...] | None:
        """The payment statuses to list; None for every order of a purchase."""
        value = self.cleaned_data.get("payment_status", "") if self.is_valid() else ""
        if value == ALL:
            return None
        return (value,) if value else ACTIONABLE

    def shop_filter(self) -> Partner | None:
        return self.cleaned_data.get("shop") if self.is_valid() else None

    def filters(self) -> dict:
        """The keywords of selectors.payment_orders; an invalid form lists what needs action."""
        return {"shop": self.shop_filter(), "statuses": self.statuses()}


class CardReviewFilterForm(forms.Form):
    """?status= of the card payments queue (every case when empty)."""

    status = forms.ChoiceField(required=False, choices=[("", "")] + list(CardPaymentReview.Status.choices))

    def filters(self) -> dict:
        if self.is_bound and self.is_valid():
            return {"status": self.cleaned_data["status"] or None}
        return {"status": None}
