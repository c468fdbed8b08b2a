"""Oscar's OrderCreator, able to write one shop's part of a basket as its own order.

Oscar's `place_order` writes every basket line into one order with one shipping
charge. `place_shop_order` reuses Oscar's building blocks (`create_order_model`,
`create_line_models`, `update_stock_records`) for the lines of one shop. Stock is
allocated through the forked `StockRecord.allocate`, which refuses to oversell
(shops/models.py) and raises `InsufficientStock` — the caller's transaction then
rolls back every order of the purchase.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from oscar.apps.order import utils as oscar_utils
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_model
from oscar.core.prices import Price

from marketplace.order.models import Order

OrderDiscount = get_model("order", "OrderDiscount")


@dataclass
class ShopShippingMethod:
    """The little of Oscar's shipping-method interface that `create_order_model` reads."""

    code: str
    name: str


def vnd_price(amount: int) -> Price:
    value = Decimal(int(amount))
    return Price(settings.OSCAR_DEFAULT_CURRENCY, excl_tax=value, incl_tax=value, tax_code="")


class OrderCreator(oscar_utils.OrderCreator):
    def place_shop_order(
        self,
        *,
        purchase,
        part,
        number: str,
        user,
        shipping_address,
        payment_status: str,
        payment_method: str | None = None,
        request=None,
    ) -> Order:
        """Write `part` (a checkout.quote.ShopPart) as one order of `purchase`, paid by
        `payment_method` (the purchase's unless told)."""
        option = part.option
        method = ShopShippingMethod(
            code=f"shop-{part.shop.pk}-{option.pk or 'default'}"[:128], name=option.name
        )
        extra = {
            "purchase": purchase,
            "shop": part.shop,
            "payment_method": payment_method or purchase.payment_method,
            "payment_status": payment_status,
        }
        if not (user and user.is_authenticated):
            extra["guest_email"] = purchase.email
        order = self.create_order_model(
            user,
            purchase.basket,
            shipping_address,
            method,
            vnd_price(part.shipping),
            None,
            vnd_price(part.total),
            number,
            settings.OSCAR_INITIAL_ORDER_STATUS,
            request,
            **extra,
        )
        # Before the lines: Oscar's create_line_models links each line's share of a
        # discount to the order's OrderDiscount of the same offer.
        for discount in part.discounts:
            self.record_shop_discount(order, discount, user=user)
        for line in part.lines:
            self.create_line_models(order, line)
        # Same order for every buyer (by stock record) so concurrent purchases take the
        # row locks in one order and cannot deadlock.
        for line in sorted(part.lines, key=lambda line: line.stockrecord_id):
            self.update_stock_records(line)
        order_placed.send(sender=self, order=order, user=user)
        return order

    def record_shop_discount(self, order, discount, *, user) -> OrderDiscount:
        """One OrderDiscount of this shop's order, with the offer and voucher it comes from.
        The offer's and voucher's usage counters were taken by
        marketplace.checkout.vouchers.vouchers_claim (conditionally), not here.
        `frequency` counts the use once per purchase (on its first order): Oscar counts a
        buyer's uses by summing it."""
        first = not OrderDiscount.objects.filter(
            order__purchase_id=order.purchase_id, offer_id=discount.offer.pk
        ).exists()
        voucher = discount.voucher
        row = OrderDiscount.objects.create(
            order=order, offer_id=discount.offer.pk, offer_name=discount.offer.name,
            frequency=discount.frequency if first else 0, amount=discount.amount,
            voucher_id=voucher.pk if voucher else None, voucher_code=voucher.code if voucher else "",
        )
        if voucher is not None and first:
            voucher.applications.create(
                voucher=voucher, order=order, user=user if user and user.is_authenticated else None
            )
        return row
