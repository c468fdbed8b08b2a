"""Writes of the seller workspace's operations side: order lines, shipping options,
OCOP certificate submissions and shop members.

A shop's part of an order is the order's lines whose `partner` is the shop (an Oscar
order can still mix shops until checkout splits orders per shop). Every write records
an audit event with the actor and the capacity (owner/staff/helper) they acted in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from catalogue.models import CERTIFICATE_VALIDITY_MONTHS, OcopCertificate, Product, add_months
from marketplace.core.audit import audit_record
from shops.membership import MembershipError, member_add, member_revoke
from shops.models import Partner, ShippingOption, ShopMember

Line = get_model("order", "Line")


class OperationError(ValueError):
    """A refused operation; the message is shown to the seller as it is."""


class LineStatus:
    """The pipeline of a shop's order lines, stored in Oscar's `Line.status`.

    Oscar's order-level status is left to the checkout issue.
    """

    PENDING = "pending"
    CONFIRMED = "confirmed"
    HANDED_TO_CARRIER = "handed_to_carrier"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    LABELS = {
        PENDING: _("Chờ xác nhận"),
        CONFIRMED: _("Đã xác nhận"),
        HANDED_TO_CARRIER: _("Đã giao cho đơn vị vận chuyển"),
        DELIVERED: _("Đã giao"),
        CANCELLED: _("Đã hủy"),
    }
    # Labels of the buttons that move a line INTO the status.
    ACTIONS = {
        CONFIRMED: _("Xác nhận đơn"),
        HANDED_TO_CARRIER: _("Đã giao cho đơn vị vận chuyển"),
        DELIVERED: _("Đã giao cho người mua"),
        CANCELLED: _("Hủy phần đơn của cửa hàng"),
    }
    TRANSITIONS = {
        PENDING: (CONFIRMED, CANCELLED),
        CONFIRMED: (HANDED_TO_CARRIER, CANCELLED),
        HANDED_TO_CARRIER: (DELIVERED,),
        DELIVERED: (),
        CANCELLED: (),
    }
    REASON_REQUIRED = frozenset({CANCELLED})

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return list(cls.LABELS.items())

    @classmethod
    def label(cls, value: str) -> str:
        return cls.LABELS.get(normalize_status(value), value)


def normalize_status(value: str) -> str:
    # Lines placed before the pipeline existed (or by Oscar's default OrderCreator, whose
    # initial line status is blank) are waiting for the shop's confirmation.
    return value or LineStatus.PENDING


def stored_values(status: str) -> list[str]:
    """The values of `Line.status` that mean `status` (blank also means pending)."""
    return [LineStatus.PENDING, ""] if status == LineStatus.PENDING else [status]


def order_lines_transition(
    *,
    shop: Partner,
    order,
    from_status: str,
    to_status: str,
    actor,
    acting_as: str,
    reason: str = "",
) -> int:
    """Move the shop's lines of `order` that are in `from_status` to `to_status`.

    A conditional UPDATE: the same tap sent twice finds no line left in `from_status` the
    second time, so the change applies once. Returns the number of lines moved; refuses
    (OperationError) an illegal transition, a missing reason, or nothing left to move.
    """
    from_status = normalize_status(from_status)
    if to_status not in LineStatus.TRANSITIONS.get(from_status, ()):
        raise OperationError(
            _("Không thể chuyển từ “%(from)s” sang “%(to)s”.")
            % {"from": LineStatus.label(from_status), "to": LineStatus.label(to_status)}
        )
    reason = (reason or "").strip()
    if to_status in LineStatus.REASON_REQUIRED and not reason:
        raise OperationError(_("Vui lòng nêu lý do hủy."))
    updates = {"status": to_status}
    if to_status == LineStatus.CANCELLED:
        updates["partner_line_notes"] = reason
    with transaction.atomic():
        moved = Line.objects.filter(
            order=order, partner=shop, status__in=stored_values(from_status)
        ).update(**updates)
        if not moved:
            raise OperationError(
                _("Không có dòng hàng nào đang ở trạng thái “%(from)s” (có thể đã được cập nhật).")
                % {"from": LineStatus.label(from_status)}
            )
        audit_record(
            action="order.lines_status_changed", actor=actor, acting_as=acting_as, shop=shop,
            target=order, reason=reason,
            data={"from": from_status, "to": to_status, "lines": moved},
        )
    return moved


# --- shipping options ---------------------------------------------------------------

SHIPPING_FIELDS = ("name", "kind", "fee", "free_above", "is_active", "position")


def _shipping_data(option: ShippingOption) -> dict:
    return {name: getattr(option, name) for name in SHIPPING_FIELDS}


@transaction.atomic
def shipping_option_save(
    *, shop: Partner, option: ShippingOption, actor, acting_as: str
) -> ShippingOption:
    """Create or update one of the shop's shipping options (validated by the form)."""
    if option.shop_id is not None and option.shop_id != shop.pk:
        raise OperationError(_("Phương thức giao hàng không thuộc cửa hàng này."))
    created = option.pk is None
    option.shop = shop
    if option.kind == ShippingOption.Kind.PICKUP:
        option.fee = 0
    if option.kind != ShippingOption.Kind.FREE_ABOVE:
        option.free_above = None
    option.save()
    audit_record(
        action="shipping.option_created" if created else "shipping.option_changed",
        actor=actor, acting_as=acting_as, shop=shop, target=option, data=_shipping_data(option),
    )
    return option


@transaction.atomic
def shipping_option_delete(*, shop: Partner, option: ShippingOption, actor, acting_as: str) -> None:
    if option.shop_id != shop.pk:
        raise OperationError(_("Phương thức giao hàng không thuộc cửa hàng này."))
    audit_record(
        action="shipping.option_deleted", actor=actor, acting_as=acting_as, shop=shop,
        target=option, data=_shipping_data(option),
    )
    option.delete()


# --- OCOP certificates ----------------------------------------------------------------


@transaction.atomic
def certificate_submit(
    *,
    shop: Partner,
    product: Product,
    stars: int,
    score: int,
    decision_number: str,
    issuing_body: str,
    issued_on,
    scan=None,
    actor,
    acting_as: str,
) -> OcopCertificate:
    """Submit a certificate of one of the shop's own products; programme staff verify it.

    Raises django's ValidationError (from the model's `full_clean`) for OCOP rule breaks.
    """
    if product.shop_id != shop.pk:
        raise OperationError(_("Sản phẩm không thuộc cửa hàng này."))
    certificate = OcopCertificate(
        product=product, stars=stars, score=score, decision_number=decision_number.strip(),
        issuing_body=issuing_body, issued_on=issued_on, status=OcopCertificate.Status.PENDING,
    )
    if issued_on:
        certificate.expires_on = add_months(issued_on, CERTIFICATE_VALIDITY_MONTHS)
    if scan:
        certificate.scan = scan
    certificate.full_clean()
    certificate.save()
    audit_record(
        action="certificate.submitted", actor=actor, acting_as=acting_as, shop=shop,
        target=certificate,
        data={
            "product": product.pk, "stars": stars, "score": score,
            "decision_number": certificate.decision_number, "issuing_body": issuing_body,
            "issued_on": issued_on.isoformat(),
        },
    )
    return certificate


# --- members ---------------------------------------------------------------------------


def shop_member_add(
    *, shop: Partner, email: str, role: str, consent_note: str, actor, acting_as: str
) -> ShopMember:
    """Give an existing registered user (found by e-mail) access to the shop."""
    if role not in (ShopMember.Role.STAFF, ShopMember.Role.HELPER):
        raise OperationError(_("Vai trò không hợp lệ."))
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise OperationError(
            _("Không có tài khoản nào với e-mail này. Người được thêm cần đăng ký tài khoản trước.")
        )
    if ShopMember.objects.active().filter(shop=shop, user=user).exists():
        raise OperationError(_("Người này đã là thành viên của cửa hàng."))
    return member_add(
        shop=shop, user=user, role=role, granted_by=actor, acting_as=acting_as,
        consent_note=consent_note.strip(),
    )


def shop_member_revoke(*, shop: Partner, member: ShopMember, actor, acting_as: str, reason: str = ""):
    if member.shop_id != shop.pk:
        raise OperationError(_("Thành viên không thuộc cửa hàng này."))
    try:
        return member_revoke(member=member, revoked_by=actor, acting_as=acting_as, reason=reason)
    except MembershipError as exc:
        raise OperationError(_("Cửa hàng cần ít nhất một chủ cửa hàng; không thể thu hồi.")) from exc
