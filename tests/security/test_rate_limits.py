"""Per-address limits of the abuse-prone forms: registration, sign-in, password reset, shop
application (marketplace/core/ratelimit.py). Over the limit: 429, a page, Retry-After."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from marketplace.core.ratelimit import hit, parse_rate
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIMITS = {
    "login": "3/hour",
    "register": "3/hour",
    "password_reset": "3/hour",
    "shop_apply": "3/hour",
}


def registration(n: int) -> dict:
    password = "Mat-khau-dai-2026"
    return {"email": f"nguoi{n}@example.vn", "password1": password, "password2": password}


def assert_limited(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "Quá nhiều yêu cầu" in body and "<html" in body  # the site's page, not a bare text


@override_settings(FORM_RATE_LIMITS=LIMITS)
def test_registration_is_limited_per_address():
    client = Client()
    for n in range(3):
        response = client.post("/accounts/register/", registration(n))
        assert response.status_code == 302, response.status_code
        client.logout()
    assert_limited(client.post("/accounts/register/", registration(9)))
    assert not get_user_model().objects.filter(email="nguoi9@example.vn").exists()
    # the registration form of the sign-in page counts in the same window
    form = {f"registration-{k}": v for k, v in registration(10).items()} | {
        "registration_submit": "1"
    }
    assert_limited(client.post("/accounts/login/", form))
    # another address is not affected; reading the form never is
    assert (
        client.post("/accounts/register/", registration(11), REMOTE_ADDR="10.1.2.3").status_code
        == 302
    )
    assert Client().get("/accounts/register/").status_code == 200


@override_settings(FORM_RATE_LIMITS=LIMITS)
def test_sign_in_posts_are_limited_per_address():
    client = Client()
    for n in range(3):
        client.post(
            "/accounts/login/",
            {
                "login-username": f"ai{n}@example.vn",
                "login-password": "sai",
                "login_submit": "1",
            },
        )
    assert_limited(
        client.post(
            "/accounts/login/",
            {
                "login-username": "khac@example.vn",
                "login-password": "sai",
                "login_submit": "1",
            },
        )
    )
    assert Client().get("/accounts/login/").status_code == 200
    # the staff sign-in pages share the window
    assert_limited(client.post("/cms/login/", {"username": "x", "password": "y"}))
    assert_limited(client.post("/django-admin/login/", {"username": "x", "password": "y"}))


@override_settings(FORM_RATE_LIMITS=LIMITS)
def test_password_reset_is_limited_per_address():
    client = Client()
    for n in range(3):
        assert client.post("/password-reset/", {"email": f"ai{n}@example.vn"}).status_code == 302
    assert_limited(client.post("/password-reset/", {"email": "ai9@example.vn"}))
    assert (
        client.post(
            "/password-reset/", {"email": "x@example.vn"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        == 302
    )


@override_settings(FORM_RATE_LIMITS=LIMITS)
def test_shop_applications_are_limited_per_address():
    user = make_user("chu@example.vn", username="chu", password="pw-Chu-2026")
    client = Client()
    client.force_login(user)
    for _ in range(3):  # invalid forms count too: the limit is on submissions
        assert client.post("/shops/apply/", {"name": ""}).status_code == 200
    assert_limited(client.post("/shops/apply/", {"name": ""}))
    assert client.get("/shops/apply/").status_code == 200


def test_the_default_limits_let_people_through(settings):
    """Production defaults: generous (many phones share one carrier address)."""
    from marketplace.settings import base

    for scope in ("login", "register", "password_reset", "shop_apply"):
        count, period = parse_rate(base.FORM_RATE_LIMITS[scope])
        assert count >= 10 and period == 3600, scope


def test_the_counter_windows():
    verdicts = [hit("test", "10.0.0.1", "2/minute") for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert 1 <= verdicts[-1].retry_after <= 60
    assert hit("test", "10.0.0.2", "2/minute").allowed
    assert hit("other", "10.0.0.1", "2/minute").allowed


def test_voucher_codes_are_limited_per_address_and_the_basket_keeps_everything(settings):
    """Codes are short: typing them is limited, on our form and on Oscar's address alike
    (both are marketplace.checkout.voucher_views); over the limit the basket says to wait."""
    from django.core.cache import cache

    from tests.factories import make_product, make_shop
    from tests.factories.vouchers import make_shop_voucher

    cache.clear()
    settings.FORM_RATE_LIMITS = {**settings.FORM_RATE_LIMITS, "voucher": "3/hour"}
    shop = make_shop("mat-ong")
    product = make_product(shop, "Mật ong U Minh", price=200_000, stock=5)
    make_shop_voucher(shop, code="TETMATONG")
    client = Client()
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    for path, code in (("/basket/vouchers/apply/", "XXXX1"), ("/basket/vouchers/add/", "XXXX2"),
                       ("/basket/vouchers/apply/", "TETMATONG")):
        page = client.post(path, {"typed_code": code, "code": code}, follow=True).content.decode()
        assert "quá nhiều mã" not in page
    # Oscar's address answers with our rules: a shop voucher needs a signed-in buyer.
    assert "Đăng nhập" in page or "đăng nhập" in page
    response = client.post("/basket/vouchers/apply/", {"typed_code": "TETMATONG"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bạn đã thử quá nhiều mã giảm giá. Vui lòng thử lại sau" in page
    assert "Mật ong U Minh" in page  # the basket is still there
    limited = client.post("/basket/vouchers/add/", {"code": "TETMATONG"})
    assert limited.status_code == 302
    assert hit("voucher", "10.9.9.9", "3/hour").allowed  # another address is not held back


def test_only_refused_codes_count_and_an_ipv6_client_counts_per_64(settings):
    from django.core.cache import cache

    from tests.factories import make_product, make_shop, make_user
    from tests.factories.vouchers import make_shop_voucher

    cache.clear()
    settings.FORM_RATE_LIMITS = {**settings.FORM_RATE_LIMITS, "voucher": "2/hour"}
    shop = make_shop("mat-ong")
    product = make_product(shop, "Mật ong U Minh", price=200_000, stock=5)
    make_shop_voucher(shop, code="TETMATONG")
    buyer = make_user("mua@example.com")
    client = Client(REMOTE_ADDR="2001:db8:1:2::10")
    client.force_login(buyer)
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    for _ in range(4):  # a code that applies, again and again (a buyer switching vouchers)
        page = client.post("/basket/vouchers/apply/", {"typed_code": "TETMATONG", "shop": shop.pk},
                           follow=True).content.decode()
        assert "Đã áp dụng mã “TETMATONG”" in page and "quá nhiều mã" not in page
    for _ in range(2):
        client.post("/basket/vouchers/apply/", {"typed_code": "DOANBUA", "shop": shop.pk})
    # Another address of the same /64 is the same subscriber: held back too.
    neighbour = Client(REMOTE_ADDR="2001:db8:1:2:ffff::99")
    neighbour.force_login(buyer)
    page = neighbour.post("/basket/vouchers/apply/", {"typed_code": "TETMATONG", "shop": shop.pk},
                          follow=True).content.decode()
    assert "Bạn đã thử quá nhiều mã giảm giá" in page
    other = Client(REMOTE_ADDR="2001:db8:1:3::10")
    other.force_login(buyer)
    page = other.post("/basket/vouchers/apply/", {"typed_code": "TETMATONG", "shop": shop.pk},
                      follow=True).content.decode()
    assert "quá nhiều mã" not in page
