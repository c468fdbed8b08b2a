"""Every move of a return or complaint case: opened, answered, agreed, disputed, escalated,
decided, and the money that follows.

    buyer opens              → open            (shop told; answer due in COMPLAINT_ANSWER_DAYS)
    shop accepts the return  open → accepted   (return instructions)
    shop refunds             open | accepted → refunded (part or all)
    shop refuses             open → refused    (with its reason)
    buyer agrees             refunded | refused → closed
    buyer disputes           accepted | refunded | refused → escalated
    deadline passes          open → escalated  (manage.py complaints_escalate)
    programme staff decide   any live status → closed (refund / reject / close, with a reason)

Each move is a conditional UPDATE of the case's status under the order's row lock (the order
first, as everywhere: marketplace/order/shipments.py), so two sellers, or a seller and the
buyer, acting at once apply once; the loser is refused. Each writes a step of the thread both
sides read (ComplaintEvent), an audit row, and a mail after the commit.

Money is refunded through marketplace/payment/refunds.py, never here: a card order is refunded
at Stripe once the case is claimed and committed (never under a lock; a refusal by Stripe gives
the claim back); a COD or transfer order is refunded by the shop itself, so the amount is
recorded as owed (an `order.refund_due` audit row) until the shop records that it handed the
money back (`complaint_refund_record`, through the same `order_refund`).
docs/decisions/0021-complaints.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.complaints import notifications
from marketplace.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from marketplace.complaints.selectors import complaint_refund_ceiling, order_delivered_at
from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused, require_reason
from marketplace.core.models import AuditEvent
from marketplace.core.money import format_vnd
from marketplace.order.models import Order, PaymentMethod
from marketplace.payment.refunds import order_refund

MAX_PHOTOS = 3
MESSAGE_MAX_LENGTH = 2000

Status = Complaint.Status
Author = ComplaintEvent.Author
Action = ComplaintEvent.Action
PROGRAMME = AuditEvent.Capacity.PROGRAMME
BUYER = AuditEvent.Capacity.BUYER


class ComplaintError(Refused):
    """A move the case's state, the window or the amount does not allow; shown as it is."""


# --- the buyer ------------------------------------------------------------------------------


def complaint_open(
    *,
    order: Order,
    user=None,
    kind: str,
    reason: str,
    message: str,
    requested_amount: int = 0,
    photos=(),
    now=None,
) -> Complaint:
    """The buyer of a delivered shop order opens a case.

    `user` is the signed-in buyer (None for a guest through the signed purchase link: the
    purchase's e-mail and the delivery phone are kept to reach them). `photos` are the
    re-encoded JPEGs of marketplace/core/uploads.py (the form's MultipleImageUploadField), at
    most three. Refuses an order not delivered yet, a window that has closed, a case already
    live for the order, an amount above what was paid, a blank message.
    """
    now = now or timezone.now()
    if kind not in Complaint.Kind.values:
        raise ComplaintError(_("Hãy chọn loại yêu cầu."))
    if reason not in Complaint.Reason.values:
        raise ComplaintError(_("Hãy chọn lý do."))
    message = (message or "").strip()
    if not message:
        raise ComplaintError(_("Hãy mô tả vấn đề của đơn hàng."))
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ComplaintError(_("Mô tả dài tối đa %(n)s ký tự.") % {"n": MESSAGE_MAX_LENGTH})
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ComplaintError(_("Chỉ được gửi tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS})
    if order.shop_id is None:
        raise ComplaintError(_("Đơn hàng này không thuộc cửa hàng nào."))
    delivered_at = order_delivered_at(order)
    if delivered_at is None:
        raise ComplaintError(
            _("Đơn hàng chưa được giao nên chưa thể yêu cầu trả hàng/hoàn tiền. "
              "Bạn có thể liên hệ cửa hàng hoặc chờ nhận hàng.")
        )
    closes = delivered_at + timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
    if now > closes:
        raise ComplaintError(
            _("Đã quá thời hạn %(days)s ngày kể từ khi nhận hàng (hết hạn lúc %(when)s) "
              "nên không thể gửi yêu cầu trả hàng/hoàn tiền.")
            % {"days": settings.COMPLAINT_WINDOW_DAYS,
               "when": timezone.localtime(closes).strftime("%H:%M %d/%m/%Y")}
        )
    requested_amount = _amount(requested_amount) if kind != Complaint.Kind.COMPLAINT else 0
    ceiling = complaint_refund_ceiling(order)
    if kind != Complaint.Kind.COMPLAINT:
        if requested_amount <= 0:
            raise ComplaintError(_("Hãy nhập số tiền muốn được hoàn (đồng)."))
        if requested_amount > ceiling:
            raise ComplaintError(
                _("Số tiền yêu cầu hoàn tối đa là %(max)s (số tiền đã trả cho đơn này).")
                % {"max": format_vnd(ceiling)}
            )
    email, phone = _contact(order, user)
    # Stored before the order is locked: in production the storage is S3, an outside call.
    # A refusal below (rare: the checks above come first) leaves the files without a row.
    stored = [_store_photo(photo) for photo in photos]
    try:
        with transaction.atomic():
            locked = _lock(order)
            if Complaint.objects.filter(order=locked).exclude(status=Status.CLOSED).exists():
                raise ComplaintError(_("Đơn hàng này đang có một yêu cầu chưa xử lý xong."))
            complaint = Complaint.objects.create(
                order=locked, shop_id=locked.shop_id, user=_user(user), contact_email=email,
                contact_phone=phone, kind=kind, reason=reason, message=message,
                requested_amount=requested_amount, delivered_at=delivered_at,
                shop_answer_due=now + timedelta(days=settings.COMPLAINT_ANSWER_DAYS),
            )
            for name in stored:
                ComplaintPhoto.objects.create(complaint=complaint, image=name)
            _event(complaint, Author.BUYER, user, Action.OPENED, message, requested_amount)
            _audit(complaint, "complaint.opened", user, BUYER, data={
                "kind": kind, "reason": reason, "requested_amount": requested_amount,
                "photos": len(photos),
            })
    except IntegrityError as exc:  # two submits at once: the constraint let one through
        raise ComplaintError(_("Đơn hàng này đang có một yêu cầu chưa xử lý xong.")) from exc
    _notify(complaint, "opened")
    return complaint


def complaint_agree(*, complaint: Complaint, actor=None) -> Complaint:
    """The buyer accepts the shop's refund or refusal: the case is closed."""
    with transaction.atomic():
        _lock(complaint.order)
        _claim(
            complaint, (Status.REFUNDED, Status.REFUSED), status=Status.CLOSED,
            outcome=Complaint.Outcome.AGREED, closed_at=timezone.now(),
            refused=_("Yêu cầu không còn chờ bạn xác nhận (có thể vừa được cập nhật)."),
        )
        _event(complaint, Author.BUYER, actor, Action.AGREED)
        _audit(complaint, "complaint.agreed", actor, BUYER)
    _notify(complaint, "agreed")
    return complaint


def complaint_dispute(*, complaint: Complaint, note: str, actor=None) -> Complaint:
    """The buyer does not accept the shop's answer ("Không đồng ý"): programme staff decide."""
    note = require_reason(note, refusal=ComplaintError)
    with transaction.atomic():
        _lock(complaint.order)
        _claim(
            complaint, Complaint.ANSWERED, status=Status.ESCALATED,
            escalation=Complaint.Escalation.DISPUTED, escalated_at=timezone.now(),
            refused=_("Chỉ có thể không đồng ý khi cửa hàng đã phản hồi và yêu cầu chưa đóng."),
        )
        _event(complaint, Author.BUYER, actor, Action.DISPUTED, note)
        _audit(complaint, "complaint.escalated", actor, BUYER, reason=note,
               data={"cause": Complaint.Escalation.DISPUTED})
    _notify(complaint, "escalated")
    return complaint


# --- the shop -------------------------------------------------------------------------------


def complaint_accept_return(*, complaint: Complaint, shop, instructions: str, actor,
                            acting_as: str) -> Complaint:
    """The shop takes the goods back: where and how to send them (the refund follows once
    they arrive, with `complaint_refund`)."""
    _own(complaint, shop)
    instructions = (instructions or "").strip()
    if not instructions:
        raise ComplaintError(_("Hãy hướng dẫn người mua cách gửi trả hàng (địa chỉ, cách gửi, phí)."))
    with transaction.atomic():
        _lock(complaint.order)
        _claim(
            complaint, (Status.OPEN,), status=Status.ACCEPTED, answer_note=instructions,
            answered_at=timezone.now(), refused=_not_open(complaint),
        )
        _event(complaint, Author.SHOP, actor, Action.ACCEPTED, instructions)
        _audit(complaint, "complaint.accepted", actor, acting_as)
    _notify(complaint, "answered")
    return complaint


def complaint_refuse(*, complaint: Complaint, shop, reason: str, actor, acting_as: str) -> Complaint:
    """The shop refuses, with the reason the buyer reads (they may dispute it)."""
    _own(complaint, shop)
    reason = (reason or "").strip()
    if not reason:
        raise ComplaintError(_("Hãy ghi lý do từ chối (người mua sẽ nhận được)."))
    with transaction.atomic():
        _lock(complaint.order)
        _claim(
            complaint, (Status.OPEN,), status=Status.REFUSED, answer_note=reason,
            answered_at=timezone.now(), refused=_not_open(complaint),
        )
        _event(complaint, Author.SHOP, actor, Action.REFUSED, reason)
        _audit(complaint, "complaint.refused", actor, acting_as, reason=reason)
    _notify(complaint, "answered")
    return complaint


def complaint_refund(*, complaint: Complaint, shop, amount, note: str = "", actor,
                     acting_as: str) -> Complaint:
    """The shop gives `amount` đồng back (part or all of what was paid): from an open case,
    or an accepted return once the goods are back."""
    _own(complaint, shop)
    amount = _refund_amount(complaint, amount)
    note = (note or "").strip()
    _refund(
        complaint, amount=amount, from_statuses=(Status.OPEN, Status.ACCEPTED),
        changes={"status": Status.REFUNDED, "answered_at": timezone.now(),
                 "answer_note": note or F("answer_note")},
        refused=_not_open(complaint), author=Author.SHOP, actor=actor, acting_as=acting_as,
        action=Action.REFUNDED, text=note, audit_action="complaint.refunded", mail="answered",
    )
    return complaint


def complaint_refund_record(*, complaint: Complaint, shop, actor, acting_as: str) -> Complaint:
    """The shop handed the money it owes back (COD, transfer): record the refund on the order
    (marketplace/payment/refunds.py, reference "manual"), in one transaction with the claim."""
    _own(complaint, shop)
    owed = complaint.refund_owed
    if not owed:
        raise ComplaintError(_("Yêu cầu này không còn khoản hoàn tiền nào phải ghi nhận."))
    with transaction.atomic():
        order = _lock(complaint.order)
        if not Complaint.objects.filter(pk=complaint.pk, refund_owed=owed).update(refund_owed=0):
            raise ComplaintError(_("Khoản hoàn tiền vừa được ghi nhận; vui lòng tải lại trang."))
        # Refused (order not paid yet, more than was paid): the claim above rolls back with it.
        order_refund(order, amount=owed, actor=actor, acting_as=acting_as,
                     reason=_("Hoàn tiền yêu cầu %(ref)s") % {"ref": complaint.reference})
        complaint.refund_owed = 0
        _event(complaint, Author.SHOP, actor, Action.REFUND_RECORDED, amount=owed)
        _audit(complaint, "complaint.refund_recorded", actor, acting_as, data={"amount": owed})
    _notify(complaint, "refund_recorded")
    return complaint


# --- escalation and programme staff -------------------------------------------------------


def complaints_escalate(*, now=None) -> int:
    """Open cases past the shop's deadline go to programme staff. Safe twice, or from two
    machines at once: each case moves by a conditional update. Returns how many moved."""
    now = now or timezone.now()
    moved = 0
    overdue = Complaint.objects.filter(status=Status.OPEN, shop_answer_due__lt=now)
    for complaint in overdue.select_related("order").order_by("pk"):
        with transaction.atomic():
            _lock(complaint.order)
            claimed = Complaint.objects.filter(
                pk=complaint.pk, status=Status.OPEN, shop_answer_due__lt=now
            ).update(status=Status.ESCALATED, escalation=Complaint.Escalation.DEADLINE,
                     escalated_at=now)
            if not claimed:
                continue  # the shop answered a moment ago, or another run took it
            complaint.status = Status.ESCALATED
            _event(complaint, Author.SYSTEM, None, Action.ESCALATED,
                   _("Cửa hàng không phản hồi trước hạn."))
            _audit(complaint, "complaint.escalated", None, AuditEvent.Capacity.SYSTEM,
                   data={"cause": Complaint.Escalation.DEADLINE})
        _notify(complaint, "escalated")
        moved += 1
    return moved


def complaint_decide_refund(*, complaint: Complaint, amount, actor, reason: str) -> Complaint:
    """Programme staff close the case with a refund of `amount` đồng to the buyer."""
    reason = require_reason(reason, refusal=ComplaintError)
    amount = _refund_amount(complaint, amount)
    _refund(
        complaint, amount=amount, from_statuses=Complaint.LIVE,
        changes={"status": Status.CLOSED, "outcome": Complaint.Outcome.REFUNDED,
                 "outcome_reason": reason, "closed_at": timezone.now()},
        refused=_("Yêu cầu đã đóng (có thể vừa được xử lý)."), author=Author.PROGRAMME,
        actor=actor, acting_as=PROGRAMME, action=Action.DECIDED, text=reason,
        audit_action="complaint.decided", mail="decided",
        audit_data={"outcome": Complaint.Outcome.REFUNDED},
    )
    return complaint


def complaint_reject(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Programme staff close the case without a refund (the buyer's request is not upheld)."""
    return _decide(complaint, Complaint.Outcome.REJECTED, actor=actor, reason=reason)


def complaint_close(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Programme staff close the case as it stands (settled between buyer and shop, withdrawn)."""
    return _decide(complaint, Complaint.Outcome.CLOSED, actor=actor, reason=reason)


def _decide(complaint: Complaint, outcome: str, *, actor, reason: str) -> Complaint:
    reason = require_reason(reason, refusal=ComplaintError)
    with transaction.atomic():
        _lock(complaint.order)
        _claim(
            complaint, Complaint.LIVE, status=Status.CLOSED, outcome=outcome,
            outcome_reason=reason, closed_at=timezone.now(),
            refused=_("Yêu cầu đã đóng (có thể vừa được xử lý)."),
        )
        _event(complaint, Author.PROGRAMME, actor, Action.DECIDED, reason)
        _audit(complaint, "complaint.decided", actor, PROGRAMME, reason=reason,
               data={"outcome": outcome})
    _notify(complaint, "decided")
    return complaint


# --- helpers --------------------------------------------------------------------------------


def _refund(complaint: Complaint, *, amount: int, from_statuses, changes: dict, refused: str,
            author: str, actor, acting_as: str, action: str, text: str, audit_action: str,
            mail: str, audit_data: dict | None = None) -> None:
    """Claim the case (a conditional UPDATE under the order's lock), then move the money:

    - card: Stripe refunds after the claim is committed, never under the lock; if Stripe
      refuses, the claim is given back and the refusal is raised (nothing changed);
    - COD, transfer: the amount is owed by the shop (`refund_owed`, `order.refund_due` audit
      row) until it records the money handed back.
    """
    card = complaint.order.payment_method == PaymentMethod.CARD
    before = {
        "status": complaint.status, "answered_at": complaint.answered_at,
        "answer_note": complaint.answer_note,
    }
    with transaction.atomic():
        order = _lock(complaint.order)
        ceiling = complaint_refund_ceiling(order)
        if amount > ceiling:
            raise ComplaintError(
                _("Chỉ có thể hoàn tối đa %(max)s.") % {"max": format_vnd(ceiling)}
            )
        if card:
            _claim(complaint, from_statuses, refused=refused,
                   refund_amount=F("refund_amount") + amount, **changes)
        else:
            _claim(complaint, from_statuses, refused=refused,
                   refund_amount=F("refund_amount") + amount,
                   refund_owed=F("refund_owed") + amount, **changes)
            audit_record(
                action="order.refund_due", actor=actor, acting_as=acting_as, shop=order.shop,
                target=order, data={"amount": amount, "cause": "complaint",
                                    "complaint": complaint.pk},
            )
    if card:
        try:
            order_refund(order, amount=amount, actor=actor, acting_as=acting_as,
                         reason=_("Hoàn tiền yêu cầu %(ref)s") % {"ref": complaint.reference})
        except Refused:
            # Give the claim back, only if nobody moved the case since.
            Complaint.objects.filter(pk=complaint.pk, status=changes["status"]).update(
                refund_amount=F("refund_amount") - amount, outcome="", outcome_reason="",
                closed_at=None, **before,
            )
            complaint.refresh_from_db()
            raise
    with transaction.atomic():
        complaint.refresh_from_db()
        _event(complaint, author, actor, action, text, amount)
        _audit(complaint, audit_action, actor, acting_as, reason=text if author == Author.PROGRAMME else "",
               data={"amount": amount, "card": card, **(audit_data or {})})
    _notify(complaint, mail)


def _refund_amount(complaint: Complaint, amount) -> int:
    amount = _amount(amount)
    if amount <= 0:
        raise ComplaintError(_("Số tiền hoàn phải là số nguyên dương (đồng)."))
    return amount


def _amount(value) -> int:
    if isinstance(value, bool):
        raise ComplaintError(_("Số tiền phải là số nguyên (đồng)."))
    if isinstance(value, int):
        amount = value
    else:
        try:
            amount = int(str(value).strip().replace(".", "").replace(",", "") or 0)
        except (TypeError, ValueError) as exc:
            raise ComplaintError(_("Số tiền phải là số nguyên (đồng).")) from exc
    if amount < 0:
        raise ComplaintError(_("Số tiền không được âm."))
    return amount


def _own(complaint: Complaint, shop) -> None:
    # Views already answer 404 for another shop's case; this guards every other caller.
    if shop is None or complaint.shop_id != shop.pk:
        raise ComplaintError(_("Yêu cầu này không thuộc cửa hàng của bạn."))


def _not_open(complaint: Complaint) -> str:
    return _("Yêu cầu không còn chờ cửa hàng phản hồi (có thể vừa được cập nhật hoặc đã "
             "chuyển Ban quản lý chương trình).")


def _lock(order: Order) -> Order:
    locked = Order.objects.select_for_update().filter(pk=order.pk).first()
    if locked is None:
        raise ComplaintError(_("Đơn hàng không còn tồn tại."))
    return locked


def _claim(complaint: Complaint, expected, *, refused: str, **changes) -> None:
    """Move the case out of one of `expected` statuses (a conditional UPDATE), or refuse."""
    if not Complaint.objects.filter(pk=complaint.pk, status__in=list(expected)).update(**changes):
        raise ComplaintError(refused)
    complaint.refresh_from_db()


def _event(complaint, author, actor, action, text: str = "", amount: int = 0) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, author=author, actor=_user(actor), action=action, text=text,
        amount=amount,
    )


def _audit(complaint, action, actor, acting_as, *, reason: str = "", data: dict | None = None):
    audit_record(
        action=action, actor=actor, acting_as=acting_as, shop=complaint.shop, target=complaint,
        reason=reason, data={"order": complaint.order.number, "status": complaint.status,
                             **(data or {})},
    )


def _store_photo(photo) -> str:
    """Save an uploaded (already re-encoded) photo where ComplaintPhoto keeps them; its name."""
    field = ComplaintPhoto._meta.get_field("image")
    return field.storage.save(field.generate_filename(None, photo.name), photo)


def _notify(complaint: Complaint, event: str) -> None:
    transaction.on_commit(lambda: notifications.complaint_event(complaint, event))


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _contact(order: Order, user) -> tuple[str, str]:
    """The e-mail and phone to reach the buyer: the account's, else the purchase's."""
    email = getattr(_user(user), "email", "") or order.guest_email or (
        order.purchase.email if order.purchase_id else ""
    )
    address = order.shipping_address
    phone = str(address.phone_number) if address is not None and address.phone_number else ""
    return email, phone
