"""The one product search: parameters → Elasticsearch request → plain result.

Used by the HTML views (search.views) and the JSON API alike:

    params = SearchParams.from_data(request.GET)   # may raise InvalidSearchParams
    result = search_products(params)               # may raise engine errors
    products = hydrate(result)                      # Products in result order

Facets are disjunctive: the hits are narrowed by a `post_filter`, and each
facet's counts come from an aggregation filtered by every *other* facet's
selection, so picking "4★" still shows how many 3★ and 5★ products there are.

OCOP validity is decided here, per request, not at indexing: the index holds
the validity periods of each product's verified certificates per star level
(search.documents.ocop_field) and every OCOP clause asks which period contains
*today* in Asia/Ho_Chi_Minh (`timezone.localdate()`). A certificate therefore
stops counting the day after it expires without any reindex. A product's stars
are those of its best certificate valid today, as on its badge.

Prices likewise: the price in force (a sale price while its sale runs) is decided per
request at *now*. Each document holds its lowest price in force per stretch of time
between its sale boundaries (`price_timeline`, search.indexing.price_fields); the price
filter, the price sorts and the price facet read the one entry whose period contains now,
so a sale that starts or ends changes results without any reindex.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from math import ceil

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category
from catalogue.selectors import product_list_public
from marketplace.core.addresses import commune_name
from marketplace.core.money import format_vnd
from marketplace.core.text import fold
from search.documents import ocop_field
from search.engine import get_client, index_alias
from search.indexing import search_server_ensure
from search.ranking import FEATURED_WEIGHT, FUZZINESS, RESCORE_WINDOW, STAR_WEIGHTS, weight
from search.typed import Reading
from search.vocabulary import read_query
from shops.models import Partner

# The boosts are data published on the "how listings are ranked" page (search/ranking.py):
# FUZZINESS 1 edit from 4 letters, 2 from 7 ("mat" must not become "mam"); FEATURED_WEIGHT
# between a 4★ and a 5★ multiplier; RESCORE_WINDOW matches re-ranked by them.

SORTS = ("relevance", "price_asc", "price_desc", "newest", "popular")
FACETS = ("category", "stars", "shop", "commune", "price")
MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000  # Elasticsearch's default index.max_result_window
MAX_QUERY_LENGTH = 200
MAX_VALUES = 50
STARS = (3, 4, 5)
#: Price facet buckets in đồng: [low, high) — the link sets price_max = high - 1.
PRICE_RANGES: tuple[tuple[int | None, int | None], ...] = (
    (None, 100_000),
    (100_000, 200_000),
    (200_000, 500_000),
    (500_000, 1_000_000),
    (1_000_000, None),
)
# Private-use sentinels: fragments are HTML-escaped, then marked. (osmem-server trims
# ASCII control characters at fragment edges, so \x02/\x03 would not survive.)
_HL_PRE, _HL_POST = "\ue000", "\ue001"
_SLUG = re.compile(r"^[\w-]{1,128}$")
_WORD = re.compile(r"\w+")


class InvalidSearchParams(ValueError):
    """Bad search parameters; `errors` maps each parameter to its message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


def default_page_size() -> int:
    return getattr(settings, "OSCAR_PRODUCTS_PER_PAGE", 24)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    category: tuple[int | str, ...] = ()  # category ids, or slugs
    stars: tuple[int, ...] = ()
    shop: tuple[str, ...] = ()  # shop slugs (Partner.code)
    commune: tuple[int, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 0  # 0: default_page_size()
    #: A fixed scope set by the caller, never parsed from the request: the
    #: category page narrows the query to its category (and descendants), while
    #: `category` stays a facet selection within it.
    within_category: int | None = None

    def __post_init__(self):
        if not self.page_size:
            object.__setattr__(self, "page_size", default_page_size())

    @classmethod
    def from_data(cls, data: Mapping, **overrides) -> SearchParams:
        """Validated parameters from a QueryDict or a plain mapping (lists or strings).

        Unknown keys are ignored; raises InvalidSearchParams naming each bad one.
        """
        parser = _Parser(data)
        params = cls(
            q=parser.text("q"),
            category=parser.many("category", _category_value),
            stars=parser.many("stars", _stars_value),
            shop=parser.many("shop", _slug_value),
            commune=parser.many("commune", _positive_int),
            price_min=parser.one("price_min", _amount),
            price_max=parser.one("price_max", _amount),
            sort=parser.one("sort", _sort_value) or "relevance",
            page=parser.one("page", _positive_int) or 1,
            page_size=parser.one("page_size", _page_size) or default_page_size(),
        )
        errors = parser.errors
        if (
            params.price_min is not None
            and params.price_max is not None
            and params.price_min > params.price_max
            and "price_min" not in errors
        ):
            errors["price_max"] = str(_("Giá tối đa phải lớn hơn hoặc bằng giá tối thiểu."))
        if "page" not in errors and "page_size" not in errors:
            if params.page * params.page_size > MAX_WINDOW:
                errors["page"] = str(_("Trang quá xa: hãy thu hẹp tìm kiếm."))
        if errors:
            raise InvalidSearchParams(errors)
        return replace(params, **overrides) if overrides else params

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def selected(self, facet: str) -> tuple[str, ...]:
        """The selection of a facet as facet keys (strings)."""
        if facet == "price":
            key = _price_key(self.price_min, self.price_max)
            return (key,) if key else ()
        return tuple(str(value) for value in getattr(self, facet))


class _Parser:
    def __init__(self, data: Mapping):
        self.data = data
        self.errors: dict[str, str] = {}

    def _values(self, name: str) -> list[str]:
        if hasattr(self.data, "getlist"):
            raw = self.data.getlist(name)
        else:
            raw = self.data.get(name, [])
            if raw is None:
                raw = []
            elif isinstance(raw, (str, int)):
                raw = [raw]
        values = []
        for item in raw:
            values.extend(part.strip() for part in str(item).split(","))
        return [value for value in values if value]

    def text(self, name: str) -> str:
        values = self._values(name) if name != "q" else self._raw_text(name)
        text = " ".join(values).strip()
        if len(text) > MAX_QUERY_LENGTH:
            self.errors[name] = str(_("Từ khóa quá dài (tối đa %(n)d ký tự).") % {"n": MAX_QUERY_LENGTH})
            return ""
        return text

    def _raw_text(self, name: str) -> list[str]:
        # q keeps its commas: "mật ong, khô cá" is one query.
        if hasattr(self.data, "getlist"):
            raw = self.data.getlist(name)
        else:
            raw = self.data.get(name) or []
            raw = [raw] if isinstance(raw, str) else raw
        return [str(item).strip() for item in raw if str(item).strip()]

    def many(self, name: str, convert) -> tuple:
        values = self._values(name)
        if len(values) > MAX_VALUES:
            self.errors[name] = str(_("Quá nhiều giá trị."))
            return ()
        out = []
        for value in values:
            try:
                converted = convert(value)
            except ValueError as exc:
                self.errors[name] = str(exc)
                return ()
            if converted not in out:
                out.append(converted)
        return tuple(out)

    def one(self, name: str, convert):
        values = self._values(name)
        if not values:
            return None
        if len(values) > 1:
            self.errors[name] = str(_("Chỉ được một giá trị."))
            return None
        try:
            return convert(values[0])
        except ValueError as exc:
            self.errors[name] = str(exc)
            return None


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1 or len(value) > 12:
        raise ValueError(str(_("“%(v)s” không phải số nguyên dương.") % {"v": value[:40]}))
    return int(value)


def _page_size(value: str) -> int:
    number = _positive_int(value)
    if number > MAX_PAGE_SIZE:
        raise ValueError(str(_("Tối đa %(n)d sản phẩm mỗi trang.") % {"n": MAX_PAGE_SIZE}))
    return number


def _amount(value: str) -> int:
    digits = value.replace(".", "").replace(" ", "").replace("_", "")
    if not digits.isdigit() or len(digits) > 15:
        raise ValueError(str(_("“%(v)s” không phải số tiền (đồng).") % {"v": value[:40]}))
    return int(digits)


def _stars_value(value: str) -> int:
    if not value.isdigit() or int(value) not in STARS:
        raise ValueError(str(_("Số sao OCOP là 3, 4 hoặc 5.")))
    return int(value)


def _slug_value(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(str(_("“%(v)s” không hợp lệ.") % {"v": value[:40]}))
    return value


def _category_value(value: str) -> int | str:
    if value.isdigit():
        return _positive_int(value)
    return _slug_value(value)


def _sort_value(value: str) -> str:
    if value not in SORTS:
        raise ValueError(
            str(_("Cách sắp xếp phải là một trong: %(s)s.") % {"s": ", ".join(SORTS)})
        )
    return value


def _price_key(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    return f"{'' if low is None else low}-{'' if high is None else high}"


# --- the request -----------------------------------------------------------


def _today(today: datetime.date | None) -> str:
    return (today or timezone.localdate()).isoformat()


def _valid(stars: int, today: str) -> dict:
    """A certificate of these stars is valid today (issued_on <= today <= expires_on)."""
    return {"term": {ocop_field(stars): today}}


def best_stars_clause(stars: int, today: str) -> dict:
    """The product's best certificate valid today has these stars (none higher is valid)."""
    higher = [_valid(level, today) for level in STARS if level > stars]
    clause: dict = {"filter": [_valid(stars, today)]}
    if higher:
        clause["must_not"] = higher
    return {"bool": clause}


def _now(now: datetime.datetime | None) -> str:
    """The moment prices are decided at, as the index keeps moments (UTC, milliseconds)."""
    moment = (now or timezone.now()).astimezone(datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


#: The period of a `price_timeline` entry (search.documents.ProductDocument).
PRICE_PERIOD = "price_timeline.period"


def price_clause(now: str, bounds: dict | None = None) -> dict:
    """The document's price in force at `now` is within `bounds` (a range: gte/lt/lte), or
    it has a price at all (no bounds)."""
    clauses: list[dict] = [{"term": {PRICE_PERIOD: now}}]
    if bounds:
        clauses.append({"range": {"price_timeline.price": bounds}})
    return {"nested": {"path": "price_timeline", "query": {"bool": {"filter": clauses}}}}


def _filters(params: SearchParams, today: str, now: str = "") -> dict[str, dict]:
    """Each facet's filter clause (only the selected ones)."""
    clauses: dict[str, dict] = {}
    if params.category:
        ids = [value for value in params.category if isinstance(value, int)]
        slugs = [value for value in params.category if isinstance(value, str)]
        should = []
        if ids:
            should.append({"terms": {"category_ids": ids}})
        if slugs:
            should.append({"terms": {"category_slugs": slugs}})
        clauses["category"] = {"bool": {"should": should, "minimum_should_match": 1}}
    if params.stars:
        clauses["stars"] = {"bool": {
            "should": [best_stars_clause(stars, today) for stars in params.stars],
            "minimum_should_match": 1,
        }}
    if params.shop:
        clauses["shop"] = {"terms": {"shop_slug": list(params.shop)}}
    if params.commune:
        clauses["commune"] = {"terms": {"commune_code": list(params.commune)}}
    if params.price_min is not None or params.price_max is not None:
        bounds = {}
        if params.price_min is not None:
            bounds["gte"] = params.price_min
        if params.price_max is not None:
            bounds["lte"] = params.price_max
        clauses["price"] = price_clause(now or _now(None), bounds)
    return clauses


def _all_of(clauses: list[dict]) -> dict:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


#: A word starting with "f": Vietnamese has no f, buyers type it for "ph" ("banh fong tom").
_F_WORD = re.compile(r"\b([fF])(?=\w)")


def spellings(q: str) -> list[str]:
    """The query, then its respelling: "banh fong tom" → "banh phong tom".

    Fuzziness cannot bridge "fong" → "phong" (two edits on a four-letter word,
    where AUTO:4,7 allows one), so the common "ph" typed as "f" is respelled.
    The original stays first: foreign words ("farm") still match as typed.
    """
    respelled = _F_WORD.sub(lambda m: "Ph" if m.group(1) == "F" else "ph", q)
    return [q, respelled] if respelled != q else [q]


def _text_query(q: str, *, fuzzy: bool = True) -> dict:
    """Folded, typo-tolerant match (for each spelling of the query, see `spellings`)."""
    variants = spellings(q)
    if len(variants) == 1:
        return _text_query_one(q, fuzzy=fuzzy)
    # The "f" respelling is not fuzzy: "farm" → "pharm" must not then match "phẩm".
    queries = [_text_query_one(q, fuzzy=fuzzy)] + [_text_query_one(v, fuzzy=False)
                                                   for v in variants[1:]]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _text_query_one(q: str, *, fuzzy: bool = True) -> dict:
    """Folded, typo-tolerant match; exact accents, phrases and OCOP stars rank higher."""
    every_word = {"query": q, "operator": "and"}
    if fuzzy:
        every_word.update(fuzziness=FUZZINESS, prefix_length=1)
    matches = {
        "bool": {
            "should": [
                # every word somewhere in title/description/options/attributes/shop/category/commune
                {"match": {"text": every_word}},
                # a title being typed: "mat o" → "Mật ong"
                {"match": {"title.prefix": {"query": q, "operator": "and"}}},
            ],
            "minimum_should_match": 1,
        }
    }
    boosts = [
        {"match": {"title.exact": {"query": q, "boost": weight("title_exact")}}},
        {"match_phrase": {"title": {"query": q, "slop": 1, "boost": weight("title_phrase")}}},
        {"match": {"title": {"query": q, "operator": "and", "boost": weight("title_all_words")}}},
        {"multi_match": {"query": q, "fields": ["shop_name", "category_names", "commune_name"],
                         "operator": "and", "boost": weight("shop_category_commune")}},
        # an option's name or an attribute value ("hũ thủy tinh", "500 g"): modest, below the title
        {"multi_match": {"query": q, "fields": ["variant_names", "attribute_values"],
                         "operator": "and", "boost": weight("options_attributes")}},
    ]
    return {"bool": {"must": [matches], "should": boosts}}


def _scored(query: dict, today: str, *, boost_mode: str = "multiply") -> dict:
    """OCOP stars valid today and staff featuring multiply the relevance.

    The star functions are exclusive (best valid level only), so `multiply`
    combines one star weight with the featured weight.
    """
    functions = [
        {"filter": best_stars_clause(stars, today), "weight": weight}
        for stars, weight in STAR_WEIGHTS.items()
    ]
    functions.append({"filter": {"term": {"featured": True}}, "weight": FEATURED_WEIGHT})
    return {"function_score": {"query": query, "functions": functions,
                               "score_mode": "multiply", "boost_mode": boost_mode}}


def _price_sort(order: str, now: str) -> dict:
    """By the price in force at `now` (the timeline entry whose period contains it)."""
    return {"price_timeline.price": {
        "order": order, "mode": "min", "missing": "_last",
        "nested": {"path": "price_timeline", "filter": {"term": {PRICE_PERIOD: now}}},
    }}


def _sort(params: SearchParams, now: str = "") -> list:
    # No sort on stars: validity is only known at query time, and the score
    # already carries the weight of the stars valid today (and featuring), so
    # without a query `_score` orders by stars.
    tie = {"id": {"order": "asc"}}
    newest = {"created": {"order": "desc", "missing": "_last"}}
    if params.sort == "price_asc":
        return [_price_sort("asc", now or _now(None)), "_score", tie]
    if params.sort == "price_desc":
        return [_price_sort("desc", now or _now(None)), "_score", tie]
    if params.sort == "newest":
        return [newest, tie]
    if params.sort == "popular":
        return [{"popularity": {"order": "desc"}}, "_score", newest, tie]
    return ["_score", newest, tie]


def _facet_aggregations(today: str, now: str = "") -> dict[str, dict]:
    return {
        "category": {"terms": {"field": "category_ids", "size": 200}},
        # one bucket per level: products whose best certificate valid today has it
        "stars": {"filters": {"filters": {
            str(stars): best_stars_clause(stars, today) for stars in sorted(STARS, reverse=True)
        }}},
        "shop": {"terms": {"field": "shop_slug", "size": 100}},
        "commune": {"terms": {"field": "commune_code", "size": 200}},
        # the price in force at now: one timeline entry per document contains it, so the
        # nested entries counted are the documents
        "price": {"nested": {"path": "price_timeline"}, "aggs": {"now": {
            "filter": {"term": {PRICE_PERIOD: now or _now(None)}},
            "aggs": {"values": {"range": {"field": "price_timeline.price", "ranges": [
                {key: value for key, value in (
                    ("key", _price_key(low, None if high is None else high - 1)),
                    ("from", low), ("to", high)) if value is not None}
                for low, high in PRICE_RANGES
            ]}}},
        }}},
    }


def _aggregations(clauses: dict[str, dict], today: str, now: str = "") -> dict:
    """Disjunctive facets in as few passes as possible.

    A facet counts under every selection but its own. The facets without a
    selection all share one filter (every selection), so they are sub-aggregations
    of one `shared` filter aggregation — or top-level ones when nothing is
    selected; each selected facet has its own filter aggregation (`<facet>.values`).
    Same counts as one filter per facet, fewer passes over the matches.
    """
    sub = _facet_aggregations(today, now)
    if not clauses:
        return {facet: sub[facet] for facet in FACETS}
    aggs: dict = {}
    shared = {facet: sub[facet] for facet in FACETS if facet not in clauses}
    if shared:
        aggs["shared"] = {"filter": _all_of(list(clauses.values())), "aggs": shared}
    for facet in FACETS:
        if facet in clauses:
            others = [clause for name, clause in clauses.items() if name != facet]
            aggs[facet] = {"filter": _all_of(others), "aggs": {"values": sub[facet]}}
    return aggs


def _facet_buckets(aggregations: Mapping, facet: str):
    """The buckets of a facet, wherever _aggregations put it."""
    node = aggregations.get(facet) or aggregations.get("shared", {}).get(facet) or {}
    if "values" in node:
        node = node["values"]
    if "now" in node:  # the price: nested, at now
        node = node["now"]["values"]
    return node.get("buckets", [])


def _highlight() -> dict:
    return {
        "require_field_match": False,
        "pre_tags": [_HL_PRE],
        "post_tags": [_HL_POST],
        "fields": {
            "title": {"number_of_fragments": 0},
            "description": {"fragment_size": 160, "number_of_fragments": 1},
        },
    }


def _rescore(today: str, window: int) -> dict:
    """The relevance boosts of `_scored`, applied to the best `window` matches only."""
    return {
        "window_size": window,
        "query": {
            "rescore_query": _scored({"match_all": {}}, today, boost_mode="replace"),
            "query_weight": 1,
            "rescore_query_weight": 1,
            "score_mode": "multiply",
        },
    }


def build_request(
    params: SearchParams, *, today: datetime.date | None = None, reading: Reading | None = None,
    now: datetime.datetime | None = None,
) -> dict:
    """The search body (without index): query, post_filter, aggs, sort, page, highlight.

    `today` (default: today in the marketplace's time zone) decides which OCOP
    certificates count, `now` (default: now) which prices are in force. `reading` (search.vocabulary.read_query) is what a phone user
    meant by `q` ("nuocmam" → "nước mắm"): when given, it is searched *instead of* `q`,
    exactly as if it had been typed (see `search_products` for when).

    Ranking by relevance with words: the boosts for OCOP stars and featuring
    multiply the text score of the best RESCORE_WINDOW matches in a `rescore`
    (standard Elasticsearch): a `function_score` around the whole query would
    score every match, which costs most of a request on large catalogues. With a
    rescore Elasticsearch allows no explicit sort: equal scores keep index order
    (ascending id, as the rebuild writes them). Browsing (no words) still wraps
    the match-all query in `function_score`: there the boosts are the order, for
    every product. Price and newest sorts need no boost; `popular` keeps it as
    its tie-breaker.
    """
    day = _today(today)
    moment = _now(now)
    clauses = _filters(params, day, moment)
    words = reading.text if reading is not None else params.q
    query = _text_query(words) if words else {"match_all": {}}
    if params.within_category is not None:
        query = {"bool": {"must": [query],
                          "filter": [{"term": {"category_ids": params.within_category}}]}}
    body = {
        "post_filter": _all_of(list(clauses.values())),
        "aggs": _aggregations(clauses, day, moment),
        "from": params.offset,
        "size": params.page_size,
        "track_total_hits": True,
        "_source": False,
    }
    if params.q and params.sort == "relevance":
        body["query"] = query
        body["rescore"] = _rescore(day, max(RESCORE_WINDOW, params.offset + params.page_size))
    elif params.sort in ("price_asc", "price_desc", "newest"):
        body["query"] = query
        body["sort"] = _sort(params, moment)
    else:
        body["query"] = _scored(query, day)
        body["sort"] = _sort(params, moment)
    if params.q:
        body["highlight"] = _highlight()
    return body


# --- the result ------------------------------------------------------------


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    params: SearchParams
    ids: list[int] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    highlights: dict[int, dict[str, str]] = field(default_factory=dict)
    suggestion: str | None = None
    degraded: bool = False  # True: answered by the database fallback, without facets

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def page_size(self) -> int:
        return self.params.page_size

    @property
    def num_pages(self) -> int:
        return max(1, ceil(self.total / self.page_size)) if self.page_size else 1


def mark(fragment: str) -> str:
    """An engine fragment as safe HTML: escaped text, <mark> around the matches."""
    return html.escape(fragment).replace(_HL_PRE, "<mark>").replace(_HL_POST, "</mark>")


def search_client():
    """The client for interactive searches (HTML pages, API): a short timeout.

    A slow search server must not hold a buyer's page: after
    settings.SEARCH_REQUEST_TIMEOUT seconds the request fails (no retry on a
    timeout) and the views answer from the database (search.fallback).
    Refused connections are still retried (ELASTICSEARCH_MAX_RETRIES): they fail fast.
    Without a configured server, the embedded one is started (and indexed) first.
    """
    search_server_ensure()
    timeout = getattr(settings, "SEARCH_REQUEST_TIMEOUT", 2)
    return get_client().options(request_timeout=timeout, retry_on_timeout=False)


def search_products(params: SearchParams) -> SearchResult:
    """Run the search; engine errors propagate (see search.engine.SearchUnavailable).

    A query typed without spaces or through Telex keys ("nuocmam", "nuwowcs mawms") that
    matches nothing as typed is searched as it was meant (search.typed), exactly as if that
    had been typed, and that reading is the result's suggestion. A query that matches as
    typed (typo tolerance aside) is searched as typed, with no reading.
    """
    client = search_client()
    reading = read_query(params.q)
    if reading is not None and _matches_as_typed(client, params.q):
        reading = None
    result = _search(client, params, reading)
    if reading is not None and result.total == 0:
        result, reading = _search(client, params, None), None  # the reading finds nothing either
    if reading is not None:
        result.suggestion = reading.text
    elif params.q and result.total == 0 and not _filters_hide_matches(client, params):
        result.suggestion = did_you_mean(params)
    return result


def _matches_as_typed(client, q: str) -> bool:
    """True when some product has every word of `q` as typed (no typo tolerance, no filters):
    "socola" of a description. "khoca" matching "Yến Khoa" by one edit does not count."""
    return client.count(index=index_alias(), query=_text_query(q, fuzzy=False))["count"] > 0


def _search(client, params: SearchParams, reading: Reading | None) -> SearchResult:
    response = client.search(index=index_alias(), **build_request(params, reading=reading))
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]
    return SearchResult(
        params=params,
        ids=[int(hit["_id"]) for hit in hits],
        total=total["value"] if isinstance(total, dict) else int(total),
        facets=_facets(params, response.get("aggregations", {})),
        highlights={
            int(hit["_id"]): {name: mark(" … ".join(fragments))
                              for name, fragments in hit.get("highlight", {}).items()}
            for hit in hits if hit.get("highlight")
        },
    )


def _filters_hide_matches(client, params: SearchParams) -> bool:
    """True when the words match products and only the filters leave nothing:
    then the words need no correction (the facets show where the products are)."""
    if not (params.category or params.stars or params.shop or params.commune
            or params.price_min is not None or params.price_max is not None
            or params.within_category is not None):
        return False
    unfiltered = replace(params, category=(), stars=(), shop=(), commune=(),
                         price_min=None, price_max=None, within_category=None)
    query = build_request(unfiltered)["query"]
    return client.count(index=index_alias(), query=query)["count"] > 0


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def did_you_mean(params: SearchParams) -> str | None:
    """A corrected query from a looser fuzzy retry (2 edits, any word), or None.

    Each word of the query is replaced by the closest word the retry matched in
    the best hits' title, shop or category (1 edit for words up to 4 letters, 2
    beyond); filters are ignored: the words themselves are what is misspelt.
    """
    client = search_client()
    body = {
        "query": {"multi_match": {
            "query": params.q,
            "fields": ["title^3", "shop_name", "category_names"],
            "fuzziness": 2, "prefix_length": 0, "operator": "or",
        }},
        "size": 5,
        "_source": False,
        "highlight": {
            "require_field_match": False,
            "pre_tags": [_HL_PRE], "post_tags": [_HL_POST],
            "fields": {name: {"number_of_fragments": 0}
                       for name in ("title", "shop_name", "category_names")},
        },
    }
    response = client.search(index=index_alias(), **body)
    # per field: word → (rank of the first hit that matched it, -times matched)
    seen: dict[str, dict[str, tuple[int, int]]] = {"title": {}, "other": {}}
    for rank, hit in enumerate(response["hits"]["hits"]):
        for name, fragments in hit.get("highlight", {}).items():
            words = seen["title" if name == "title" else "other"]
            for fragment in fragments:
                for marked in re.findall(f"{_HL_PRE}(.*?){_HL_POST}", fragment):
                    for word in _WORD.findall(marked.lower()):
                        first, count = words.get(word, (rank, 0))
                        words[word] = (first, count - 1)
    if not seen["title"] and not seen["other"]:
        return None
    corrected = []
    for word in _WORD.findall(params.q):
        corrected.append(_closest(fold(word).lower(), seen["title"])
                         or _closest(fold(word).lower(), seen["other"])
                         or word)
    suggestion = " ".join(corrected)
    return suggestion if fold(suggestion).lower() != fold(params.q).lower() else None


def _closest(folded: str, words: dict[str, tuple[int, int]]) -> str | None:
    """The title (or shop/category) word nearest to a folded query word, if near enough."""
    if not words:
        return None
    best = min(words, key=lambda w: (_distance(folded, fold(w)), *words[w]))
    return best if _distance(folded, fold(best)) <= _max_edits(folded) else None


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _facets(params: SearchParams, aggregations: Mapping) -> dict[str, list[FacetValue]]:
    raw: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        buckets = _facet_buckets(aggregations, facet)
        if isinstance(buckets, Mapping):  # a `filters` aggregation: keyed buckets
            raw[facet] = sorted(((str(key), int(bucket["doc_count"])) for key, bucket in buckets.items()),
                                key=lambda item: item[0], reverse=True)
        else:
            raw[facet] = [(str(bucket["key"]), int(bucket["doc_count"])) for bucket in buckets]
    labels = _labels(raw, params)
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        selected = set(params.selected(facet))
        values = [
            FacetValue(key, labels[facet].get(key, key), count, key in selected)
            for key, count in raw[facet]
            if count or key in selected or facet == "price"
        ]
        present = {value.key for value in values}
        values += [FacetValue(key, labels[facet].get(key, key), 0, True)
                   for key in params.selected(facet) if key not in present]
        if facet == "price":
            values = [value for value in values if value.count or value.selected]
        facets[facet] = values
    return facets


def _labels(raw: dict[str, list[tuple[str, int]]], params: SearchParams) -> dict[str, dict]:
    def keys(facet):
        return {key for key, _count in raw[facet]} | set(params.selected(facet))

    category_ids = [int(key) for key in keys("category") if key.isdigit()]
    shop_slugs = list(keys("shop"))
    return {
        "category": {str(pk): name for pk, name in
                     Category.objects.filter(pk__in=category_ids).values_list("pk", "name")}
        if category_ids else {},
        "shop": dict(Partner.objects.filter(code__in=shop_slugs).values_list("code", "name"))
        if shop_slugs else {},
        "commune": {key: commune_name(int(key)) or key for key in keys("commune") if key.isdigit()},
        "stars": {key: f"{key}★" for key in keys("stars")},
        "price": {_price_key(low, None if high is None else high - 1): _price_label(low, high)
                  for low, high in PRICE_RANGES},
    }


def _price_label(low: int | None, high: int | None) -> str:
    if low is None:
        return str(_("Dưới %(p)s") % {"p": format_vnd(high)})
    if high is None:
        return str(_("Từ %(p)s") % {"p": format_vnd(low)})
    return f"{format_vnd(low)} – {format_vnd(high)}"


# --- products --------------------------------------------------------------


def hydrate(result: SearchResult, *, queryset=None) -> list:
    """The result's products from the database, in result order, in one queryset.

    Each product carries `search_highlight` (dict field → safe HTML, may be empty).
    Products that stopped being public since indexing are left out. `queryset`
    (default `product_list_public()`) must be a narrowing of that one.
    """
    if not result.ids:
        return []
    queryset = product_list_public() if queryset is None else queryset
    by_id = {product.pk: product for product in queryset.filter(pk__in=result.ids)}
    products = []
    for pk in result.ids:
        product = by_id.get(pk)
        if product is not None:
            product.search_highlight = result.highlights.get(pk, {})
            products.append(product)
    return products


# --- suggestions -----------------------------------------------------------


def suggest(q: str, *, limit: int = 8) -> list[dict]:
    """Titles starting like `q` (folded, any word of the title): [{"text", "url"}].

    When nothing starts like `q`, what a phone user meant by it (search.typed) is tried.
    """
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    limit = max(1, min(limit, 9))
    if not q:
        return []
    client = search_client()
    options = _completion(client, q, limit, fuzzy=False)
    if not options:
        options = _completion(client, q, limit, fuzzy=True)
    if not options and (reading := read_query(q)) is not None:
        # typed together or through Telex keys: "nuocmam", "nuwowcs mawms" (search.typed)
        options = _completion(client, reading.folded, limit, fuzzy=False)
    # Ties (equal score) come back in any order from osmem-server: break them by text, then
    # id, so the same query gets the same answer (and the API's ETag stays valid).
    options.sort(key=lambda o: (-float(o.get("_score") or 0), o.get("text") or "", o["_id"]))
    suggestions, seen = [], set()
    for option in options:
        source = option.get("_source") or {}
        if option["_id"] in seen or not source.get("title"):
            continue
        seen.add(option["_id"])
        suggestions.append({"text": source["title"], "url": source.get("url")})
    return suggestions[:limit]


def _completion(client, q: str, limit: int, *, fuzzy: bool) -> list[dict]:
    completion = {"field": "suggest", "size": limit * 2, "skip_duplicates": True}
    if fuzzy:
        if len(q) < 4:
            return []
        completion["fuzzy"] = {"fuzziness": "AUTO"}
    response = client.search(
        index=index_alias(),
        suggest={"products": {"prefix": q, "completion": completion}},
        source=["title", "url"],
        size=0,
    )
    entries = response.get("suggest", {}).get("products", [])
    return [option for entry in entries for option in entry.get("options", [])]
