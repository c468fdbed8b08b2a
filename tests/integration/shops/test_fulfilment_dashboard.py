"""/dashboard/shops/fulfilment/: each shop's late, failed and returned parcels, for programme
staff only, in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Shipment
from marketplace.order.selectors import FULFILMENT_COLUMNS, shop_fulfilment_rows
from marketplace.order.shipments import (
    shipment_delivered,
    shipment_failed,
    shipment_hand_over,
    shipment_returned,
)
from shops.services import RESERVED_CODES
from tests.factories import make_order, make_product, make_shop, make_staff, make_user

pytestmark = pytest.mark.django_db

URL = "/dashboard/shops/fulfilment/"


def parcel(shop, owner, *, days_ago: float = 0, then: str = ""):
    """One order of `shop` handed to its own delivery `days_ago`, then failed/returned/delivered."""
    product = shop.products.first()
    order = make_order([(product, 1)])
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    shipment = shipment_hand_over(shop=shop, order=order, carrier="self", actor=owner, acting_as="owner")
    Shipment.objects.filter(pk=shipment.pk).update(
        handed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    if then in ("failed", "returned"):
        shipment_failed(shipment=shipment, reason="unreachable", actor=owner, acting_as="owner")
    if then == "returned":
        shipment_returned(shipment=shipment, actor=owner, acting_as="owner")
    if then == "delivered":
        shipment_delivered(shipment=shipment, actor=owner, acting_as="owner")
    return shipment


def shop_with_owner(code: str):
    owner = make_user(f"{code}@example.vn")
    shop = make_shop(code, name=f"Cửa hàng {code}", owner=owner)
    make_product(shop, f"Sản phẩm {code}", price=100_000, stock=500)
    return shop, owner


@pytest.fixture
def world(settings):
    settings.SHIPMENT_LATE_DAYS = 5
    a, owner_a = shop_with_owner("shop-a")
    b, owner_b = shop_with_owner("shop-b")
    quiet, owner_q = shop_with_owner("shop-quiet")
    parcel(a, owner_a, days_ago=6)                 # late
    parcel(a, owner_a, days_ago=9)                 # late
    parcel(a, owner_a, days_ago=1)                 # in transit, on time
    parcel(a, owner_a, days_ago=2, then="failed")
    parcel(a, owner_a, days_ago=3, then="returned")
    old_return = parcel(a, owner_a, days_ago=50, then="returned")
    Shipment.objects.filter(pk=old_return.pk).update(
        returned_at=timezone.now() - datetime.timedelta(days=40)
    )
    parcel(b, owner_b, days_ago=1, then="failed")
    parcel(b, owner_b, days_ago=1, then="failed")
    parcel(quiet, owner_q, days_ago=2, then="delivered")  # nothing to show
    return {"a": a, "b": b, "quiet": quiet, "owner_a": owner_a}


def figures(response) -> dict[str, dict[str, int]]:
    return {shop.code: dict(values) for shop, values in response.context["rows"]}


def test_staff_see_each_shops_figures(client, world):
    client.force_login(make_staff())
    response = client.get(URL)
    assert response.status_code == 200
    assert figures(response) == {
        "shop-a": {"in_transit": 3, "late": 2, "failed": 1, "returned": 1, "open_complaints": 0},
        "shop-b": {"in_transit": 0, "late": 0, "failed": 2, "returned": 0, "open_complaints": 0},
    }
    # Most late parcels first; a shop with nothing to show is left out.
    assert [shop.code for shop, _values in response.context["rows"]] == ["shop-a", "shop-b"]
    html = response.content.decode()
    assert "Cửa hàng shop-quiet" not in html
    assert 'data-column="late"' in html and "Giao trễ" in html
    assert "sau 5 ngày" in html


def test_the_late_threshold_is_a_setting(client, world, settings):
    settings.SHIPMENT_LATE_DAYS = 8
    client.force_login(make_staff())
    assert figures(client.get(URL))["shop-a"]["late"] == 1


def test_the_columns_are_declared_once():
    assert [c.key for c in FULFILMENT_COLUMNS] == [
        "in_transit", "late", "failed", "returned", "open_complaints",
    ]


def test_a_seller_gets_403_and_a_visitor_signs_in(client, world):
    assert client.get(URL).status_code == 302
    assert "/accounts/login/" in client.get(URL)["Location"]
    client.force_login(world["owner_a"])
    assert client.get(URL).status_code == 403


def test_the_menu_shows_the_page_to_staff(client, world):
    client.force_login(make_staff())
    html = client.get(reverse("shops-dashboard:list")).content.decode()
    assert f'href="{URL}"' in html


def test_fulfilment_is_not_a_shop_code():
    assert "fulfilment" in RESERVED_CODES
    assert reverse("shops-dashboard:fulfilment") == URL


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_few_and_many_shops(client, world):
    client.force_login(make_staff())
    _queries(client)  # warm caches
    few = _queries(client)
    for n in range(8):
        shop, owner = shop_with_owner(f"more-{n}")
        parcel(shop, owner, days_ago=7)
        parcel(shop, owner, days_ago=1, then="failed")
    response = client.get(URL)
    assert len(response.context["rows"]) == 10
    assert _queries(client) == few


def test_rows_are_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(shop_fulfilment_rows())
    assert {shop.code for shop in rows} == {"shop-a", "shop-b"}
