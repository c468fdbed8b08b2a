"""A certificate belongs to the product as staff verified it: a seller's later change of the
title or product group sends it back to the staff queue (badge gone from the product page, the
API and search; audited; the seller told why) until staff verify again (catalogue/certificates.py:
certificates_recheck)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from catalogue.certificates import certificates_recheck, material_title
from catalogue.models import OcopCertificate, Product, today_local
from catalogue.products import product_category_set
from marketplace.core.models import AuditEvent
from search.indexing import rebuild_index
from search.query import SearchParams, search_products
from tests.factories import (
    login,
    make_certificate,
    make_product,
    make_shop,
    make_user,
    reference_categories,
)

pytestmark = [pytest.mark.django_db, pytest.mark.search]

Status = OcopCertificate.Status
BADGE = "OCOP 4 sao"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(search_settings):
    owner = make_user("chu.hang@example.vn")
    shop = make_shop("mat-ong-u-minh", name="HTX Mật ong U Minh", owner=owner)
    categories = reference_categories()
    product = make_product(shop, "Mật ong rừng U Minh", price=150_000, stock=9,
                           category=categories["honey"], stars=4)
    certificate = product.ocop_certificates.get()
    rebuild_index()
    seller, staff = Client(), Client()
    login(seller, owner)
    login(staff, make_user("canbo.ocop@example.vn", is_staff=True))
    return {"owner": owner, "shop": shop, "product": product, "certificate": certificate,
            "seller": seller, "staff": staff, **categories}


def edit(world, **overrides):
    product = world["product"]
    data = {"title": product.title, "category": world["honey"].pk, "price": "150.000", "stock": "9",
            "description": "", "sku": product.stockrecords.get().partner_sku, "traceability_url": ""}
    data.update(overrides)
    url = reverse("seller:product-edit", kwargs={"shop_code": world["shop"].code, "product_pk": product.pk})
    return world["seller"].post(url, data)


def badge_shown(world) -> bool:
    product = Product.objects.get(pk=world["product"].pk)
    page = Client().get(product.get_absolute_url()).content.decode()
    api = Client().get(f"/api/v1/products/{product.pk}").json()
    searched = product.pk in search_products(SearchParams(stars=(4,))).ids
    assert (BADGE in page) == (api["ocop"] is not None) == searched, (BADGE in page, api["ocop"], searched)
    return BADGE in page


def test_the_snapshot_of_a_verified_certificate_is_the_product_as_it_was(world):
    certificate = world["certificate"]
    assert certificate.verified_title == "Mật ong rừng U Minh"
    assert certificate.verified_category == world["honey"]


def test_renaming_sends_the_certificate_back_until_staff_verify_again(
    world, django_capture_on_commit_callbacks
):
    assert badge_shown(world)

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(world, title="Mật ong hoa tràm Cà Mau")

    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("gửi lại cho cán bộ xác minh" in m for m in warnings)
    certificate = OcopCertificate.objects.get(pk=world["certificate"].pk)
    assert certificate.status == Status.PENDING
    assert "Mật ong rừng U Minh" in certificate.reverification_reason
    assert "Mật ong hoa tràm Cà Mau" in certificate.reverification_reason
    assert not badge_shown(world)
    event = AuditEvent.objects.get(action="certificate.reverification_required")
    assert event.actor == world["owner"] and event.shop_id == world["shop"].pk
    assert event.object_id == str(certificate.pk)
    # the seller's certificate page says why
    seller_page = world["seller"].get(reverse(
        "seller:certificate-detail",
        kwargs={"shop_code": world["shop"].code, "certificate_pk": certificate.pk},
    )).content.decode()
    assert "Chờ xác minh lại" in seller_page and "Mật ong hoa tràm Cà Mau" in seller_page
    # staff see it in their queue, marked
    queue = world["staff"].get(reverse("ocop-dashboard:list") + "?status=pending").content.decode()
    assert "Mật ong hoa tràm Cà Mau" in queue and "Xác minh lại" in queue

    with django_capture_on_commit_callbacks(execute=True):
        decided = world["staff"].post(
            reverse("ocop-dashboard:decide", kwargs={"certificate_pk": certificate.pk, "action": "verify"}),
            {"reason": ""},
        )

    assert decided.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Status.VERIFIED and certificate.reverification_reason == ""
    assert certificate.verified_title == "Mật ong hoa tràm Cà Mau"
    assert badge_shown(world)


def test_a_new_product_group_is_material_too(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        edit(world, category=world["drinks"].pk)
    certificate = OcopCertificate.objects.get(pk=world["certificate"].pk)
    assert certificate.status == Status.PENDING
    assert "Đồ uống" in certificate.reverification_reason
    assert not badge_shown(world)


@pytest.mark.parametrize("title", ["mật ong rừng u minh", "  Mật ong   rừng U Minh "])
def test_case_and_spacing_are_not_material(world, title, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(world, title=title)
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert OcopCertificate.objects.get(pk=world["certificate"].pk).status == Status.VERIFIED
    assert badge_shown(world)


def test_accents_are_material():
    assert material_title("Mắm cá lóc") != material_title("Mâm cá lóc")
    assert material_title(" Mật  ong ") == material_title("mật ong")


def test_other_edits_leave_the_certificate_alone(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        edit(world, price="180.000", description="<p>Vụ mùa mới</p>")
    assert OcopCertificate.objects.get(pk=world["certificate"].pk).status == Status.VERIFIED


def test_an_expired_certificate_stays_as_it_was(world):
    product = world["product"]
    old = make_certificate(product, stars=3, issued_on=today_local() - datetime.timedelta(days=1200))
    assert old.display_status == "expired"
    Product.objects.filter(pk=product.pk).update(title="Tên mới hẳn")
    product.refresh_from_db()
    sent_back = certificates_recheck(product=product, actor=world["owner"], acting_as="owner")
    assert [c.pk for c in sent_back] == [world["certificate"].pk]
    old.refresh_from_db()
    assert old.status == Status.VERIFIED and old.display_status == "expired"
    with freeze_time(old.expires_on + datetime.timedelta(days=1)):
        assert old.display_status == "expired"


def test_a_csv_rename_sends_it_back_too(world, django_capture_on_commit_callbacks):
    product = world["product"]
    sku = product.stockrecords.get().partner_sku
    csv = ("sku,title,category,price,stock\n"
           f"{sku},Mật ong ong ruồi,Thực phẩm > Mật ong,150000,9\n").encode()
    url = reverse("seller:products-import", kwargs={"shop_code": world["shop"].code})
    with django_capture_on_commit_callbacks(execute=True):
        response = world["seller"].post(url, {"file": SimpleUploadedFile("sp.csv", csv, "text/csv")})
    assert response.status_code == 200, response.content.decode()[:500]
    assert OcopCertificate.objects.get(pk=world["certificate"].pk).status == Status.PENDING
    assert "gửi lại cho cán bộ xác minh" in response.content.decode()


def test_regrouping_with_the_service_directly_is_caught(world):
    product = world["product"]
    product_category_set(product=product, category=world["food"])
    assert certificates_recheck(product=product, actor=None, acting_as="owner")


def test_the_migration_keeps_existing_badges_by_recording_today_s_product(world):
    """Certificates verified before the snapshot existed get the product as it is now."""


    migration = importlib.import_module("catalogue.migrations.0036_ocopcertificate_verified_snapshot")
    certificate = world["certificate"]
    OcopCertificate.objects.filter(pk=certificate.pk).update(verified_title="", verified_category=None)
    pending = make_certificate(world["product"], stars=3, status=Status.PENDING)

    migration.backfill_snapshots(django_apps, None)

    certificate.refresh_from_db()
    assert certificate.verified_title == "Mật ong rừng U Minh"
    assert certificate.verified_category == world["honey"]
    assert certificate.status == Status.VERIFIED and badge_shown(world)
    pending.refresh_from_db()
    assert pending.verified_title == ""  # verified later, with the product as it is then
