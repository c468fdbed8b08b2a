"""A shop handles and is paid for its own orders: payment shown, COD / transfer marked
paid once, refunds (manual for COD/transfer, at localstripe for cards), stock consumed on
hand-over and released on cancel, confirmation refused while a card payment is pending,
the bank account for VietQR, and another shop's order a 404 on every new URL."""

from __future__ import annotations

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, Purchase
from marketplace.payment import vietqr
from marketplace.payment.services import purchase_card_paid
from shops.models import ShopMember, StockRecord
from tests.factories import (
    make_basket,
    make_option,
    make_order,
    make_product,
    make_shop,
    make_user,
    place,
)

pytestmark = pytest.mark.django_db

Line = get_model("order", "Line")
Transaction = get_model("payment", "Transaction")
OrderStatusChange = get_model("order", "OrderStatusChange")


@pytest.fixture
def world():
    owner_a, owner_b = make_user("owner-a@example.vn"), make_user("owner-b@example.vn")
    shop_a, shop_b = make_shop("shop-a", owner=owner_a), make_shop("shop-b", owner=owner_b)
    make_option(shop_a, "Giao tận nơi", fee=30_000)
    make_option(shop_b, "Giao tận nơi", fee=20_000)
    honey = make_product(shop_a, "Mật ong U Minh", price=150_000, stock=10)
    fish = make_product(shop_b, "Khô cá sặc", price=200_000, stock=10)
    return {"owner_a": owner_a, "owner_b": owner_b, "shop_a": shop_a, "shop_b": shop_b,
            "honey": honey, "fish": fish}


def buy(items, method="cod") -> Purchase:
    placement = place(make_basket(items), payment_method=method)
    assert placement.created
    return placement.purchase


def order_of(purchase, shop) -> Order:
    return Order.objects.get(purchase=purchase, shop=shop)


def url(name, order, **extra):
    return reverse(f"seller:{name}", kwargs={"shop_code": order.shop.code, "order_number": order.number, **extra})


def move(client, order, from_status, to_status, **data):
    return client.post(url("order-status", order), {"from_status": from_status, "to_status": to_status, **data},
                       follow=True)


def deliver(client, order, tracking_code="GYCYQNYM"):
    """Confirm, hand over to GHN and record the parcel delivered, as the seller does."""
    move(client, order, "pending", "confirmed")
    client.post(url("order-ship", order), {"carrier": "ghn", "tracking_code": tracking_code})
    shipment = order.shipments.get()
    client.post(url("shipment-outcome", order, shipment_pk=shipment.pk), {"outcome": "delivered"})
    order.refresh_from_db()
    assert order.status == "delivered"


def test_order_page_shows_the_payment_of_the_shops_own_order(client, world):
    order = order_of(buy([(world["honey"], 2), (world["fish"], 1)], "bank_transfer"), world["shop_a"])
    client.force_login(world["owner_a"])
    html = client.get(url("order-detail", order)).content.decode()
    assert "Chuyển khoản ngân hàng (VietQR)" in html and "Chờ chuyển khoản" in html
    assert "330.000 ₫" in html  # 2 × 150.000 + 30.000 delivery: this shop's order only
    assert "Đã nhận chuyển khoản" in html and "Đã thu tiền (COD)" not in html
    assert "Khô cá sặc" not in html and "220.000" not in html


def test_cod_is_marked_paid_once(client, world):
    order = order_of(buy([(world["honey"], 2)]), world["shop_a"])
    client.force_login(world["owner_a"])
    deliver(client, order)
    page = client.get(url("order-detail", order)).content.decode()
    assert "Đã thu tiền (COD)" in page
    response = client.post(url("order-paid", order), follow=True)
    assert "Đã ghi nhận thanh toán 330.000 ₫" in response.content.decode()
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == ("paid", 330_000)
    paid_at, transactions = order.paid_at, Transaction.objects.filter(source__order=order).count()
    assert transactions == 1

    second = client.post(url("order-paid", order), follow=True)
    assert "đã được ghi nhận thanh toán trước đó" in second.content.decode()
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid, order.paid_at) == ("paid", 330_000, paid_at)
    assert Transaction.objects.filter(source__order=order).count() == transactions
    event = AuditEvent.objects.get(action="order.paid", object_id=str(order.pk))
    assert event.acting_as == "owner" and event.shop == world["shop_a"]
    assert "Đã thu tiền (COD)" not in client.get(url("order-detail", order)).content.decode()
    listing = client.get(reverse("seller:orders", kwargs={"shop_code": "shop-a"})).content.decode()
    assert "Thanh toán khi nhận hàng (COD) · <strong>Đã thanh toán</strong>" in listing


@pytest.mark.parametrize("stage", ["pending", "confirmed", "handed_to_carrier", "delivery_failed"])
def test_cod_cannot_be_marked_paid_before_delivery(client, world, stage):
    order = order_of(buy([(world["honey"], 1)]), world["shop_a"])
    client.force_login(world["owner_a"])
    if stage != "pending":
        move(client, order, "pending", "confirmed")
    if stage in ("handed_to_carrier", "delivery_failed"):
        client.post(url("order-ship", order), {"carrier": "ghn", "tracking_code": "GYCYQNYM"})
    if stage == "delivery_failed":
        shipment = order.shipments.get()
        client.post(url("shipment-outcome", order, shipment_pk=shipment.pk),
                    {"outcome": "failed", "reason": "refused"})
    order.refresh_from_db()
    assert order.status == stage
    page = client.get(url("order-detail", order)).content.decode()
    assert "Đã thu tiền (COD)" not in page
    assert "thu tiền khi giao hàng" in page  # when the money can be recorded
    response = client.post(url("order-paid", order), follow=True)
    assert "Chỉ ghi nhận đã thu tiền COD sau khi đơn đã giao đến người mua" in response.content.decode()
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == ("cod_due", 0)
    assert not AuditEvent.objects.filter(action="order.paid").exists()


def test_bank_transfer_can_be_marked_received_before_delivery(client, world):
    order = order_of(buy([(world["honey"], 1)], "bank_transfer"), world["shop_a"])
    client.force_login(world["owner_a"])
    client.post(url("order-paid", order))
    order.refresh_from_db()
    assert order.payment_status == "paid"


def test_manual_refund_partial_then_over_refund_refused_then_full(client, world):
    order = order_of(buy([(world["honey"], 2)]), world["shop_a"])
    client.force_login(world["owner_a"])
    deliver(client, order)
    client.post(url("order-paid", order))
    page = client.get(url("order-detail", order)).content.decode()
    assert 'name="amount"' in page and 'value="330000"' in page  # defaults to the refundable amount

    response = client.post(url("order-refund", order), {"amount": "100.000", "reason": "Thiếu 1 hũ"}, follow=True)
    assert "Đã hoàn 100.000 ₫" in response.content.decode()
    order.refresh_from_db()
    assert (order.amount_refunded, order.payment_status) == (100_000, "partially_refunded")

    response = client.post(url("order-refund", order), {"amount": "230001", "reason": "Nhầm"})
    assert response.status_code == 200
    assert "Chỉ có thể hoàn tối đa 230.000 ₫" in response.content.decode()
    order.refresh_from_db()
    assert (order.amount_refunded, order.payment_status) == (100_000, "partially_refunded")

    for bad in ({"amount": "0", "reason": "x"}, {"amount": "abc", "reason": "x"}, {"amount": "1000", "reason": " "}):
        assert client.post(url("order-refund", order), bad).status_code == 200
    order.refresh_from_db()
    assert order.amount_refunded == 100_000

    client.post(url("order-refund", order), {"amount": "230000", "reason": "Hủy phần còn lại"})
    order.refresh_from_db()
    assert (order.amount_refunded, order.payment_status, order.refundable) == (330_000, "refunded", 0)
    events = AuditEvent.objects.filter(action="order.refunded", object_id=str(order.pk))
    assert sorted(e.data["amount"] for e in events) == [100_000, 230_000]
    assert {e.data["reference"] for e in events} == {"manual"}
    assert 'name="amount"' not in client.get(url("order-detail", order)).content.decode()


def test_refund_of_an_unpaid_order_is_refused(client, world):
    order = order_of(buy([(world["honey"], 1)]), world["shop_a"])
    client.force_login(world["owner_a"])
    response = client.post(url("order-refund", order), {"amount": "1000", "reason": "x"})
    assert response.status_code == 200 and "chưa được thanh toán" in response.content.decode()
    order.refresh_from_db()
    assert order.amount_refunded == 0


def test_another_shops_order_is_404_on_every_new_url(client, world):
    purchase = buy([(world["honey"], 1), (world["fish"], 1)], "bank_transfer")
    theirs = order_of(purchase, world["shop_b"])
    client.force_login(world["owner_a"])
    for name in ("order-paid", "order-refund"):
        foreign = reverse(f"seller:{name}", kwargs={"shop_code": "shop-a", "order_number": theirs.number})
        assert client.get(foreign).status_code == 404
        assert client.post(foreign, {"amount": "1000", "reason": "x"}).status_code == 404
        other_workspace = reverse(f"seller:{name}", kwargs={"shop_code": "shop-b", "order_number": theirs.number})
        assert client.post(other_workspace, {"amount": "1000", "reason": "x"}).status_code == 404
    assert client.get(reverse("seller:payment-settings", kwargs={"shop_code": "shop-b"})).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.payment_status, theirs.amount_paid) == ("awaiting_transfer", 0)


def test_an_older_order_mixing_shops_has_no_money_actions(client, world):
    mixed = make_order([(world["honey"], 1), (world["fish"], 1)], number="900001")
    client.force_login(world["owner_a"])
    html = client.get(reverse("seller:order-detail", kwargs={"shop_code": "shop-a", "order_number": "900001"})).content.decode()
    assert "Đã thu" not in html and "350.000" not in html
    for name in ("order-paid", "order-refund"):
        target = reverse(f"seller:{name}", kwargs={"shop_code": "shop-a", "order_number": mixed.number})
        assert client.post(target, {"amount": "1000", "reason": "x"}).status_code == 404


def test_helpers_do_not_handle_money(client, world):
    helper = make_user("helper@example.vn")
    ShopMember.objects.create(shop=world["shop_a"], user=helper, role=ShopMember.Role.HELPER)
    staff = make_user("staff@example.vn")
    ShopMember.objects.create(shop=world["shop_a"], user=staff, role=ShopMember.Role.STAFF)
    order = order_of(buy([(world["honey"], 1)]), world["shop_a"])
    client.force_login(helper)
    page = client.get(url("order-detail", order)).content.decode()
    assert "Thu tiền khi giao" in page  # the payment is visible to every member
    assert "Đã thu tiền (COD)" not in page
    assert client.post(url("order-paid", order)).status_code == 404
    assert client.get(url("order-refund", order)).status_code == 404
    assert client.get(reverse("seller:payment-settings", kwargs={"shop_code": "shop-a"})).status_code == 404
    order.refresh_from_db()
    assert order.payment_status == "cod_due"
    client.force_login(staff)
    deliver(client, order)
    client.post(url("order-paid", order))
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert AuditEvent.objects.get(action="order.paid").acting_as == "staff"
    assert client.get(reverse("seller:payment-settings", kwargs={"shop_code": "shop-a"})).status_code == 404


def test_stock_leaves_the_shelf_on_hand_over_and_comes_back_on_cancel(client, world):
    record = StockRecord.objects.get(product=world["honey"])
    shipped = order_of(buy([(world["honey"], 2)]), world["shop_a"])
    cancelled = order_of(buy([(world["honey"], 3)]), world["shop_a"])
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (10, 5)
    client.force_login(world["owner_a"])

    move(client, shipped, "pending", "confirmed")
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (10, 5)
    client.post(url("order-ship", shipped), {"carrier": "ghn", "tracking_code": "GYCYQNYM"})
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (8, 3)
    assert shipped.lines.get().num_allocated == 0
    # A repeated tap moves nothing and consumes nothing twice.
    client.post(url("order-ship", shipped), {"carrier": "ghn", "tracking_code": "ABCDEFGH"})
    shipment = shipped.shipments.get()
    client.post(url("shipment-outcome", shipped, shipment_pk=shipment.pk), {"outcome": "delivered"})
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (8, 3)

    move(client, cancelled, "pending", "cancelled", reason="Khách đổi ý")
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (8, 0)
    line = cancelled.lines.get()
    assert (line.num_allocated, line.allocation_cancelled) == (0, True)
    event = AuditEvent.objects.filter(action="order.lines_status_changed", object_id=str(cancelled.pk)).get()
    assert event.data["stock_released"] == [line.pk]


def test_order_status_follows_its_lines_and_unpaid_cod_is_void_on_cancel(client, world):
    order = order_of(buy([(world["honey"], 1)]), world["shop_a"])
    client.force_login(world["owner_a"])
    move(client, order, "pending", "confirmed")
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert OrderStatusChange.objects.filter(order=order, new_status="confirmed").count() == 1
    response = move(client, order, "confirmed", "cancelled", reason="Hết hàng")
    assert "Người mua đã thanh toán" not in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "void")
    assert client.post(url("order-paid", order), follow=True).status_code == 200
    order.refresh_from_db()
    assert order.payment_status == "void"


def test_cancelling_a_paid_order_tells_the_seller_to_refund(client, world):
    order = order_of(buy([(world["honey"], 1)], "bank_transfer"), world["shop_a"])
    client.force_login(world["owner_a"])
    client.post(url("order-paid", order))
    response = move(client, order, "pending", "cancelled", reason="Hết hàng")
    html = response.content.decode()
    assert "Người mua đã thanh toán 180.000 ₫" in html
    assert "chưa được hoàn" in html
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.amount_refunded) == ("cancelled", "paid", 0)


def test_confirm_is_refused_while_the_card_payment_is_pending(client, world):
    purchase = buy([(world["honey"], 1)], "card")
    order = order_of(purchase, world["shop_a"])
    client.force_login(world["owner_a"])
    response = move(client, order, "pending", "confirmed")
    assert "chưa thanh toán xong bằng thẻ" in response.content.decode()
    assert order.lines.get().status == "pending"
    assert not AuditEvent.objects.filter(action="order.lines_status_changed").exists()

    assert purchase_card_paid(purchase, amount=purchase.total, reference="pi_test") == "paid"
    move(client, order, "pending", "confirmed")
    assert order.lines.get().status == "confirmed"


def test_status_change_notifies_the_buyer_after_commit(client, world, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    from marketplace.order import notifications

    calls = []
    real = notifications.order_status_changed
    monkeypatch.setattr(notifications, "order_status_changed", lambda order: (calls.append(order.pk), real(order)))
    order = order_of(buy([(world["honey"], 1)]), world["shop_a"])
    client.force_login(world["owner_a"])
    with django_capture_on_commit_callbacks(execute=True):
        move(client, order, "pending", "confirmed")
    assert calls == [order.pk]
    with django_capture_on_commit_callbacks(execute=True):
        move(client, order, "pending", "confirmed")  # nothing moved: nobody is told
    assert calls == [order.pk]


# --- bank account for VietQR ------------------------------------------------------------


def settings_url(shop="shop-a"):
    return reverse("seller:payment-settings", kwargs={"shop_code": shop})


def test_owner_sets_the_bank_account_and_sees_the_code_buyers_scan(client, world):
    client.force_login(world["owner_a"])
    page = client.get(settings_url()).content.decode()
    assert "tài khoản của chương trình" in page  # nothing set: the programme's account
    response = client.post(settings_url(), {
        "bank_bin": "970436", "bank_account_number": "0123 456.789", "bank_account_name": "Nguyễn Văn Ấn",
        "transfers_to_shop": "on",
    }, follow=True)
    html = response.content.decode()
    assert "Đã lưu tài khoản nhận chuyển khoản." in html
    shop = world["shop_a"]
    shop.refresh_from_db()
    assert (shop.bank_bin, shop.bank_account_number, shop.bank_account_name) == (
        "970436", "0123456789", "NGUYEN VAN AN")
    payload = response.context["preview"]["payload"]
    assert payload in html and vietqr.verify_crc(payload)
    merchant = vietqr.parse_tlv(payload, vietqr.VIETQR_TEMPLATES)["38"]["01"]
    assert merchant == {"00": "970436", "01": "0123456789"}
    assert 'src="data:image/png;base64,' in html
    event = AuditEvent.objects.get(action="shop.bank_account_changed")
    assert event.acting_as == "owner" and event.data["after"]["bank_account_number"] == "0123456789"
    assert event.data["before"]["bank_account_number"] == ""
    # Saving the same again changes nothing and records nothing.
    client.post(settings_url(), {"bank_bin": "970436", "bank_account_number": "0123456789",
                                 "bank_account_name": "NGUYEN VAN AN", "transfers_to_shop": "on"})
    assert AuditEvent.objects.filter(action="shop.bank_account_changed").count() == 1


def test_a_shop_may_keep_its_account_for_payouts_and_let_buyers_pay_the_programme(client, world):
    """Unticked "chuyển khoản thẳng": buyers' transfers go to the programme's account (one QR
    per purchase), the shop's account stays for its payouts."""
    from marketplace.payment.transfer import payee_for

    client.force_login(world["owner_a"])
    response = client.post(settings_url(), {
        "bank_bin": "970436", "bank_account_number": "0123456789", "bank_account_name": "NGUYEN VAN AN",
    }, follow=True)
    shop = world["shop_a"]
    shop.refresh_from_db()
    assert (shop.bank_account_number, shop.transfers_to_shop) == ("0123456789", False)
    assert payee_for(shop).is_programme
    assert response.context["preview"]["payee"].is_programme
    event = AuditEvent.objects.get(action="shop.bank_account_changed")
    assert event.data["after"]["transfers_to_shop"] is False


def test_bank_account_form_errors_rerender_and_change_nothing(client, world):
    client.force_login(world["owner_a"])
    for data, message in (
        ({"bank_bin": "970436", "bank_account_number": "", "bank_account_name": "AN"}, "Hãy điền đủ"),
        ({"bank_bin": "970436", "bank_account_number": "12/34", "bank_account_name": "AN"}, "1–19 chữ số"),
        ({"bank_bin": "999999", "bank_account_number": "1234", "bank_account_name": "AN"}, "999999"),
        ({"bank_bin": "970436", "bank_account_number": "1" * 20, "bank_account_name": "AN"}, "1–19 chữ số"),
    ):
        response = client.post(settings_url(), data)
        assert response.status_code == 200 and message in response.content.decode(), data
    world["shop_a"].refresh_from_db()
    assert world["shop_a"].bank_account_number == ""
    assert not AuditEvent.objects.filter(action="shop.bank_account_changed").exists()


def test_clearing_the_bank_account_goes_back_to_the_programme(client, world):
    shop = world["shop_a"]
    shop.bank_bin, shop.bank_account_number, shop.bank_account_name = "970436", "0123456789", "AN"
    shop.save()
    client.force_login(world["owner_a"])
    response = client.post(settings_url(), {"bank_bin": "", "bank_account_number": "", "bank_account_name": ""},
                           follow=True)
    shop.refresh_from_db()
    assert shop.bank_account_number == "" and response.context["preview"]["payee"].is_programme


# --- card refund at the real localstripe --------------------------------------------------


def test_card_refund_from_the_workspace_goes_to_stripe(client, world, stripe_server):
    from marketplace.payment import stripe_payments
    from marketplace.payment.stripe_client import stripe_client

    purchase = buy([(world["honey"], 1), (world["fish"], 1)], "card")
    intent = stripe_payments.card_payment_intent(purchase)
    stripe = stripe_client()
    stripe.v1.payment_intents.update(intent.id, {"payment_method": "pm_card_visa"})
    assert stripe.v1.payment_intents.confirm(intent.id).status == "succeeded"
    # What the signed webhook does (tested with real deliveries in tests/integration/payment/).
    assert purchase_card_paid(purchase, amount=purchase.total, reference=intent.id) == "paid"
    order = order_of(purchase, world["shop_a"])
    client.force_login(world["owner_a"])
    response = client.post(url("order-refund", order), {"amount": "50000", "reason": "Móp hộp"}, follow=True)
    assert "Đã hoàn 50.000 ₫" in response.content.decode()
    refunds = list(stripe.v1.refunds.list({"payment_intent": intent.id}).data)
    assert [r.amount for r in refunds] == [50_000]
    order.refresh_from_db()
    assert (order.amount_refunded, order.payment_status) == (50_000, "partially_refunded")
    assert AuditEvent.objects.get(action="order.refunded").data["reference"] == refunds[0].id
    # Over the rest of this shop's order (not the purchase): refused before Stripe is asked.
    response = client.post(url("order-refund", order), {"amount": str(order.refundable + 1), "reason": "x"})
    assert "Chỉ có thể hoàn tối đa" in response.content.decode()
    assert len(list(stripe.v1.refunds.list({"payment_intent": intent.id}).data)) == 1
    other = order_of(purchase, world["shop_b"])
    other.refresh_from_db()
    assert other.amount_refunded == 0


def test_order_page_shows_the_commune_by_name_never_its_code(client, world):
    from marketplace.core.addresses import communes

    code, name = communes()[0]
    order = order_of(buy([(world["honey"], 1)]), world["shop_a"])
    # As checkout stores it: the name in line2, the code in state; and an older one without the name.
    order.shipping_address.__class__.objects.filter(pk=order.shipping_address_id).update(line2="", state=str(code))
    client.force_login(world["owner_a"])
    html = client.get(url("order-detail", order)).content.decode()
    shown = html.split("data-address>", 1)[1].split("</dd>", 1)[0]
    assert name in shown and str(code) not in shown
    assert shown.startswith("12 Ấp Tân Hưng")
