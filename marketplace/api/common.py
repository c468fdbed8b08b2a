"""What every router of `/api/v1/` shares: the error bodies, the responses a public read
declares in the OpenAPI schema, and paging.

Error bodies:
- 422 `{"detail": [{"loc": ["query", name], "msg": …}]}`: ninja's validation shape, used by
  our own checks too (a page beyond the last, a page size over the limit);
- 404, 429, 503 `{"detail": code, "message": text}`.

Every public read may also answer 304 (a matching `If-None-Match`, marketplace.api.caching)
and 429 (the rate limit, marketplace.api.ratelimit): `public_read()` declares both, so the
schema lists every status an endpoint really returns (the schemathesis run in
tests/integration/api checks it).
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field


class ErrorDetail(Schema):
    loc: list[str | int]
    msg: str


class Error422(Schema):
    detail: list[ErrorDetail]


class Error(Schema):
    detail: str
    message: str | None = None


ERRORS: dict[int, type[Schema]] = {404: Error, 422: Error422, 503: Error}


def public_read(ok: Any, *errors: int) -> dict[int, Any]:
    """`response=` of a cached public read: `ok` for 200, 304 and 429, and the given errors."""
    return {200: ok, 304: None, 429: Error, **{code: ERRORS[code] for code in errors}}


def unprocessable(errors: dict[str, str]) -> Status:
    """422 in ninja's validation shape, for checks ninja's parameter parsing cannot make."""
    return Status(
        422, {"detail": [{"loc": ["query", name], "msg": msg} for name, msg in errors.items()]}
    )


def page_field() -> Any:
    return Field(1, ge=1, le=10_000, description="page number, from 1")


def page_size_field(default: int, maximum: int, noun: str) -> Any:
    return Field(
        default, ge=1, le=maximum, description=f"{noun} per page, 1–{maximum} (default {default})"
    )


class PageBeyondLast(Exception):
    def __init__(self, num_pages: int):
        self.num_pages = num_pages

    def response(self) -> Status:
        return unprocessable({"page": _("Chỉ có %(n)d trang.") % {"n": self.num_pages}})


def paginate(queryset: QuerySet, *, page: int, page_size: int) -> tuple[int, list]:
    """(count, the rows of the page): two queries (plus the queryset's prefetches).

    Raises PageBeyondLast for a page after the last (page 1 of nothing is an empty page).
    """
    count = queryset.count()
    num_pages = max(1, math.ceil(count / page_size))
    if page > num_pages:
        raise PageBeyondLast(num_pages)
    start = (page - 1) * page_size
    return count, list(queryset[start : start + page_size])
