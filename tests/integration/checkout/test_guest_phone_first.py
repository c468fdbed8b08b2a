"""Issue 21: a guest checks out with a phone number and the e-mail optional, both on the
address step — no guest step of its own (docs/decisions/0038-guest-phone-first.md); each
shop's cheapest delivery is recorded and the review shows it with "Đổi"; COD is preselected;
the terms box's refusal re-renders beside the box; a signed-in buyer ships to a saved
address in one tap."""

import re

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.order.links import purchase_link
from marketplace.order.models import Purchase
from tests.factories import ensure_country, make_option, make_product, make_shop, make_user
from tests.integration.checkout.test_journey import ADDRESS_POST, add_to_basket, commune_code

pytestmark = pytest.mark.django_db

UserAddress = get_model("address", "UserAddress")


@pytest.fixture
def two_shops():
    ensure_country()
    first, second = make_shop("mat-ong", name="HTX Mật ong"), make_shop("tom-kho", name="Cơ sở Tôm khô")
    make_option(first, "Giao tận nơi", fee=30_000)
    make_option(second, "Giao nhanh", fee=25_000)
    return [make_product(first, "Mật ong U Minh", price=180_000, stock=10),
            make_product(second, "Tôm khô Rạch Gốc", price=550_000, stock=3)]


def to_review(client, contact: dict | None, address: dict | None = None):
    """`contact`: a guest's phone and e-mail, given on the address form (None: signed in)."""
    gateway = client.get(reverse("checkout:index"))
    assert gateway["Location"] == reverse("checkout:shipping-address")  # no guest step
    form = client.get(reverse("checkout:shipping-address")).content.decode()
    post = address or {**ADDRESS_POST, "commune": commune_code()}
    if contact is not None:
        post = {**post, "phone": contact["phone"], "email": contact.get("email", "")}
    response = client.post(reverse("checkout:shipping-address"), post)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"] == reverse("checkout:payment-method")  # delivery preselected
    payment = client.get(reverse("checkout:payment-method")).content.decode()
    assert client.post(reverse("checkout:payment-method"), {"method": "cod"}).status_code == 302
    review = client.get(reverse("checkout:preview"))
    total = int(re.search(r'name="expected_total" value="(\d+)"', review.content.decode()).group(1))
    return form, payment, review.content.decode(), total


def place(client, total):
    return client.post(reverse("checkout:preview"),
                       {"expected_total": total, "accept_terms": "on", "action": "place"})


def test_a_guest_with_a_phone_and_no_email_places_and_no_mail_is_sent(
    client, two_shops, mailoutbox, django_capture_on_commit_callbacks
):
    for product in two_shops:
        add_to_basket(client, product)
    form, payment, review, total = to_review(client, {"phone": "0987 654 321", "email": ""})
    assert 'type="tel"' in form and 'name="phone"' in form and 'name="email"' in form
    assert 'type="password"' not in form  # signing in is a link, not an unlabelled box
    assert "E-mail (không bắt buộc)" in form
    assert re.search(r'Đã có tài khoản\?\s*<a href="/accounts/login/\?next=/checkout/">Đăng nhập</a>', form)
    assert re.search(r'<input[^>]*value="cod"[^>]*checked', payment)
    assert "Không nhận e-mail" in review
    with django_capture_on_commit_callbacks(execute=True):
        response = place(client, total)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    purchase = Purchase.objects.get()
    assert purchase.email == "" and purchase.user is None
    assert purchase.orders.count() == 2
    assert {str(o.shipping_address.phone_number) for o in purchase.orders.all()} == {"+84987654321"}
    assert {o.guest_email for o in purchase.orders.all()} == {""}
    # No confirmation to anyone: the only mails (if any) are the shops' notices.
    assert not [m for m in mailoutbox if purchase_link(purchase) in m.body]
    assert all(m.to and "" not in m.to for m in mailoutbox)
    thanks = client.get(reverse("checkout:thank-you")).content.decode()
    assert purchase.number in thanks
    assert purchase_link(purchase) in thanks  # the order link, shown since no mail carries it
    assert "hãy lưu đường dẫn" in thanks
    assert client.get(purchase_link(purchase)).status_code == 200


def test_a_guest_with_an_email_gets_the_confirmation_with_the_link(
    client, two_shops, mailoutbox, django_capture_on_commit_callbacks
):
    for product in two_shops:
        add_to_basket(client, product)
    _form, _payment, review, total = to_review(client, {"phone": "0912345678", "email": "Khach@Example.com"})
    assert "khach@example.com" in review.lower()
    with django_capture_on_commit_callbacks(execute=True):
        place(client, total)
    purchase = Purchase.objects.get()
    assert purchase.email.lower() == "khach@example.com"
    to_buyer = [m for m in mailoutbox if [a.lower() for a in m.to] == ["khach@example.com"]]
    assert len(to_buyer) == 1
    assert purchase_link(purchase) in to_buyer[0].body
    thanks = client.get(reverse("checkout:thank-you")).content.decode()
    assert "Chúng tôi đã gửi xác nhận" in thanks


@pytest.mark.parametrize("contact, message", [
    ({"phone": "", "email": "khach@example.com"}, "Vui lòng nhập số điện thoại"),
    ({"phone": "12345", "email": ""}, "Số điện thoại di động không hợp lệ"),
    ({"phone": "0912345678", "email": "khong-phai-email"}, "e-mail"),
])
def test_the_address_step_re_renders_with_the_message(client, two_shops, contact, message):
    add_to_basket(client, two_shops[0])
    response = client.post(reverse("checkout:shipping-address"),
                           {**ADDRESS_POST, "commune": commune_code(), **contact})
    assert response.status_code == 200
    html = response.content.decode()
    assert message.lower() in html.lower()
    assert 'aria-invalid="true"' in html
    # Without a phone the next steps send the buyer back to the address step.
    assert client.get(reverse("checkout:payment-method"))["Location"] == reverse("checkout:shipping-address")


def test_each_shops_cheapest_delivery_is_recorded_and_changed_from_the_review(client, two_shops):
    first, second = (p.stockrecords.get().partner for p in two_shops)
    cheaper = make_option(first, "Giao tiết kiệm", fee=15_000)
    for product in two_shops:
        add_to_basket(client, product)
    _form, _payment, review, total = to_review(client, {"phone": "0912345678"})
    assert total == 180_000 + 15_000 + 550_000 + 25_000
    assert "Giao tiết kiệm" in review and "Giao nhanh" in review
    assert review.count(f'href="{reverse("checkout:shipping-method")}"') == 2  # "Đổi", per shop
    assert f'aria-label="Đổi cách giao hàng của {first.name}"' in review
    # "Đổi": the delivery page still works, and comes back to the review.
    delivery = client.get(reverse("checkout:shipping-method")).content.decode()
    assert re.search(rf'<input type="radio" name="shop_{first.pk}" value="{cheaper.pk}"[^>]*checked', delivery)
    dearer = first.shipping_options.get(name="Giao tận nơi")
    response = client.post(reverse("checkout:shipping-method"),
                           {f"shop_{first.pk}": str(dearer.pk), f"shop_{second.pk}": "default"
                            if not second.shipping_options.exists() else str(second.shipping_options.get().pk)})
    assert response["Location"] == reverse("checkout:preview")
    review = client.get(reverse("checkout:preview")).content.decode()
    assert "Giao tận nơi" in review and "Giao tiết kiệm" not in review
    # Going through the address again keeps the buyer's choice.
    client.post(reverse("checkout:shipping-address"), {**ADDRESS_POST, "commune": commune_code()})
    assert "Giao tận nơi" in client.get(reverse("checkout:preview")).content.decode()


def test_the_terms_box_is_required_in_the_page_and_refused_beside_the_box(client, two_shops):
    add_to_basket(client, two_shops[0])
    _form, _payment, review, total = to_review(client, {"phone": "0912345678"})
    box = re.search(r'<input type="checkbox" name="accept_terms"[^>]*>', review).group(0)
    assert "required" in box
    assert 'action="#place-order"' in review
    response = client.post(reverse("checkout:preview"), {"expected_total": total, "action": "place"})
    assert response.status_code == 200
    html = response.content.decode()
    box = re.search(r'<input type="checkbox" name="accept_terms"[^>]*>', html).group(0)
    assert "autofocus" in box and 'aria-describedby="terms-error"' in box
    assert html.index('id="terms-error"') > html.index('name="accept_terms"')
    assert "Vui lòng xác nhận trước khi đặt hàng." in html
    assert not Purchase.objects.exists()
    # "Hủy đặt hàng" comes alone after "Đặt hàng", the privacy notice and the back link.
    assert (html.index('value="place"') < html.index("privacy-share-notice")
            < html.index("Quay lại bước trước") < html.index('value="cancel"'))


def test_every_checkout_page_shows_the_same_three_steps(client, two_shops):
    add_to_basket(client, two_shops[0])
    pages = []
    form, payment, review, total = to_review(client, {"phone": "0912345678"})
    pages += [form, client.get(reverse("checkout:shipping-method")).content.decode(), payment, review]
    place(client, total)
    pages.append(client.get(reverse("checkout:thank-you")).content.decode())
    for html in pages:
        nav = re.search(r'<nav class="checkout-steps".*?</nav>', html, re.S).group(0)
        labels = re.findall(r">([^<>]+)</(?:a|span)>", nav)
        assert labels == ["Giao hàng", "Thanh toán", "Xác nhận"], labels


def test_a_signed_in_buyer_ships_to_a_saved_address_in_one_tap(client, two_shops):
    buyer = make_user("nguoi-mua@example.vn")
    client.force_login(buyer)
    add_to_basket(client, two_shops[0])
    _form, _payment, _review, total = to_review(client, None)
    assert place(client, total).status_code == 302
    saved = UserAddress.objects.get(user=buyer)
    assert saved.first_name == ADDRESS_POST["name"] and saved.num_orders_as_shipping_address == 1

    add_to_basket(client, two_shops[1])
    page = client.get(reverse("checkout:shipping-address")).content.decode()
    assert "Giao đến địa chỉ này" in page and ADDRESS_POST["street"] in page
    response = client.post(reverse("checkout:shipping-address"), {"saved_address": str(saved.pk)})
    assert response["Location"] == reverse("checkout:payment-method")  # delivery preselected
    client.post(reverse("checkout:payment-method"), {"method": "cod"})
    review = client.get(reverse("checkout:preview")).content.decode()
    assert ADDRESS_POST["name"] in review and ADDRESS_POST["street"] in review
    total = int(re.search(r'name="expected_total" value="(\d+)"', review).group(1))
    assert place(client, total).status_code == 302
    saved.refresh_from_db()
    assert saved.num_orders_as_shipping_address == 2
    assert UserAddress.objects.filter(user=buyer).count() == 1


def test_another_buyers_saved_address_is_refused(client, two_shops):
    other = make_user("nguoi-khac@example.vn")
    theirs = UserAddress.objects.create(user=other, first_name="Người khác", line1="1 Đường A",
                                        line2="Phường X", line4="Cà Mau", state="1", country_id="VN",
                                        phone_number="+84912000000")
    client.force_login(make_user("toi@example.vn"))
    add_to_basket(client, two_shops[0])
    response = client.post(reverse("checkout:shipping-address"), {"saved_address": str(theirs.pk)})
    assert response["Location"] == reverse("checkout:shipping-address")
    page = client.get(reverse("checkout:shipping-address")).content.decode()
    assert "Người khác" not in page


@pytest.mark.parametrize("mend", [
    {"phone_number": "+842903812345"},  # a landline: no COD call reaches a mobile
    {"state": "Phường 5"},  # Oscar's own address book: free text, not a commune code
    {"state": "99999"},  # a commune code that no longer exists
])
def test_a_saved_address_the_form_would_refuse_is_shown_to_mend_not_placed(client, two_shops, mend):
    buyer = make_user("nguoi-mua-cu@example.vn")
    client.force_login(buyer)
    add_to_basket(client, two_shops[0])
    _form, _payment, _review, total = to_review(client, None)
    assert place(client, total).status_code == 302
    saved = UserAddress.objects.get(user=buyer)
    UserAddress.objects.filter(pk=saved.pk).update(**mend)

    add_to_basket(client, two_shops[1])
    response = client.post(reverse("checkout:shipping-address"), {"saved_address": str(saved.pk)})
    assert response.status_code == 200  # the address form again, with what is wrong
    html = response.content.decode()
    assert "Địa chỉ đã lưu này cần bổ sung" in html
    assert response.context["form"].errors
    assert client.get(reverse("checkout:payment-method")).status_code == 302  # no address kept
