"""Filling the product index.

`rebuild_index()` never leaves search empty: it fills a new timestamped index
`<alias>-<UTC timestamp>`, then moves the alias (ELASTICSEARCH_INDEX) onto it in
one atomic `_aliases` call and only then deletes the old indices. Documents are
built from `catalogue.selectors.product_list_public()` in batches, with a
constant number of queries per batch.

OCOP certificates are indexed as facts (the validity periods of the verified
ones), never as "valid today": search.query decides validity per request, so
an expiry needs no reindex. Changes reach the index through search.receivers.

The embedded search server (no ELASTICSEARCH_URL: dev, demo) starts empty, in
memory: `search_server_ensure()` is the one place that starts it, and it builds
its index at once. Searches, the health check and the commands call it first.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from elasticsearch import NotFoundError
from elasticsearch.helpers import bulk

from catalogue.attributes import attribute_texts, searchable_attribute_texts
from catalogue.models import Category, OcopCertificate, Product, ProductImage, today_local
from catalogue.pricing import price_in_force
from catalogue.selectors import (
    product_list_public,
    public_variants,
    record_is_available,
    sellable_records,
)
from marketplace.core.addresses import commune_name
from marketplace.core.money import to_vnd
from marketplace.embedded import ensure_search
from search.documents import OCOP_LEVELS, index_body, ocop_field
from search.engine import SearchServerUnavailable, get_client, index_alias
from shops.models import Partner, StockRecord

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
REBUILD_BATCH_SIZE = 2000
#: While a new index is being filled (restored to the defaults before it is searched).
BULK_LOAD_SETTINGS = {"refresh_interval": "-1", "number_of_replicas": 0}
Progress = Callable[[int, int], None]  # (done, total)


# --- documents -------------------------------------------------------------


class _CategoryTree:
    """Every category once per rebuild: ancestors without a query per product."""

    def __init__(self, categories: list | None = None):
        if categories is None:
            categories = Category.objects.only("id", "path", "depth", "name", "slug")
        self._by_path = {c.path: c for c in categories}
        self._steplen = Category.steplen

    def lineage(self, category) -> list:
        """Ancestors and the category itself, root first."""
        path = category.path
        chain = []
        for end in range(self._steplen, len(path) + 1, self._steplen):
            node = self._by_path.get(path[:end])
            if node is not None:
                chain.append(node)
        return chain or [category]


def _suggest_inputs(title: str) -> list[str]:
    """The title and its word suffixes: 'Mật ong U Minh' is found from 'ong', 'u mi'…"""
    words = title.split()
    inputs = [" ".join(words[i:]) for i in range(len(words))][:8]
    return [text[:100] for text in inputs if text]


def _image_url(product: Product) -> str | None:
    images = list(product.images.all())
    if not images or not images[0].original:
        return None
    try:
        return images[0].original.url
    except ValueError:
        return None


def _verified_certificates(product: Product) -> list[OcopCertificate]:
    certificates = getattr(product, "verified_certificates", None)
    if certificates is None:  # not prefetched (a product built elsewhere)
        certificates = list(
            product.ocop_certificates.filter(status=OcopCertificate.Status.VERIFIED)
        )
    return [c for c in certificates if c.issued_on and c.expires_on]


def _ocop_fields(certificates: list[OcopCertificate]) -> dict:
    """Validity periods per star level: the query decides which count today."""
    fields: dict = {ocop_field(stars): [] for stars in OCOP_LEVELS}
    for certificate in certificates:
        if certificate.stars in OCOP_LEVELS:
            fields[ocop_field(certificate.stars)].append(
                {"gte": certificate.issued_on.isoformat(), "lte": certificate.expires_on.isoformat()}
            )
    fields["ocop_certificates"] = [
        {"stars": c.stars, "issued_on": c.issued_on.isoformat(), "expires_on": c.expires_on.isoformat()}
        for c in certificates
    ]
    return fields


def _instant(moment: datetime) -> datetime:
    """A moment as the index keeps it: milliseconds (Elasticsearch's date precision)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def price_fields(product, records) -> dict:
    """The price facts of a document sold from these stock records (`records`: a standalone's
    own record, a parent's public variants' records). Nothing here says which price is
    in force: the query decides that for the moment it runs (search.query), so a sale that
    starts or ends needs no reindex (docs/decisions/0043-sale-prices.md).

    - `offers`: each priced record's list price, and its sale price with the sale's period as
      a date range [starts, ends) (a sale that can never apply, e.g. not cheaper, is left out);
    - `price_timeline` (nested): the document's lowest price in force over every stretch of
      time between two sale boundaries, one entry per stretch, the first and last open-ended:
      at any moment exactly one entry's period contains it, and its price is what
      `catalogue.pricing.price_in_force(records, at=moment)` gives;
    - `price` / `price_max`: the lowest and highest list price (for reading the source, never
      for deciding).
    """
    priced = [record for record in records if record is not None and record.price is not None]
    offers: list[dict] = []
    boundaries: set[datetime] = set()
    for record in priced:
        offer: dict = {"list_price": to_vnd(record.price)}
        if (record.sale_price is not None and record.sale_starts_at and record.sale_ends_at
                and int(record.sale_price) < offer["list_price"]):
            starts, ends = _instant(record.sale_starts_at), _instant(record.sale_ends_at)
            offer["sale_price"] = int(record.sale_price)
            offer["sale_period"] = {"gte": _iso(starts), "lt": _iso(ends)}
            boundaries.update((starts, ends))
        offers.append(offer)
    timeline: list[dict] = []
    if priced:
        points = sorted(boundaries)
        edges: list[datetime | None] = [None, *points, None]
        for start, end in zip(edges, edges[1:], strict=False):
            at = start if start is not None else (points[0] - timedelta(milliseconds=1) if points
                                                  else datetime.now(UTC))
            price = price_in_force(priced, at=at).price
            if timeline and timeline[-1]["price"] == price:
                period = timeline[-1]["period"]
                period.pop("lt", None)
                if end is not None:
                    period["lt"] = _iso(end)
                continue
            period = {}
            if start is not None:
                period["gte"] = _iso(start)
            if end is not None:
                period["lt"] = _iso(end)
            timeline.append({"period": period, "price": price})
    return {
        "price": min((offer["list_price"] for offer in offers), default=None),
        "price_max": max((offer["list_price"] for offer in offers), default=None),
        "offers": offers,
        "price_timeline": timeline,
    }


def product_document(product: Product, tree: _CategoryTree) -> dict:
    """The indexed source of one product from `product_list_public()`."""
    shop = product.shop
    records = sellable_records(product)
    categories = list(product.categories.all())
    category_ids: list[int] = []
    category_names: list[str] = []
    category_slugs: list[str] = []
    category_paths: list[str] = []
    for category in categories:
        lineage = tree.lineage(category)
        for node in lineage:
            if node.pk not in category_ids:
                category_ids.append(node.pk)
                category_names.append(node.name)
                category_slugs.append(node.slug)
        category_paths.append(" > ".join(node.name for node in lineage))
    title = product.title or (product.parent.title if product.parent_id else "")
    options = public_variants(product) if product.is_parent else []
    owners = [product.pk, *(child.pk for child in options)]
    certificates = _verified_certificates(product)
    today = today_local()
    # Only a ranking hint for the completion suggester (no badge is shown there).
    stars_today = max((c.stars for c in certificates if c.issued_on <= today <= c.expires_on),
                      default=0)
    return {
        "id": product.pk,
        "title": title,
        "description": product.description or "",
        "variant_names": [child.title for child in options if child.title],
        "attribute_values": searchable_attribute_texts(owners, attribute_texts(owners)),
        "shop_id": shop.pk if shop else None,
        "shop_slug": shop.code if shop else None,
        "shop_name": shop.name if shop else None,
        "category_ids": category_ids,
        "category_names": category_names,
        "category_slugs": category_slugs,
        "category_path": category_paths,
        **_ocop_fields(certificates),
        "commune_code": shop.commune_code if shop else None,
        "commune_name": shop.commune_name if shop else None,
        **price_fields(product, records),
        "available": any(record_is_available(product, record) for record in records),
        "featured": bool(product.is_featured),
        "popularity": 0,
        "created": product.date_created.isoformat() if product.date_created else None,
        "image": _image_url(product),
        "url": product.get_absolute_url(),
        "suggest": {
            "input": _suggest_inputs(title),
            "weight": 1 + stars_today + (2 if product.is_featured else 0),
        },
    }


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


_VERIFIED_CERTIFICATES = Prefetch(
    "ocop_certificates",
    queryset=OcopCertificate.objects.filter(status=OcopCertificate.Status.VERIFIED).order_by("pk"),
    to_attr="verified_certificates",
)


def iter_documents(
    ids: Iterable[int] | None = None, *, batch_size: int = BATCH_SIZE
) -> Iterator[list[dict]]:
    """Batches of documents of public products (all of them, or of the given ids).

    Built from plain rows (`values()`), a constant number of queries per batch: model instances
    and prefetch managers cost more than the rest of a rebuild. The documents
    are exactly those of `product_document` (tests/integration/search/test_documents.py).
    """
    queryset = product_list_public()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    all_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    builder = _RowDocuments()
    for chunk in _batches(all_ids, batch_size):
        # A whole rebuild reads id ranges (cheaper than long IN lists); rows of
        # products outside the chunk are ignored.
        yield builder.documents(chunk, by_range=ids is None)


def iter_product_documents(ids: Iterable[int] | None = None, *, batch_size: int = BATCH_SIZE):
    """The same batches built from model instances through `product_document` (the reference)."""
    queryset = product_list_public()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    all_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    tree = _CategoryTree()
    for chunk in _batches(all_ids, batch_size):
        products = (
            product_list_public()
            .filter(pk__in=chunk)
            .select_related("parent")
            .prefetch_related(_VERIFIED_CERTIFICATES)
            .order_by("pk")
        )
        yield [product_document(product, tree) for product in products]


class _Record(NamedTuple):
    """A stock record's fields a document reads (rows, not model instances: see iter_documents)."""

    product_id: int
    partner_id: int
    price: Decimal | None
    num_in_stock: int | None
    num_allocated: int | None
    sale_price: int | None
    sale_starts_at: datetime | None
    sale_ends_at: datetime | None


class _RowDocuments:
    """`product_document` from rows: what a rebuild runs (see iter_documents)."""

    def __init__(self):
        self._commune_name = commune_name
        self._categories = {c.pk: c for c in Category.objects.only("id", "path", "depth", "name", "slug")}
        self._tree = _CategoryTree(list(self._categories.values()))
        self._lineages: dict[int, tuple[list, str]] = {}
        self._shops: dict[int, dict] = {}
        self._image_storage = ProductImage._meta.get_field("original").storage
        self._today = today_local()
        # Product URLs without a reverse() per product: "/catalogue/<slug>_<pk>/".
        self._reverse = lambda slug, pk: reverse(
            "catalogue:detail", kwargs={"product_slug": slug, "pk": pk})
        sample = self._reverse("slug-placeholder", 987654321)
        before, _sep, rest = sample.partition("slug-placeholder")
        middle, _sep, after = rest.partition("987654321")
        self._url_parts = (before, middle, after) if _sep else None

    def _url(self, slug: str, pk: int) -> str:
        if self._url_parts is None or not slug:
            return self._reverse(slug, pk)
        before, middle, after = self._url_parts
        return f"{before}{slug}{middle}{pk}{after}"

    def _lineage(self, category_id: int) -> tuple[list, str]:
        cached = self._lineages.get(category_id)
        if cached is None:
            lineage = self._tree.lineage(self._categories[category_id])
            cached = (lineage, " > ".join(node.name for node in lineage))
            self._lineages[category_id] = cached
        return cached

    def _load_shops(self, shop_ids: set[int]) -> None:
        missing = shop_ids - self._shops.keys()
        if missing:
            for row in Partner.objects.filter(pk__in=missing).values("id", "code", "name", "commune_code"):
                row["commune_name"] = self._commune_name(row["commune_code"])
                self._shops[row["id"]] = row

    def _image_url(self, name: str) -> str | None:
        if not name:
            return None
        try:
            return self._image_storage.url(name)
        except ValueError:
            return None

    def documents(self, chunk: list[int], *, by_range: bool = False) -> list[dict]:
        if by_range:  # chunk is sorted
            of_products = {"product_id__gte": chunk[0], "product_id__lte": chunk[-1]}
            wanted = set(chunk)
            public = product_list_public().filter(pk__gte=chunk[0], pk__lte=chunk[-1])
        else:
            of_products = {"product_id__in": chunk}
            wanted = None
            public = product_list_public().filter(pk__in=chunk)
        rows = list(
            public.prefetch_related(None).order_by("pk")
            .values("id", "title", "description", "slug", "shop_id", "parent_id", "parent__title", "structure",
                    "is_featured", "date_created", "product_class_id", "product_class__track_stock")
        )
        if wanted is not None:
            rows = [row for row in rows if row["id"] in wanted]
        self._load_shops({row["shop_id"] for row in rows if row["shop_id"]})
        records: dict[int, list[_Record]] = {}
        for record in StockRecord.objects.filter(**of_products).order_by("pk").values_list(
            *_Record._fields
        ):
            records.setdefault(record[0], []).append(_Record(*record))
        # A parent sells from its public variants: their names and stock records (two queries).
        parent_ids = [row["id"] for row in rows if row["structure"] == Product.PARENT]
        children: dict[int, list[tuple[int, str]]] = {}
        if parent_ids:
            for child_id, parent_id, option in (
                Product.objects.filter(parent_id__in=parent_ids, is_public=True).order_by("pk")
                .values_list("id", "parent_id", "title")
            ):
                children.setdefault(parent_id, []).append((child_id, option))
            child_ids = [child_id for pairs in children.values() for child_id, _option in pairs]
            for record in StockRecord.objects.filter(product_id__in=child_ids).order_by("pk").values_list(
                *_Record._fields
            ):
                records.setdefault(record[0], []).append(_Record(*record))
        # The attribute values' text of the products and of those variants (one query).
        owners = {row["id"]: [row["id"], *(child_id for child_id, _option in children.get(row["id"], ()))]
                  for row in rows}
        texts = attribute_texts(pk for pks in owners.values() for pk in pks)
        categories: dict[int, list[int]] = {}
        for product_id, category_id in (
            Product.categories.through.objects.filter(**of_products)
            .order_by("category__path", "category_id").values_list("product_id", "category_id")
        ):
            categories.setdefault(product_id, []).append(category_id)
        certificates: dict[int, list[tuple]] = {}
        for certificate in (
            OcopCertificate.objects.filter(**of_products, status=OcopCertificate.Status.VERIFIED)
            .order_by("pk").values_list("product_id", "stars", "issued_on", "expires_on")
        ):
            if certificate[2] and certificate[3]:
                certificates.setdefault(certificate[0], []).append(certificate)
        images: dict[int, str] = {}
        for product_id, original in (
            ProductImage.objects.filter(**of_products).order_by("display_order", "pk")
            .values_list("product_id", "original")
        ):
            images.setdefault(product_id, original)
        documents = []
        for row in rows:
            if row["structure"] == Product.PARENT:
                pairs = children.get(row["id"], [])
                sold = [r for r in (self._shop_record(records.get(child_id, ()), row["shop_id"])
                                    for child_id, _option in pairs) if r is not None]
                names = [option for _child_id, option in pairs if option]
            else:
                record = self._shop_record(records.get(row["id"], ()), row["shop_id"])
                sold, names = ([record] if record is not None else []), []
            documents.append(self._document(
                row, sold, names, searchable_attribute_texts(owners[row["id"]], texts),
                categories.get(row["id"], ()), certificates.get(row["id"], ()), images.get(row["id"], ""),
            ))
        return documents

    @staticmethod
    def _shop_record(records, shop_id):
        """`card_stockrecord` over rows: the shop's own record, else the first."""
        for candidate in records:
            if candidate.partner_id == shop_id:
                return candidate
        return records[0] if records else None

    def _document(self, row: dict, records: list, variant_names: list[str], attribute_values: list[str],
                  category_ids_, certificates, image: str) -> dict:
        pk = row["id"]
        shop = self._shops.get(row["shop_id"]) if row["shop_id"] else None
        tracks_stock = row["product_class__track_stock"] if row["product_class_id"] else True
        available = False
        for record in records:
            if record.price is None:
                continue
            if not tracks_stock or record.num_in_stock is None or (
                record.num_in_stock - (record.num_allocated or 0) > 0
            ):
                available = True
                break
        category_ids: list[int] = []
        category_names: list[str] = []
        category_slugs: list[str] = []
        category_paths: list[str] = []
        for category_id in category_ids_:
            lineage, path = self._lineage(category_id)
            for node in lineage:
                if node.pk not in category_ids:
                    category_ids.append(node.pk)
                    category_names.append(node.name)
                    category_slugs.append(node.slug)
            category_paths.append(path)
        ocop: dict = {ocop_field(stars): [] for stars in OCOP_LEVELS}
        stars_today = 0
        for _pk, stars, issued_on, expires_on in certificates:
            if stars in OCOP_LEVELS:
                ocop[ocop_field(stars)].append({"gte": issued_on.isoformat(), "lte": expires_on.isoformat()})
            if issued_on <= self._today <= expires_on and stars > stars_today:
                stars_today = stars
        ocop["ocop_certificates"] = [
            {"stars": stars, "issued_on": issued_on.isoformat(), "expires_on": expires_on.isoformat()}
            for _pk, stars, issued_on, expires_on in certificates
        ]
        title = row["title"] or (row["parent__title"] or "" if row["parent_id"] else "")
        featured = bool(row["is_featured"])
        created = row["date_created"]
        return {
            "id": pk,
            "title": title,
            "description": row["description"] or "",
            "variant_names": variant_names,
            "attribute_values": attribute_values,
            "shop_id": shop["id"] if shop else None,
            "shop_slug": shop["code"] if shop else None,
            "shop_name": shop["name"] if shop else None,
            "category_ids": category_ids,
            "category_names": category_names,
            "category_slugs": category_slugs,
            "category_path": category_paths,
            **ocop,
            "commune_code": shop["commune_code"] if shop else None,
            "commune_name": shop["commune_name"] if shop else None,
            **price_fields(None, records),
            "available": available,
            "featured": featured,
            "popularity": 0,
            "created": created.isoformat() if created else None,
            "image": self._image_url(image),
            "url": self._url(row["slug"], pk),
            "suggest": {
                "input": _suggest_inputs(title),
                "weight": 1 + stars_today + (2 if featured else 0),
            },
        }


def count_public() -> int:
    return product_list_public().count()


# --- the embedded server -------------------------------------------------------

_embedded_lock = threading.Lock()


def search_server_ensure(*, build_index: bool = True) -> None:
    """Make sure this process has a search server, with an index, to talk to.

    With ELASTICSEARCH_URL set (production, tests, `make run`'s web server) there is nothing
    to do. Without it the embedded osmem-server is started, once per process (a bare
    `runserver`, `load_demo`, `manage.py serve` itself), and — an in-memory server starts
    empty — its index is built at once from the database, unless `build_index` is False
    (the caller builds it itself). Raises SearchServerUnavailable when it cannot start.
    """
    if settings.ELASTICSEARCH_URL:
        return
    with _embedded_lock:
        if settings.ELASTICSEARCH_URL:  # another thread started it meanwhile
            return
        try:
            ensure_search()  # sets ELASTICSEARCH_URL
        except Exception as exc:  # noqa: BLE001 -- e.g. osmem-server failed to start
            raise SearchServerUnavailable(f"embedded search server: {exc}") from exc
        if build_index:
            _build_embedded_index()


def _build_embedded_index() -> None:
    try:
        count = rebuild_index()
        logger.info("embedded search server: indexed %d products", count)
    except Exception:  # noqa: BLE001 -- e.g. tables not migrated yet: search still starts
        logger.exception("embedded search server: could not build the index")


# --- index management ------------------------------------------------------


def _actions(index: str, documents: Iterable[dict]) -> Iterator[dict]:
    for document in documents:
        yield {"_op_type": "index", "_index": index, "_id": document["id"], "_source": document}


def _new_index_name(alias: str) -> str:
    return f"{alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def indices_behind(alias: str) -> list[str]:
    """Concrete indices the alias points at now (empty when it does not exist)."""
    client = get_client()
    try:
        return sorted(client.indices.get_alias(name=alias).keys())
    except NotFoundError:
        return []


def rebuild_index(*, progress: Progress | None = None, batch_size: int = REBUILD_BATCH_SIZE) -> int:
    """Build a fresh index, swap the alias onto it atomically, drop the old ones.

    Returns the number of products indexed. Search keeps answering from the old
    index until the swap.

    Bulk loading the usual Elasticsearch way: the new index is created without
    refresh and replicas (restored before the swap), documents are built here in
    batches (database rows, see iter_documents) while up to
    SEARCH_REBUILD_WORKERS earlier batches are being sent by `bulk` in worker
    threads, with the longer SEARCH_REBUILD_TIMEOUT of a bulk request (searches
    keep their short one). Only this thread touches the database.
    """
    search_server_ensure(build_index=False)  # an embedded server started now: this call builds it
    client = get_client().options(
        request_timeout=getattr(settings, "SEARCH_REBUILD_TIMEOUT", 120)
    )
    workers = max(1, int(getattr(settings, "SEARCH_REBUILD_WORKERS", 2)))
    alias = index_alias()
    name = _new_index_name(alias)
    body = index_body()
    body.setdefault("settings", {}).update(BULK_LOAD_SETTINGS)
    client.indices.create(index=name, **body)
    total = count_public()
    done = 0
    if progress:
        progress(done, total)
    pending: deque[Future] = deque()

    def sent(future: Future) -> None:
        nonlocal done
        done += future.result()
        if progress:
            progress(done, max(total, done))

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="search-bulk") as pool:
            try:
                for documents in iter_documents(batch_size=batch_size):
                    while len(pending) >= workers:
                        sent(pending.popleft())
                    pending.append(pool.submit(_send, client, name, documents))
                while pending:
                    sent(pending.popleft())
            finally:
                for future in pending:
                    future.cancel()
        client.indices.put_settings(index=name, settings={
            "index": {key: None for key in BULK_LOAD_SETTINGS}
        })
        client.indices.refresh(index=name)
        _swap_alias(alias, name)
    except Exception:
        client.options(ignore_status=404).indices.delete(index=name)
        raise
    _delete_old_indices(alias, keep=name)
    logger.info("search index %s rebuilt as %s: %d products", alias, name, done)
    return done


def _send(client, index: str, documents: list[dict]) -> int:
    """One batch in one bulk request (raises BulkIndexError if a document fails)."""
    count, _errors = bulk(client, _actions(index, documents), chunk_size=max(1, len(documents)),
                          max_chunk_bytes=200 * 1024 * 1024, refresh=False)
    return count


def _swap_alias(alias: str, new_index: str) -> None:
    client = get_client()
    current = indices_behind(alias)
    actions: list[dict] = [{"remove": {"index": index, "alias": alias}} for index in current]
    if not current and client.indices.exists(index=alias):
        # A concrete index named like the alias (e.g. made by an older version):
        # it must go before the alias can take its name. osmem-server ignores the
        # `remove_index` alias action, so this is a separate call (the only gap).
        client.indices.delete(index=alias)
    actions.append({"add": {"index": new_index, "alias": alias}})
    client.indices.update_aliases(actions=actions)


def _delete_old_indices(alias: str, *, keep: str) -> None:
    client = get_client()
    try:
        names = client.indices.get(index=f"{alias}-*").keys()
    except NotFoundError:
        return
    for name in names:
        if name != keep and _is_ours(alias, name):
            client.options(ignore_status=404).indices.delete(index=name)


def _is_ours(alias: str, name: str) -> bool:
    suffix = name[len(alias) + 1 :]
    return name.startswith(f"{alias}-") and suffix.isdigit()


def ensure_index() -> None:
    """Build the index when the alias does not exist yet."""
    search_server_ensure(build_index=False)  # built just below if need be
    client = get_client()
    if not client.indices.exists(index=index_alias()):
        rebuild_index()


def index_products(ids: Iterable[int]) -> int:
    """(Re)index these products; the ones no longer public are removed from the index."""
    ids = {int(pk) for pk in ids}
    if not ids:
        return 0
    # An option's price or stock is its product's document (options are not indexed).
    ids |= set(Product.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True))
    search_server_ensure()
    client = get_client()
    alias = index_alias()
    if not client.indices.exists(index=alias):
        return rebuild_index()
    indexed: set[int] = set()
    for documents in iter_documents(ids):
        bulk(client, _actions(alias, documents), refresh=False)
        indexed.update(document["id"] for document in documents)
    gone = ids - indexed
    if gone:
        _delete(client, alias, gone)
    client.indices.refresh(index=alias)
    return len(indexed)


def delete_products(ids: Iterable[int]) -> None:
    ids = {int(pk) for pk in ids}
    if not ids:
        return
    search_server_ensure()
    client = get_client()
    alias = index_alias()
    if not client.indices.exists(index=alias):
        return
    _delete(client, alias, ids)
    client.indices.refresh(index=alias)


def _delete(client, alias: str, ids: Iterable[int]) -> None:
    actions = ({"_op_type": "delete", "_index": alias, "_id": pk} for pk in ids)
    bulk(client, actions, raise_on_error=False, refresh=False)
