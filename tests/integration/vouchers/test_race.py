"""Voucher limits under real concurrency, on PostgreSQL (tests/concurrency.py)."""

from __future__ import annotations

import pytest
from oscar.core.loading import get_model

from marketplace.checkout.quote import CheckoutError
from marketplace.checkout.vouchers import basket_offers_apply, basket_voucher_apply
from marketplace.order.models import Order, Purchase
from shops.models import StockRecord
from tests.concurrency import at_once, needs_postgresql
from tests.factories import (
    ensure_country,
    make_basket,
    make_product,
    make_shop,
    make_user,
    place,
    reload_basket,
)
from tests.factories.vouchers import FIXED, make_shop_voucher

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

OrderDiscount = get_model("order", "OrderDiscount")
ConditionalOffer = get_model("offer", "ConditionalOffer")


def _with_voucher(basket, user, code, shop):
    basket_voucher_apply(basket=basket, user=user, code=code, shop_id=shop.pk)
    return basket


def _placing(basket, user):
    def call():
        fresh = reload_basket(basket)
        basket_offers_apply(fresh, user=user)
        return place(fresh, user=user, email=user.email)
    return call


def test_twenty_buyers_for_a_voucher_of_five_uses_get_exactly_five_discounts():
    ensure_country()
    shop = make_shop("mat-ong-tet")
    product = make_product(shop, "Mật ong U Minh Hạ", price=200_000, stock=100)
    voucher = make_shop_voucher(shop, code="TET5", kind=FIXED, value=30_000, total=5, per_buyer=1)
    buyers = [make_user(f"mua{i}@example.com") for i in range(20)]
    baskets = [_with_voucher(make_basket([(product, 1)], owner=u), u, "TET5", shop) for u in buyers]

    results = at_once([_placing(b, u) for b, u in zip(baskets, buyers, strict=True)])

    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert len(placed) == 5, [r for r in results if isinstance(r, Exception) and not isinstance(r, CheckoutError)]
    assert len(refused) == 15
    assert all("hết lượt" in str(r) for r in refused)
    assert OrderDiscount.objects.filter(voucher_id=voucher.pk).count() == 5
    assert all(int(o.total_incl_tax) == 170_000 + int(o.shipping_incl_tax) for o in Order.objects.all())
    assert ConditionalOffer.objects.get(vouchers=voucher).num_applications == 5
    # The losers' baskets are open, without the voucher, and hold no stock.
    assert StockRecord.objects.get(product=product).num_allocated == 5
    for basket, result in zip(baskets, results, strict=True):
        if isinstance(result, CheckoutError):
            fresh = reload_basket(basket)
            assert fresh.status == fresh.OPEN and not fresh.vouchers.exists()


def test_one_buyer_submitting_two_baskets_at_once_uses_a_one_per_buyer_voucher_once():
    ensure_country()
    shop = make_shop("kho-ca-tet")
    product = make_product(shop, "Khô cá lóc", price=150_000, stock=100)
    voucher = make_shop_voucher(shop, code="MOTNGUOI", kind=FIXED, value=20_000, total=100, per_buyer=1)
    buyer = make_user("mua@example.com")
    baskets = [_with_voucher(make_basket([(product, 1)], owner=buyer), buyer, "MOTNGUOI", shop) for _ in range(2)]

    results = at_once([_placing(b, buyer) for b in baskets] * 4)  # each basket submitted four times

    errors = [r for r in results if isinstance(r, Exception) and not isinstance(r, CheckoutError)]
    assert not errors, errors
    assert OrderDiscount.objects.filter(voucher_id=voucher.pk).count() == 1
    assert Purchase.objects.count() <= 2
    refusals = [r for r in results if isinstance(r, CheckoutError)]
    assert all("Bạn đã dùng hết lượt" in str(r) for r in refusals)
