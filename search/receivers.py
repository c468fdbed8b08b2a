"""Search follows the catalogue at once: model signals → re-index after the commit.

A product is re-indexed when it, its stock record, its photos, its categories,
its OCOP certificates or its attribute values are saved or deleted (an attribute value also
writes again the folded `search_text` of its product and, for an option, of its parent: the
database fallback matches it; Oscar's dashboard saves values in bulk, without a signal, and
`Product.save` follows those; so does renaming an option of an attribute's list); every product of a shop when the
shop's status, name, slug or commune changes. The work is collected per
transaction and done by one `search.tasks.reindex_products` task after the
commit; a search server that cannot be reached is logged, never raised into
the save. `QuerySet.update()` and `bulk_create()` send no signals: callers of
those use `search.tasks.reindex_on_commit(ids)`.

Connected in `search.apps.SearchConfig.ready()`.
"""

from __future__ import annotations

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


def _attribute_value_changed(sender, instance, raw=False, **kwargs):
    """"Khối lượng: 500 g" of a product or of an option: both searches match its text."""
    if not raw:
        search_text_refresh([instance.product_id])
        reindex_on_commit([instance.product_id])


def _attribute_options_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """The options of a multi-option value were set (after the value's own save)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        product_ids = [instance.product_id]
    else:  # option.multi_valued_attribute_values.add(...): pk_set holds values
        product_ids = list(ProductAttributeValue.objects.filter(pk__in=pk_set or ()).values_list(
            "product_id", flat=True))
    search_text_refresh(product_ids)
    reindex_on_commit(product_ids)


def _attribute_option_renamed(sender, instance, created, raw=False, **kwargs):
    """Staff renamed an option of a list ("U Minh" → "U Minh Hạ"): the products showing it."""
    if raw or created:
        return
    product_ids = set(ProductAttributeValue.objects.filter(value_option=instance).values_list(
        "product_id", flat=True))
    product_ids |= set(instance.multi_valued_attribute_values.values_list("product_id", flat=True))
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
    post_save.connect(_attribute_option_renamed, sender=AttributeOption,
                      dispatch_uid="search-attribute-option")
    post_init.connect(_shop_loaded, sender=Partner, dispatch_uid="search-shop-init")
    post_save.connect(_shop_saved, sender=Partner, dispatch_uid="search-shop-saved")
