"""`GET /api/v1/search/suggest?q=`: autocomplete for the search box (prefix, diacritics folded)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from search.query import MAX_QUERY_LENGTH, suggest

router = Router()


class SuggestParams(Schema):
    q: str = Field(..., min_length=1, max_length=MAX_QUERY_LENGTH, description="what the buyer typed")


class Suggestion(Schema):
    text: str
    url: str | None


class SuggestOut(Schema):
    suggestions: list[Suggestion]


@router.get("suggest", response=SuggestOut, summary="Search-box suggestions (fewer than 10)")
def search_suggest(request: HttpRequest, params: Query[SuggestParams]):
    return {"suggestions": suggest(params.q.strip())}
