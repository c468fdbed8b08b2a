"""Relevance on the demo catalogue, against the real embedded search server (osmem-server).

What a buyer in Cà Mau types, without accents, with typos, and what must come first.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from catalogue.selectors import product_list_public
from marketplace.core.text import fold
from search.fallback import database_search
from search.query import SearchParams, hydrate, search_products
from shops.models import Partner
from shops.services import shop_reinstate, shop_suspend

pytestmark = [pytest.mark.search, pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]


def run(**data):
    return search_products(SearchParams.from_data(data))


def products(**data):
    return hydrate(run(**data))


def folded(text: str) -> str:
    return fold(text).lower()


def test_mat_ong_finds_the_honey_first():
    found = products(q="mat ong")
    assert found[0].title == "Mật ong U Minh Hạ"
    assert found[0].shop.name == "HTX 19/5"
    # its packagings are the options of this one product (demo VARIANT_LINES): listed once
    assert found[0].is_parent and found[0].children.count() == 4
    assert not any(p.is_child for p in found)
    # the honeys before anything that only mentions honey
    honey = [folded(p.title).startswith("mat ong") for p in found]
    assert honey[: honey.count(True)] == [True] * honey.count(True)


def test_accented_query_finds_the_same_honey_first():
    assert products(q="Mật ong")[0].title == "Mật ong U Minh Hạ"


def test_tom_kho_rach_goc_finds_the_rach_goc_shrimp_first():
    found = products(q="tom kho rach goc")
    assert found[0].title == "Tôm khô Rạch Gốc"
    assert found[0].shop.name == "HTX Tân Phát Lợi"
    # its packagings ("… – hộp 500 g") follow, before any other dried shrimp
    rach_goc = [p.title.startswith("Tôm khô Rạch Gốc") for p in found]
    assert all(rach_goc[:4])
    assert "Tôm khô Rạch Gốc – hộp 500 g" in [p.title for p in found]


def test_tom_kho_ranks_dried_shrimp_above_other_shrimp_products():
    found = products(q="tom kho", page_size=10)
    assert found
    assert all(folded(p.title).startswith("tom kho") for p in found[:6])


@pytest.mark.parametrize("query", ["banh fong tom", "Bánh fồng tôm", "banh phong tomm"])
def test_a_typo_still_finds_the_shrimp_crackers(query):
    result = run(q=query)
    found = hydrate(result)
    assert found, f"{query!r} found nothing"
    assert folded(found[0].title).startswith("banh phong tom")
    # "Bánh phồng tôm" of several shops
    shops = {p.shop.name for p in found if folded(p.title).startswith("banh phong tom")}
    assert len(shops) >= 2
    assert result.suggestion is None


TYPED = [
    # typed on a phone → what it means, and the titles that must come first (folded prefix)
    ("banhphongtom", "bánh phồng tôm", "banh phong tom"),
    ("nuocmam", "nước mắm", "nuoc mam"),
    ("matong", "mật ong", "mat ong"),
    ("khoca", "khô cá", "kho ca"),
    ("nuwowcs mawms", "nước mắm", "nuoc mam"),
    ("maatj ong", "mật ong", "mat ong"),
    ("tooom khoo", "tôm khô", "tom kho"),
]


@pytest.mark.parametrize(("query", "meant", "prefix"), TYPED)
def test_joined_and_telex_typed_words_find_what_was_meant(query, meant, prefix):
    result = run(q=query, page_size=10)
    found = hydrate(result)
    assert found, f"{query!r} found nothing"
    assert folded(found[0].title).startswith(prefix), [p.title for p in found]
    # the same products as the words typed properly, in the same order
    assert result.ids == run(q=meant, page_size=10).ids
    assert result.suggestion == meant


@pytest.mark.parametrize(("query", "meant", "prefix"), TYPED)
def test_the_database_fallback_reads_them_too(query, meant, prefix):
    result = database_search(SearchParams.from_data({"q": query, "page_size": 100}))
    found = hydrate(result)
    assert found, f"{query!r} found nothing"
    assert folded(found[0].title).startswith(prefix), [p.title for p in found]
    assert set(result.ids) == set(database_search(SearchParams.from_data(
        {"q": meant, "page_size": 100})).ids)
    assert result.suggestion == meant


def test_f_for_ph_does_not_widen_other_queries():
    """"farm" is respelled "pharm" without fuzziness: it must not match every "phẩm"."""
    found = products(q="farm", page_size=100)
    assert found
    assert all("FARM" in p.shop.name for p in found)


def test_four_star_filter_returns_only_valid_four_star_products():
    result = run(stars="4", page_size=100)
    found = hydrate(result)
    assert result.total == len(found) > 0
    assert {p.ocop_stars for p in found} == {4}
    expected = set(product_list_public().filter(ocop_stars=4).values_list("pk", flat=True))
    assert {p.pk for p in found} == expected
    # and within a text query
    shrimp = hydrate(run(q="tom", stars="4", page_size=100))
    assert shrimp and {p.ocop_stars for p in shrimp} == {4}


def test_facet_counts_add_up():
    result = run(page_size=1)
    public = product_list_public()
    assert result.total == public.count()
    facets = {name: {v.key: v.count for v in values} for name, values in result.facets.items()}
    # one shop per product
    assert sum(facets["shop"].values()) == result.total
    assert facets["shop"] == dict(Counter(public.values_list("shop__code", flat=True)))
    # one best valid level per product, none for products without a valid certificate
    assert sum(facets["stars"].values()) == public.filter(ocop_stars__isnull=False).count()
    assert facets["stars"] == {
        str(stars): count
        for stars, count in Counter(public.filter(ocop_stars__isnull=False)
                                    .values_list("ocop_stars", flat=True)).items()
    }
    # price buckets do not overlap: every priced product in exactly one
    # (a product with options is priced by its options)
    priced = public.filter(
        Q(stockrecords__isnull=False) | Q(children__stockrecords__price__isnull=False)
    ).distinct().count()
    assert sum(facets["price"].values()) == priced
    # each facet value's count is what selecting it shows
    for name in ("shop", "stars", "commune"):
        key, count = next(iter(facets[name].items()))
        assert run(**{name: key}).total == count, name
    # disjunctive: selecting 4★ keeps the counts of the other levels
    four = run(stars="4", page_size=1)
    assert {v.key: v.count for v in four.facets["stars"]} == facets["stars"]
    # and the shop counts under 4★ add up to the 4★ total
    assert sum(v.count for v in four.facets["shop"]) == four.total


def test_facet_counts_of_a_query_add_up():
    result = run(q="tom", page_size=1)
    assert sum(v.count for v in result.facets["shop"]) == result.total
    stars = {v.key: v.count for v in result.facets["stars"]}
    for key, count in stars.items():
        assert run(q="tom", stars=key).total == count


def test_a_suspended_shops_products_never_appear(client, django_capture_on_commit_callbacks):
    shop = Partner.objects.get(name="HTX Tân Phát Lợi")
    staff = get_user_model().objects.get(email="staff@demo.ocop.vn")
    assert any(p.shop_id == shop.pk for p in products(q="tom kho rach goc"))
    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop=shop, actor=staff, reason="Kiểm tra chất lượng")
    try:
        for query in ("tom kho rach goc", "banh phong tom", "banh phong hau", "tan phat loi", ""):
            result = run(q=query, page_size=100)
            assert all(p.shop_id != shop.pk for p in hydrate(result)), query
            assert shop.code not in {v.key for v in result.facets["shop"]}, query
        assert run(shop=shop.code).total == 0
        # nor on the pages
        for path, data in (("/search/", {"q": "tom kho rach goc"}), ("/catalogue/", {}),
                           ("/search/", {"shop": shop.code})):
            response = client.get(path, {**data, "page_size": 100})
            assert response.status_code == 200
            assert not response.context["search_unavailable"]
            assert all(p.shop_id != shop.pk for p in response.context["products"])
            if "shop" not in data:  # (when selected, the shop stays as a "0" facet to unselect)
                assert "HTX Tân Phát Lợi" not in response.content.decode()
        assert products(q="banh phong tom")  # the other shops' crackers still are
    finally:
        # the index is shared by the module: put the shop's products back
        with django_capture_on_commit_callbacks(execute=True):
            shop_reinstate(shop=shop, actor=staff, reason="Hết tạm ngưng")
    assert any(p.shop_id == shop.pk for p in products(q="tom kho rach goc"))
