"""Issue 21: "Thêm vào giỏ" on product cards — a plain POST form per buyable card, working
from a page served by the anonymous page cache (each form gets the visitor's own CSRF
token), back to the page with a message that links to the checkout."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from marketplace.core.pagecache import HEADER
from shops.models import StockRecord

pytestmark = [pytest.mark.django_db, pytest.mark.search]

FORM = re.compile(r'<form class="card-add" method="post" action="/basket/add/(\d+)/">(.*?)</form>', re.S)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CHECK_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def card_forms(html: str) -> dict[int, str]:
    return {int(pk): body for pk, body in FORM.findall(html)}


def test_every_card_of_a_cached_page_posts_with_the_visitors_token(catalogue):
    Client().get("/search/", {"q": "mat ong"})  # stored by a first visitor
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/search/", {"q": "mat ong"})
    assert response[HEADER] == "hit"
    forms = card_forms(response.content.decode())
    assert len(forms) >= 3
    tokens = {re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1) for body in forms.values()}
    assert len(tokens) == 1 and "__page_cache" not in tokens.pop()
    for body in forms.values():
        assert '<input type="hidden" name="quantity" value="1">' in body
        assert '<input type="hidden" name="next" value="/search/?q=mat+ong">' in body
        assert re.search(r'<button type="submit" class="btn card-add-button" aria-label="Thêm vào giỏ: [^"]+">', body)

    # Two cards' forms, as the browser posts them: back to the page, with the message.
    for pk, body in list(forms.items())[:2]:
        data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body))
        answer = visitor.post(f"/basket/add/{pk}/", data)
        assert answer.status_code == 302 and answer["Location"] == "/search/?q=mat+ong", answer
    page = visitor.get("/search/", {"q": "mat ong"})
    assert page.get(HEADER) != "hit"  # a visitor with a basket gets their own page
    html = page.content.decode()
    assert "Đã thêm <strong>" in html and "vào giỏ hàng." in html
    assert re.search(r'<a href="/checkout/" class="btn btn-primary">Đặt hàng</a>', html)
    assert re.search(r'<a href="/basket/" class="btn btn-outline">Xem giỏ hàng</a>', html)
    assert visitor.get("/basket/").context["basket"].num_items == 2


def test_a_card_offers_the_button_only_when_the_product_can_be_bought(catalogue):
    StockRecord.objects.filter(product=catalogue["hoa_tram"]).update(num_in_stock=2, num_allocated=2)
    StockRecord.objects.filter(product=catalogue["no_accent"]).update(price=None)
    html = Client().get("/search/", {"q": "mat ong"}).content.decode()
    forms = card_forms(html)
    assert catalogue["u_minh"].pk in forms
    assert catalogue["hoa_tram"].pk not in forms  # sold out (all allocated)
    assert catalogue["no_accent"].pk not in forms  # no price
    assert f'/basket/add/{catalogue["hidden_shop"].pk}/' not in html
