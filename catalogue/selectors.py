"""Reads of the catalogue: what buyers may see, with a constant number of queries."""

from __future__ import annotations

import datetime
import functools
import hashlib
import json

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue.models import Category, OcopCertificate, Product, ProductImage, today_local
from marketplace.core.prepared import PreparedQuery, as_key
from marketplace.order.statuses import OrderStatus, stored_values
from shops.models import Partner, StockRecord

OrderLine = get_model("order", "Line")
ProductReview = get_model("reviews", "ProductReview")
Option = get_model("catalogue", "Option")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")


def valid_certificates() -> QuerySet[OcopCertificate]:
    return OcopCertificate.objects.valid()


#: The stock record fields a card reads of a variant, loaded with the variant itself
#: (`public_children_prefetch`); a field the card's price or availability needs goes here.
CARD_RECORD_FIELDS = ("id", "partner_id", "partner_sku", "price", "price_currency", "num_in_stock",
                      "num_allocated", "sale_price", "sale_starts_at", "sale_ends_at")


def public_children_prefetch() -> Prefetch:
    """A parent's public variants in `product.public_children`, each carrying its shop's
    stock record's fields (`card_record_<field>`): ONE query for a whole page of products,
    whatever the number of parents and variants (a nested prefetch would add queries only
    when a parent is on the page)."""
    record = StockRecord.objects.filter(product=OuterRef("pk"), partner=OuterRef("shop_id")).order_by("pk")
    return Prefetch(
        "children",
        queryset=Product.objects.filter(is_public=True).order_by("pk").annotate(
            **{f"card_record_{name}": Subquery(record.values(name)[:1]) for name in CARD_RECORD_FIELDS}
        ),
        to_attr="public_children",
    )


def product_list_public() -> QuerySet[Product]:
    """Public standalone and parent products of approved shops, with what a card shows;
    variants (children) are never listed, their parent is (docs/decisions/0042-variants.md).

    Each row carries `ocop_stars` / `ocop_expires` from its best valid certificate
    (None without one) and the card's figures (`card_stats`) so cards need no query per product;
    a parent's public variants are prefetched with their stock records (`public_children`).
    """
    best = valid_certificates().filter(product=OuterRef("pk")).order_by("-stars", "-expires_on")
    return (
        Product.objects.filter(
            is_public=True,
            moderation_status=Product.Moderation.APPROVED,
            shop__status=Partner.Status.APPROVED,
        )
        .exclude(structure=Product.CHILD)
        .select_related("shop", "product_class")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
            "categories",
            public_children_prefetch(),
        )
        .annotate(
            ocop_stars=Subquery(best.values("stars")[:1]),
            ocop_expires=Subquery(best.values("expires_on")[:1]),
            **card_stats(),
        )
    )


def card_stats() -> dict:
    """Annotations for a product card, one subquery each (no query per card):

    - `review_average` (float or None) and `review_count`: approved reviews;
    - `sold_count`: units sold, counting only order lines that reached the buyer
      (`OrderStatus.DELIVERED`; a line that came back is RETURNED, a cancelled one CANCELLED,
      so neither counts). Lines are moved by marketplace/order/lifecycle.py.
    """
    approved = (
        ProductReview.objects.approved().filter(product=OuterRef("pk")).order_by().values("product")
    )
    delivered = (
        OrderLine.objects.filter(product=OuterRef("pk"), status__in=stored_values(OrderStatus.DELIVERED))
        .order_by()
        .values("product")
    )
    return {
        "review_average": Subquery(approved.annotate(a=Avg("score")).values("a")[:1]),
        "review_count": Coalesce(
            Subquery(approved.annotate(c=Count("pk")).values("c")[:1], output_field=IntegerField()), 0
        ),
        "sold_count": Coalesce(
            Subquery(delivered.annotate(n=Sum("quantity")).values("n")[:1], output_field=IntegerField()), 0
        ),
    }


def popular_products(*, limit: int = 8) -> list[Product]:
    """What buyers buy most: delivered units, then reviews, then OCOP stars (a search that
    found nothing shows these instead of an empty page). One query and its prefetches."""
    return list(
        product_list_public().order_by(
            "-sold_count", "-review_count", F("ocop_stars").desc(nulls_last=True), "-date_created", "pk"
        )[:limit]
    )


def product_is_public(product: Product) -> bool:
    """Whether buyers may see this one loaded product: `product_list_public()`'s rule for an
    object already in hand (the product page, the basket's strategy, reviews), with no query
    when its shop (and a variant's parent with its shop) are loaded.

    An approved shop's public product, approved by moderation; a variant is judged by its
    parent's shop and moderation and must be public itself and through its parent.
    """
    moderated = product.parent if product.is_child else product
    shop = moderated.shop
    return (
        shop is not None
        and shop.status == Partner.Status.APPROVED
        and moderated.moderation_status == Product.Moderation.APPROVED
        and product.is_public
        and (not product.is_child or moderated.is_public)
    )


def card_stockrecord(product):
    """The stock record a card sells from: the shop's own (prefetched, no query)."""
    if hasattr(product, "card_record_id"):  # a variant from public_children_prefetch
        if product.card_record_id is None:
            return None
        return StockRecord(
            product=product, **{name: getattr(product, f"card_record_{name}") for name in CARD_RECORD_FIELDS}
        )
    records = list(product.stockrecords.all())  # prefetched
    shop_id = product.shop_id or (product.parent.shop_id if product.is_child and product.parent_id else None)
    for record in records:
        if record.partner_id == shop_id:
            return record
    return records[0] if records else None


def is_buyable(product) -> bool:
    """Priced and in stock (or not stock-tracked), from the prefetched stock records;
    the same rule as the search index and the API, and whether a product card offers
    "Thêm vào giỏ" (no query: `product_list_public()` loads what it reads)."""
    if product.structure == Product.PARENT:
        return False  # a parent is bought as one of its variants: "Chọn phân loại"
    return record_is_available(product, card_stockrecord(product))


def public_variants(product) -> list:
    """A parent's public variants (prefetched by `product_list_public()`; a query otherwise)."""
    children = getattr(product, "public_children", None)
    if children is None:
        children = list(
            product.children.filter(is_public=True).order_by("pk").prefetch_related(
                "stockrecords", Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk"))
            )
        )
    return children


def sellable_records(product) -> list:
    """The stock records the product sells from: a standalone's own one, a parent's public
    variants' ones (no query when prefetched). What `search.indexing.price_fields` reads."""
    if product.structure == Product.PARENT:
        records = []
        for child in public_variants(product):
            record = card_stockrecord(child)
            if record is not None:
                records.append(record)
        return records
    record = card_stockrecord(product)
    return [record] if record is not None else []


def is_available(product) -> bool:
    """In stock and priced: a standalone by its record, a parent when any public variant is."""
    return any(record_is_available(product, record) for record in sellable_records(product))


def record_is_available(product, record) -> bool:
    """Priced and in stock (or not stock-tracked): the rule cards and the search index share."""
    if record is None or record.price is None:
        return False
    product_class = product.product_class
    tracks_stock = product_class.track_stock if product_class is not None else True
    if not tracks_stock or record.num_in_stock is None:
        return True
    return record.net_stock_level > 0


#: At most this many products of one shop on the home page's shelf (published on the page
#: "how listings are ranked": marketplace/cms/blocks.py:RankingFactorsBlock).
FEATURED_PER_SHOP = 2


def featured_products(*, limit: int = 12, per_shop: int = FEATURED_PER_SHOP) -> list[Product]:
    """The home page's shelf: products staff featured first, then OCOP products, most
    stars first, at most `per_shop` per shop.

    A shop with many packagings of one product would otherwise fill the shelf.
    """
    queryset = (
        product_list_public()
        .filter(Q(is_featured=True) | Q(ocop_stars__isnull=False))
        .order_by("-is_featured", F("ocop_stars").desc(nulls_last=True), "-date_created", "pk")
    )
    chosen: list[Product] = []
    per_shop_count: dict[int, int] = {}
    for product in queryset[: limit * 6]:
        if per_shop_count.get(product.shop_id, 0) < per_shop:
            per_shop_count[product.shop_id] = per_shop_count.get(product.shop_id, 0) + 1
            chosen.append(product)
            if len(chosen) == limit:
                break
    return chosen


def product_state_fingerprint(product_ids, *, at=None) -> str:
    """A digest of what buyers see of these products' state: visibility (the product, its
    parent, their shop), price, the price in force at `at` (default now: a sale that starts
    or ends changes it, with nothing saved; catalogue.pricing), the sale's terms, stock and
    allocation, a parent's options' too. One query.

    Stored pages keep it (marketplace/core/pagecache.py) and compare it on every hit: stock
    allocated by a checkout is a conditional UPDATE that sends no signal, and the page must
    not keep showing it for sale. The SQL is built once from the models' tables and columns
    (no ORM compilation per hit, which cost more than the query itself).
    """
    ids = [int(pk) for pk in product_ids]
    if not ids:
        return hashlib.sha1(b"[]").hexdigest()
    placeholders = ", ".join(["%s"] * len(ids))
    moment = connection.ops.adapt_datetimefield_value(at or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql().format(ids=placeholders), [moment, moment, *ids, *ids])
        rows = cursor.fetchall()
    return hashlib.sha1(repr(rows).encode()).hexdigest()


@functools.cache
def _fingerprint_sql() -> str:
    q = connection.ops.quote_name

    def col(model, field: str) -> str:
        return q(model._meta.get_field(field).column)

    product, partner, record = (
        q(Product._meta.db_table),
        q(Partner._meta.db_table),
        q(StockRecord._meta.db_table),
    )
    return (
        f"SELECT p.{col(Product, 'id')}, p.{col(Product, 'is_public')}, "
        f"p.{col(Product, 'moderation_status')}, s.{col(Partner, 'status')}, "
        f"pp.{col(Product, 'is_public')}, pp.{col(Product, 'moderation_status')}, "
        f"ps.{col(Partner, 'status')}, r.{col(StockRecord, 'price')}, "
        f"r.{col(StockRecord, 'num_in_stock')}, r.{col(StockRecord, 'num_allocated')}, "
        f"r.{col(StockRecord, 'sale_price')}, r.{col(StockRecord, 'sale_starts_at')}, "
        f"r.{col(StockRecord, 'sale_ends_at')}, "
        # the price in force (catalogue.pricing.price_in_force_expression, at the first two %s)
        f"CASE WHEN r.{col(StockRecord, 'sale_price')} IS NOT NULL "
        f"AND r.{col(StockRecord, 'sale_starts_at')} <= %s AND r.{col(StockRecord, 'sale_ends_at')} > %s "
        f"AND r.{col(StockRecord, 'sale_price')} < r.{col(StockRecord, 'price')} "
        f"THEN 1 ELSE 0 END "
        f"FROM {product} p "
        f"LEFT JOIN {partner} s ON s.{col(Partner, 'id')} = p.{col(Product, 'shop')} "
        f"LEFT JOIN {product} pp ON pp.{col(Product, 'id')} = p.{col(Product, 'parent')} "
        f"LEFT JOIN {partner} ps ON ps.{col(Partner, 'id')} = pp.{col(Product, 'shop')} "
        f"LEFT JOIN {record} r ON r.{col(StockRecord, 'product')} = p.{col(Product, 'id')} "
        # a product with options shows its options' price and stock: their rows count too
        f"WHERE p.{col(Product, 'id')} IN ({{ids}}) OR p.{col(Product, 'parent')} IN ({{ids}}) "
        f"ORDER BY p.{col(Product, 'id')}, r.{col(StockRecord, 'id')}"
    )


# --- the product page ---------------------------------------------------------------------------


#: The certificate's columns the product page shows, read with the product (one query less).
_PAGE_CERTIFICATE_FIELDS = (
    "id", "product_id", "stars", "score", "decision_number", "issuing_body", "issued_on",
    "expires_on", "status",
)


def product_buy_queryset() -> QuerySet[Product]:
    """The product a buyer adds to the basket, in one query: its shop, class, parent (with its
    shop and class), and whether it has options (Oscar's basket form asks, one query
    otherwise). `prefetch_product_page()` then loads what the buy box reads."""
    return Product.objects.select_related(
        "shop", "product_class", "parent__shop", "parent__product_class"
    ).annotate(
        has_product_class_options=Exists(
            Option.objects.filter(productclass=OuterRef("product_class")).order_by()
        ),
        has_product_options=Exists(Option.objects.filter(product=OuterRef("pk")).order_by()),
    )


def product_page_queryset(on: datetime.date | None = None) -> QuerySet[Product]:
    """The product page's product in one query: `product_buy_queryset()` and what the page's
    blocks would otherwise read one query each (docs/decisions/0045-first-render-budget.md):

    - `page_certificate`: the best certificate valid today, as a JSON object of the columns
      the page shows (`page_certificate()` makes it a certificate);
    - `page_review_count`: its published reviews (the reviews block's "n đánh giá");
    - `page_shop_rating_average` / `page_shop_rating_count`: its shop's rating over all the
      shop's products' published reviews (the shop card).

    The photos, attributes, reviews and breadcrumb are read when their cached fragment is
    missing (catalogue/templatetags/catalogue_fragments.py).

    `on`: the day the certificate must be valid (default today); `page_product()` runs this
    query for one product without compiling it again.
    """
    certificate = (
        OcopCertificate.objects.valid(on)
        .filter(product=OuterRef("pk"))
        .order_by("-stars", "-expires_on")
        .values(data=JSONObject(**{name: name for name in _PAGE_CERTIFICATE_FIELDS}))[:1]
    )
    published = ProductReview.objects.filter(status=ProductReview.APPROVED).order_by()
    review_count = (
        published.filter(product=OuterRef("pk")).values("product").annotate(n=Count("pk")).values("n")
    )
    shop_reviews = published.filter(product__shop=OuterRef("shop_id")).values("product__shop")
    return product_buy_queryset().annotate(
        page_certificate=Subquery(certificate, output_field=JSONField()),
        page_review_count=Subquery(review_count, output_field=IntegerField()),
        page_shop_rating_average=Subquery(
            shop_reviews.annotate(a=Avg("score")).values("a"), output_field=FloatField()
        ),
        page_shop_rating_count=Subquery(
            shop_reviews.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
        ),
    )


_PAGE_PRODUCT = PreparedQuery(lambda pk, day: product_page_queryset(day).filter(pk=pk))
_PAGE_STOCK = PreparedQuery(
    lambda pk, _variant: StockRecord.objects.select_related("partner").filter(product_id=pk)
)


def page_product(pk) -> Product:
    """`product_page_queryset().get(pk=pk)`, its SQL compiled once a day per process
    (marketplace/core/prepared.py): building and compiling that query cost more CPU than
    the rest of the product view's reads. `Product.DoesNotExist` for an unknown key."""
    key = as_key(Product, pk)
    found = _PAGE_PRODUCT.rows(key, today_local()) if key is not None else []
    if not found:
        raise Product.DoesNotExist(f"Product {pk!r}")
    return found[0]


_NO_CERTIFICATE = object()


def page_certificate(product: Product):
    """The certificate a buyer is shown on the product page (verified, valid today, most stars
    first), from the product query's `page_certificate` when it ran; else one query."""
    data = getattr(product, "page_certificate", _NO_CERTIFICATE)
    if data is _NO_CERTIFICATE:
        return valid_certificates().filter(product=product).order_by("-stars", "-expires_on").first()
    if data is None:
        return None
    if isinstance(data, str):  # a backend that hands the JSON over as text
        data = json.loads(data)
    values = [data[name] for name in _PAGE_CERTIFICATE_FIELDS]
    for index, name in enumerate(_PAGE_CERTIFICATE_FIELDS):
        field = OcopCertificate._meta.get_field(name)
        if isinstance(field, DateField) and isinstance(values[index], str):
            values[index] = datetime.date.fromisoformat(values[index][:10])
    # the other columns are deferred: read (one query) only if something asks for them
    return OcopCertificate.from_db(None, list(_PAGE_CERTIFICATE_FIELDS), values)


def _attribute_values() -> QuerySet:
    return ProductAttributeValue.objects.select_related("attribute", "value_option").annotate(
        code=F("attribute__code")
    )


def prefetch_product_page(product: Product) -> Product:
    """What the buy box reads, in a number of queries that does not grow with the variants:

    - a standalone or child product: its stock records with their shop (the strategy);
    - a parent: its public children with their class, shop and "has options" flags (the
      basket form asks the chosen one), their stock records (and their shop), and the
      attribute values of the parent and its children together (Oscar's basket form names
      each variant by its attributes; a variant's summary falls back on the parent's; the
      attributes block shows the parent's). Three queries, for 1 variant or 50.

    The product query's review count (`product_page_queryset`) becomes Oscar's
    `num_approved_reviews`, so the reviews block does not count them again.
    """
    if hasattr(product, "page_review_count"):
        product.__dict__["num_approved_reviews"] = product.page_review_count or 0
    records = Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner"))
    if product.is_parent:
        children = (
            Product.objects.public()
            .order_by("pk")
            .select_related("product_class", "shop")
            .annotate(
                has_product_class_options=Exists(
                    Option.objects.filter(productclass=OuterRef("product_class")).order_by()
                ),
                has_product_options=Exists(
                    Option.objects.filter(product=OuterRef("pk")).order_by()
                ),
            )
            .prefetch_related(records)
        )
        prefetch_related_objects(
            [product],
            Prefetch("children", queryset=children, to_attr="_prefetched_public_children"),
        )
        values: dict[int, list] = {}
        owners = [product, *product._prefetched_public_children]
        for value in _attribute_values().filter(product_id__in=[p.pk for p in owners]):
            values.setdefault(value.product_id, []).append(value)
        for owner in owners:
            owner._prefetched_attribute_values = values.get(owner.pk, [])
        product._prefetched_parent_attribute_values = product._prefetched_attribute_values
        for child in product._prefetched_public_children:
            child.parent = product
        # the options' picker reads them too (catalogue.selectors.public_variants)
        product.public_children = product._prefetched_public_children
    elif "stockrecords" not in getattr(product, "_prefetched_objects_cache", {}):
        # prefetch_related("stockrecords") as above, its SQL compiled once per process
        _cache_stockrecords(product, _PAGE_STOCK.rows(product.pk))
    return product


def _cache_stockrecords(product: Product, records: list) -> None:
    """Leave on `product` what `prefetch_related_objects([product], "stockrecords")` leaves:
    `product.stockrecords.all()` gives `records` with no query, each knows its product."""
    field = StockRecord._meta.get_field("product")
    for record in records:
        field.set_cached_value(record, product)
    queryset = product.stockrecords.get_queryset()
    queryset._result_cache = records
    queryset._prefetch_done = True
    cache = product.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[field.remote_field.cache_name] = queryset


def page_attribute_values(product: Product) -> list:
    """The attributes block's values with their attribute and option: the prefetched ones of
    a parent (`prefetch_product_page`), else one query (Oscar's reads each attribute)."""
    if hasattr(product, "_prefetched_attribute_values"):
        return list(product.get_attribute_values())
    return list(_attribute_values().filter(product=product))


def product_breadcrumb(product: Product) -> list[Category]:
    """The categories of the page's breadcrumb in one query: the first browsable category of
    the product (a variant's: its parent's), by path, and its ancestors, root first — what
    `product.get_categories.first.get_ancestors_and_self` gives in two."""
    owner = product.parent if product.is_child and product.parent_id else product
    first = owner.categories.browsable().order_by("path").values("path")[:1]
    return list(
        Category.objects.annotate(first_path=Subquery(first))
        .filter(first_path__startswith=F("path"))
        .order_by("depth")
    )
