"""What following attribute values in `Product.search_text` costs: nothing for saves of other
columns and for deletions of products, a constant number of queries for many products, and
the right text after the less common ways of changing values (a cascade, a cleared option)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalogue.models import Product, search_text_refresh
from shops.models import StockRecord
from tests.factories import make_product, make_shop, make_variant_product
from tests.factories.catalogue import product_class
from tests.integration.search import test_variants
from tests.integration.search.test_variants import _set_attributes

pytestmark = pytest.mark.django_db

ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
# the fixtures of the attribute tests: a product with options and a standalone one, attributes
honey, attributes = test_variants.honey, test_variants.attributes


def _queries(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def _text_updates(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if sql.startswith("UPDATE") and "search_text" in sql]


def test_saving_other_columns_costs_one_query_as_before_attributes(honey, attributes):
    parent, standalone = honey
    _set_attributes(Product.objects.get(pk=standalone.pk), khoi_luong="500 g")
    for product in (standalone, parent):
        product = Product.objects.get(pk=product.pk)
        product.rating = 4.5
        sqls = _queries(lambda product=product: product.save(update_fields=["rating"]))
        assert len(sqls) == 1, sqls
        assert sqls[0].startswith("UPDATE") and "search_text" not in sqls[0]
    assert Product.objects.get(pk=standalone.pk).search_text == "kho ca boi 500 g"
    # a title saved alone still writes the text, with the values
    standalone = Product.objects.get(pk=standalone.pk)
    standalone.title = "Khô cá bổi Cà Mau"
    standalone.save(update_fields=["title"])
    assert Product.objects.get(pk=standalone.pk).search_text == "kho ca boi ca mau 500 g"


def test_attributes_set_with_update_fields_are_still_followed(honey, attributes):
    _parent, standalone = honey
    standalone = Product.objects.get(pk=standalone.pk)
    standalone.attr.khoi_luong = "1 kg"
    standalone.rating = 4.0
    standalone.save(update_fields=["rating"])
    assert Product.objects.get(pk=standalone.pk).search_text == "kho ca boi 1 kg"


def test_deleting_a_product_with_options_and_values_writes_no_search_text(honey, attributes):
    parent, _standalone = honey
    for child in parent.children.all():
        _set_attributes(child, bao_bi="hũ thủy tinh", khoi_luong="1 lít", xuat_xu="U Minh Hạ")
    _set_attributes(Product.objects.get(pk=parent.pk), xuat_xu="U Minh Hạ", khoi_luong="3 lít")
    StockRecord.objects.filter(product__parent=parent).delete()
    plain = make_variant_product(parent.shop, "Mật ong Năm Căn",
                                 (("chai 250 ml", 1000, 1), ("chai 500 ml", 1000, 1), ("hộp quà", 1000, 1)),
                                 category="Thực phẩm > Mật ong")
    StockRecord.objects.filter(product__parent=plain).delete()

    with_values = _queries(Product.objects.get(pk=parent.pk).delete)
    without_values = _queries(Product.objects.get(pk=plain.pk).delete)
    assert _text_updates(with_values) == []
    # the values' own deletion (their multi-options, the values), no refresh per value
    assert len(with_values) <= len(without_values) + 3, with_values
    assert not ProductAttributeValue.objects.exists()


def test_deleting_products_by_a_queryset_refreshes_no_search_text(
    honey, attributes, django_capture_on_commit_callbacks
):
    _parent, standalone = honey
    _set_attributes(Product.objects.get(pk=standalone.pk), khoi_luong="500 g", bao_bi="túi giấy")
    StockRecord.objects.filter(product=standalone).delete()

    def delete():
        with django_capture_on_commit_callbacks(execute=True):
            Product.objects.filter(pk=standalone.pk).delete()

    sqls = _queries(delete)  # the callbacks after the commit included
    # search_text_refresh's first query: a few columns of the products, search_text among them
    columns = [sql.split(" FROM ")[0].split(", ") for sql in sqls if sql.startswith('SELECT "catalogue_product"')]
    assert not [names for names in columns if len(names) == 4 and '"catalogue_product"."search_text"' in names]
    assert not Product.objects.filter(pk=standalone.pk).exists()


def test_refreshing_many_products_costs_a_constant_number_of_queries(attributes):
    shop = make_shop(name="Cơ sở Ba Khía")
    products = [make_product(shop, f"Khô cá {i}", price=1000) for i in range(6)]
    parents = [make_variant_product(shop, f"Mật ong {i}", (("chai", 1000, 1), ("hũ", 1000, 1)))
               for i in range(3)]
    for product in products:
        _set_attributes(Product.objects.get(pk=product.pk), khoi_luong="500 g")
    for parent in parents:
        _set_attributes(parent.children.first(), bao_bi="hũ thủy tinh")
    ids = [p.pk for p in products + parents]

    Product.objects.filter(pk__in=ids).update(search_text="")
    few = _queries(lambda: search_text_refresh(ids[:2] + ids[-1:]))
    Product.objects.filter(pk__in=ids).update(search_text="")
    many = _queries(lambda: search_text_refresh(ids))
    # the products, the parents' options, the values, one UPDATE of the changed rows
    assert len(many) == len(few) == 4, many
    assert len(_text_updates(many)) == 1
    assert Product.objects.get(pk=products[0].pk).search_text == "kho ca 0 500 g"
    assert Product.objects.get(pk=parents[0].pk).search_text == "mat ong 0 chai hu hu thuy tinh"
    # an option's id refreshes its parent; nothing changed, nothing written
    assert _text_updates(_queries(lambda: search_text_refresh([parents[0].children.first().pk]))) == []


def test_an_option_of_a_list_refreshes_its_products_only_when_renamed_and_in_bulk(attributes):
    shop = make_shop(name="Cơ sở Ba Khía")
    products = [make_product(shop, f"Khô cá {i}", price=1000) for i in range(5)]
    for product in products:
        _set_attributes(Product.objects.get(pk=product.pk), xuat_xu="U Minh Hạ")

    option = attributes.options.get(option="U Minh Hạ")
    unchanged = _queries(option.save)
    assert len(unchanged) == 1, unchanged  # its own UPDATE
    option.option = "Rừng tràm"
    renamed = _queries(option.save)
    assert len(_text_updates(renamed)) == 1
    assert len(renamed) <= 6, renamed  # option, its products, then one refresh
    assert set(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("search_text", flat=True)) == {
        f"kho ca {i} rung tram" for i in range(5)
    }


def test_values_deleted_with_their_attribute_are_refreshed_once_after_the_commit(
    honey, attributes, django_capture_on_commit_callbacks
):
    parent, standalone = honey
    for child in parent.children.all():
        _set_attributes(child, bao_bi="hũ thủy tinh")
    _set_attributes(Product.objects.get(pk=standalone.pk), bao_bi="túi giấy")
    attribute = get_model("catalogue", "ProductAttribute").objects.get(code="bao_bi")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        during = _queries(attribute.delete)
    assert _text_updates(during) == []
    assert callbacks  # one refresh of all products after the commit
    assert "thuy tinh" not in Product.objects.get(pk=parent.pk).search_text
    assert Product.objects.get(pk=standalone.pk).search_text == "kho ca boi"


def test_clearing_the_values_of_a_multi_option_refreshes_their_products(db):
    group = get_model("catalogue", "AttributeOptionGroup").objects.create(name="Dịp")
    tet = group.options.create(option="quà Tết")
    get_model("catalogue", "ProductAttribute").objects.create(
        product_class=product_class(), name="Dịp", code="dip", type="multi_option", option_group=group
    )
    product = make_product(make_shop(name="Cơ sở Ba Khía"), "Khô cá bổi", price=1000)
    _set_attributes(Product.objects.get(pk=product.pk), dip=[tet])
    assert Product.objects.get(pk=product.pk).search_text == "kho ca boi qua tet"
    tet.multi_valued_attribute_values.clear()  # reverse: the signal says no value
    assert Product.objects.get(pk=product.pk).search_text == "kho ca boi"


def test_the_migration_writes_in_batches_the_same_text_as_a_save(honey, attributes, monkeypatch):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("catalogue.migrations.0037_search_text_attribute_values")
    parent, standalone = honey
    _set_attributes(parent.children.get(title="hộp quà 1 lít"), bao_bi="hũ thủy tinh")
    _set_attributes(Product.objects.get(pk=standalone.pk), khoi_luong="500 g", xuat_xu="Năm Căn")
    other = make_variant_product(parent.shop, "Mật ong Năm Căn", category="Thực phẩm > Mật ong")
    _set_attributes(other.children.first(), khoi_luong="250 ml")
    search_text_refresh(Product.objects.values_list("pk", flat=True))
    expected = dict(Product.objects.exclude(structure=Product.CHILD).values_list("pk", "search_text"))
    Product.objects.exclude(structure=Product.CHILD).update(search_text="")

    monkeypatch.setattr(migration, "BATCH", 2)  # 3 products to write: two batches
    sqls = _queries(lambda: migration.refresh_search_text(apps, None))
    assert dict(Product.objects.exclude(structure=Product.CHILD).values_list("pk", "search_text")) == expected
    assert len(_text_updates(sqls)) == 2, _text_updates(sqls)
