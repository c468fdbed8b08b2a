"""The page of a product with options: choosing one (JSON for the script, a GET form without
it), a variant's address redirecting to its parent, the basket getting the chosen option,
and a number of queries that does not grow with the number of options."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Product
from tests.factories import make_shop, make_user, make_variant_product

pytestmark = pytest.mark.django_db

OPTIONS = (("chai 250 ml", 125_000, 10), ("chai 500 ml", 230_000, 0), ("hộp quà 1 lít", 390_000, 4))


@pytest.fixture
def honey():
    return make_variant_product(make_shop("muoi-ngot"), "Mật ong U Minh Hạ", OPTIONS)


def children(parent):
    return list(parent.children.order_by("pk"))


def variants_json(html: str) -> list[dict]:
    raw = re.search(r'<script id="variants-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(raw.group(1))


def test_page_lists_the_options_as_json_and_radios_and_chooses_the_first_in_stock(client, honey):
    html = client.get(honey.get_absolute_url()).content.decode()
    data = variants_json(html)
    assert [(v["name"], v["price"], v["available"]) for v in data] == [
        ("chai 250 ml", 125_000, True), ("chai 500 ml", 230_000, False), ("hộp quà 1 lít", 390_000, True),
    ]
    first = children(honey)[0]
    assert f'name="child_id" value="{first.pk}"' in html
    assert re.search(rf'value="{first.pk}"\s+checked', html)
    assert "125.000" in html and "Còn 10 sản phẩm" in html
    assert "js/variants.js" in html and "<script>" not in html  # no inline script (CSP)


def test_without_javascript_the_get_form_shows_the_chosen_option(client, honey):
    gift = children(honey)[2]
    html = client.get(honey.get_absolute_url(), {"variant": gift.pk}).content.decode()
    assert f'name="child_id" value="{gift.pk}"' in html
    price = re.search(r'<p class="product-price" data-variant-price data-css="product-price">(.*?)</p>', html, re.S).group(1)
    assert "390.000" in price
    assert "Còn 4 sản phẩm" in html


def test_an_option_out_of_stock_can_be_seen_but_not_bought(client, honey):
    empty = children(honey)[1]
    html = client.get(honey.get_absolute_url(), {"variant": empty.pk}).content.decode()
    assert re.search(r"data-variant-buy\s+disabled", html)
    assert "Hết hàng" in html


def test_a_bad_variant_parameter_falls_back_to_the_first_in_stock(client, honey):
    other = make_variant_product(make_shop("khac"), "Khô cá", (("200 g", 1000, 1), ("500 g", 2000, 1)))
    for value in ("abc", str(children(other)[0].pk), "99999999"):
        response = client.get(honey.get_absolute_url(), {"variant": value})
        assert response.status_code == 200
        assert f'name="child_id" value="{children(honey)[0].pk}"' in response.content.decode()


def test_a_variants_address_redirects_to_its_parent_with_the_option_chosen(client, honey):
    gift = children(honey)[2]
    response = client.get(reverse("catalogue:detail", kwargs={"product_slug": gift.slug, "pk": gift.pk}))
    assert response.status_code == 302
    assert response["Location"] == f"{honey.get_absolute_url()}?variant={gift.pk}"


def test_basket_gets_the_chosen_option_titled_parent_and_option(client, honey):
    gift = children(honey)[2]
    response = client.post(reverse("basket:add", kwargs={"pk": honey.pk}),
                           {"child_id": gift.pk, "quantity": 2})
    assert response.status_code == 302
    basket = client.get(reverse("basket:summary"))
    line = basket.context["basket"].all_lines()[0]
    assert line.product_id == gift.pk and line.quantity == 2
    assert line.product.get_title() == "Mật ong U Minh Hạ – hộp quà 1 lít"


def page_queries(client, product) -> int:
    client.get(product.get_absolute_url())  # warm-up (session, caches)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(product.get_absolute_url()).status_code == 200
    return len(queries)


def test_page_queries_do_not_grow_with_the_number_of_options(client):
    client.force_login(make_user("buyer@example.com"))  # signed in: never the stored page
    shop = make_shop("so-luong")
    one = make_variant_product(shop, "Một loại", (("a", 1000, 1),))
    five = make_variant_product(shop, "Năm loại", tuple((f"loại {i}", 1000 * i, i) for i in range(1, 6)))
    assert Product.objects.filter(parent=five).count() == 5
    assert page_queries(client, one) == page_queries(client, five)


def test_stored_page_follows_an_options_stock(client, honey, settings):
    """The anonymous page cache (marketplace/core/pagecache.py) checks the options' rows too:
    stock allocated by a checkout is a conditional UPDATE that sends no signal."""
    from django.core.cache import cache

    from marketplace.core.pagecache import HEADER
    from shops.models import StockRecord

    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CHECK_SECONDS = 0
    cache.clear()
    first = children(honey)[0]
    client.get(honey.get_absolute_url())
    assert client.get(honey.get_absolute_url())[HEADER] == "hit"
    StockRecord.objects.filter(product=first).update(num_allocated=10)
    response = client.get(honey.get_absolute_url())
    assert response[HEADER] == "miss"
    assert f'name="child_id" value="{children(honey)[2].pk}"' in response.content.decode()  # the next in stock
    cache.clear()
