"""The price in force (catalogue/pricing.py) and who charges it: the strategy, the basket,
the checkout's quote and the placed order."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Min
from django.utils import timezone

from catalogue.models import Product
from catalogue.pricing import (
    percent_off,
    price_in_force,
    price_in_force_expression,
    sale_in_force,
)
from marketplace.checkout.quote import CheckoutError, basket_quote
from shops.models import StockRecord
from shops.strategy import MarketplaceStrategy
from tests.factories import make_basket, make_option, make_product, make_shop, place, reload_basket

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# 12.12 sale: from 00:00 12/12 to 00:00 13/12, Vietnam time (17:00 UTC the day before)
STARTS = datetime.datetime(2026, 12, 12, 0, 0, tzinfo=HCM)
ENDS = datetime.datetime(2026, 12, 13, 0, 0, tzinfo=HCM)


def on_sale(product, sale_price, starts, ends):
    record = product.stockrecords.get()
    record.sale_price, record.sale_starts_at, record.sale_ends_at = sale_price, starts, ends
    record.save()
    return record


@pytest.mark.parametrize("at, expected", [
    (STARTS - datetime.timedelta(microseconds=1), 250_000),  # 23:59:59.999999 11/12
    (STARTS, 200_000),  # the first instant
    (datetime.datetime(2026, 12, 12, 23, 59, tzinfo=HCM), 200_000),
    (ENDS - datetime.timedelta(microseconds=1), 200_000),
    (ENDS, 250_000),  # ends at 00:00 13/12: the list price again
    # 16:59 UTC on the 12th is 23:59 in Cà Mau: still the 12th there
    (datetime.datetime(2026, 12, 12, 16, 59, tzinfo=datetime.UTC), 200_000),
    (datetime.datetime(2026, 12, 12, 17, 0, tzinfo=datetime.UTC), 250_000),
])
def test_sale_boundaries_in_vietnam_time_python_and_sql_agree(at, expected):
    product = make_product(make_shop("sale"), price=250_000)
    record = on_sale(product, 200_000, STARTS, ENDS)
    price = price_in_force(record, at=at)
    assert price.price == expected
    assert price.list_price == 250_000
    assert price.on_sale is (expected == 200_000)
    assert price.percent_off == (20 if price.on_sale else 0)
    assert price.sale_ends_at == (ENDS if price.on_sale else None)
    in_sql = StockRecord.objects.filter(pk=record.pk).annotate(
        p=price_in_force_expression(at=at)).values_list("p", flat=True).get()
    assert int(in_sql) == expected
    via_product = Product.objects.filter(pk=product.pk).annotate(
        p=Min(price_in_force_expression("stockrecords__", at=at))).values_list("p", flat=True).get()
    assert int(via_product) == expected


def test_no_sale_without_dates_or_when_not_cheaper():
    product = make_product(make_shop("sale"), price=100_000)
    record = product.stockrecords.get()
    record.sale_price = 80_000
    now = timezone.now()
    assert not sale_in_force(record, now)  # no dates: never in force
    record.sale_starts_at, record.sale_ends_at = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1)
    assert sale_in_force(record, now)
    record.price = Decimal(70_000)  # the seller lowered the list price below the sale price
    assert not sale_in_force(record, now)
    assert price_in_force(record, now).price == 70_000
    record.save()
    assert int(StockRecord.objects.annotate(p=price_in_force_expression(at=now)).get(pk=record.pk).p) == 70_000


@pytest.mark.parametrize("list_price, price, shown", [
    (250_000, 200_000, 20),
    (300_000, 200_000, 33),  # 33.3
    (120_000, 100_000, 17),  # 16.67
    (200_000, 199_000, 1),  # 0.5 rounds half up
    (1_000_000, 999_000, 1),  # 0.1: never "-0%"
    (100_000, 100, 99),  # 99.9: never "-100%"
    (100_000, 100_000, 0),
])
def test_percent_off_rounds_as_shown(list_price, price, shown):
    assert percent_off(list_price, price) == shown


def test_several_records_give_the_lowest_price_in_force_with_its_list_price():
    shop = make_shop("sale")
    now = timezone.now()
    cheap = make_product(shop, "A", price=150_000).stockrecords.get()
    dear = on_sale(make_product(shop, "B", price=300_000), 120_000,
                   now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1))
    price = price_in_force([cheap, dear], at=now)
    assert (price.price, price.list_price, price.on_sale, price.percent_off) == (120_000, 300_000, True, 60)
    later = now + datetime.timedelta(hours=2)
    assert price_in_force([cheap, dear], at=later).price == 150_000
    assert price_in_force([], at=now) is None


def test_basket_quote_and_order_charge_the_sale_price_while_in_force():
    shop = make_shop("sale")
    make_option(shop, "Giao tận nơi", fee=30_000)
    product = make_product(shop, price=250_000)
    now = timezone.now()
    on_sale(product, 200_000, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1))
    info = MarketplaceStrategy().fetch_for_product(product)
    assert info.price.incl_tax == Decimal(200_000) and info.price.tax == 0
    basket = make_basket([(product, 2)])
    quote = basket_quote(basket)
    assert quote.parts[0].items_total == 400_000
    placement = place(basket, expected_total=quote.total)
    order = placement.purchase.orders.get()
    line = order.lines.get()
    assert int(line.line_price_incl_tax) == 400_000
    assert int(order.total_incl_tax) == 430_000


def test_a_line_added_during_a_sale_pays_the_list_price_after_it_ends():
    shop = make_shop("sale")
    make_option(shop, "Giao tận nơi", fee=30_000)
    product = make_product(shop, price=250_000)
    now = timezone.now()
    record = on_sale(product, 200_000, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1))
    basket = make_basket([(product, 1)])
    reviewed = basket_quote(basket).total
    assert reviewed == 230_000
    # the sale ends between the review and "Đặt hàng"
    StockRecord.objects.filter(pk=record.pk).update(sale_ends_at=now - datetime.timedelta(seconds=1))
    basket = reload_basket(basket)
    assert basket_quote(basket).total == 280_000
    with pytest.raises(CheckoutError) as refused:
        place(basket, expected_total=reviewed)
    assert "Tổng tiền đã thay đổi" in str(refused.value)
    placement = place(reload_basket(basket), expected_total=280_000)
    order = placement.purchase.orders.get()
    assert int(order.lines.get().line_price_incl_tax) == 250_000
