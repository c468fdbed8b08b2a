"""Shop vouchers and programme vouchers, made as sellers and staff make them."""

from __future__ import annotations

import datetime

from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.offer.services import FIXED, PERCENTAGE, ShopVoucherTerms, shop_voucher_create

Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")

__all__ = ["FIXED", "PERCENTAGE", "make_programme_voucher", "make_shop_voucher", "terms"]


def terms(**overrides) -> ShopVoucherTerms:
    now = timezone.now()
    values = dict(code="", kind=PERCENTAGE, value=10, max_discount=None, min_basket=0, per_buyer=1,
                  total=100, starts_at=now - datetime.timedelta(hours=1),
                  ends_at=now + datetime.timedelta(days=7), listed=True)
    values.update(overrides)
    return ShopVoucherTerms(**values)


def make_shop_voucher(shop, *, actor=None, **overrides):
    return shop_voucher_create(shop=shop, actor=actor, terms=terms(**overrides))


def make_programme_voucher(code: str = "OCOPTET", *, amount: int = 20_000, percent: int | None = None,
                           min_basket: int = 1, total: int | None = None, exclusive: bool = False):
    """A programme voucher as staff make it in /dashboard/vouchers/: every product; not
    exclusive (Oscar's flag), so it adds to a shop's voucher."""
    now = timezone.now()
    product_range = Range.objects.create(name=f"Tất cả sản phẩm {code}", includes_all_products=True)
    condition = Condition.objects.create(range=product_range, type=Condition.VALUE, value=min_basket)
    benefit = Benefit.objects.create(
        range=product_range, type=Benefit.PERCENTAGE if percent else Benefit.FIXED, value=percent or amount,
    )
    offer = ConditionalOffer.objects.create(
        name=f"Chương trình {code}", offer_type=ConditionalOffer.VOUCHER, condition=condition,
        benefit=benefit, max_global_applications=total, exclusive=exclusive,
    )
    voucher = Voucher.objects.create(
        name=f"Chương trình {code}", code=code, usage=Voucher.MULTI_USE,
        start_datetime=now - datetime.timedelta(days=1), end_datetime=now + datetime.timedelta(days=30),
    )
    voucher.offers.add(offer)
    return voucher
