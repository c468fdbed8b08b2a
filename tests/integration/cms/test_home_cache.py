"""The home page body is cached; publishing and catalogue changes make it fresh at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Product
from tests.factories import grid, make_home_page, make_image, make_product, make_shop, set_body

pytestmark = pytest.mark.django_db


def _home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    return html, len(queries)


@pytest.fixture
def product():
    return make_product(make_shop("cache-shop"), "Khô cá khoai thử", via_service=True)


def test_body_is_served_from_the_cache(client, product):
    make_home_page([grid([product], title="Khối bộ nhớ đệm")])
    first, rendered = _home(client)
    # A change no signal reports and that buyers' view of the product does not depend
    # on for visibility: the cached body still shows the old title.
    Product.objects.filter(pk=product.pk).update(title="Tên đổi lén")
    second, cached = _home(client)
    assert "Khô cá khoai thử" in first and "Khô cá khoai thử" in second
    assert cached < rendered


def test_publishing_the_page_refreshes_the_body(client, product):
    home = make_home_page([grid([product], title="Tiêu đề cũ")])
    assert "Tiêu đề cũ" in client.get("/").content.decode()
    set_body(home, [grid([product], title="Tiêu đề mới")])
    html = client.get("/").content.decode()
    assert "Tiêu đề mới" in html and "Tiêu đề cũ" not in html


def test_saving_a_product_or_its_price_refreshes_the_body(client, product):
    make_home_page([grid([product], title="Khối giá")])
    assert "Khô cá khoai thử" in client.get("/").content.decode()
    product.title = "Khô cá khoai Cái Đôi Vàm"
    product.save()
    assert "Khô cá khoai Cái Đôi Vàm" in client.get("/").content.decode()
    record = product.stockrecords.get()
    record.price = 321000
    record.save()
    assert "321.000" in client.get("/").content.decode()


def test_images_are_webp_renditions_with_srcset(client, product):
    picture = make_image("Ảnh băng chuyền")
    make_home_page([
        {"type": "hero_carousel", "value": {"slides": [{"type": "item", "id": "s1", "value": {
            "image": picture.pk, "title": "Trang chiếu một", "text": "", "link_label": "",
            "link_page": None, "link_url": "/search/"}}]}},
        {"type": "image", "value": {"image": picture.pk, "alt": "Ruộng muối", "caption": "Chú thích"}},
    ])
    html = client.get("/").content.decode()
    assert "Trang chiếu một" in html and 'alt="Ruộng muối"' in html
    assert "srcset=" in html and ".format-webp.webp 960w" in html
    assert 'href="/search/"' in html
