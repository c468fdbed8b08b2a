"""The buyer's checkout through the real views: three shops, one purchase, per-shop delivery."""

import re

import pytest
from django.urls import reverse

from marketplace.order.models import Order, Purchase
from shops.models import Partner, StockRecord
from tests.factories import ensure_country, make_option, make_product, make_shop

pytestmark = pytest.mark.django_db

ADDRESS_POST = {
    "name": "Trần Thị Khách", "phone": "0912 345 678", "province": "96", "street": "Ấp 3",
    "extra": "gần chợ Năm Căn (huyện cũ)", "notes": "Gọi trước 15 phút",
}


@pytest.fixture
def catalogue():
    ensure_country()
    shops = [make_shop(code, name=name) for code, name in
             (("mat-ong", "HTX Mật ong"), ("tom-kho", "Cơ sở Tôm khô"), ("ruou", "Rượu hoa dừa Hai Lúa"))]
    make_option(shops[0], "Giao tận nơi", fee=30_000)
    pickup = make_option(shops[0], "Nhận tại cửa hàng", kind="pickup", fee=0)
    make_option(shops[1], "Giao nhanh", fee=25_000)
    products = [
        make_product(shops[0], "Mật ong U Minh", price=180_000, stock=10),
        make_product(shops[1], "Tôm khô Rạch Gốc", price=550_000, stock=3),
        make_product(shops[2], "Rượu hoa dừa", price=120_000, stock=5),
    ]
    return shops, products, pickup


def commune_code():
    from marketplace.core.addresses import communes

    return str(communes(96)[0][0])


def add_to_basket(client, product, quantity=1):
    record = StockRecord.objects.get(product=product)
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}),
                           {"quantity": quantity, "stockrecord": record.pk} if False else {"quantity": quantity})
    assert response.status_code in (200, 302)


def checkout(client, *, method="cod", guest_email="khach@example.com", choices=None):
    """Address (a guest's phone and e-mail on the same form) → payment, with each shop's
    cheapest delivery recorded; `choices` changes some shops' delivery on the delivery page
    (the review's "Đổi") before the payment is chosen."""
    response = client.get(reverse("checkout:index"))
    assert response.status_code == 302 and response["Location"] == reverse("checkout:shipping-address")
    response = client.post(reverse("checkout:shipping-address"),
                           {**ADDRESS_POST, "commune": commune_code(), "email": guest_email})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == reverse("checkout:payment-method")  # no delivery step by default
    if choices:
        page = client.get(reverse("checkout:shipping-method"))
        assert page.status_code == 200
        response = client.post(reverse("checkout:shipping-method"), choices)
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert response["Location"] == reverse("checkout:payment-method")
    response = client.post(reverse("checkout:payment-method"), {"method": method})
    assert response.status_code == 302
    review = client.get(reverse("checkout:preview"))
    assert review.status_code == 200
    total = int(re.search(r'name="expected_total" value="(\d+)"', review.content.decode()).group(1))
    return review, total


def test_three_shops_cod_guest(client, catalogue, mailoutbox):
    shops, products, pickup = catalogue
    for product in products:
        add_to_basket(client, product)
    choices = {f"shop_{shops[0].pk}": str(pickup.pk),
               f"shop_{shops[1].pk}": str(shops[1].shipping_options.get().pk),
               f"shop_{shops[2].pk}": "default"}
    review, total = checkout(client, choices=choices)
    html = review.content.decode()
    for text in ("Mật ong U Minh", "Tôm khô Rạch Gốc", "Rượu hoa dừa", "Nhận tại cửa hàng", "Giao nhanh",
                 "Hủy đặt hàng", "Trần Thị Khách"):
        assert text in html
    assert total == 180_000 + 550_000 + 25_000 + 120_000 + 30_000
    response = client.post(reverse("checkout:preview"), {"expected_total": total, "accept_terms": "on",
                                                          "action": "place"})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    purchase = Purchase.objects.get()
    assert purchase.email == "khach@example.com" and purchase.total == total
    assert purchase.orders.count() == 3
    thanks = client.get(reverse("checkout:thank-you")).content.decode()
    assert purchase.number in thanks
    for order in purchase.orders.all():
        assert order.number in thanks
        assert order.shipping_address.phone_number == "+84912345678"
        assert order.shipping_address.line3 == "gần chợ Năm Căn (huyện cũ)"


def test_bank_transfer_shows_a_decodable_vietqr_per_shop(client, catalogue):
    import base64
    import io

    import zxingcpp
    from PIL import Image

    from marketplace.payment import vietqr

    shops, products, _pickup = catalogue
    Partner.objects.filter(pk=shops[1].pk).update(
        bank_bin="970418", bank_account_number="1234567890", bank_account_name="NGUYEN VAN TOM")
    add_to_basket(client, products[0])
    add_to_basket(client, products[1])
    choices = {f"shop_{shops[0].pk}": str(pickup_pk(shops[0])), f"shop_{shops[1].pk}": str(shops[1].shipping_options.get().pk)}
    _review, total = checkout(client, method="bank_transfer", choices=choices)
    client.post(reverse("checkout:preview"), {"expected_total": total, "accept_terms": "on"})
    html = client.get(reverse("checkout:thank-you")).content.decode()
    uris = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(uris) == 2
    payloads = []
    for uri in uris:
        image = Image.open(io.BytesIO(base64.b64decode(uri)))
        payloads.append(zxingcpp.read_barcodes(image)[0].text)
    orders = {o.shop_id: o for o in Order.objects.all()}
    shop_order = orders[shops[1].pk]
    parsed = [vietqr.parse_tlv(p) for p in payloads]
    mine = next(p for p in parsed if p["38"]["01"]["00"] == "970418")
    assert mine["38"]["01"]["01"] == "1234567890"
    assert int(mine["54"]) == int(shop_order.total_incl_tax)
    assert shop_order.number in mine["62"]["08"]
    assert all(vietqr.verify_crc(p) for p in payloads)
    assert {o.payment_status for o in orders.values()} == {Order.PaymentStatus.AWAITING_TRANSFER}


def pickup_pk(shop):
    return shop.shipping_options.get(kind="pickup").pk


def test_bad_input_is_explained_and_places_nothing(client, catalogue):
    shops, products, _pickup = catalogue
    add_to_basket(client, products[0])
    # Bad phone, a bad e-mail and a commune of another province: the form re-renders with messages.
    response = client.post(reverse("checkout:shipping-address"),
                           {**ADDRESS_POST, "phone": "12345", "commune": "26734", "email": "k@"})
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.findall(r'<p class="errorlist" role="alert"(?: id="id_\w+_error")?>([^<]+)</p>', html)
    assert len(errors) == 3, errors  # phone, e-mail, commune
    assert any("Số điện thoại di động không hợp lệ" in e for e in errors)
    client.post(reverse("checkout:shipping-address"),
                {**ADDRESS_POST, "commune": commune_code(), "email": "k@example.com"})
    # Another shop's option for this shop, and an unknown payment method: refused.
    other = shops[1].shipping_options.get()
    response = client.post(reverse("checkout:shipping-method"), {f"shop_{shops[0].pk}": str(other.pk)})
    assert response.status_code == 200
    client.post(reverse("checkout:shipping-method"), {f"shop_{shops[0].pk}": str(pickup_pk(shops[0]))})
    response = client.post(reverse("checkout:payment-method"), {"method": "bitcoin"})
    assert response.status_code == 200
    client.post(reverse("checkout:payment-method"), {"method": "cod"})
    # A tampered total and a missing confirmation re-render the review; nothing is placed.
    response = client.post(reverse("checkout:preview"), {"expected_total": 1, "accept_terms": "on"})
    assert response.status_code == 200 and "Tổng tiền đã thay đổi" in response.content.decode()
    response = client.post(reverse("checkout:preview"), {"expected_total": "abc"})
    assert response.status_code == 200
    # The shop is suspended before the buyer submits: explained, nothing placed.
    Partner.objects.filter(pk=shops[0].pk).update(status=Partner.Status.SUSPENDED)
    response = client.post(reverse("checkout:preview"), {"expected_total": 180_000, "accept_terms": "on"})
    assert response.status_code in (200, 302)
    assert Purchase.objects.count() == 0
    # Cancel on the review page goes back to the basket, which keeps its items.
    Partner.objects.filter(pk=shops[0].pk).update(status=Partner.Status.APPROVED)
    response = client.post(reverse("checkout:preview"), {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == reverse("basket:summary")


def test_communes_endpoint(client):
    assert client.get(reverse("checkout:communes"), {"province": "96"}).json()["communes"]
    assert client.get(reverse("checkout:communes"), {"province": "x"}).status_code == 400
    assert client.get(reverse("checkout:communes"), {"province": "5"}).status_code == 404
