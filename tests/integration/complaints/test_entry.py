"""`complaints/_entry.html`, the returns entry the buyer's order pages include, and the
deadline wording both sides read."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from marketplace.complaints.services import complaint_open
from marketplace.complaints.templatetags.complaints import time_left
from marketplace.order.links import purchase_access_token
from tests.factories import make_user

from .conftest import delivered_order

pytestmark = pytest.mark.django_db


def entry(order, **context) -> str:
    return render_to_string("complaints/_entry.html", {"order": order, **context})


@pytest.mark.parametrize("delta, text", [
    (datetime.timedelta(days=1, hours=5, minutes=10), "1 ngày 5 giờ"),
    (datetime.timedelta(days=2), "2 ngày"),
    (datetime.timedelta(hours=3, minutes=20, seconds=5), "3 giờ 20 phút"),
    (datetime.timedelta(seconds=30), "1 phút"),
    (datetime.timedelta(seconds=-1), ""),
])
def test_time_left(delta, text):
    now = timezone.now()
    assert time_left(now + delta, now) == text


def test_a_delivered_order_offers_the_button_then_shows_the_case(world):
    order = world["order"]
    html = entry(order)
    assert "Trả hàng/Hoàn tiền" in html and f"/accounts/orders/{order.number}/complaint/" in html
    signed = entry(order, signed=True)
    token = purchase_access_token(world["purchase"])
    assert f"/checkout/purchases/{world['purchase'].number}/{token}/orders/{order.number}/complaint/" in signed
    complaint = complaint_open(order=order, user=world["buyer"], kind="complaint", reason="other",
                               message="Hộp móp.")
    html = entry(order)
    assert f"Yêu cầu {complaint.reference}" in html and "Chờ cửa hàng phản hồi" in html
    assert "Cửa hàng còn 1 ngày 23 giờ để phản hồi." in html
    assert ">Trả hàng/Hoàn tiền<" not in html


def test_an_order_on_its_way_offers_nothing():
    world = delivered_order("htx-dang-giao", make_user("b@example.vn"), deliver_it=False)
    assert entry(world["order"]).strip() == ""


def test_after_the_window_nothing_is_offered(world, settings):
    settings.COMPLAINT_WINDOW_DAYS = 0
    world["order"].shipments.update(delivered_at=timezone.now() - datetime.timedelta(minutes=1))
    assert entry(world["order"]).strip() == ""
