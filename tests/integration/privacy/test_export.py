"""marketplace/privacy/selectors.py:person_export — everything held about one person and
nothing of anyone else, in a number of queries that does not grow with their orders."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.complaints.services import complaint_refuse
from marketplace.core.models import AuditEvent
from marketplace.privacy import selectors, services
from marketplace.privacy.models import ConsentEvent
from shops.models import ShopMember
from tests.factories import delivered_purchase, make_representative, make_user, person_with_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people():
    an = person_with_data("an@example.vn", shop_code="htx-an", name="Nguyễn Văn An", phone="+84911111111")
    binh = person_with_data("binh@example.vn", shop_code="htx-binh", name="Trần Thị Bình", phone="+84922222222")
    # Bình also buys from An's shop, and the shop answers An's complaint: neither is An's data.
    delivered_purchase(an["shop"], binh["buyer"], an["product"], owner=an["owner"],
                       address={"first_name": "Trần Thị Bình", "line1": "5 Ấp Bình", "line2": "Xã Khánh Bình",
                                "line4": "Cà Mau", "phone_number": "+84922222222"})
    services.consent_set(user=an["buyer"], purpose=ConsentEvent.Purpose.MARKETING_EMAIL, given=True)
    return an, binh


def test_the_export_holds_the_persons_own_data(two_people):
    an, _ = two_people
    data = selectors.person_export(user=an["buyer"])
    assert data["profile"]["email"] == "an@example.vn"
    # The address book An filled in, and the delivery address checkout remembered for them.
    assert {a["name"] for a in data["addresses"]} == {"Nguyễn Văn An"}
    assert len(data["addresses"]) == an["buyer"].addresses.count() >= 1
    (order,) = data["orders"]
    assert order["number"] == an["orders"][0].number
    assert order["shipping_address"]["name"] == "Nguyễn Văn An"
    assert order["shipping_address"]["phone"] == "+84911111111"
    assert [line["title"] for line in order["lines"]] == ["Mật ong htx-an"]
    assert order["payment_status"] and order["shipments"][0]["status"] == "delivered"
    assert [r["body"] for r in data["reviews"]] == ["Mật ong thơm, Nguyễn Văn An sẽ mua lại."]
    (complaint,) = data["complaints"]
    assert complaint["message"] == "Nguyễn Văn An: giao trễ hai ngày."
    assert {(c["purpose"], c["action"], c["notice_version"]) for c in data["consents"]} == {
        ("share_address_with_shop", "given", "v1"), ("marketing_email", "given", "v1")}
    assert [a["ip_address"] for a in data["sign_in"]["failed_attempts"]] == ["10.0.0.7"]
    assert {a["action"] for a in data["actions"]} >= {"purchase.placed", "complaint.opened"}
    json.dumps(data, default=str)  # JSON-ready


def test_nothing_of_another_person_is_in_it(two_people):
    an, binh = two_people
    # The shop answers An's complaint: the shop's words are not An's data.
    complaint_refuse(complaint=an["complaint"], shop=an["shop"], actor=an["owner"], acting_as="owner",
                     reason="Đã giao đúng hẹn theo vận đơn.")
    text = json.dumps(selectors.person_export(user=an["buyer"]), default=str, ensure_ascii=False)
    for other in ("binh@example.vn", "Trần Thị Bình", "+84922222222", "htx-binh", "Đã giao đúng hẹn",
                  "chu@htx-an.vn"):
        assert other not in text


def test_a_shop_members_export_has_their_memberships_not_the_shops_customers(two_people):
    an, binh = two_people
    helper = make_user("hotro@congnghe.vn")
    ShopMember.objects.create(shop=an["shop"], user=helper, role=ShopMember.Role.HELPER,
                              consent_note="Chủ cửa hàng đồng ý qua điện thoại.")
    AuditEvent.objects.create(actor=helper, acting_as="helper", shop=an["shop"], action="product.changed")
    data = selectors.person_export(user=helper)
    assert [(m["shop_code"], m["role"]) for m in data["shop_memberships"]] == [(an["shop"].code, "helper")]
    assert [a["action"] for a in data["actions"]] == ["product.changed"]
    assert data["orders"] == []
    text = json.dumps(data, default=str, ensure_ascii=False)
    assert "Nguyễn Văn An" not in text and "Trần Thị Bình" not in text
    assert data["shop_representatives"] == []  # a helper is not the shop's owner


def test_an_owners_export_has_the_representative_they_declared_and_a_helper_does_not(two_people):
    an, binh = two_people
    make_representative(an["shop"], full_name="Nguyễn Văn An", id_number="096080000123")
    make_representative(binh["shop"], full_name="Trần Thị Bình")
    (declared,) = selectors.person_export(user=an["owner"])["shop_representatives"]
    assert (declared["shop_code"], declared["full_name"], declared["id_number"]) == (
        an["shop"].code, "Nguyễn Văn An", "096080000123")
    assert declared["verification_method"] == "staff_documents" and declared["verified_at"]
    assert selectors.person_export(user=an["buyer"])["shop_representatives"] == []


def test_the_query_count_does_not_grow_with_orders(two_people):
    an, _ = two_people

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.person_export(user=an["buyer"])
        return len(queries)

    one = count()
    for _ in range(3):
        delivered_purchase(an["shop"], an["buyer"], an["product"], owner=an["owner"])
    assert len(selectors.person_export(user=an["buyer"])["orders"]) == 4
    assert count() == one
