"""Buying what a buyer cannot see: a direct POST to /basket/add/<id>/ of a hidden product, one
awaiting (or refused by) moderation, or one of a suspended shop is refused; the basket is
unchanged. The product pages 404 for these (catalogue/views.py), and the basket obeys the same
rule (catalogue.selectors.product_is_public through shops/strategy.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from oscar.core.loading import get_model

from catalogue.models import Product
from shops.models import Partner
from tests.factories import login, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")


@pytest.fixture
def buyer_client():
    client = Client()
    login(client, make_user("ke-mua-lau@example.vn"))
    return client


def _hidden(product):
    Product.objects.filter(pk=product.pk).update(is_public=False)


def _pending(product):
    Product.objects.filter(pk=product.pk).update(moderation_status=Product.Moderation.PENDING)


def _rejected(product):
    Product.objects.filter(pk=product.pk).update(moderation_status=Product.Moderation.REJECTED)


def _shop_suspended(product):
    Partner.objects.filter(pk=product.shop_id).update(status=Partner.Status.SUSPENDED)


@pytest.mark.parametrize("make_invisible", [_hidden, _pending, _rejected, _shop_suspended])
def test_a_product_buyers_cannot_see_cannot_be_added_by_a_direct_post(buyer_client, make_invisible):
    shop = make_shop("an-hang")
    visible = make_product(shop, "Mật ong công khai", price=100_000, stock=10)
    secret = make_product(shop, "Mật ong bị ẩn", price=100_000, stock=10)
    buyer_client.post(f"/basket/add/{visible.pk}/", {"quantity": 1})
    make_invisible(secret)
    assert buyer_client.get(secret.get_absolute_url()).status_code == 404

    response = buyer_client.post(f"/basket/add/{secret.pk}/", {"quantity": 1})

    assert response.status_code < 500
    assert not BasketLine.objects.filter(product=secret).exists()
    lines = BasketLine.objects.filter(basket__status=Basket.OPEN)
    if make_invisible is _shop_suspended:  # the visible product is of the same shop
        return
    assert list(lines.values_list("product_id", "quantity")) == [(visible.pk, 1)]


def test_the_visible_product_is_still_added(buyer_client):
    product = make_product(make_shop("van-ban"), "Khô cá bổi", price=90_000, stock=5)
    buyer_client.post(f"/basket/add/{product.pk}/", {"quantity": 2})
    assert BasketLine.objects.get(product=product).quantity == 2


def test_the_api_never_offers_what_the_basket_refuses(client):
    """/api/v1/products answers `available` only for products buyers may see: a hidden one is
    not listed and its detail is a 404, so `available: true` always means the basket takes it."""
    shop = make_shop("api-an")
    shown = make_product(shop, "Mắm tôm chà", price=70_000, stock=3)
    hidden = make_product(shop, "Mắm ba khía", price=70_000, stock=3)
    _hidden(hidden)

    assert client.get(f"/api/v1/products/{hidden.pk}").status_code == 404
    body = client.get(f"/api/v1/products/{shown.pk}").json()
    assert body["available"] is True
    client.post(f"/basket/add/{shown.pk}/", {"quantity": 1})
    assert BasketLine.objects.filter(product=shown).exists()
