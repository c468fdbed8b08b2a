"""A product with options is one card, priced as a range, found by its options' names and by
the attribute values of the product and of its options (index and database fallback); its
variants are never cards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalogue.models import Product
from catalogue.selectors import is_available, product_list_public
from search.fallback import database_search
from search.indexing import iter_documents, iter_product_documents, price_fields, rebuild_index
from search.query import SearchParams, search_products
from tests.factories import make_product, make_shop, make_variant_product
from tests.factories.catalogue import product_class

pytestmark = pytest.mark.django_db

OPTIONS = (("chai 250 ml", 125_000, 10), ("chai 500 ml", 230_000, 0), ("hộp quà 1 lít", 390_000, 4))


@pytest.fixture
def honey(db):
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    parent = make_variant_product(shop, "Mật ong U Minh Hạ", OPTIONS, category="Thực phẩm > Mật ong")
    standalone = make_product(shop, "Khô cá bổi", price=300_000, category="Thực phẩm > Khô")
    return parent, standalone


def test_price_fields_give_the_lowest_and_the_highest():
    class R:
        def __init__(self, price):
            self.price = price
            self.sale_price = self.sale_starts_at = self.sale_ends_at = None

    def lowest_highest(records):
        fields = price_fields(None, records)
        return {"price": fields["price"], "price_max": fields["price_max"]}

    assert lowest_highest([R(390_000), R(125_000), R(None)]) == {"price": 125_000, "price_max": 390_000}
    assert lowest_highest([R(50_000)]) == {"price": 50_000, "price_max": 50_000}
    assert lowest_highest([]) == {"price": None, "price_max": None}


def test_public_list_has_parents_not_children_with_constant_queries(honey, django_assert_max_num_queries):
    parent, standalone = honey
    assert set(product_list_public().values_list("pk", flat=True)) == {parent.pk, standalone.pk}
    with CaptureQueriesContext(connection) as one:
        listed = list(product_list_public())
        assert [is_available(p) for p in listed]
    make_variant_product(parent.shop, "Mật ong hoa tràm", OPTIONS * 1 + (("can 2 lít", 600_000, 1),))
    with CaptureQueriesContext(connection) as two:
        listed = list(product_list_public())
        assert all(is_available(p) for p in listed)
    assert len(one) == len(two)


def test_parent_unavailable_when_no_option_is(db):
    shop = make_shop()
    parent = make_variant_product(shop, options=(("a", 1000, 0), ("b", 2000, 0)))
    assert not is_available(product_list_public().get(pk=parent.pk))


def test_documents_index_the_parent_with_options_range_and_availability(honey):
    parent, _standalone = honey
    rows = {doc["id"]: doc for batch in iter_documents() for doc in batch}
    reference = {doc["id"]: doc for batch in iter_product_documents() for doc in batch}
    assert set(rows) == set(reference) == {parent.pk, _standalone.pk}
    document = rows[parent.pk]
    assert (document["price"], document["price_max"], document["available"]) == (125_000, 390_000, True)
    assert document["variant_names"] == ["chai 250 ml", "chai 500 ml", "hộp quà 1 lít"]
    assert rows == reference  # the fast builder and the reference agree
    assert rows[_standalone.pk]["price_max"] == 300_000


def test_search_finds_the_parent_by_an_option_name_once(honey, search_settings):
    parent, _standalone = honey
    rebuild_index()
    result = search_products(SearchParams.from_data({"q": "hop qua"}))
    assert result.ids == [parent.pk]
    fallback = database_search(SearchParams.from_data({"q": "hop qua"}))
    assert fallback.ids == [parent.pk]


def test_price_filters_and_sort_use_the_lowest_price(honey, search_settings):
    parent, standalone = honey
    rebuild_index()
    for search in (search_products, database_search):
        cheap = search(SearchParams.from_data({"price_max": "200000"}))
        assert cheap.ids == [parent.pk], search
        ordered = search(SearchParams.from_data({"sort": "price_asc"}))
        assert ordered.ids == [parent.pk, standalone.pk], search


def test_card_shows_the_range_and_links_to_choose(client, honey, search_settings):
    parent, standalone = honey
    rebuild_index()
    html = client.get("/search/", {"q": "mat ong"}).content.decode()
    assert html.count(f'href="{parent.get_absolute_url()}"') >= 1
    # each amount of the range kept on one line (price-nw), the range may break after "–"
    assert '<span class="price-nw">125.000 ₫</span> – <span class="price-nw">390.000 ₫</span>' in html
    assert "Chọn phân loại" in html
    assert "chai 500 ml" not in html  # variants are not cards


def test_api_lists_the_parent_with_lowest_price_and_max(client, honey, search_settings):
    parent, _standalone = honey
    rebuild_index()
    body = client.get("/api/v1/products", {"q": "mat ong"}).json()
    item = next(item for item in body["results"] if item["id"] == parent.pk)
    assert (item["price"], item["price_max"], item["available"]) == (125_000, 390_000, True)
    detail = client.get(f"/api/v1/products/{parent.pk}").json()
    assert detail["stock"] == {"available": True, "num_available": 14}


def test_an_options_stock_change_reindexes_its_product(honey, search_settings):
    from catalogue.products import stock_set
    from search.indexing import index_products

    parent, _standalone = honey
    rebuild_index()
    for child in parent.children.all():
        record = child.stockrecords.get()
        if record.num_in_stock:
            stock_set(stockrecord=record, quantity=0, expected=record.num_in_stock, reason="Kiểm kho",
                      actor=None, acting_as="owner")
    index_products([child.pk for child in parent.children.all()])
    found = search_products(SearchParams.from_data({"q": "mat ong u minh"}))
    assert found.ids == [parent.pk]
    from search.engine import get_client, index_alias

    source = get_client().get(index=index_alias(), id=parent.pk)["_source"]
    assert source["available"] is False


# --- attribute values (Oscar's ProductAttributeValue, set in the staff dashboard) ---------


@pytest.fixture
def attributes(db):
    """Attributes of the marketplace's product class: packaging (text), weight (text), origin
    (an option of a list)."""
    attribute_model = get_model("catalogue", "ProductAttribute")
    group_model = get_model("catalogue", "AttributeOptionGroup")
    group = group_model.objects.create(name="Xuất xứ")
    for option in ("U Minh Hạ", "Năm Căn"):
        group.options.create(option=option)
    kind = product_class()
    attribute_model.objects.create(product_class=kind, name="Bao bì", code="bao_bi", type="text")
    attribute_model.objects.create(product_class=kind, name="Khối lượng", code="khoi_luong", type="text")
    attribute_model.objects.create(product_class=kind, name="Xuất xứ", code="xuat_xu", type="option",
                                   option_group=group)
    return group


def _set_attributes(product, **values):
    """As Oscar's dashboard form does: through `product.attr`, saved (in bulk) by `save()`."""
    for code, value in values.items():
        if code == "xuat_xu" and isinstance(value, str):
            value = product.get_product_class().attributes.get(code=code).option_group.options.get(option=value)
        setattr(product.attr, code, value)
    product.save()


def _found(q: str) -> dict[str, list[int]]:
    params = SearchParams.from_data({"q": q})
    return {"index": search_products(params).ids, "database": database_search(params).ids}


def test_documents_index_the_attribute_values_of_a_product_and_of_its_public_options(honey, attributes):
    parent, standalone = honey
    first, _second, box = parent.children.order_by("pk")
    _set_attributes(parent, xuat_xu="U Minh Hạ")
    _set_attributes(first, khoi_luong="250 ml")
    _set_attributes(box, bao_bi="hũ thủy tinh", khoi_luong="1 lít")
    _set_attributes(standalone, khoi_luong="500 g", xuat_xu="Năm Căn")
    hidden = parent.children.create(title="can 2 lít", slug="can-2-lit", structure=Product.CHILD,
                                     shop=parent.shop, is_public=False)
    _set_attributes(hidden, bao_bi="can nhựa")
    rows = {doc["id"]: doc for batch in iter_documents() for doc in batch}
    reference = {doc["id"]: doc for batch in iter_product_documents() for doc in batch}
    assert rows[parent.pk]["attribute_values"] == ["U Minh Hạ", "250 ml", "hũ thủy tinh", "1 lít"]
    assert rows[standalone.pk]["attribute_values"] == ["500 g", "Năm Căn"]
    assert rows == reference
    # the database fallback's folded text: the parent's with its public options', not the hidden one's
    parent.refresh_from_db()
    assert "u minh ha" in parent.search_text and "hu thuy tinh" in parent.search_text
    assert "can nhua" not in parent.search_text


def test_search_finds_the_parent_once_by_an_options_attribute(honey, attributes, search_settings):
    parent, standalone = honey
    box = parent.children.get(title="hộp quà 1 lít")
    _set_attributes(box, bao_bi="hũ thủy tinh")
    _set_attributes(standalone, khoi_luong="500 g", xuat_xu="Năm Căn")
    rebuild_index()
    assert _found("hu thuy tinh") == {"index": [parent.pk], "database": [parent.pk]}
    assert _found("hũ thủy tinh") == {"index": [parent.pk], "database": [parent.pk]}
    # a standalone product by its own attributes, an option of a list among them
    assert _found("nam can") == {"index": [standalone.pk], "database": [standalone.pk]}
    assert _found("kho ca 500 g") == {"index": [standalone.pk], "database": [standalone.pk]}


def test_a_changed_attribute_value_changes_what_finds_the_product(
    honey, attributes, search_settings, django_capture_on_commit_callbacks
):
    parent, _standalone = honey
    box = parent.children.get(title="hộp quà 1 lít")
    _set_attributes(box, bao_bi="hũ thủy tinh")
    rebuild_index()
    assert _found("thuy tinh") == {"index": [parent.pk], "database": [parent.pk]}

    # the dashboard's way: the product form sets `attr`, Oscar saves the values in bulk
    box = Product.objects.get(pk=box.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _set_attributes(box, bao_bi="chai nhựa")
    assert _found("thuy tinh") == {"index": [], "database": []}
    assert _found("chai nhua hop qua") == {"index": [parent.pk], "database": [parent.pk]}

    # a value saved or deleted on its own (signals)
    value = get_model("catalogue", "ProductAttributeValue").objects.get(product=box, attribute__code="bao_bi")
    with django_capture_on_commit_callbacks(execute=True):
        value.value_text = "túi giấy kraft"
        value.save()
    assert _found("chai nhua") == {"index": [], "database": []}
    assert _found("tui giay kraft") == {"index": [parent.pk], "database": [parent.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        value.delete()
    assert _found("kraft") == {"index": [], "database": []}

    # staff rename an option of the list: the products showing it follow
    _set_attributes(parent, xuat_xu="U Minh Hạ")
    option = attributes.options.get(option="U Minh Hạ")
    with django_capture_on_commit_callbacks(execute=True):
        option.option = "Rừng tràm Trần Văn Thời"
        option.save()
    assert _found("tran van thoi") == {"index": [parent.pk], "database": [parent.pk]}


def test_showing_a_hidden_option_brings_back_its_words_in_the_fallback(honey, attributes):
    from catalogue.variants import variant_show

    parent, _standalone = honey
    hidden = parent.children.create(title="can 2 lít", slug="can-2-lit", structure=Product.CHILD,
                                     shop=parent.shop, is_public=False)
    _set_attributes(hidden, bao_bi="can nhựa")
    assert "can nhua" not in Product.objects.get(pk=parent.pk).search_text
    variant_show(variant=hidden, actor=None, acting_as="owner")
    assert "can 2 lit" in Product.objects.get(pk=parent.pk).search_text
    assert "can nhua" in Product.objects.get(pk=parent.pk).search_text


def test_the_migration_writes_the_same_search_text_as_a_save(honey, attributes):
    import importlib

    from django.apps import apps

    from catalogue.models import search_text_refresh

    migration = importlib.import_module("catalogue.migrations.0037_search_text_attribute_values")
    parent, standalone = honey
    box = parent.children.get(title="hộp quà 1 lít")
    _set_attributes(box, bao_bi="hũ thủy tinh", khoi_luong="1 lít")
    _set_attributes(standalone, khoi_luong="500 g", xuat_xu="Năm Căn")
    _set_attributes(parent, xuat_xu="U Minh Hạ")
    search_text_refresh([parent.pk, standalone.pk])
    expected = dict(Product.objects.values_list("pk", "search_text"))
    Product.objects.update(search_text="")  # as before: titles only, or stale
    Product.objects.filter(pk__in=[box.pk]).update(search_text=expected[box.pk])
    migration.refresh_search_text(apps, None)
    written = dict(Product.objects.exclude(structure=Product.CHILD).values_list("pk", "search_text"))
    assert written == {pk: expected[pk] for pk in written}
    assert written[parent.pk].endswith("hop qua 1 lit u minh ha hu thuy tinh 1 lit")
