"""Vouchers at the basket and when a purchase is placed (docs/decisions/0044-shop-vouchers.md).

At the basket a buyer adds a code (or picks one of a shop's listed vouchers) to Oscar's
`basket.vouchers`; Oscar's Applicator (run by its basket middleware) then discounts the lines
the voucher's ranges contain — for a shop's voucher, only that shop's lines. Before a code is
added, `voucher_refusal` says in the buyer's words why it cannot be used.

When the purchase is placed, `vouchers_claim` runs inside `purchase_place`'s transaction:
the vouchers in use are locked (pk order), their dates are checked again, each buyer's uses
are counted under that lock, and each offer's use is taken by a conditional UPDATE
(`num_applications < max_global_applications`): of 20 buyers racing for the last 5 uses,
exactly 5 get the discount; the others are refused and their purchase rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from marketplace.checkout.quote import CheckoutError, Quote
from marketplace.core.money import format_vnd, to_vnd
from marketplace.offer.services import voucher_code_normal

Voucher = get_model("voucher", "Voucher")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Applicator = get_class("offer.applicator", "Applicator")


class VoucherUnavailable(CheckoutError):
    """A voucher the buyer cannot use (now); `voucher` is it, when known."""

    def __init__(self, *messages: str, voucher=None):
        super().__init__(*messages)
        self.voucher = voucher


def needs_sign_in(offer) -> bool:
    """A shop's voucher, or any with a per-buyer limit, is for signed-in buyers: the limit
    needs an identity (a phone can be anyone's). ADR 0044."""
    return offer.shop_id is not None or bool(offer.max_user_applications)


def sign_in_message() -> str:
    return _("Hãy đăng nhập để dùng mã giảm giá này (mỗi người mua có số lượt dùng riêng).")


def _offer(voucher):
    return next(iter(voucher.offers.all()), None)


def _local(dt) -> str:
    return date_format(timezone.localtime(dt), "d/m/Y H:i")


def _shop_lines_value(basket, offer) -> int:
    """What the offer's condition counts: the basket's lines its range contains, at their
    price before this voucher (the minimum basket of a shop voucher: that shop's lines)."""
    product_range = offer.condition.range
    total = 0
    for line in basket.all_lines():
        if line.product is not None and product_range.contains_product(line.product):
            total += to_vnd(line.line_price_incl_tax)
    return total


def voucher_refusal(*, voucher, basket, user, shop_id: int | None = None, now=None) -> str | None:
    """Why `voucher` cannot be used on `basket` by `user` now (None: it can).

    `shop_id`: the shop group the code was entered in; a shop's voucher entered under
    another shop is refused. A programme voucher may be entered anywhere."""
    now = now or timezone.now()
    code = voucher.code
    offer = _offer(voucher)
    if offer is None:
        return _("Mã “%(code)s” không tồn tại.") % {"code": code}
    starts = max(filter(None, [voucher.start_datetime, offer.start_datetime]))
    ends = min(filter(None, [voucher.end_datetime, offer.end_datetime]))
    if now < starts:
        return _("Mã “%(code)s” chưa đến thời gian sử dụng (từ %(start)s).") % {"code": code, "start": _local(starts)}
    if now > ends or offer.status != ConditionalOffer.OPEN:
        return _("Mã “%(code)s” đã hết hạn.") % {"code": code}
    if offer.max_global_applications and offer.num_applications >= offer.max_global_applications:
        return _("Mã “%(code)s” đã hết lượt sử dụng.") % {"code": code}
    if offer.shop_id is not None:
        if shop_id is not None and int(shop_id) != offer.shop_id:
            return _("Mã “%(code)s” không áp dụng cho sản phẩm của shop này.") % {"code": code}
        if not any(line.stockrecord and line.stockrecord.partner_id == offer.shop_id for line in basket.all_lines()):
            return _("Mã “%(code)s” chỉ dùng cho sản phẩm của shop “%(shop)s”.") % {
                "code": code, "shop": offer.shop.name,
            }
    if needs_sign_in(offer) and (user is None or not user.is_authenticated):
        return sign_in_message()
    if offer.max_user_applications and user is not None and user.is_authenticated:
        if offer.get_num_user_applications(user) >= offer.max_user_applications:
            return _("Bạn đã dùng hết lượt của mã “%(code)s”.") % {"code": code}
    if offer.condition.type == offer.condition.VALUE:
        value = _shop_lines_value(basket, offer)
        needed = to_vnd(offer.condition.value)
        if value < needed:
            return _("Mua thêm %(missing)s để dùng mã “%(code)s” (đơn tối thiểu %(minimum)s).") % {
                "missing": format_vnd(needed - value), "code": code, "minimum": format_vnd(needed),
            }
    return None


def basket_offers_apply(basket, *, user=None, request=None) -> None:
    """Work the basket's discounts out afresh (Oscar's Applicator, as its middleware does)."""
    basket.reset_offer_applications()
    if basket.id is not None and not basket.is_empty:
        # Oscar's Applicator skips the basket's vouchers without a user: a guest is the
        # anonymous user, as its middleware passes it.
        Applicator().apply(basket, user if user is not None else AnonymousUser(), request)


def basket_voucher_apply(*, basket, user, code: str, shop_id: int | None = None, request=None):
    """Add the voucher of `code` to the basket (instead of another voucher of the same shop,
    or another programme voucher). Raises VoucherUnavailable with the reason."""
    code = voucher_code_normal(code)
    if not code:
        raise VoucherUnavailable(_("Hãy nhập mã giảm giá."))
    if len(code) > 128 or not code.isprintable():  # a NUL byte would fail PostgreSQL's query
        raise VoucherUnavailable(_("Mã giảm giá chỉ gồm chữ cái và chữ số."))
    voucher = (
        Voucher.objects.filter(code=code)
        .prefetch_related("offers__condition__range", "offers__benefit", "offers__shop").first()
    )
    if voucher is None:
        raise VoucherUnavailable(_("Mã “%(code)s” không tồn tại.") % {"code": code})
    if basket.id is None:
        basket.save()
    refusal = voucher_refusal(voucher=voucher, basket=basket, user=user, shop_id=shop_id)
    if refusal:
        raise VoucherUnavailable(refusal, voucher=voucher)
    offer = _offer(voucher)
    same_payer = [v for v in basket.vouchers.prefetch_related("offers") if v.pk != voucher.pk
                  and (_offer(v) is None or _offer(v).shop_id == offer.shop_id)]
    if same_payer:
        basket.vouchers.remove(*same_payer)
    basket.vouchers.add(voucher)
    Voucher.objects.filter(pk=voucher.pk).update(num_basket_additions=F("num_basket_additions") + 1)
    basket_offers_apply(basket, user=user, request=request)
    if not any(app["offer"].pk == offer.pk for app in basket.offer_applications):
        basket.vouchers.remove(voucher)
        basket_offers_apply(basket, user=user, request=request)
        raise VoucherUnavailable(
            _("Mã “%(code)s” chưa áp dụng được cho giỏ hàng này.") % {"code": code}, voucher=voucher
        )
    return voucher


def basket_voucher_remove(*, basket, voucher_id: int, user=None, request=None) -> bool:
    voucher = basket.vouchers.filter(pk=voucher_id).first() if basket.id else None
    if voucher is None:
        return False
    basket.vouchers.remove(voucher)
    basket_offers_apply(basket, user=user, request=request)
    return True


def listed_shop_vouchers(shop_ids, *, now=None) -> dict[int, list]:
    """The vouchers each shop lists for buyers to pick, usable now (one query)."""
    now = now or timezone.now()
    vouchers = (
        Voucher.objects.filter(
            offers__shop_id__in=list(shop_ids), offers__listed=True, offers__status=ConditionalOffer.OPEN,
            start_datetime__lte=now, end_datetime__gte=now,
        )
        .filter(Q(offers__max_global_applications__isnull=True)
                | Q(offers__num_applications__lt=F("offers__max_global_applications")))
        .annotate(shop_id=F("offers__shop_id"), min_basket=F("offers__condition__value"),
                  kind=F("offers__benefit__type"), amount=F("offers__benefit__value"),
                  max_discount=F("offers__benefit__max_discount"))
        .order_by("end_datetime", "pk")
    )
    by_shop: dict[int, list] = {}
    for voucher in vouchers:
        by_shop.setdefault(voucher.shop_id, []).append(voucher)
    return by_shop


@dataclass
class Claim:
    offer: object
    voucher: object | None
    amount: int


def _placement_discounts(quote: Quote) -> dict[int, Claim]:
    claims: dict[int, Claim] = {}
    for part in quote.parts:
        for discount in part.discounts:
            claim = claims.setdefault(discount.offer.pk, Claim(discount.offer, discount.voucher, 0))
            claim.amount += discount.amount
    return claims


def vouchers_claim(*, basket, quote: Quote, user, now=None) -> list[Claim]:
    """Inside the placing transaction: take one use of every offer the quote's discounts come
    from, or refuse (VoucherUnavailable) — the caller's transaction then rolls back.

    Lock order: vouchers by pk (FOR UPDATE), then each offer's conditional UPDATE by pk; the
    caller took the products before and takes the stock records after (ADR 0009)."""
    claims = _placement_discounts(quote)
    now = now or timezone.now()
    voucher_ids = sorted({c.voucher.pk for c in claims.values() if c.voucher is not None}
                         | set(basket.vouchers.values_list("pk", flat=True)))
    if not voucher_ids and not claims:
        return []
    vouchers = {v.pk: v for v in Voucher.objects.select_for_update().filter(pk__in=voucher_ids).order_by("pk")}
    # A voucher the buyer added that is past its dates now is refused, not silently dropped
    # (the price they reviewed had it).
    for voucher in vouchers.values():
        if not voucher.is_active(now):
            message = (_("Mã “%(code)s” chưa đến thời gian sử dụng.") if now < voucher.start_datetime
                       else _("Mã “%(code)s” đã hết hạn.")) % {"code": voucher.code}
            raise VoucherUnavailable(message, voucher=voucher)
    signed_in = user is not None and user.is_authenticated
    for offer_id in sorted(claims):
        claim = claims[offer_id]
        offer = ConditionalOffer.objects.get(pk=offer_id)
        voucher = vouchers.get(claim.voucher.pk) if claim.voucher is not None else None
        label = voucher.code if voucher is not None else offer.name
        if voucher is not None and not voucher.is_active(now):
            raise VoucherUnavailable(_("Mã “%(code)s” đã hết hạn.") % {"code": label}, voucher=voucher)
        if offer.status != ConditionalOffer.OPEN or (offer.start_datetime and now < offer.start_datetime) or (
            offer.end_datetime and now > offer.end_datetime
        ):
            raise VoucherUnavailable(_("Mã “%(code)s” đã hết hạn.") % {"code": label}, voucher=voucher)
        if needs_sign_in(offer) and not signed_in:
            raise VoucherUnavailable(sign_in_message(), voucher=voucher)
        if offer.max_user_applications and signed_in:
            if voucher is None:
                # No voucher row to hold: the offer's row serialises this buyer's purchases.
                ConditionalOffer.objects.select_for_update().filter(pk=offer.pk).first()
            if offer.get_num_user_applications(user) >= offer.max_user_applications:
                raise VoucherUnavailable(
                    _("Bạn đã dùng hết lượt của mã “%(code)s”.") % {"code": label}, voucher=voucher
                )
        taken = (
            ConditionalOffer.objects.filter(pk=offer.pk)
            .filter(Q(max_global_applications__isnull=True)
                    | Q(num_applications__lt=F("max_global_applications")))
            .update(num_applications=F("num_applications") + 1, num_orders=F("num_orders") + 1,
                    total_discount=F("total_discount") + claim.amount)
        )
        if not taken:
            raise VoucherUnavailable(
                _("Mã “%(code)s” vừa hết lượt sử dụng; giỏ hàng của bạn vẫn được giữ, "
                  "đặt lại để mua với giá không có mã.") % {"code": label},
                voucher=voucher,
            )
        if voucher is not None:
            Voucher.objects.filter(pk=voucher.pk).update(
                num_orders=F("num_orders") + 1, total_discount=F("total_discount") + claim.amount
            )
    return list(claims.values())
