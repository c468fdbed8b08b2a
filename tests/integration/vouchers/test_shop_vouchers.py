"""Shop vouchers: confinement to the shop's products, the basket's refusals, the discounts
each shop order records, and the ledger's who-pays entries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.checkout.quote import CheckoutError, basket_quote
from marketplace.checkout.vouchers import (
    VoucherUnavailable,
    basket_offers_apply,
    basket_voucher_apply,
)
from marketplace.ledger.models import Account, Entry, Kind
from marketplace.ledger.posting import post_refund, post_sale
from marketplace.offer.services import VoucherRefused, shop_voucher_end
from shops.models import ShopMember
from tests.factories import make_basket, make_product, make_shop, make_user, place, reload_basket
from tests.factories.ledger import money_rates
from tests.factories.tax import make_tax_profile
from tests.factories.vouchers import FIXED, PERCENTAGE, make_programme_voucher, make_shop_voucher

pytestmark = pytest.mark.django_db

OrderDiscount = get_model("order", "OrderDiscount")
Range = get_model("offer", "Range")


@pytest.fixture
def two_shops():
    honey, fish = make_shop("mat-ong"), make_shop("kho-ca")
    return (honey, make_product(honey, "Mật ong U Minh Hạ", price=200_000, stock=20),
            fish, make_product(fish, "Khô cá lóc", price=150_000, stock=20))


def applied(basket, user, code, shop=None):
    basket_voucher_apply(basket=basket, user=user, code=code, shop_id=shop.pk if shop else None)
    fresh = reload_basket(basket)
    basket_offers_apply(fresh, user=user)
    return fresh


def part_of(quote, shop):
    return next(p for p in quote.parts if p.shop.pk == shop.pk)


def test_shop_voucher_discounts_only_its_shops_lines(two_shops):
    honey, mat_ong, fish, kho_ca = two_shops
    buyer = make_user("mua@example.com")
    make_shop_voucher(honey, code="TETMATONG", kind=PERCENTAGE, value=10)
    basket = applied(make_basket([(mat_ong, 1), (kho_ca, 2)], owner=buyer), buyer, "tetmatong", honey)
    quote = basket_quote(basket)
    assert part_of(quote, honey).discount_total == 20_000
    assert part_of(quote, honey).items_total == 180_000
    assert part_of(quote, fish).discount_total == 0 and part_of(quote, fish).items_total == 300_000


def test_a_tampered_range_still_never_reaches_another_shops_products(two_shops):
    honey, mat_ong, fish, kho_ca = two_shops
    buyer = make_user("mua@example.com")
    voucher = make_shop_voucher(honey, code="TAMPER", kind=FIXED, value=500_000)
    product_range = Range.objects.get(shop=honey)
    product_range.included_products.add(kho_ca)  # another shop's product slipped into the range
    assert not product_range.contains_product(kho_ca)
    assert kho_ca not in product_range.all_products() and mat_ong in product_range.all_products()
    assert not Range.objects.contains_product(kho_ca).filter(pk=product_range.pk).exists()
    basket = applied(make_basket([(mat_ong, 1), (kho_ca, 2)], owner=buyer), buyer, voucher.code, honey)
    quote = basket_quote(basket)
    # A 500.000 ₫ voucher takes at most the honey shop's 200.000 ₫ of lines, nothing of the fish.
    assert part_of(quote, honey).items_total == 0
    assert part_of(quote, fish).items_total == 300_000


def test_an_offer_of_one_shop_through_a_range_of_another_applies_nothing(two_shops):
    honey, mat_ong, fish, kho_ca = two_shops
    buyer = make_user("mua@example.com")
    voucher = make_shop_voucher(honey, code="CHEO", kind=FIXED, value=50_000)
    offer = voucher.offers.get()
    Range.objects.filter(pk=offer.benefit.range_id).update(shop=fish)  # the range moved to the fish shop
    basket = make_basket([(mat_ong, 1), (kho_ca, 2)], owner=buyer)
    basket.vouchers.add(voucher)
    basket = reload_basket(basket)
    basket_offers_apply(basket, user=buyer)
    assert basket_quote(basket).items_total == 500_000


def test_percentage_capped_and_whole_dong(two_shops):
    honey, mat_ong, *_ = two_shops
    other = make_product(honey, "Phấn hoa", price=33_333, stock=5)
    buyer = make_user("mua@example.com")
    make_shop_voucher(honey, code="GIAM15", value=15, max_discount=25_000)
    basket = applied(make_basket([(mat_ong, 1), (other, 1)], owner=buyer), buyer, "GIAM15", honey)
    assert part_of(basket_quote(basket), honey).discount_total == 25_000
    make_shop_voucher(honey, code="GIAM7", value=7)
    basket = applied(basket, buyer, "GIAM7", honey)
    # 7 % of 233.333 ₫ = 16.333,31 ₫: whole đồng, rounded down, one voucher of the shop at a time.
    assert part_of(basket_quote(basket), honey).discount_total == 16_333
    assert [v.code for v in basket.vouchers.all()] == ["GIAM7"]


@pytest.mark.parametrize("overrides, message", [
    ({"starts_at": timezone.now() + datetime.timedelta(days=1)}, "chưa đến thời gian sử dụng"),
    ({"min_basket": 250_000}, "Mua thêm 50.000 ₫"),
])
def test_refusals_at_the_basket(two_shops, overrides, message):
    honey, mat_ong, *_ = two_shops
    buyer = make_user("mua@example.com")
    make_shop_voucher(honey, code="THUTHU", **overrides)
    basket = make_basket([(mat_ong, 1)], owner=buyer)
    with pytest.raises(VoucherUnavailable, match=message):
        basket_voucher_apply(basket=basket, user=buyer, code="THUTHU", shop_id=honey.pk)
    assert not basket.vouchers.exists()


def test_refusals_expired_used_up_other_shop_guest_unknown(two_shops):
    honey, mat_ong, fish, kho_ca = two_shops
    buyer = make_user("mua@example.com")
    voucher = make_shop_voucher(honey, code="HETHAN")
    shop_voucher_end(shop=honey, voucher=voucher, actor=None)
    basket = make_basket([(mat_ong, 1), (kho_ca, 1)], owner=buyer)
    with pytest.raises(VoucherUnavailable, match="đã hết hạn"):
        basket_voucher_apply(basket=basket, user=buyer, code="HETHAN", shop_id=honey.pk)
    used_up = make_shop_voucher(honey, code="HETLUOT", total=1)
    used_up.offers.update(num_applications=1)
    with pytest.raises(VoucherUnavailable, match="đã hết lượt"):
        basket_voucher_apply(basket=basket, user=buyer, code="HETLUOT", shop_id=honey.pk)
    make_shop_voucher(honey, code="CUAMATONG")
    with pytest.raises(VoucherUnavailable, match="không áp dụng cho sản phẩm của shop này"):
        basket_voucher_apply(basket=basket, user=buyer, code="CUAMATONG", shop_id=fish.pk)
    only_fish = make_basket([(kho_ca, 1)], owner=buyer)
    with pytest.raises(VoucherUnavailable, match="chỉ dùng cho sản phẩm của shop"):
        basket_voucher_apply(basket=only_fish, user=buyer, code="CUAMATONG")
    with pytest.raises(VoucherUnavailable, match="đăng nhập"):
        basket_voucher_apply(basket=make_basket([(mat_ong, 1)]), user=None, code="CUAMATONG")
    with pytest.raises(VoucherUnavailable, match="không tồn tại"):
        basket_voucher_apply(basket=basket, user=buyer, code="KHONGCO", shop_id=honey.pk)


def test_order_records_the_discount_and_total_and_buyer_limit(two_shops):
    honey, mat_ong, fish, kho_ca = two_shops
    buyer = make_user("mua@example.com")
    voucher = make_shop_voucher(honey, code="MOTLAN", kind=FIXED, value=30_000, per_buyer=1)
    basket = applied(make_basket([(mat_ong, 1), (kho_ca, 1)], owner=buyer), buyer, "MOTLAN", honey)
    purchase = place(basket, user=buyer).purchase
    honey_order = purchase.orders.get(shop=honey)
    fish_order = purchase.orders.get(shop=fish)
    discount = OrderDiscount.objects.get(order=honey_order)
    assert (discount.amount, discount.voucher_id, discount.offer_id) == (30_000, voucher.pk, voucher.offers.get().pk)
    assert honey_order.total_incl_tax == 200_000 - 30_000 + honey_order.shipping_incl_tax
    assert honey_order.lines.get().line_price_incl_tax == 170_000
    assert not OrderDiscount.objects.filter(order=fish_order).exists()
    offer = voucher.offers.get()
    assert (offer.num_applications, offer.num_orders) == (1, 1)
    assert voucher.applications.filter(user=buyer).count() == 1
    # The buyer's one use is spent: the next basket is refused.
    again = make_basket([(mat_ong, 1)], owner=buyer)
    with pytest.raises(VoucherUnavailable, match="Bạn đã dùng hết lượt"):
        basket_voucher_apply(basket=again, user=buyer, code="MOTLAN", shop_id=honey.pk)


def test_placement_refuses_a_voucher_past_its_dates_and_keeps_the_basket(two_shops):
    honey, mat_ong, *_ = two_shops
    buyer = make_user("mua@example.com")
    voucher = make_shop_voucher(honey, code="SAPHET")
    basket = applied(make_basket([(mat_ong, 1)], owner=buyer), buyer, "SAPHET", honey)
    past = timezone.now() - datetime.timedelta(seconds=1)
    type(voucher).objects.filter(pk=voucher.pk).update(end_datetime=past)
    with pytest.raises(CheckoutError, match="đã hết hạn"):
        place(basket, user=buyer)
    basket = reload_basket(basket)
    assert basket.status == basket.OPEN and not basket.vouchers.exists()


def test_programme_voucher_still_works_for_guests(two_shops):
    honey, mat_ong, fish, kho_ca = two_shops
    voucher = make_programme_voucher("OCOPTET", amount=50_000)
    basket = make_basket([(mat_ong, 1), (kho_ca, 2)])
    basket_voucher_apply(basket=basket, user=None, code="ocoptet")
    basket = reload_basket(basket)
    basket_offers_apply(basket)
    assert basket_quote(basket).items_total == 450_000
    purchase = place(basket).purchase
    rows = OrderDiscount.objects.filter(order__purchase=purchase, voucher_id=voucher.pk)
    assert sum(r.amount for r in rows) == 50_000 and sum(r.frequency for r in rows) == 1


def _entries(order):
    return {e.kind: (e.debit, e.credit, e.amount) for e in Entry.objects.filter(order=order)}


def test_ledger_shop_paid_and_programme_paid_discounts(two_shops):
    honey, mat_ong, *_ = two_shops
    money_rates()  # 5 % fee
    make_tax_profile(honey)  # a household: 1 % VAT + 0.5 % PIT
    buyer = make_user("mua@example.com")
    make_shop_voucher(honey, code="SHOP20", kind=FIXED, value=20_000)
    make_programme_voucher("CT10", amount=10_000)
    basket = applied(make_basket([(mat_ong, 1)], owner=buyer), buyer, "SHOP20", honey)
    basket = applied(basket, buyer, "CT10")
    purchase = place(basket, user=buyer, payment_method="card").purchase
    order = purchase.orders.get()
    goods_paid = 200_000 - 20_000 - 10_000
    paid = goods_paid + int(order.shipping_incl_tax)
    assert int(order.total_incl_tax) == paid
    post_sale(order, amount=paid, route="card")
    entries = _entries(order)
    assert entries[Kind.SALE] == (Account.PROGRAMME_CASH, Account.SHOP_PENDING, paid)
    # Every voucher's discount is credited to the shop, its own voucher taken back from it:
    # the programme pays 10.000 ₫, the shop 20.000 ₫.
    assert entries[Kind.VOUCHER] == (Account.PROGRAMME_PROMOTIONS, Account.SHOP_PENDING, 30_000)
    assert entries[Kind.SHOP_VOUCHER] == (Account.SHOP_PENDING, Account.PROGRAMME_PROMOTIONS, 20_000)
    # Fee on the goods after the shop's own discount (180.000 ₫); tax on its revenue:
    # what the buyer paid plus the programme's 10.000 ₫.
    assert entries[Kind.FEE][2] == 9_000
    revenue = paid + 10_000
    assert entries[Kind.VAT][2] == (revenue * 100 + 5000) // 10000
    assert entries[Kind.PIT][2] == (revenue * 50 + 5000) // 10000
    # A full refund gives back no more than was paid and reverses the voucher entries.
    post_refund(order, amount=paid)
    refunds = Entry.objects.filter(order=order)
    assert refunds.get(kind=Kind.REFUND).amount == paid
    assert refunds.get(kind=Kind.VOUCHER_BACK).amount == 30_000
    assert refunds.get(kind=Kind.SHOP_VOUCHER_BACK).amount == 20_000
    owed = sum(e.amount for e in refunds if e.credit == Account.SHOP_PENDING) - sum(
        e.amount for e in refunds if e.debit == Account.SHOP_PENDING)
    assert owed == 0


def test_seller_service_refuses_bad_terms_and_duplicate_code(two_shops):
    honey, *_ = two_shops
    for overrides, field in [({"value": 0}, "value"), ({"value": 101}, "value"),
                             ({"kind": FIXED, "value": -5}, "value"), ({"per_buyer": 0}, "per_buyer"),
                             ({"total": 0}, "total"),
                             ({"ends_at": timezone.now() - datetime.timedelta(days=2)}, "ends_at")]:
        with pytest.raises(VoucherRefused) as refused:
            make_shop_voucher(honey, code="XAUXAU", **overrides)
        assert refused.value.field == field
    make_shop_voucher(honey, code="TRUNG")
    with pytest.raises(VoucherRefused, match="đã có người dùng"):
        make_shop_voucher(honey, code="trung")
    assert Range.objects.filter(shop=honey).count() == 1


def test_the_shops_own_voucher_is_a_line_of_its_money_page(client, two_shops):
    honey, mat_ong, *_ = two_shops
    owner = make_user("chu@mat-ong.vn")
    ShopMember.objects.create(shop=honey, user=owner, role=ShopMember.Role.OWNER)
    buyer = make_user("mua@example.com")
    make_shop_voucher(honey, code="SHOP20", kind=FIXED, value=20_000)
    basket = applied(make_basket([(mat_ong, 1)], owner=buyer), buyer, "SHOP20", honey)
    order = place(basket, user=buyer, payment_method="card").purchase.orders.get()
    post_sale(order, amount=int(order.total_incl_tax), route="card")
    client.force_login(owner)
    html = client.get(reverse("seller:money", kwargs={"shop_code": honey.code})).content.decode()
    assert "Mã giảm giá của shop" in html
