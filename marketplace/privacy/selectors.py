"""Reads of personal-data rights: the notice in force, a person's current consents, what the
marketplace holds about a person (the export), what blocks deleting an account, and the
staff's request log.

The export holds the person's own data only: their orders' lines and delivery address, not
the shop's other customers; the shop names of their orders and memberships, never the
other members of a shop, the shop's replies or the staff's notes (tests/integration/privacy/).
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.complaints.models import Complaint, ComplaintEvent
from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, Purchase
from marketplace.privacy.models import ConsentEvent, PrivacyNotice, PrivacyRequest
from shops.models import LegalRepresentative, Partner, ShopMember

UserAddress = get_model("address", "UserAddress")
ProductReview = get_model("reviews", "ProductReview")
WishList = get_model("wishlists", "WishList")
Email = get_model("communication", "Email")
Line = get_model("order", "Line")

Purpose = ConsentEvent.Purpose


def subject_ref_of(user) -> str:
    """The pseudonymous reference kept on consent proof and request logs after deletion."""
    return f"user:{user.pk}"


def notice_current(today: datetime.date | None = None) -> PrivacyNotice | None:
    """The privacy notice in force today: the latest effective on or before it."""
    today = today or timezone.localdate()
    return PrivacyNotice.objects.filter(effective_on__lte=today).order_by("-effective_on", "-pk").first()


def notice_upcoming(today: datetime.date | None = None) -> PrivacyNotice | None:
    today = today or timezone.localdate()
    return PrivacyNotice.objects.filter(effective_on__gt=today).order_by("effective_on", "pk").first()


def consents_current(*, user) -> dict[str, ConsentEvent | None]:
    """purpose → the person's latest event for it (None: never asked — silence is not consent)."""
    latest: dict[str, ConsentEvent | None] = dict.fromkeys(Purpose.values)
    for event in ConsentEvent.objects.filter(user=user).select_related("notice").order_by("created_at", "pk"):
        latest[event.purpose] = event
    return latest


def has_consent(*, user, purpose: str) -> bool:
    """Whether `user` consents to `purpose` now. Anything that sends marketing e-mail asks
    this first (nothing does yet: the newsletter to come must)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    event = ConsentEvent.objects.filter(user=user, purpose=purpose).order_by("-created_at", "-pk").first()
    return event is not None and event.action == ConsentEvent.Action.GIVEN


def consent_history(*, user) -> QuerySet[ConsentEvent]:
    return ConsentEvent.objects.filter(user=user).select_related("notice", "purchase")


def person_requests(*, user) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(user=user).order_by("-received_at", "-pk")


def person_request_or_404(*, user, pk: int) -> PrivacyRequest:
    """A person's own request; anyone else's is a 404."""
    return get_object_or_404(PrivacyRequest, pk=pk, user=user)


# --- deletion -------------------------------------------------------------------------------


def shops_blocking_deletion(*, user) -> list[Partner]:
    """Shops (not rejected) whose only active owner is `user`: ownership must pass first."""
    owned = ShopMember.objects.active().filter(user=user, role=ShopMember.Role.OWNER).values("shop_id")
    return list(
        Partner.objects.filter(pk__in=owned)
        .exclude(status=Partner.Status.REJECTED)
        .annotate(owners=Count(
            "members", filter=Q(members__role=ShopMember.Role.OWNER, members__revoked_at__isnull=True)
        ))
        .filter(owners__lte=1)
        .order_by("name")
    )


# --- the export -----------------------------------------------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _address(address) -> dict | None:
    if address is None:
        return None
    return {
        "name": address.first_name, "last_name": address.last_name,
        "phone": str(address.phone_number or ""), "street": address.line1, "commune": address.line2,
        "extra": address.line3, "province": address.line4, "notes": getattr(address, "notes", ""),
    }


def _orders(user) -> list[dict]:
    orders = (
        Order.objects.filter(user=user)
        .select_related("shop", "shipping_address", "billing_address", "purchase")
        .prefetch_related(
            Prefetch("lines", queryset=Line.objects.order_by("pk")),
            "shipments",
        )
        .order_by("date_placed", "pk")
    )
    return [
        {
            "number": order.number,
            "purchase": order.purchase.number if order.purchase else None,
            "placed_at": _when(order.date_placed),
            "shop": order.shop.name if order.shop else None,
            "status": order.status,
            "payment_method": order.payment_method,
            "payment_status": order.payment_status,
            "total": int(order.total_incl_tax),
            "shipping": int(order.shipping_incl_tax),
            "amount_paid": order.amount_paid,
            "amount_refunded": order.amount_refunded,
            "email": order.guest_email,
            "shipping_address": _address(order.shipping_address),
            "billing_address": _address(order.billing_address),
            "lines": [
                {"title": line.title, "quantity": line.quantity, "shop": line.partner_name,
                 "price": int(line.line_price_incl_tax), "status": line.status}
                for line in order.lines.all()
            ],
            "shipments": [
                {"carrier": s.carrier, "tracking_code": s.tracking_code, "status": s.status,
                 "handed_at": _when(s.handed_at), "delivered_at": _when(s.delivered_at)}
                for s in order.shipments.all()
            ],
        }
        for order in orders
    ]


def _complaints(user) -> list[dict]:
    complaints = (
        Complaint.objects.filter(user=user)
        .select_related("order", "shop")
        .prefetch_related(Prefetch(
            "events",
            # What they wrote, not the shop's answers or staff's decisions (other people's words).
            queryset=ComplaintEvent.objects.filter(author=ComplaintEvent.Author.BUYER).order_by("created_at", "pk"),
            to_attr="own_events",
        ))
        .order_by("created_at", "pk")
    )
    return [
        {
            "order": c.order.number, "shop": c.shop.name, "kind": c.kind, "reason": c.reason,
            "message": c.message, "requested_amount": c.requested_amount, "status": c.status,
            "contact_email": c.contact_email, "contact_phone": c.contact_phone,
            "created_at": _when(c.created_at),
            "messages": [
                {"action": e.action, "text": e.text, "at": _when(e.created_at)} for e in c.own_events
            ],
        }
        for c in complaints
    ]


def _sign_in(user) -> dict:
    names = {n.lower() for n in (user.email, user.get_username()) if n}
    fields = ("ip_address", "user_agent", "attempt_time")
    return {
        "failed_attempts": [
            {**row, "attempt_time": _when(row["attempt_time"])}
            for row in AccessAttempt.objects.filter(username__in=names).values(*fields, "failures_since_start")
        ],
        "failure_log": [
            {**row, "attempt_time": _when(row["attempt_time"])}
            for row in AccessFailureLog.objects.filter(username__in=names).values(*fields)
        ],
        "access_log": [
            {**row, "attempt_time": _when(row["attempt_time"]), "logout_time": _when(row["logout_time"])}
            for row in AccessLog.objects.filter(username__in=names).values(*fields, "logout_time")
        ],
        "last_login": _when(user.last_login),
    }


def _actions(user) -> list[dict]:
    # What they did; not `object_repr`/`data`, which may name the other people concerned.
    return [
        {"at": _when(row["created_at"]), "action": row["action"], "acting_as": row["acting_as"],
         "shop": row["shop__name"], "object_type": row["object_type"], "object_id": row["object_id"],
         "reason": row["reason"]}
        for row in AuditEvent.objects.filter(actor=user).order_by("created_at", "pk").values(
            "created_at", "action", "acting_as", "shop__name", "object_type", "object_id", "reason"
        )
    ]


def person_export(*, user) -> dict[str, Any]:
    """Everything held about `user`, as JSON-ready data. A fixed number of queries, however
    many orders (tests/integration/privacy/test_export.py)."""
    return {
        "generated_at": _when(timezone.now()),
        "profile": {
            "id": user.pk, "username": user.get_username(), "email": user.email,
            "first_name": user.first_name, "last_name": user.last_name,
            "date_joined": _when(user.date_joined), "last_login": _when(user.last_login),
            "is_staff": user.is_staff,
        },
        "addresses": [
            {**_address(a), "default_for_shipping": a.is_default_for_shipping}
            for a in UserAddress.objects.filter(user=user).order_by("pk")
        ],
        "purchases": [
            {"number": p["number"], "email": p["email"], "payment_method": p["payment_method"],
             "status": p["status"], "total": p["total"], "created_at": _when(p["created_at"])}
            for p in Purchase.objects.filter(user=user).order_by("pk").values(
                "number", "email", "payment_method", "status", "total", "created_at")
        ],
        "orders": _orders(user),
        "reviews": [
            {"product": r["product__title"], "score": r["score"], "title": r["title"], "body": r["body"],
             "created_at": _when(r["date_created"])}
            for r in ProductReview.objects.filter(user=user).order_by("pk").values(
                "product__title", "score", "title", "body", "date_created")
        ],
        "complaints": _complaints(user),
        "wishlists": [
            {"name": w.name, "products": [line.get_title() for line in w.lines.all()]}
            for w in WishList.objects.filter(owner=user).prefetch_related("lines__product").order_by("pk")
        ],
        "emails_sent": [
            {"subject": e["subject"], "sent_at": _when(e["date_sent"])}
            for e in Email.objects.filter(user=user).order_by("pk").values("subject", "date_sent")
        ],
        "consents": [
            {"purpose": e.purpose, "action": e.action, "notice_version": e.notice.version if e.notice else None,
             "source": e.source, "purchase": e.purchase.number if e.purchase else None, "at": _when(e.created_at)}
            for e in consent_history(user=user).order_by("created_at", "pk")
        ],
        "privacy_requests": [
            {"kind": r["kind"], "state": r["state"], "details": r["details"],
             "received_at": _when(r["received_at"]), "due_at": _when(r["due_at"])}
            for r in person_requests(user=user).values("kind", "state", "details", "received_at", "due_at")
        ],
        "sign_in": _sign_in(user),
        "actions": _actions(user),
        "shop_memberships": [
            {"shop": m["shop__name"], "shop_code": m["shop__code"], "role": m["role"],
             "consent_note": m["consent_note"], "since": _when(m["created_at"]),
             "revoked_at": _when(m["revoked_at"])}
            for m in ShopMember.objects.filter(user=user).order_by("pk").values(
                "shop__name", "shop__code", "role", "consent_note", "created_at", "revoked_at")
        ],
        "shop_applications": [
            {"shop": s["name"], "code": s["code"], "status": s["status"]}
            for s in Partner.objects.filter(applicant=user).order_by("pk").values("name", "code", "status")
        ],
        # The legal representative an owner declared for their shop (usually themselves):
        # what the owner sees in the workspace, so theirs to download.
        "shop_representatives": [
            {"shop_code": r["shop__code"], "full_name": r["full_name"],
             "birth_date": r["birth_date"].isoformat(), "id_kind": r["id_kind"],
             "id_number": r["id_number"], "verification_method": r["verification_method"],
             "verified_at": _when(r["verified_at"])}
            for r in LegalRepresentative.objects.filter(
                shop__members__user=user, shop__members__role=ShopMember.Role.OWNER,
                shop__members__revoked_at__isnull=True,
            ).order_by("pk").values("shop__code", "full_name", "birth_date", "id_kind", "id_number",
                                    "verification_method", "verified_at")
        ],
    }


# --- staff ----------------------------------------------------------------------------------


def staff_request_list(*, state: str = "") -> QuerySet[PrivacyRequest]:
    requests = PrivacyRequest.objects.select_related("user", "handled_by")
    if state:
        requests = requests.filter(state=state)
    # Open requests first, the nearest deadline first.
    # Open requests (not handled yet) first, the nearest deadline first.
    return requests.order_by(F("handled_at").desc(nulls_first=True), "due_at", "pk")


def staff_request_status_counts() -> dict[str, int]:
    return dict(PrivacyRequest.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))


def staff_request_or_404(pk: int) -> PrivacyRequest:
    return get_object_or_404(PrivacyRequest.objects.select_related("user", "handled_by"), pk=pk)
