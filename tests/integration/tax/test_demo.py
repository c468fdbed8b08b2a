"""marketplace/demo/tax.py: the demo's household and cooperative tax profiles, made once and
never over a seller's own edit."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from marketplace.demo.tax import ensure_tax_profiles
from marketplace.tax.models import TaxProfile
from tests.factories import make_shop

pytestmark = pytest.mark.django_db


def test_profiles_made_once_and_a_sellers_edit_kept():
    shops = {code: make_shop(code) for code in ("co-ba-gan", "htx-ba-khia-dam-doi", "khac")}
    shops["htx-ba-khia-dam-doi"].registration_number = "0000123456"
    shops["htx-ba-khia-dam-doi"].save()
    result = SimpleNamespace(created=Counter())
    ensure_tax_profiles(shops, result)
    assert result.created["tax_profiles"] == 2
    household = TaxProfile.objects.get(shop=shops["co-ba-gan"])
    cooperative = TaxProfile.objects.get(shop=shops["htx-ba-khia-dam-doi"])
    assert (household.seller_type, household.tax_code, household.withheld) == ("household", "096300000001", True)
    assert (cooperative.seller_type, cooperative.tax_code, cooperative.withheld) == ("cooperative", "0000123456", False)
    household.seller_name = "Tên người bán tự sửa"
    household.save()
    ensure_tax_profiles(shops, result)
    assert result.created["tax_profiles"] == 2
    assert TaxProfile.objects.get(shop=shops["co-ba-gan"]).seller_name == "Tên người bán tự sửa"
    assert TaxProfile.objects.count() == 2


def test_missing_demo_shops_are_skipped():
    result = SimpleNamespace(created=Counter())
    ensure_tax_profiles({}, result)
    assert result.created["tax_profiles"] == 0
