"""/dashboard/settlement/fees/ (announcing a programme fee): only programme staff, and what
staff type is checked — anything else is a 403 or a 400 with the form, never a 500 and never a
fee row (marketplace/ledger/dashboard/views.py:FeeRatesView)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.core.dates import today_vn
from marketplace.ledger.models import FeeRate
from tests.factories import make_shop, make_staff, make_user

pytestmark = pytest.mark.django_db

FEES = reverse("settlement-dashboard:fees")
LATER = "2099-01-01"


def test_anonymous_visitors_sellers_and_buyers_cannot_see_or_announce(client):
    assert client.get(FEES).status_code == 302
    assert client.post(FEES, {"percent": "1", "valid_from": LATER}).status_code == 302
    owner = make_user("chu@htx-phi.vn")
    make_shop("htx-phi", owner=owner)
    for person in (owner, make_user("khach@mua.vn")):
        client.force_login(person)
        assert client.get(FEES).status_code == 403
        assert client.post(FEES, {"percent": "0", "valid_from": LATER}).status_code == 403
    assert not FeeRate.objects.exists()


@pytest.mark.parametrize("data", [
    {"percent": "1e9", "valid_from": LATER},
    {"percent": "-1", "valid_from": LATER},
    {"percent": "NaN", "valid_from": LATER},
    {"percent": "Infinity", "valid_from": LATER},
    {"percent": "2,345", "valid_from": LATER},
    {"percent": "2", "valid_from": "0001-01-01"},
    {"percent": "2", "valid_from": "99999-01-01"},
    {"percent": "2", "valid_from": "2099-02-30"},
    {"percent": "2", "valid_from": LATER, "category": "abc"},
    {"percent": "2", "valid_from": LATER, "category": "999999999999999999999"},
    {"percent": "2", "valid_from": LATER, "note": "x" * 10_000},
    {"percent": ["1", "2"], "valid_from": [LATER, "yesterday"]},
    {},
])
def test_what_staff_type_is_checked_before_anything_is_written(client, data):
    client.force_login(make_staff())
    response = client.post(FEES, data)
    assert response.status_code == 400
    assert 'data-fee-form' in response.content.decode()
    assert not FeeRate.objects.exists()


def test_today_is_refused_as_a_start_even_when_the_browser_check_is_bypassed(client):
    client.force_login(make_staff())
    response = client.post(FEES, {"percent": "2", "valid_from": today_vn().isoformat()})
    assert response.status_code == 400 and not FeeRate.objects.exists()
