"""The database fallback: when the search server is down or slow, pages still list products.

Every word must be in the folded title, with a parent's options' names and the attribute
values' text (`Product.search_text`: "mat ong" finds "Mật ong", "hu thuy tinh" a product with
an option "hũ thủy tinh"; "f" typed for "ph" is tried too; words that match nothing as typed are read as
what a phone user meant by joined or Telex-typed words, search.typed: "nuocmam",
"nuwowcs mawms" find "Nước mắm"; no typo tolerance, no facets) over `product_list_public()`, with the simple
filters applied. A simpler ranking:
titles starting with the query, then containing it as typed, then the others;
within each, more OCOP stars (valid today) first, then the newest. The result
has the same shape as the engine's (search.query.SearchResult) with
`degraded=True`, so views render it the same way with a notice.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, F, IntegerField, Min, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalogue.models import Category
from catalogue.pricing import price_in_force_expression
from catalogue.selectors import product_list_public
from marketplace.core.text import fold
from search.query import SearchParams, SearchResult, spellings
from search.vocabulary import read_query


def database_search(params: SearchParams, *, now: datetime.datetime | None = None) -> SearchResult:
    """`now` (default: now) decides which sale prices are in force."""
    now = now or timezone.now()
    queryset = product_list_public()
    phrases = _phrases(params.q)
    reading = read_query(params.q)
    if reading is not None:
        if queryset.filter(_every_word(phrases)).exists():
            reading = None  # it matches as typed: searched as typed, no reading
        else:
            read_phrases = _phrases(reading.text)
            if queryset.filter(_every_word(read_phrases)).exists():
                phrases = read_phrases
            else:
                reading = None  # the reading finds nothing either
    if params.q:
        queryset = queryset.filter(_every_word(phrases))
    if params.shop:
        queryset = queryset.filter(shop__code__in=params.shop)
    if params.stars:
        queryset = queryset.filter(ocop_stars__in=params.stars)
    if params.commune:
        queryset = queryset.filter(shop__commune_code__in=params.commune)
    if params.within_category is not None:
        queryset = queryset.filter(_in_categories([params.within_category]))
    if params.category:
        queryset = queryset.filter(_in_categories(params.category))
    # The price in force now, as the search server decides it (catalogue.pricing): a
    # standalone's own record's, or a parent's cheapest public variant's.
    queryset = queryset.annotate(min_price=Coalesce(
        Min(price_in_force_expression("stockrecords__", at=now)),
        Min(price_in_force_expression("children__stockrecords__", at=now), filter=Q(children__is_public=True)),
    ))
    if params.price_min is not None:
        queryset = queryset.filter(min_price__gte=params.price_min)
    if params.price_max is not None:
        queryset = queryset.filter(min_price__lte=params.price_max)
    newest = ["-date_created", "-pk"]
    order = {
        "price_asc": [F("min_price").asc(nulls_last=True), "pk"],
        "price_desc": [F("min_price").desc(nulls_last=True), "pk"],
        "newest": newest,
    }.get(params.sort)
    if order is None:  # relevance (and popular: no order statistics in the database)
        order = [F("ocop_stars").desc(nulls_last=True), *newest]
        if params.q:
            queryset = queryset.annotate(title_rank=Case(
                *[When(search_text__startswith=phrase, then=Value(0)) for phrase in phrases],
                *[When(search_text__contains=phrase, then=Value(1)) for phrase in phrases],
                default=Value(2), output_field=IntegerField(),
            ))
            order = ["title_rank", *order]
    ids = list(dict.fromkeys(queryset.order_by(*order).values_list("pk", flat=True)))
    page = ids[params.offset : params.offset + params.page_size]
    return SearchResult(params=params, ids=page, total=len(ids), degraded=True,
                        suggestion=reading.text if reading is not None else None)


def _phrases(q: str) -> list[str]:
    return list(dict.fromkeys(" ".join(fold(text).lower().split()) for text in spellings(q)))


def _every_word(phrases: list[str]) -> Q:
    """Every word of one of the spellings in the folded title."""
    match = Q()
    for phrase in phrases:
        every_word = Q()
        for word in phrase.split():
            every_word &= Q(search_text__contains=word)
        match |= every_word
    return match


def _in_categories(values) -> Q:
    """Products in any of these categories (ids or slugs) or below them."""
    ids = [value for value in values if isinstance(value, int)]
    slugs = [value for value in values if isinstance(value, str)]
    paths = list(
        Category.objects.filter(Q(pk__in=ids) | Q(slug__in=slugs)).values_list("path", flat=True)
    )
    if not paths:
        return Q(pk__in=[])
    match = Q()
    for path in paths:
        match |= Q(categories__path__startswith=path)
    return match
