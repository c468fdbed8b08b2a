"""HTTP caching of the API's public reads: `Cache-Control: public, max-age=300` and a strong
ETag (a hash of the body); a matching `If-None-Match` answers 304 without the body.

Applied per operation with ninja's `decorate_view(public_cache())`: it wraps the Django view,
so it sees the rendered response. Only successful GET/HEAD answers are marked cacheable;
errors (404, 422, 429) are left as they are.
"""

from __future__ import annotations

from functools import wraps

from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

MAX_AGE = 300


def public_cache(max_age: int = MAX_AGE):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD") or response.status_code != 200:
                return response
            if getattr(response, "streaming", False):
                return response
            patch_cache_control(response, public=True, max_age=max_age)
            set_response_etag(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)

        return wrapped

    return decorator
