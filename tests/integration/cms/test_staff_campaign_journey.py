"""Issue 7's "done when", through Wagtail's real admin views: programme staff (not superuser)
build a campaign with a product block, preview it, publish it, put its teaser and a product
grid on the home page; buyers see them; hiding a product removes it from the block at once.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from catalogue.models import Product
from marketplace.cms.models import CampaignIndexPage, CampaignPage, HomePage
from tests.factories import make_home_page, make_product, make_shop, make_staff, publish

pytestmark = pytest.mark.django_db


def local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def product_grid(products, title):
    return ("product_grid", {"title": title, "products": streamfield([("item", p.pk) for p in products])})


def test_staff_build_preview_and_publish_a_campaign_buyers_see_it_and_hidden_products_vanish():
    shop = make_shop("htx-ong-mat")
    honey = make_product(shop, "Mật ong rừng U Minh", price=250_000)
    wax = make_product(shop, "Sáp ong nguyên chất", price=90_000)
    home = make_home_page()
    index = home.add_child(instance=CampaignIndexPage(title="Chương trình", slug="chuong-trinh"))
    publish(index)
    staff = make_staff()
    assert not staff.is_superuser
    client = Client()
    client.force_login(staff)

    # 1. Build the campaign in /cms/ with a product grid, preview it, publish it.
    now = timezone.now()
    form = nested_form_data({
        "title": "Tuần lễ OCOP Cà Mau", "slug": "tuan-le-ocop",
        "starts_at": local(now - datetime.timedelta(days=1)),
        "ends_at": local(now + datetime.timedelta(days=6)),
        "intro": "Giảm giá đặc sản OCOP.",
        "body": streamfield([product_grid([honey, wax], "Đặc sản trong tuần lễ")]),
        "comments": inline_formset([]),
    })
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", index.pk])
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, form)  # saved as a draft first
    assert response.status_code == 302, response.content.decode()[-3000:]
    campaign = CampaignPage.objects.get(slug="tuan-le-ocop")
    assert not campaign.live
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[campaign.pk])
    assert client.post(preview_url, form).json()["is_valid"] is True
    preview = client.get(preview_url).content.decode()
    assert "Mật ong rừng U Minh" in preview and "Sáp ong nguyên chất" in preview
    response = client.post(reverse("wagtailadmin_pages:edit", args=[campaign.pk]),
                           {**form, "action-publish": "action-publish"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.live and campaign.live_revision.user == staff

    # 2. Put its teaser and a product grid on the home page, publish.
    home_form = nested_form_data({
        "title": home.title, "slug": home.slug, "hero_title": "Chợ OCOP", "hero_intro": "",
        "body": streamfield([
            ("campaign_teaser", {"campaign": campaign.pk, "text": "Đang diễn ra"}),
            product_grid([honey, wax], "Gợi ý hôm nay"),
        ]),
        "comments": inline_formset([]),
    })
    home_form["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[home.pk]), home_form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert HomePage.objects.get(pk=home.pk).live_revision.user == staff

    # 3. Buyers see it.
    buyer = Client()
    page = buyer.get("/").content.decode()
    assert "Tuần lễ OCOP Cà Mau" in page and "Gợi ý hôm nay" in page
    assert "Mật ong rừng U Minh" in page and "Sáp ong nguyên chất" in page
    campaign_page = buyer.get(campaign.url).content.decode()
    assert "Mật ong rừng U Minh" in campaign_page

    # 4. The seller hides the wax (a bulk update, no signal): gone from both at once.
    Product.objects.filter(pk=wax.pk).update(is_public=False)
    page = buyer.get("/").content.decode()
    assert "Sáp ong nguyên chất" not in page and "Mật ong rừng U Minh" in page
    assert "Sáp ong nguyên chất" not in buyer.get(campaign.url).content.decode()
