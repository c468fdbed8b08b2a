"""Issue 22: the product page and a shop's storefront rendered without the anonymous page
cache (a visitor with a message waiting, a basket or a session; the first visit after a
change) stay within a query budget that does not grow with the photos, variants, reviews
and certificates; the blocks that are the same for every visitor come from cached fragments
(marketplace/core/fragments.py) that a catalogue change makes stale."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue.models import Product, ProductImage
from marketplace.cms.caching import bump_catalogue_version
from shops.models import StockRecord
from tests.factories import make_certificate, make_product, make_shop, make_user, png_bytes

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")
BUDGET = 8
#: Right after a catalogue change every fragment is stale: the page loads their rows too.
COLD_BUDGET = 8


@pytest.fixture
def caching(settings):
    """The page cache on (the requests below must bypass it) and the fragments cached."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 600
    return settings


def catalogue(n: int):
    """A shop whose product has `n` photos, reviews and certificates, and a parent product
    with `n` variants (each with its stock record and a photo)."""
    shop = make_shop(f"co-so-{n}", phone="+84918123456")
    product = make_product(
        shop, f"Mật ong {n}", via_service=True, photos=n, description="Mật ong rừng tràm."
    )
    for i in range(n):
        ProductReview.objects.create(
            product=product, user=make_user(f"khach{n}-{i}@example.com"), score=4 + i % 2,
            title=f"Ngon {i}", body="Sẽ mua lại.", status=ProductReview.APPROVED,
        )
        make_certificate(product, stars=3 + i % 3, decision_number=f"{n}-{i}/QĐ-UBND")
    parent = make_product(shop, f"Mật ong các cỡ {n}", price=None, description="Nhiều cỡ.")
    Product.objects.filter(pk=parent.pk).update(structure=Product.PARENT)
    for i in range(n):
        child = make_product(shop, f"Mật ong {n} cỡ {i}", price=100_000 + i * 10_000)
        Product.objects.filter(pk=child.pk).update(structure=Product.CHILD, parent=parent)
        ProductImage.objects.create(
            product=child, display_order=0,
            original=ContentFile(png_bytes(size=(30, 30)), name=f"c{n}-{i}.png"),
        )
    return shop, Product.objects.get(pk=product.pk), Product.objects.get(pk=parent.pk)


def rendered(client, url: str) -> tuple[int, str]:
    """(queries, html) of a GET the page cache leaves alone: an empty messages cookie, as
    benchmarks/load.py sends for its *rendered* rows."""
    client.cookies["messages"] = ""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response  # rendered, not served from the page cache
    listing = "\n".join(q["sql"] for q in ctx.captured_queries)
    return len(ctx.captured_queries), response.content.decode() + "\n<!--\n" + listing


def counts(client, urls: list[str]) -> tuple[list[int], list[int]]:
    """Queries of each page with its fragments stored, then right after a catalogue change."""
    for url in urls:  # first visits: thumbnails made, view counters created, fragments stored
        rendered(client, url)
    warm = [rendered(client, url)[0] for url in urls]
    cold = []
    for url in urls:
        bump_catalogue_version()
        cold.append(rendered(client, url)[0])
    return warm, cold


def test_product_page_queries_do_not_grow_with_photos_variants_reviews_certificates(
    client, caching
):
    _shop, small, small_parent = catalogue(1)
    _shop, large, large_parent = catalogue(5)
    assert large.images.count() == 5 and large_parent.children.count() == 5

    warm, cold = counts(client, [small.get_absolute_url(), large.get_absolute_url()])
    assert warm[0] == warm[1] <= BUDGET, warm
    assert cold[0] == cold[1] <= COLD_BUDGET, cold

    warm, cold = counts(
        client, [small_parent.get_absolute_url(), large_parent.get_absolute_url()]
    )
    assert warm[0] == warm[1] <= BUDGET, warm
    assert cold[0] == cold[1] <= COLD_BUDGET, cold


def test_variant_page_fits_the_budget(client, caching):
    _shop, _product, parent = catalogue(3)
    child = parent.children.first()
    # a variant's own address redirects to its product's page with that option chosen
    assert client.get(child.get_absolute_url()).status_code == 302
    warm, cold = counts(client, [f"{parent.get_absolute_url()}?variant={child.pk}"])
    assert warm[0] <= BUDGET and cold[0] <= COLD_BUDGET, (warm, cold)


def test_parent_page_offers_every_variant_with_its_stock(client, caching):
    """The prefetched variants are the ones the options' picker offers, priced from their own
    stock record: nothing was lost by loading them in bulk."""
    _shop, _product, parent = catalogue(3)
    _queries, html = rendered(client, parent.get_absolute_url())
    picker = re.search(r'<form class="variant-choice".*?</form>', html, re.S).group(0)
    for child in parent.children.all():
        assert f'value="{child.pk}"' in picker
    # the first option in stock is chosen: its price, and the basket form sends its id
    first = parent.children.order_by("pk").first()
    price = re.search(r'<p class="product-price"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert f"{int(first.stockrecords.get().price):,} ₫".replace(",", ".") in price
    form = re.search(r'<form id="add_to_basket_form".*?</form>', html, re.S).group(0)
    assert f'name="child_id" value="{first.pk}"' in form


def storefront(code: str, n: int):
    """A shop with `n` products (photos, reviews, certificates, one on sale) and `n` products
    with options (each with `n` options, one of them on sale)."""
    shop = make_shop(code)
    now = timezone.now()
    for i in range(n):
        product = make_product(shop, f"Trà {code} {i}", via_service=True, photos=2, price=80_000)
        ProductReview.objects.create(
            product=product, user=make_user(f"{code}-{i}@example.com"), score=5,
            title="Ngon", body="Thơm.", status=ProductReview.APPROVED,
        )
        make_certificate(product, stars=4, decision_number=f"{code}-{i}/QĐ-UBND")
        parent = make_product(shop, f"Trà các cỡ {code} {i}", price=None)
        Product.objects.filter(pk=parent.pk).update(structure=Product.PARENT)
        for j in range(n):
            child = make_product(shop, f"Trà {code} {i} cỡ {j}", price=100_000 + j * 10_000)
            Product.objects.filter(pk=child.pk).update(structure=Product.CHILD, parent=parent)
    StockRecord.objects.filter(partner=shop).update(
        sale_price=60_000, sale_starts_at=now - timedelta(hours=1), sale_ends_at=now + timedelta(days=1)
    )
    return shop


def test_storefront_queries_do_not_grow_with_products_options_and_sales(client, caching):
    one, many = storefront("mot-co-so", 1), storefront("nhieu-co-so", 4)
    urls = [f"/shops/{one.code}/", f"/shops/{many.code}/"]
    warm, cold = counts(client, urls)
    assert warm[0] == warm[1] <= BUDGET, warm
    assert cold[0] == cold[1] <= BUDGET, cold
    _queries, html = rendered(client, urls[1])
    assert html.count('<article class="product-card">') == 8  # 4 products, 4 with options
