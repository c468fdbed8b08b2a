"""Shops: approved shops with their owner, applications, shipping options, communes."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace.core.addresses import communes
from marketplace.core.text import slugify_vi
from shops.models import Partner, ShippingOption, ShopInvitation, ShopMember
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


def apply_for_shop(applicant, name: str = "HTX Mật ong Mười Ngọt", **overrides) -> Partner:
    """A pending application made through the real service (`shop_apply`)."""
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
    }
    fields.update(overrides)
    return shop_apply(**fields)


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
