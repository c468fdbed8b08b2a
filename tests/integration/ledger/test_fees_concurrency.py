"""The fee-change notices run several times at once (the queued task, the daily command, a
second worker): each open shop is e-mailed once (marketplace/ledger/fee_notices.py claims a
`FeeChangeNotice` row per shop before sending).

Needs real concurrent writers: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.core.dates import today_vn
from marketplace.ledger.fee_notices import fee_change_notices_send
from marketplace.ledger.models import FeeChangeNotice, FeeRate
from tests.factories import make_shop, make_user

pytestmark = pytest.mark.django_db(transaction=True)

CALLS = 6


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL concurrent writers: run with DATABASE_URL=postgres://…")


def test_notices_run_at_once_tell_each_shop_once(mailoutbox):
    for i in range(4):
        make_shop(f"htx-bao-phi-{i}", owner=make_user(f"chu{i}@bao-phi.vn"))
    rate = FeeRate.objects.create(valid_from=today_vn() + datetime.timedelta(days=30), basis_points=200,
                                  announced_at=timezone.now())
    barrier = threading.Barrier(CALLS)
    told, errors = [], []

    def run():
        try:
            barrier.wait(10)
            told.append(fee_change_notices_send(rate=rate))
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(CALLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(told) == 4
    assert sorted(address for mail in mailoutbox for address in mail.to) == [
        f"chu{i}@bao-phi.vn" for i in range(4)]
    assert FeeChangeNotice.objects.filter(rate=rate).count() == 4
