"""A delivered COD order of one shop, its buyer and owner, for the complaint tests."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.shipments import shipment_delivered, shipment_hand_over
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place


def jpeg_upload(name: str = "hu-hong.jpg", color=(150, 90, 40)) -> SimpleUploadedFile:
    """A real 64×48 JPEG photo as a phone uploads it."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def deliver(shop, order, owner):
    """Confirm, hand to the shop's own delivery and deliver the shop's lines of `order`."""
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    shipment = shipment_hand_over(shop=shop, order=order, carrier="self", actor=owner,
                                  acting_as="owner")
    shipment_delivered(shipment=shipment, actor=owner, acting_as="owner")
    order.refresh_from_db()
    return shipment


def delivered_order(code: str, buyer, *, payment_method: str = "cod", deliver_it: bool = True,
                    email: str | None = None):
    """A shop `code` with its owner, and `buyer`'s order of 2 × 150.000 ₫ + delivery 30.000 ₫."""
    owner = make_user(f"chu@{code}.vn")
    shop = make_shop(code, owner=owner)
    make_option(shop, fee=30_000)
    product = make_product(shop, f"Mật ong {code}", price=150_000, stock=10)
    placement = place(make_basket([(product, 2)], owner=buyer), user=buyer,
                      email=email or (buyer.email if buyer else "khach@example.vn"),
                      payment_method=payment_method)
    order = placement.purchase.orders.get()
    if deliver_it:
        deliver(shop, order, owner)
    return {"owner": owner, "shop": shop, "product": product, "order": order,
            "purchase": placement.purchase}


def another_order(world: dict, buyer):
    """`buyer`'s delivered order of one more jar from the shop of `world`."""
    placement = place(make_basket([(world["product"], 1)], owner=buyer), user=buyer,
                      email=buyer.email)
    order = placement.purchase.orders.get()
    deliver(world["shop"], order, world["owner"])
    return order


@pytest.fixture
def buyer():
    return make_user("mua@example.vn")


@pytest.fixture
def world(buyer):
    return {"buyer": buyer, **delivered_order("htx-mat-ong", buyer)}
