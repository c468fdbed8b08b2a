"""Open cases where the shop and programme staff work: the seller's "Trả hàng/Khiếu nại" order
tab and to-do count, the notice on the seller's order page, staff's column per shop."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.complaints.models import Complaint
from marketplace.complaints.services import complaint_close, complaint_open
from marketplace.order.selectors import shop_order_tab_counts
from tests.factories import make_staff, make_user

from .conftest import delivered_order

pytestmark = pytest.mark.django_db


def open_case(world, buyer) -> Complaint:
    return complaint_open(
        order=world["order"], user=buyer, kind=Complaint.Kind.COMPLAINT,
        reason=Complaint.Reason.NOT_AS_DESCRIBED, message="Mật ong bị loãng, không như mô tả.",
    )


def test_the_shops_open_cases_are_a_tab_and_a_to_do(client, world, buyer):
    other = delivered_order("htx-khac", make_user("khac@example.vn"))
    open_case(other, other["order"].user)  # another shop's case: never counted here
    assert shop_order_tab_counts(shop=world["shop"])["complaints"] == 0

    case = open_case(world, buyer)
    assert shop_order_tab_counts(shop=world["shop"])["complaints"] == 1
    client.force_login(world["owner"])
    orders = client.get(reverse("seller:orders", kwargs={"shop_code": world["shop"].code}),
                        {"tab": "complaints"})
    assert [order.number for order in orders.context["orders"]] == [world["order"].number]
    todo = {item["key"]: item for item in client.get(
        reverse("seller:overview", kwargs={"shop_code": world["shop"].code})
    ).context["todo"]}
    assert todo["complaints"]["count"] == 1
    assert todo["complaints"]["url"] == reverse("seller:complaints", kwargs={"shop_code": world["shop"].code}) + "?status=active"

    complaint_close(complaint=case, actor=make_staff(), reason="Hai bên đã thỏa thuận.")
    assert shop_order_tab_counts(shop=world["shop"])["complaints"] == 0


def test_the_seller_order_page_leads_to_the_case(client, world, buyer):
    page_url = reverse("seller:order-detail", kwargs={
        "shop_code": world["shop"].code, "order_number": world["order"].number,
    })
    client.force_login(world["owner"])
    assert "Xem và phản hồi" not in client.get(page_url).content.decode()
    case = open_case(world, buyer)
    html = client.get(page_url).content.decode()
    assert "Xem và phản hồi" in html
    assert reverse("seller:complaint-detail", kwargs={
        "shop_code": world["shop"].code, "complaint_pk": case.pk,
    }) in html


def test_staff_see_open_cases_per_shop(client, world, buyer):
    open_case(world, buyer)
    client.force_login(make_staff())
    response = client.get("/dashboard/shops/fulfilment/")
    rows = {shop.code: dict(values) for shop, values in response.context["rows"]}
    assert rows[world["shop"].code]["open_complaints"] == 1
    assert "Trả hàng/Khiếu nại" in response.content.decode()
