"""Edges found in review of options, sale prices and shop vouchers: bad input that once
answered 500, a CSV that got round the sale cap, a cached CMS body at a sale's end, and a
product turned into one with options while it sat in a basket."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue.variants import variant_add, variant_has_orders
from marketplace.checkout.vouchers import VoucherUnavailable, basket_voucher_apply
from marketplace.cms.selectors import Promotions
from marketplace.offer.services import MAX_USES, VoucherRefused
from shops.models import StockRecord
from shops.seller.catalogue.csv_io import parse_products_csv
from tests.factories import make_basket, make_product, make_shop, make_user
from tests.factories.catalogue import make_variant_product
from tests.factories.vouchers import make_shop_voucher

pytestmark = pytest.mark.django_db

BasketLine = get_model("basket", "Line")


def test_a_garbage_option_in_the_address_shows_the_page(client):
    shop = make_shop("mat-ong")
    parent = make_variant_product(shop)
    for value in ("²", "abc", "-1", "9" * 40, ""):
        response = client.get(parent.get_absolute_url(), {"variant": value})
        assert response.status_code == 200, value


def test_a_voucher_with_more_uses_than_a_column_holds_is_refused():
    shop = make_shop("mat-ong")
    for total in (MAX_USES + 1, 10**20):
        with pytest.raises(VoucherRefused) as refused:
            make_shop_voucher(shop, total=total, per_buyer=1)
        assert refused.value.field == "total" and "tối đa" in refused.value.messages[0], total


def test_a_code_with_a_control_character_is_refused_with_a_message():
    shop = make_shop("mat-ong")
    product = make_product(shop, "Mật ong", price=200_000, stock=5)
    buyer = make_user("mua@example.com")
    basket = make_basket([(product, 1)], owner=buyer)
    with pytest.raises(VoucherUnavailable) as refused:
        basket_voucher_apply(basket=basket, user=buyer, code="TET\x00MATONG", shop_id=shop.pk)
    assert "chữ cái" in str(refused.value.messages[0])


def test_a_csv_price_change_cannot_deepen_a_running_sale_past_the_cap():
    shop = make_shop("mat-ong")
    product = make_product(shop, "Mật ong", price=100_000, stock=5)
    now = timezone.now()
    StockRecord.objects.filter(product=product).update(
        sale_price=60_000, sale_starts_at=now - datetime.timedelta(hours=1),
        sale_ends_at=now + datetime.timedelta(days=1),
    )
    record = StockRecord.objects.get(product=product)
    upload = (
        "sku,title,category,price,stock\n"
        f"{record.partner_sku},Mật ong,thuc-pham/mat-ong,200000,5\n"
    ).encode()
    result = parse_products_csv(shop, io.BytesIO(upload))
    assert not result.rows
    assert any("khuyến mãi" in message for _line, _column, message in result.errors), result.errors
    # a price the running sale still fits is fine
    ok = parse_products_csv(shop, io.BytesIO(upload.replace(b"200000", b"110000")))
    assert len(ok.rows) == 1 and not ok.errors


def test_a_cms_body_fingerprint_follows_a_sale_in_force_and_the_options_rows():
    shop = make_shop("mat-ong")
    parent = make_variant_product(shop)
    promo = Promotions({"catalogue.product": {parent.pk}})
    before = promo.fingerprint()
    record = StockRecord.objects.filter(product__parent=parent).order_by("pk").first()
    now = timezone.now()
    StockRecord.objects.filter(pk=record.pk).update(
        sale_price=int(record.price) - 10_000, sale_starts_at=now + datetime.timedelta(hours=1),
        sale_ends_at=now + datetime.timedelta(days=1),
    )
    scheduled = Promotions({"catalogue.product": {parent.pk}}).fingerprint()
    assert scheduled != before  # an option's row changed
    with_now = Promotions({"catalogue.product": {parent.pk}})
    StockRecord.objects.filter(pk=record.pk).update(sale_starts_at=now - datetime.timedelta(hours=1))
    assert with_now.fingerprint() != scheduled  # the same terms, now in force


def test_turning_a_product_into_options_moves_open_baskets_and_keeps_its_orders_counted():
    shop = make_shop("mat-ong")
    product = make_product(shop, "Mật ong U Minh Hạ", price=125_000, stock=10)
    buyer = make_user("mua@example.com")
    basket = make_basket([(product, 2)], owner=buyer)
    Line = get_model("order", "Line")
    ordered = Line.objects.filter(product=product).exists()
    option = variant_add(product=product, actor=None, acting_as="owner", option="chai 500 ml",
                         price=230_000, stock=5, first_option="chai 250 ml")
    first = product.children.exclude(pk=option.pk).get()
    line = BasketLine.objects.get(basket=basket)
    assert line.product_id == first.pk and line.stockrecord.product_id == first.pk
    assert StockRecord.objects.get(product=first).price == Decimal(125_000)
    assert variant_has_orders(first) == ordered
