"""The client's address behind nginx and load balancers: REMOTE_ADDR made true again.

The rate limits (marketplace.core.ratelimit, the API's) and the sign-in lockout
(marketplace.core.signin) key on REMOTE_ADDR. Behind nginx, gunicorn puts nginx's address
there (or nothing, on a unix socket): every buyer would share one counter. gunicorn's
`forwarded_allow_ips` only decides whether to believe X-Forwarded-Proto; it never rewrites
REMOTE_ADDR. This middleware does, and only for requests that come from a trusted proxy.

`X-Forwarded-For` is read from the right: each proxy appends the address it received the
request from, so the rightmost address that is not itself a trusted proxy is the client;
what a client wrote into the header itself sits to the left of that and is ignored.

Trusted proxies are `settings.TRUSTED_PROXIES` (env `FORWARDED_ALLOW_IPS`, the variable
gunicorn reads for the same trust; addresses or networks, default loopback). A unix-socket
peer (REMOTE_ADDR empty) is trusted: only local processes can reach the socket.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TRUSTED = ("127.0.0.1", "::1")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for item in spec:
        if item == "*":
            raise ImproperlyConfigured(
                "FORWARDED_ALLOW_IPS='*' would let any client choose its address for the "
                "rate limits: list the proxies' addresses or networks"
            )
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"FORWARDED_ALLOW_IPS: {item!r} is not an address") from exc
    return tuple(networks)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def client_address(meta: dict, trusted: tuple[str, ...]) -> str | None:
    """The client's address per X-Forwarded-For, or None when the peer is not a trusted proxy."""
    networks = _networks(trusted)

    def is_trusted(address) -> bool:
        return any(address in network for network in networks)

    peer = meta.get("REMOTE_ADDR", "")
    if peer:  # empty on a unix socket
        peer_address = _address(peer)
        if peer_address is None or not is_trusted(peer_address):
            return None
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return None
    client = None
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage in the chain: believe nothing to its left
            break
        client = address
        if not is_trusted(address):
            break
    return str(client) if client is not None else None


class ProxyHeadersMiddleware:
    """Sets REMOTE_ADDR to the client's address when the request came through our proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = tuple(getattr(settings, "TRUSTED_PROXIES", DEFAULT_TRUSTED))
        client = client_address(request.META, trusted)
        if client is not None:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
