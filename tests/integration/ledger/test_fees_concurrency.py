"""The fee-change notices run several times at once (the queued task, the daily command, a
second worker): each open shop is e-mailed once (marketplace/ledger/fee_notices.py claims a
`FeeChangeNotice` row per shop before sending).

Needs real concurrent writers: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from marketplace.core.dates import today_vn
from marketplace.ledger.fee_notices import fee_change_notices_send
from marketplace.ledger.models import FeeChangeNotice, FeeRate
from tests.concurrency import needs_postgresql, race
from tests.factories import make_shop, make_user

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

CALLS = 6


def test_notices_run_at_once_tell_each_shop_once(mailoutbox):
    for i in range(4):
        make_shop(f"htx-bao-phi-{i}", owner=make_user(f"chu{i}@bao-phi.vn"))
    rate = FeeRate.objects.create(valid_from=today_vn() + datetime.timedelta(days=30), basis_points=200,
                                  announced_at=timezone.now())
    told, _ = race([lambda: fee_change_notices_send(rate=rate)] * CALLS)
    assert sum(told) == 4
    assert sorted(address for mail in mailoutbox for address in mail.to) == [
        f"chu{i}@bao-phi.vn" for i in range(4)]
    assert FeeChangeNotice.objects.filter(rate=rate).count() == 4
