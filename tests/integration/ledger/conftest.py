"""Every settlement test runs with the 5 % programme fee and the Decree 117 goods rates
(tests/factories/ledger.py computes the amounts)."""

from __future__ import annotations

import pytest

from tests.factories.ledger import money_rates


@pytest.fixture(autouse=True)
def fee_rate(db):
    return money_rates()
