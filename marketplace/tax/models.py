"""Tax the platform withholds for household and individual sellers (Decree 117/2025/NĐ-CP).

Two nouns: a shop's tax profile (who the seller is for the tax office) and the dated rates
per business group. A new decree is a new `TaxRate` row with its start date (a data
migration), never a code change: docs/decisions/0024-ledger-and-withholding.md.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.identifiers import personal_id_province_known


class BusinessGroup(models.TextChoices):
    GOODS = "goods", _("Phân phối, cung cấp hàng hóa")
    SERVICES = "services", _("Dịch vụ")
    TRANSPORT = "transport", _("Vận tải")


class SellerType(models.TextChoices):
    COMPANY = "company", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã, tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ kinh doanh")
    INDIVIDUAL = "individual", _("Cá nhân kinh doanh")


WITHHELD_TYPES = frozenset({SellerType.HOUSEHOLD, SellerType.INDIVIDUAL})

_TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")
_PERSONAL_ID = re.compile(r"^\d{12}$")


def validate_tax_identifier(value: str) -> None:
    """A tax code (10 digits, or 13 for a branch: 10 + 3, with or without the dash) or a
    12-digit personal ID number (a household's tax code since Circular 86/2024).

    Looser than marketplace.core.identifiers.validate_tax_code (no check digit): profiles
    saved before that rule existed stay valid; the province list is the core's."""
    text = (value or "").strip()
    if _TAX_CODE.match(text):
        return
    if _PERSONAL_ID.match(text):
        if not personal_id_province_known(text):
            raise ValidationError(
                _("Số định danh cá nhân bắt đầu bằng mã tỉnh nơi đăng ký khai sinh (001–096)."),
                code="personal_id",
            )
        return
    raise ValidationError(
        _("Mã số thuế gồm 10 hoặc 13 chữ số (ví dụ 0301234567 hoặc 0301234567-001); "
          "hộ kinh doanh, cá nhân dùng số định danh cá nhân 12 chữ số."),
        code="tax_identifier",
    )


def normalize_tax_identifier(value: str) -> str:
    text = (value or "").strip()
    if re.fullmatch(r"\d{13}", text):
        return f"{text[:10]}-{text[10:]}"
    return text


class TaxProfile(models.Model):
    """How the tax office sees a shop's seller. A shop without a profile is read from its
    producer type (marketplace.tax.rates.profile_for)."""

    shop = models.OneToOneField(
        "partner.Partner", on_delete=models.CASCADE, related_name="tax_profile",
        verbose_name=_("Cửa hàng"),
    )
    seller_type = models.CharField(_("Loại người bán"), max_length=16, choices=SellerType.choices)
    tax_code = models.CharField(
        _("Mã số thuế / số định danh cá nhân"), max_length=16, blank=True,
        validators=[validate_tax_identifier],
    )
    seller_name = models.CharField(_("Tên người nộp thuế"), max_length=255, blank=True)
    resident = models.BooleanField(_("Cá nhân cư trú"), default=True)
    business_group = models.CharField(
        _("Nhóm ngành nghề"), max_length=16, choices=BusinessGroup.choices, default=BusinessGroup.GOODS
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Hồ sơ thuế")
        verbose_name_plural = _("Hồ sơ thuế")

    def __str__(self):
        return f"{self.shop} ({self.get_seller_type_display()})"

    def save(self, *args, **kwargs):
        self.tax_code = normalize_tax_identifier(self.tax_code)
        super().save(*args, **kwargs)

    @property
    def withheld(self) -> bool:
        return self.seller_type in WITHHELD_TYPES


class TaxRate(models.Model):
    """The VAT and PIT rates withheld for a business group from a date on, in basis points
    (100 = 1 %). The row in force on a date is the latest one starting on or before it."""

    business_group = models.CharField(_("Nhóm ngành nghề"), max_length=16, choices=BusinessGroup.choices)
    valid_from = models.DateField(_("Áp dụng từ ngày"))
    vat_basis_points = models.PositiveIntegerField(_("Thuế GTGT (phần vạn)"))
    pit_basis_points = models.PositiveIntegerField(_("Thuế TNCN (phần vạn)"))
    # Decree 117/2025 art. 5: a non-resident individual's PIT has its own rate (goods 1 %,
    # services 5 %, transport 2 %). Empty: the resident rate.
    pit_nonresident_basis_points = models.PositiveIntegerField(
        _("Thuế TNCN cá nhân không cư trú (phần vạn)"), null=True, blank=True
    )
    legal_basis = models.CharField(_("Căn cứ pháp lý"), max_length=255)

    class Meta:
        ordering = ["business_group", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["business_group", "valid_from"], name="one_tax_rate_per_group_and_date"),
            models.CheckConstraint(
                condition=models.Q(vat_basis_points__lte=10000, pit_basis_points__lte=10000),
                name="tax_rate_at_most_100_percent",
            ),
        ]
        verbose_name = _("Thuế suất khấu trừ")
        verbose_name_plural = _("Thuế suất khấu trừ")

    def __str__(self):
        return f"{self.business_group} {self.valid_from}: {self.vat_basis_points}/{self.pit_basis_points}"

    def pit_for(self, *, resident: bool) -> int:
        if not resident and self.pit_nonresident_basis_points is not None:
            return self.pit_nonresident_basis_points
        return self.pit_basis_points


class RevenueThreshold(models.Model):
    """A yearly revenue above which a household or individual seller has a duty the platform
    cannot do for it (since Decree 70/2025/NĐ-CP, 1 June 2025: e-invoices generated from a
    cash register at 1 billion ₫ a year). Dated rows like the rates: the row in force on a
    day is the latest starting on or before it. Sellers get a warning from `warn_basis_points`
    of the amount on (8000 = 80 %); `duty` reads after "phải" ("sử dụng hóa đơn điện tử…").
    docs/decisions/0028-tax-withholding.md."""

    valid_from = models.DateField(_("Áp dụng từ ngày"), unique=True)
    amount = models.PositiveBigIntegerField(_("Doanh thu năm (₫)"))
    warn_basis_points = models.PositiveIntegerField(_("Cảnh báo từ (phần vạn của ngưỡng)"), default=8000)
    duty = models.CharField(_("Nghĩa vụ khi vượt ngưỡng"), max_length=255)
    legal_basis = models.CharField(_("Căn cứ pháp lý"), max_length=255)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warn_basis_points__lte=10000, amount__gt=0),
                name="revenue_threshold_sane",
            ),
        ]
        verbose_name = _("Ngưỡng doanh thu năm")
        verbose_name_plural = _("Ngưỡng doanh thu năm")

    def __str__(self):
        return f"{self.valid_from}: {self.amount}"

    @property
    def warn_from(self) -> int:
        return self.amount * self.warn_basis_points // 10000
