"""The demo's vouchers: a Tết voucher of the honey shop (the shop selling "Mật ong U Minh
Hạ"), one of another shop, both listed under their lines in the basket, and one programme
voucher for the whole basket (made as staff make one in /dashboard/vouchers/). Running from
yesterday for 60 days, so `make run` shows them usable. Made once: nothing is added while
any voucher exists."""

from __future__ import annotations

import datetime

from oscar.core.loading import get_model

from catalogue.models import Product
from marketplace.core.dates import start_of_day
from marketplace.offer.services import FIXED, PERCENTAGE, ShopVoucherTerms, shop_voucher_create
from shops.models import ShopMember

Voucher = get_model("voucher", "Voucher")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")

HONEY_TITLE = "Mật ong U Minh Hạ"
HONEY_CODE = "TETMATONG"
OTHER_CODE = "TETOCOP20K"
PROGRAMME_CODE = "CHOOCOPTET"


def ensure_demo_vouchers(users: dict, shops: dict, result, *, today: datetime.date) -> None:
    if Voucher.objects.exists():
        return
    starts = start_of_day(today - datetime.timedelta(days=1))
    ends = start_of_day(today + datetime.timedelta(days=60))
    honey_product = Product.objects.filter(title=HONEY_TITLE, shop__isnull=False).select_related("shop").first()
    honey = honey_product.shop if honey_product else next(iter(shops.values()))
    other = next(shop for code, shop in sorted(shops.items()) if shop.pk != honey.pk and shop.products.exists())
    owners = {m.shop_id: m.user for m in ShopMember.objects.filter(shop__in=[honey, other], role=ShopMember.Role.OWNER)
              .select_related("user")}
    shop_voucher_create(shop=honey, actor=owners.get(honey.pk), terms=ShopVoucherTerms(
        code=HONEY_CODE, kind=PERCENTAGE, value=10, max_discount=50_000, min_basket=200_000,
        per_buyer=1, total=200, starts_at=starts, ends_at=ends,
    ))
    shop_voucher_create(shop=other, actor=owners.get(other.pk), terms=ShopVoucherTerms(
        code=OTHER_CODE, kind=FIXED, value=20_000, max_discount=None, min_basket=150_000,
        per_buyer=2, total=100, starts_at=starts, ends_at=ends,
    ))
    product_range = Range.objects.create(name="Tất cả sản phẩm (Tết)", includes_all_products=True)
    offer = ConditionalOffer.objects.create(
        name="Chợ OCOP mừng Tết", offer_type=ConditionalOffer.VOUCHER, exclusive=False,
        condition=Condition.objects.create(range=product_range, type=Condition.VALUE, value=300_000),
        benefit=Benefit.objects.create(range=product_range, type=Benefit.FIXED, value=15_000),
        max_global_applications=1000, max_user_applications=1, start_datetime=starts, end_datetime=ends,
    )
    voucher = Voucher.objects.create(name="Chợ OCOP mừng Tết", code=PROGRAMME_CODE, usage=Voucher.MULTI_USE,
                                     start_datetime=starts, end_datetime=ends)
    voucher.offers.add(offer)
    result.created["vouchers"] += 3
