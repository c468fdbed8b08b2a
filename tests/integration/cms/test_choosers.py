"""The product and shop choosers of the Wagtail admin (marketplace/cms/choosers.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Product
from marketplace.cms.choosers import PER_PAGE, ProductChooserBlock, ShopChooserBlock
from shops.models import Partner
from tests.factories import make_certificate, make_product, make_shop, make_staff, make_user

pytestmark = pytest.mark.django_db

CHOICE = re.compile(r'href="/cms/(?:product|shop)-chooser/chosen/(\d+)/"')


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff())
    return client


@pytest.fixture
def owner():
    return make_user("chu-htx@example.vn")


@pytest.fixture
def shop(owner):
    return make_shop("htx-mat-ong-u-minh", owner=owner, name="HTX Mật ong U Minh")


def chosen_ids(html: str) -> list[int]:
    return [int(pk) for pk in CHOICE.findall(html)]


def results(client, name: str, **params):
    response = client.get(reverse(f"{name}:choose_results"), params)
    assert response.status_code == 200
    return response.content.decode()


# --- product chooser ------------------------------------------------------------------------


def test_staff_opens_the_product_chooser_with_shop_price_stars_and_visibility(staff_client, shop):
    honey = make_product(shop, "Mật ong U Minh Hạ", via_service=True, price=270_000)
    make_certificate(honey, stars=4)
    hidden = make_product(shop, "Khô cá lóc", via_service=True, price=450_000)
    Product.objects.filter(pk=hidden.pk).update(is_public=False)

    response = staff_client.get(reverse("product_chooser:choose"))

    assert response.status_code == 200
    payload = response.json()
    assert payload["step"] == "choose"
    html = payload["html"]
    assert set(chosen_ids(html)) == {honey.pk, hidden.pk}
    honey_row = html[html.index("Mật ong U Minh Hạ"):html.index("Khô cá lóc")]
    assert "HTX Mật ong U Minh" in honey_row
    assert "270.000 ₫" in honey_row and "4★" in honey_row and "Công khai" in honey_row
    hidden_row = html[html.index("Khô cá lóc"):]
    assert "450.000 ₫" in hidden_row and "Đang ẩn" in hidden_row


def test_search_folds_diacritics_and_ranks_accented_matches_first(staff_client, shop):
    accented = make_product(shop, "Mật ong rừng tràm", via_service=True)
    plain = make_product(shop, "Mat ong nuoi", via_service=True)  # sorts before "Mật…" by title
    other = make_product(shop, "Mắm ba khía", via_service=True)

    folded = chosen_ids(results(staff_client, "product_chooser", q="mat ong"))
    assert set(folded) == {accented.pk, plain.pk} and other.pk not in folded

    as_typed = chosen_ids(results(staff_client, "product_chooser", q="Mật ong"))
    assert as_typed == [accented.pk, plain.pk]
    # every word, in any order
    assert chosen_ids(results(staff_client, "product_chooser", q="tram ong")) == [accented.pk]
    html = results(staff_client, "product_chooser", q="sầu riêng")
    assert chosen_ids(html) == [] and "sầu riêng" in html


def test_only_products_staff_may_promote_are_listed_and_chosen(staff_client, shop):
    listed = make_product(shop, "Mật ong U Minh", via_service=True)
    pending_shop = make_shop("ho-moi", name="Hộ mới đăng ký")
    unapproved = make_product(pending_shop, "Mật ong chưa duyệt", via_service=True)
    Partner.objects.filter(pk=pending_shop.pk).update(status=Partner.Status.PENDING)
    rejected = make_product(shop, "Mật ong bị từ chối", via_service=True)
    Product.objects.filter(pk=rejected.pk).update(moderation_status=Product.Moderation.REJECTED)

    assert chosen_ids(results(staff_client, "product_chooser", q="mat ong")) == [listed.pk]

    chosen = staff_client.get(reverse("product_chooser:chosen", args=[listed.pk]))
    assert chosen.status_code == 200
    assert chosen.json()["result"]["id"] == str(listed.pk)
    for product in (unapproved, rejected):
        assert staff_client.get(reverse("product_chooser:chosen", args=[product.pk])).status_code == 404
    multiple = staff_client.get(
        reverse("product_chooser:chosen_multiple"), {"id": [listed.pk, rejected.pk, "x"]}
    )
    assert [item["id"] for item in multiple.json()["result"]] == [str(listed.pk)]


def test_results_are_paginated(staff_client, shop):
    products = [make_product(shop, f"Mật ong lô {i:02d}", via_service=True) for i in range(PER_PAGE + 3)]

    first = chosen_ids(results(staff_client, "product_chooser"))
    second = chosen_ids(results(staff_client, "product_chooser", p=2))

    assert len(first) == PER_PAGE and len(second) == 3
    assert sorted(first + second) == sorted(p.pk for p in products)
    assert staff_client.get(reverse("product_chooser:choose_results"), {"p": 9}).status_code == 404


def test_listing_costs_a_constant_number_of_queries(staff_client, shop):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            html = results(staff_client, "product_chooser")
        assert chosen_ids(html)
        return len(queries)

    for i in range(2):
        make_certificate(make_product(shop, f"Sản phẩm {i}", via_service=True))
    few = count_queries()
    other_shop = make_shop("htx-khac", name="HTX Khác")
    for i in range(12):
        product = make_product(other_shop if i % 2 else shop, f"Sản phẩm thêm {i}", via_service=True)
        if i % 3 == 0:
            make_certificate(product, stars=3)
    assert count_queries() == few


# --- shop chooser ---------------------------------------------------------------------------


def test_shop_chooser_lists_approved_shops_first_and_searches_folded(staff_client, shop):
    pending = make_shop("a-ho-cho-duyet", name="A Hộ chờ duyệt")
    Partner.objects.filter(pk=pending.pk).update(status=Partner.Status.PENDING)
    approved = make_shop("ca-kho-dam-doi", name="Cá khô Đầm Dơi")

    response = staff_client.get(reverse("shop_chooser:choose"))
    assert response.status_code == 200
    assert chosen_ids(response.json()["html"]) == [approved.pk, shop.pk, pending.pk]

    assert chosen_ids(results(staff_client, "shop_chooser", q="mat ong")) == [shop.pk]
    assert chosen_ids(results(staff_client, "shop_chooser", q="Đầm Dơi")) == [approved.pk]
    chosen = staff_client.get(reverse("shop_chooser:chosen", args=[shop.pk]))
    assert chosen.json()["result"] == {
        "id": str(shop.pk), "title": "HTX Mật ong U Minh", "edit_url": None
    }


# --- who may choose -------------------------------------------------------------------------

CHOOSER_URLS = ["product_chooser:choose", "product_chooser:choose_results",
                "shop_chooser:choose", "shop_chooser:choose_results"]


@pytest.mark.parametrize("name", CHOOSER_URLS)
def test_anonymous_visitors_are_sent_to_the_cms_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/cms/login/?next=")


@pytest.mark.parametrize("name", CHOOSER_URLS)
def test_a_seller_has_no_access(client, owner, shop, name):
    make_product(shop, "Mật ong U Minh", via_service=True)
    client.force_login(owner)
    response = client.get(reverse(name), {"q": "mat ong"})
    assert response.status_code == 302 and response["Location"].startswith("/cms/login/")
    xhr = client.get(reverse(name), headers={"x-requested-with": "XMLHttpRequest"})
    assert xhr.status_code == 403
    chosen = reverse(name.split(":")[0] + ":chosen", args=[shop.pk])
    assert client.get(chosen).status_code == 302


def test_cms_access_alone_does_not_open_the_catalogue(client, shop):
    """An editor with /cms/ access but no view permission on products or shops."""
    editors = Group.objects.create(name="Chỉ biên tập")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    editor = make_user("bientap@example.vn", is_staff=True)
    editor.groups.add(editors)
    client.force_login(editor)
    xhr = {"x-requested-with": "XMLHttpRequest"}
    for name in CHOOSER_URLS:
        assert client.get(reverse(name), headers=xhr).status_code == 403, name
    assert client.get(reverse("shop_chooser:chosen", args=[shop.pk]), headers=xhr).status_code == 403


# --- StreamField blocks ---------------------------------------------------------------------


def test_blocks_deconstruct_to_their_import_path_and_load_instances(shop):
    product = make_product(shop, "Mật ong U Minh", via_service=True)
    product_block, shop_block = ProductChooserBlock(), ShopChooserBlock()

    assert product_block.deconstruct() == ("marketplace.cms.choosers.ProductChooserBlock", (), {})
    assert shop_block.deconstruct() == ("marketplace.cms.choosers.ShopChooserBlock", (), {})
    assert product_block.to_python(product.pk) == product
    assert shop_block.to_python(shop.pk) == shop
    assert product_block.get_prep_value(product) == product.pk
    assert "/cms/product-chooser/" in product_block.field.widget.render("p", None, attrs={"id": "p"})
