"""Where a buyer's shop order is: the timeline (marketplace/order/selectors.py:order_timeline),
the parcels on the buyer's order page and the signed purchase page, and "Đã nhận hàng"
(marketplace/order/views.py) — for the signed-in buyer and through the purchase link."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from marketplace.core.models import AuditEvent
from marketplace.core.money import format_vnd
from marketplace.order.lifecycle import order_lines_transition, purchase_cancel
from marketplace.order.links import purchase_access_token, purchase_link
from marketplace.order.models import Order, Shipment
from marketplace.order.shipments import (
    ShipmentError,
    order_received_by_buyer,
    shipment_delivered,
    shipment_failed,
    shipment_hand_over,
    shipment_reattempt,
    shipment_returned,
)
from marketplace.order.statuses import OrderStatus
from marketplace.order.tracking import order_timeline, orders_tracking
from marketplace.payment.refunds import order_refund
from marketplace.payment.services import order_mark_paid, purchase_card_paid
from tests.concurrency import at_once
from tests.factories import (
    card_purchase,
    login,
    make_basket,
    make_option,
    make_product,
    make_shop,
    make_user,
    place,
)

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
GHN_LINK = "https://donhang.ghn.vn/?order_code=GYCYQNYM"


def at(text: str) -> datetime.datetime:
    """A moment given on the buyer's clock (Asia/Ho_Chi_Minh)."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A signed-up buyer's COD order of 2 jars of honey (150.000 ₫) and a dried fish (80.000 ₫),
    delivery 30.000 ₫, placed at 08:00 and confirmed by the shop at 09:00 on 2 March 2026."""
    owner = make_user("chu@htx.vn")
    shop = make_shop("htx-mat-ong", name="HTX Mật ong U Minh", owner=owner)
    make_option(shop, fee=30_000)
    honey = make_product(shop, "Mật ong U Minh", price=150_000, stock=10)
    fish = make_product(shop, "Khô cá bổi", price=80_000, stock=10)
    buyer = make_user("mua@example.vn")
    with freeze_time(at("2026-03-02 08:00")), django_capture_on_commit_callbacks(execute=True):
        purchase = place(make_basket([(honey, 2), (fish, 1)], owner=buyer), user=buyer,
                         email=buyer.email).purchase
    order = purchase.orders.get()
    with freeze_time(at("2026-03-02 09:00")):
        order_lines_transition(shop=shop, order=order, from_status="pending",
                               to_status="confirmed", actor=owner, acting_as="owner")
    order.refresh_from_db()
    return {"owner": owner, "shop": shop, "honey": honey, "fish": fish, "order": order,
            "buyer": buyer, "purchase": purchase}


def hand_over(world, moment="2026-03-02 14:30", **kwargs):
    values = {"carrier": "ghn", "tracking_code": "GYCYQNYM"}
    values.update(kwargs)
    with freeze_time(at(moment)):
        return shipment_hand_over(shop=world["shop"], order=world["order"], actor=world["owner"],
                                  acting_as="owner", **values)


def owner_does(world, move, moment, **kwargs):
    with freeze_time(at(moment)):
        return move(actor=world["owner"], acting_as="owner", **kwargs)


def summary(steps) -> list[tuple[str, str, str]]:
    return [(step.kind, step.title, step.at.strftime("%d/%m %H:%M")) for step in steps]


def order_url(order) -> str:
    return reverse("customer:order", kwargs={"order_number": order.number})


def received_url(order) -> str:
    return reverse("order-received", kwargs={"order_number": order.number})


def guest_received_url(purchase, order, token=None) -> str:
    return reverse("checkout:purchase-order-received", kwargs={
        "number": purchase.number, "token": token or purchase_access_token(purchase),
        "order_number": order.number,
    })


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the timeline ------------------------------------------------------------------------


def test_cod_refused_at_the_door_tried_again_then_returned(world):
    shipment = hand_over(world)
    owner_does(world, shipment_failed, "2026-03-03 10:15", shipment=shipment, reason="refused")
    owner_does(world, shipment_reattempt, "2026-03-03 16:00", shipment=shipment)
    owner_does(world, shipment_failed, "2026-03-04 11:00", shipment=shipment, reason="unreachable",
               note="Gọi 3 lần không nghe máy")
    owner_does(world, shipment_returned, "2026-03-06 17:45", shipment=shipment)

    steps = order_timeline(world["order"])

    assert summary(steps) == [
        ("placed", "Đặt hàng", "02/03 08:00"),
        ("confirmed", "Cửa hàng đã xác nhận đơn", "02/03 09:00"),
        ("handed_over", "Đã giao cho GHN (Giao Hàng Nhanh)", "02/03 14:30"),
        ("failed", "Giao không thành công: Người mua từ chối nhận hàng", "03/03 10:15"),
        ("reattempt", "Giao lại", "03/03 16:00"),
        ("failed", "Giao không thành công: Không liên lạc được người mua (Gọi 3 lần không nghe máy)",
         "04/03 11:00"),
        ("returned", "Đã hoàn về cửa hàng", "06/03 17:45"),
    ]
    assert all(step.at.tzinfo == HCM for step in steps)
    handed = steps[2]
    assert (handed.tracking_code, handed.tracking_url) == ("GYCYQNYM", GHN_LINK)
    # COD is not a payment in advance: no "Đã thanh toán" step.
    assert "paid" not in {step.kind for step in steps}
    tracking = orders_tracking([world["order"]])[world["order"].pk]
    assert not tracking.in_transit and tracking.cod_to_prepare == 0  # back at the shop


def test_delivered_and_confirmed_by_the_buyer(world):
    shipment = hand_over(world)
    with freeze_time(at("2026-03-04 19:20")):
        assert order_received_by_buyer(order=world["order"], actor=world["buyer"]) == 1

    steps = order_timeline(world["order"])

    assert summary(steps)[-2:] == [
        ("handed_over", "Đã giao cho GHN (Giao Hàng Nhanh)", "02/03 14:30"),
        ("received", "Đã nhận hàng", "04/03 19:20"),
    ]
    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivery_confirmed_by) == ("delivered", "buyer")
    tracking = orders_tracking([world["order"]])[world["order"].pk]
    assert tracking.delivered and not tracking.in_transit


def test_delivered_by_the_shop_and_the_shop_own_delivery(world):
    honey_line = world["order"].lines.get(product=world["honey"])
    first = hand_over(world, line_ids=[honey_line.pk])
    hand_over(world, "2026-03-02 15:00", carrier="self", tracking_code="")
    owner_does(world, shipment_delivered, "2026-03-03 09:00", shipment=first)

    steps = order_timeline(world["order"])

    assert [(s.kind, s.title, s.parcel) for s in steps[2:]] == [
        ("handed_over", "Đã giao cho GHN (Giao Hàng Nhanh)", 1),
        ("handed_over", "Cửa hàng đang tự giao hàng đến bạn", 2),
        ("delivered", "Đã giao", 1),
    ]
    assert steps[-1].detail == "Cửa hàng xác nhận đã giao."
    tracking = orders_tracking([world["order"]])[world["order"].pk]
    assert [(p.number, p.carrier_name, p.tracking_url) for p in tracking.parcels] == [
        (1, "GHN (Giao Hàng Nhanh)", GHN_LINK), (2, "Cửa hàng tự giao", ""),
    ]
    # The buyer prepares the cash of the parcel still on its way: the fish, nothing more.
    assert tracking.in_transit and tracking.cod_to_prepare == 80_000


def test_card_paid_shows_the_payment_step():
    with freeze_time(at("2026-03-02 08:00")):
        purchase, _products = card_purchase(1)
    with freeze_time(at("2026-03-02 08:03")):
        assert purchase_card_paid(purchase, amount=purchase.total, reference="pi_test") == "paid"
    order = purchase.orders.get()

    assert summary(order_timeline(order)) == [
        ("placed", "Đặt hàng", "02/03 08:00"),
        ("paid", "Đã thanh toán", "02/03 08:03"),
    ]
    assert order_timeline(order)[1].detail == "Thẻ ngân hàng / thẻ quốc tế"


def test_cancelled_by_the_shop_with_its_reason(world):
    with freeze_time(at("2026-03-02 10:00")):
        order_lines_transition(shop=world["shop"], order=world["order"], from_status="confirmed",
                               to_status="cancelled", reason="Hết mật ong loại 500 ml",
                               actor=world["owner"], acting_as="owner")

    steps = order_timeline(world["order"])

    assert summary(steps)[-1] == ("cancelled", "Đơn đã hủy", "02/03 10:00")
    assert steps[-1].detail == "Lý do: Hết mật ong loại 500 ml"


def test_a_transfer_paid_then_cancelled_and_refunded(world):
    shop, owner = world["shop"], world["owner"]
    with freeze_time(at("2026-03-05 08:00")):
        order = place(make_basket([(world["honey"], 1)]), payment_method="bank_transfer").purchase.orders.get()
    with freeze_time(at("2026-03-05 09:10")):
        order_mark_paid(order, actor=owner, acting_as="owner", note="VCB 123")
    with freeze_time(at("2026-03-05 10:00")):
        order_lines_transition(shop=shop, order=order, from_status="pending", to_status="cancelled",
                               reason="Hết hàng", actor=owner, acting_as="owner")
    with freeze_time(at("2026-03-05 11:30")):
        order_refund(Order.objects.get(pk=order.pk), amount=180_000, actor=owner, acting_as="owner",
                     reason="Chuyển khoản trả lại")

    steps = order_timeline(Order.objects.get(pk=order.pk))

    assert summary(steps) == [
        ("placed", "Đặt hàng", "05/03 08:00"),
        ("paid", "Đã thanh toán", "05/03 09:10"),
        ("cancelled", "Đơn đã hủy", "05/03 10:00"),
        ("refunded", f"Đã hoàn tiền {format_vnd(180_000)}", "05/03 11:30"),
    ]
    assert steps[1].detail == "Chuyển khoản ngân hàng (VietQR)"


def test_an_unpaid_card_purchase_cancelled_shows_the_purchase_reason():
    with freeze_time(at("2026-03-02 08:00")):
        purchase, _products = card_purchase(1)
    with freeze_time(at("2026-03-02 08:40")):
        assert purchase_cancel(purchase, reason="Người mua hủy thanh toán")
    order = purchase.orders.get()

    steps = order_timeline(order)

    assert summary(steps) == [
        ("placed", "Đặt hàng", "02/03 08:00"),
        ("cancelled", "Đơn đã hủy", "02/03 08:40"),
    ]
    assert steps[-1].detail == "Lý do: Người mua hủy thanh toán"


def test_timeline_query_count_does_not_grow_with_lines_and_parcels(django_assert_max_num_queries):
    owner = make_user("chu@shop.vn")
    shop = make_shop("shop-nhieu-kien", owner=owner)
    make_option(shop, fee=30_000)
    products = [make_product(shop, f"Sản phẩm {i}", price=50_000, stock=20) for i in range(4)]

    def order_with(parcels: int):
        order = place(make_basket([(p, 1) for p in products[:parcels]])).purchase.orders.get()
        order_lines_transition(shop=shop, order=order, from_status="pending",
                               to_status="confirmed", actor=owner, acting_as="owner")
        for index, line in enumerate(order.lines.order_by("pk")):
            shipment = shipment_hand_over(
                shop=shop, order=order, carrier="ghn", tracking_code=f"CODE{order.pk}X{index}",
                line_ids=[line.pk], actor=owner, acting_as="owner",
            )
            shipment_failed(shipment=shipment, reason="refused", actor=owner, acting_as="owner")
        return Order.objects.get(pk=order.pk)

    small, large = order_with(1), order_with(4)
    with CaptureQueriesContext(connection) as one:
        assert len(order_timeline(small)) == 4
    with django_assert_max_num_queries(len(one)):
        assert len(order_timeline(large)) == 2 + 2 * 4
    with django_assert_max_num_queries(len(one)):
        assert len(orders_tracking([small, large])) == 2


# --- the buyer's order page ----------------------------------------------------------------


def test_order_page_shows_the_parcel_the_cod_to_prepare_and_the_timeline(client, world):
    hand_over(world)
    login(client, world["buyer"])

    response = client.get(order_url(world["order"]))

    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    assert "Thông tin vận chuyển" in text and "GHN (Giao Hàng Nhanh)" in text
    assert 'id="tracking-code-' in html and ">GYCYQNYM</code>" in html
    assert re.search(
        rf'<a class="btn btn-block" href="{re.escape(GHN_LINK)}" target="_blank" rel="noopener noreferrer">',
        html,
    )
    assert f"Tiền cần chuẩn bị khi nhận hàng: {format_vnd(410_000)}" in text
    assert f'action="{received_url(world["order"])}"' in html and "Đã nhận hàng" in text
    # Newest step first, on the buyer's clock.
    steps = re.findall(r'<p class="timeline-title">([^<]+)</p>', html)
    assert steps == ["Đã giao cho GHN (Giao Hàng Nhanh)", "Cửa hàng đã xác nhận đơn", "Đặt hàng"]
    assert "14:30 02/03/2026" in text and "08:00 02/03/2026" in text


def test_order_page_before_the_hand_over_has_no_button(client, world):
    login(client, world["buyer"])
    html = client.get(order_url(world["order"])).content.decode()
    assert "Cửa hàng đã xác nhận đơn" in html
    assert received_url(world["order"]) not in html and "Tiền cần chuẩn bị" not in html


def test_the_buyer_taps_received_once_and_a_second_tap_changes_nothing(client, world):
    shipment = hand_over(world)
    login(client, world["buyer"])

    first = client.post(received_url(world["order"]))

    assert first.status_code == 302 and first["Location"] == order_url(world["order"])
    assert texts(first) == ["Cảm ơn bạn đã xác nhận đã nhận hàng."]
    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivery_confirmed_by) == ("delivered", "buyer")
    assert Order.objects.get(pk=world["order"].pk).status == OrderStatus.DELIVERED
    delivered_rows = AuditEvent.objects.filter(data__to="delivered")
    assert delivered_rows.count() == 1 and delivered_rows.get().acting_as == "buyer"
    client.get(first["Location"])  # the message is read on the page

    second = client.post(received_url(world["order"]))

    assert second.status_code == 302
    assert texts(second) == ["Đơn hàng đã được ghi nhận là đã giao. Cảm ơn bạn!"]
    assert AuditEvent.objects.filter(data__to="delivered").count() == 1
    page = client.get(order_url(world["order"])).content.decode()
    assert "Đã nhận hàng" in page and received_url(world["order"]) not in page


def test_the_shop_recorded_a_failure_first_the_buyer_reads_it(client, world):
    shipment = hand_over(world)
    login(client, world["buyer"])
    owner_does(world, shipment_failed, "2026-03-03 10:00", shipment=shipment, reason="wrong_address")

    response = client.post(received_url(world["order"]))  # from the page loaded before

    assert response.status_code == 302
    assert texts(response) == ["Đơn không có kiện hàng nào đang trên đường giao."]
    shipment.refresh_from_db()
    assert shipment.status == "failed"


def test_only_the_buyer_may_say_received(client, world):
    shipment = hand_over(world)
    url = received_url(world["order"])

    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    login(client, make_user("nguoi-khac@example.vn"))
    assert client.post(url).status_code == 404
    assert client.post(reverse("order-received", kwargs={"order_number": "999999-1"})).status_code == 404
    login(client, world["buyer"])
    assert client.get(url).status_code == 405
    shipment.refresh_from_db()
    assert shipment.status == "in_transit"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (real row locks)")
def test_taps_on_two_phones_and_the_shop_failure_at_once_apply_once(world):
    shipment = hand_over(world)
    phones = [Client(), Client(), Client()]
    for phone in phones:
        login(phone, world["buyer"])
    url = received_url(world["order"])

    def work(index: int):
        if index < len(phones):
            return phones[index].post(url).status_code
        return shipment_failed(shipment=Shipment.objects.get(pk=shipment.pk), reason="refused",
                               actor=world["owner"], acting_as="owner")

    results = at_once([lambda i=i: work(i) for i in range(len(phones) + 1)])

    assert results[:-1] == [302] * len(phones)  # never a 500
    shipment.refresh_from_db()
    moves = AuditEvent.objects.filter(data__shipment=shipment.pk, data__from="handed_to_carrier")
    assert moves.count() == 1  # one outcome won, the others saw it and changed nothing
    won = moves.get().data["to"]
    assert {"delivered": "delivered", "delivery_failed": "failed"}[won] == shipment.status
    if won == "delivery_failed":
        assert isinstance(results[-1], Shipment)
    else:
        assert isinstance(results[-1], ShipmentError)


# --- the signed purchase page (guests) -------------------------------------------------------


def test_purchase_page_shows_each_shop_order_tracking_and_a_guest_says_received(client, world):
    hand_over(world)
    purchase, order = world["purchase"], world["order"]

    page = client.get(purchase_link(purchase))

    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="tracking-{order.number}"' in html and "GYCYQNYM" in html and GHN_LINK in html
    assert f"Tiền cần chuẩn bị khi nhận hàng: {format_vnd(410_000)}" in visible_text(html)
    assert f'action="{guest_received_url(purchase, order)}"' in html

    response = client.post(guest_received_url(purchase, order))

    assert response.status_code == 302
    assert response["Location"] == f"{purchase_link(purchase)}#tracking-{order.number}"
    assert Shipment.objects.get(order=order).status == "delivered"
    assert AuditEvent.objects.get(data__to="delivered").actor is None  # a guest
    client.get(response["Location"])
    again = client.post(guest_received_url(purchase, order))
    assert again.status_code == 302
    assert texts(again) == ["Đơn hàng đã được ghi nhận là đã giao. Cảm ơn bạn!"]


def test_guest_received_needs_the_right_token_and_an_order_of_that_purchase(client, world):
    hand_over(world)
    purchase, order = world["purchase"], world["order"]
    other = place(make_basket([(world["fish"], 1)])).purchase

    assert client.post(guest_received_url(purchase, order, token="x" * 43)).status_code == 404
    # Another purchase's valid link does not reach this order.
    assert client.post(guest_received_url(other, order)).status_code == 404
    assert client.get(guest_received_url(purchase, order)).status_code == 405
    assert Shipment.objects.get(order=order).status == "in_transit"


def test_purchase_page_query_count_does_not_grow_with_parcels(client, world):
    honey_line = world["order"].lines.get(product=world["honey"])
    hand_over(world, line_ids=[honey_line.pk])
    url = purchase_link(world["purchase"])
    client.get(url)
    with CaptureQueriesContext(connection) as one_parcel:
        assert client.get(url).status_code == 200
    hand_over(world, carrier="self", tracking_code="")
    with CaptureQueriesContext(connection) as two_parcels:
        html = client.get(url).content.decode()
    assert "Kiện 2" in html
    assert len(two_parcels) == len(one_parcel), [q["sql"] for q in two_parcels.captured_queries]


# --- the e-mail on hand-over -----------------------------------------------------------------


def test_the_hand_over_mail_tells_carrier_tracking_link_and_cash_to_prepare(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(world)

    assert [m.to for m in mail.outbox] == [[world["buyer"].email]]
    message = mail.outbox[0]
    html = message.alternatives[0][0] if message.alternatives else ""
    for body in (message.body, html):
        assert "GHN (Giao Hàng Nhanh)" in body
        assert "GYCYQNYM" in body
        assert GHN_LINK in body
        assert format_vnd(410_000) in body
    assert "Tiền cần chuẩn bị khi nhận hàng" in message.body



# --- the place the complaints app plugs into -------------------------------------------------


def test_the_returns_entry_shows_on_both_pages_once_delivered(client, world):
    hand_over(world)
    login(client, world["buyer"])
    order = world["order"]
    account_entry = reverse("complaints:buyer", kwargs={"order_number": order.number})
    assert account_entry not in client.get(order_url(order)).content.decode()  # not delivered
    order_received_by_buyer(order=order, actor=world["buyer"])

    page = client.get(order_url(order)).content.decode()
    assert "Trả hàng/Hoàn tiền" in page and f'href="{account_entry}"' in page
    guest_page = client.get(purchase_link(world["purchase"])).content.decode()
    assert "Trả hàng/Hoàn tiền" in guest_page
    guest_entry = f"{purchase_link(world['purchase'])}orders/{order.number}/complaint/"
    assert guest_entry in guest_page
