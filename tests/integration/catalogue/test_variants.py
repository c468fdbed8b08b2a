"""Options of a product (catalogue/variants.py): adding, changing, removing, merging."""

from __future__ import annotations

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from catalogue import variants
from catalogue.models import OcopCertificate, Product
from shops.models import StockRecord
from tests.factories import (
    make_certificate,
    make_order,
    make_product,
    make_shop,
    make_user,
    make_variant_product,
)

pytestmark = pytest.mark.django_db
ProductReview = get_model("reviews", "ProductReview")
Line = get_model("order", "Line")


@pytest.fixture
def shop():
    return make_shop("mat-ong-muoi-ngot", owner=make_user("owner@example.com"))


def add(product, **overrides):
    values = {"option": "chai 500 ml", "price": 230_000, "stock": 5, "sku": "",
              "first_option": "chai 250 ml"}
    values.update(overrides)
    return variants.variant_add(product=product, actor=None, acting_as="owner", **values)


def test_first_option_turns_a_standalone_into_a_parent_keeping_its_stock(shop):
    product = make_product(shop, "Mật ong U Minh Hạ", price=125_000, stock=8, sku="MO-250")
    add(product)
    product.refresh_from_db()
    assert product.structure == Product.PARENT
    assert not StockRecord.objects.filter(product=product).exists()
    first, second = variants.variants_of(product)
    assert (first.title, first.shop_id) == ("chai 250 ml", shop.pk)
    record = first.stockrecords.get()
    assert (record.partner_sku, int(record.price), record.num_in_stock) == ("MO-250", 125_000, 8)
    assert second.title == "chai 500 ml" and int(second.stockrecords.get().price) == 230_000
    assert second.get_title() == "Mật ong U Minh Hạ – chai 500 ml"
    assert "chai 500 ml" in product.search_text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": None}, "price"),
        ({"price": -5}, "price"),
        ({"stock": None}, "stock"),
        ({"stock": -1}, "stock"),
        ({"option": "  "}, "option"),
        ({"first_option": ""}, "first_option"),
        ({"option": "Chai 250 ML"}, "option"),  # the same name as the first option
    ],
)
def test_bad_first_option_saves_nothing(shop, overrides, field):
    product = make_product(shop, "Mật ong U Minh Hạ", price=125_000, stock=8)
    with pytest.raises(variants.VariantRefused) as refused:
        add(product, **overrides)
    assert field in refused.value.errors
    product.refresh_from_db()
    assert product.structure == Product.STANDALONE
    assert product.stockrecords.count() == 1 and not product.children.exists()


def test_duplicate_option_name_and_taken_sku_are_refused(shop):
    parent = make_variant_product(shop)
    other = make_product(shop, "Khô cá", sku="KHO-1")
    with pytest.raises(variants.VariantRefused) as refused:
        add(parent, option="CHAI 500 ML")
    assert "option" in refused.value.errors
    with pytest.raises(variants.VariantRefused) as refused:
        add(parent, option="can 1 lít", sku="KHO-1")
    assert "sku" in refused.value.errors
    assert parent.children.count() == 2 and other.stockrecords.count() == 1


def test_update_changes_name_price_and_stock_through_stock_set(shop):
    parent = make_variant_product(shop)
    child = variants.variants_of(parent)[0]
    variants.variant_update(variant=child, actor=None, acting_as="owner", option="chai 300 ml",
                            price=130_000, sku="NEW-SKU", stock=12, stock_seen=10)
    child.refresh_from_db()
    record = child.stockrecords.get()
    assert child.title == "chai 300 ml"
    assert (int(record.price), record.partner_sku, record.num_in_stock) == (130_000, "NEW-SKU", 12)
    assert record.adjustments.get().delta == 2


def test_update_with_a_stale_stock_level_writes_nothing(shop):
    from catalogue.products import StockChanged

    parent = make_variant_product(shop)
    child = variants.variants_of(parent)[0]
    with pytest.raises(StockChanged):
        variants.variant_update(variant=child, actor=None, acting_as="owner", option="chai 300 ml",
                                price=130_000, stock=12, stock_seen=3)
    child.refresh_from_db()
    assert child.title == "chai 250 ml" and int(child.stockrecords.get().price) == 125_000


def test_remove_deletes_an_unordered_option_and_hides_an_ordered_one(shop):
    parent = make_variant_product(shop, options=[("a", 1000, 1), ("b", 2000, 1), ("c", 3000, 1)])
    a, b, c = variants.variants_of(parent)
    make_order([(b, 1)])
    assert variants.variant_remove(variant=a, actor=None, acting_as="owner") == "deleted"
    assert not Product.objects.filter(pk=a.pk).exists()
    assert variants.variant_remove(variant=b, actor=None, acting_as="owner") == "hidden"
    b.refresh_from_db()
    assert not b.is_public and Line.objects.filter(product=b).exists()
    with pytest.raises(variants.VariantRefused):  # the last option buyers can see
        variants.variant_remove(variant=c, actor=None, acting_as="owner")


def test_merge_three_bottles_into_one_product(shop):
    """The issue's story: a seller turns its three honey bottles into one product."""
    titles = ["Mật ong U Minh Hạ – chai 250 ml", "Mật ong U Minh Hạ – chai 500 ml", "Mật ong U Minh Hạ – can 1 lít"]
    bottles = [make_product(shop, title, price=price, stock=3, sku=f"MO-{i}")
               for i, (title, price) in enumerate(zip(titles, [125_000, 230_000, 390_000], strict=True))]
    order = make_order([(bottles[1], 1)])
    buyer, other = make_user("buyer@example.com"), make_user("other@example.com")
    ProductReview.objects.create(product=bottles[0], user=buyer, score=5, title="Ngon", body="Ngon")
    ProductReview.objects.create(product=bottles[2], user=buyer, score=4, title="Được", body="Được")
    ProductReview.objects.create(product=bottles[2], user=other, score=3, title="Tạm", body="Tạm")
    certificate = make_certificate(bottles[0], stars=4)

    result = variants.products_merge(
        shop=shop, product_ids=[b.pk for b in bottles], title="Mật ong U Minh Hạ", actor=None,
        acting_as="owner",
    )
    parent = result.parent
    assert parent.structure == Product.PARENT and parent.shop == shop
    children = variants.variants_of(parent)
    assert [c.pk for c in children] == [b.pk for b in bottles]
    assert [c.title for c in children] == ["chai 250 ml", "chai 500 ml", "can 1 lít"]
    assert all(c.structure == Product.CHILD and c.product_class_id is None for c in children)
    assert [c.stockrecords.get().partner_sku for c in children] == ["MO-0", "MO-1", "MO-2"]
    # Order history stays on the same rows and now reads "Parent – option".
    assert order.lines.get().product_id == bottles[1].pk
    assert Product.objects.get(pk=bottles[1].pk).get_title() == "Mật ong U Minh Hạ – chai 500 ml"
    # Reviews move to the parent, a buyer's second review stays on its variant.
    assert (result.reviews_moved, result.reviews_kept_on_variant) == (2, 1)
    assert ProductReview.objects.filter(product=parent).count() == 2
    assert OcopCertificate.objects.get(pk=certificate.pk).product_id == parent.pk
    assert result.certificates_moved == 1
    assert "can 1 lit" in parent.search_text


def test_merge_refuses_another_shops_product_and_non_standalone_ones(shop):
    mine = make_product(shop, "A")
    theirs = make_product(make_shop("khac"), "B")
    with pytest.raises(variants.VariantRefused) as refused:
        variants.products_merge(shop=shop, product_ids=[mine.pk, theirs.pk], title="AB",
                                actor=None, acting_as="owner")
    assert "products" in refused.value.errors
    parent = make_variant_product(shop)
    with pytest.raises(variants.VariantRefused):
        variants.products_merge(shop=shop, product_ids=[mine.pk, parent.pk], title="AB",
                                actor=None, acting_as="owner")
    with pytest.raises(variants.VariantRefused) as refused:
        variants.products_merge(shop=shop, product_ids=[mine.pk, make_product(shop, "A").pk],
                                title="X", actor=None, acting_as="owner")
    assert "options" in refused.value.errors  # both would be called "A"
    assert Product.objects.get(pk=theirs.pk).structure == Product.STANDALONE
    assert Product.objects.get(pk=mine.pk).structure == Product.STANDALONE
    assert StockRecord.objects.filter(product=mine, price=Decimal(100_000)).exists()
