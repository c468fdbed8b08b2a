"""Issue 21, the product page as a buyer sees it on a phone: our own stock text, the shop card
(rating over the shop's products, Zalo / call links only when the shop gave a number), the
buy buttons, and the shop's own tools (stock, edit links, QR code) only for its members."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")


def page(client, product) -> str:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def shop_box(html: str) -> str:
    return re.search(r'<section class="panel shop-box".*?</section>', html, re.S).group(0)


def review(product, user, score):
    return ProductReview.objects.create(
        product=product, user=user, score=score, title="Ngon", body="Ngon, sẽ mua lại.",
        status=ProductReview.APPROVED,
    )


def test_stock_is_told_in_our_words_not_oscars(client):
    shop = make_shop("tom-kho")
    html = page(client, make_product(shop, "Tôm khô", stock=137, allocated=0))
    assert '<p class="availability instock">Còn 137 sản phẩm</p>' in html
    assert "có sẵn" not in html and "Trong kho" not in html

    sold_out = make_product(shop, "Khô cá", stock=3, allocated=3)
    html = page(client, sold_out)
    assert '<p class="availability outofstock">Hết hàng</p>' in html
    assert 'id="add_to_basket_form"' not in html and "data-buy-bar" not in html


def test_buy_box_and_bar_submit_the_same_form_and_buy_now_goes_to_checkout(client):
    product = make_product(make_shop("mat-ong"), "Mật ong rừng", price=250_000)
    html = page(client, product)
    form = re.search(r'<form id="add_to_basket_form".*?</form>', html, re.S).group(0)
    assert 'name="quantity"' in form and 'class="qty-step"' in form  # − / + (shown by JS)
    assert re.search(r'<button type="submit" class="btn btn-primary" name="next" value="/checkout/">Mua ngay', form)
    bar = re.search(r'<div class="buy-bar" data-buy-bar>.*?</div>', html, re.S).group(0)
    assert "250.000 ₫" in bar
    assert bar.count('form="add_to_basket_form"') == 2

    # "Mua ngay" adds to the basket and goes on to the checkout.
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2, "next": "/checkout/"})
    assert response.status_code == 302 and response["Location"] == "/checkout/"
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 2


def test_shop_card_rating_counts_every_product_of_the_shop(client):
    shop = make_shop("htx-ca", name="HTX Khô cá", phone="+84918123456")
    honey, fish = make_product(shop, "Mật ong"), make_product(shop, "Khô cá")
    other = make_product(make_shop("khac"), "Sản phẩm khác")
    buyers = [make_user(f"khach{n}@example.com") for n in range(3)]
    review(honey, buyers[0], 5)
    review(fish, buyers[1], 4)
    review(other, buyers[2], 1)  # another shop's review: not counted

    box = shop_box(page(client, honey))
    assert "HTX Khô cá" in box
    assert "4,5/5 · 2 đánh giá" in box


def test_shop_card_has_zalo_and_call_links_only_for_a_given_number(client):
    with_phone = make_shop("co-so", phone="+84918123456")
    box = shop_box(page(client, make_product(with_phone, "Mắm tôm")))
    assert '<a class="btn" href="https://zalo.me/0918123456" rel="noopener" target="_blank">Chat Zalo</a>' in box
    assert '<a class="btn" href="tel:0918123456">Gọi</a>' in box
    assert "Chưa có đánh giá" in box

    zalo_only = make_shop("zalo", zalo_phone="+84987654321")
    box = shop_box(page(client, make_product(zalo_only, "Mắm ba khía")))
    assert 'href="https://zalo.me/0987654321"' in box and "tel:" not in box

    silent = make_shop("khong-so")
    box = shop_box(page(client, make_product(silent, "Bánh phồng tôm")))
    assert "zalo.me" not in box and "tel:" not in box and "Gọi" not in box


@pytest.mark.parametrize("who", ["anonymous", "buyer", "member of another shop"])
def test_seller_blocks_are_not_shown_to_buyers(client, who):
    owner = make_user("chu@co-so.vn")
    product = make_product(make_shop("co-so", owner=owner), "Mắm tôm", stock=40, allocated=2)
    if who == "buyer":
        client.force_login(make_user("khach@example.com"))
    elif who == "member of another shop":
        other = make_user("chu@khac.vn")
        make_shop("khac", owner=other)
        client.force_login(other)
    html = page(client, product)
    assert "seller-tools" not in html and "Dành cho cửa hàng" not in html
    assert "/seller/co-so/" not in html and "/qr" not in html and "In lên bao bì" not in html
    assert "Còn 38 sản phẩm" in html  # what a buyer needs: how many can be bought


def test_the_shops_member_sees_stock_edit_links_and_qr(client):
    owner = make_user("chu@co-so.vn")
    shop = make_shop("co-so", owner=owner)
    product = make_product(shop, "Mắm tôm", stock=40, allocated=2)
    client.force_login(owner)
    html = page(client, product)
    tools = re.search(r'<section class="panel seller-tools".*?</section>', html, re.S).group(0)
    assert "<dt>Tồn kho</dt><dd>40</dd>" in tools and "<dt>Đang giữ cho đơn</dt><dd>2</dd>" in tools
    assert f'href="/seller/co-so/products/{product.pk}/"' in tools
    assert f'href="/seller/co-so/products/{product.pk}/stock/"' in tools
    assert reverse("catalogue:product-qr", kwargs={"product_slug": product.slug, "pk": product.pk, "fmt": "png"}) in tools
