"""Reads of the bank-credit reconciliation queue (/dashboard/bank-credits/)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from marketplace.payment.models import BankCredit


def bank_credits(*, status: str | None = BankCredit.Status.REVIEW, query: str = "") -> QuerySet:
    """Credits newest first, with what they paid; a fixed number of queries for any page."""
    credits = BankCredit.objects.select_related("purchase", "order", "resolved_by").order_by(
        "-received_at", "-pk"
    )
    if status:
        credits = credits.filter(status=status)
    if query:
        credits = credits.filter(Q(content__icontains=query) | Q(reference_code__icontains=query))
    return credits


def bank_credit_status_counts() -> dict[str, int]:
    return dict(
        BankCredit.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
