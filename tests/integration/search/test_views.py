"""The HTML pages: /search/, /catalogue/, category pages; bad parameters; server down."""

from __future__ import annotations

import pytest

from marketplace import embedded
from search.engine import reset_client

pytestmark = [pytest.mark.search, pytest.mark.django_db]


def test_search_page_finds_without_accents(client, catalogue):
    response = client.get("/search/", {"q": "mat ong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mật ong U Minh" in html
    assert "Khô cá bổi" not in html
    assert "Mật ong chờ duyệt" not in html


def test_search_page_without_query_lists_everything(client, catalogue):
    for url in ("/search/", "/search/?q="):
        response = client.get(url)
        assert response.status_code == 200
        assert "Khô cá bổi" in response.content.decode()


def test_facet_links_and_sort(client, catalogue):
    response = client.get("/search/", {"q": "mat ong", "sort": "price_asc"})
    assert response.status_code == 200
    groups = {group["name"]: group for group in response.context["facet_groups"]}
    stars = groups["stars"]["values"]
    assert [(v.key, v.count) for v in stars] == [("4", 1)]
    assert "stars=4" in stars[0].url and "q=mat+ong" in stars[0].url
    narrowed = client.get("/search/" + stars[0].url)
    assert [p.title for p in narrowed.context["products"]] == ["Mật ong U Minh"]
    assert [p.title for p in response.context["products"]][0] == "Mat ong hoa tram"


def test_did_you_mean_is_shown(client, catalogue):
    response = client.get("/search/", {"q": "mtt onggg"})
    assert response.status_code == 200
    assert response.context["suggestion_url"]
    assert "did-you-mean" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["stars=9", "price_min=abc", "sort=cheap", "page=0", "page_size=5000",
     "price_min=9&price_max=1", "q=" + "x" * 300],
)
def test_bad_parameters_rerender_with_a_message(client, catalogue, query):
    response = client.get("/search/?" + query)
    assert response.status_code == 400
    assert response.context["errors"]
    assert "errorlist" in response.content.decode()


def test_catalogue_browse(client, catalogue):
    response = client.get("/catalogue/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Mật ong U Minh", "Khô cá bổi", "Tôm khô Rạch Gốc"):
        assert title in html
    assert len(response.context["products"]) == 6


def test_category_page_lists_its_products_and_subcategories(client, catalogue):
    honey = catalogue["u_minh"].categories.get()
    food = honey.get_parent()
    response = client.get(food.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["products"]) == 6
    groups = {group["name"]: group for group in response.context["facet_groups"]}
    assert {v.label for v in groups["category"]["values"]} == {"Mật ong", "Mắm", "Khô"}
    response = client.get(honey.get_absolute_url())
    assert sorted(p.title for p in response.context["products"]) == [
        "Mat ong hoa tram", "Mật ong U Minh", "Mật ong hoa tràm"]
    wrong_slug = client.get(f"/catalogue/category/wrong_{honey.pk}/")
    assert wrong_slug.status_code == 301


def test_pages_degrade_to_the_database_when_search_is_down(client, catalogue, search_settings):
    dead = embedded.start_search()
    dead.stop()
    search_settings.ELASTICSEARCH_URL = dead.url
    search_settings.ELASTICSEARCH_TIMEOUT = 2
    reset_client()
    response = client.get("/search/", {"q": "Mật ong"})
    assert response.status_code == 200
    assert response.context["search_unavailable"]
    html = response.content.decode()
    assert "Mật ong U Minh" in html
    assert "Khô cá bổi" not in html
    browse = client.get("/catalogue/", {"sort": "price_asc", "shop": catalogue["kho_ca"].shop.code})
    assert browse.status_code == 200
    assert [p.title for p in browse.context["products"]] == ["Khô cá bổi"]


def test_database_fallback_folds_diacritics(client, catalogue, search_settings):
    """With the real search server stopped, "mat ong" still finds "Mật ong" from the database."""
    dead = embedded.start_search()
    dead.stop()
    search_settings.ELASTICSEARCH_URL = dead.url
    search_settings.ELASTICSEARCH_TIMEOUT = 2
    reset_client()
    response = client.get("/search/", {"q": "mat ong u minh"})
    assert response.status_code == 200
    assert response.context["search_unavailable"]
    html = response.content.decode()
    assert "Mật ong U Minh" in html
    assert "Khô cá bổi" not in html


def test_no_results_page_proposes_popular_products(client, catalogue):
    """Issue 21: a query that finds nothing shows corrections and what buyers buy most
    (delivered units first), and costs no query per popular product."""
    from tests.factories import make_order

    shrimp = catalogue["tom_kho"]
    response = client.get("/search/", {"q": "xyzqwv khong co"})
    assert response.status_code == 200
    assert response.context["products"] == []
    popular = response.context["popular_products"]
    assert popular, "popular products are proposed"
    html = response.content.decode()
    assert "Không tìm thấy sản phẩm cho" in html and 'class="popular"' in html
    assert 'class="sort-form"' not in html  # nothing to sort
    make_order([(shrimp, 4)], status="delivered", allocate=False)
    make_order([(catalogue["kho_ca"], 9)], status="cancelled", allocate=False)
    response = client.get("/search/", {"q": "xyzqwv khong co nua"})
    assert response.context["popular_products"][0].pk == shrimp.pk
    assert "Đã bán 4" in response.content.decode()


def test_results_page_toolbar_and_first_card_eager(client, catalogue):
    html = client.get("/search/", {"q": "mat ong"}).content.decode()
    assert '<details class="filter-drawer" id="filters">' in html
    assert 'data-autosubmit' in html and 'class="btn btn-small sort-apply"' in html
    # (The first card's eager photo: these products have none; see tests/functional/browser/test_phone_browse.py.)
    assert '<script src="/static/js/listing.js" defer>' in html
    assert 'id="search-q"' not in html  # the header's box is the page's search box
    # The category and browse pages keep their own box (it searches within them).
    assert 'id="search-q"' in client.get("/catalogue/").content.decode()
