"""A small catalogue indexed in the real embedded search server (osmem-server)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from search.engine import reset_client
from search.indexing import rebuild_index
from shops.models import Partner

from .factories import commune_codes, make_product, make_shop


@pytest.fixture
def search_settings(search_server, settings):
    """Settings pointing at the session's server (restored after the test)."""
    settings.ELASTICSEARCH_URL = search_server.url
    settings.ELASTICSEARCH_MAX_RETRIES = 0
    yield settings
    reset_client()


@pytest.fixture
def catalogue(db, search_settings):
    """Six public products of three approved shops, two hidden ones; index rebuilt."""
    codes = commune_codes()
    muoi_ngot = make_shop("Cơ sở Mật ong Mười Ngọt", commune_code=codes[0])
    nam_can = make_shop("Cơ sở Hải sản Năm Căn", commune_code=codes[1])
    dam_doi = make_shop("HTX Thủy sản Đầm Dơi", commune_code=codes[2])
    pending = make_shop("Cửa hàng chờ duyệt", status=Partner.Status.PENDING)
    now = timezone.now()
    products = {
        "u_minh": make_product(
            "Mật ong U Minh", muoi_ngot, price=150_000, stars=4,
            category="Thực phẩm > Mật ong", description="Mật ong rừng tràm U Minh Hạ.",
            created=now - datetime.timedelta(days=5),
        ),
        "hoa_tram": make_product(
            "Mật ong hoa tràm", muoi_ngot, price=200_000, category="Thực phẩm > Mật ong",
            created=now - datetime.timedelta(days=4),
        ),
        "no_accent": make_product(
            "Mat ong hoa tram", nam_can, price=90_000, category="Thực phẩm > Mật ong",
            created=now - datetime.timedelta(days=3),
        ),
        "mam": make_product(
            "Mắm tôm chà", nam_can, price=50_000, stars=3, category="Thực phẩm > Mắm",
            created=now - datetime.timedelta(days=2),
        ),
        "kho_ca": make_product(
            "Khô cá bổi", dam_doi, price=300_000, stars=5, category="Thực phẩm > Khô",
            created=now - datetime.timedelta(days=1),
        ),
        # certificate expired: 36 months after issue, so no stars
        "tom_kho": make_product(
            "Tôm khô Rạch Gốc", nam_can, price=800_000, stars=4, issued_days_ago=1200,
            category="Thực phẩm > Khô", created=now,
        ),
        "hidden_shop": make_product("Mật ong chờ duyệt", pending, price=10_000),
        "not_public": make_product("Mật ong ẩn", muoi_ngot, price=10_000, is_public=False),
    }
    rebuild_index()
    return products
