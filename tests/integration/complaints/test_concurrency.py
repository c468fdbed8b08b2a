"""Two sellers, or a seller and the buyer, acting at once on one case apply once.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite,
whose writers do not run concurrently the way the production database's do.
"""

from __future__ import annotations

import pytest
from django.db import connection

from marketplace.complaints.models import Complaint
from marketplace.complaints.services import (
    ComplaintError,
    complaint_dispute,
    complaint_open,
    complaint_refund,
    complaint_refuse,
    complaints_escalate,
)
from marketplace.core.models import AuditEvent
from shops.models import ShopMember
from tests.concurrency import race
from tests.factories import make_user

from .conftest import delivered_order

pytestmark = pytest.mark.django_db(transaction=True)

CALLS = 8


@pytest.fixture
def case():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with DATABASE_URL=postgres://…")
    buyer = make_user("mua.dongthoi@example.vn")
    world = delivered_order("htx-dong-thoi", buyer)
    staff = make_user("nv@htx-dong-thoi.vn")
    ShopMember.objects.create(shop=world["shop"], user=staff, role=ShopMember.Role.STAFF)
    complaint = complaint_open(order=world["order"], user=buyer, kind="refund_only",
                               reason="damaged", message="Vỡ.", requested_amount=100_000)
    return {**world, "buyer": buyer, "staff": staff, "complaint": complaint}


def fresh(case):
    return Complaint.objects.get(pk=case["complaint"].pk)


def test_two_sellers_answering_at_once_apply_once(case):
    shop = case["shop"]
    calls = []
    for i in range(CALLS):
        actor = case["owner"] if i % 2 else case["staff"]
        if i % 2:
            calls.append(lambda a=actor: complaint_refund(
                complaint=fresh(case), shop=shop, amount=60_000, actor=a, acting_as="owner"))
        else:
            calls.append(lambda a=actor: complaint_refuse(
                complaint=fresh(case), shop=shop, reason="Không đúng", actor=a, acting_as="staff"))
    results, refusals = race(calls, ComplaintError)
    assert len(results) == 1 and len(refusals) == CALLS - 1
    complaint = fresh(case)
    assert complaint.status in ("refunded", "refused")
    assert complaint.refund_amount in (0, 60_000) and complaint.refund_owed == complaint.refund_amount
    assert complaint.events.exclude(action="opened").count() == 1
    assert AuditEvent.objects.filter(action__in=["complaint.refunded", "complaint.refused"]).count() == 1
    assert AuditEvent.objects.filter(action="order.refund_due").count() == (1 if complaint.refund_amount else 0)


def test_the_buyer_disputing_while_the_deadline_passes_escalates_once(case):
    complaint_refuse(complaint=fresh(case), shop=case["shop"], reason="Không đúng",
                     actor=case["owner"], acting_as="owner")
    calls = [lambda: complaint_dispute(complaint=fresh(case), note="Sai", actor=case["buyer"])
             for _ in range(CALLS)]
    results, refusals = race(calls, ComplaintError)
    assert len(results) == 1 and len(refusals) == CALLS - 1
    assert fresh(case).events.filter(action="disputed").count() == 1


def test_the_escalation_run_twice_at_once_moves_each_case_once(case):
    Complaint.objects.filter(pk=case["complaint"].pk).update(
        shop_answer_due=case["complaint"].created_at)
    results, refusals = race([complaints_escalate for _ in range(4)], ComplaintError)
    assert sum(results) == 1 and refusals == []
    assert fresh(case).events.filter(action="escalated").count() == 1
