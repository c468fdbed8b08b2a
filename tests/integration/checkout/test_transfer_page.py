"""The payment page of a bank-transfer purchase: one VietQR for what the programme collects,
a QR per shop with its own account, the QR as a PNG to save, and a status endpoint scoped
to the buyer's own purchase that says "Đã nhận tiền" once the bank credit arrived."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from marketplace.order.links import purchase_access_token, purchase_link
from marketplace.order.models import Order
from marketplace.payment import bank, vietqr
from marketplace.payment.transfer import purchase_transfer_qr
from tests.factories import make_user, sepay_payload, transfer_purchase

pytestmark = pytest.mark.django_db


def decode_png(content: bytes) -> dict:
    text = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))[0].text
    assert vietqr.verify_crc(text)
    return vietqr.parse_tlv(text)


def test_one_qr_for_the_whole_purchase_when_the_programme_collects(client):
    purchase = transfer_purchase()
    html = client.get(purchase_link(purchase)).content.decode()
    assert html.count('src="data:image/png;base64,') == 1
    assert f"OCOP {purchase.number}" in html and "360.000 ₫" in html
    assert 'data-copy-value="360000"' in html and f'data-copy-value="OCOP {purchase.number}"' in html
    assert 'data-copy-value="0011009999999"' in html
    assert "Đang chờ chuyển khoản" in html and "js/transfer.js" in html
    numbers = ", ".join(sorted(o.number for o in Order.objects.filter(purchase=purchase)))
    assert f"Một lần chuyển vào tài khoản của sàn trả cho các đơn {numbers}." in html
    # The PNG to save is the same QR: the programme's account, the purchase's memo and sum.
    response = client.get(purchase_link(purchase, "checkout:purchase-vietqr"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    fields = decode_png(response.content)
    assert fields["38"]["01"]["01"] == "0011009999999"
    assert fields["54"] == "360000" and fields["62"]["08"] == f"OCOP {purchase.number}"


def test_a_shop_with_its_own_account_keeps_its_own_qr(client):
    purchase = transfer_purchase(own_account=True)
    own, programme = Order.objects.filter(purchase=purchase).order_by("pk")
    html = client.get(purchase_link(purchase)).content.decode()
    assert html.count('src="data:image/png;base64,') == 2
    assert f"OCOP {own.number}" in html and f"OCOP {purchase.number}" in html
    assert purchase_transfer_qr(purchase).amount == int(programme.total_incl_tax)
    png = client.get(purchase_link(purchase, "checkout:purchase-vietqr") + f"?order={own.number}")
    fields = decode_png(png.content)
    assert fields["38"]["01"]["01"] == "0987654321" and fields["62"]["08"] == f"OCOP {own.number}"
    # The programme's order has no QR of its own: it is in the purchase's.
    url = purchase_link(purchase, "checkout:purchase-vietqr") + f"?order={programme.number}"
    assert client.get(url).status_code == 404


def test_the_status_turns_to_received_when_the_credit_arrives(client):
    purchase = transfer_purchase()
    url = purchase_link(purchase, "checkout:purchase-payment-status")
    state = client.get(url).json()
    assert (state["paid"], state["transfer_paid"], state["label"]) == (False, False, "Đang chờ chuyển khoản")
    assert client.get(url)["Cache-Control"] == "private, no-store"
    bank.credit_receive(bank.sepay_credit(sepay_payload(f"OCOP {purchase.number}", 360_000)))
    state = client.get(url).json()
    assert (state["paid"], state["transfer_paid"], state["label"]) == (True, True, "Đã nhận tiền")
    assert all(o["paid"] for o in state["orders"])
    # Nothing left to pay: no QR any more, and its PNG is gone.
    html = client.get(purchase_link(purchase)).content.decode()
    assert "data:image/png;base64," not in html
    assert client.get(purchase_link(purchase, "checkout:purchase-vietqr")).status_code == 404


def test_others_get_404_for_the_qr_and_the_status(client):
    purchase = transfer_purchase()
    other = transfer_purchase("khac")
    wrong_token = purchase_access_token(other)
    for name in ("checkout:purchase-vietqr", "checkout:purchase-payment-status"):
        for number, token in ((purchase.number, wrong_token), (purchase.number, "x"),
                              ("999999", purchase_access_token(purchase))):
            url = reverse(name, kwargs={"number": number, "token": token})
            assert client.get(url).status_code == 404, url
        assert client.post(purchase_link(purchase, name)).status_code == 405


def test_the_buyers_account_order_page_shows_the_purchase_qr(client):
    buyer = make_user("mua@example.vn")
    purchase = transfer_purchase(user=buyer)
    order = Order.objects.filter(purchase=purchase).first()
    client.force_login(buyer)
    html = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert f"OCOP {purchase.number}" in html and "360.000 ₫" in html
    assert purchase_link(purchase, "checkout:purchase-payment-status") in html
    assert purchase_link(purchase, "checkout:purchase-vietqr") in html
    client.force_login(make_user("khac@example.vn"))
    assert client.get(reverse("customer:order", kwargs={"order_number": order.number})).status_code == 404
