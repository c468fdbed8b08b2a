"""Seller overview: the last 30 days' figures of the shop's own lines, from aggregates."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue.models import OcopCertificate
from shops.seller.operations.selectors import overview_summary
from tests.factories import make_certificate, make_order, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = make_user("owner-a@example.vn")
    shop_a = make_shop("shop-a", owner=owner)
    shop_b = make_shop("shop-b", owner=make_user("owner-b@example.vn"))
    honey = make_product(shop_a, "Mật ong", price=150_000, stock=40)
    shrimp = make_product(shop_a, "Tôm khô", price=500_000, stock=8, allocated=3)  # net 5: low
    rice = make_product(shop_a, "Gạo ST25", price=30_000, stock=4)  # net 4: low
    untracked = make_product(shop_a, "Du lịch sinh thái", price=200_000, stock=None)
    fish = make_product(shop_b, "Khô cá", price=90_000, stock=1)
    now = timezone.now()
    make_order([(honey, 2), (fish, 5)])                       # A: 300.000, 2 honey
    make_order([(shrimp, 1), (honey, 1)])                     # A: 650.000
    make_order([(rice, 10)], status="cancelled")              # cancelled: not counted
    make_order([(honey, 7)], date_placed=now - datetime.timedelta(days=40))  # too old
    make_order([(fish, 9)])                                   # B only
    make_order([(untracked, 3)])                              # A: 600.000
    make_certificate(honey, status=OcopCertificate.Status.PENDING)
    make_certificate(shrimp, status=OcopCertificate.Status.VERIFIED)
    make_certificate(fish, status=OcopCertificate.Status.PENDING)
    return {"owner": owner, "shop": shop_a, "honey": honey, "shrimp": shrimp, "rice": rice}


def test_figures_match_hand_built_data(world):
    summary = overview_summary(shop=world["shop"])
    assert summary["orders"] == 3
    assert summary["revenue"] == 300_000 + 650_000 + 600_000
    assert isinstance(summary["revenue"], int)
    assert [(p["title"], p["quantity"]) for p in summary["top_products"]] == [
        ("Mật ong", 3), ("Du lịch sinh thái", 3), ("Tôm khô", 1),
    ]  # ties broken by product id (honey was listed first)
    assert [r.product.title for r in summary["low_stock"]] == ["Gạo ST25", "Tôm khô"]
    assert [r.net for r in summary["low_stock"]] == [4, 5]
    assert summary["pending_certificates"] == 1


def test_top_products_keeps_five(world):
    shop = world["shop"]
    products = [make_product(shop, f"SP {i}", stock=50) for i in range(7)]
    make_order([(p, 10 + i) for i, p in enumerate(products)])
    top = overview_summary(shop=shop)["top_products"]
    assert [p["title"] for p in top] == ["SP 6", "SP 5", "SP 4", "SP 3", "SP 2"]


def test_summary_uses_a_fixed_number_of_queries(world):
    with CaptureQueriesContext(connection) as few:
        overview_summary(shop=world["shop"])
    for _ in range(10):
        make_order([(world["honey"], 1), (world["rice"], 1)])
    with CaptureQueriesContext(connection) as many:
        overview_summary(shop=world["shop"])
    assert len(many) == len(few) <= 4


def test_overview_page_renders_the_figures(client, world):
    client.force_login(world["owner"])
    response = client.get(reverse("seller:overview", kwargs={"shop_code": "shop-a"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1.550.000 ₫" in html
    assert "Gạo ST25" in html and "Khô cá" not in html
