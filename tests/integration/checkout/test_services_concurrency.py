"""Race safety on PostgreSQL: no oversell, one purchase per basket, the COD limit per phone
per day, under real concurrency.

Real threads, each with its own database connection, released together by a barrier.
SQLite serialises every write, so these run only on PostgreSQL (CI has one).
"""

from __future__ import annotations

import threading

import pytest
from django.db import transaction

import marketplace.checkout.services as checkout_services
from catalogue.models import Product
from marketplace.checkout.limits import CodRefused, cod_day
from marketplace.checkout.models import CodPhoneDay
from marketplace.checkout.quote import CheckoutError
from marketplace.order.models import Order, Purchase
from shops.models import StockRecord
from tests.concurrency import at_once, needs_postgresql
from tests.factories import (
    ADDRESS,
    ensure_country,
    make_basket,
    make_product,
    make_shop,
    place,
    reload_basket,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_postgresql,
]





def test_fifty_buyers_for_five_units_sell_exactly_five():
    ensure_country()
    shop = make_shop("khan-hiem")
    product = make_product(shop, "Mật ong rừng tràm (mẻ hiếm)", price=250_000, stock=5)
    baskets = [make_basket([(product, 1)]) for _ in range(50)]

    results = at_once([lambda i=i: place(reload_basket(baskets[i]), email=f"b{i}@example.com") for i in range(50)])

    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert len(placed) == 5, [r for r in results if isinstance(r, Exception) and not isinstance(r, CheckoutError)]
    assert len(refused) == 45
    assert all("hết hàng" in str(r) or "không còn đủ" in str(r) for r in refused)
    record = StockRecord.objects.get(product=product)
    assert record.num_allocated == 5 and record.num_in_stock == 5
    assert Purchase.objects.count() == 5 and Order.objects.count() == 5


def test_twenty_submits_of_one_basket_make_one_purchase():
    ensure_country()
    shops = [make_shop("mot"), make_shop("hai")]
    products = [make_product(shops[0], "Khô cá lóc", stock=100), make_product(shops[1], "Tôm khô", stock=100)]
    basket = make_basket([(products[0], 2), (products[1], 1)])

    results = at_once([lambda: place(reload_basket(basket))] * 20)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert len({r.purchase.pk for r in results}) == 1
    assert sum(1 for r in results if r.created) == 1
    assert Purchase.objects.count() == 1 and Order.objects.count() == 2
    assert StockRecord.objects.get(product=products[0]).num_allocated == 2
    assert StockRecord.objects.get(product=products[1]).num_allocated == 1


def test_eight_cod_purchases_at_once_with_one_phone_place_exactly_the_daily_limit(settings):
    """The phone's day row is created by the first, counted under its lock by the others."""
    settings.COD_MAX_PURCHASES_PER_PHONE_PER_DAY = 3
    ensure_country()
    shop = make_shop("cung-so")
    product = make_product(shop, "Bánh phồng tôm", price=60_000, stock=100)
    baskets = [make_basket([(product, 1)]) for _ in range(8)]
    formats = ["0912 345 678", "+84912345678", "84912345678", "0912.345.678"]

    results = at_once([lambda i=i: place(
        reload_basket(baskets[i]), email=f"b{i}@example.com",
        address={**ADDRESS, "phone_number": formats[i % 4]},
    ) for i in range(8)])

    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, CodRefused)]
    assert len(placed) == 3, [r for r in results if isinstance(r, Exception) and not isinstance(r, CodRefused)]
    assert len(refused) == 5
    assert all("đã đặt đủ 3 đơn" in str(r) for r in refused)
    assert Purchase.objects.count() == 3
    assert StockRecord.objects.get(product=product).num_allocated == 3
    assert CodPhoneDay.objects.get(phone="+84912345678", day=cod_day()).purchases == 3


def test_the_last_slot_of_the_day_goes_to_one_of_five_at_once(settings):
    settings.COD_MAX_PURCHASES_PER_PHONE_PER_DAY = 3
    ensure_country()
    shop = make_shop("slot-cuoi")
    product = make_product(shop, "Khô cá lóc", price=90_000, stock=100)
    CodPhoneDay.objects.create(phone="+84912345678", day=cod_day(), purchases=2)
    baskets = [make_basket([(product, 1)]) for _ in range(5)]

    results = at_once([lambda i=i: place(reload_basket(baskets[i]), email=f"c{i}@example.com") for i in range(5)])

    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert sum(1 for r in results if isinstance(r, CodRefused)) == 4
    assert Purchase.objects.count() == 1
    assert CodPhoneDay.objects.get(phone="+84912345678", day=cod_day()).purchases == 3


def test_a_product_hidden_during_the_final_check_waits_for_the_purchase(monkeypatch):
    """Review finding 8: the "still for sale" check read the product without a lock, so a seller
    could hide it between the check and the commit and the order was placed anyway. The check
    now holds the product's row until the purchase commits: the hide waits for it."""
    ensure_country()
    shop = make_shop("an-giua-chung")
    product = make_product(shop, "Mắm ba khía", price=80_000, stock=10)
    basket = make_basket([(product, 1)])
    checked, hidden = threading.Event(), threading.Event()
    seen = {}
    original = checkout_services.cod_claim

    def cod_claim_after_a_pause(**kwargs):
        # Runs right after _require_still_for_sale, inside the placing transaction.
        checked.set()
        seen["hidden_before_commit"] = hidden.wait(1.5)
        return original(**kwargs)

    def seller_hides():
        assert checked.wait(30)
        with transaction.atomic():  # what catalogue.products.product_set_public writes
            Product.objects.filter(pk=product.pk).update(is_public=False)
        hidden.set()

    monkeypatch.setattr(checkout_services, "cod_claim", cod_claim_after_a_pause)
    placement, _ = at_once([lambda: place(reload_basket(basket)), seller_hides])

    assert not isinstance(placement, Exception), placement
    assert seen == {"hidden_before_commit": False}  # the hide waited for the purchase
    assert Purchase.objects.count() == 1
    assert not Product.objects.get(pk=product.pk).is_public


def test_two_baskets_with_the_same_products_in_opposite_orders_both_place():
    """Products are locked in pk order before any stock record: no deadlock between buyers."""
    ensure_country()
    shop = make_shop("thu-tu-khoa")
    first = make_product(shop, "Khô cá sặc", price=90_000, stock=100)
    second = make_product(shop, "Khô cá khoai", price=95_000, stock=100)
    baskets = [make_basket([(first, 1), (second, 1)]) if i % 2 else make_basket([(second, 1), (first, 1)])
               for i in range(10)]

    results = at_once([lambda i=i: place(reload_basket(baskets[i]), email=f"k{i}@example.com") for i in range(10)])

    assert not [r for r in results if isinstance(r, Exception)]
    assert StockRecord.objects.get(product=first).num_allocated == 10
    assert StockRecord.objects.get(product=second).num_allocated == 10
