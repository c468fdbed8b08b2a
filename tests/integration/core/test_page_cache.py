"""Whole pages for anonymous visitors from the cache (marketplace/core/pagecache.py).

A stored page must never show what a visitor should not see: another visitor's CSRF token,
a product sold out by a checkout (a conditional UPDATE, no signal), a hidden product, a new
price; signed-in visitors and visitors with a basket always get a rendered page.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from oscar.core.loading import get_model

from catalogue.models import Product
from marketplace.core.pagecache import HEADER
from shops.models import StockRecord
from tests.factories import grid, make_home_page, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache(settings):
    """The page cache on, as in production; the fingerprint read on every hit."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CHECK_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def product():
    return make_product(make_shop("cache-shop"), "Mật ong rừng tràm thử", via_service=True)


def visit(path: str, client: Client | None = None):
    response = (client or Client()).get(path)
    return response, response.content.decode()


def test_a_product_page_is_stored_and_served_to_the_next_visitor(product):
    path = product.get_absolute_url()
    first, html = visit(path)
    second, again = visit(path)
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert "Mật ong rừng tràm thử" in again and "100.000" in again
    # The same page, but each visitor has a CSRF token of their own.
    assert TOKEN.sub("", html) == TOKEN.sub("", again)
    assert TOKEN.findall(html)[0] != TOKEN.findall(again)[0]


def test_a_visitor_served_from_the_cache_can_add_to_the_basket(product):
    path = product.get_absolute_url()
    visit(path)  # stores the page
    buyer = Client(enforce_csrf_checks=True)
    response, html = visit(path, buyer)
    assert response[HEADER] == "hit"
    token = TOKEN.findall(html)[-1]  # the buy box's form
    added = buyer.post(f"/basket/add/{product.pk}/", {"csrfmiddlewaretoken": token, "quantity": 1})
    assert added.status_code == 302
    assert get_model("basket", "Line").objects.filter(product=product).count() == 1


def test_stock_taken_by_a_checkout_shows_at_once(product):
    path = product.get_absolute_url()
    _, html = visit(path)
    assert 'id="add_to_basket_form"' in html
    # What a checkout does: a conditional UPDATE, which sends no signal.
    StockRecord.objects.filter(product=product).update(num_allocated=10)
    response, html = visit(path)
    assert response[HEADER] == "miss"
    assert 'id="add_to_basket_form"' not in html


def test_a_new_price_shows_at_once(product):
    path = product.get_absolute_url()
    visit(path)
    record = product.stockrecords.get()
    record.price = 321_000
    record.save()
    _, html = visit(path)
    assert "321.000" in html and "100.000" not in html


def test_a_product_hidden_without_a_signal_is_gone_at_once(product):
    path = product.get_absolute_url()
    visit(path)
    Product.objects.filter(pk=product.pk).update(is_public=False)
    response, _ = visit(path)
    assert response.status_code == 404


def test_signed_in_buyers_and_baskets_are_never_served_from_the_cache(product):
    path = product.get_absolute_url()
    visit(path)
    buyer = Client()
    buyer.force_login(make_user("page-cache-buyer@example.vn"))
    assert buyer.get(path).get(HEADER) is None
    with_basket = Client()
    with_basket.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    response, html = visit(path, with_basket)
    assert response.get(HEADER) is None
    assert 'class="basket-count">1<' in html


def test_views_are_still_counted_on_stored_pages(product):
    path = product.get_absolute_url()
    for _ in range(3):
        visit(path)
    ProductRecord = get_model("analytics", "ProductRecord")
    assert ProductRecord.objects.get(product=product).num_views == 3


def test_the_home_page_is_stored_and_drops_a_sold_out_product_at_once(product):
    other = make_product(make_shop("cache-shop-2"), "Khô cá bổi thử", via_service=True)
    make_home_page([grid([product, other], title="Khối bộ nhớ đệm")])
    first, html = visit("/")
    second, _ = visit("/")
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert "Mật ong rừng tràm thử" in html
    StockRecord.objects.filter(product=product).update(num_allocated=10)
    third, html = visit("/")
    assert third[HEADER] == "miss"
    assert "Mật ong rừng tràm thử" not in html and "Khô cá bổi thử" in html


def test_a_home_page_made_private_is_not_served_from_the_cache(product):
    from wagtail.models import PageViewRestriction

    home = make_home_page([grid([product])])
    visit("/")
    PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.PASSWORD, password="bi-mat"
    )
    response, html = visit("/")
    assert response.get(HEADER) is None
    assert "Mật ong rừng tràm thử" not in html


def test_a_visitor_with_a_chosen_language_gets_that_language(product):
    path = product.get_absolute_url()
    visit(path)
    english = Client()
    english.cookies["django_language"] = "en"
    response, html = visit(path, english)
    assert response[HEADER] == "miss"
    assert '<html lang="en"' in html


@pytest.mark.django_db(transaction=True)
def test_views_are_counted_outside_a_transaction_too(product):
    """Requests run in autocommit: on PostgreSQL the count is one statement committed
    without waiting for the disk (catalogue/analytics.py), still one view per request."""
    path = product.get_absolute_url()
    for _ in range(4):
        visit(path)
    ProductRecord = get_model("analytics", "ProductRecord")
    assert ProductRecord.objects.get(product=product).num_views == 4
