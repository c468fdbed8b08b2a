"""Shop onboarding factories: a pending application made through the real service."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image

from marketplace.core.addresses import communes
from shops.models import Partner
from shops.services import shop_apply

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def png_bytes(size=(12, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def make_user(email: str, *, is_staff: bool = False, password: str = "pw-123456"):
    return get_user_model().objects.create_user(
        username=email.split("@")[0][:30], email=email, password=password, is_staff=is_staff
    )


def commune_code(index: int = 0) -> int:
    return communes()[index][0]


def apply_for_shop(applicant, name: str = "HTX Mật ong Mười Ngọt", **overrides) -> Partner:
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
    }
    fields.update(overrides)
    return shop_apply(**fields)
