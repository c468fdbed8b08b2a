"""Writing the ledger: each money event of an order or payout becomes balanced entries.

Called by the services that move money, inside their transaction:
- `post_sale` when an order becomes paid (marketplace.payment.services._debit);
- `post_refund` when a refund is recorded (marketplace.payment.services.order_refund_complete);
- `release_due` (hourly, `manage.py ledger_release`) when a delivered order's return window
  has passed with no case open: what it earned becomes payable;
- `post_payout_*` by settlement (payout runs).

Each posting has a `key`, so running it twice writes nothing the second time. Postings
that touch a shop's payable balance lock the shop row, and payout runs lock the same rows:
a refund landing while a run is made is in this run or the next, never lost.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from marketplace.core.money import to_vnd
from marketplace.ledger.models import Account, Entry, FeeRate, Kind, Payout
from marketplace.tax.rates import PROGRAMME_ROUTES, part, withholding_for

A = Account


def _write(*, shop_id: int, kind: str, debit: str, credit: str, amount: int, at, key: str,
           order=None, payout=None, route: str = "", reference: str = "", memo: str = "") -> Entry | None:
    """One entry; a negative amount moves the other way; zero writes nothing."""
    if amount == 0:
        return None
    if amount < 0:
        debit, credit, amount = credit, debit, -amount
    try:
        with transaction.atomic():
            return Entry.objects.create(
                shop_id=shop_id, kind=kind, debit=debit, credit=credit, amount=int(amount),
                order=order, payout=payout, route=route, reference=reference[:255], memo=memo[:255],
                key=key, booked_at=at,
            )
    except IntegrityError:
        if Entry.objects.filter(key=key).exists():
            return None  # posted before: once only
        raise


def _lock_shop(shop_id: int) -> None:
    apps.get_model("partner", "Partner").objects.select_for_update().filter(pk=shop_id).first()


def _released(order) -> bool:
    return Entry.objects.filter(key=f"release:{order.pk}").exists()


def _shop_paid_offers(offer_ids) -> set[int]:
    """Which of these offers a shop pays for (its own vouchers); the others are the programme's."""
    if not offer_ids:
        return set()
    ConditionalOffer = apps.get_model("offer", "ConditionalOffer")
    return set(ConditionalOffer.objects.filter(pk__in=offer_ids, shop__isnull=False).values_list("pk", flat=True))


def order_discounts(order) -> tuple[int, int]:
    """(what the shop's own vouchers took off `order`, what the programme's offers took off),
    on the lines the buyer keeps: a line cancelled or returned before the money was booked
    earns the shop no voucher (a 0 ₫ order has no refund to take it back later)."""
    LineDiscount = apps.get_model("order", "OrderLineDiscount")
    rows = list(
        LineDiscount.objects.filter(line__order_id=order.pk)
        .exclude(line__status__in=["cancelled", "returned"])
        .values_list("order_discount__offer_id", "amount")
    )
    shop_paid = _shop_paid_offers({o for o, _a in rows})
    by_shop = sum(to_vnd(a) for o, a in rows if o in shop_paid)
    return by_shop, sum(to_vnd(a) for _o, a in rows) - by_shop


def _fee(order, day: datetime.date) -> int:
    """The programme's fee on the goods of a paid order (lines not cancelled or returned),
    at the rate in force that day of each line's most specific category: a rate set on
    "Thực phẩm" reaches products filed under "Thực phẩm > Mật ong" unless honey has its own;
    else the rate for every product (ADR 0024).

    The base is what the shop sells the line for: its price after the shop's own vouchers
    but before the programme's (which the programme pays the shop) — ADR 0044."""
    rates = list(FeeRate.objects.filter(valid_from__lte=day).select_related("category")
                 .order_by("-valid_from", "-pk"))
    if not rates:
        return 0
    Line = apps.get_model("order", "Line")
    general = next((r for r in rates if r.category_id is None), None)
    fee = 0
    lines = Line.objects.filter(order_id=order.pk).exclude(status__in=["cancelled", "returned"])
    lines = list(lines.select_related("product__parent").prefetch_related(
        "product__categories", "product__parent__categories", "discounts__order_discount"
    ))
    offer_ids = {d.order_discount.offer_id for line in lines for d in line.discounts.all()}
    shop_paid = _shop_paid_offers(offer_ids)
    for line in lines:
        rate = _rate_of(line.product, rates) or general
        if rate:
            programme_paid = sum(to_vnd(d.amount) for d in line.discounts.all()
                                 if d.order_discount.offer_id not in shop_paid)
            fee += part(to_vnd(line.line_price_incl_tax) + programme_paid, rate.basis_points)
    return fee


def _rate_of(product, rates: list[FeeRate]) -> FeeRate | None:
    """The newest rate of the deepest category of `product` (a variant: its parent's) or
    of one of their ancestors; None when no category of it has a rate."""
    if product is None:
        return None
    filed = product.parent if product.is_child and product.parent_id else product
    Category = apps.get_model("catalogue", "Category")
    step = Category.steplen
    lineage = {c.path[:end] for c in filed.categories.all() for end in range(step, len(c.path) + 1, step)}
    matching = [r for r in rates if r.category_id and r.category.path in lineage]
    return max(matching, key=lambda r: (len(r.category.path), r.valid_from)) if matching else None


def post_sale(order, *, amount: int, route: str, reference: str = "", at=None) -> list[Entry]:
    """The buyer's money for `order` arrived (`amount` đồng by `route`): what the platform
    now owes the shop, or what the shop collected itself; the fee and tax withheld on it.

    An order the programme's vouchers paid in full (0 ₫ from the buyer) still earns the shop
    what the programme owes it for them, less the fee and tax on that: there is no sale entry
    then, the voucher entries carry it."""
    if amount < 0 or order.shop_id is None:
        return []
    by_shop, by_programme = order_discounts(order)
    if amount == 0 and not by_programme:
        return []
    at = at or timezone.now()
    day = timezone.localdate(at)
    base = {"shop_id": order.shop_id, "order": order, "route": route, "at": at, "reference": reference}
    entries = []
    if route in PROGRAMME_ROUTES:
        entries.append(_write(kind=Kind.SALE, debit=A.PROGRAMME_CASH, credit=A.SHOP_PENDING,
                              amount=amount, key=f"sale:{order.pk}", **base))
    else:
        entries.append(_write(kind=Kind.SALE_SELF, debit=A.SHOP_COLLECTED, credit=A.SHOP_SALES,
                              amount=amount, key=f"sale:{order.pk}", **base))
    if amount and entries[0] is None:
        return []  # this sale was posted before
    owed = A.SHOP_PAYABLE if _released(order) else A.SHOP_PENDING
    # Vouchers: the shop is owed the price before every voucher, less its own vouchers; the
    # programme pays for its own (ADR 0044).
    entries.append(_write(kind=Kind.VOUCHER, debit=A.PROGRAMME_PROMOTIONS, credit=owed,
                          amount=by_shop + by_programme, key=f"voucher:{order.pk}", **base))
    entries.append(_write(kind=Kind.SHOP_VOUCHER, debit=owed, credit=A.PROGRAMME_PROMOTIONS,
                          amount=by_shop, key=f"shop_voucher:{order.pk}", **base))
    # The shop's revenue: what it sold for after its own vouchers (the programme's subsidy
    # is part of it). The fee and the tax withheld are taken on that.
    revenue = amount + by_programme
    fee = min(_fee(order, day), revenue)
    tax = withholding_for(order.shop, revenue, day=day, route=route)
    entries.append(_write(kind=Kind.FEE, debit=owed, credit=A.FEE_INCOME, amount=fee,
                          key=f"fee:{order.pk}", **base))
    entries.append(_write(kind=Kind.VAT, debit=owed, credit=A.VAT_WITHHELD, amount=tax.vat,
                          key=f"vat:{order.pk}", memo=f"{tax.vat_basis_points / 100:g}%", **base))
    entries.append(_write(kind=Kind.PIT, debit=owed, credit=A.PIT_WITHHELD, amount=tax.pit,
                          key=f"pit:{order.pk}", memo=f"{tax.pit_basis_points / 100:g}%", **base))
    return [e for e in entries if e is not None]


def _sum(order, kind: str) -> int:
    return int(Entry.objects.filter(order_id=order.pk, kind=kind).aggregate(s=Sum("amount"))["s"] or 0)


def post_refund(order, *, amount: int, reference: str = "", at=None) -> list[Entry]:
    """`amount` đồng of `order` went back to the buyer: the shop is owed that much less (or,
    when it collected the money itself, gave it back itself), and the fee and tax taken on
    it are given back in proportion — all that is left of them on the last refund."""
    if amount <= 0 or order.shop_id is None:
        return []
    sale = Entry.objects.filter(key=f"sale:{order.pk}").first()
    if sale is None:
        return []  # nothing was ever collected for this order (e.g. COD refused at the door)
    at = at or timezone.now()
    # Lock the order as `release_due` does (order, then shop): a release at this moment
    # either happened before (the refund comes out of payable) or waits for this posting.
    apps.get_model("order", "Order").objects.select_for_update().filter(pk=order.pk).first()
    refunded_before = _sum(order, Kind.REFUND) + _sum(order, Kind.REFUND_SELF)
    refunded = refunded_before + amount
    released = _released(order)
    if released:
        _lock_shop(order.shop_id)
    owed = A.SHOP_PAYABLE if released else A.SHOP_PENDING
    key = f"refund:{order.pk}:{refunded}"
    base = {"shop_id": order.shop_id, "order": order, "route": sale.route, "at": at, "reference": reference}
    if sale.kind == Kind.SALE:
        first = _write(kind=Kind.REFUND, debit=owed, credit=A.PROGRAMME_CASH, amount=amount, key=key, **base)
    else:
        first = _write(kind=Kind.REFUND_SELF, debit=A.SHOP_SALES, credit=A.SHOP_COLLECTED,
                       amount=amount, key=key, **base)
    if first is None:
        return []
    entries = [first]
    # The fee, the tax and the voucher entries are given back in proportion of the money
    # refunded (a voucher's discount was never paid by the buyer, so is never refunded to
    # them: the programme's subsidy and the shop's discount simply go back where they came from).
    for taken, back, account in ((Kind.FEE, Kind.FEE_BACK, A.FEE_INCOME),
                                 (Kind.VAT, Kind.VAT_BACK, A.VAT_WITHHELD),
                                 (Kind.PIT, Kind.PIT_BACK, A.PIT_WITHHELD),
                                 (Kind.VOUCHER, Kind.VOUCHER_BACK, None),
                                 (Kind.SHOP_VOUCHER, Kind.SHOP_VOUCHER_BACK, None)):
        total, given = _sum(order, taken), _sum(order, back)
        if refunded >= sale.amount:
            share = total - given
        else:
            share = min((amount * total * 2 + sale.amount) // (2 * sale.amount), total - given)
        if taken == Kind.VOUCHER:  # given to the shop: taken back
            debit, credit = owed, A.PROGRAMME_PROMOTIONS
        elif taken == Kind.SHOP_VOUCHER:  # taken from the shop: given back
            debit, credit = A.PROGRAMME_PROMOTIONS, owed
        else:
            debit, credit = account, owed
        entries.append(_write(kind=back, debit=debit, credit=credit, amount=share, key=f"{key}:{back}", **base))
    return [e for e in entries if e is not None]


def release_due(*, now=None) -> int:
    """Make payable what each delivered order earned, once its return window has passed with
    no case open (`COMPLAINT_WINDOW_DAYS` after delivery). Safe to run twice. Returns how
    many orders were released."""
    Order = apps.get_model("order", "Order")
    Complaint = apps.get_model("complaints", "Complaint")
    now = now or timezone.now()
    window = datetime.timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
    candidates = (
        Order.objects.filter(status="delivered", ledger_entries__kind__in=[Kind.SALE, Kind.SALE_SELF, Kind.VOUCHER])
        .exclude(ledger_entries__kind=Kind.RELEASE)
        .annotate(delivered=Max("shipments__delivered_at"))
        .filter(Q(delivered__lte=now - window) | Q(delivered__isnull=True, date_placed__lte=now - window))
        .exclude(pk__in=Complaint.objects.exclude(status=Complaint.Status.CLOSED).values("order_id"))
        .values_list("pk", "shop_id", "delivered", "date_placed")
    )
    released = 0
    for order_id, shop_id, delivered, placed in list(candidates):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if _released(order) or order.status != "delivered":
                continue
            _lock_shop(shop_id)
            pending = Entry.objects.filter(order_id=order_id)
            balance = int(pending.filter(credit=A.SHOP_PENDING).aggregate(s=Sum("amount"))["s"] or 0) - int(
                pending.filter(debit=A.SHOP_PENDING).aggregate(s=Sum("amount"))["s"] or 0
            )
            had_case = Complaint.objects.filter(order_id=order_id).exists()
            at = now if had_case else min((delivered or placed) + window, now)
            if balance == 0:
                continue
            _write(shop_id=shop_id, kind=Kind.RELEASE, debit=A.SHOP_PENDING, credit=A.SHOP_PAYABLE,
                   amount=balance, order=order, at=at, key=f"release:{order_id}")
            released += 1
    return released


def post_payout_reserved(payout: Payout, *, at=None) -> Entry | None:
    """A payout run set the shop's payable money aside (the caller holds the shop's lock)."""
    return _write(shop_id=payout.shop_id, kind=Kind.PAYOUT, debit=A.SHOP_PAYABLE, credit=A.PAYOUT_PENDING,
                  amount=payout.amount, payout=payout, at=at or timezone.now(), key=f"payout:{payout.pk}")


def post_payout_paid(payout: Payout, *, reference: str, at=None) -> Entry | None:
    """The bank confirmed the transfer to the shop."""
    return _write(shop_id=payout.shop_id, kind=Kind.PAYOUT_PAID, debit=A.PAYOUT_PENDING,
                  credit=A.PROGRAMME_CASH, amount=payout.amount, payout=payout, reference=reference,
                  at=at or timezone.now(), key=f"payout_paid:{payout.pk}")


def post_payout_cancelled(payout: Payout, *, at=None) -> Entry | None:
    """A payout not made after all: the money is payable again."""
    return _write(shop_id=payout.shop_id, kind=Kind.PAYOUT_CANCELLED, debit=A.PAYOUT_PENDING,
                  credit=A.SHOP_PAYABLE, amount=payout.amount, payout=payout,
                  at=at or timezone.now(), key=f"payout_cancelled:{payout.pk}")
