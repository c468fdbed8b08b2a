"""On a worker, re-indexing that cannot reach search is scheduled again, never dropped;
tasks a dead worker left RUNNING go back to the queue (marketplace.core.worker)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marketplace.core.worker import tasks_requeue_abandoned
from search import tasks as search_tasks
from search.engine import SearchUnavailable, reset_client
from search.tasks import REINDEX_ATTEMPTS, ReindexRetryScheduled, reindex_products
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.django_db

REINDEX = "search.tasks.reindex_products"


@pytest.fixture
def search_stopped(own_search_server):
    own_search_server.stop()  # the real process, killed: connections are refused
    reset_client()
    return own_search_server


def test_a_worker_schedules_the_reindexing_again_with_backoff(database_tasks, search_stopped):
    product = make_product(make_shop(name="Cơ sở Mười Ngọt"), "Mật ong U Minh")
    before = timezone.now()
    with pytest.raises(ReindexRetryScheduled):
        reindex_products.call([product.pk])  # what the worker runs
    (again,) = DBTaskResult.objects.filter(task_path=REINDEX)
    assert again.status == TaskResultStatus.READY
    assert again.args_kwargs == {"args": [[product.pk]], "kwargs": {"attempt": 2}}
    assert again.run_after >= before + search_tasks.retry_delay(1)
    assert not DBTaskResult.objects.ready().exists()  # not before its time

    with pytest.raises(SearchUnavailable):  # the last attempt: FAILED with the real error
        reindex_products.call([product.pk], attempt=REINDEX_ATTEMPTS)
    assert DBTaskResult.objects.filter(task_path=REINDEX).count() == 1


def test_retry_delays_grow_and_are_capped():
    delays = [search_tasks.retry_delay(n) for n in range(1, REINDEX_ATTEMPTS)]
    assert delays[0] == datetime.timedelta(seconds=30)
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert delays[-1] == datetime.timedelta(minutes=30)


def test_in_the_request_the_save_is_never_broken(search_stopped, caplog):
    product = make_product(make_shop(name="Cơ sở Mười Ngọt"), "Mật ong U Minh")
    assert reindex_products.call([product.pk]) == 0  # immediate backend: logged only
    assert "not re-indexed" in caplog.text


def running(worker: str, minutes_ago: float) -> DBTaskResult:
    row = reindex_products.using(backend="default").enqueue([1]).db_result
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=[worker],
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return row


def test_a_restarted_worker_hands_back_what_it_left_running(database_tasks):
    mine = running("worker-1", minutes_ago=1)
    other_alive = running("worker-2", minutes_ago=1)
    other_gone = running("worker-3", minutes_ago=45)
    waiting = reindex_products.enqueue([2]).db_result

    requeued = tasks_requeue_abandoned(worker_id="worker-1")

    assert sorted(requeued) == sorted([str(mine.pk), str(other_gone.pk)])
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[mine.pk] == status[other_gone.pk] == TaskResultStatus.READY
    assert status[other_alive.pk] == TaskResultStatus.RUNNING
    assert status[waiting.pk] == TaskResultStatus.READY
    assert tasks_requeue_abandoned(worker_id="worker-1") == []  # nothing twice
