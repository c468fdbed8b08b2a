"""Issue 22: the product page and a shop's storefront rendered without the anonymous page
cache (a visitor with a message waiting, a basket or a session; the first visit after a
change) stay within a query budget that does not grow with the photos, variants, reviews
and certificates; the blocks that are the same for every visitor come from cached fragments
(marketplace/core/fragments.py) that a catalogue change makes stale."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from oscar.core.loading import get_model

from catalogue.models import Product, ProductImage, today_local
from catalogue.selectors import page_certificate, page_product, product_page_queryset
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


def fragment_reads(client, url: str) -> tuple[list[str], list[list[str]]]:
    """(fragment keys read one by one, key lists read together) by a rendered GET."""
    backend = caches["default"]
    get, get_many = backend.get, backend.get_many
    alone, together, inside = [], [], []

    def spy_get(key, *args, **kwargs):
        if not inside and str(key).startswith("fragment:"):
            alone.append(key)
        return get(key, *args, **kwargs)

    def spy_get_many(keys, *args, **kwargs):  # the test backend's get_many calls get
        together.append(list(keys))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    with (
        mock.patch.object(backend, "get", spy_get),
        mock.patch.object(backend, "get_many", spy_get_many),
    ):
        rendered(client, url)
    return alone, together


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_fragment_of_the_page_is_read_in_one_round_trip(client, caching, signed_in):
    """The view reads the page's fragments together (catalogue.views.page_fragments); its
    list must name every `{% fragment %}` of the template with the same values, or a tag
    reads its own (and a fragment of the list would be read for nothing)."""
    _shop, product, parent = catalogue(2)
    child = parent.children.order_by("pk").last()
    if signed_in:  # the reviews fragment varies on the user
        client.force_login(make_user("nguoi-mua@example.com"))
    for url in [
        product.get_absolute_url(),
        parent.get_absolute_url(),
        f"{parent.get_absolute_url()}?variant={child.pk}",
    ]:
        rendered(client, url)  # stores the fragments
        alone, together = fragment_reads(client, url)
        assert alone == [], url
        assert [len(keys) for keys in together] == [9], url
        assert all(caches["default"].get(key) is not None for key in together[0]), url


def test_unknown_or_impossible_product_key_is_not_found(client):
    shop = make_shop("co-so-404")
    product = make_product(shop, "Mật ong 404")
    assert client.get(product.get_absolute_url()).status_code == 200
    assert client.get(f"/catalogue/mat-ong_{product.pk + 1000}/").status_code == 404
    # beyond the id column's range: Django's lookup finds nothing, never a database error
    assert client.get("/catalogue/mat-ong_99999999999999999999999/").status_code == 404


def test_prepared_product_query_gives_what_the_orm_gives(client):
    """page_product() runs product_page_queryset()'s SQL compiled once
    (marketplace/core/prepared.py): the same product, related objects and annotations, and
    today's certificate as the date moves on (the SQL is built again for another day)."""
    shop = make_shop("co-so-prepared")
    product = make_product(shop, "Mật ong prepared", via_service=True)
    other = make_product(shop, "Khô cá prepared", via_service=True)
    ProductReview.objects.create(
        product=product, user=make_user("review-prepared@example.com"), score=4,
        title="Ngon", body="Ngon.", status=ProductReview.APPROVED,
    )
    today = today_local()
    make_certificate(product, stars=4, issued_on=today - timedelta(days=30),
                     expires_on=today + timedelta(days=2))
    for item in (product, other):
        expected = product_page_queryset().get(pk=item.pk)
        found = page_product(item.pk)
        assert found == expected and type(found) is type(expected)
        for attr in ("title", "shop_id", "product_class_id", "structure", "has_product_options",
                     "has_product_class_options", "page_certificate", "page_review_count",
                     "page_shop_rating_average", "page_shop_rating_count"):
            assert getattr(found, attr) == getattr(expected, attr), attr
        assert found.shop.name == shop.name and found.product_class == expected.product_class
        assert "shop" in found._state.fields_cache  # select_related: no query for the shop
    assert page_product(product.pk).page_review_count == 1
    assert page_certificate(page_product(product.pk)).stars == 4
    with freeze_time(timezone.now() + timedelta(days=5)):
        assert page_product(product.pk).page_certificate is None  # expired by then
    assert page_certificate(page_product(product.pk)).stars == 4
    with pytest.raises(Product.DoesNotExist):
        page_product(other.pk + 1000)
