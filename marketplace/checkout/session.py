"""Oscar's CheckoutSessionMixin, with delivery chosen per shop.

Oscar keeps one shipping method for the basket. Here the session keeps a choice per
shop (`marketplace.shipping_choices`: {shop id: option key}) and the payment method;
the "method" Oscar's views see is the sum of the shops' charges. Oscar's views load
this class by name (`checkout.session.CheckoutSessionMixin`).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import session as oscar_session
from oscar.apps.checkout.utils import CheckoutSessionData

from marketplace.checkout.limits import cod_refusal, prepaid_refusal
from marketplace.checkout.quote import basket_quote
from marketplace.order.models import PaymentMethod
from marketplace.order.utils import vnd_price
from marketplace.payment.stripe_client import CARD_UNAVAILABLE, card_payments_available

SHIPPING_CODE = "per-shop"


def session_shipping_choices(request) -> dict:
    """The delivery chosen per shop in this visitor's checkout session ({shop id: option key})."""
    return CheckoutSessionData(request)._get("marketplace", "shipping_choices", {}) or {}


class PerShopShipping:
    """Oscar's shipping-method interface over the shops' chosen options."""

    code = SHIPPING_CODE
    is_discounted = False

    def __init__(self, quote):
        self.quote = quote
        self.name = _("Giao hàng theo từng cửa hàng")
        self.description = ""

    def calculate(self, basket):
        return vnd_price(self.quote.shipping_total)

    def discount(self, basket):
        return vnd_price(0)


class CheckoutSessionMixin(oscar_session.CheckoutSessionMixin):
    def guest_phone(self) -> str:
        """The mobile number a guest gave at the first step (E.164), or ""."""
        return self.checkout_session._get("marketplace", "guest_phone", "") or ""

    def set_guest_contact(self, *, phone: str, email: str) -> None:
        self.checkout_session._set("marketplace", "guest_phone", phone)
        self.checkout_session.set_guest_email(email)

    def check_user_email_is_captured(self, request):
        """A guest is reached by phone (the e-mail is optional, ADR 0038), given with the
        address: the steps after it need that phone."""
        if not request.user.is_authenticated and not self.guest_phone():
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:shipping-address"),
                message=_("Vui lòng nhập số điện thoại trước khi đặt hàng."),
            )

    def shipping_choices(self) -> dict:
        return session_shipping_choices(self.request)

    def set_shipping_choices(self, choices: dict) -> None:
        self.checkout_session._set("marketplace", "shipping_choices", choices)
        self.checkout_session.use_shipping_method(SHIPPING_CODE)

    def record_default_delivery(self) -> None:
        """Each shop's delivery as it stands — the buyer's earlier choice where still valid,
        else the shop's cheapest (what the basket page showed) — kept as chosen, so the
        checkout goes from the address to payment; the review shows it with "Đổi"."""
        self.set_shipping_choices(self.get_delivery_quote().choices())

    def payment_method(self) -> str | None:
        return self.checkout_session._get("marketplace", "payment_method")

    def set_payment_method(self, method: str) -> None:
        self.checkout_session._set("marketplace", "payment_method", method)

    def get_quote(self, basket=None):
        basket = basket if basket is not None else self.request.basket
        cache = getattr(self, "_quote_cache", None)
        if cache is None or cache[0] is not basket:
            self._quote_cache = (basket, basket_quote(basket, self.shipping_choices()))
        return self._quote_cache[1]

    def get_delivery_quote(self):
        """The quote with each shop's cheapest delivery where none is chosen yet: what the
        basket page showed, and what the delivery step offers first."""
        return basket_quote(self.request.basket, self.shipping_choices(), cheapest_by_default=True)

    def cod_refusal(self) -> str | None:
        """Why cash on delivery is closed to this basket and recipient (None: it is open)."""
        address = self.checkout_session.new_shipping_address_fields() or {}
        return cod_refusal(
            quote=self.get_quote(), phone=address.get("phone_number"), user=self.request.user
        )

    def prepaid_refusal(self) -> str | None:
        """Why card and transfer are closed to this purchase (its vouchers paid it all)."""
        return prepaid_refusal(self.get_quote().total, PaymentMethod.CARD)

    def get_shipping_method(self, basket, shipping_address=None, **kwargs):
        quote = self.get_quote(basket)
        if not self.checkout_session.is_shipping_method_set(basket) or not quote.shipping_chosen:
            return None
        return PerShopShipping(quote)

    def check_address_is_captured(self, request):
        self.check_a_valid_shipping_address_is_captured()

    def check_payment_data_is_captured(self, request):
        if self.payment_method() not in self._allowed_methods():
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-method"),
                message=_("Hãy chọn hình thức thanh toán."),
            )
        if refusal := prepaid_refusal(self.get_quote().total, self.payment_method()):
            # A voucher added after the choice took the whole total: COD, nothing to collect.
            raise exceptions.FailedPreCondition(url=reverse("checkout:payment-method"), message=refusal)
        if self.payment_method() == PaymentMethod.COD:
            # The basket grew past a COD limit after COD was chosen: choose again, told why.
            refusal = self.cod_refusal()
            if refusal:
                raise exceptions.FailedPreCondition(
                    url=reverse("checkout:payment-method"), message=refusal
                )
        if self.payment_method() == PaymentMethod.CARD:
            if not card_payments_available():  # Stripe went down after the buyer chose card
                raise exceptions.FailedPreCondition(
                    url=reverse("checkout:payment-method"), message=str(CARD_UNAVAILABLE)
                )

    @staticmethod
    def _allowed_methods():
        return settings.CHECKOUT_PAYMENT_METHODS
