"""The isolation table: every seller URL, walked with another shop's ids, answers 404.

The URL patterns are collected from the `seller` namespace itself, so a view added later
is covered without editing this test. Object kwargs follow one naming convention
(`product_pk`, `image_pk`, `variant_pk`, `order_number`, `line_pk`, `option_pk`, `certificate_pk`,
`member_pk`, `review_pk`, `shipment_pk`, `complaint_pk`, `photo_pk`, `invitation_pk`, `voucher_pk`, and the
invitation link's `token`); a pattern with a kwarg
outside it fails the test until it is added here.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import create_basket, create_order

from catalogue.models import OcopCertificate, Product, ProductImage, ReviewMeta
from marketplace.complaints.models import Complaint, ComplaintPhoto
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.shipments import shipment_hand_over
from shops.models import ShopInvitation, ShopMember, StockRecord
from tests.factories import (
    make_certificate,
    make_invitation,
    make_option,
    make_product,
    make_shop,
    make_user,
    make_variant_product,
)
from tests.factories.vouchers import make_shop_voucher

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")

OBJECT_KWARGS = {
    "product_pk", "image_pk", "variant_pk", "order_number", "line_pk", "option_pk", "certificate_pk", "member_pk",
    "review_pk", "shipment_pk", "complaint_pk", "photo_pk", "invitation_pk", "token", "voucher_pk",
}
#: URL arguments that name no object of a shop (the year of a tax certificate).
PARAMETER_KWARGS = {"year"}


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


def build(code: str) -> dict:
    owner = make_user(f"{code}@example.vn", username=f"{code}-owner", password="pw-123456!")
    shop = make_shop(code, name=f"Shop {code}", owner=owner)
    helper_user = make_user(f"{code}-h@example.vn", username=f"{code}-helper", password="x")
    helper = ShopMember.objects.create(shop=shop, user=helper_user, role=ShopMember.Role.HELPER)
    product = make_product(shop, f"Sản phẩm {code}", price=50_000, stock=20, sku=f"{code}-1")
    record = product.stockrecords.get()
    image = ProductImage.objects.create(product=product, original=f"images/{code}.jpg", display_order=0)
    # An option of another product of the shop (catalogue/variants.py): foreign under any product.
    variant = make_variant_product(shop, f"Nhiều loại {code}").children.order_by("pk").first()
    basket = create_basket(empty=True)
    basket.add_product(product, quantity=1)
    order = create_order(basket=basket)
    option = make_option(shop, fee=20_000)
    certificate = make_certificate(
        product, stars=3, status=OcopCertificate.Status.PENDING, decision_number=f"{code}/QĐ",
        issued_on=datetime.date(2025, 1, 1),
    )
    buyer = make_user(f"{code}-b@example.vn", username=f"{code}-buyer", password="x")
    review = ProductReview.objects.create(product=product, user=buyer, score=4, title="Ngon", body="Ngon lắm")
    ReviewMeta.objects.create(review=review, verified_purchase=True)
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    shipment = shipment_hand_over(shop=shop, order=order, carrier="self", actor=owner, acting_as="owner")
    complaint = Complaint.objects.create(
        order=order, shop=shop, user=buyer, kind="refund_only", reason="damaged", message="Vỡ",
        requested_amount=10_000, delivered_at=timezone.now(), shop_answer_due=timezone.now(),
    )
    photo = ComplaintPhoto.objects.create(complaint=complaint, image=f"complaints/{code}.jpg")
    # The owner's own address: only the other shop's token (sent to another address) is foreign.
    invitation, token = make_invitation(shop, f"{code}@example.vn", invited_by=owner)
    voucher = make_shop_voucher(shop, code=f"{code.replace('-', '').upper()}VC")
    return {
        "owner": owner, "shop": shop, "record": record,
        "kwargs": {
            "shop_code": shop.code, "product_pk": product.pk, "image_pk": image.pk, "variant_pk": variant.pk,
            "order_number": order.number, "line_pk": order.lines.first().pk,
            "option_pk": option.pk, "certificate_pk": certificate.pk,
            "member_pk": helper.pk, "review_pk": review.pk,
            "shipment_pk": shipment.pk, "complaint_pk": complaint.pk, "photo_pk": photo.pk,
            "year": timezone.localdate().year,
            "invitation_pk": invitation.pk, "token": token, "voucher_pk": voucher.pk,
        },
    }


@pytest.fixture
def two_shops():
    return build("shop-a"), build("shop-b")


def test_the_seller_namespace_is_populated():
    names = {name for name, _ in seller_patterns()}
    assert {"home", "overview", "products"} <= names


def test_every_object_kwarg_follows_the_naming_convention():
    for name, kwargs in seller_patterns():
        unknown = kwargs - OBJECT_KWARGS - PARAMETER_KWARGS - {"shop_code"}
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
    assert Complaint.objects.get(pk=other["kwargs"]["complaint_pk"]).status == Complaint.Status.OPEN
    assert ShopInvitation.objects.get(pk=other["kwargs"]["invitation_pk"]).status == "pending"
    assert get_model("voucher", "Voucher").objects.get(pk=other["kwargs"]["voucher_pk"]).is_active()
