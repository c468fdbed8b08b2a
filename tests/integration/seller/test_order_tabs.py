"""Seller order list by tab (Shopee Seller Centre's tabs) and the overview's "Việc cần làm".

Orders are moved through the real lifecycle and parcel services, so the tabs are checked
against what a shop actually does; another shop's orders are never counted or listed.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Shipment
from marketplace.order.selectors import (
    ORDER_TABS,
    order_tab,
    shop_order_tab_counts,
    shop_orders_in_tab,
)
from marketplace.order.shipments import (
    shipment_delivered,
    shipment_failed,
    shipment_hand_over,
    shipment_returned,
)
from tests.factories import make_order, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

TAB_KEYS = ["all", "pending", "to_ship", "in_transit", "failed", "returned", "delivered", "cancelled", "complaints"]


def move(shop, order, owner, *steps):
    """Walk the shop's lines of `order` through `steps`, each a status or a parcel move."""
    shipment = None
    for step in steps:
        if step == "confirmed":
            order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                                   actor=owner, acting_as="owner")
        elif step == "cancelled":
            order_lines_transition(shop=shop, order=order, from_status="pending", to_status="cancelled",
                                   reason="Hết hàng", actor=owner, acting_as="owner")
        elif step == "handed":
            shipment = shipment_hand_over(shop=shop, order=order, carrier="self", actor=owner,
                                          acting_as="owner")
        elif step == "failed":
            shipment_failed(shipment=shipment, reason="refused", actor=owner, acting_as="owner")
        elif step == "returned":
            shipment_returned(shipment=shipment, actor=owner, acting_as="owner")
        elif step == "delivered":
            shipment_delivered(shipment=shipment, actor=owner, acting_as="owner")
    return shipment


@pytest.fixture
def world():
    owner_a = make_user("owner-a@example.vn")
    owner_b = make_user("owner-b@example.vn")
    shop_a = make_shop("shop-a", owner=owner_a)
    shop_b = make_shop("shop-b", owner=owner_b)
    honey = make_product(shop_a, "Mật ong U Minh", price=150_000, stock=500)
    rice = make_product(shop_a, "Gạo ST25", price=30_000, stock=500)
    fish = make_product(shop_b, "Khô cá sặc bổi BBB", price=90_000, stock=500)
    orders = {
        "pending": make_order([(honey, 1)], number="700001"),
        "confirmed": make_order([(honey, 1)], number="700002"),
        "in_transit": make_order([(honey, 1)], number="700003"),
        "failed": make_order([(honey, 1)], number="700004"),
        "returned": make_order([(honey, 1)], number="700005"),
        "delivered": make_order([(honey, 1)], number="700006"),
        "cancelled": make_order([(honey, 1)], number="700007"),
        # An older order mixing shops: A's line pending, B's line handed to the carrier.
        "mixed": make_order([(rice, 2), (fish, 1)], number="700008"),
        # Split in two parcels: one on its way, the other line still to hand over.
        "split": make_order([(honey, 1), (rice, 1)], number="700009"),
    }
    move(shop_a, orders["confirmed"], owner_a, "confirmed")
    move(shop_a, orders["in_transit"], owner_a, "confirmed", "handed")
    move(shop_a, orders["failed"], owner_a, "confirmed", "handed", "failed")
    move(shop_a, orders["returned"], owner_a, "confirmed", "handed", "failed", "returned")
    move(shop_a, orders["delivered"], owner_a, "confirmed", "handed", "delivered")
    move(shop_a, orders["cancelled"], owner_a, "cancelled")
    move(shop_b, orders["mixed"], owner_b, "confirmed", "handed")
    split = orders["split"]
    move(shop_a, split, owner_a, "confirmed")
    honey_line = split.lines.get(product=honey)
    shipment_hand_over(shop=shop_a, order=split, carrier="self", line_ids=[honey_line.pk],
                       actor=owner_a, acting_as="owner")
    # Shop B's own orders, one in every place: none of them is A's business.
    b_orders = [make_order([(fish, 1)], number=f"70010{i}") for i in range(4)]
    move(shop_b, b_orders[1], owner_b, "confirmed")
    move(shop_b, b_orders[2], owner_b, "confirmed", "handed", "failed")
    move(shop_b, b_orders[3], owner_b, "cancelled")
    return {
        "owner_a": owner_a, "owner_b": owner_b, "shop_a": shop_a, "shop_b": shop_b,
        "honey": honey, "fish": fish, "orders": orders, "b_orders": b_orders,
    }


def orders_url(shop="shop-a"):
    return reverse("seller:orders", kwargs={"shop_code": shop})


def listed(response) -> set[str]:
    return {order.number for order in response.context["orders"]}


EXPECTED_A = {
    "all": {"700001", "700002", "700003", "700004", "700005", "700006", "700007", "700008", "700009"},
    "pending": {"700001", "700008"},
    "to_ship": {"700002", "700009"},
    "in_transit": {"700003", "700009"},
    "failed": {"700004"},
    "returned": {"700005"},
    "delivered": {"700006"},
    "cancelled": {"700007"},
    "complaints": set(),  # tests/integration/complaints/test_selectors_in_order_pages.py
}


def test_the_tabs_are_shopees_in_order():
    assert [tab.key for tab in ORDER_TABS] == TAB_KEYS
    assert [str(tab.label) for tab in ORDER_TABS] == [
        "Tất cả", "Chờ xác nhận", "Chờ giao cho vận chuyển", "Đang giao", "Giao không thành công",
        "Đã hoàn về", "Đã giao", "Đã hủy", "Trả hàng/Khiếu nại",
    ]
    assert order_tab("nope").key == "all" and order_tab(None).key == "all"


def test_counts_match_the_orders_each_tab_lists(world):
    shop = world["shop_a"]
    counts = shop_order_tab_counts(shop=shop)
    assert counts == {key: len(numbers) for key, numbers in EXPECTED_A.items()}
    for key, numbers in EXPECTED_A.items():
        assert set(shop_orders_in_tab(shop=shop, tab=key).values_list("number", flat=True)) == numbers


def test_parcel_tabs_follow_the_parcels(world):
    """"Đang giao", "Giao không thành công", "Đã hoàn về" are the shop's parcels' states."""
    shop = world["shop_a"]
    by_status = {
        status: set(Shipment.objects.filter(shop=shop, status=status).values_list("order__number", flat=True))
        for status in Shipment.Status.values
    }
    assert by_status["in_transit"] == EXPECTED_A["in_transit"]
    assert by_status["failed"] == EXPECTED_A["failed"]
    assert by_status["returned"] == EXPECTED_A["returned"]
    assert by_status["delivered"] == EXPECTED_A["delivered"]


def test_counts_take_two_queries(world, django_assert_num_queries):
    # One over the shop's lines for every tab of lines, one for the open complaints.
    with django_assert_num_queries(2):
        shop_order_tab_counts(shop=world["shop_a"])


def test_every_tab_on_the_page_with_its_count(client, world):
    client.force_login(world["owner_a"])
    response = client.get(orders_url())
    assert response.status_code == 200
    assert [(t["key"], t["count"]) for t in response.context["tabs"]] == [
        (key, len(EXPECTED_A[key])) for key in TAB_KEYS
    ]
    html = response.content.decode()
    assert 'href="?tab=to_ship"' in html and "Chờ giao cho vận chuyển" in html
    assert 'data-tab="all" aria-current="page"' in html
    for key, numbers in EXPECTED_A.items():
        response = client.get(orders_url(), {"tab": key})
        assert response.status_code == 200
        assert response.context["tab"].key == key
        assert listed(response) == numbers, key
        assert f'data-tab="{key}" aria-current="page"' in response.content.decode()


@pytest.mark.parametrize("tab", ["bogus", "", "ALL", "<script>", "pending'--", "0" * 500])
def test_an_unknown_tab_shows_every_order(client, world, tab):
    client.force_login(world["owner_a"])
    response = client.get(orders_url(), {"tab": tab})
    assert response.status_code == 200
    assert response.context["tab"].key == "all"
    assert listed(response) == EXPECTED_A["all"]
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]


def test_another_shops_orders_are_never_counted_or_listed(client, world):
    b_numbers = {o.number for o in world["b_orders"]}
    client.force_login(world["owner_a"])
    for key in TAB_KEYS:
        response = client.get(orders_url(), {"tab": key})
        assert not listed(response) & b_numbers
        html = response.content.decode()
        assert "Khô cá sặc bổi BBB" not in html  # B's line of the mixed order
    # Shop B sees its own: the mixed order is in transit for B, pending for A.
    client.force_login(world["owner_b"])
    response = client.get(orders_url("shop-b"), {"tab": "in_transit"})
    assert listed(response) == {"700008"}
    counts = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"all": 5, "pending": 1, "to_ship": 1, "in_transit": 1, "failed": 1,
                      "returned": 0, "delivered": 0, "cancelled": 1, "complaints": 0}
    # A's owner cannot open B's list at all.
    client.force_login(world["owner_a"])
    assert client.get(orders_url("shop-b")).status_code == 404


def test_a_late_parcel_is_marked(client, world, settings):
    settings.SHIPMENT_LATE_DAYS = 5
    shop = world["shop_a"]
    late = Shipment.objects.get(shop=shop, order=world["orders"]["in_transit"])
    late.handed_at = timezone.now() - datetime.timedelta(days=6)
    late.save(update_fields=["handed_at"])
    client.force_login(world["owner_a"])
    response = client.get(orders_url(), {"tab": "in_transit"})
    flags = {o.number: [s.is_late for s in o.shop_shipments] for o in response.context["orders"]}
    assert flags == {"700003": [True], "700009": [False]}
    assert response.content.decode().count("Trễ: đang giao hơn 5 ngày") == 1


def test_the_list_shows_own_lines_total_and_parcel(client, world):
    client.force_login(world["owner_a"])
    response = client.get(orders_url(), {"tab": "in_transit"})
    split = next(o for o in response.context["orders"] if o.number == "700009")
    assert [line.title for line in split.shop_lines] == ["Mật ong U Minh", "Gạo ST25"]
    assert split.shop_total == 180_000
    assert [s.status for s in split.shop_shipments] == ["in_transit"]
    html = response.content.decode()
    assert "180.000 ₫" in html and "Cửa hàng tự giao" in html


def test_pages_keep_the_tab_and_never_404(client, world):
    honey = world["honey"]
    for n in range(25):
        make_order([(honey, 1)], number=f"71{n:04d}")
    client.force_login(world["owner_a"])
    first = client.get(orders_url(), {"tab": "pending"})
    assert len(first.context["orders"]) == 20
    assert first.context["paginator"].count == 27
    assert "?tab=pending&amp;page=2" in first.content.decode()
    second = client.get(orders_url(), {"tab": "pending", "page": 2})
    assert len(second.context["orders"]) == 7
    assert not listed(first) & listed(second)
    for page in ("99", "abc", "-1"):
        assert client.get(orders_url(), {"tab": "pending", "page": page}).status_code == 200


def _page_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def _grow(world, count, *, start):
    """`count` more orders of shop A, each in transit (a parcel of two lines) or pending."""
    shop, owner, honey = world["shop_a"], world["owner_a"], world["honey"]
    for n in range(count):
        order = make_order([(honey, 1), (world["fish"], 1)], number=f"{start + n}")
        if n % 2:
            move(shop, order, owner, "confirmed", "handed")


@pytest.mark.parametrize("tab", ["all", "in_transit", "pending"])
def test_the_list_runs_the_same_queries_for_3_and_30_orders(client, world, tab):
    client.force_login(world["owner_a"])
    url = orders_url()
    _page_queries(client, url, {"tab": tab})  # warm caches (site, content types)
    _grow(world, 3, start=800000)
    few = _page_queries(client, url, {"tab": tab})
    _grow(world, 27, start=810000)
    many = _page_queries(client, url, {"tab": tab})
    assert many == few


# --- the overview's "Việc cần làm" ------------------------------------------------------------


def overview(client):
    return client.get(reverse("seller:overview", kwargs={"shop_code": "shop-a"}))


def test_todo_counts_and_links(client, world):
    # Low stock: honey has 500, make rice low (net 3) and set a threshold on honey above it.
    world["shop_a"].stockrecords.filter(product__title="Gạo ST25").update(num_in_stock=10, num_allocated=7)
    world["shop_b"].stockrecords.update(num_in_stock=1, num_allocated=0)  # B's: not A's business
    client.force_login(world["owner_a"])
    response = overview(client)
    todo = {item["key"]: (item["count"], item["url"]) for item in response.context["todo"]}
    base = orders_url()
    assert todo == {
        "pending": (2, f"{base}?tab=pending"),
        "to_ship": (2, f"{base}?tab=to_ship"),
        "failed": (1, f"{base}?tab=failed"),
        "complaints": (0, reverse("seller:complaints", kwargs={"shop_code": "shop-a"}) + "?status=active"),
        "low_stock": (1, reverse("seller:stock", kwargs={"shop_code": "shop-a"}) + "?low=1"),
    }
    html = response.content.decode()
    assert "Việc cần làm" in html and f'href="{base}?tab=failed"' in html
    # One tap away: the link opens the list of exactly those orders.
    assert listed(client.get(todo["failed"][1])) == EXPECTED_A["failed"]


def test_low_stock_honours_the_records_threshold(client, world):
    honey_record = world["honey"].stockrecords.get()
    honey_record.low_stock_threshold = 600  # 500 available: low for this product
    honey_record.save()
    client.force_login(world["owner_a"])
    todo = {item["key"]: item["count"] for item in overview(client).context["todo"]}
    assert todo["low_stock"] == 1


def test_the_overview_runs_the_same_queries_for_3_and_30_orders(client, world):
    client.force_login(world["owner_a"])
    overview(client)
    _grow(world, 3, start=820000)
    with CaptureQueriesContext(connection) as few:
        overview(client)
    _grow(world, 27, start=830000)
    with CaptureQueriesContext(connection) as many:
        overview(client)
    assert len(many) == len(few)
