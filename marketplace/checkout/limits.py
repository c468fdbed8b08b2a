"""Limits on cash on delivery (COD): how much stock a buyer who pays nothing up front can hold.

A COD purchase holds stock until its shop ships or cancels it, and costs the shop a wasted
parcel when it is refused at the door. So COD is refused, with the reason and the other
methods still open, for a purchase (docs/decisions/0019-cod-limits.md):

- with more than `COD_MAX_QUANTITY_PER_PRODUCT` units of one product;
- worth more than `COD_MAX_PURCHASE_AMOUNT` đồng, delivery included;
- from a recipient phone number that already placed `COD_MAX_PURCHASES_PER_PHONE_PER_DAY`
  COD purchases today (Asia/Ho_Chi_Minh), guests and accounts counted together on the
  number in E.164 (`0912 345 678` and `+84912345678` are one number).

A signed-in buyer with a delivery history (`COD_TRUSTED_MIN_DELIVERED_ORDERS` delivered
orders, more delivered than returned) gets the `COD_TRUSTED_*` limits instead. A limit set
to 0 is off.

A purchase its vouchers paid in full (0 ₫) goes as COD with nothing to collect: there is
nothing to pay by card or transfer (`prepaid_refusal`), and the limits above, which bound
what a refused parcel costs, do not apply to it (a voucher's own limits do).

`cod_refusal` answers the payment-method step (read only); `cod_claim` is the authoritative
check, called by `purchase_place` inside the transaction that writes the purchase: it takes
the phone's slot for the day by a conditional UPDATE of its `CodPhoneDay` row, so two
purchases at once with one number are counted one after the other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.checkout.models import CodPhoneDay
from marketplace.checkout.quote import CheckoutError, Quote
from marketplace.core.money import format_vnd
from marketplace.core.phones import normalise_mobile
from marketplace.order.models import Order, PaymentMethod
from marketplace.order.statuses import OrderStatus


class CodRefused(CheckoutError):
    """Cash on delivery is refused for this purchase; transfer and card remain."""


@dataclass(frozen=True)
class CodLimits:
    max_quantity_per_product: int
    max_purchase_amount: int
    max_purchases_per_phone_per_day: int
    trusted: bool = False


def buyer_is_trusted(user) -> bool:
    """A signed-in buyer whose parcels arrive: enough delivered orders, more than returned."""
    needed = settings.COD_TRUSTED_MIN_DELIVERED_ORDERS
    if not needed or user is None or not getattr(user, "is_authenticated", False):
        return False
    history = Order.objects.filter(user=user).aggregate(
        delivered=Count("pk", filter=Q(status=OrderStatus.DELIVERED)),
        returned=Count("pk", filter=Q(status=OrderStatus.RETURNED)),
    )
    return history["delivered"] >= needed and history["delivered"] > history["returned"]


def cod_limits_for(user) -> CodLimits:
    if buyer_is_trusted(user):
        return CodLimits(
            max_quantity_per_product=settings.COD_TRUSTED_MAX_QUANTITY_PER_PRODUCT,
            max_purchase_amount=settings.COD_TRUSTED_MAX_PURCHASE_AMOUNT,
            max_purchases_per_phone_per_day=settings.COD_TRUSTED_MAX_PURCHASES_PER_PHONE_PER_DAY,
            trusted=True,
        )
    return CodLimits(
        max_quantity_per_product=settings.COD_MAX_QUANTITY_PER_PRODUCT,
        max_purchase_amount=settings.COD_MAX_PURCHASE_AMOUNT,
        max_purchases_per_phone_per_day=settings.COD_MAX_PURCHASES_PER_PHONE_PER_DAY,
    )


def phone_key(raw) -> str | None:
    """The number in E.164 (how it is counted), or None when it is not a Vietnamese mobile."""
    try:
        return normalise_mobile(str(raw or ""))
    except ValidationError:
        return None


def cod_day():
    """Today in the programme's time zone (TIME_ZONE is Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def _basket_refusal(quote: Quote, limits: CodLimits) -> str | None:
    """Quantity of one product, then amount: what the basket itself asks too much of."""
    if limits.max_quantity_per_product:
        quantities: dict[int, int] = defaultdict(int)
        titles: dict[int, str] = {}
        for part in quote.parts:
            for line in part.lines:
                quantities[line.product_id] += line.quantity
                titles[line.product_id] = line.product.get_title() if line.product else ""
        for product_id, quantity in quantities.items():
            if quantity > limits.max_quantity_per_product:
                return _(
                    "Mỗi đơn thanh toán khi nhận hàng chỉ được mua tối đa %(max)s “%(title)s”. "
                    "Hãy giảm số lượng, hoặc thanh toán chuyển khoản hoặc thẻ."
                ) % {"max": limits.max_quantity_per_product, "title": titles[product_id]}
    if limits.max_purchase_amount and quote.total > limits.max_purchase_amount:
        return _("Đơn trên %(amount)s cần thanh toán chuyển khoản hoặc thẻ.") % {
            "amount": format_vnd(limits.max_purchase_amount)
        }
    return None


def _phone_refusal(limits: CodLimits, phone: str) -> str:
    national = "0" + phone.removeprefix("+84")
    return _(
        "Số điện thoại %(phone)s đã đặt đủ %(max)s đơn thanh toán khi nhận hàng trong hôm nay. "
        "Hãy thanh toán chuyển khoản hoặc thẻ, hoặc đặt lại vào ngày mai."
    ) % {"phone": national, "max": limits.max_purchases_per_phone_per_day}


def _invalid_phone() -> str:
    return _("Thanh toán khi nhận hàng cần số điện thoại di động hợp lệ của người nhận.")


def cod_refusal(*, quote: Quote, phone, user) -> str | None:
    """Why COD cannot be chosen for this basket and recipient now (None: it can).

    For the payment-method step; reads only. `purchase_place` checks again under its lock.
    A purchase its vouchers paid in full (0 ₫) collects nothing: only the phone is checked.
    """
    limits = cod_limits_for(user)
    refusal = _basket_refusal(quote, limits) if quote.total else None
    if refusal:
        return refusal
    key = phone_key(phone)
    if key is None:
        return _invalid_phone()
    if limits.max_purchases_per_phone_per_day and quote.total:
        placed = (
            CodPhoneDay.objects.filter(phone=key, day=cod_day())
            .values_list("purchases", flat=True).first()
        ) or 0
        if placed >= limits.max_purchases_per_phone_per_day:
            return _phone_refusal(limits, key)
    return None


def cod_claim(*, quote: Quote, phone, user) -> dict:
    """Check every COD limit and take the phone's slot for today; raise CodRefused if over.

    Call inside the transaction that writes the purchase: a rollback gives the slot back.
    Returns what the audit row of the placement records.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("cod_claim must run inside the placing transaction")
    limits = cod_limits_for(user)
    refusal = _basket_refusal(quote, limits) if quote.total else None
    if refusal:
        raise CodRefused(refusal)
    key = phone_key(phone)
    if key is None:
        raise CodRefused(_invalid_phone())
    record = {"cod_trusted": limits.trusted}
    maximum = limits.max_purchases_per_phone_per_day if quote.total else 0
    if maximum:
        count = _take_slot(key, cod_day(), maximum)
        if count is None:
            raise CodRefused(_phone_refusal(limits, key))
        record["cod_purchases_today"] = count
    return record


def _take_slot(phone: str, day, maximum: int) -> int | None:
    """One more COD purchase for (phone, day) if fewer than `maximum`; the new count or None.

    The UPDATE locks the row until the placing transaction ends, so a second placement with
    the same number waits and then sees the first one's count (PostgreSQL re-reads the row
    it waited for). Of two placements creating the day's row, the unique constraint makes
    the second wait and fail; it then counts on the row the first committed.
    """
    rows = CodPhoneDay.objects.filter(phone=phone, day=day, purchases__lt=maximum)
    if rows.update(purchases=F("purchases") + 1):
        return _count(phone, day)
    if CodPhoneDay.objects.filter(phone=phone, day=day).exists():
        return None
    try:
        with transaction.atomic():
            CodPhoneDay.objects.create(phone=phone, day=day, purchases=1)
        return 1
    except IntegrityError:
        if rows.update(purchases=F("purchases") + 1):
            return _count(phone, day)
        return None


def _count(phone: str, day) -> int:
    return CodPhoneDay.objects.filter(phone=phone, day=day).values_list("purchases", flat=True).get()


#: A purchase its vouchers paid in full: there is nothing to pay by card or transfer (Stripe
#: takes no 0 ₫ payment, a 0 ₫ VietQR asks for nothing); it goes as COD with nothing to collect.
NOTHING_TO_PAY = gettext_lazy(
    "Đơn hàng 0 ₫ sau khi giảm giá nên không cần trả trước: đơn đi theo hình thức “Thanh "
    "toán khi nhận hàng (COD)” và người giao hàng sẽ không thu tiền."
)


def prepaid_refusal(total: int, payment_method: str) -> str | None:
    """Why `payment_method` cannot pay a purchase of `total` đồng (None: it can)."""
    if total == 0 and payment_method != PaymentMethod.COD:
        return str(NOTHING_TO_PAY)
    return None
