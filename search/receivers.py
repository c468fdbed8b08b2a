"""Search follows the catalogue at once: model signals → re-index after the commit.

A product is re-indexed when it, its stock record, its photos, its categories,
its OCOP certificates or its attribute values are saved or deleted (an attribute value also
writes again the folded `search_text` of its product and, for an option, of its parent: the
database fallback matches it; Oscar's dashboard saves values in bulk, without a signal, and
`Product.save` follows those; so does renaming an option of an attribute's list; values
deleted with their product refresh nothing, those of another cascade once after the commit);
every product of a shop when the shop's status, name, slug or commune changes. The work is collected per
transaction and done by one `search.tasks.reindex_products` task after the
commit; a search server that cannot be reached is logged, never raised into
the save. `QuerySet.update()` and `bulk_create()` send no signals: callers of
those use `search.tasks.reindex_on_commit(ids)`.

Connected in `search.apps.SearchConfig.ready()`.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from oscar.core.loading import get_model

from catalogue.models import OcopCertificate, Product, ProductImage, search_text_refresh
from search.tasks import reindex_on_commit, reindex_shops_on_commit
from shops.models import Partner, StockRecord

#: Shop fields copied into product documents (or deciding whether they are public).
SHOP_FIELDS = ("status", "name", "code", "commune_code")
_MISSING = object()
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
AttributeOption = get_model("catalogue", "AttributeOption")


def _product_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_on_commit([instance.pk])


def _related_changed(sender, instance, raw=False, **kwargs):
    """A stock record, photo or certificate: its product's document changes."""
    if not raw:
        reindex_on_commit([instance.product_id])


def _attribute_value_changed(sender, instance, raw=False, origin=None, **kwargs):
    """"Khối lượng: 500 g" of a product or of an option: both searches match its text.

    A value deleted with its product (a cascade from `Product.delete()` or from a queryset of
    products: Django ≥ 4.1 passes what was deleted as `origin`) changes nothing worth a query:
    the row goes too, and whoever deletes an option refreshes its parent
    (catalogue.variants.variant_remove).
    Values deleted in another cascade (an attribute, a queryset) are refreshed once for all,
    when the deletion commits."""
    if raw:
        return
    if isinstance(origin, Product) or (isinstance(origin, QuerySet) and origin.model is Product):
        return
    if origin is not None and origin is not instance:
        _refresh_on_commit([instance.product_id])
    else:
        search_text_refresh([instance.product_id])
    reindex_on_commit([instance.product_id])


_pending = threading.local()


def _refresh_on_commit(product_ids) -> None:
    """Collect products whose `search_text` a cascade changed; one bulk refresh after the
    commit (Django deletes a cascade in one transaction)."""
    waiting = any(entry[1] is _refresh_pending for entry in transaction.get_connection().run_on_commit)
    if not waiting:  # what was collected before went with a rolled-back transaction
        _pending.ids = set()
    _pending.ids.update(pk for pk in product_ids if pk is not None)
    if not waiting:
        transaction.on_commit(_refresh_pending)


def _refresh_pending() -> None:
    ids, _pending.ids = getattr(_pending, "ids", set()), set()
    search_text_refresh(ids)


def _attribute_options_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """The options of a multi-option value were set (after the value's own save), or the
    values of an option (`option.multi_valued_attribute_values`, reverse): a clear of those
    does not say which values it removes, so they are read before it (pre_clear)."""
    if reverse and action == "pre_clear":
        instance._search_cleared_products = set(
            instance.multi_valued_attribute_values.values_list("product_id", flat=True)
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        product_ids = [instance.product_id]
    elif action == "post_clear":
        product_ids = instance.__dict__.pop("_search_cleared_products", set())
    else:  # option.multi_valued_attribute_values.add(...): pk_set holds values
        product_ids = set(ProductAttributeValue.objects.filter(pk__in=pk_set or ()).values_list(
            "product_id", flat=True))
    search_text_refresh(product_ids)
    reindex_on_commit(product_ids)


def _attribute_option_loaded(sender, instance, **kwargs):
    # __dict__: a deferred `option` must not cost a query per option loaded.
    instance._search_loaded_option = instance.__dict__.get("option", _MISSING)


def _attribute_option_renamed(sender, instance, created, raw=False, **kwargs):
    """Staff renamed an option of a list ("U Minh" → "U Minh Hạ"): the products showing it,
    refreshed in bulk; saving it unchanged costs nothing."""
    before = getattr(instance, "_search_loaded_option", _MISSING)
    instance._search_loaded_option = instance.__dict__.get("option", _MISSING)
    if raw or created or (before is not _MISSING and before == instance.option):
        return
    product_ids = set(
        ProductAttributeValue.objects.filter(Q(value_option=instance) | Q(value_multi_option=instance))
        .values_list("product_id", flat=True).distinct()
    )
    search_text_refresh(product_ids)
    reindex_on_commit(product_ids)


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
        signal.connect(
            _attribute_value_changed, sender=ProductAttributeValue,
            dispatch_uid=f"search-attribute-value-{id(signal)}",
        )
    m2m_changed.connect(
        _categories_changed, sender=Product.categories.through, dispatch_uid="search-categories"
    )
    m2m_changed.connect(
        _attribute_options_changed, sender=ProductAttributeValue.value_multi_option.through,
        dispatch_uid="search-attribute-multi-options",
    )
    post_init.connect(_attribute_option_loaded, sender=AttributeOption,
                      dispatch_uid="search-attribute-option-init")
    post_save.connect(_attribute_option_renamed, sender=AttributeOption,
                      dispatch_uid="search-attribute-option")
    post_init.connect(_shop_loaded, sender=Partner, dispatch_uid="search-shop-init")
    post_save.connect(_shop_saved, sender=Partner, dispatch_uid="search-shop-saved")
