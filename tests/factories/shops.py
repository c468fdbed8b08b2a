"""Shops: approved shops with their owner, applications, legal representatives, shipping
options, communes."""

from __future__ import annotations

import datetime
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace.core.addresses import communes
from marketplace.core.text import slugify_vi
from shops.models import LegalRepresentative, Partner, ShippingOption, ShopInvitation, ShopMember
from shops.services import shop_apply

from .files import PDF_BYTES


def commune_codes() -> list[int]:
    return [code for code, _name in communes()]


def commune_code(index: int = 0) -> int:
    return communes()[index][0]


def make_shop(code: str | None = None, *, name: str | None = None, owner=None,
              status=Partner.Status.APPROVED, cooperative: bool = False, **fields) -> Partner:
    """An approved shop; `owner` becomes its owner member.

    `code` defaults to the slug of `name`, `name` to "Cửa hàng <code>" ("HTX <code>" for a
    cooperative). `cooperative=True` adds the legal details a cooperative discloses on its
    pages (legal name, registration number, phone, street). `fields` go to the shop.
    """
    if code is None:
        code = slugify_vi(name)
    values = {"name": name or f"Cửa hàng {code}"}
    if cooperative:
        values = {
            "name": name or f"HTX {code}",
            "producer_type": Partner.ProducerType.COOPERATIVE,
            "legal_name": f"Hợp tác xã {code}",
            "registration_number": "2100123456",
            "phone": "+84918123456",
            "street_address": "Ấp 3",
        }
    shop = Partner.objects.create(code=code, status=status, **{**values, **fields})
    if owner is not None:
        ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    return shop


#: A representative whose personal ID agrees with the date of birth: Cà Mau (096), a man born
#: in the 1900s (0), in 1980 (80). Illustrative.
REPRESENTATIVE = {
    "full_name": "Nguyễn Văn Mười",
    "birth_date": datetime.date(1980, 5, 17),
    "id_kind": LegalRepresentative.IdKind.PERSONAL_ID,
    "id_number": "096080123456",
}


def make_representative(shop: Partner, *, verified: bool = True, verified_by=None,
                        **fields) -> LegalRepresentative:
    """The shop's legal representative, verified by staff documents unless `verified=False`
    (written directly: no audit event, so tests counting the programme's decisions are not
    disturbed; the real verification is tested in integration/shops/test_identity*.py)."""
    values = {**REPRESENTATIVE, **fields}
    if verified:
        values.update(
            verification_method=LegalRepresentative.Method.STAFF_DOCUMENTS,
            verified_at=timezone.now(), verified_by=verified_by,
        )
    return LegalRepresentative.objects.create(shop=shop, **values)


def apply_for_shop(applicant, name: str = "HTX Mật ong Mười Ngọt", *,
                   representative_verified: bool = True, **overrides) -> Partner:
    """A pending application made through the real service (`shop_apply`), its legal
    representative declared; verified (as staff would after checking documents) so that the
    programme can approve it, unless `representative_verified=False`."""
    fields = {
        "applicant": applicant,
        "name": name,
        "producer_type": Partner.ProducerType.COOPERATIVE,
        "legal_name": "Hợp tác xã Mật ong Mười Ngọt",
        "registration_number": "6101234567",
        "phone": "+84912345678",
        "commune_code": commune_code(),
        "street_address": "Ấp 3",
        "application_document": ContentFile(PDF_BYTES, name="giay-phep.pdf"),
        "application_document_kind": Partner.DocumentKind.COOPERATIVE_REGISTRATION,
        "representative": dict(REPRESENTATIVE),
    }
    fields.update(overrides)
    shop = shop_apply(**fields)
    if representative_verified and fields["representative"]:
        LegalRepresentative.objects.filter(shop=shop).update(
            verification_method=LegalRepresentative.Method.STAFF_DOCUMENTS, verified_at=timezone.now(),
        )
    return shop


def make_option(shop: Partner, name: str = "Giao tận nơi", *, fee: int = 30_000,
                **fields) -> ShippingOption:
    return ShippingOption.objects.create(shop=shop, name=name, fee=fee, **fields)


def make_invitation(shop: Partner, email: str, *, role=ShopMember.Role.STAFF, invited_by=None,
                    days: int = 7, **fields) -> tuple[ShopInvitation, str]:
    """A pending invitation to `shop` for `email` (no mail sent) and its link token.

    `days` until it expires (negative: already past its expiry). Tests of the owner's page
    send invitations through the page itself (shops/invitations.py:invitation_send).
    """
    invitation = ShopInvitation(
        shop=shop, email=email, role=role, invited_by=invited_by, nonce=secrets.token_urlsafe(16),
        expires_at=timezone.now() + timedelta(days=days), **fields,
    )
    token = invitation.link_token()
    invitation.token_hash = ShopInvitation.hash_token(token)
    invitation.save()
    return invitation, token
