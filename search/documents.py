"""The product index, defined with the Elasticsearch DSL.

Vietnamese buyers type without diacritics ("mat ong u minh"): every text field is
analysed with `folding` (standard tokenizer, lowercase, asciifolding — which maps
đ/Đ → d as Lucene does). `title.exact` keeps the accents so that an exact-accent
match ranks above a folded one; `title.prefix` holds edge n-grams for partial
words typed so far. `suggest` feeds the completion suggester.

Only standard Elasticsearch 8 constructs are used: the embedded osmem-server
serves them too (docs/decisions/0002-search-engine.md).
"""

from __future__ import annotations

from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    DateRange,
    Document,
    Integer,
    Keyword,
    Long,
    Nested,
    Object,
    Text,
    analyzer,
    token_filter,
)

folding = analyzer(
    "folding",
    tokenizer="standard",
    filter=["lowercase", "asciifolding"],
)

accented = analyzer(
    "accented",
    tokenizer="standard",
    filter=["lowercase"],
)

prefix_ngram = token_filter("prefix_ngram", type="edge_ngram", min_gram=1, max_gram=20)

prefix = analyzer(
    "prefix",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", prefix_ngram],
)

#: Fields of the all-text field `text` (copy_to): one field so that a query whose
#: words are spread over title, shop and category still needs all its words.
TEXT_FIELDS = ("title", "description", "variant_names", "attribute_values", "shop_name", "category_names",
               "commune_name")

#: OCOP star levels; each has its own field of validity periods (`ocop_field`).
OCOP_LEVELS = (3, 4, 5)


def ocop_field(stars: int) -> str:
    """The date-range field holding the validity periods of a star level's certificates."""
    return f"ocop_valid_{stars}"


def _folded_text(**kwargs) -> Text:
    return Text(analyzer=folding, copy_to="text", **kwargs)


class ProductDocument(Document):
    id = Integer()
    title = _folded_text(
        fields={
            "exact": Text(analyzer=accented),
            "prefix": Text(analyzer=prefix, search_analyzer=folding),
            "raw": Keyword(),
        }
    )
    description = _folded_text()
    # A parent's options ("chai 500 ml", "hộp quà"): searchable, the card shows the parent.
    variant_names = _folded_text(multi=True)
    # The text of the attribute values of the product and of its public options ("500 g",
    # "U Minh": catalogue/attributes.py), searchable like the options' names.
    attribute_values = _folded_text(multi=True)
    text = Text(analyzer=folding)

    shop_id = Integer()
    shop_slug = Keyword()
    shop_name = _folded_text(fields={"raw": Keyword()})

    category_ids = Integer(multi=True)  # the product's categories and their ancestors
    category_slugs = Keyword(multi=True)
    category_names = _folded_text(multi=True)
    category_path = Keyword(multi=True)  # "Thực phẩm > Mật ong"

    # OCOP: whether a certificate counts is decided at QUERY time (today in
    # Asia/Ho_Chi_Minh), so an expiry needs no reindex. Per star level, the
    # validity periods [issued_on, expires_on] of the product's VERIFIED
    # certificates as date ranges (a range keeps its two ends paired, unlike an
    # array of objects); pending/rejected/revoked certificates are not indexed.
    ocop_valid_3 = DateRange(multi=True)
    ocop_valid_4 = DateRange(multi=True)
    ocop_valid_5 = DateRange(multi=True)
    # The same facts, for reading the source (never for deciding validity).
    ocop_certificates = Object(
        multi=True,
        properties={"stars": Integer(), "issued_on": Date(), "expires_on": Date()},
    )

    commune_code = Integer()
    commune_name = _folded_text(fields={"raw": Keyword()})

    # Prices (search.indexing.price_fields): which one is in force is decided at QUERY time
    # (now), so a sale that starts or ends needs no reindex. `price_timeline` holds the
    # document's lowest price in force per stretch of time between sale boundaries: the
    # query picks the entry whose period contains now (filters, sort, price facet).
    price = Long()  # whole đồng: the lowest list price, for reading the source only
    price_max = Long()  # the highest list price (a parent's dearest option), reading only
    offers = Object(
        multi=True,
        properties={"list_price": Long(), "sale_price": Long(), "sale_period": DateRange()},
    )
    price_timeline = Nested(properties={"period": DateRange(), "price": Long()})
    available = Boolean()
    featured = Boolean()
    popularity = Integer()
    created = Date()

    image = Keyword(index=False)
    url = Keyword(index=False)

    suggest = Completion(analyzer=folding, search_analyzer=folding, preserve_separators=True)

    class Index:
        # The real index is `<ELASTICSEARCH_INDEX>-<timestamp>` behind the alias
        # ELASTICSEARCH_INDEX (search.indexing.rebuild_index).
        name = "products"
        settings = {"number_of_shards": 1, "max_ngram_diff": 20}


def index_body() -> dict:
    """Settings and mappings of a new product index."""
    return ProductDocument._index.to_dict()
