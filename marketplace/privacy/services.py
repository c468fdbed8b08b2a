"""Writes of personal-data rights (docs/decisions/0032-personal-data-rights.md): consent given
and withdrawn, the request log and staff's answers, and deleting an account.

Deleting an account (`account_delete`) is one transaction under the User row's lock and the
locks of the shops the person owns: the orders, payments and complaints the law makes the
marketplace keep (tax, accounting, E-commerce Law 122/2025) stay with the person's identity
replaced; the rest is erased, their e-mail with it wherever others' rows named it; every
session of the account ends; the User row goes, so its e-mail can register again. A failure
anywhere rolls all of it back; a second request at the same time waits for the lock and finds
nobody to delete.
"""

from __future__ import annotations

import re
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from marketplace.checkout.models import CodPhoneDay
from marketplace.complaints.models import Complaint
from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, Purchase
from marketplace.privacy import selectors
from marketplace.privacy.deadlines import request_due_at
from marketplace.privacy.models import ConsentEvent, PrivacyRequest
from shops.models import Partner, ShopInvitation, ShopMember

User = get_user_model()
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
OrderNote = get_model("order", "OrderNote")
ProductReview = get_model("reviews", "ProductReview")
Basket = get_model("basket", "Basket")

Purpose, Action, Source = ConsentEvent.Purpose, ConsentEvent.Action, ConsentEvent.Source
Kind, State = PrivacyRequest.Kind, PrivacyRequest.State

#: what replaces the buyer's name on the orders kept after their account is deleted
DELETED_BUYER_NAME = gettext_lazy("Người mua đã xóa tài khoản")


class AccountGone(Refused):
    """The account was deleted already (a second request, at the same time or later)."""


def deleted_email(ref_pk: int) -> str:
    """The placeholder e-mail of orders kept after account `ref_pk` was deleted (never deliverable)."""
    return f"deleted-{ref_pk}@invalid"


# --- consent --------------------------------------------------------------------------------


def consent_record(*, user=None, subject_ref: str = "", purpose: str, action: str, source: str,
                   purchase=None) -> ConsentEvent:
    """Append one consent event naming the notice in force now."""
    return ConsentEvent.objects.create(
        user=user, subject_ref=subject_ref or selectors.subject_ref_of(user), purpose=purpose,
        action=action, source=source, purchase=purchase, notice=selectors.notice_current(),
    )


def consent_set(*, user, purpose: str, given: bool) -> ConsentEvent | None:
    """The person ticks or unticks a purpose on /accounts/privacy/. Nothing is written when
    it is already so (None); a withdrawal is also a request in the log, done at once."""
    if purpose not in Purpose.values:
        raise Refused(_("Mục đích không hợp lệ."))
    with transaction.atomic():
        # One person's consent changes one at a time (two tabs submitting at once).
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = selectors.consents_current(user=user)[purpose]
        is_given = current is not None and current.action == Action.GIVEN
        if is_given == given:
            return None
        action = Action.GIVEN if given else Action.WITHDRAWN
        event = consent_record(user=user, purpose=purpose, action=action, source=Source.PRIVACY_PAGE)
        if not given:
            privacy_request_log(user=user, kind=Kind.WITHDRAWAL, done=True, details=purpose)
        audit_record(
            action=f"privacy.consent_{action}", actor=user, acting_as=AuditEvent.Capacity.BUYER,
            target=event, data={"purpose": purpose, "notice": event.notice.version if event.notice else None},
        )
    return event


def consent_record_order_placement(*, purchase) -> ConsentEvent:
    """Placing the order is the act of consent to share the delivery details with the shops
    of the purchase (the review step says so beside the button; ADR 0032)."""
    return consent_record(
        user=purchase.user,
        subject_ref=(selectors.subject_ref_of(purchase.user) if purchase.user_id
                     else f"purchase:{purchase.number}"),
        purpose=Purpose.SHARE_ADDRESS_WITH_SHOP, action=Action.GIVEN, source=Source.CHECKOUT,
        purchase=purchase,
    )


# --- the request log ------------------------------------------------------------------------


def privacy_request_log(*, user, kind: str, done: bool = False, details: str = "",
                        subject_ref: str = "") -> PrivacyRequest:
    now = timezone.now()
    return PrivacyRequest.objects.create(
        kind=kind, user=user, subject_ref=subject_ref or selectors.subject_ref_of(user),
        details=details, received_at=now, due_at=request_due_at(now),
        state=State.DONE if done else State.RECEIVED, handled_at=now if done else None,
        note=_("Tự phục vụ trên trang dữ liệu cá nhân.") if done else "",
    )


def correction_request_submit(*, user, details: str) -> PrivacyRequest:
    """"What is wrong": a request staff answer before its deadline."""
    details = (details or "").strip()
    if not details:
        raise Refused(_("Vui lòng cho biết thông tin nào chưa đúng và cần sửa thế nào."))
    with transaction.atomic():
        logged = privacy_request_log(user=user, kind=Kind.CORRECTION, details=details[:2000])
        audit_record(action="privacy.request_received", actor=user, acting_as=AuditEvent.Capacity.BUYER,
                     target=logged, data={"kind": logged.kind})
    return logged


def _privacy_request_move(*, privacy_request: PrivacyRequest, actor, to: str, from_states, reason: str = "") -> PrivacyRequest:
    now = timezone.now()
    fields = {"state": to}
    if to in (State.DONE, State.REFUSED):
        fields.update(handled_at=now, handled_by=actor, note=reason)
    with transaction.atomic():
        moved = PrivacyRequest.objects.filter(pk=privacy_request.pk, state__in=from_states).update(**fields)
        if not moved:
            raise Refused(_("Yêu cầu này đã được xử lý hoặc đổi trạng thái; hãy tải lại trang."))
        privacy_request.refresh_from_db()
        audit_record(
            action=f"privacy.request_{to}", actor=actor, acting_as=AuditEvent.Capacity.PROGRAMME,
            target=privacy_request, reason=reason,
            data={"kind": privacy_request.kind, "late": now > privacy_request.due_at},
        )
    return privacy_request


def privacy_request_start(*, privacy_request: PrivacyRequest, actor) -> PrivacyRequest:
    return _privacy_request_move(privacy_request=privacy_request, actor=actor, to=State.IN_PROGRESS,
                                 from_states=[State.RECEIVED])


def privacy_request_complete(*, privacy_request: PrivacyRequest, actor, reason: str) -> PrivacyRequest:
    return _privacy_request_move(privacy_request=privacy_request, actor=actor, to=State.DONE,
                                 from_states=PrivacyRequest.OPEN, reason=reason)


def privacy_request_refuse(*, privacy_request: PrivacyRequest, actor, reason: str) -> PrivacyRequest:
    return _privacy_request_move(privacy_request=privacy_request, actor=actor, to=State.REFUSED,
                                 from_states=PrivacyRequest.OPEN, reason=reason)


def export_logged(*, user) -> PrivacyRequest:
    """A self-service download, logged as a request done at once."""
    return privacy_request_log(user=user, kind=Kind.EXPORT, done=True)


# --- deleting an account --------------------------------------------------------------------


def account_delete(*, user) -> PrivacyRequest:
    """Delete `user`'s account (they confirmed it). Returns the logged request.

    Raises Refused while they are the last owner of a shop, AccountGone when it is gone already.
    """
    with transaction.atomic():
        person = User.objects.select_for_update().filter(pk=user.pk).first()
        if person is None:
            raise AccountGone(_("Tài khoản này đã được xóa."))
        # The shops they own, locked in pk order (shops.membership.member_revoke locks its shop too) before
        # the owners are counted: a co-owner deleting their account, or being revoked, at the
        # same moment waits here and then counts this person as gone.
        owned = ShopMember.objects.active().filter(user=person, role=ShopMember.Role.OWNER).values("shop_id")
        list(Partner.objects.select_for_update().filter(pk__in=owned).order_by("pk").values_list("pk", flat=True))
        blocking = selectors.shops_blocking_deletion(user=person)
        if blocking:
            raise Refused(
                _("Bạn đang là chủ duy nhất của cửa hàng %(shops)s. Hãy chuyển quyền chủ cửa hàng "
                  "cho người khác hoặc đề nghị Ban quản lý đóng cửa hàng trước khi xóa tài khoản.")
                % {"shops": ", ".join(f"“{shop.name}”" for shop in blocking)}
            )
        ref = selectors.subject_ref_of(person)
        label = _("Tài khoản đã xóa (%(ref)s)") % {"ref": ref}
        kept = _anonymise_orders(person)
        _anonymise_complaints(person)
        _leave_shops(person, label)
        _erase_reviews(person)
        _erase_baskets(person)
        _erase_sign_in_records(person)
        _erase_invitations(person)
        _end_sessions(person)
        # Kept, without the person: the audit trail, staff's order notes, the consent proof
        # and the request log (`subject_ref` stays: pseudonymous once the User row is gone).
        AuditEvent.objects.filter(actor=person).update(actor=None, actor_label=label)
        _scrub_audit_mentions(person, label)
        OrderNote.objects.filter(user=person).update(user=None)
        ConsentEvent.objects.filter(user=person).update(user=None)
        PrivacyRequest.objects.filter(user=person).update(user=None)
        person.delete()
        logged = privacy_request_log(user=None, subject_ref=ref, kind=Kind.DELETION, done=True)
        audit_record(
            action="privacy.account_deleted", target=logged,
            data={"subject": ref, "orders_kept": kept},
        )
    return logged


def _anonymise_orders(person) -> int:
    orders = Order.objects.filter(user=person)
    shipping_ids = [pk for pk in orders.values_list("shipping_address_id", flat=True) if pk]
    billing_ids = [pk for pk in orders.values_list("billing_address_id", flat=True) if pk]
    phones = {str(p) for p in ShippingAddress.objects.filter(pk__in=shipping_ids).values_list("phone_number", flat=True) if p}
    placeholder = deleted_email(person.pk)
    name = str(DELETED_BUYER_NAME)
    # The commune (line2, its code in `state`) and province (line4) stay for tax and reports.
    ShippingAddress.objects.filter(pk__in=shipping_ids).update(
        first_name=name, last_name="", phone_number="", line1="", line3="", notes="", search_text="",
    )
    BillingAddress.objects.filter(pk__in=billing_ids).update(
        first_name=name, last_name="", line1="", line3="", search_text="",
    )
    CodPhoneDay.objects.filter(phone__in=phones).delete()
    Purchase.objects.filter(user=person).update(user=None, email=placeholder)
    return orders.update(user=None, guest_email=placeholder)


def _anonymise_complaints(person) -> None:
    # The case and the thread stay (the shop's and staff's record of a dispute); who it was goes.
    Complaint.objects.filter(user=person).update(
        user=None, contact_email=deleted_email(person.pk), contact_phone="",
    )


def _leave_shops(person, label: str) -> None:
    now = timezone.now()
    for member in ShopMember.objects.active().filter(user=person).select_related("shop"):
        ShopMember.objects.filter(pk=member.pk, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            action="shop.member_revoked", shop=member.shop, target=member.shop,
            reason=_("Thành viên đã xóa tài khoản."), data={"role": member.role, "member": label},
        )
    # The membership rows go with the User row; the shop's audit history keeps the event.


def _erase_reviews(person) -> None:
    # Deleted one by one: Oscar recomputes the product's rating on each review's delete().
    for review in ProductReview.objects.filter(user=person).select_related("product"):
        review.delete()


def _erase_baskets(person) -> None:
    baskets = Basket.objects.filter(owner=person)
    # A basket that became a purchase is part of the kept order record; the rest go.
    baskets.filter(purchases__isnull=False).update(owner=None)
    Basket.objects.filter(owner=person).delete()


def _scrub_audit_mentions(person, label: str) -> None:
    """Rows about the person written by others (a shop adding them as a member, inviting them,
    naming them as the helper of an application) name their e-mail in `object_repr` or anywhere
    in `data` (data["user"], data["email"], data["helper"]["email"], ...): the label replaces
    it, whatever its letter case."""
    email = person.email
    if not email:
        return
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    mentions = AuditEvent.objects.annotate(data_text=Cast("data", TextField())).filter(
        Q(object_repr__icontains=email) | Q(data_text__icontains=email)
    )
    for event in mentions:
        event.object_repr = pattern.sub(label, event.object_repr)[:255]
        event.data = _replace_in(event.data, pattern, label)
        event.save(update_fields=["object_repr", "data"])


def _replace_in(value, pattern: re.Pattern, label: str):
    """`value` (JSON: dicts, lists, strings) with every match of `pattern` replaced by `label`."""
    if isinstance(value, str):
        return pattern.sub(label, value)
    if isinstance(value, dict):
        return {key: _replace_in(item, pattern, label) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_in(item, pattern, label) for item in value]
    return value


def _erase_invitations(person) -> None:
    """Invitations sent to the person's address (matched whatever its letter case): a pending
    one goes (no later account of that address may accept it); a decided one stays in the
    shop's list with the never-deliverable placeholder instead of the address."""
    if not person.email:
        return
    sent_to = ShopInvitation.objects.filter(email__iexact=person.email)
    sent_to.filter(status=ShopInvitation.Status.PENDING).delete()
    sent_to.update(email=deleted_email(person.pk))


def _end_sessions(person) -> None:
    """End every session signed in as the person, on every device: a session outlives the
    User row otherwise, with what Oscar's checkout stored in it (delivery address, e-mail).

    Sessions are the database's (`db`, `cached_db` in production): the rows are read and their
    `_auth_user_id` decoded, because nothing else tells whose a session is. Only unexpired
    rows, streamed; O(sessions) once per deleted account — fine at a province's scale (ADR
    0032). Each is ended through the store, which drops `cached_db`'s cache copy too."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store_class, DatabaseSessionStore):
        return  # cookie or cache sessions: nothing server-side to find them by (not used here)
    model = store_class.get_model_class()
    decoder = store_class()
    user_pk = str(person.pk)
    rows = model.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    for session_key, session_data in rows.iterator(chunk_size=500):
        if str(decoder.decode(session_data).get(SESSION_KEY)) == user_pk:
            store_class(session_key).delete()


def _erase_sign_in_records(person) -> None:
    # axes keeps the username as it was typed: "An@Example.VN" is the same person.
    names = Q()
    for name in {n for n in (person.email, person.get_username()) if n}:
        names |= Q(username__iexact=name)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(names).delete()
