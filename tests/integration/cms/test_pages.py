"""Campaigns (only while running, then archived), stories, info pages in the footer, demo."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue import products as seller_services
from marketplace.cms.models import (
    ArticlePage,
    CampaignIndexPage,
    CampaignPage,
    InfoPage,
    StoryIndexPage,
)
from tests.factories import grid, make_home_page, make_product, make_shop, publish, raw, set_body

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _campaign(index, slug, start, end, products=()):
    page = CampaignPage(
        title=f"Chương trình {slug}", slug=slug, starts_at=start, ends_at=end,
        intro=f"Giới thiệu {slug}", body=raw([grid(products, title=f"Hàng {slug}")] if products else []),
    )
    index.add_child(instance=page)
    return publish(page)


@pytest.fixture
def campaigns():
    now = timezone.now()
    product = make_product(make_shop("cp-shop"), "Muối hạt thử", via_service=True)
    home = make_home_page()
    index = home.add_child(instance=CampaignIndexPage(title="Chương trình", slug="chuong-trinh"))
    publish(index)
    return {
        "home": home,
        "running": _campaign(index, "dang-chay", now - DAY, now + DAY, [product]),
        "ended": _campaign(index, "da-xong", now - 10 * DAY, now - DAY, [product]),
        "upcoming": _campaign(index, "sap-toi", now + DAY, now + 5 * DAY, [product]),
        "product": product,
    }


def test_campaign_is_running_only_between_its_dates(campaigns):
    now = timezone.now()
    assert campaigns["running"].is_running(now)
    assert not campaigns["ended"].is_running(now) and campaigns["ended"].has_ended(now)
    assert not campaigns["upcoming"].is_running(now)


def test_campaign_index_lists_running_and_archives_ended_ones(client, campaigns):
    html = client.get("/chuong-trinh/").content.decode()
    running, archive = html.split("Chương trình đã kết thúc", 1)
    assert "Chương trình dang-chay" in running and "Chương trình da-xong" not in running
    assert "Chương trình da-xong" in archive
    assert "Chương trình sap-toi" not in html


def test_campaign_pages_running_ended_and_not_started(client, campaigns):
    running = client.get("/chuong-trinh/dang-chay/")
    assert running.status_code == 200 and "Muối hạt thử" in running.content.decode()
    ended = client.get("/chuong-trinh/da-xong/").content.decode()
    assert "đã kết thúc" in ended and "Muối hạt thử" not in ended
    assert client.get("/chuong-trinh/sap-toi/").status_code == 404


def test_campaign_teaser_shows_only_a_running_campaign(client, campaigns):
    teasers = [{"type": "campaign_teaser", "value": {"campaign": campaigns[k].pk, "text": f"Mời xem {k}"}}
               for k in ("running", "ended", "upcoming")]
    set_body(campaigns["home"], teasers)
    html = client.get("/").content.decode()
    assert "Mời xem running" in html
    assert "Mời xem ended" not in html and "Mời xem upcoming" not in html


def test_campaign_already_in_the_hero_is_not_teased_again(client, campaigns):
    """Issue 21: no repeated campaign before the products — a teaser of the campaign a hero
    slide already leads to is left out; another campaign's teaser stays."""
    from tests.factories import make_image

    image = make_image()
    slide = {"type": "item", "id": "s1", "value": {
        "image": image.pk, "title": "Chương trình đang chạy", "text": "", "link_label": "Xem",
        "link_page": campaigns["running"].pk, "link_url": "",
    }}
    hero = {"type": "hero_carousel", "value": {"slides": [slide]}}
    teaser = {"type": "campaign_teaser", "value": {"campaign": campaigns["running"].pk, "text": "Mời xem lần hai"}}
    set_body(campaigns["home"], [hero, teaser])
    html = client.get("/").content.decode()
    assert "Chương trình đang chạy" in html
    assert "Mời xem lần hai" not in html and 'class="campaign-card"' not in html

    set_body(campaigns["home"], [teaser])  # alone, the teaser shows
    assert "Mời xem lần hai" in client.get("/").content.decode()


def _stories():
    home = make_home_page()
    index = home.add_child(instance=StoryIndexPage(title="Câu chuyện", slug="cau-chuyen"))
    publish(index)
    honey = make_product(make_shop("st-mat-ong"), "Mật ong thử", via_service=True)
    hidden = make_product(make_shop("st-an"), "Sản phẩm sẽ ẩn", via_service=True)
    pages = []
    for slug, tags, products in (
        ("mat-ong", ["mật ong", "U Minh"], [honey, hidden]),
        ("tom-kho", ["tôm khô"], []),
    ):
        page = ArticlePage(
            title=f"Bài {slug}", slug=slug, author="Ban biên tập", intro=f"Tóm tắt {slug}",
            related_products=raw([{"type": "product", "value": p.pk} for p in products]),
        )
        page.tags.add(*tags)
        index.add_child(instance=page)
        pages.append(publish(page))
    return index, pages, honey, hidden


def test_story_index_filters_by_tag_and_article_shows_related_products(client):
    index, (honey_story, shrimp_story), honey, hidden = _stories()
    assert set(honey_story.tags.names()) == {"mật ong", "U Minh"}
    html = client.get("/cau-chuyen/").content.decode()
    assert "Bài mat-ong" in html and "Bài tom-kho" in html
    slug = shrimp_story.tags.get().slug
    html = client.get("/cau-chuyen/", {"tag": slug}).content.decode()
    assert "Bài tom-kho" in html and "Bài mat-ong" not in html

    seller_services.product_set_public(product=hidden, is_public=False, actor=None, acting_as="owner")
    html = client.get("/cau-chuyen/mat-ong/").content.decode()
    assert "Ban biên tập" in html and "Mật ong thử" in html
    assert "Sản phẩm sẽ ẩn" not in html
    assert f'?tag={honey_story.tags.get(name="U Minh").slug}' in html


def test_info_pages_are_linked_from_the_footer_without_a_query_per_request(client):
    home = make_home_page()
    rules = InfoPage(title="Quy chế hoạt động", slug="quy-che-hoat-dong", body=raw([]))
    home.add_child(instance=rules)
    publish(rules)
    hidden = InfoPage(title="Trang nội bộ", slug="noi-bo", show_in_menus=False, body=raw([]))
    home.add_child(instance=hidden)
    publish(hidden)

    html = client.get("/shops/").content.decode()
    assert 'href="/quy-che-hoat-dong/"' in html and "Trang nội bộ" not in html
    with CaptureQueriesContext(connection) as queries:
        client.get("/shops/")
    assert not [q for q in queries if "cms_infopage" in q["sql"]]

    returns = InfoPage(title="Chính sách đổi trả", slug="doi-tra", body=raw([]))
    home.add_child(instance=returns)
    publish(returns)  # publishing refreshes the footer
    assert 'href="/doi-tra/"' in client.get("/shops/").content.decode()
    assert client.get("/quy-che-hoat-dong/").status_code == 200


def test_load_demo_creates_the_content_once(client, settings, tmp_path):
    from wagtail.models import Page

    from marketplace.cms.models import HomePage

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo", quiet=True)
    home = HomePage.objects.get()
    types = [block.block_type for block in home.body]
    assert {"hero_carousel", "product_grid", "collection", "shop_spotlight", "campaign_teaser"} <= set(types)
    campaign = CampaignPage.objects.live().get(title="Tuần lễ OCOP Cà Mau")
    assert campaign.is_running()
    assert ArticlePage.objects.live().count() == 3
    assert set(InfoPage.objects.live().values_list("slug", flat=True)) == {
        "quy-che-hoat-dong", "chinh-sach-doi-tra-khieu-nai", "dieu-khoan-su-dung",
        "cach-xep-hang-san-pham", "bieu-phi",
        "chinh-sach-bao-ve-du-lieu-ca-nhan",
    }
    for path in ("/chuong-trinh/cach-xep-hang-san-pham/", "/chuong-trinh/bieu-phi/"):
        assert client.get(path).status_code == 200
    html = client.get("/").content.decode()
    assert "Tuần lễ OCOP Cà Mau" in html and "Tôm khô Rạch Gốc" in html
    assert 'href="/chinh-sach-doi-tra-khieu-nai/"' in html
    assert 'href="/chinh-sach-bao-ve-du-lieu-ca-nhan/"' in html  # the privacy policy, in the footer
    for story in ArticlePage.objects.all():
        assert client.get(story.url).status_code == 200

    before = (sorted(Page.objects.values_list("pk", "slug", "live", "latest_revision_id")), list(home.body.raw_data))
    call_command("load_demo", quiet=True)
    home = HomePage.objects.get()
    after = (sorted(Page.objects.values_list("pk", "slug", "live", "latest_revision_id")), list(home.body.raw_data))
    assert after == before
