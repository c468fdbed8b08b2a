"""The statutory rows the tax rules start from, put back after every migrate and flush.

The data migrations `0002`/`0003` wrote them once; a test database's flush (a transactional
test) empties every table and Django sends `post_migrate` afterwards, so without this a
later test — or a database restored without its data — would withhold nothing. Rows are
only created when missing: a row staff edited is left alone. A new decree still comes as a
data migration (docs/decisions/0024-ledger-and-withholding.md); add its rows here too.
"""

from __future__ import annotations

import datetime

from django.db.models.signals import post_migrate

from marketplace.tax.models import RevenueThreshold, TaxRate

DECREE_117 = "Nghị định 117/2025/NĐ-CP, Điều 5 (hiệu lực 01/07/2025)"
DECREE_117_FROM = datetime.date(2025, 7, 1)
# group: (VAT, resident PIT, non-resident PIT), basis points (100 = 1 %)
DECREE_117_RATES = {
    "goods": (100, 50, 100),
    "services": (500, 200, 500),
    "transport": (300, 150, 200),
}
DECREE_70_THRESHOLD = {
    "valid_from": datetime.date(2025, 6, 1),
    "amount": 1_000_000_000,
    "warn_basis_points": 8000,
    "duty": "sử dụng hóa đơn điện tử khởi tạo từ máy tính tiền",
    "legal_basis": "Nghị định 70/2025/NĐ-CP (sửa đổi Nghị định 123/2020/NĐ-CP), hiệu lực 01/06/2025",
}


def ensure_statutory_rows() -> None:
    for group, (vat, pit, pit_nonresident) in DECREE_117_RATES.items():
        TaxRate.objects.get_or_create(
            business_group=group, valid_from=DECREE_117_FROM,
            defaults={"vat_basis_points": vat, "pit_basis_points": pit,
                      "pit_nonresident_basis_points": pit_nonresident, "legal_basis": DECREE_117},
        )
    threshold = dict(DECREE_70_THRESHOLD)
    RevenueThreshold.objects.get_or_create(valid_from=threshold.pop("valid_from"), defaults=threshold)


def _after_migrate(sender, **kwargs):
    if sender.label == "tax":
        ensure_statutory_rows()


def connect_signals() -> None:
    post_migrate.connect(_after_migrate, dispatch_uid="tax-statutory-rows")
