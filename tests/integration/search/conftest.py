"""A small catalogue indexed in the real embedded search server (osmem-server)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from catalogue.models import today_local
from search.indexing import rebuild_index
from shops.models import Partner
from tests.factories import commune_codes, make_certificate, make_product, make_shop


@pytest.fixture
def catalogue(db, search_settings):
    """Six public products of three approved shops, two hidden ones; index rebuilt."""
    codes = commune_codes()
    muoi_ngot = make_shop(name="Cơ sở Mật ong Mười Ngọt", commune_code=codes[0])
    nam_can = make_shop(name="Cơ sở Hải sản Năm Căn", commune_code=codes[1])
    dam_doi = make_shop(name="HTX Thủy sản Đầm Dơi", commune_code=codes[2])
    pending = make_shop(name="Cửa hàng chờ duyệt", status=Partner.Status.PENDING)
    now = timezone.now()
    products = {
        "u_minh": make_product(
            muoi_ngot, "Mật ong U Minh", price=150_000, stars=4,
            category="Thực phẩm > Mật ong", description="Mật ong rừng tràm U Minh Hạ.",
            created=now - datetime.timedelta(days=5),
        ),
        "hoa_tram": make_product(
            muoi_ngot, "Mật ong hoa tràm", price=200_000, category="Thực phẩm > Mật ong",
            created=now - datetime.timedelta(days=4),
        ),
        "no_accent": make_product(
            nam_can, "Mat ong hoa tram", price=90_000, category="Thực phẩm > Mật ong",
            created=now - datetime.timedelta(days=3),
        ),
        "mam": make_product(
            nam_can, "Mắm tôm chà", price=50_000, stars=3, category="Thực phẩm > Mắm",
            created=now - datetime.timedelta(days=2),
        ),
        "kho_ca": make_product(
            dam_doi, "Khô cá bổi", price=300_000, stars=5, category="Thực phẩm > Khô",
            created=now - datetime.timedelta(days=1),
        ),
        # certificate expired: 36 months after issue, so no stars
        "tom_kho": make_product(
            nam_can, "Tôm khô Rạch Gốc", price=800_000,
            category="Thực phẩm > Khô", created=now,
        ),
        "hidden_shop": make_product(pending, "Mật ong chờ duyệt", price=10_000),
        "not_public": make_product(muoi_ngot, "Mật ong ẩn", price=10_000, is_public=False),
    }
    make_certificate(
        products["tom_kho"], stars=4, issued_on=today_local() - datetime.timedelta(days=1200)
    )
    rebuild_index()
    return products
