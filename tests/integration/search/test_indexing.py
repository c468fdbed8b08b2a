"""Indexing: atomic rebuild behind the alias, incremental updates, constant queries."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from search.engine import get_client
from search.indexing import (
    delete_products,
    index_products,
    indices_behind,
    iter_documents,
    rebuild_index,
)
from search.query import SearchParams, search_products
from tests.factories import make_product

pytestmark = [pytest.mark.search, pytest.mark.django_db]


def alias_count() -> int:
    client = get_client()
    client.indices.refresh(index=settings.ELASTICSEARCH_INDEX)
    return client.count(index=settings.ELASTICSEARCH_INDEX)["count"]


def test_rebuild_swaps_the_alias_without_an_empty_moment(catalogue):
    before = indices_behind(settings.ELASTICSEARCH_INDEX)
    assert len(before) == 1
    assert alias_count() == 6
    seen_during_fill = []

    def progress(done, total):
        # while the new index fills, the alias still answers from the old one
        seen_during_fill.append((done, total, alias_count(),
                                 indices_behind(settings.ELASTICSEARCH_INDEX)))

    count = rebuild_index(progress=progress, batch_size=2)
    assert count == 6
    assert [done for done, *_ in seen_during_fill] == [0, 2, 4, 6]
    assert all(total == 6 for _d, total, *_ in seen_during_fill)
    assert all(during == 6 for _d, _t, during, _i in seen_during_fill)
    assert all(behind == before for *_, behind in seen_during_fill)
    after = indices_behind(settings.ELASTICSEARCH_INDEX)
    assert len(after) == 1 and after != before
    assert alias_count() == 6
    # the old index is gone
    client = get_client()
    assert not client.indices.exists(index=before[0])


def test_rebuild_replaces_a_concrete_index_named_like_the_alias(search_settings, db):
    search_settings.ELASTICSEARCH_INDEX = "legacy-products"
    client = get_client()
    client.options(ignore_status=404).indices.delete(index="legacy-products*")
    client.indices.create(index="legacy-products")
    try:
        rebuild_index()
        assert indices_behind("legacy-products")[0].startswith("legacy-products-")
    finally:
        client.options(ignore_status=404).indices.delete(index="legacy-products-*")


def test_index_and_delete_products(catalogue):
    new = make_product(catalogue["u_minh"].shop, "Bánh phồng tôm Cà Mau", price=70_000)
    assert search_products(SearchParams(q="banh phong tom")).total == 0
    assert index_products([new.pk]) == 1
    assert search_products(SearchParams(q="banh phong tom")).ids == [new.pk]

    # no longer public: indexing it again removes it
    type(new).objects.filter(pk=new.pk).update(is_public=False)
    assert index_products([new.pk]) == 0
    assert search_products(SearchParams(q="banh phong tom")).total == 0

    delete_products([catalogue["mam"].pk])
    assert alias_count() == 5


def test_documents_are_built_with_constant_queries(catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as small:
        documents = [d for batch in iter_documents(batch_size=100) for d in batch]
    assert len(documents) == 6
    shop = catalogue["u_minh"].shop
    for i in range(10):
        make_product(shop, f"Sản phẩm thêm {i}", price=10_000 + i, stars=3,
                     category="Thực phẩm > Khác")
    with django_assert_max_num_queries(len(small.captured_queries)):
        documents = [d for batch in iter_documents(batch_size=100) for d in batch]
    assert len(documents) == 16


def test_document_fields(catalogue):
    documents = {d["title"]: d for batch in iter_documents() for d in batch}
    honey = documents["Mật ong U Minh"]
    shop = catalogue["u_minh"].shop
    # OCOP: the verified certificate's validity period, judged at query time
    certificate = catalogue["u_minh"].ocop_certificates.get()
    period = {"gte": certificate.issued_on.isoformat(), "lte": certificate.expires_on.isoformat()}
    assert honey["ocop_valid_4"] == [period]
    assert honey["ocop_valid_3"] == honey["ocop_valid_5"] == []
    assert honey["ocop_certificates"] == [{"stars": 4, "issued_on": period["gte"],
                                           "expires_on": period["lte"]}]
    assert honey["price"] == 150_000 and isinstance(honey["price"], int)
    assert honey["shop_slug"] == shop.code and honey["shop_name"] == shop.name
    assert honey["commune_code"] == shop.commune_code
    assert honey["commune_name"] == shop.commune_name
    assert honey["category_names"] == ["Thực phẩm", "Mật ong"]
    assert honey["category_path"] == ["Thực phẩm > Mật ong"]
    assert honey["available"] is True and honey["featured"] is False
    assert honey["url"] == catalogue["u_minh"].get_absolute_url()
    # an expired certificate is still indexed: the query leaves it out
    assert len(documents["Tôm khô Rạch Gốc"]["ocop_valid_4"]) == 1
    assert documents["Mật ong hoa tràm"]["ocop_certificates"] == []


def test_management_command_rebuilds(catalogue, capsys):
    before = indices_behind(settings.ELASTICSEARCH_INDEX)
    call_command("search_index", "--rebuild")
    captured = capsys.readouterr()
    assert "6 products" in captured.out
    assert "product" in captured.err  # the tqdm bar
    assert indices_behind(settings.ELASTICSEARCH_INDEX) != before
    call_command("search_index")
    assert "6 products" in capsys.readouterr().out
