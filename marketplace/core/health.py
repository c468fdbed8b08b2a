"""Health endpoints for load balancers and orchestrators.

/health/live answers 200 while the process serves requests. /health/ready checks
each dependency separately and answers 503 when any is down.
"""

from __future__ import annotations

import time

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from search.engine import ping
from search.indexing import search_server_ensure


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _check_search() -> dict:
    search_server_ensure()  # no server configured: the embedded one, as searches would
    return ping()


CHECKS = {"database": _check_database, "search": _check_search}


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    dependencies = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            detail = check() or {}
            state = {"status": "up", **detail}
        except Exception as exc:  # noqa: BLE001 -- any failure means "down", reported by name
            state = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        state["ms"] = round((time.monotonic() - started) * 1000, 1)
        dependencies[name] = state
    healthy = all(dep["status"] == "up" for dep in dependencies.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "dependencies": dependencies},
        status=200 if healthy else 503,
    )
