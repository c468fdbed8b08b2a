"""Reads of the promotional pages: what their blocks show, in a constant number of queries.

A page's StreamFields are walked in their stored (raw) form — no query — to collect the
ids every chooser block holds (products, collections, shops, campaign pages, images).
`Promotions` then fetches each kind once, when a block first asks for it:

- products: one `catalogue.selectors.product_list_public()` query (+ its 3 prefetches)
  for every product of every product grid and collection block of the page, kept only
  when buyers may buy them now (public, approved, approved shop, priced, in stock);
- collections: the active ones with their ordered items (2 queries);
- shops, campaigns (banner renditions prefetched), images (renditions prefetched).

So adding blocks to a page adds no query. `fingerprint()` is one light query telling
whether what the page's products look like to buyers changed: it is part of the key of
the cached page body (marketplace/cms/caching.py), so a product hidden in the seller
workspace — a bulk UPDATE, which sends no signal — leaves the page at once.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db.models import Case, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.images import get_image_model

from catalogue.models import Collection, CollectionItem, Product
from catalogue.pricing import sale_in_force_q
from catalogue.selectors import is_buyable, product_list_public
from marketplace.cms.choosers import CollectionChooserBlock
from marketplace.cms.images import IMAGE_FILTER_SPECS, with_image_renditions
from shops.models import Partner
from shops.selectors import public_product_count

# --- collecting references ---------------------------------------------------------------


def _label(model) -> str:
    return model._meta.label_lower


def _walk(block, raw, found: dict[str, set]) -> None:
    if raw is None:
        return
    if isinstance(block, (blocks.ChooserBlock, CollectionChooserBlock)):
        value = raw.pk if hasattr(raw, "pk") else raw
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found[_label(block.model_class)].add(int(value))
    elif isinstance(block, blocks.StructBlock):
        if isinstance(raw, dict):
            for name, child in block.child_blocks.items():
                _walk(child, raw.get(name), found)
    elif isinstance(block, blocks.ListBlock):
        for item in raw or []:
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item = item["value"]
            _walk(block.child_block, item, found)
    elif isinstance(block, blocks.StreamBlock):
        for item in raw or []:
            if isinstance(item, dict):
                child = block.child_blocks.get(item.get("type"))
                if child is not None:
                    _walk(child, item.get("value"), found)


def stream_references(streams: Iterable) -> dict[str, set[int]]:
    """{model label: ids} of every chooser block of these StreamValues (no query)."""
    found: dict[str, set[int]] = defaultdict(set)
    for stream in streams:
        if stream is None:
            continue
        stream_block = stream.stream_block
        for item in stream.raw_data:
            child = stream_block.child_blocks.get(item.get("type"))
            if child is not None:
                _walk(child, item.get("value"), found)
    return found


# --- availability ------------------------------------------------------------------------


def promotable(product_ids: Iterable[int]) -> dict[int, object]:
    """{id: product} of these products buyers may see and buy now (cards-ready)."""
    ids = {int(pk) for pk in product_ids}
    if not ids:
        return {}
    return {p.pk: p for p in product_list_public().filter(pk__in=ids) if is_buyable(p)}


# --- the page's promotions ---------------------------------------------------------------


class Promotions:
    """What the blocks of one page show, fetched lazily, each kind at most once."""

    def __init__(self, references: dict[str, set[int]], *, now: datetime.datetime | None = None):
        self.refs = references
        self.now = now or timezone.now()
        # Pages a block above already leads to (a hero slide's link): a campaign teaser
        # further down the same page leaves them out rather than show the campaign twice.
        self.linked_pages: set[int] = set()

    @classmethod
    def for_streams(cls, *streams, now=None) -> Promotions:
        return cls(stream_references(streams), now=now)

    @classmethod
    def from_values(cls, values) -> Promotions:
        """For a block rendered outside a page: collect from its (converted) values."""
        found: dict[str, set[int]] = defaultdict(set)

        def visit(value):
            if hasattr(value, "pk") and hasattr(value, "_meta"):
                found[_label(type(value)._meta.concrete_model)].add(value.pk)
                if hasattr(value, "specific_class") and value.specific_class is not None:
                    found[_label(value.specific_class)].add(value.pk)
            elif isinstance(value, dict) or hasattr(value, "items"):
                for child in value.values():
                    visit(child)
            elif isinstance(value, (list, tuple)) or hasattr(value, "__iter__") and not isinstance(value, str):
                for child in value:
                    visit(child)

        for value in values:
            visit(value)
        return cls(found)

    def _ids(self, model_label: str) -> set[int]:
        return self.refs.get(model_label, set())

    # collections ---------------------------------------------------------------------

    @cached_property
    def _collections(self) -> dict:
        ids = self._ids("catalogue.collection")
        if not ids:
            return {}
        items = CollectionItem.objects.order_by("position", "pk").only(
            "pk", "collection_id", "product_id", "position"
        )
        return {
            c.pk: c
            for c in Collection.objects.filter(pk__in=ids, is_active=True).prefetch_related(
                Prefetch("items", queryset=items, to_attr="ordered_items")
            )
        }

    # products ------------------------------------------------------------------------

    @cached_property
    def _products(self) -> dict:
        ids = set(self._ids("catalogue.product"))
        for collection in self._collections.values():
            ids.update(item.product_id for item in collection.ordered_items)
        return promotable(ids)

    def products(self, ids: Iterable[int], limit: int | None = None) -> list:
        """These products in this order, without repeats, only those buyers may buy now."""
        chosen, seen = [], set()
        for pk in ids:
            product = self._products.get(pk)
            if product is not None and pk not in seen:
                seen.add(pk)
                chosen.append(product)
                if limit is not None and len(chosen) >= limit:
                    break
        return chosen

    def collection(self, pk: int | None, limit: int = 8):
        """(collection, its buyable products) or (None, []) for an inactive or gone one."""
        collection = self._collections.get(pk)
        if collection is None:
            return None, []
        return collection, self.products((i.product_id for i in collection.ordered_items), limit)

    # shops ---------------------------------------------------------------------------

    @cached_property
    def _shops(self) -> dict:
        ids = self._ids("partner.partner")
        if not ids:
            return {}
        return {
            s.pk: s
            for s in Partner.objects.filter(pk__in=ids, status=Partner.Status.APPROVED).annotate(
                product_count=public_product_count()
            )
        }

    def shop(self, pk: int | None):
        return self._shops.get(pk)

    # campaigns -----------------------------------------------------------------------

    @cached_property
    def _campaigns(self) -> dict:
        ids = self._ids("cms.campaignpage")
        if not ids:
            return {}
        # By name: the page models import this module (they put `promo` in their context).
        CampaignPage = apps.get_model("cms", "CampaignPage")
        campaigns = CampaignPage.objects.live().public().filter(pk__in=ids)
        return {c.pk: c for c in with_image_renditions(campaigns, "banner_image")}

    def campaign(self, pk: int | None):
        """The campaign while it runs, else None (a teaser of an ended one disappears)."""
        campaign = self._campaigns.get(pk)
        if campaign is None or not campaign.is_running(self.now):
            return None
        return campaign

    def next_change(self) -> datetime.datetime | None:
        """When a campaign teaser of the page appears or disappears next (None: never)."""
        moments = [
            moment
            for c in self._campaigns.values()
            for moment in (c.starts_at, c.ends_at)
            if moment and moment > self.now
        ]
        return min(moments) if moments else None

    # images --------------------------------------------------------------------------

    @cached_property
    def _images(self) -> dict:
        ids = self._ids(_label(get_image_model()))
        if not ids:
            return {}
        return {
            i.pk: i
            for i in get_image_model().objects.filter(pk__in=ids).prefetch_renditions(*IMAGE_FILTER_SPECS)
        }

    def image(self, pk: int | None):
        return self._images.get(pk)

    # cache fingerprint ---------------------------------------------------------------

    def fingerprint(self) -> str:
        """A digest of what buyers may see of the page's products (one query, none
        without product or collection blocks)."""
        product_ids = self._ids("catalogue.product")
        collection_ids = self._ids("catalogue.collection")
        if not product_ids and not collection_ids:
            return "-"
        condition = Q(pk__in=product_ids)
        if collection_ids:
            condition |= Q(
                pk__in=CollectionItem.objects.filter(
                    collection_id__in=collection_ids, collection__is_active=True
                ).values("product_id")
            )
        # A product with options is shown from its options' rows; whether a sale is in force
        # is decided now, with nothing saved (catalogue.pricing): both are in the digest.
        rows = (
            Product.objects.filter(condition | Q(parent__in=Product.objects.filter(condition).values("pk")))
            .annotate(on_sale=Case(When(sale_in_force_q("stockrecords__"), then=Value(1)), default=Value(0)))
            .order_by("pk", "stockrecords__pk")
            .values_list(
                "pk", "is_public", "moderation_status", "shop__status", "stockrecords__price",
                "stockrecords__num_in_stock", "stockrecords__num_allocated", "stockrecords__sale_price",
                "stockrecords__sale_starts_at", "stockrecords__sale_ends_at", "on_sale",
            )
        )
        return hashlib.sha1(repr(list(rows)).encode()).hexdigest()

