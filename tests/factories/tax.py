"""Tax profiles and paid sales posted to the ledger (marketplace/ledger/posting.py)."""

from __future__ import annotations

from django.utils import timezone

from marketplace.ledger.posting import post_refund, post_sale
from marketplace.order.models import Order
from marketplace.tax.models import BusinessGroup, TaxProfile

from .catalogue import make_product
from .orders import make_order

_METHOD_OF_ROUTE = {"card": "card", "programme_transfer": "bank_transfer", "shop_transfer": "bank_transfer",
                    "cod": "cod"}


def make_tax_profile(shop, *, seller_type: str = "household", tax_code: str = "096300001234",
                     seller_name: str | None = None, resident: bool = True,
                     business_group: str = BusinessGroup.GOODS) -> TaxProfile:
    return TaxProfile.objects.create(
        shop=shop, seller_type=seller_type, tax_code=tax_code, resident=resident,
        seller_name=seller_name if seller_name is not None else f"Hộ kinh doanh {shop.name}",
        business_group=business_group,
    )


def paid_sale(shop, amount: int, *, route: str = "card", at=None, product=None, number: str | None = None,
              shipping: int = 0) -> Order:
    """An order of `shop` for `amount` đồng (goods + `shipping`) paid by `route` at `at`
    (now), posted to the ledger as the payment services post it."""
    at = at or timezone.now()
    product = product or make_product(shop, f"Hàng {shop.code}", price=amount - shipping, stock=1000)
    order = make_order([(product, 1)], number=number, date_placed=at)
    Order.objects.filter(pk=order.pk).update(
        shop=shop, payment_method=_METHOD_OF_ROUTE[route], payment_status=Order.PaymentStatus.PAID,
        amount_paid=amount, paid_at=at, total_incl_tax=amount, total_excl_tax=amount,
        shipping_incl_tax=shipping, shipping_excl_tax=shipping,
    )
    order.refresh_from_db()
    post_sale(order, amount=amount, route=route, at=at)
    return order


def refund_sale(order: Order, amount: int, *, at=None) -> None:
    """`amount` of `order` given back to the buyer, posted as the refund service posts it."""
    Order.objects.filter(pk=order.pk).update(amount_refunded=order.amount_refunded + amount)
    order.refresh_from_db()
    post_refund(order, amount=amount, at=at or timezone.now())
