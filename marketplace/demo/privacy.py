"""Demo personal-data records (issue 20): the privacy notice's next version, and for
buyer@demo.ocop.vn a marketing consent given then withdrawn, a download done and a
correction request waiting for programme staff. Their address-sharing consents come from
placing the demo purchases (marketplace/checkout/services.py). Safe to run twice.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from marketplace.privacy import services
from marketplace.privacy.models import ConsentEvent, PrivacyNotice, PrivacyRequest

NEXT_NOTICE = "v2"
CORRECTION = "Tên người nhận trên đơn tháng trước bị sai chính tả: “Nguyễn Văn An”, không phải “Nguyễn Văn Ân”."


def ensure_demo_privacy(buyer_email: str, result, *, today: datetime.date) -> None:
    # v1 comes with migration privacy/0002; made again here if a database flush removed it.
    PrivacyNotice.objects.get_or_create(version="v1", defaults={
        "effective_on": datetime.date(2026, 1, 1),
        "summary": "Bản đầu tiên theo Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15.",
    })
    _, created = PrivacyNotice.objects.get_or_create(
        version=NEXT_NOTICE,
        defaults={
            "effective_on": today + datetime.timedelta(days=30),
            "summary": "Nói rõ đơn vị vận chuyển nhận tên, số điện thoại và địa chỉ trên vận đơn.",
        },
    )
    result.created["privacy_notices"] += int(created)
    buyer = get_user_model().objects.filter(email=buyer_email).first()
    if buyer is None:
        return
    now = timezone.now()
    if not ConsentEvent.objects.filter(user=buyer, purpose=ConsentEvent.Purpose.MARKETING_EMAIL).exists():
        for action, days_ago in ((ConsentEvent.Action.GIVEN, 20), (ConsentEvent.Action.WITHDRAWN, 3)):
            event = services.consent_record(
                user=buyer, purpose=ConsentEvent.Purpose.MARKETING_EMAIL, action=action,
                source=ConsentEvent.Source.DEMO,
            )
            ConsentEvent.objects.filter(pk=event.pk).update(created_at=now - datetime.timedelta(days=days_ago))
            result.created["consent_events"] += 1
    if not PrivacyRequest.objects.filter(user=buyer, kind=PrivacyRequest.Kind.EXPORT).exists():
        services.export_logged(user=buyer)
        result.created["privacy_requests"] += 1
    if not PrivacyRequest.objects.filter(user=buyer, kind=PrivacyRequest.Kind.CORRECTION).exists():
        services.correction_request_submit(user=buyer, details=CORRECTION)
        result.created["privacy_requests"] += 1
