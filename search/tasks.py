"""Background work of the search index (django-tasks).

Development and tests run tasks at once (`ImmediateBackend`); production stores them in
the database for `manage.py tasks_worker` (`TASKS_BACKEND`, docs/decisions/0012).
Product changes reach the index through `reindex_on_commit()` (the signal receivers in
search.receivers call it): ids are collected per thread and handed to one
`reindex_products` task when the transaction commits, so saving a product, its price and
its photos in one transaction indexes it once.

A search server that cannot be reached:
- in the request (immediate backend) is logged and never breaks the change that triggered
  it: the next change or `search_index --rebuild` catches up;
- on a worker (a backend that can run a task later) the same work is enqueued again after
  30 s, 1, 2, 4 … minutes (at most 30), REINDEX_ATTEMPTS times in all; each failed attempt
  ends FAILED with its error (`ReindexRetryScheduled` while another one is scheduled).
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from catalogue.models import Product
from search.engine import SearchUnavailable
from search.indexing import index_products

logger = logging.getLogger(__name__)

#: Attempts of one re-indexing on a worker before it is left FAILED (about 2 hours).
REINDEX_ATTEMPTS = 8
RETRY_FIRST_DELAY = datetime.timedelta(seconds=30)
RETRY_MAX_DELAY = datetime.timedelta(minutes=30)


class ReindexRetryScheduled(Exception):
    """The search server could not be reached; the same work runs again later."""


def retry_delay(attempt: int) -> datetime.timedelta:
    """Wait before attempt `attempt + 1`: 30 s, 1 min, 2 min, … at most 30 min."""
    return min(RETRY_FIRST_DELAY * 2 ** max(attempt - 1, 0), RETRY_MAX_DELAY)


@task()
def reindex_products(product_ids: list[int], attempt: int = 1) -> int:
    """(Re)index these products and the variants of any parent among them.

    Products no longer public are removed from the index (search.indexing). See the module
    docstring for what happens when the search server cannot be reached.
    """
    ids = {int(pk) for pk in product_ids}
    if not ids:
        return 0
    ids.update(Product.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    try:
        return index_products(sorted(ids))
    except SearchUnavailable as exc:
        if not reindex_products.get_backend().supports_defer:
            # Immediate backend: we are inside the request that changed the product.
            logger.warning("search unavailable, products %s not re-indexed: %s", sorted(ids), exc)
            return 0
        if attempt >= REINDEX_ATTEMPTS:
            logger.error(
                "search unavailable, products %s not re-indexed after %d attempts",
                sorted(ids),
                attempt,
            )
            raise
        delay = retry_delay(attempt)
        reindex_products.using(run_after=timezone.now() + delay).enqueue(
            sorted(ids), attempt=attempt + 1
        )
        raise ReindexRetryScheduled(
            f"search unavailable ({exc}); attempt {attempt} of {REINDEX_ATTEMPTS}, "
            f"next in {int(delay.total_seconds())} s"
        ) from exc


# --- collecting changes until the commit ------------------------------------------


class _Pending(threading.local):
    def __init__(self):
        self.products: set[int] = set()
        self.shops: set[int] = set()


_pending = _Pending()


def reindex_on_commit(product_ids: Iterable[int]) -> None:
    """Re-index these products once the current transaction commits (at once outside one).

    Also the way to follow bulk changes that send no signals (`QuerySet.update()`).
    """
    ids = {int(pk) for pk in product_ids if pk is not None}
    if ids:
        _collect(_pending.products, ids)


def reindex_shops_on_commit(shop_ids: Iterable[int]) -> None:
    """Re-index (or remove) every product of these shops after the commit."""
    ids = {int(pk) for pk in shop_ids if pk is not None}
    if ids:
        _collect(_pending.shops, ids)


def _collect(into: set[int], ids: set[int]) -> None:
    connection = transaction.get_connection()
    if not any(entry[1] is _flush for entry in connection.run_on_commit):
        # No flush is waiting: what was collected belongs to a transaction that
        # was rolled back (its callbacks went with it). Start afresh.
        _pending.products.clear()
        _pending.shops.clear()
    into.update(ids)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    """Hand everything collected to one task (the later callbacks find nothing left).

    Ids of a savepoint rolled back inside a committed transaction ride along:
    re-indexing reads the database, so that is only a little extra work.
    """
    products, shops = _pending.products, _pending.shops
    if not products and not shops:
        return
    _pending.products, _pending.shops = set(), set()
    if not settings.ELASTICSEARCH_URL:
        # The embedded server has not been started in this process: when it is,
        # it indexes the whole catalogue from the database (search.indexing).
        return
    try:
        if shops:
            products |= set(Product.objects.filter(shop_id__in=shops).values_list("pk", flat=True))
        if products:
            reindex_products.enqueue(sorted(products))
    except Exception:  # noqa: BLE001 -- indexing must never break the change that triggered it
        logger.exception("could not schedule re-indexing of products %s", sorted(products))
