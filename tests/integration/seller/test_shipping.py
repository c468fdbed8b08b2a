"""Seller shipping options: CRUD over the shop's own options, with validation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.core.models import AuditEvent
from shops.models import ShippingOption
from tests.factories import make_option, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    owner = make_user("owner-a@example.vn")
    shop = make_shop("shop-a", owner=owner)
    other = make_shop("shop-b", owner=make_user("owner-b@example.vn"))
    client.force_login(owner)
    return {"owner": owner, "shop": shop, "other": other, "other_option": make_option(other, "Xe khách B")}


def url(name, **kwargs):
    return reverse(f"seller:{name}", kwargs={"shop_code": "shop-a", **kwargs})


def test_create_list_edit_delete(client, world):
    response = client.post(url("shipping-create"), {
        "name": "Giao tận nơi", "kind": "flat", "fee": "30000", "is_active": "on", "position": "0",
    })
    assert response.status_code == 302
    option = ShippingOption.objects.get(shop=world["shop"])
    assert (option.kind, option.fee, option.free_above) == ("flat", 30_000, None)

    html = client.get(url("shipping")).content.decode()
    assert "Giao tận nơi" in html and "30.000 ₫" in html and "Xe khách B" not in html

    response = client.post(url("shipping-edit", option_pk=option.pk), {
        "name": "Giao nhanh", "kind": "free_above", "fee": "25000", "free_above": "500000", "position": "1",
    })
    assert response.status_code == 302
    option.refresh_from_db()
    assert (option.name, option.kind, option.fee, option.free_above, option.is_active) == (
        "Giao nhanh", "free_above", 25_000, 500_000, False,
    )
    assert option.charge_for(600_000) == 0

    assert client.get(url("shipping-delete", option_pk=option.pk)).status_code == 200
    assert client.post(url("shipping-delete", option_pk=option.pk)).status_code == 302
    assert not ShippingOption.objects.filter(pk=option.pk).exists()

    actions = list(AuditEvent.objects.filter(shop=world["shop"]).order_by("pk").values_list("action", "acting_as"))
    assert actions == [
        ("shipping.option_created", "owner"), ("shipping.option_changed", "owner"),
        ("shipping.option_deleted", "owner"),
    ]


def test_free_above_needs_its_threshold(client, world):
    response = client.post(url("shipping-create"), {"name": "Miễn phí", "kind": "free_above", "fee": "20000", "position": "0"})
    assert response.status_code == 200
    assert "Hãy nhập mức đơn hàng được miễn phí giao hàng." in response.content.decode()
    assert not ShippingOption.objects.filter(shop=world["shop"]).exists()


def test_pickup_must_be_free(client, world):
    response = client.post(url("shipping-create"), {"name": "Nhận tại vựa", "kind": "pickup", "fee": "10000", "position": "0"})
    assert response.status_code == 200
    assert "phí giao hàng phải là 0" in response.content.decode()
    response = client.post(url("shipping-create"), {"name": "Nhận tại vựa", "kind": "pickup", "fee": "0", "position": "0"})
    assert response.status_code == 302
    assert ShippingOption.objects.get(shop=world["shop"]).charge_for(100_000) == 0


@pytest.mark.parametrize("fee", ["-5", "12.5", "abc", ""])
def test_fees_are_whole_dong(client, world, fee):
    response = client.post(url("shipping-create"), {"name": "Giao", "kind": "flat", "fee": fee, "position": "0"})
    assert response.status_code == 200
    assert not ShippingOption.objects.filter(shop=world["shop"]).exists()


def test_another_shops_option_is_404_and_untouched(client, world):
    other = world["other_option"]
    assert client.get(url("shipping-edit", option_pk=other.pk)).status_code == 404
    assert client.post(url("shipping-edit", option_pk=other.pk), {"name": "X", "kind": "flat", "fee": "1", "position": "0"}).status_code == 404
    assert client.post(url("shipping-delete", option_pk=other.pk)).status_code == 404
    other.refresh_from_db()
    assert other.name == "Xe khách B"
