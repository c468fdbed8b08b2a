"""Production's cache: Django's own RedisCache, except that an unreachable Redis is a miss.

Django's `RedisCache` lets `redis.ConnectionError` through, so a stopped Redis would turn
every page into a 500 (sessions, the CMS body cache and the rate limits all go through the
cache). `ResilientRedisCache` answers as an empty cache instead while Redis cannot be
reached: reads miss, writes are dropped, `add` reports "not stored", `incr` raises
`ValueError` as for a missing key. Sessions use `cached_db`, so they are read from the
database meanwhile. See docs/decisions/0015-production-cache.md.

Two details make that safe rather than merely quiet:

- **A short circuit breaker.** After a failure the process leaves Redis alone for
  `retry_after` seconds (OPTIONS, default 5), so a Redis that hangs instead of refusing costs
  one socket timeout per process per window, not one per cache call.
- **No stale entries after the outage.** A write or delete that did not reach Redis may leave
  an old value there (a session that was signed out, a catalogue version that was bumped).
  The keys are remembered (up to `MAX_PENDING` per process, then the whole cache database is
  flushed instead) and deleted before anything else is read once Redis answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from functools import partial

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What "Redis cannot be reached" means; any other error (a bug, a bad value) still raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
#: Keys of missed writes remembered per process before we settle for flushing the database.
MAX_PENDING = 10_000
DEFAULT_RETRY_AFTER = 5.0


@dataclass
class _Health:
    """What one process knows about one Redis location (shared by its threads)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    down_until: float = 0.0
    down_since: float | None = None
    pending: set[str] = field(default_factory=set)  # backend keys to delete on recovery
    flush: bool = False  # too many missed writes (or a missed clear): flush on recovery


_HEALTH: dict[str, _Health] = {}
_HEALTH_LOCK = threading.Lock()


def _health_for(location: str) -> _Health:
    with _HEALTH_LOCK:
        return _HEALTH.setdefault(location, _Health())


def redis_cache_settings(url: str, *, retry_after: float = DEFAULT_RETRY_AFTER) -> dict:
    """The CACHES entry production uses for REDIS_URL (tests build theirs with it too)."""
    return {
        "BACKEND": "marketplace.core.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "ocop",
        "OPTIONS": {
            # A Redis that hangs must not hang the page: fail fast, then the breaker.
            "socket_connect_timeout": 0.5,
            "socket_timeout": 1.0,
            "retry_after": retry_after,
        },
    }


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every cache call; redis-py 5+ fills ~170 response
    callbacks in each, which cost more CPU than the call itself (benchmarks/load.py). The
    clients share the pools as before and are thread-safe.
    """

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            clients[index] = client
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        options = dict(self._options)
        self._retry_after = float(options.pop("retry_after", DEFAULT_RETRY_AFTER))
        self._options = options  # the rest goes to redis-py's connection pool
        self._health = _health_for(",".join(self._servers))

    # --- the breaker ------------------------------------------------------------------------

    def _run(self, operation, fallback, written=()):
        """`operation()`, or `fallback` when Redis cannot be reached.

        `written` are the backend keys the operation would change: remembered when the change
        does not reach Redis, so that they are deleted once it answers again.
        """
        health = self._health
        if health.down_until > time.monotonic():
            self._remember(written)
            return fallback
        try:
            if health.pending or health.flush:
                self._forget_missed_writes()
            result = operation()
        except UNREACHABLE as exc:
            self._trip(exc)
            self._remember(written)
            return fallback
        if health.down_since is not None:
            with health.lock:
                since, health.down_since = health.down_since, None
            if since is not None:
                logger.warning("Redis cache reachable again after %.0f s", time.monotonic() - since)
        return result

    def _trip(self, exc: Exception) -> None:
        health = self._health
        with health.lock:
            first = health.down_since is None
            if first:
                health.down_since = time.monotonic()
            health.down_until = time.monotonic() + self._retry_after
        if first:
            logger.error(
                "Redis cache unreachable, serving without it (retry every %.0f s): %s",
                self._retry_after,
                exc,
            )

    def _remember(self, written) -> None:
        if not written:
            return
        health = self._health
        with health.lock:
            if health.flush:
                return
            health.pending.update(written)
            if len(health.pending) > MAX_PENDING:
                health.pending.clear()
                health.flush = True

    def _forget_missed_writes(self) -> None:
        """Delete what may be stale in Redis; raises (and keeps the list) while unreachable."""
        health = self._health
        with health.lock:
            keys, flush = list(health.pending), health.flush
        if flush:
            self._cache.clear()
        elif keys:
            self._cache.delete_many(keys)
        with health.lock:
            health.pending.difference_update(keys)
            if flush:
                health.flush = False
                health.pending.clear()
        logger.warning(
            "Redis cache: %s after the outage",
            "flushed" if flush else f"deleted {len(keys)} key(s) written during",
        )

    # --- Django's cache API -----------------------------------------------------------------
    # Each method is RedisCache's own, run through the breaker with what an empty cache answers.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(RedisCache.add, self, key, value, timeout, version)
        return self._run(call, False, [self.make_key(key, version)])

    def get(self, key, default=None, version=None):
        return self._run(partial(RedisCache.get, self, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(RedisCache.set, self, key, value, timeout, version)
        self._run(call, None, [self.make_key(key, version)])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run(partial(RedisCache.touch, self, key, timeout, version), False)

    def delete(self, key, version=None):
        call = partial(RedisCache.delete, self, key, version)
        return self._run(call, False, [self.make_key(key, version)])

    def get_many(self, keys, version=None):
        return self._run(partial(RedisCache.get_many, self, keys, version), {})

    def has_key(self, key, version=None):
        return self._run(partial(RedisCache.has_key, self, key, version), False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        call = partial(RedisCache.incr, self, key, delta, version)
        result = self._run(call, missing, [self.make_key(key, version)])
        if result is missing:  # as for a key that is not there: callers handle that already
            raise ValueError(f"Key '{key}' not found (the Redis cache is unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(RedisCache.set_many, self, data, timeout, version)
        return self._run(call, list(data), [self.make_key(key, version) for key in data])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        call = partial(RedisCache.delete_many, self, keys, version)
        self._run(call, None, [self.make_key(key, version) for key in keys])

    def clear(self):
        cleared = self._run(partial(RedisCache.clear, self), None)
        if cleared is None:  # not reached: flush once Redis answers again
            with self._health.lock:
                self._health.flush = True
            return False
        return cleared
