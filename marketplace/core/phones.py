"""Vietnamese mobile numbers: accepted as typed, stored in E.164 (+84…)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^(\+84|0)(3|5|7|8|9)\d{8}$")


def normalise_mobile(raw: str) -> str:
    """'090 123 4567' -> '+84901234567'; raises ValidationError for anything else."""
    compact = re.sub(r"[\s.\-()]", "", raw or "")
    if compact.startswith("84") and not compact.startswith("+"):
        compact = "+" + compact
    if not MOBILE_RE.match(compact):
        raise ValidationError(
            _("Số điện thoại di động không hợp lệ (ví dụ: 0912 345 678)."), code="invalid_phone"
        )
    return "+84" + compact[-9:]


def validate_e164_mobile(value: str) -> None:
    if normalise_mobile(value) != value:
        raise ValidationError(_("Số điện thoại phải ở dạng +84xxxxxxxxx."), code="not_e164")


def national_number(number: str) -> str:
    """'+84912345678' -> '0912345678': the number as Vietnamese people write and dial it,
    digits only (for a form's initial value, a tel: or zalo.me link)."""
    digits = "".join(c for c in str(number or "") if c.isdigit())
    return "0" + digits[2:] if digits.startswith("84") else digits
