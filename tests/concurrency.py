"""Run calls at the same instant, one thread and one database connection each.

The concurrency tests prove that a status change, a payment or a payout happens once when
many requests race; they need PostgreSQL's row locks (SQLite serialises writers), so they
carry `needs_postgresql` and are skipped otherwise.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks: run with DATABASE_URL=postgres://…",
)


def at_once(calls, *, timeout: float = 60) -> list:
    """Each call's result, or the exception it raised, in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait(30)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 -- handed back to the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    return outcomes


def race(calls, refused: type[BaseException] | tuple = ()) -> tuple[list, list]:
    """(results, refusals) of calls run at once; any exception other than `refused` fails."""
    outcomes = at_once(calls)
    refusals = [o for o in outcomes if refused and isinstance(o, refused)]
    errors = [o for o in outcomes if isinstance(o, Exception) and o not in refusals]
    assert errors == []
    return [o for o in outcomes if not isinstance(o, Exception)], refusals
