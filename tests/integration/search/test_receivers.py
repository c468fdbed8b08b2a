"""Signal receivers: catalogue and shop changes reach the index once, after the commit."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks.signals import task_enqueued

from search.engine import get_client, index_alias
from search.indexing import rebuild_index
from search.tasks import reindex_products
from tests.factories import category_path, make_product, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued():
    """The product ids of every reindex task enqueued during the test."""
    calls: list[list[int]] = []

    def record(sender, task_result, **kwargs):
        if task_result.task.func is reindex_products.func:
            calls.append(list(task_result.args[0]))

    task_enqueued.connect(record)
    yield calls
    task_enqueued.disconnect(record)


def source(product) -> dict:
    return get_client().get(index=index_alias(), id=product.pk)["_source"]


def test_one_transaction_is_one_task_after_the_commit(
    search_settings, enqueued, django_capture_on_commit_callbacks
):
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    product = make_product(shop, "Mật ong U Minh", price=150_000)
    rebuild_index()
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        product.title = "Mật ong rừng U Minh"
        product.save()
        record = product.stockrecords.get()
        record.price = 160_000
        record.save()
        product.categories.add(category_path("Thực phẩm > Mật ong"))
        assert enqueued == []  # nothing before the commit
    assert enqueued == [[product.pk]]
    document = source(product)
    assert document["title"] == "Mật ong rừng U Minh"
    assert document["price"] == 160_000
    assert document["category_names"] == ["Thực phẩm", "Mật ong"]


def test_a_shop_status_change_reindexes_its_products(
    search_settings, enqueued, django_capture_on_commit_callbacks
):
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    product = make_product(shop, "Mật ong U Minh")
    rebuild_index()
    enqueued.clear()
    shop.status = type(shop).Status.SUSPENDED
    with django_capture_on_commit_callbacks(execute=True):
        shop.save(update_fields=["status"])
    assert enqueued == [[product.pk]]
    assert get_client().count(index=index_alias())["count"] == 0

    enqueued.clear()
    shop.description = "Không ảnh hưởng tìm kiếm"
    with django_capture_on_commit_callbacks(execute=True):
        shop.save()
    assert enqueued == []  # fields search does not hold: no work


def test_without_a_search_server_nothing_is_sent(
    db, settings, enqueued, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""  # the embedded server indexes everything when it starts
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    with django_capture_on_commit_callbacks(execute=True):
        make_product(shop, "Mật ong U Minh")
    assert enqueued == []


def test_a_rolled_back_change_is_not_sent(
    search_settings, enqueued, django_capture_on_commit_callbacks
):
    shop = make_shop(name="Cơ sở Mật ong Mười Ngọt")
    rebuild_index()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_product(shop, "Mật ong bị hủy")
        raise RuntimeError
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_product(shop, "Mật ong U Minh")
    assert enqueued == [[kept.pk]]
