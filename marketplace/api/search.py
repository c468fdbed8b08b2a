"""`GET /api/v1/search/suggest?q=`: autocomplete for the search box (prefix, diacritics folded).

Cached like the other public reads, for a minute only: the box asks at every keystroke and
a new product should show up soon.
"""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from marketplace.api.caching import public_cache
from marketplace.api.common import public_read
from search.query import MAX_QUERY_LENGTH, suggest

SUGGEST_MAX_AGE = 60

router = Router()


class SuggestParams(Schema):
    q: str = Field(..., min_length=1, max_length=MAX_QUERY_LENGTH, description="what the buyer typed")


class Suggestion(Schema):
    text: str
    url: str | None


class SuggestOut(Schema):
    suggestions: list[Suggestion]


@router.get(
    "suggest",
    response=public_read(SuggestOut, 422, 503),
    summary="Search-box suggestions (fewer than 10)",
)
@decorate_view(public_cache(max_age=SUGGEST_MAX_AGE))
def search_suggest(request: HttpRequest, params: Query[SuggestParams]):
    return {"suggestions": suggest(params.q.strip())}
