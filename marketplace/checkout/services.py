"""Placing a purchase: one checkout → one Purchase → one Oscar order per shop.

Race safety (docs/decisions/0009-purchases.md):
- the basket is frozen by a conditional UPDATE (status OPEN → FROZEN) inside the
  transaction that writes the purchase: of two submits of one basket, one freezes it
  and places; the other matches no row and gets the purchase already placed;
- stock is allocated by a conditional UPDATE per stock record (shops.models.StockRecord):
  a short stock raises, and the whole purchase (every shop's order, the freeze) rolls back;
- a unique constraint (one live purchase per basket) backs both up in the database;
- the vouchers and offers discounting the purchase are claimed in the same transaction
  (marketplace/checkout/vouchers.py): a use past an offer's limit or a voucher past its dates
  is refused and rolls everything back;
- a COD purchase passes the COD limits in the same transaction (marketplace/checkout/limits.py):
  the phone's slot for the day is taken by a conditional UPDATE, and a refusal rolls back the
  freeze, so the basket stays open and no stock is held.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalogue.models import Product
from catalogue.selectors import product_is_public
from marketplace.checkout.addresses import address_remember
from marketplace.checkout.limits import cod_claim, prepaid_refusal
from marketplace.checkout.quote import (
    CheckoutError,
    Quote,
    basket_problems,
    basket_quote,
    not_for_sale_message,
)
from marketplace.checkout.vouchers import VoucherUnavailable, basket_offers_apply, vouchers_claim
from marketplace.core.audit import audit_record
from marketplace.order import notifications
from marketplace.order.models import Order, PaymentMethod, Purchase
from marketplace.order.utils import OrderCreator
from marketplace.payment.transfer import placement_payee
from marketplace.privacy.services import consent_record_order_placement
from shops.models import InsufficientStock

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")

INITIAL_PAYMENT_STATUS = {
    PaymentMethod.COD: Order.PaymentStatus.COD_DUE,
    PaymentMethod.BANK_TRANSFER: Order.PaymentStatus.AWAITING_TRANSFER,
    PaymentMethod.CARD: Order.PaymentStatus.AWAITING_CARD,
}


@dataclass
class Placement:
    purchase: Purchase
    created: bool  # False: this basket had been placed already (a double submit)


def purchase_number(purchase: Purchase) -> str:
    return str(100000 + purchase.pk)


def _address(address: dict) -> ShippingAddress:
    """A saved ShippingAddress from the checkout address form's cleaned data."""
    fields = {
        name: address.get(name, "") or ""
        for name in ("first_name", "line1", "line2", "line3", "line4", "state", "phone_number", "notes")
    }
    shipping_address = ShippingAddress(country_id="VN", **fields)
    shipping_address.save()
    return shipping_address


def purchase_place(
    *,
    basket,
    user,
    email: str,
    address: dict,
    choices: dict,
    payment_method: str,
    expected_total: int | None = None,
    request=None,
) -> Placement:
    """Place the basket as one purchase with one order per shop.

    Raises CheckoutError with messages for the buyer when the basket cannot be placed
    (empty, a shop suspended, a product buyers may no longer see, stock short, a price or fee changed since the review; for COD,
    a COD limit reached: CodRefused).
    Calling it twice for one basket returns the first purchase (`created=False`).
    """
    if payment_method not in settings.CHECKOUT_PAYMENT_METHODS:
        raise CheckoutError(_("Hình thức thanh toán không hợp lệ."))
    existing = live_purchase_of(basket)
    if existing is not None:
        return Placement(existing, created=False)
    problems = basket_problems(basket)
    if problems:
        raise CheckoutError(*problems)
    # The discounts are worked out again here (Oscar's offers and the basket's vouchers),
    # never taken from the page the buyer saw; the claim below takes their uses.
    basket_offers_apply(basket, user=user, request=request)
    quote = basket_quote(basket, choices)
    if not quote.shipping_chosen:
        raise CheckoutError(_("Hãy chọn cách giao hàng cho từng cửa hàng."))
    if refusal := prepaid_refusal(quote.total, payment_method):
        raise CheckoutError(refusal)
    if expected_total is not None and int(expected_total) != quote.total:
        raise CheckoutError(
            _("Tổng tiền đã thay đổi kể từ khi bạn xem lại đơn. Vui lòng kiểm tra lại trước khi đặt.")
        )
    try:
        with transaction.atomic():
            frozen = Basket.objects.filter(pk=basket.pk, status=Basket.OPEN).update(
                status=Basket.FROZEN
            )
            if not frozen:
                raise _AlreadySubmitted
            _require_still_for_sale(basket)
            vouchers_claim(basket=basket, quote=quote, user=user)
            limits_data = (
                cod_claim(quote=quote, phone=address.get("phone_number"), user=user)
                if payment_method == PaymentMethod.COD else {}
            )
            purchase = _write_purchase(
                basket=basket, quote=quote, user=user, email=email, address=address,
                payment_method=payment_method, request=request, audit_data=limits_data,
            )
    except _AlreadySubmitted:
        existing = live_purchase_of(basket)
        if existing is None:
            raise CheckoutError(
                _("Giỏ hàng này không còn dùng để đặt hàng được. Vui lòng tải lại giỏ hàng.")
            ) from None
        return Placement(existing, created=False)
    except IntegrityError:
        # Another submit of this basket won the unique constraint in the meantime.
        existing = live_purchase_of(basket)
        if existing is None:
            raise
        return Placement(existing, created=False)
    except VoucherUnavailable as exc:
        # The purchase rolled back (the basket is open, no stock held); the voucher that
        # cannot be used any more leaves the basket so the next try shows the price without it.
        if exc.voucher is not None:
            basket.vouchers.remove(exc.voucher)
        raise
    except InsufficientStock as exc:
        title = exc.stockrecord.product.get_title()
        raise CheckoutError(
            _("“%(title)s” vừa hết hàng hoặc không còn đủ số lượng; chưa có khoản tiền nào bị thu. "
              "Hãy cập nhật giỏ hàng.") % {"title": title}
        ) from exc
    basket.status = Basket.FROZEN
    transaction.on_commit(lambda: _after_placement(purchase.pk))
    return Placement(purchase, created=True)


class _AlreadySubmitted(Exception):
    pass


def _require_still_for_sale(basket) -> None:
    """Inside the placing transaction: every product is still one buyers may see, read again
    from the database (a seller may hide it, or staff send it back to moderation, between the
    basket's checks and this write). Raising rolls the freeze back: the basket is kept.

    The products (and a variant's parent) are locked until the purchase commits, in pk order
    and before any stock record: a hide or moderation decision waits for the purchase, or the
    purchase reads it. FOR NO KEY UPDATE: it still conflicts with every UPDATE and DELETE of
    the product, but not with rows merely pointing at it (another buyer's basket line).
    Every checkout takes products then stock records, so two checkouts cannot deadlock
    (docs/decisions/0009-purchases.md)."""
    ids = {line.product_id for line in basket.all_lines()}
    parents = Product.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True)
    list(
        Product.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=ids | set(parents)).order_by("pk").values_list("pk", flat=True)
    )
    products = Product.objects.select_related("shop", "parent__shop").filter(pk__in=ids)
    gone = sorted((p for p in products if not product_is_public(p)), key=lambda p: p.pk)
    if gone or len(products) != len(ids):
        titles = [p.get_title() for p in gone] or [_("Sản phẩm")]
        raise CheckoutError(*[not_for_sale_message(title) for title in titles])


def live_purchase_of(basket) -> Purchase | None:
    return (
        Purchase.objects.filter(basket_id=basket.pk)
        .exclude(status=Purchase.Status.CANCELLED)
        .order_by("-pk")
        .first()
    )


def _write_purchase(
    *, basket, quote: Quote, user, email, address, payment_method, request, audit_data: dict
) -> Purchase:
    is_card = payment_method == PaymentMethod.CARD
    purchase = Purchase.objects.create(
        basket=basket,
        user=user if user is not None and user.is_authenticated else None,
        email=email,
        payment_method=payment_method,
        status=Purchase.Status.AWAITING_PAYMENT if is_card else Purchase.Status.PLACED,
        total=quote.total,
        shipping_total=quote.shipping_total,
    )
    purchase.number = purchase_number(purchase)
    purchase.save(update_fields=["number"])
    shipping_address = _address(address)
    creator = OrderCreator()
    for index, part in enumerate(quote.parts, start=1):
        # A shop's order its vouchers paid in full has nothing to pay ahead, whatever pays
        # the others: COD with nothing to collect (ADR 0044), never a 0 ₫ VietQR.
        method = PaymentMethod.COD if part.total == 0 else payment_method
        creator.place_shop_order(
            purchase=purchase,
            part=part,
            number=f"{purchase.number}-{index}",
            user=purchase.user,
            shipping_address=shipping_address,
            payment_status=INITIAL_PAYMENT_STATUS[method],
            payment_method=method,
            request=request,
        )
    if payment_method == PaymentMethod.BANK_TRANSFER:
        # Whose account the buyer is told to pay, fixed now (ADR 0025).
        for order in purchase.orders.filter(payment_method=PaymentMethod.BANK_TRANSFER).select_related("shop"):
            Order.objects.filter(pk=order.pk).update(transfer_payee=placement_payee(order.shop))
    # The buyer pressed "Đặt hàng" beside the sentence saying the shops get the delivery
    # details: the proof of that consent (docs/decisions/0032-personal-data-rights.md).
    consent_record_order_placement(purchase=purchase)
    # The next checkout offers this address (a signed-in buyer's address book).
    address_remember(purchase.user, address)
    audit_record(
        action="purchase.placed", actor=purchase.user, acting_as="buyer", target=purchase,
        data={"total": purchase.total, "orders": len(quote.parts), "payment_method": payment_method,
              **audit_data},
    )
    return purchase


def _after_placement(purchase_pk: int) -> None:
    purchase = Purchase.objects.get(pk=purchase_pk)
    notifications.purchase_placed(purchase)
