"""Search decides OCOP validity at query time: an expired certificate stops counting the
day after its expiry with no job and no reindex; revocation, featuring and price changes
reach the index right after the commit (search.receivers → search.tasks)."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.utils import timezone
from freezegun import freeze_time

from catalogue.certificates import certificate_revoke
from catalogue.models import OcopCertificate, today_local
from search.engine import get_client, index_alias
from search.indexing import rebuild_index
from search.query import SearchParams, hydrate, search_products
from tests.factories import make_certificate, make_product, make_shop, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.search]

Status = OcopCertificate.Status


@pytest.fixture
def honey(search_settings):
    """A 4★ product (certificate issued 30 days ago) next to a product without OCOP."""
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    product = make_product(
        shop,
        "Mật ong U Minh",
        price=150_000,
        stars=4,
        created=timezone.now() - datetime.timedelta(days=2),
    )
    make_product(shop, "Mật ong hoa tràm", price=200_000)
    rebuild_index()
    return product


def at(day: datetime.date):
    """Freeze the clock at noon of `day` in Cà Mau (05:00 UTC)."""
    return freeze_time(f"{day.isoformat()}T05:00:00Z")


def stars_facet(**params) -> dict[str, int]:
    result = search_products(SearchParams.from_data(params))
    return {value.key: value.count for value in result.facets["stars"] if value.count}


def found(**params) -> list[int]:
    return search_products(SearchParams.from_data(params)).ids


def indexed(product) -> dict:
    return get_client().get(index=index_alias(), id=product.pk)["_source"]


def test_a_certificate_counts_until_its_expiry_date_inclusive_then_not_without_reindex(honey):
    certificate = honey.ocop_certificates.get()
    other = honey.shop.products.exclude(pk=honey.pk).get()
    assert stars_facet() == {"4": 1}
    assert found(stars="4") == [honey.pk]
    assert found() == [honey.pk, other.pk]  # boosted by its stars above a newer product
    before = indexed(honey)

    with at(certificate.expires_on):  # the expiry date itself still counts
        assert today_local() == certificate.expires_on
        assert stars_facet() == {"4": 1}
        assert found(stars="4") == [honey.pk]

    with at(certificate.expires_on + datetime.timedelta(days=1)):
        assert stars_facet() == {}
        assert found(stars="4") == []
        # still found without the filter, as a product without OCOP (the DB says so too)
        result = search_products(SearchParams(q="mat ong u minh"))
        assert result.ids[0] == honey.pk
        assert hydrate(result)[0].ocop_stars is None
        # no longer boosted: with equal relevance, the newest comes first
        assert found() == [other.pk, honey.pk]

    assert indexed(honey) == before  # nothing was re-indexed in between


def test_the_view_follows_the_clock_too(honey, client):
    certificate = honey.ocop_certificates.get()
    assert client.get("/search/", {"stars": "4"}).context["result"].ids == [honey.pk]
    with at(certificate.expires_on + datetime.timedelta(days=1)):
        response = client.get("/search/", {"stars": "4"})
        assert response.status_code == 200
        assert response.context["result"].ids == []


def test_a_certificate_issued_in_the_future_does_not_count_yet(search_settings):
    shop = make_shop(name="HTX Thủy sản Đầm Dơi")
    product = make_product(shop, "Khô cá bổi")
    make_certificate(product, stars=5, issued_on=today_local() + datetime.timedelta(days=3))
    rebuild_index()
    assert stars_facet() == {}
    assert found(stars="5") == []
    with at(today_local() + datetime.timedelta(days=3)):
        assert stars_facet() == {"5": 1}
        assert found(stars="5") == [product.pk]


def test_only_the_best_valid_certificate_counts(search_settings):
    shop = make_shop(name="HTX Thủy sản Đầm Dơi")
    product = make_product(shop, "Khô cá bổi")
    make_certificate(product, stars=3, issued_on=today_local() - datetime.timedelta(days=400))
    five = make_certificate(
        product,
        stars=5,
        decision_number="5/QĐ-TTg",
        issued_on=today_local() - datetime.timedelta(days=10),
        expires_on=today_local() + datetime.timedelta(days=5),
    )
    rebuild_index()
    assert stars_facet() == {"5": 1}
    assert found(stars="3") == []
    with at(five.expires_on + datetime.timedelta(days=1)):  # the 3★ one is still valid
        assert stars_facet() == {"3": 1}
        assert found(stars="3") == [product.pk]


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.REVOKED])
def test_unverified_certificates_never_count(search_settings, status):
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    make_certificate(make_product(shop, "Mật ong U Minh"), stars=4, status=status)
    rebuild_index()
    assert stars_facet() == {}
    assert found(stars="4") == []


def test_revocation_removes_it_right_after_the_commit(honey, django_capture_on_commit_callbacks):
    staff = make_user("staff@example.vn", username="staff", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=honey.ocop_certificates.get(), actor=staff, reason="Sai thông tin"
        )
    assert stars_facet() == {}
    assert found(stars="4") == []


def test_a_plain_status_save_is_followed_by_the_receivers(
    honey, django_capture_on_commit_callbacks
):
    certificate = honey.ocop_certificates.get()
    certificate.status = Status.REVOKED
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certificate.save()
    assert callbacks  # the index is updated after the commit, not during the save
    assert stars_facet() == {}
    assert indexed(honey)["ocop_valid_4"] == []

    # a new verified certificate is counted as soon as it is committed
    with django_capture_on_commit_callbacks(execute=True):
        make_certificate(honey, stars=4, decision_number="9/QĐ-UBND", issued_on=today_local())
    assert stars_facet() == {"4": 1}


def test_featured_products_rank_higher(search_settings, django_capture_on_commit_callbacks):
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    older = make_product(
        shop,
        "Mật ong rừng tràm",
        price=150_000,
        created=timezone.now() - datetime.timedelta(days=1),
    )
    newer = make_product(shop, "Mật ong rừng tràm", price=150_000)
    rebuild_index()
    # Equal relevance: with words, the boosts are a rescore and Elasticsearch then allows no
    # explicit sort, so ties keep index order (docs/decisions/0002-search-engine.md).
    assert sorted(found(q="mat ong")) == sorted([newer.pk, older.pk])
    assert found() == [newer.pk, older.pk]  # browsing: equal boosts, newest first

    older.is_featured = True
    with django_capture_on_commit_callbacks(execute=True):
        older.save()
    assert indexed(older)["featured"] is True
    assert found(q="mat ong") == [older.pk, newer.pk]
    assert found() == [older.pk, newer.pk]


def test_a_price_change_is_indexed_without_a_rebuild(honey, django_capture_on_commit_callbacks):
    record = honey.stockrecords.get()
    assert found(price_min="300000") == []
    record.price = 350_000
    with django_capture_on_commit_callbacks(execute=True):
        record.save()
    assert indexed(honey)["price"] == 350_000
    assert found(price_min="300000") == [honey.pk]


def test_a_hidden_product_leaves_the_index(honey, django_capture_on_commit_callbacks):
    honey.is_public = False
    with django_capture_on_commit_callbacks(execute=True):
        honey.save()
    assert honey.pk not in found(q="mat ong")


def test_a_renamed_shop_is_reindexed(honey, django_capture_on_commit_callbacks):
    shop = honey.shop
    shop.name = "Cơ sở Ong Rừng Hai Tốt"
    with django_capture_on_commit_callbacks(execute=True):
        shop.save()
    assert indexed(honey)["shop_name"] == "Cơ sở Ong Rừng Hai Tốt"
    assert honey.pk in found(q="hai tot")


def test_an_unreachable_search_server_never_breaks_the_save(
    honey, settings, caplog, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    record = honey.stockrecords.get()
    record.price = 99_000
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        record.save()
    record.refresh_from_db()
    assert record.price == 99_000
    assert "search unavailable" in caplog.text
