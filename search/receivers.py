"""Search follows the catalogue at once: model signals → re-index after the commit.

A product is re-indexed when it, its stock record, its photos, its categories or
its OCOP certificates are saved or deleted; every product of a shop when the
shop's status, name, slug or commune changes. The work is collected per
transaction and done by one `search.tasks.reindex_products` task after the
commit; a search server that cannot be reached is logged, never raised into
the save. `QuerySet.update()` and `bulk_create()` send no signals: callers of
those use `search.tasks.reindex_on_commit(ids)`.

Connected in `search.apps.SearchConfig.ready()`.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from catalogue.models import OcopCertificate, Product, ProductImage
from search.tasks import reindex_on_commit, reindex_shops_on_commit
from shops.models import Partner, StockRecord

#: Shop fields copied into product documents (or deciding whether they are public).
SHOP_FIELDS = ("status", "name", "code", "commune_code")
_MISSING = object()


def _product_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_on_commit([instance.pk])


def _related_changed(sender, instance, raw=False, **kwargs):
    """A stock record, photo or certificate: its product's document changes."""
    if not raw:
        reindex_on_commit([instance.product_id])


def _categories_changed(sender, instance, action, reverse, pk_set, raw=False, **kwargs):
    if raw or action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        reindex_on_commit([instance.pk])
    elif pk_set:  # category.product_set.add(...): pk_set holds products
        reindex_on_commit(pk_set)


def _shop_snapshot(instance) -> tuple:
    # __dict__, not getattr: a deferred field must not cost a query per shop loaded.
    return tuple(instance.__dict__.get(name, _MISSING) for name in SHOP_FIELDS)


def _shop_loaded(sender, instance, **kwargs):
    instance._search_snapshot = _shop_snapshot(instance)


def _shop_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_search_snapshot", None)
    after = _shop_snapshot(instance)
    instance._search_snapshot = after
    if raw or created:  # a new shop has no products yet
        return
    if before is None or before != after:
        reindex_shops_on_commit([instance.pk])


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_product_changed, sender=Product, dispatch_uid=f"search-product-{id(signal)}")
        for model in (StockRecord, ProductImage, OcopCertificate):
            signal.connect(
                _related_changed, sender=model,
                dispatch_uid=f"search-{model._meta.label_lower}-{id(signal)}",
            )
    m2m_changed.connect(
        _categories_changed, sender=Product.categories.through, dispatch_uid="search-categories"
    )
    post_init.connect(_shop_loaded, sender=Partner, dispatch_uid="search-shop-init")
    post_save.connect(_shop_saved, sender=Partner, dispatch_uid="search-shop-saved")
