"""Writes of seller identity: the shop's legal representative saved by the applicant or the
owner, and verified by programme staff (documents checked) or an identity provider (VNeID).

Every write is one conditional UPDATE on the representative's `revision`: staff verify the
revision they read, so a change saved meanwhile is never verified unseen, and a change of
name, date of birth or number voids a verification in the same statement. Every change is
audited, the number masked (the audit log is shown to the shop's members and staff).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.identifiers import mask_identifier, validate_personal_id, validate_tax_code
from marketplace.core.models import AuditEvent
from shops.identity.providers import Verified
from shops.models import LegalRepresentative, Partner

Method = LegalRepresentative.Method
IdKind = LegalRepresentative.IdKind


class RepresentativeError(Refused):
    """The representative cannot be saved or verified as asked."""


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def representative_clean(
    *, full_name: str, birth_date: datetime.date | None, id_kind: str, id_number: str,
    today: datetime.date | None = None,
) -> dict:
    """The identity fields cleaned, or ValidationError {field: [messages]} saying what is wrong."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    name = " ".join((full_name or "").split())
    if len(name) < 2:
        errors["full_name"] = [_("Vui lòng ghi họ và tên như trên giấy tờ tùy thân.")]
    if birth_date is None:
        errors["birth_date"] = [_("Vui lòng ghi ngày sinh.")]
    elif not datetime.date(1900, 1, 1) <= birth_date <= _years_before(today, 15):
        errors["birth_date"] = [_("Ngày sinh không hợp lệ (người đại diện phải từ 15 tuổi trở lên).")]
    number = (id_number or "").strip()
    if id_kind not in IdKind.values:
        errors["id_kind"] = [_("Vui lòng chọn loại giấy tờ.")]
    else:
        try:
            if id_kind == IdKind.PERSONAL_ID:
                number = validate_personal_id(
                    number, birth_date=None if "birth_date" in errors else birth_date
                )
            else:
                number = validate_tax_code(number)
        except ValidationError as error:
            errors["id_number"] = error.messages
    if errors:
        raise ValidationError(errors)
    return {"full_name": name, "birth_date": birth_date, "id_kind": id_kind, "id_number": number}


def _audit_data(representative: LegalRepresentative, **extra) -> dict:
    return {
        "full_name": representative.full_name,
        "id_kind": representative.id_kind,
        "id_number": mask_identifier(representative.id_number),
        "revision": representative.revision,
        **extra,
    }


@transaction.atomic
def representative_save(
    *, shop: Partner, full_name: str, birth_date: datetime.date, id_kind: str, id_number: str,
    actor, acting_as: str,
) -> tuple[LegalRepresentative, bool]:
    """Create or change the shop's representative; (the record, whether anything changed).

    A change of any identity field voids a verification (the shop must be verified again).
    Raises ValidationError for bad values (forms check them first with representative_clean).
    """
    values = representative_clean(
        full_name=full_name, birth_date=birth_date, id_kind=id_kind, id_number=id_number
    )
    current = LegalRepresentative.objects.select_for_update().filter(shop=shop).first()
    if current is None:
        representative = LegalRepresentative.objects.create(shop=shop, **values)
        audit_record(
            action="shop.representative_added", actor=actor, acting_as=acting_as, shop=shop,
            target=representative, data=_audit_data(representative),
        )
        return representative, True
    changed = [name for name in LegalRepresentative.IDENTITY_FIELDS if getattr(current, name) != values[name]]
    if not changed:
        return current, False
    was_verified = current.is_verified
    updated = LegalRepresentative.objects.filter(pk=current.pk, revision=current.revision).update(
        **values,
        revision=F("revision") + 1,
        verification_method=Method.NONE,
        verified_at=None,
        verified_by=None,
        verification_note="",
        provider_reference="",
        updated_at=timezone.now(),
    )
    if not updated:  # pragma: no cover -- the row is locked above
        raise RepresentativeError(_("Thông tin người đại diện vừa được thay đổi; vui lòng thử lại."))
    current.refresh_from_db()
    audit_record(
        action="shop.representative_changed", actor=actor, acting_as=acting_as, shop=shop,
        target=current, data=_audit_data(current, changed=changed, verification_voided=was_verified),
    )
    return current, True


def _refusal_for(shop: Partner, revision: int | None) -> RepresentativeError:
    current = LegalRepresentative.objects.filter(shop=shop).first()
    if current is None:
        return RepresentativeError(_("Cửa hàng chưa khai người đại diện theo pháp luật."))
    if current.is_verified:
        return RepresentativeError(_("Người đại diện đã được xác thực."))
    if revision is not None and current.revision != revision:
        return RepresentativeError(
            _("Thông tin người đại diện vừa được sửa: vui lòng xem lại rồi xác nhận lần nữa.")
        )
    return RepresentativeError(_("Không xác thực được người đại diện."))  # pragma: no cover


@transaction.atomic
def representative_verify_by_staff(
    *, shop: Partner, actor, revision: int, note: str = ""
) -> LegalRepresentative:
    """Programme staff have compared the record (at `revision`, the one their page showed)
    with the person's documents: method "staff documents", who and when."""
    if not getattr(actor, "is_staff", False):
        raise RepresentativeError(_("Chỉ cán bộ chương trình được xác thực người đại diện."))
    updated = LegalRepresentative.objects.filter(
        shop=shop, revision=revision, verification_method=Method.NONE
    ).update(
        verification_method=Method.STAFF_DOCUMENTS,
        verified_at=timezone.now(),
        verified_by=actor,
        verification_note=(note or "").strip()[:500],
        updated_at=timezone.now(),
    )
    if not updated:
        raise _refusal_for(shop, revision)
    representative = LegalRepresentative.objects.get(shop=shop)
    audit_record(
        action="shop.representative_verified", actor=actor, acting_as=AuditEvent.Capacity.PROGRAMME,
        shop=shop, target=representative, reason=representative.verification_note,
        data=_audit_data(representative, method=Method.STAFF_DOCUMENTS),
    )
    return representative


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@transaction.atomic
def representative_verify_by_provider(
    *, shop: Partner, verified: Verified, revision: int, actor, acting_as: str
) -> LegalRepresentative:
    """An identity provider (VNeID) vouched for a person: verify the record when that person
    is the one it names (personal ID, date of birth, name), keeping the transaction id."""
    current = LegalRepresentative.objects.select_for_update().filter(shop=shop).first()
    if current is None or current.revision != revision or current.is_verified:
        raise _refusal_for(shop, revision)
    if not (
        current.id_kind == IdKind.PERSONAL_ID
        and current.id_number == verified.personal_id
        and current.birth_date == verified.birth_date
        and _same_name(current.full_name, verified.full_name)
    ):
        raise RepresentativeError(
            _("Thông tin định danh điện tử không khớp với người đại diện đã khai; "
              "vui lòng sửa lại cho đúng giấy tờ rồi xác thực lại.")
        )
    LegalRepresentative.objects.filter(pk=current.pk, revision=revision).update(
        verification_method=Method.VNEID,
        verified_at=timezone.now(),
        verified_by=None,
        verification_note="",
        provider_reference=verified.transaction_id[:128],
        updated_at=timezone.now(),
    )
    current.refresh_from_db()
    audit_record(
        action="shop.representative_verified", actor=actor, acting_as=acting_as, shop=shop,
        target=current, data=_audit_data(current, method=Method.VNEID, transaction=verified.transaction_id),
    )
    return current
