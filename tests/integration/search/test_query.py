"""Search behaviour on the real embedded server: folding, ranking, typos, facets, sorts."""

from __future__ import annotations

import pytest

from marketplace.core.text import fold
from search.query import InvalidSearchParams, SearchParams, hydrate, search_products, suggest

pytestmark = [pytest.mark.search, pytest.mark.django_db]


def run(**data):
    return search_products(SearchParams.from_data(data))


def titles(result):
    return [product.title for product in hydrate(result)]


def facet(result, name):
    return {value.key: value.count for value in result.facets[name]}


def test_unaccented_query_finds_the_accented_title(catalogue):
    result = run(q="mat ong")
    assert "Mật ong U Minh" in titles(result)
    assert "Khô cá bổi" not in titles(result)


def test_a_shop_name_without_accents_finds_its_products(catalogue):
    # "Đầm Dơi": đ folds to d, which NFD alone does not do.
    result = run(q="dam doi")
    assert titles(result) == ["Khô cá bổi"]


def test_exact_accents_rank_above_folded_matches(catalogue):
    accented = titles(run(q="mật ong hoa tràm"))
    assert accented.index("Mật ong hoa tràm") < accented.index("Mat ong hoa tram")
    plain = titles(run(q="mat ong hoa tram"))
    assert plain.index("Mat ong hoa tram") < plain.index("Mật ong hoa tràm")


def test_a_typo_still_finds_the_product(catalogue):
    assert "Mật ong U Minh" in titles(run(q="mat ongg"))
    assert "Mật ong U Minh" in titles(run(q="mat ong u mihn"))


def test_a_partial_last_word_finds_the_product(catalogue):
    assert "Mật ong U Minh" in titles(run(q="mat ong u mi"))


def test_no_hits_gives_a_did_you_mean_suggestion(catalogue):
    result = run(q="mtt onggg")
    assert result.total == 0
    assert result.suggestion is not None
    assert fold(result.suggestion).lower() == "mat ong"
    # and the suggestion finds products
    assert run(q=result.suggestion).total >= 3


def test_hidden_products_are_not_found(catalogue):
    found = titles(run(q="mat ong", page_size=100))
    assert "Mật ong chờ duyệt" not in found
    assert "Mật ong ẩn" not in found


def test_highlight_marks_the_matched_words_and_escapes_html(catalogue):
    result = run(q="mat ong u minh")
    pk = catalogue["u_minh"].pk
    assert result.highlights[pk]["title"] == "<mark>Mật</mark> <mark>ong</mark> <mark>U</mark> <mark>Minh</mark>"


def test_ocop_stars_only_from_valid_certificates(catalogue):
    stars = facet(run(), "stars")
    assert stars == {"3": 1, "4": 1, "5": 1}  # Tôm khô's certificate has expired


def test_facets_are_disjunctive(catalogue):
    result = run(stars="4")
    assert titles(result) == ["Mật ong U Minh"]
    # the stars facet ignores its own selection...
    assert facet(result, "stars") == {"3": 1, "4": 1, "5": 1}
    assert [v.key for v in result.facets["stars"] if v.selected] == ["4"]
    # ...while the other facets count within it
    shops = facet(result, "shop")
    assert shops == {catalogue["u_minh"].shop.code: 1}
    # two values of one facet are OR-ed; two facets are AND-ed
    either = run(stars=["4", "5"])
    assert sorted(titles(either)) == ["Khô cá bổi", "Mật ong U Minh"]
    both = run(stars=["4", "5"], shop=catalogue["kho_ca"].shop.code)
    assert titles(both) == ["Khô cá bổi"]
    # a selected value stays listed (to unselect it) even when nothing matches it
    assert facet(both, "stars") == {"5": 1, "4": 0}


def test_facet_labels(catalogue):
    result = run(q="mat ong")
    shops = {v.key: v.label for v in result.facets["shop"]}
    assert shops[catalogue["u_minh"].shop.code] == "Cơ sở Mật ong Mười Ngọt"
    categories = {v.label: v.count for v in result.facets["category"]}
    assert categories["Mật ong"] == 3
    assert categories["Thực phẩm"] == 3
    communes = [v.label for v in result.facets["commune"]]
    assert catalogue["u_minh"].shop.commune_name in communes
    prices = {v.key: v.count for v in result.facets["price"]}
    assert prices == {"-99999": 1, "100000-199999": 1, "200000-499999": 1}


def test_filter_by_category_id_slug_and_commune(catalogue):
    u_minh = catalogue["u_minh"]
    honey = u_minh.categories.get()
    assert run(category=str(honey.pk)).total == 3
    assert run(category=honey.slug).total == 3
    assert run(category=str(honey.get_parent().pk)).total == 6
    assert titles(run(commune=str(catalogue["kho_ca"].shop.commune_code))) == ["Khô cá bổi"]


def test_price_range_and_sorts(catalogue):
    in_range = run(price_min="100000", price_max="300.000", sort="price_asc")
    assert titles(in_range) == ["Mật ong U Minh", "Mật ong hoa tràm", "Khô cá bổi"]
    assert titles(run(sort="price_desc"))[0] == "Tôm khô Rạch Gốc"
    assert titles(run(sort="price_asc"))[0] == "Mắm tôm chà"
    assert titles(run(sort="newest"))[:2] == ["Tôm khô Rạch Gốc", "Khô cá bổi"]
    # relevance without a query: OCOP stars first
    assert titles(run())[:3] == ["Khô cá bổi", "Mật ong U Minh", "Mắm tôm chà"]
    assert len(titles(run(sort="popular"))) == 6


def test_pagination(catalogue):
    first = run(sort="price_asc", page_size="4")
    second = run(sort="price_asc", page_size="4", page="2")
    assert first.total == second.total == 6
    assert first.num_pages == 2
    assert len(first.ids) == 4 and len(second.ids) == 2
    assert not set(first.ids) & set(second.ids)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"stars": "7"}, "stars"),
        ({"stars": "abc"}, "stars"),
        ({"price_min": "-5"}, "price_min"),
        ({"price_min": "500000", "price_max": "100"}, "price_max"),
        ({"sort": "cheapest"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"page": "5000", "page_size": "100"}, "page"),
        ({"shop": "<script>"}, "shop"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_bad_parameters_raise_a_clear_error(data, field):
    with pytest.raises(InvalidSearchParams) as excinfo:
        SearchParams.from_data(data)
    assert field in excinfo.value.errors
    assert isinstance(excinfo.value, ValueError)


def test_suggest_completes_folded_prefixes_of_any_word(catalogue):
    texts = [s["text"] for s in suggest("mat o")]
    assert "Mật ong U Minh" in texts
    assert len(texts) < 10
    assert [s["text"] for s in suggest("u mi")] == ["Mật ong U Minh"]
    assert suggest("u mi")[0]["url"] == catalogue["u_minh"].get_absolute_url()
    assert "Khô cá bổi" in [s["text"] for s in suggest("kho ca")]
    assert suggest("") == []


def test_no_suggestion_when_only_the_filters_leave_nothing(catalogue):
    result = run(q="mat ong", stars="5")
    assert result.total == 0
    assert result.suggestion is None


def test_no_suggestion_far_from_every_word(catalogue):
    assert run(q="xyzzyq").suggestion is None
