"""A shop's own vouchers, made of Oscar's pieces: a Range of the shop (confined to its
products, marketplace/offer/models.py), a VALUE Condition (the shop's minimum basket), a
PERCENTAGE or ABSOLUTE Benefit, a VOUCHER ConditionalOffer paid by the shop (its usage
limits) and a Voucher (the code and dates). docs/decisions/0044-shop-vouchers.md.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused

Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")

PERCENTAGE = "percentage"
FIXED = "fixed"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_AMOUNT = 100_000_000  # a voucher of more than 100 triệu đồng is a typo
#: The most uses a voucher may have in all (a bound the database column holds).
MAX_USES = 1_000_000


class VoucherRefused(Refused):
    """A shop voucher that cannot be made or changed; `field` names the form field at fault."""

    def __init__(self, *messages: str, field: str | None = None):
        super().__init__(*messages)
        self.field = field


@dataclass
class ShopVoucherTerms:
    code: str  # blank: generated
    kind: str  # PERCENTAGE or FIXED
    value: int  # percent (1–100) or đồng
    max_discount: int | None  # percentages only: the most one order is discounted
    min_basket: int  # value of the shop's lines needed, đồng (0: none)
    per_buyer: int  # uses per buyer
    total: int  # uses in all
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    listed: bool = True


def voucher_code_normal(code: str) -> str:
    return "".join((code or "").split()).upper()


def voucher_code_generate(shop) -> str:
    prefix = "".join(ch for ch in voucher_code_normal(shop.code or shop.slug or "") if ch.isalnum())[:6]
    for _attempt in range(20):
        code = prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not Voucher.objects.filter(code=code).exists():
            return code
    raise VoucherRefused(_("Không tạo được mã; hãy nhập mã của bạn."), field="code")


def terms_problems(terms: ShopVoucherTerms) -> list[tuple[str | None, str]]:
    """(field, message) for every rule the terms break (empty: acceptable)."""
    problems = []
    code = voucher_code_normal(terms.code)
    if code and (len(code) < 4 or len(code) > 20 or not code.isalnum() or not code.isascii()):
        problems.append(("code", _("Mã gồm 4–20 chữ cái không dấu hoặc chữ số, không có khoảng trắng.")))
    if terms.kind not in (PERCENTAGE, FIXED):
        problems.append(("kind", _("Hãy chọn giảm theo phần trăm hoặc số tiền.")))
    elif terms.kind == PERCENTAGE and not 0 < terms.value <= 100:
        problems.append(("value", _("Phần trăm giảm phải lớn hơn 0 và không quá 100.")))
    elif terms.kind == FIXED and not 0 < terms.value <= MAX_AMOUNT:
        problems.append(("value", _("Số tiền giảm phải lớn hơn 0 ₫.")))
    if terms.max_discount is not None:
        if terms.kind != PERCENTAGE:
            problems.append(("max_discount", _("Mức giảm tối đa chỉ dùng cho mã giảm theo phần trăm.")))
        elif not 0 < terms.max_discount <= MAX_AMOUNT:
            problems.append(("max_discount", _("Mức giảm tối đa phải lớn hơn 0 ₫.")))
    if not 0 <= terms.min_basket <= MAX_AMOUNT:
        problems.append(("min_basket", _("Giá trị đơn tối thiểu không được âm.")))
    if terms.per_buyer < 1:
        problems.append(("per_buyer", _("Mỗi người mua phải được dùng ít nhất 1 lần.")))
    if terms.total < 1:
        problems.append(("total", _("Tổng số lượt dùng phải ít nhất là 1.")))
    elif terms.total > MAX_USES:
        problems.append(("total", _("Tổng số lượt dùng tối đa là %(n)s.") % {"n": f"{MAX_USES:,}".replace(",", ".")}))
    elif terms.per_buyer > terms.total:
        problems.append(("per_buyer", _("Lượt dùng của mỗi người không thể nhiều hơn tổng số lượt.")))
    if terms.starts_at is None or terms.ends_at is None:
        problems.append(("ends_at", _("Hãy nhập thời gian bắt đầu và kết thúc.")))
    elif terms.ends_at <= terms.starts_at:
        problems.append(("ends_at", _("Thời gian kết thúc phải sau thời gian bắt đầu.")))
    elif terms.ends_at <= timezone.now():
        problems.append(("ends_at", _("Thời gian kết thúc đã qua.")))
    return problems


@transaction.atomic
def shop_voucher_create(*, shop, actor, terms: ShopVoucherTerms, acting_as: str = "owner"):
    """A voucher of `shop` for its own products. Raises VoucherRefused (nothing saved)."""
    problems = terms_problems(terms)
    if problems:
        field, message = problems[0]
        raise VoucherRefused(*[m for _f, m in problems], field=field)
    code = voucher_code_normal(terms.code) or voucher_code_generate(shop)
    if Voucher.objects.filter(code=code).exists():
        raise VoucherRefused(_("Mã “%(code)s” đã có người dùng; hãy chọn mã khác.") % {"code": code}, field="code")
    label = f"{shop.name[:90]} · {code}"
    try:
        with transaction.atomic():
            product_range = Range.objects.create(
                name=f"shop-{shop.pk}-{code}", shop=shop, includes_all_products=True,
            )
            condition = Condition.objects.create(
                range=product_range, type=Condition.VALUE, value=max(terms.min_basket, 1),
            )
            benefit = Benefit.objects.create(
                range=product_range,
                type=Benefit.PERCENTAGE if terms.kind == PERCENTAGE else Benefit.FIXED,
                value=terms.value,
                max_discount=terms.max_discount if terms.kind == PERCENTAGE else None,
            )
            offer = ConditionalOffer.objects.create(
                name=label, offer_type=ConditionalOffer.VOUCHER, condition=condition, benefit=benefit,
                shop=shop, listed=terms.listed, exclusive=False,
                start_datetime=terms.starts_at, end_datetime=terms.ends_at,
                max_global_applications=terms.total, max_user_applications=terms.per_buyer,
                max_basket_applications=1,
            )
            voucher = Voucher.objects.create(
                name=label, code=code, usage=Voucher.MULTI_USE,
                start_datetime=terms.starts_at, end_datetime=terms.ends_at,
            )
            voucher.offers.add(offer)
    except IntegrityError:
        raise VoucherRefused(
            _("Mã “%(code)s” đã có người dùng; hãy chọn mã khác.") % {"code": code}, field="code"
        ) from None
    audit_record(action="voucher.created", actor=actor, acting_as=acting_as, shop=shop, target=voucher,
                 data={"shop": shop.pk, "code": code, "kind": terms.kind, "value": terms.value})
    return voucher


@transaction.atomic
def shop_voucher_end(*, shop, voucher, actor, acting_as: str = "owner") -> bool:
    """End the shop's voucher now (a conditional UPDATE: one that has ended stays as it was).
    Returns False when it had already ended."""
    now = timezone.now()
    offers = ConditionalOffer.objects.filter(vouchers=voucher, shop=shop)
    ended = Voucher.objects.filter(pk=voucher.pk, offers__shop=shop, end_datetime__gt=now).update(end_datetime=now)
    if not ended:
        return False
    ConditionalOffer.objects.filter(pk__in=offers.values("pk"), end_datetime__gt=now).update(end_datetime=now)
    audit_record(action="voucher.ended", actor=actor, acting_as=acting_as, shop=shop, target=voucher)
    return True
