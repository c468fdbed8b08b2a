"""Consent as events (marketplace/privacy/services.py, selectors.py): never assumed, the latest
event per purpose counts, placing an order records the address-sharing consent with the
notice version, and the review step says so beside the button."""

from __future__ import annotations

import datetime

import pytest

from marketplace.core.models import AuditEvent
from marketplace.privacy import selectors, services
from marketplace.privacy.models import ConsentEvent, PrivacyNotice, PrivacyRequest
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db
MARKETING = ConsentEvent.Purpose.MARKETING_EMAIL


def test_silence_is_not_consent():
    buyer = make_user("im-lang@example.vn")
    assert selectors.consents_current(user=buyer)[MARKETING] is None
    assert not selectors.has_consent(user=buyer, purpose=MARKETING)


def test_the_latest_event_counts_and_a_withdrawal_is_logged_and_audited():
    buyer = make_user("doi-y@example.vn")
    given = services.consent_set(user=buyer, purpose=MARKETING, given=True)
    assert given.notice.version == "v1" and given.source == "privacy_page"
    assert selectors.has_consent(user=buyer, purpose=MARKETING)
    assert services.consent_set(user=buyer, purpose=MARKETING, given=True) is None  # no change
    services.consent_set(user=buyer, purpose=MARKETING, given=False)
    assert not selectors.has_consent(user=buyer, purpose=MARKETING)
    assert list(ConsentEvent.objects.filter(user=buyer).values_list("action", flat=True)) == [
        "withdrawn", "given"]
    withdrawal = PrivacyRequest.objects.get(user=buyer)
    assert (withdrawal.kind, withdrawal.state) == ("withdrawal", "done")
    assert set(AuditEvent.objects.filter(actor=buyer).values_list("action", flat=True)) == {
        "privacy.consent_given", "privacy.consent_withdrawn"}


def test_events_are_append_only():
    buyer = make_user("sua-bang-chung@example.vn")
    event = services.consent_set(user=buyer, purpose=MARKETING, given=True)
    event.action = "withdrawn"
    with pytest.raises(ValueError):
        event.save()


def test_the_notice_in_force_is_named_not_a_later_one():
    PrivacyNotice.objects.create(version="v9", effective_on=datetime.date(2099, 1, 1))
    buyer = make_user("ban-moi@example.vn")
    assert services.consent_set(user=buyer, purpose=MARKETING, given=True).notice.version == "v1"


def test_placing_an_order_records_the_address_sharing_consent_with_the_notice():
    buyer = make_user("dat-hang@example.vn")
    shop = make_shop("htx-dong-y")
    make_option(shop)
    product = make_product(shop, "Mật ong", price=100_000, stock=5)
    purchase = place(make_basket([(product, 1)], owner=buyer), user=buyer, email=buyer.email).purchase
    event = ConsentEvent.objects.get(purchase=purchase)
    assert (event.user, event.purpose, event.action, event.source, event.notice.version) == (
        buyer, "share_address_with_shop", "given", "checkout", "v1")


def test_a_guest_order_is_proof_by_its_purchase_number():
    shop = make_shop("htx-khach")
    make_option(shop)
    product = make_product(shop, "Tôm khô", price=100_000, stock=5)
    purchase = place(make_basket([(product, 1)]), email="khach@example.vn").purchase
    event = ConsentEvent.objects.get(purchase=purchase)
    assert event.user is None and event.subject_ref == f"purchase:{purchase.number}"
