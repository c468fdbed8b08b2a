"""Money a case owes the buyer (COD, transfer) is given back once: through the case, never a
second time from the order page; the shop's complaint list never 404s on a bad page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.complaints.models import Complaint
from marketplace.complaints.services import (
    complaint_open,
    complaint_refund,
    complaint_refund_record,
)
from marketplace.payment.refunds import order_refund
from marketplace.payment.services import PaymentError, order_mark_paid

pytestmark = pytest.mark.django_db


def test_money_owed_through_a_case_is_not_refunded_twice(world, buyer):
    owner, shop = world["owner"], world["shop"]
    order_mark_paid(world["order"], actor=owner, acting_as="owner")
    case = complaint_open(order=world["order"], user=buyer, kind=Complaint.Kind.REFUND_ONLY,
                          reason=Complaint.Reason.DAMAGED, message="Một hũ bị vỡ.",
                          requested_amount=50_000)
    complaint_refund(complaint=case, shop=shop, amount=50_000, actor=owner, acting_as="owner")
    order = world["order"]
    order.refresh_from_db()
    assert order.amount_paid == 330_000 and order.amount_refunded == 0

    # The order page's refund cannot take the 50.000 ₫ the case owes a second time.
    with pytest.raises(PaymentError, match="đang chờ ghi nhận"):
        order_refund(order, amount=300_000, actor=owner, acting_as="owner")
    order.refresh_from_db()
    assert order.amount_refunded == 0
    order_refund(order, amount=280_000, actor=owner, acting_as="owner")  # the rest is free

    complaint_refund_record(complaint=Complaint.objects.get(pk=case.pk), shop=shop, actor=owner,
                            acting_as="owner")
    order.refresh_from_db()
    assert order.amount_refunded == 330_000  # 280.000 + the case's 50.000, once each
    with pytest.raises(PaymentError):
        order_refund(order, amount=1, actor=owner, acting_as="owner")


def test_the_shops_case_list_shows_a_page_for_any_page_number(client, world):
    client.force_login(world["owner"])
    url = reverse("seller:complaints", kwargs={"shop_code": world["shop"].code})
    for page in ("abc", "999", "-1"):
        assert client.get(url, {"page": page}).status_code == 200
