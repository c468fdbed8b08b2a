"""Writes of the seller workspace's operations side: shipping options, OCOP certificate
submissions and shop members (order status changes are marketplace/order/lifecycle.py).

Every write records an audit event with the actor and the capacity (owner/staff/helper)
they acted in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from catalogue.models import CERTIFICATE_VALIDITY_MONTHS, OcopCertificate, Product, add_months
from marketplace.core.audit import audit_record
from shops.membership import MembershipError, member_add, member_revoke
from shops.models import Partner, ShippingOption, ShopMember


class OperationError(ValueError):
    """A refused operation; the message is shown to the seller as it is."""


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


# --- payment settings ------------------------------------------------------------------

BANK_FIELDS = ("bank_bin", "bank_account_number", "bank_account_name")


@transaction.atomic
def shop_bank_account_save(
    *, shop: Partner, bank_bin: str, account_number: str, account_name: str, actor, acting_as: str
) -> bool:
    """Set (or clear: all blank) the account buyers' VietQR transfers go to (cleaned by the form).

    Returns False when nothing changed. The audit keeps the old and the new account: a
    changed payee is what someone diverting a shop's money would do.
    """
    values = {
        "bank_bin": bank_bin or "", "bank_account_number": account_number or "",
        "bank_account_name": account_name or "",
    }
    if any(values.values()) and not all(values.values()):
        raise OperationError(_("Hãy điền đủ ngân hàng, số tài khoản và tên chủ tài khoản."))
    locked = Partner.objects.select_for_update().get(pk=shop.pk)
    before = {name: getattr(locked, name) for name in BANK_FIELDS}
    if before == values:
        return False
    Partner.objects.filter(pk=shop.pk).update(**values)
    for name, value in values.items():
        setattr(shop, name, value)
    audit_record(
        action="shop.bank_account_changed", actor=actor, acting_as=acting_as, shop=shop,
        target=shop, data={"before": before, "after": values},
    )
    return True


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
