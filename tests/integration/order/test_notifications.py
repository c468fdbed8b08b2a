"""E-mails of a purchase: the buyer's confirmation, each shop's notice, payment and status mails."""

from __future__ import annotations

import re
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation
from oscar.core.loading import get_model

from marketplace.core.money import format_vnd
from marketplace.order import links, notifications
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Order, Purchase
from marketplace.payment.services import (
    order_mark_paid,
    order_refund_complete,
    order_refund_reserve,
    purchase_card_paid,
)
from shops.models import ShopMember
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db

CommunicationEvent = get_model("order", "CommunicationEvent")
Email = get_model("communication", "Email")

TITLES = ("Mật ong U Minh", "Tôm khô & mực Rạch Gốc", "Rượu hoa dừa")


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection refused")


@pytest.fixture
def shops():
    owners = [make_user(f"chu.{code}@example.com") for code in ("mat-ong", "tom-kho", "ruou")]
    shops = [
        make_shop(code, owner=owner, name=name)
        for code, owner, name in zip(
            ("mat-ong", "tom-kho", "ruou"), owners,
            ("Ong mật Sáu Tâm", "Khô Rạch Gốc", "Rượu Dừa Năm Căn"), strict=True,
        )
    ]
    make_option(shops[0], "Giao tận nơi", fee=30_000)
    make_option(shops[1], "Giao nhanh", fee=25_000)
    products = [
        make_product(shops[0], TITLES[0], price=180_000, stock=10),
        make_product(shops[1], TITLES[1], price=550_000, stock=5),
        make_product(shops[2], TITLES[2], price=120_000, stock=5),
    ]
    return shops, owners, products


def three_shop_basket(products):
    return make_basket([(products[0], 2), (products[1], 1), (products[2], 3)])


def place_now(capture, basket, **kwargs) -> Purchase:
    """Place and run the after-commit callbacks (the notifications) as a real commit would."""
    with capture(execute=True):
        placement = place(basket, **kwargs)
    return placement.purchase


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def html_of(message) -> str:
    (content, mimetype), = message.alternatives
    assert mimetype == "text/html"
    return content


def events(order, code):
    return CommunicationEvent.objects.filter(order=order, event_type__code=code).count()


def test_cod_purchase_one_buyer_mail_with_every_shop_and_one_notice_per_shop(
    shops, django_capture_on_commit_callbacks, settings
):
    shops_, owners, products = shops
    helper = make_user("to.cong.nghe@example.com")
    ShopMember.objects.create(shop=shops_[0], user=helper, role=ShopMember.Role.HELPER)
    gone = make_user("nhan.vien.cu@example.com")
    ShopMember.objects.create(
        shop=shops_[0], user=gone, role=ShopMember.Role.STAFF, revoked_at=timezone.now()
    )
    buyer = make_user("mua@example.com", first_name="Lan", last_name="Nguyễn")
    # The request is in English and UTC: the mails are still Vietnamese, in Cà Mau time.
    with translation.override("en"), timezone.override("UTC"):
        purchase = place_now(
            django_capture_on_commit_callbacks, three_shop_basket(products),
            user=buyer, email=buyer.email,
        )
    by_shop = {order.shop_id: order for order in purchase.orders.all()}
    orders = [by_shop[shop.pk] for shop in shops_]

    buyer_mails = mails_to("mua@example.com")
    assert len(buyer_mails) == 1
    confirmation = buyer_mails[0]
    assert purchase.number in confirmation.subject and "Xác nhận đơn hàng" in confirmation.subject
    body, html = confirmation.body, html_of(confirmation)
    for shop, order, title in zip(shops_, orders, TITLES, strict=True):
        assert shop.name in body and order.number in body and title in body
        assert shop.name in html and order.number in html
        assert format_vnd(order.total_incl_tax) in body
    assert "Tôm khô & mực Rạch Gốc x 1" in body  # plain text is not HTML-escaped
    assert "Tôm khô &amp; mực Rạch Gốc" in html
    assert "Giao tận nơi" in body and format_vnd(30_000) in body
    assert format_vnd(purchase.total) in body and format_vnd(purchase.total) in html
    assert "Thanh toán khi nhận hàng (COD)" in body
    assert "tiền mặt khi nhận hàng" in body
    assert "Xin chào Lan Nguyễn" in body
    local = timezone.localtime(purchase.created_at, ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%H:%M %d/%m/%Y") in body
    assert links.purchase_url(purchase) in body
    assert Email.objects.filter(user=buyer, subject=confirmation.subject).exists()

    for shop, owner, order, title in zip(shops_, owners, orders, TITLES, strict=True):
        notices = mails_to(owner.email)
        assert len(notices) == 1
        notice = notices[0]
        assert order.number in notice.subject and shop.name in notice.subject
        assert title in notice.body
        for other in TITLES:
            if other != title:
                assert other not in notice.body and other not in html_of(notice)
        seller_path = f"/seller/{shop.code}/orders/{order.number}/"
        assert settings.SITE_URL + seller_path in notice.body
        assert "0912 345 678" in notice.body or "+84912345678" in notice.body
        assert "12 Ấp Tân Hưng" in notice.body and "Nguyễn Thị Mua" in notice.body
        assert "Thu tiền khi giao" in notice.body
        assert format_vnd(order.total_incl_tax) in notice.body
        assert events(order, "ORDER_PLACED") == 1 and events(order, "SHOP_NEW_ORDER") == 1

    helper_mails = mails_to(helper.email)
    assert len(helper_mails) == 1 and TITLES[0] in helper_mails[0].body
    assert mails_to(gone.email) == []
    assert len(mail.outbox) == 1 + 3 + 1


def test_card_purchase_reaches_the_shops_only_when_paid(shops, django_capture_on_commit_callbacks):
    _, owners, products = shops
    purchase = place_now(
        django_capture_on_commit_callbacks, three_shop_basket(products), payment_method="card"
    )
    assert [m.to for m in mail.outbox] == [["mua@example.com"]]
    assert "đang được xác nhận" in mail.outbox[0].body
    assert all(mails_to(owner.email) == [] for owner in owners)

    with django_capture_on_commit_callbacks(execute=True):
        assert purchase_card_paid(purchase, amount=purchase.total, reference="pi_test_1") == "paid"
    paid_mails = [m for m in mails_to("mua@example.com") if "Đã nhận thanh toán" in m.subject]
    assert len(paid_mails) == 1
    assert format_vnd(purchase.total) in paid_mails[0].body
    for owner in owners:
        notices = mails_to(owner.email)
        assert len(notices) == 1 and "Đã thanh toán" in notices[0].body
    for order in purchase.orders.all():
        assert events(order, "ORDER_PAID") == 1

    # A second call (a replayed event) does not tell the shops twice.
    notifications.purchase_paid(purchase)
    assert all(len(mails_to(owner.email)) == 1 for owner in owners)


def test_bank_transfer_mail_links_to_the_signed_purchase_page(shops, django_capture_on_commit_callbacks):
    _, owners, products = shops
    purchase = place_now(
        django_capture_on_commit_callbacks, make_basket([(products[0], 1)]),
        payment_method="bank_transfer",
    )
    (confirmation,) = mails_to("mua@example.com")
    assert "VietQR" in confirmation.body
    match = re.search(r"/checkout/purchases/([^/\s]+)/([^/\s]+)/", confirmation.body)
    assert match and match.group(1) == purchase.number
    assert links.purchase_from_token(match.group(1), match.group(2)) == purchase
    assert match.group(0) in html_of(confirmation)
    # The shop hears now (it waits for the transfer, but prepares the order).
    assert len(mails_to(owners[0].email)) == 1
    assert "Chờ chuyển khoản" in mails_to(owners[0].email)[0].body


def test_guest_purchase_mails_the_guest_address(shops, django_capture_on_commit_callbacks):
    _, _, products = shops
    purchase = place_now(
        django_capture_on_commit_callbacks, make_basket([(products[2], 1)]),
        email="khach.vang.lai@example.com",
    )
    (confirmation,) = mails_to("khach.vang.lai@example.com")
    assert purchase.number in confirmation.subject
    assert "Xin chào Nguyễn Thị Mua" in confirmation.body
    assert mails_to("mua@example.com") == []


def test_status_mails_tell_the_buyer_where_their_shop_order_stands(
    shops, django_capture_on_commit_callbacks
):
    shops_, owners, products = shops
    purchase = place_now(django_capture_on_commit_callbacks, three_shop_basket(products))
    orders = {o.shop_id: o for o in purchase.orders.all()}
    mail.outbox.clear()

    first = orders[shops_[0].pk]
    order_lines_transition(shop=shops_[0], order=first, from_status="pending", to_status="confirmed",
                           actor=owners[0], acting_as="owner")
    order_lines_transition(shop=shops_[0], order=first, from_status="confirmed",
                           to_status="handed_to_carrier", actor=owners[0], acting_as="owner")
    with translation.override("en"):
        notifications.order_status_changed(first)
    (shipped,) = mail.outbox
    assert shipped.to == ["mua@example.com"]
    assert first.number in shipped.subject and "Đã giao cho đơn vị vận chuyển" in shipped.subject
    assert "đang trên đường đến bạn" in shipped.body
    assert TITLES[0] in shipped.body and TITLES[1] not in shipped.body
    assert format_vnd(first.total_incl_tax) in shipped.body  # COD: what to pay on delivery

    second = orders[shops_[1].pk]
    order_lines_transition(shop=shops_[1], order=second, from_status="pending", to_status="cancelled",
                           actor=owners[1], acting_as="owner", reason="Hết hàng do mưa bão")
    mail.outbox.clear()
    with translation.override("en"):
        notifications.order_status_changed(second)
    (cancelled,) = mail.outbox
    assert "Đã hủy" in cancelled.subject and "Cancelled" not in cancelled.subject
    assert "Hết hàng do mưa bão" in cancelled.body and "Hết hàng do mưa bão" in html_of(cancelled)

    third = orders[shops_[2].pk]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(third, actor=owners[2], acting_as="owner", note="thu tiền mặt")
    (paid,) = mail.outbox
    assert "Đã thanh toán" in paid.subject

    mail.outbox.clear()
    before = order_refund_reserve(third, 50_000)
    assert before == 0
    with django_capture_on_commit_callbacks(execute=True):
        order_refund_complete(third, amount=50_000, reference="tra-lai", actor=owners[2],
                              acting_as="owner", reason="Một chai bị vỡ")
    (refunded,) = mail.outbox
    assert "Đã hoàn một phần" in refunded.subject
    assert f"Đã hoàn {format_vnd(50_000)} trên {format_vnd(third.total_incl_tax)}" in refunded.body
    assert events(third, "ORDER_STATUS_CHANGED") == 2


def test_access_token_round_trip_and_tampering(shops, django_capture_on_commit_callbacks):
    _, _, products = shops
    purchase = place_now(django_capture_on_commit_callbacks, make_basket([(products[0], 1)]))
    other = place_now(django_capture_on_commit_callbacks, make_basket([(products[1], 1)]))
    token = links.purchase_access_token(purchase)
    assert links.purchase_from_token(purchase.number, token) == purchase
    assert links.purchase_url(purchase).endswith(f"/checkout/purchases/{purchase.number}/{token}/")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert links.purchase_from_token(purchase.number, tampered) is None
    assert links.purchase_from_token(other.number, token) is None
    assert links.purchase_from_token(purchase.number, f"{token}:{token}") is None
    assert links.purchase_from_token(purchase.number, "") is None
    assert links.purchase_from_token("", token) is None


def test_a_mail_server_that_fails_never_breaks_checkout(
    shops, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    _, owners, products = shops
    purchase = place_now(django_capture_on_commit_callbacks, three_shop_basket(products))
    assert purchase.status == Purchase.Status.PLACED and purchase.orders.count() == 3
    assert "sending failed" in caplog.text
    order = purchase.orders.first()
    notifications.purchase_paid(purchase)
    notifications.shop_new_order(order)
    notifications.order_status_changed(order)
    assert not CommunicationEvent.objects.exists()
    assert mail.outbox == []
    assert Order.objects.filter(purchase=purchase).count() == 3
