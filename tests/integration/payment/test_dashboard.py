"""/dashboard/payments/: programme staff see every shop's order payments, mark bank
transfers received and refund paid orders; nobody else gets in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db

LIST = reverse("payments-dashboard:list")


def mark_url(order):
    return reverse("payments-dashboard:mark-paid", kwargs={"order_number": order.number})


def refund_url(order):
    return reverse("payments-dashboard:refund", kwargs={"order_number": order.number})


@pytest.fixture
def world():
    owner_a = make_user("owner-a@example.vn")
    shops = [make_shop("mat-ong", owner=owner_a, name="Mật ong Hai Ngọt"), make_shop("kho-ca", name="Khô cá Năm Căn")]
    for shop in shops:
        make_option(shop, "Giao tận nơi", fee=20_000)
    products = [make_product(shops[0], "Mật ong", price=100_000), make_product(shops[1], "Khô cá", price=200_000)]
    staff = make_user("canbo@example.vn")
    staff.is_staff = True
    staff.save()
    return {"shops": shops, "products": products, "staff": staff, "owner_a": owner_a}


def buy(world, method="bank_transfer", items=None):
    items = items or [(world["products"][0], 1), (world["products"][1], 1)]
    purchase = place(make_basket(items), payment_method=method).purchase
    return {order.shop.code: order for order in purchase.orders.select_related("shop")}


def test_strangers_sellers_and_buyers_are_kept_out(client, world):
    orders = buy(world)
    order = orders["mat-ong"]
    urls = [LIST, mark_url(order), refund_url(order)]
    for target in urls:
        response = client.get(target)
        assert response.status_code == 302 and "/login/" in response["Location"], target
    for user in (world["owner_a"], make_user("buyer@example.vn")):
        client.force_login(user)
        for target in urls:
            assert client.get(target).status_code == 403, target
            assert client.post(target, {"amount": "1000", "reason": "x"}).status_code == 403, target
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid, order.amount_refunded) == ("awaiting_transfer", 0, 0)


def test_staff_see_every_shops_orders_and_filter_them(client, world):
    transfer = buy(world)
    cod = buy(world, "cod")
    client.force_login(world["staff"])
    html = client.get(LIST).content.decode()
    # Default view: what staff may have to act on (awaiting transfer, paid).
    assert transfer["mat-ong"].number in html and transfer["kho-ca"].number in html
    assert cod["mat-ong"].number not in html
    assert "Mật ong Hai Ngọt" in html and "Khô cá Năm Căn" in html
    assert html.count("Đã nhận chuyển khoản") == 2

    html = client.get(LIST, {"shop": "kho-ca"}).content.decode()
    assert transfer["kho-ca"].number in html and transfer["mat-ong"].number not in html
    html = client.get(LIST, {"payment_status": "cod_due"}).content.decode()
    assert cod["mat-ong"].number in html and transfer["mat-ong"].number not in html
    html = client.get(LIST, {"payment_status": "all", "shop": "mat-ong"}).content.decode()
    assert cod["mat-ong"].number in html and transfer["mat-ong"].number in html
    assert cod["kho-ca"].number not in html
    response = client.get(LIST, {"payment_status": "<x>", "shop": "nope"})
    assert response.status_code == 200 and "Bộ lọc không hợp lệ" in response.content.decode()


def test_list_queries_do_not_grow_with_orders(client, world):
    buy(world)
    client.force_login(world["staff"])
    client.get(LIST)  # warm caches (site, content types, session)
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST)
    assert len(response.context["orders"]) == 2
    for _ in range(6):
        buy(world)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["orders"]) == 14
    assert len(many) == len(few)


def test_staff_mark_a_transfer_received_once(client, world):
    order = buy(world)["kho-ca"]
    client.force_login(world["staff"])
    response = client.post(mark_url(order), {"next": LIST + "?shop=kho-ca"})
    assert response.status_code == 302 and response["Location"] == LIST + "?shop=kho-ca"
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == ("paid", 220_000)
    event = AuditEvent.objects.get(action="order.paid")
    assert event.acting_as == "programme" and event.actor == world["staff"] and event.shop == order.shop

    again = client.post(mark_url(order), {"next": "https://evil.example/"}, follow=True)
    assert again.redirect_chain[0][0] == LIST
    assert "đã được ghi nhận thanh toán trước đó" in again.content.decode()
    assert AuditEvent.objects.filter(action="order.paid").count() == 1
    assert client.get(mark_url(order)).status_code == 405
    missing = reverse("payments-dashboard:mark-paid", kwargs={"order_number": "999999-9"})
    assert client.post(missing).status_code == 404


def test_staff_refund_partial_over_and_full(client, world):
    order = buy(world)["mat-ong"]
    client.force_login(world["staff"])
    client.post(mark_url(order))
    html = client.get(LIST).content.decode()
    assert f'value="{order.total_vnd}"' in html  # the refund form starts at what is refundable

    client.post(refund_url(order), {"amount": "20.000", "reason": "Phí giao thu thừa"})
    order.refresh_from_db()
    assert (order.amount_refunded, order.payment_status) == (20_000, "partially_refunded")

    response = client.post(refund_url(order), {"amount": "100001", "reason": "Nhầm"})
    assert response.status_code == 200
    assert "Chỉ có thể hoàn tối đa 100.000 ₫" in response.content.decode()
    order.refresh_from_db()
    assert order.amount_refunded == 20_000

    response = client.post(refund_url(order), {"amount": "100000", "reason": "Hủy đơn"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.amount_refunded, order.payment_status, order.refundable) == (120_000, "refunded", 0)
    events = AuditEvent.objects.filter(action="order.refunded").order_by("pk")
    assert [(e.data["amount"], e.acting_as, e.data["reference"]) for e in events] == [
        (20_000, "programme", "manual"), (100_000, "programme", "manual")]
    assert Order.objects.get(pk=buy(world)["kho-ca"].pk).amount_refunded == 0


def test_refund_page_shows_the_order_and_refuses_an_unpaid_one(client, world):
    order = buy(world)["mat-ong"]
    client.force_login(world["staff"])
    page = client.get(refund_url(order))
    assert page.status_code == 200 and order.number in page.content.decode()
    response = client.post(refund_url(order), {"amount": "1000", "reason": "x"})
    assert response.status_code == 200 and "chưa được thanh toán" in response.content.decode()


def test_dashboard_navigation_links_the_page_for_staff(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("dashboard:index")).content.decode()
    assert LIST in html and "Thanh toán đơn hàng" in html
