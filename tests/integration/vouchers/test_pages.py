"""The basket's voucher buttons (pick, type, remove; refusals shown) and the seller's voucher
pages (create with bad input, list with uses, end early, another shop's voucher: 404)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.order.models import Purchase
from shops.models import ShopMember
from tests.factories import ensure_country, login, make_product, make_shop, make_user
from tests.factories.vouchers import FIXED, make_programme_voucher, make_shop_voucher
from tests.integration.checkout.test_journey import checkout

pytestmark = pytest.mark.django_db

Voucher = get_model("voucher", "Voucher")
Range = get_model("offer", "Range")


@pytest.fixture
def shops(settings):
    settings.CHECKOUT_DEFAULT_SHIPPING_FEE = 30_000
    ensure_country()
    honey, fish = make_shop("mat-ong"), make_shop("kho-ca")
    return honey, make_product(honey, "Mật ong U Minh Hạ", price=200_000), fish, make_product(fish, "Khô cá", price=100_000)


def total(html: str) -> int:
    return int(re.search(r'id="basket-grand-total">([\d.]+) ₫<', html).group(1).replace(".", ""))


def basket_page(client) -> str:
    return client.get(reverse("basket:summary")).content.decode()


def test_buyer_picks_a_listed_voucher_sees_the_discount_and_removes_it(client, shops):
    honey, mat_ong, fish, kho_ca = shops
    voucher = make_shop_voucher(honey, code="TETMATONG", kind=FIXED, value=25_000)
    login(client, make_user("mua@example.com"))
    for product in (mat_ong, kho_ca):
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    html = basket_page(client)
    assert "Mã giảm giá của shop" in html
    # The listed voucher's button, inside the honey shop's section, submits that shop's form.
    assert (f'form="voucher-apply-{honey.pk}" name="code" value="TETMATONG"' in html
            and f'id="voucher-apply-{honey.pk}"' in html)
    assert total(html) == 300_000 + 60_000
    response = client.post(reverse("basket-voucher-apply"), {"code": "TETMATONG", "shop": honey.pk}, follow=True)
    html = response.content.decode()
    assert "Đã áp dụng mã “TETMATONG”" in html
    assert "−25.000 ₫" in html and total(html) == 300_000 - 25_000 + 60_000
    response = client.post(reverse("basket-voucher-remove", kwargs={"pk": voucher.pk}), follow=True)
    assert total(response.content.decode()) == 360_000


@pytest.mark.parametrize("code, shop_index, message", [
    ("CUAMATONG", 2, "không áp dụng cho sản phẩm của shop này"),
    ("KHONGCO", 0, "không tồn tại"),
    ("TOITHIEU", 0, "Mua thêm 100.000 ₫"),
])
def test_refusals_are_shown_and_nothing_applies(client, shops, code, shop_index, message):
    make_shop_voucher(shops[0], code="CUAMATONG")
    make_shop_voucher(shops[0], code="TOITHIEU", min_basket=300_000)
    login(client, make_user("mua@example.com"))
    client.post(reverse("basket:add", kwargs={"pk": shops[1].pk}), {"quantity": 1})
    client.post(reverse("basket:add", kwargs={"pk": shops[3].pk}), {"quantity": 1})
    response = client.post(reverse("basket-voucher-apply"), {"code": code, "shop": shops[shop_index].pk}, follow=True)
    html = response.content.decode()
    assert message in html and total(html) == 360_000


def test_a_guest_is_asked_to_sign_in_for_a_shop_voucher_but_may_use_the_programmes(client, shops):
    honey, mat_ong, *_ = shops
    make_shop_voucher(honey, code="CHOTHANHVIEN")
    make_programme_voucher("OCOPTET", amount=10_000)
    client.post(reverse("basket:add", kwargs={"pk": mat_ong.pk}), {"quantity": 1})
    html = client.post(reverse("basket-voucher-apply"), {"code": "CHOTHANHVIEN", "shop": honey.pk}, follow=True).content.decode()
    assert "Hãy đăng nhập để dùng mã giảm giá này" in html
    html = client.post(reverse("basket-voucher-apply"), {"code": "ocoptet"}, follow=True).content.decode()
    assert total(html) == 200_000 - 10_000 + 30_000


def seller(client, shop):
    owner = make_user(f"chu@{shop.code}.vn")
    ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    login(client, owner)
    return owner


def test_seller_creates_lists_and_ends_a_voucher(client, shops):
    honey, *_ = shops
    seller(client, honey)
    url = reverse("seller:voucher-create", kwargs={"shop_code": honey.code})
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "code": "tet2027", "kind": "percentage", "value": 10, "max_discount": 30000, "min_basket": 150000,
        "per_buyer": 1, "total": 50, "starts_at": "2026-01-01T08:00", "ends_at": "2099-02-01T23:59",
        "listed": "on",
    })
    assert response.status_code == 302
    voucher = Voucher.objects.get(code="TET2027")
    offer = voucher.offers.get()
    assert (offer.shop_id, offer.benefit.range.shop_id, offer.max_global_applications) == (honey.pk, honey.pk, 50)
    html = client.get(reverse("seller:vouchers", kwargs={"shop_code": honey.code})).content.decode()
    assert "TET2027" in html and "Đã dùng 0/50 lượt" in html
    end = reverse("seller:voucher-end", kwargs={"shop_code": honey.code, "voucher_pk": voucher.pk})
    assert client.post(end).status_code == 302
    voucher.refresh_from_db()
    assert not voucher.is_active()


@pytest.mark.parametrize("changes, message", [
    ({"value": -5, "kind": "fixed"}, "Số tiền giảm phải lớn hơn 0 ₫."),
    ({"value": 150}, "Phần trăm giảm phải lớn hơn 0 và không quá 100."),
    ({"value": 0}, "Phần trăm giảm phải lớn hơn 0 và không quá 100."),
    ({"ends_at": "2025-12-31T08:00", "starts_at": "2026-01-01T08:00"}, "Thời gian kết thúc phải sau thời gian bắt đầu."),
    ({"per_buyer": 0}, "Mỗi người mua phải được dùng ít nhất 1 lần."),
    ({"total": 0}, "Tổng số lượt dùng phải ít nhất là 1."),
    ({"code": "DADUNG"}, "đã có người dùng"),
    ({"code": "mã có dấu"}, "Mã gồm 4–20 chữ cái"),
    ({"starts_at": "hôm qua"}, "Ngày giờ không hợp lệ"),
    ({"value": "mười"}, "Giá trị không hợp lệ."),
])
def test_seller_bad_input_is_refused_with_a_message_and_nothing_saved(client, shops, changes, message):
    honey, _p, fish, _q = shops
    make_shop_voucher(fish, code="DADUNG")
    seller(client, honey)
    data = {"code": "", "kind": "percentage", "value": 10, "max_discount": "", "min_basket": 0, "per_buyer": 1,
            "total": 10, "starts_at": "2026-01-01T08:00", "ends_at": "2099-01-01T08:00"}
    data.update(changes)
    response = client.post(reverse("seller:voucher-create", kwargs={"shop_code": honey.code}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Range.objects.filter(shop=honey).exists()


def test_another_shops_voucher_is_a_404(client, shops):
    honey, _p, fish, _q = shops
    theirs = make_shop_voucher(fish, code="CUAKHAC")
    seller(client, honey)
    end = reverse("seller:voucher-end", kwargs={"shop_code": honey.code, "voucher_pk": theirs.pk})
    assert client.post(end).status_code == 404
    assert "CUAKHAC" not in client.get(reverse("seller:vouchers", kwargs={"shop_code": honey.code})).content.decode()
    assert client.get(reverse("seller:vouchers", kwargs={"shop_code": fish.code})).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active()


def test_the_review_shows_each_shops_discount_and_places_the_total_after_it(client, shops):
    honey, mat_ong, fish, kho_ca = shops
    make_programme_voucher("OCOPTET", amount=30_000)
    for product in (mat_ong, kho_ca):
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("basket-voucher-apply"), {"code": "OCOPTET"})
    review, total = checkout(client)
    html = review.content.decode()
    # 30.000 ₫ spread over the two shops' lines by value (200.000 : 100.000).
    assert "Mã giảm giá OCOPTET: <strong>−20.000 ₫</strong>" in html
    assert "Mã giảm giá OCOPTET: <strong>−10.000 ₫</strong>" in html
    assert total == 300_000 - 30_000 + 60_000
    response = client.post(reverse("checkout:preview"), {"expected_total": total, "accept_terms": "on",
                                                          "action": "place"})
    assert response.status_code == 302
    purchase = Purchase.objects.get()
    assert purchase.total == total
    assert sorted(int(o.total_incl_tax) for o in purchase.orders.all()) == [90_000 + 30_000, 180_000 + 30_000]


def test_staff_dashboard_offer_pages_work_with_the_forked_offer_app(client, shops):
    make_shop_voucher(shops[0], code="TRONGDS")
    make_programme_voucher("OCOPTET")
    admin = get_user_model().objects.create_superuser("admin@example.com", "admin@example.com", "x")
    client.force_login(admin)
    for name in ("dashboard:voucher-list", "dashboard:offer-list", "dashboard:range-list",
                 "dashboard:voucher-create", "dashboard:range-create"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert "OCOPTET" in client.get(reverse("dashboard:voucher-list")).content.decode()
