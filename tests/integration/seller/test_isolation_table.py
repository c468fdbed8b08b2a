"""The isolation table: every seller URL, walked with another shop's ids, answers 404.

The URL patterns are collected from the `seller` namespace itself, so a view added later
is covered without editing this test. Object kwargs follow one naming convention
(`product_pk`, `image_pk`, `order_number`, `line_pk`, `option_pk`, `certificate_pk`,
`member_pk`, `review_pk`); a pattern with a kwarg outside it fails the test until it is added here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_basket, create_order

from catalogue.models import OcopCertificate, Product, ProductClass, ProductImage, ReviewMeta
from shops.models import Partner, ShippingOption, ShopMember, StockRecord

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")

OBJECT_KWARGS = {
    "product_pk", "image_pk", "order_number", "line_pk", "option_pk", "certificate_pk", "member_pk",
    "review_pk",
}


def seller_patterns() -> list[tuple[str, set[str]]]:
    """(url name, kwarg names) of every pattern in the `seller` namespace."""
    found: list[tuple[str, set[str]]] = []

    def walk(patterns, namespace, inherited: set[str]):
        for entry in patterns:
            names = inherited | set(entry.pattern.converters) | set(
                entry.pattern.regex.groupindex
            )
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace, names)
            elif isinstance(entry, URLPattern) and namespace == "seller" and entry.name:
                found.append((entry.name, names))

    walk(get_resolver().url_patterns, None, set())
    return found


def make_shop(code: str) -> dict:
    User = get_user_model()
    owner = User.objects.create_user(username=f"{code}-owner", email=f"{code}@example.vn", password="pw-123456!")
    shop = Partner.objects.create(code=code, name=f"Shop {code}", status=Partner.Status.APPROVED)
    ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    helper_user = User.objects.create_user(username=f"{code}-helper", email=f"{code}-h@example.vn", password="x")
    helper = ShopMember.objects.create(shop=shop, user=helper_user, role=ShopMember.Role.HELPER)
    product_class, _ = ProductClass.objects.get_or_create(name="Sản phẩm", defaults={"track_stock": True})
    product = Product.objects.create(title=f"Sản phẩm {code}", shop=shop, product_class=product_class)
    record = StockRecord.objects.create(
        product=product, partner=shop, partner_sku=f"{code}-1", price=Decimal("50000"), num_in_stock=20
    )
    image = ProductImage.objects.create(product=product, original=f"images/{code}.jpg", display_order=0)
    basket = create_basket(empty=True)
    basket.add_product(product, quantity=1)
    order = create_order(basket=basket)
    option = ShippingOption.objects.create(shop=shop, name="Giao tận nơi", fee=20000)
    certificate = OcopCertificate.objects.create(
        product=product, stars=3, score=60, decision_number=f"{code}/QĐ", issuing_body="province",
        issued_on=datetime.date(2025, 1, 1),
    )
    buyer = User.objects.create_user(username=f"{code}-buyer", email=f"{code}-b@example.vn", password="x")
    review = ProductReview.objects.create(product=product, user=buyer, score=4, title="Ngon", body="Ngon lắm")
    ReviewMeta.objects.create(review=review, verified_purchase=True)
    return {
        "owner": owner, "shop": shop, "record": record,
        "kwargs": {
            "shop_code": shop.code, "product_pk": product.pk, "image_pk": image.pk,
            "order_number": order.number, "line_pk": order.lines.first().pk,
            "option_pk": option.pk, "certificate_pk": certificate.pk,
            "member_pk": helper.pk, "review_pk": review.pk,
        },
    }


@pytest.fixture
def two_shops():
    return make_shop("shop-a"), make_shop("shop-b")


def test_the_seller_namespace_is_populated():
    names = {name for name, _ in seller_patterns()}
    assert {"home", "overview", "products"} <= names


def test_every_object_kwarg_follows_the_naming_convention():
    for name, kwargs in seller_patterns():
        unknown = kwargs - OBJECT_KWARGS - {"shop_code"}
        assert not unknown, f"seller:{name} uses {unknown}: add it to the isolation table"


def test_every_seller_url_refuses_another_shops_objects(client, two_shops):
    own, other = two_shops
    client.force_login(own["owner"])
    checked = 0
    for name, kwarg_names in seller_patterns():
        object_kwargs = kwarg_names & OBJECT_KWARGS
        for foreign in sorted(object_kwargs):
            kwargs = {k: own["kwargs"][k] for k in kwarg_names}
            kwargs[foreign] = other["kwargs"][foreign]
            url = reverse(f"seller:{name}", kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 404, (
                    f"{method.upper()} seller:{name} with shop-b's {foreign} answered {response.status_code}"
                )
                checked += 1
    assert checked > 0


def test_every_seller_url_refuses_another_shops_workspace(client, two_shops):
    own, other = two_shops
    client.force_login(own["owner"])
    for name, kwarg_names in seller_patterns():
        if "shop_code" not in kwarg_names:
            continue
        kwargs = {k: other["kwargs"][k] for k in kwarg_names}
        url = reverse(f"seller:{name}", kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, f"{method.upper()} seller:{name} of shop-b: {response.status_code}"


def test_every_seller_url_sends_strangers_to_sign_in(client, two_shops):
    own, _ = two_shops
    for name, kwarg_names in seller_patterns():
        url = reverse(f"seller:{name}", kwargs={k: own["kwargs"][k] for k in kwarg_names})
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_nothing_of_the_other_shop_changed(client, two_shops):
    own, other = two_shops
    client.force_login(own["owner"])
    before = StockRecord.objects.get(pk=other["record"].pk).num_in_stock
    for name, kwarg_names in seller_patterns():
        if not kwarg_names & OBJECT_KWARGS:
            continue
        kwargs = {k: other["kwargs"][k] if k in OBJECT_KWARGS else own["kwargs"][k] for k in kwarg_names}
        client.post(
            reverse(f"seller:{name}", kwargs=kwargs),
            {"delta": "-5", "reason": "x", "status": "cancelled", "text": "x"},
        )
    assert StockRecord.objects.get(pk=other["record"].pk).num_in_stock == before
    assert Product.objects.filter(pk=other["kwargs"]["product_pk"]).exists()
    assert ShopMember.objects.active().filter(pk=other["kwargs"]["member_pk"]).exists()
    assert ReviewMeta.objects.get(review_id=other["kwargs"]["review_pk"]).seller_reply == ""
