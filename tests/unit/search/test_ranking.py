"""The published ranking factors (search/ranking.py) are the ones the query builder sends:
read back from the built Elasticsearch request, not from the constants."""

from __future__ import annotations

import datetime
from pathlib import Path

from search import ranking
from search.query import SORTS, SearchParams, best_stars_clause, build_request

DAY = datetime.date(2026, 12, 1)
#: The field(s) each text factor's clause searches, as _text_query_one writes it.
TEXT_CLAUSES = {
    "title_exact": ("match", "title.exact"),
    "title_phrase": ("match_phrase", "title"),
    "title_all_words": ("match", "title"),
    "shop_category_commune": ("multi_match", ("shop_name", "category_names", "commune_name")),
    "options_attributes": ("multi_match", ("variant_names", "attribute_values")),
}


def _boosts_sent(q: str) -> dict[str, float]:
    should = build_request(SearchParams(q=q), today=DAY)["query"]["bool"]["should"]
    sent = {}
    for clause in should:
        (kind, body), = clause.items()
        if kind == "multi_match":
            sent[(kind, tuple(body["fields"]))] = body["boost"]
        else:
            (field, options), = body.items()
            sent[(kind, field)] = options["boost"]
    return sent


def test_every_text_factor_is_a_clause_of_the_query_with_its_published_weight():
    sent = _boosts_sent("mật ong")
    published = {TEXT_CLAUSES[f.key]: f.weight for f in ranking.RANKING_FACTORS if f.kind == ranking.TEXT}
    assert sent == published


def test_every_multiplier_is_a_function_of_the_rescore_with_its_published_weight():
    body = build_request(SearchParams(q="mật ong"), today=DAY)
    functions = body["rescore"]["query"]["rescore_query"]["function_score"]["functions"]
    sent = {}
    for function in functions:
        for stars in (3, 4, 5):
            if function["filter"] == best_stars_clause(stars, DAY.isoformat()):
                sent[f"ocop_{stars}"] = function["weight"]
        if function["filter"] == {"term": {"featured": True}}:
            sent["featured"] = function["weight"]
    published = {f.key: f.weight for f in ranking.RANKING_FACTORS if f.kind == ranking.MULTIPLIER}
    assert sent == published and len(functions) == len(published)
    assert body["rescore"]["window_size"] == ranking.RESCORE_WINDOW


def test_browsing_multiplies_by_the_same_published_weights():
    functions = build_request(SearchParams(), today=DAY)["query"]["function_score"]["functions"]
    weights = sorted(f["weight"] for f in functions)
    assert weights == sorted(f.weight for f in ranking.RANKING_FACTORS if f.kind == ranking.MULTIPLIER)


def test_the_published_typo_tolerance_is_the_one_sent():
    body = build_request(SearchParams(q="mat ong"), today=DAY)
    every_word = body["query"]["bool"]["must"][0]["bool"]["should"][0]["match"]["text"]
    assert every_word["fuzziness"] == ranking.FUZZINESS == "AUTO:4,7"  # the page says 4 and 7 letters


def test_every_sort_has_a_published_rule_and_label():
    assert tuple(ranking.SORT_LABELS) == SORTS
    assert tuple(ranking.SORT_RULES) == SORTS


def test_the_popular_rule_says_what_indexing_does():
    """The page says popularity is not counted; the index writes 0 for every product. When
    indexing starts counting it, this fails until the published rule is rewritten."""
    source = (Path(__file__).resolve().parents[3] / "search" / "indexing.py").read_text()
    assert ('"popularity": 0' in source) == (not ranking.POPULARITY_COUNTED)
