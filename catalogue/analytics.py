"""Oscar's product view counter, without making the page wait for the disk.

Oscar's analytics app counts every product page view with an UPDATE of its ProductRecord,
committed on its own: PostgreSQL flushes the write-ahead log to disk before answering, and a
sync gunicorn worker waits for it on every product page (benchmarks/load.py measured the
wait as the largest part of a stored product page). Here an anonymous view of a product that
already has a record is counted by one statement committed with `synchronous_commit` off:
the commit returns at once and the log is flushed a moment later (a crash may lose the last
few increments, never corrupt anything). The first view of a product and views by signed-in
buyers (which also create per-user rows) go through Oscar's receiver unchanged.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F


def receive_product_view(sender, product, user, **kwargs):
    from oscar.apps.analytics import receivers as oscar_receivers

    if kwargs.get("raw", False):
        return
    if not (user and user.is_authenticated) and _count_view(product):
        return
    oscar_receivers.receive_product_view(sender, product=product, user=user, **kwargs)


def _count_view(product) -> bool:
    """+1 view on the product's existing record, committed without waiting; False: none."""
    from oscar.core.loading import get_model

    ProductRecord = get_model("analytics", "ProductRecord")
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a transaction the setting would apply to all of it: count as Oscar does.
        return bool(
            ProductRecord.objects.filter(product=product).update(num_views=F("num_views") + 1)
        )
    with connection.cursor() as cursor:
        cursor.execute(_relaxed_update_sql(ProductRecord), [product.pk])
        return cursor.rowcount > 0


def _relaxed_update_sql(model) -> str:
    """One statement, hence one transaction of its own in autocommit: `set_config(…, true)`
    turns `synchronous_commit` off for that transaction only, and PostgreSQL reads the
    setting when it commits. One round trip instead of BEGIN, SET LOCAL, UPDATE, COMMIT."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    views = q(model._meta.get_field("num_views").column)
    product = q(model._meta.get_field("product").column)
    return (
        "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)) "
        f"UPDATE {table} SET {views} = {views} + 1 "
        f"WHERE {product} = %s AND EXISTS (SELECT 1 FROM relaxed)"
    )


def connect() -> None:
    """Put this receiver in the place of Oscar's (called from CatalogueConfig.ready())."""
    from oscar.apps.analytics import receivers as oscar_receivers
    from oscar.apps.catalogue.signals import product_viewed

    product_viewed.disconnect(oscar_receivers.receive_product_view)
    product_viewed.connect(receive_product_view, dispatch_uid="catalogue-product-view-count")
