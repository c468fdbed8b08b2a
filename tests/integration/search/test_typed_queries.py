"""What phone users type finds the products: joined words ("nuocmam") and Telex leftovers
("nuwowcs mawms"), on the real embedded search server and on the database fallback."""

from __future__ import annotations

import pytest

from marketplace import embedded
from marketplace.core.text import fold
from search.engine import reset_client
from search.fallback import database_search
from search.query import SearchParams, hydrate, search_products
from search.vocabulary import build_vocabulary, catalogue_vocabulary, forget, read_query
from tests.factories import make_product, make_shop

pytestmark = [pytest.mark.search, pytest.mark.django_db]

CASES = [
    # (typed, what it means, titles that must be found — folded prefixes)
    ("banhphongtom", "bánh phồng tôm", ["banh phong tom"]),
    ("nuocmam", "nước mắm", ["nuoc mam"]),
    ("matong", "mật ong", ["mat ong"]),
    ("khoca", "khô cá", ["kho ca"]),
    ("nuwowcs mawms", "nước mắm", ["nuoc mam"]),
    ("maatj ong", "mật ong", ["mat ong"]),
    ("tooom khoo", "tôm khô", ["tom kho"]),
    ("ma8m1 toom", "mắm tôm", ["mam tom"]),
]


@pytest.fixture
def typed_catalogue(db, search_settings):
    from search.indexing import rebuild_index

    dam_doi = make_shop(name="HTX Thủy sản Đầm Dơi")
    nam_can = make_shop(name="Cơ sở Hải sản Năm Căn")
    products = [
        make_product(dam_doi, "Bánh phồng tôm Năm Căn", category="Thực phẩm > Bánh kẹo"),
        make_product(nam_can, "Bánh phồng tôm – hộp 500 g", category="Thực phẩm > Bánh kẹo"),
        make_product(dam_doi, "Nước mắm Mạch Long", category="Thực phẩm > Gia vị"),
        make_product(nam_can, "Nước mắm Ngọc Trân", category="Thực phẩm > Gia vị"),
        make_product(dam_doi, "Mật ong U Minh", category="Thực phẩm > Mật ong"),
        make_product(nam_can, "Khô cá bổi", category="Thực phẩm > Khô"),
        make_product(nam_can, "Tôm khô Rạch Gốc", category="Thực phẩm > Khô"),
        make_product(dam_doi, "Mắm tôm chà", category="Thực phẩm > Gia vị"),
        # decoys: share a word, not the meaning
        make_product(dam_doi, "Cá lóc đồng", category="Thực phẩm > Khô"),
        make_product(nam_can, "Bánh tét lá cẩm", category="Thực phẩm > Bánh kẹo"),
        make_product(nam_can, "Tổng hợp ba khía", category="Thực phẩm > Gia vị"),
        # words the first reader turned English words and joined names into (see below)
        make_product(dam_doi, "Cua biển Cà Mau (có tem QR)", category="Thực phẩm > Thủy sản"),
        make_product(nam_can, "Khô cá kèo", category="Thực phẩm > Khô"),
        make_product(nam_can, "Kẹo dừa Bến Tre", category="Thực phẩm > Bánh kẹo"),
        make_product(dam_doi, "Dưa bồn bồn", category="Thực phẩm > Gia vị"),
        make_product(dam_doi, "Khô bò một nắng", category="Thực phẩm > Khô"),
        make_product(nam_can, "Đũa đước – combo 3 bó", category="Thủ công > Đồ gỗ"),
        make_product(nam_can, "Đũa đước – combo 10 bó", category="Thủ công > Đồ gỗ"),
        make_product(dam_doi, "Mì tôm chua", category="Thực phẩm > Khô"),
        make_product(dam_doi, "Viên dầu gấc vitamin E", category="Thực phẩm > Dược liệu"),
        make_product(dam_doi, "Viên dầu gấc vitamin A", category="Thực phẩm > Dược liệu"),
        # "tomkho" (tôm khô typed together) is a word of this one's description
        make_product(nam_can, "Bánh tét nhân đậu", category="Thực phẩm > Bánh kẹo",
                     description="Của lò bánh Tomkho ở Năm Căn."),
    ]
    rebuild_index()
    return products


def folded(text: str) -> str:
    return fold(text).lower()


def _assert_found(found, prefixes, typed):
    titles = [folded(p.title) for p in found]
    assert titles, f"{typed!r} found nothing"
    wanted = [t for t in titles if t.startswith(tuple(prefixes))]
    assert wanted, f"{typed!r} found {titles}"
    # what was meant comes first, and nothing unrelated is mixed in before it
    assert titles[: len(wanted)] == wanted, f"{typed!r}: {titles}"


@pytest.mark.parametrize(("typed", "meant", "prefixes"), CASES)
def test_the_search_server_finds_what_was_meant(typed_catalogue, typed, meant, prefixes):
    result = search_products(SearchParams.from_data({"q": typed}))
    _assert_found(hydrate(result), prefixes, typed)
    assert result.suggestion == meant


@pytest.mark.parametrize(("typed", "meant", "prefixes"), CASES)
def test_the_database_fallback_finds_what_was_meant(typed_catalogue, typed, meant, prefixes):
    result = database_search(SearchParams.from_data({"q": typed}))
    found = hydrate(result)
    _assert_found(found, prefixes, typed)
    # every product found has all the words meant in its title
    assert all(all(word in folded(p.title) for word in folded(meant).split()) for p in found)
    assert result.suggestion == meant


def test_every_joined_title_of_the_catalogue_is_found(typed_catalogue):
    """Not only the examples: each title typed without spaces finds that product."""
    for product in typed_catalogue:
        joined = "".join(folded(product.title).replace("–", " ").split()[:3])
        if joined.isalpha():
            ids = search_products(SearchParams.from_data({"q": joined, "page_size": 50})).ids
            assert product.pk in ids, joined
            assert product.pk in database_search(SearchParams.from_data({"q": joined, "page_size": 50})).ids


@pytest.mark.parametrize("typed", ["mat ong", "Nước mắm", "banh phong tom", "ca", "tom"])
def test_ordinary_queries_get_no_reading(typed_catalogue, typed):
    assert search_products(SearchParams.from_data({"q": typed})).suggestion is None
    assert database_search(SearchParams.from_data({"q": typed})).suggestion is None


#: (typed, what the first reader made of it): none of them is read now.
NOT_READ = [("socola", "sở có lá"), ("bar", "bả"), ("box", "bõ"), ("mix", "mĩ"),
            ("cafe", "cà e"), ("caa", "cá a")]


@pytest.mark.parametrize(("typed", "old"), NOT_READ)
def test_english_words_are_not_read_into_catalogue_words(typed_catalogue, typed, old):
    assert read_query(typed) is None
    for result in (search_products(SearchParams.from_data({"q": typed})),
                   database_search(SearchParams.from_data({"q": typed}))):
        assert result.suggestion != old
        titles = [folded(p.title) for p in hydrate(result)]
        # "bar" no longer finds "ba khía", "box" the chopsticks' "bó"
        assert not [t for t in titles if set(folded(old).split()) <= set(t.split())], titles


@pytest.mark.parametrize(("typed", "meant", "first"), [
    ("camau", "cà mau", "cua bien ca mau"),  # not "cá mau": "cá" is commoner, "cà mau" a pair
    ("keodua", "kẹo dừa", "keo dua"),  # not "kèo dưa" (cá kèo, dưa bồn bồn)
    ("khobo", "khô bò", "kho bo"),  # not "khô bó" (combo 3 bó)
])
def test_accents_follow_the_catalogues_neighbours(typed_catalogue, typed, meant, first):
    assert read_query(typed).text == meant
    for result in (search_products(SearchParams.from_data({"q": typed})),
                   database_search(SearchParams.from_data({"q": typed}))):
        assert result.suggestion == meant
        assert folded(hydrate(result)[0].title).startswith(first)


def test_two_runs_of_neighbours_are_read(typed_catalogue):
    # "mắm cà" are no neighbours, "nước mắm" and "cà mau" are
    assert read_query("nuocmamcamau").text == "nước mắm cà mau"


def test_a_query_that_matches_as_typed_is_not_read(typed_catalogue):
    """"tomkho" is a word of a description: that product only, no "Có phải bạn muốn tìm"."""
    assert read_query("tomkho").text == "tôm khô"  # what it would be read as
    result = search_products(SearchParams.from_data({"q": "tomkho"}))
    assert [p.title for p in hydrate(result)] == ["Bánh tét nhân đậu"]
    assert result.suggestion is None
    # the fallback only knows titles: there "tomkho" matches nothing as typed
    fallback = database_search(SearchParams.from_data({"q": "tomkho"}))
    assert [folded(p.title) for p in hydrate(fallback)] == ["tom kho rach goc"]
    assert fallback.suggestion == "tôm khô"


def test_the_page_proposes_the_reading(client, typed_catalogue):
    response = client.get("/search/", {"q": "nuwowcs mawms"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nước mắm Mạch Long" in html
    assert "Có phải bạn muốn tìm:" in html
    assert "<strong>nước mắm</strong>" in html
    assert "nuwowcs mắm" not in html
    assert response.context["suggestion_url"] == "?q=n%C6%B0%E1%BB%9Bc+m%E1%BA%AFm"


def test_the_page_reads_joined_words_with_the_search_server_down(client, typed_catalogue,
                                                                 search_settings):
    dead = embedded.start_search()
    dead.stop()
    search_settings.ELASTICSEARCH_URL = dead.url
    reset_client()
    response = client.get("/search/", {"q": "banhphongtom"})
    assert response.status_code == 200
    assert response.context["search_unavailable"]
    titles = [p.title for p in response.context["products"]]
    assert sorted(titles) == ["Bánh phồng tôm Năm Căn", "Bánh phồng tôm – hộp 500 g"]
    assert "<strong>bánh phồng tôm</strong>" in response.content.decode()


def test_the_vocabulary_comes_from_titles_categories_and_shops(typed_catalogue):
    vocabulary = build_vocabulary()
    assert vocabulary.words["nuoc"] == "nước"
    assert vocabulary.words["keo"] == "kẹo"  # a category
    assert vocabulary.words["dam"] == "đầm"  # a shop ("Đầm Dơi")
    assert ("phong", "tom") in vocabulary.pairs


def test_the_vocabulary_is_kept_for_a_while(typed_catalogue, settings,
                                           django_assert_num_queries):
    settings.SEARCH_VOCABULARY_SECONDS = 60
    forget()
    try:
        with django_assert_num_queries(3):
            first = catalogue_vocabulary()
        with django_assert_num_queries(0):
            assert catalogue_vocabulary() is first
        settings.SEARCH_VOCABULARY_SECONDS = 0
        with django_assert_num_queries(3):
            assert catalogue_vocabulary() is not first
    finally:
        forget()


@pytest.mark.parametrize("typed", ["nuocmam", "nuwowcs mawms"])
def test_the_search_box_suggests_what_was_meant(client, typed_catalogue, typed):
    response = client.get("/api/v1/search/suggest", {"q": typed})
    assert response.status_code == 200
    texts = [s["text"] for s in response.json()["suggestions"]]
    assert sorted(texts) == ["Nước mắm Mạch Long", "Nước mắm Ngọc Trân"]
