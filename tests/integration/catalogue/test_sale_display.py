"""A sale as buyers see it: the price in force, the list price struck through (with words for
screen readers), "-20%", and on the product page when the sale ends — from one partial
(catalogue/partials/price.html) on the card, the product page and the basket."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalogue.selectors import product_list_public
from shops.models import StockRecord
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def sale_product():
    product = make_product(make_shop("sale"), "Mật ong U Minh", price=1_250_000)
    now = timezone.localtime()
    # ends at 23:59 tonight or tomorrow (Vietnam time), at least an hour away
    ends = (now + datetime.timedelta(hours=1)).replace(hour=23, minute=59, second=0, microsecond=0)
    StockRecord.objects.filter(product=product).update(
        sale_price=1_000_000, sale_starts_at=now - datetime.timedelta(days=1), sale_ends_at=ends)
    return product, ends


def sale_markup_in(html: str):
    assert '<span class="price-now">1.000.000 ₫</span>' in html
    struck = re.search(r'<del class="price-list">(.*?)</del>', html, re.S).group(1)
    assert text(struck) == "Giá gốc 1.250.000 ₫"
    assert '<span class="sr-only">Giá gốc </span>' in struck
    assert '<span class="price-off" aria-hidden="true">-20%</span><span class="sr-only">giảm 20%</span>' in html


def test_card_shows_the_sale(sale_product, rf):
    product, _ends = sale_product
    card = product_list_public().get(pk=product.pk)
    html = render_to_string("catalogue/partials/product_card.html", {"product": card})
    sale_markup_in(html)
    assert "Kết thúc" not in html  # only the product page says when


def test_card_after_the_sale_shows_the_list_price_only(sale_product):
    product, _ends = sale_product
    StockRecord.objects.filter(product=product).update(sale_ends_at=timezone.now() - datetime.timedelta(seconds=1))
    html = render_to_string("catalogue/partials/product_card.html",
                            {"product": product_list_public().get(pk=product.pk)})
    assert '<span class="price-now">1.250.000 ₫</span>' in html
    assert "<del" not in html and "price-off" not in html


def test_product_page_says_when_the_sale_ends(client, sale_product):
    product, ends = sale_product
    html = client.get(product.get_absolute_url()).content.decode()
    sale_markup_in(html)
    local = timezone.localtime(ends, HCM)
    assert f'<span class="price-ends">Kết thúc 23:59 {local:%d/%m}</span>' in html
    buy_bar = re.search(r'<div class="buy-bar".*?</div>', html, re.S).group(0)
    assert '<span class="price-now">1.000.000 ₫</span>' in buy_bar


def test_basket_shows_the_sale_and_charges_it(client, sale_product):
    product, _ends = sale_product
    assert client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2}).status_code == 302
    html = client.get(reverse("basket:summary")).content.decode()
    sale_markup_in(html)
    assert "<strong>2.000.000 ₫</strong>" in html
