"""Health endpoints for load balancers and orchestrators.

/health/live answers 200 while the process serves requests. /health/ready checks
each dependency separately and answers 503 when any is down.

Anyone may ask /health/ready (load balancers do, unauthenticated), so its public body names
each dependency and its state only. The details (server versions, cluster name, index,
error text, latencies) help an attacker choose an exploit: they are shown to signed-in
programme staff and to a client on this machine (an orchestrator's probe, `curl` on the
host). "On this machine" is the client's address as marketplace.core.proxy made it:
X-Forwarded-For is believed only from trusted proxies, so an outside client cannot forge
a loopback address.
"""

from __future__ import annotations

import ipaddress
import time

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from marketplace.core.ratelimit import client_address
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


def may_see_details(request) -> bool:
    """Signed-in staff, or a client on this machine (loopback, per the trusted-proxy rule)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    try:
        return ipaddress.ip_address(client_address(request).strip("[]")).is_loopback
    except ValueError:  # empty on a unix socket with no forwarded header, or garbage
        return False


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
    if not may_see_details(request):
        dependencies = {name: {"status": state["status"]} for name, state in dependencies.items()}
    healthy = all(dep["status"] == "up" for dep in dependencies.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "dependencies": dependencies},
        status=200 if healthy else 503,
    )
