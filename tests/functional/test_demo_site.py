"""The demo site answers as a newcomer would use it: home, browse, product, basket, search."""

import re

import pytest

from catalogue.models import Category, Product
from catalogue.selectors import product_list_public
from shops.models import Partner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]


def test_home_page_shows_a_vietnamese_marketplace(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "OCOP" in html
    some_shop = Partner.objects.approved().order_by("name").first()
    assert some_shop is not None


def test_category_page_lists_its_products(client):
    category = Category.objects.filter(depth=1, name="Thực phẩm").get()
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    product = product_list_public().filter(categories__in=category.get_descendants_and_self()).first()
    assert product is not None


def test_browse_page_answers(client):
    assert client.get("/catalogue/").status_code == 200


def test_product_page_shows_price_in_vnd_and_shop(client):
    product = product_list_public().exclude(stockrecords__num_in_stock=0).first()
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert product.title in html
    assert product.shop.name in html
    assert re.search(r"\d{1,3}(\.\d{3})+ ₫", html), "price shown as 1.250.000 ₫"


def test_product_can_be_added_to_the_basket(client):
    product = product_list_public().filter(stockrecords__num_in_stock__gt=5).first()
    response = client.post(f"/basket/add/{product.pk}/", {"quantity": 2}, follow=True)
    assert response.status_code == 200
    basket_page = client.get("/basket/")
    assert basket_page.status_code == 200
    assert product.title in basket_page.content.decode()


def test_search_without_diacritics_finds_the_honey(client):
    response = client.get("/search/", {"q": "mat ong"})
    assert response.status_code == 200
    assert "Mật ong U Minh" in response.content.decode()


def test_empty_search_answers(client):
    assert client.get("/search/", {"q": ""}).status_code == 200


def test_shop_directory_and_storefront(client):
    shop = Partner.objects.approved().filter(products__isnull=False).first()
    assert client.get("/shops/").status_code == 200
    response = client.get(f"/shops/{shop.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert shop.legal_name in html
    assert shop.registration_number in html


def test_suspended_shop_products_are_not_for_sale(client):
    product = product_list_public().first()
    Partner.objects.filter(pk=product.shop_id).update(status=Partner.Status.SUSPENDED)
    assert client.get(product.get_absolute_url()).status_code == 404
    assert not Product.objects.filter(pk=product.pk, shop__status=Partner.Status.APPROVED).exists()


def test_home_shelf_shows_valid_ocop_products_from_several_shops():
    from collections import Counter

    from catalogue.selectors import featured_products

    shelf = featured_products(limit=12)
    assert len(shelf) == 12
    assert all(product.ocop_stars in (3, 4, 5) for product in shelf)
    assert max(Counter(product.shop_id for product in shelf).values()) <= 2
    stars = [product.ocop_stars for product in shelf]
    assert stars == sorted(stars, reverse=True)
