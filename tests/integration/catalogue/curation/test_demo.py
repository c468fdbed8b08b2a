"""`load_demo` curates: "OCOP 4 sao", "Quà Tết Cà Mau" and four featured products, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from catalogue.curation.selectors import collection_list_active, collection_products
from catalogue.models import Collection, CollectionItem, OcopCertificate, Product
from catalogue.selectors import featured_products

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", quiet=True)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def snapshot():
    return (
        sorted(Collection.objects.values_list("slug", "name", "is_active")),
        sorted(CollectionItem.objects.values_list("collection__slug", "product_id", "position")),
        sorted(Product.objects.filter(is_featured=True).values_list("pk", flat=True)),
    )


def test_demo_collections_hold_what_their_names_say():
    four = Collection.objects.get(slug="ocop-4-sao")
    gifts = Collection.objects.get(slug="qua-tet-ca-mau")
    assert four.name == "OCOP 4 sao" and gifts.name == "Quà Tết Cà Mau"
    four_products = collection_products(four)
    assert len(four_products) >= 8
    assert all(p.ocop_stars == 4 for p in four_products)
    assert all(
        OcopCertificate.objects.valid().filter(product=p, stars=4).exists() for p in four_products
    )
    gift_products = collection_products(gifts)
    assert len(gift_products) >= 8 and all("Hộp quà" in p.title for p in gift_products)
    assert [c.slug for c in collection_list_active()] == ["ocop-4-sao", "qua-tet-ca-mau"]
    positions = list(four.items.values_list("position", flat=True))
    assert positions == list(range(len(positions)))


def test_four_products_are_featured_and_lead_the_shelf():
    featured = set(Product.objects.filter(is_featured=True).values_list("pk", flat=True))
    assert len(featured) == 4
    shelf = featured_products(limit=12)
    assert {p.pk for p in shelf[:4]} == featured


def test_second_run_changes_nothing_and_keeps_staff_edits():
    before = snapshot()
    call_command("load_demo", quiet=True)
    assert snapshot() == before
    # staff's choices survive a re-run: an emptied collection and unfeatured products
    CollectionItem.objects.filter(collection__slug="qua-tet-ca-mau").delete()
    Product.objects.filter(is_featured=True).exclude(
        pk=Product.objects.filter(is_featured=True).order_by("pk").first().pk
    ).update(is_featured=False)
    edited = snapshot()
    call_command("load_demo", quiet=True)
    assert snapshot() == edited
