"""Issue 22's "done when", end to end through the real pages (Django test client).

A seller turns its three honey bottles into one product with three options and a Tết sale
with a shop voucher; a buyer finds one card with the price range and the struck-through
price, picks the 500 ml option, applies the voucher, and the shop's order shows the
discount. Search runs on the real embedded search server; products are indexed by the
seller's saves (on commit), not by a rebuild.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue.models import Product
from marketplace.ledger.models import Account, Entry, Kind
from marketplace.order.models import Order, Purchase
from search.indexing import rebuild_index
from shops.models import StockRecord
from tests.factories import ensure_country, login, make_product, make_shop, make_user
from tests.integration.checkout.test_journey import checkout
from tests.integration.seller.test_order_payments import deliver

pytestmark = [pytest.mark.django_db, pytest.mark.search]

OrderDiscount = get_model("order", "OrderDiscount")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")

BOTTLES = [("chai 250 ml", 125_000), ("chai 500 ml", 230_000), ("can 1 lít", 390_000)]
SALE_PRICE = 184_000        # the 500 ml bottle's Tết price
VOUCHER_PERCENT = 10        # TETMATONG: 10 % off the shop's goods, at most 50.000 ₫
VOUCHER_CAP = 50_000
SHIPPING = 30_000           # the checkout's default delivery fee (the shop has no option of its own)


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def local(moment: datetime.datetime) -> str:
    return moment.astimezone(HCM).strftime("%Y-%m-%dT%H:%M")


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


def grand_total(html: str) -> int:
    return int(re.search(r'id="basket-grand-total">([\d.]+) ₫<', html).group(1).replace(".", ""))


@pytest.fixture
def shop(settings, search_settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CHECKOUT_DEFAULT_SHIPPING_FEE = SHIPPING
    ensure_country()
    owner = make_user("chu@matong.vn")
    honey = make_shop("mat-ong-muoi-ngot", name="Cơ sở Mật ong Mười Ngọt", owner=owner)
    bottles = [make_product(honey, f"Mật ong U Minh Hạ – {name}", price=price, stock=20, sku=f"MO-{i}")
               for i, (name, price) in enumerate(BOTTLES)]
    rebuild_index()  # the shop's catalogue as it was before the story
    return owner, honey, bottles


def seller_url(name, shop, **kwargs):
    return reverse(f"seller:{name}", kwargs={"shop_code": shop.code, **kwargs})


def test_three_bottles_one_product_a_tet_sale_and_a_shop_voucher(client, shop, django_capture_on_commit_callbacks):
    owner, honey, bottles = shop
    now = timezone.now()

    # --- the seller: merge, a sale on the 500 ml option, a shop voucher -------------------
    login(client, owner)
    listing = client.get(seller_url("products", honey)).content.decode()
    assert "Gộp thành một sản phẩm nhiều phân loại" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(seller_url("products-merge", honey),
                               {"title": "Mật ong U Minh Hạ", "products": [b.pk for b in bottles]})
    assert response.status_code == 302, response.content.decode()[-2000:]
    parent = Product.objects.get(shop=honey, structure=Product.PARENT)
    options = {child.title: child for child in parent.children.all()}
    assert sorted(options) == sorted(name for name, _price in BOTTLES)
    half_litre = options["chai 500 ml"]
    record = StockRecord.objects.get(product=half_litre)

    edit = seller_url("variant-edit", honey, product_pk=parent.pk, variant_pk=half_litre.pk)
    page = client.get(edit).content.decode()
    assert "Giá khuyến mãi" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, {
            "option": "chai 500 ml", "price": "230.000", "stock": str(record.num_in_stock),
            "stock_seen": str(record.num_in_stock), "sku": record.partner_sku,
            "sale_price": "184.000", "sale_starts_at": local(now - datetime.timedelta(hours=1)),
            "sale_ends_at": local(now + datetime.timedelta(days=7)),
        })
    assert response.status_code == 302, response.content.decode()[-3000:]
    record.refresh_from_db()
    assert (int(record.price), int(record.sale_price)) == (230_000, SALE_PRICE)
    assert record.sale_starts_at <= timezone.now() < record.sale_ends_at
    options_section = client.get(seller_url("product-edit", honey, product_pk=parent.pk)).content.decode()
    assert f"Đang khuyến mãi {vnd(SALE_PRICE)}" in options_section

    response = client.post(seller_url("voucher-create", honey), {
        "code": "tetmatong", "kind": "percentage", "value": VOUCHER_PERCENT, "max_discount": VOUCHER_CAP,
        "min_basket": 150_000, "per_buyer": 1, "total": 100,
        "starts_at": local(now - datetime.timedelta(hours=1)), "ends_at": local(now + datetime.timedelta(days=14)),
        "listed": "on",
    })
    assert response.status_code == 302, response.content.decode()[-3000:]
    vouchers = client.get(seller_url("vouchers", honey)).content.decode()
    assert "TETMATONG" in vouchers and "Đã dùng 0/100 lượt" in vouchers
    client.logout()

    # --- the buyer: one card with the range and the struck price -------------------------
    buyer = make_user("mua@example.com")
    login(client, buyer)
    found = client.get("/search/", {"q": "mat ong"}).content.decode()
    assert found.count("Mật ong U Minh Hạ") == 1, "one card for the product with options"
    assert "chai 500 ml" not in found
    low, high = min(p for _n, p in BOTTLES), max(p for _n, p in BOTTLES)
    percent = round(100 * (230_000 - SALE_PRICE) / 230_000)
    now = re.search(r'<span class="price-now">((?:<span class="price-nw">[^<]*</span>|[^<])*)</span>', found)
    assert text(now.group(1)) == f"{vnd(low)} – {vnd(high)}"
    struck = re.search(r'<del class="price-list">(.*?)</del>', found, re.S)
    assert text(struck.group(1)).endswith(f"{vnd(low)} – {vnd(high)}")
    assert f'<span class="price-off" aria-hidden="true">-{percent}%</span>' in found

    # --- the product page: the 500 ml option without JS -----------------------------------
    product_page = client.get(parent.get_absolute_url(), {"variant": half_litre.pk}).content.decode()
    price_paragraph = re.search(r'<p class="product-price[^"]*".*?</p>', product_page, re.S).group(0)
    assert f'<span class="price-now">{vnd(SALE_PRICE)}</span>' in price_paragraph
    assert vnd(230_000) in re.search(r"<del.*?</del>", price_paragraph, re.S).group(0)
    assert f'name="child_id" value="{half_litre.pk}"' in product_page
    response = client.post(reverse("basket:add", kwargs={"pk": parent.pk}),
                           {"quantity": 1, "child_id": half_litre.pk})
    assert response.status_code == 302

    # --- the basket: the shop's voucher -------------------------------------------------
    basket = client.get(reverse("basket:summary")).content.decode()
    assert "chai 500 ml" in basket and vnd(SALE_PRICE) in basket
    assert grand_total(basket) == SALE_PRICE + SHIPPING
    discount = min(SALE_PRICE * VOUCHER_PERCENT // 100, VOUCHER_CAP)
    response = client.post(reverse("basket-voucher-apply"), {"code": "TETMATONG", "shop": honey.pk}, follow=True)
    basket = response.content.decode()
    assert "Đã áp dụng mã “TETMATONG”" in basket
    assert f"−{vnd(discount)}" in basket
    assert grand_total(basket) == SALE_PRICE - discount + SHIPPING

    # --- checkout, cash on delivery -----------------------------------------------------
    review, total = checkout(client, method="cod", guest_email="")
    assert total == SALE_PRICE - discount + SHIPPING
    assert f"Mã giảm giá TETMATONG: <strong>−{vnd(discount)}</strong>" in review.content.decode()
    response = client.post(reverse("checkout:preview"),
                           {"expected_total": total, "accept_terms": "on", "action": "place"})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    purchase = Purchase.objects.get(user=buyer)
    order = Order.objects.get(purchase=purchase)
    assert order.shop_id == honey.pk and int(order.total_incl_tax) == total

    # --- the Oscar order: the sale price on the line, the voucher's discount -----------
    line = order.lines.get()
    assert line.product_id == half_litre.pk
    assert int(line.unit_price_incl_tax) == SALE_PRICE
    assert int(line.line_price_before_discounts_incl_tax) == SALE_PRICE
    assert int(line.line_price_incl_tax) == SALE_PRICE - discount
    applied = OrderDiscount.objects.get(order=order)
    assert (applied.voucher_code, int(applied.amount)) == ("TETMATONG", discount)
    assert int(order.total_before_discounts_incl_tax) == SALE_PRICE + SHIPPING  # Oscar's: delivery included

    # --- the seller's order page -----------------------------------------------------------
    client.logout()
    login(client, owner)
    detail = client.get(seller_url("order-detail", honey, order_number=order.number)).content.decode()
    assert "chai 500 ml" in detail
    assert f"<del>{vnd(SALE_PRICE)}</del>" in detail
    assert vnd(SALE_PRICE - discount) in detail
    assert "TETMATONG" in detail and f"−{vnd(discount)}" in detail
    assert "Shop chịu" in detail
    vouchers = client.get(seller_url("vouchers", honey)).content.decode()
    assert "Đã dùng 1/100 lượt" in vouchers

    # --- the ledger, once the carrier collected the money: the shop paid for its voucher --
    deliver(client, order)
    response = client.post(seller_url("order-paid", honey, order_number=order.number), follow=True)
    assert f"Đã ghi nhận thanh toán {vnd(total)}" in response.content.decode()
    entries = {e.kind: (e.debit, e.credit, e.amount) for e in Entry.objects.filter(order=order)}
    assert entries[Kind.SALE_SELF][2] == total
    assert entries[Kind.VOUCHER][2] == discount
    assert entries[Kind.SHOP_VOUCHER][2] == discount
    assert entries[Kind.SHOP_VOUCHER][1] == Account.PROGRAMME_PROMOTIONS  # taken back from the shop
    assert entries[Kind.VOUCHER][0] == Account.PROGRAMME_PROMOTIONS
