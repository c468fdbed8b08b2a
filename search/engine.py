"""Placeholder replaced by the search implementation."""


def ping() -> dict:
    raise RuntimeError("search engine not configured")
