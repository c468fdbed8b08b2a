"""Cached page bodies follow the catalogue and the pages: signals → a new catalogue version.

Receivers of our own (search.receivers keeps its own for the index): a save or delete of a
product, its stock record, photo, attribute value, review or OCOP certificate, a category, a shop, a collection or its items, a fee
rate (the fee schedule page),
and any audit event of the catalogue (the services that change rows with bulk UPDATEs —
hiding a product, stock adjustments, moderation, featuring, collection contents — record
one) make every cached body stale. Publishing, unpublishing, moving or deleting a page, or
changing who may view it, does the same and forgets the cached footer links.

Connected in `marketplace.cms.apps.CmsConfig.ready()`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from catalogue.models import (
    Category,
    Collection,
    CollectionItem,
    OcopCertificate,
    Product,
    ProductImage,
)
from marketplace.cms.caching import bump_catalogue_version, forget_footer_links
from marketplace.core.models import AuditEvent
from marketplace.ledger.models import FeeRate
from shops.models import Partner, StockRecord

ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductReview = get_model("reviews", "ProductReview")

#: Audit actions (prefixes) that change what promotional blocks show.
AUDIT_PREFIXES = ("product.", "products.", "stock.", "collection.", "shop.", "certificate.")


def _bump() -> None:
    bump_catalogue_version()
    # Again after the commit: a request that read the old rows in between must not
    # keep them under the new version.
    transaction.on_commit(bump_catalogue_version, robust=True)


def _catalogue_changed(sender, raw=False, **kwargs):
    if not raw:
        _bump()


def _audited(sender, instance, created=False, raw=False, **kwargs):
    if not raw and created and instance.action.startswith(AUDIT_PREFIXES):
        _bump()


def _page_changed(sender=None, **kwargs):
    _bump()
    forget_footer_links()
    transaction.on_commit(forget_footer_links, robust=True)


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _page_changed()


def connect() -> None:
    for signal in (post_save, post_delete):
        # FeeRate: the fee schedule page renders the rates (cms_blocks.FeeScheduleBlock).
        # Category, ProductAttributeValue, ProductReview: the product page's cached fragments
        # show them (marketplace/core/fragments.py).
        for model in (Product, StockRecord, ProductImage, OcopCertificate, Partner, Collection, CollectionItem,
                      FeeRate, Category, ProductAttributeValue, ProductReview):
            signal.connect(
                _catalogue_changed, sender=model,
                dispatch_uid=f"cms-{model._meta.label_lower}-{id(signal)}",
            )
    post_save.connect(_audited, sender=AuditEvent, dispatch_uid="cms-audit")
    # A page made private (or public again): stored anonymous pages must not outlive it
    # (marketplace/core/pagecache.py keys them by the catalogue version).
    for signal in (post_save, post_delete):
        signal.connect(
            _page_changed, sender=PageViewRestriction,
            dispatch_uid=f"cms-page-view-restriction-{id(signal)}",
        )
    page_published.connect(_page_changed, dispatch_uid="cms-page-published")
    page_unpublished.connect(_page_changed, dispatch_uid="cms-page-unpublished")
    page_slug_changed.connect(_page_changed, dispatch_uid="cms-page-slug")
    post_page_move.connect(_page_changed, dispatch_uid="cms-page-moved")
    post_delete.connect(_page_deleted, dispatch_uid="cms-page-deleted")
