"""The demo's programme fees: free since the E-commerce Law took effect (1 July 2026), and a
2 % fee announced by programme staff through the service, from the first day of a month at
least FEE_CHANGE_NOTICE_DAYS + 10 days ahead — so /chuong-trinh/bieu-phi/ shows a current rate
and an upcoming one, and the staff page /dashboard/settlement/fees/ a real announcement.
Made once: nothing is added while any fee rate exists.
"""

from __future__ import annotations

import datetime

from marketplace.core.dates import next_month, start_of_day
from marketplace.ledger.fees import fee_rate_announce, notice_days
from marketplace.ledger.models import FeeRate

FREE_FROM = datetime.date(2026, 7, 1)
UPCOMING_BASIS_POINTS = 200


def upcoming_start(today: datetime.date) -> datetime.date:
    return next_month(today + datetime.timedelta(days=notice_days() + 10))


def ensure_demo_fees(users: dict, result, *, today: datetime.date) -> None:
    if FeeRate.objects.exists():
        return
    staff = users.get("staff@demo.ocop.vn")
    free_from = min(FREE_FROM, today)
    FeeRate.objects.create(
        valid_from=free_from, basis_points=0, note="Miễn phí cho cửa hàng trong giai đoạn đầu.",
        announced_at=start_of_day(free_from - datetime.timedelta(days=30)), announced_by=staff,
    )
    fee_rate_announce(
        valid_from=upcoming_start(today), basis_points=UPCOMING_BASIS_POINTS, actor=staff,
        note="Phí 2 % trên tiền hàng, thay cho giai đoạn miễn phí.", today=today,
    )
    result.created["fee_rates"] += 2
