"""Issue 8, item 4: programme staff approve a shop, verify an OCOP certificate and feature a
product on the home page, in the staff dashboards."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count, Q

from catalogue.models import OcopCertificate, Product
from catalogue.selectors import featured_products, product_list_public
from shops.models import Partner
from tests.factories import apply_for_shop, make_user
from tests.functional.browser.helpers import DESKTOP, sign_in

pytestmark = [pytest.mark.browser]


def pending_certificate() -> OcopCertificate:
    """A seller's new 4-star certificate, waiting for the programme to check it."""
    product = (
        product_list_public().filter(ocop_stars__isnull=True)
        .annotate(certificates=Count("ocop_certificates")).filter(certificates=0)
        .order_by("pk").first()
    )
    certificate = OcopCertificate(
        product=product, stars=4, score=78, decision_number="1234/QĐ-UBND",
        issuing_body=OcopCertificate.IssuingBody.PROVINCE,
        issued_on=datetime.date.today() - datetime.timedelta(days=40),
    )
    certificate.clean()
    certificate.save()
    return certificate


def home_links(page) -> set[str]:
    page.goto("/")
    return set(page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)"))


def product_not_on_the_home_page(page) -> Product:
    """A product of a shop that has none featured, linked nowhere on the home page yet."""
    shelf = {product.pk for product in featured_products(limit=12)}
    shops_without_featured = Partner.objects.annotate(
        featured=Count("products", filter=Q(products__is_featured=True))
    ).filter(featured=0)
    linked = home_links(page)
    candidates = (
        product_list_public().filter(is_featured=False, shop__in=shops_without_featured)
        .exclude(pk__in=shelf).order_by("pk")
    )
    return next(p for p in candidates if p.get_absolute_url() not in linked)


def test_staff_approve_a_shop_verify_a_certificate_and_feature_a_product(browsing):
    applicant = make_user("chu.htx@example.com")
    shop = apply_for_shop(applicant, name="HTX Mật ong Mười Ngọt")
    certificate = pending_certificate()
    page = browsing.open(viewport=DESKTOP)
    chosen = product_not_on_the_home_page(page)

    sign_in(page, "staff@demo.ocop.vn")
    page.goto("/dashboard/shops/")
    browsing.shot("shop applications")
    page.get_by_role("link", name=shop.name).first.click()
    page.wait_for_url(f"**/dashboard/shops/{shop.code}/")
    browsing.shot("application detail")
    page.get_by_role("button", name="Duyệt cửa hàng").click()
    page.wait_for_load_state()
    browsing.shot("shop approved")
    shop.refresh_from_db()
    assert shop.status == Partner.Status.APPROVED

    page.goto("/dashboard/ocop/")
    browsing.shot("certificates")
    page.goto(f"/dashboard/ocop/{certificate.pk}/")
    assert certificate.product.title in page.locator("main, body").first.inner_text()
    browsing.shot("certificate detail")
    page.get_by_role("button", name="Xác minh").click()
    page.wait_for_load_state()
    browsing.shot("certificate verified")
    certificate.refresh_from_db()
    assert certificate.status == OcopCertificate.Status.VERIFIED
    page.goto(certificate.product.get_absolute_url())
    assert page.locator(".product-ocop").count() == 1
    browsing.shot("product shows ocop stars")

    page.goto("/dashboard/curation/featured/")
    page.fill("#id_q", chosen.title)
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text=chosen.title).first
    browsing.shot("curation search")
    row.get_by_role("button", name="Đưa vào nổi bật").click()
    page.wait_for_load_state()
    browsing.shot("featured")
    chosen.refresh_from_db()
    assert chosen.is_featured

    assert chosen.get_absolute_url() in home_links(page)
    page.locator(f"main a[href='{chosen.get_absolute_url()}']").first.scroll_into_view_if_needed()
    browsing.shot("home shows the featured product")
