"""Redis stops: the site still serves and signs people in (production's cache and sessions).

The cache is configured as production configures it (`redis_cache_settings`, cached_db
sessions) and points at a real redis-server started by the test, which is then stopped.
Django's own RedisCache, in the same situation, turns the home page into an error: the
control test shows it, so the others show something.
"""

from __future__ import annotations

import pytest
import redis
from django.test import Client, override_settings

from marketplace.core import cache as resilient
from marketplace.core.cache import redis_cache_settings

from .conftest import BUYER_EMAIL, BUYER_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.search]

SESSIONS = "django.contrib.sessions.backends.cached_db"
SESSION_KEYS = "ocop:1:django.contrib.sessions.cached_db*"


@pytest.fixture(autouse=True)
def fresh_breaker():
    """Each test starts with a process that has never seen Redis fail."""
    resilient._HEALTH.clear()
    yield
    resilient._HEALTH.clear()


def production_cache(url: str, **options):
    return override_settings(
        CACHES={"default": redis_cache_settings(url, **options)}, SESSION_ENGINE=SESSIONS
    )


def sign_in(client: Client) -> None:
    response = client.post(
        "/accounts/login/",
        {"login-username": BUYER_EMAIL, "login-password": BUYER_PASSWORD, "login_submit": "1"},
    )
    assert response.status_code == 302, response.content[:500]


def signed_in(client: Client) -> bool:
    response = client.get("/accounts/profile/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


@pytest.fixture
def pages(small_site):
    return ["/", small_site["product"].get_absolute_url(), "/search/?q=mat+ong", "/shops/"]


def test_pages_and_sign_in_keep_working_when_redis_stops(pages, redis_server, client):
    with production_cache(redis_server.url):
        for url in pages:
            assert client.get(url).status_code == 200, url
        sign_in(client)
        assert signed_in(client)
        assert redis_server.keys(SESSION_KEYS), "the session should be cached in Redis"
        assert redis_server.keys("ocop:1:cms:*"), "the CMS should cache in Redis"

        redis_server.stop()

        for url in pages:
            assert client.get(url).status_code == 200, url
        assert signed_in(client), "the session is read from the database meanwhile"
        newcomer = Client()
        sign_in(newcomer)
        assert signed_in(newcomer)
        newcomer.post("/accounts/logout/")
        assert not signed_in(newcomer)
        # The API's rate limit counts in the cache too: it lets requests through meanwhile.
        assert client.get("/api/v1/products", {"q": "mat ong"}).status_code == 200


def test_djangos_own_redis_cache_would_turn_the_site_into_errors(small_site, redis_server, client):
    plain = {**redis_cache_settings(redis_server.url)}
    plain["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    plain["OPTIONS"] = {k: v for k, v in plain["OPTIONS"].items() if k != "retry_after"}
    with override_settings(CACHES={"default": plain}, SESSION_ENGINE=SESSIONS):
        assert client.get("/").status_code == 200
        redis_server.stop()
        with pytest.raises(redis.exceptions.ConnectionError):
            client.get("/")


def test_a_session_signed_out_during_the_outage_stays_signed_out_after_it(
    small_site, redis_server, settings, client
):
    """Redis saved its data and comes back with it: the signed-out session must not return.

    The sign-out deletes the session from the database while Redis is down; the copy in
    Redis survives the restart. The cache remembers the keys it could not delete and deletes
    them before anything else once Redis answers. retry_after=0: no waiting for the breaker.
    """
    with production_cache(redis_server.url, retry_after=0):
        sign_in(client)
        stolen_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        redis_server.stop(save=True)

        client.post("/accounts/logout/")
        assert not signed_in(client)

        redis_server.start()  # with the data it saved, the old session among it
        assert any(stolen_cookie in key for key in redis_server.keys(SESSION_KEYS))

        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = stolen_cookie
        assert not signed_in(thief)
        assert not any(stolen_cookie in key for key in redis_server.keys(SESSION_KEYS))


def test_the_breaker_spares_redis_after_a_failure_and_tries_again_later(redis_server):
    from django.core.cache.backends.redis import RedisCache

    from marketplace.core.cache import ResilientRedisCache

    params = redis_cache_settings(redis_server.url)
    cache = ResilientRedisCache(params["LOCATION"], params)
    cache.set("k", 1)
    assert cache.get("k") == 1
    redis_server.stop()
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k2", 2) is False
    with pytest.raises(ValueError):
        cache.incr("k")
    cache.set("k", 3)  # dropped, remembered
    redis_server.start()  # empty: a Redis without persistence
    # Within retry_after, Redis is left alone even though it is back.
    assert cache.get("k", "missing") == "missing"
    resilient._HEALTH[redis_server.url].down_until = 0  # retry_after has passed
    plain = RedisCache(params["LOCATION"], {**params, "OPTIONS": {}})
    plain.set("k", 42)  # whatever Redis now holds for a key whose write we missed may be stale
    assert cache.get("k") is None, "the key written during the outage is deleted first"
    cache.set("k", 4)
    assert cache.get("k") == 4
