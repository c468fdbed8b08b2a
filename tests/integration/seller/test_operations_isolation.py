"""Isolation of the operations URLs: another shop's ids and workspace answer 404;
strangers are sent to sign in; the history list has a fixed query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from shops.models import ShippingOption, ShopMember
from tests.factories import (
    make_certificate,
    make_option,
    make_order,
    make_product,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db

Line = get_model("order", "Line")

URLS = [
    ("overview", ()),
    ("orders", ()),
    ("order-detail", ("order_number",)),
    ("order-status", ("order_number",)),
    ("shipping", ()),
    ("shipping-create", ()),
    ("shipping-edit", ("option_pk",)),
    ("shipping-delete", ("option_pk",)),
    ("certificates", ()),
    ("certificate-create", ()),
    ("certificate-detail", ("certificate_pk",)),
    ("members", ()),
    ("member-add", ()),
    ("member-revoke", ("member_pk",)),
    ("history", ()),
]


def build(code: str) -> dict:
    owner = make_user(f"{code}@example.vn", first_name="Chủ", last_name=code)
    shop = make_shop(code, owner=owner)
    helper = make_user(f"{code}-helper@example.vn")
    member = ShopMember.objects.create(shop=shop, user=helper, role=ShopMember.Role.HELPER)
    product = make_product(shop, f"Sản phẩm {code}")
    order = make_order([(product, 1)], number=f"ORD-{code}")
    return {
        "owner": owner, "shop": shop, "member": member, "order": order,
        "kwargs": {
            "shop_code": shop.code, "order_number": order.number,
            "option_pk": make_option(shop).pk,
            "certificate_pk": make_certificate(product).pk, "member_pk": member.pk,
        },
    }


@pytest.fixture
def shops():
    return build("shop-a"), build("shop-b")


def own_url(name, keys, a, b=None, foreign=None):
    kwargs = {"shop_code": a["kwargs"]["shop_code"]}
    for key in keys:
        kwargs[key] = (b if key == foreign else a)["kwargs"][key]
    return reverse(f"seller:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("name", "keys"), [u for u in URLS if u[1]])
def test_another_shops_object_is_404(client, shops, name, keys):
    a, b = shops
    client.force_login(a["owner"])
    url = own_url(name, keys, a, b, foreign=keys[0])
    assert client.get(url).status_code == 404
    assert client.post(url, {"from_status": "pending", "to_status": "cancelled", "reason": "x"}).status_code == 404
    assert Line.objects.get(order=b["order"]).status == "pending"
    assert ShippingOption.objects.filter(pk=b["kwargs"]["option_pk"]).exists()
    assert ShopMember.objects.active().filter(pk=b["member"].pk).exists()


@pytest.mark.parametrize(("name", "keys"), URLS)
def test_another_shops_workspace_is_404(client, shops, name, keys):
    a, b = shops
    client.force_login(a["owner"])
    url = reverse(f"seller:{name}", kwargs={k: b["kwargs"][k] for k in ("shop_code", *keys)})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


@pytest.mark.parametrize(("name", "keys"), URLS)
def test_strangers_are_sent_to_sign_in(client, shops, name, keys):
    a, _ = shops
    url = reverse(f"seller:{name}", kwargs={k: a["kwargs"][k] for k in ("shop_code", *keys)})
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("name", "keys"), URLS)
def test_own_pages_open(client, shops, name, keys):
    a, _ = shops
    client.force_login(a["owner"])
    url = reverse(f"seller:{name}", kwargs={k: a["kwargs"][k] for k in ("shop_code", *keys)})
    expected = 405 if name in ("order-status", "member-revoke") else 200
    assert client.get(url).status_code == expected


def test_a_revoked_member_sees_nothing(client, shops):
    a, _ = shops
    a["member"].revoked_at = a["member"].created_at
    a["member"].save()
    client.force_login(a["member"].user)
    for name, keys in URLS:
        url = reverse(f"seller:{name}", kwargs={k: a["kwargs"][k] for k in ("shop_code", *keys)})
        assert client.get(url).status_code == 404, name


def test_history_shows_own_events_only_with_a_fixed_query_count(client, shops):
    a, b = shops
    audit_record(action="test.b_event", actor=b["owner"], acting_as="owner", shop=b["shop"], reason="bí mật của B")
    audit_record(action="test.first", actor=a["owner"], acting_as="owner", shop=a["shop"])
    client.force_login(a["owner"])
    url = reverse("seller:history", kwargs={"shop_code": "shop-a"})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert "bí mật của B" not in response.content.decode()
    for i in range(39):
        user = make_user(f"actor{i}@example.vn", first_name=f"Người {i}")
        audit_record(action="test.event", actor=user, acting_as="helper", shop=a["shop"], reason=f"lý do {i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    events = list(response.context["events"])
    assert len(events) == 30
    assert events[0].reason == "lý do 38"  # newest first
    assert len(many) == len(few)
    assert AuditEvent.objects.filter(shop=a["shop"]).count() == 40
