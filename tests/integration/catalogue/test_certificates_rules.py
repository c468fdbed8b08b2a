"""OCOP certificate rules: stars ↔ score ↔ issuing body, the 36-month default expiry,
and the status buyers see, derived from today's date in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from freezegun import freeze_time

from catalogue.certificates import CertificateDecisionError, certificate_verify
from catalogue.models import OcopCertificate, Product, ProductClass, add_months
from shops.models import Partner

pytestmark = pytest.mark.django_db

PROVINCE = OcopCertificate.IssuingBody.PROVINCE
CENTRAL = OcopCertificate.IssuingBody.CENTRAL
Status = OcopCertificate.Status


@pytest.fixture
def product():
    shop = Partner.objects.create(
        name="HTX Mật ong Mười Ngọt", code="muoi-ngot", status=Partner.Status.APPROVED
    )
    product_class, _ = ProductClass.objects.get_or_create(name="Đặc sản")
    return Product.objects.create(title="Mật ong U Minh", product_class=product_class, shop=shop)


def certificate(product, **kwargs) -> OcopCertificate:
    fields = {
        "stars": 3,
        "score": 60,
        "decision_number": "12/QĐ-UBND",
        "issuing_body": PROVINCE,
        "issued_on": datetime.date(2025, 1, 15),
    }
    fields.update(kwargs)
    return OcopCertificate(product=product, **fields)


def errors_of(cert) -> dict:
    try:
        cert.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.mark.parametrize(
    ("stars", "score", "ok"),
    [
        (3, 49, False),
        (3, 50, True),
        (3, 69, True),
        (3, 70, False),
        (4, 69, False),
        (4, 70, True),
        (4, 89, True),
        (4, 90, False),
        (5, 89, False),
        (5, 90, True),
        (5, 100, True),
        (5, 101, False),
    ],
)
def test_score_must_match_the_stars(product, stars, score, ok):
    body = CENTRAL if stars == 5 else PROVINCE
    errors = errors_of(certificate(product, stars=stars, score=score, issuing_body=body))
    assert ("score" not in errors) is ok, errors
    if not ok:
        assert "điểm" in " ".join(errors["score"])


@pytest.mark.parametrize(
    ("stars", "score", "body", "ok"),
    [
        (3, 60, PROVINCE, True),
        (4, 75, PROVINCE, True),
        (5, 95, CENTRAL, True),
        (5, 95, PROVINCE, False),  # 5★ is the central council's
        (3, 60, CENTRAL, False),  # 3★ and 4★ are the province's
        (4, 75, CENTRAL, False),
    ],
)
def test_issuing_body_follows_the_stars(product, stars, score, body, ok):
    errors = errors_of(certificate(product, stars=stars, score=score, issuing_body=body))
    assert ("issuing_body" not in errors) is ok, errors


def test_database_refuses_stars_and_scores_out_of_range(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        certificate(product, stars=6, score=95).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        certificate(product, score=49).save()


def test_an_inconsistent_certificate_cannot_be_verified(product):
    # Stored without validation (e.g. through the admin or an import): staff cannot verify it.
    cert = certificate(product, stars=5, score=95, issuing_body=PROVINCE)
    cert.save()
    with pytest.raises(CertificateDecisionError, match="Trung ương"):
        certificate_verify(certificate=cert, actor=None)
    cert.refresh_from_db()
    assert cert.status == Status.PENDING
    cert = certificate(product, stars=4, score=95)
    cert.save()
    with pytest.raises(CertificateDecisionError, match="70 đến 89"):
        certificate_verify(certificate=cert, actor=None)


# --- expiry: issue + 36 months ------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (datetime.date(2025, 1, 15), datetime.date(2028, 1, 15)),
        (datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),  # no 29 Feb in 2027
        (datetime.date(2025, 2, 28), datetime.date(2028, 2, 28)),  # 2028 is a leap year: stays 28
        (datetime.date(2023, 8, 31), datetime.date(2026, 8, 31)),
        (datetime.date(2025, 12, 31), datetime.date(2028, 12, 31)),
        (datetime.date(2025, 1, 31), datetime.date(2028, 1, 31)),
    ],
)
def test_expiry_defaults_to_36_months_after_issue(product, issued, expires):
    assert add_months(issued, 36) == expires
    cert = certificate(product, issued_on=issued)
    cert.save()
    cert.refresh_from_db()
    assert cert.expires_on == expires


def test_month_end_arithmetic_clamps_to_the_last_day():
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 3, 31), 1) == datetime.date(2025, 4, 30)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


def test_an_explicit_expiry_is_kept_and_must_follow_the_issue(product):
    cert = certificate(product, expires_on=datetime.date(2026, 6, 30))
    cert.save()
    cert.refresh_from_db()
    assert cert.expires_on == datetime.date(2026, 6, 30)
    errors = errors_of(certificate(product, expires_on=datetime.date(2025, 1, 15)))
    assert "expires_on" in errors


# --- display status: valid / expired / revoked / pending / rejected -------------------


@pytest.fixture
def expiring_feb_28(product):
    cert = certificate(product, issued_on=datetime.date(2024, 2, 29), status=Status.VERIFIED)
    cert.save()
    assert cert.expires_on == datetime.date(2027, 2, 28)
    return cert


def public_stars(product):
    from catalogue.selectors import product_list_public

    return product_list_public().get(pk=product.pk).ocop_stars


def test_valid_through_the_expiry_date_in_vietnam(expiring_feb_28, product):
    cert = expiring_feb_28
    # 23:59 on 28 Feb in Vietnam (16:59 UTC): the last minute of validity
    with freeze_time("2027-02-28 16:59:00", tz_offset=0):
        assert cert.display_status == "valid" and cert.is_valid
        assert OcopCertificate.objects.valid().filter(pk=cert.pk).exists()
        assert public_stars(product) == 3
    # 00:30 on 1 March in Vietnam is still 28 Feb in UTC: the local date counts
    with freeze_time("2027-02-28 17:30:00", tz_offset=0):
        assert datetime.datetime.now(datetime.UTC).date() == datetime.date(2027, 2, 28)
        assert cert.display_status == "expired" and not cert.is_valid
        assert not OcopCertificate.objects.valid().filter(pk=cert.pk).exists()
        assert public_stars(product) is None
    with freeze_time("2027-03-01 12:00:00"):
        assert cert.display_status == "expired"


def test_valid_from_the_issue_date_only(expiring_feb_28):
    with freeze_time("2024-02-28 16:59:00"):  # 23:59 on 28 Feb 2024 in Vietnam
        assert not expiring_feb_28.is_valid  # not yet in force
    with freeze_time("2024-02-28 17:00:00"):  # midnight 29 Feb 2024 in Vietnam
        assert expiring_feb_28.display_status == "valid"


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (Status.PENDING, "pending"),
        (Status.REJECTED, "rejected"),
        (Status.REVOKED, "revoked"),
    ],
)
def test_statuses_other_than_verified_show_as_themselves(expiring_feb_28, product, status, shown):
    OcopCertificate.objects.filter(pk=expiring_feb_28.pk).update(status=status)
    expiring_feb_28.refresh_from_db()
    with freeze_time("2026-01-01 05:00:00"):  # well inside the validity period
        assert expiring_feb_28.display_status == shown
        assert not expiring_feb_28.is_valid
        assert public_stars(product) is None


@pytest.mark.django_db
def test_a_verified_certificate_issued_in_the_future_is_not_yet_valid():
    import datetime as _dt

    from catalogue.models import OcopCertificate, today_local

    certificate = OcopCertificate(
        stars=3, score=55, issuing_body="province", status=OcopCertificate.Status.VERIFIED,
        issued_on=today_local() + _dt.timedelta(days=3),
    )
    certificate.expires_on = certificate.issued_on + _dt.timedelta(days=1000)
    assert certificate.display_status == "not_yet_valid"
    assert not certificate.is_valid
