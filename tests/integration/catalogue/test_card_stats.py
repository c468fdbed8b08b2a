"""Cards' figures: "Đã bán N" counts units of delivered order lines only, and the rating the
approved reviews; both come with the listing query (no query per card)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalogue.selectors import product_list_public
from tests.factories import make_order, make_product, make_shop, make_user
from tests.factories.privacy import delivered_purchase
from tests.factories.shops import make_option

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")


def card(product):
    return product_list_public().get(pk=product.pk)


def test_sold_counts_only_delivered_lines():
    shop = make_shop("htx-ban", cooperative=True)
    honey = make_product(shop, "Mật ong bán chạy", price=100_000, stock=100)
    other = make_product(shop, "Sáp ong", price=50_000, stock=100)
    for status, quantity in [
        ("delivered", 3),
        ("delivered", 2),
        ("cancelled", 5),  # called off: not sold
        ("returned", 4),  # came back to the shop: not sold
        ("pending", 7),
        ("confirmed", 6),
        ("handed_to_carrier", 1),  # still on its way
        ("delivery_failed", 8),
    ]:
        make_order([(honey, quantity)], status=status, allocate=False)
    make_order([(other, 9), (honey, 1)], status="cancelled", allocate=False)
    make_order([(other, 10)], status="delivered", allocate=False)

    assert card(honey).sold_count == 5
    assert card(other).sold_count == 10
    assert card(make_product(shop, "Chưa bán", price=10_000)).sold_count == 0


def test_sold_follows_the_order_lifecycle():
    """Through the real services: placed, confirmed, handed over, delivered."""
    owner = make_user("chu@htx-vong.vn")
    shop = make_shop("htx-vong", owner=owner)
    make_option(shop, fee=30_000)
    product = make_product(shop, "Mật ong vòng đời", price=150_000, stock=50)
    buyer = make_user("mua@example.vn")
    delivered_purchase(shop, buyer, product, quantity=3, owner=owner)
    assert card(product).sold_count == 3


def test_rating_counts_approved_reviews():
    product = make_product(make_shop("htx-sao", cooperative=True), "Mật ong có sao", price=100_000)
    for n, (score, status) in enumerate(
        [(5, ProductReview.APPROVED), (4, ProductReview.APPROVED), (1, ProductReview.FOR_MODERATION)]
    ):
        ProductReview.objects.create(product=product, score=score, title="Ngon", body="Ngon", status=status,
                                     user=make_user(f"sao{n}@example.vn"))
    shown = card(product)
    assert (shown.review_average, shown.review_count) == (4.5, 2)


def test_cards_show_rating_and_sold_without_a_query_per_card(client):
    shop = make_shop("htx-the", cooperative=True)

    def add(n):
        product = make_product(shop, f"Khô cá {n}", price=80_000 + n, stock=50)
        make_order([(product, n + 1)], status="delivered", allocate=False)
        ProductReview.objects.create(product=product, score=4, title="Ngon", body="Ngon",
                                     status=ProductReview.APPROVED, user=make_user(f"the{n}@example.vn"))

    add(0)
    client.get(f"/shops/{shop.code}/")
    with CaptureQueriesContext(connection) as few:
        html = client.get(f"/shops/{shop.code}/").content.decode()
    assert "Đã bán 1" in html
    for n in range(1, 7):
        add(n)
    with CaptureQueriesContext(connection) as many:
        html = client.get(f"/shops/{shop.code}/").content.decode()
    assert html.count('class="product-card"') == 7
    assert "Đã bán 7" in html and html.count('class="card-rating"') == 7
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
