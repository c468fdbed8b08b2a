"""The published rules (E-commerce Law 122/2025): how listings are ranked and the fee schedule
under /chuong-trinh/, the returns page's deadlines — rendered from the code, the fee rates and
the settings (marketplace/cms/blocks.py:rules_blocks) — the "Quy định của sàn" block, the
footer links and the Ministry of Industry and Trade badge."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from marketplace.cms.models import CampaignIndexPage, CampaignPage, InfoPage
from marketplace.ledger.fees import fee_rate_announce
from marketplace.ledger.models import FeeRate
from search import ranking
from tests.factories import make_home_page, publish, raw

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _info(parent, slug, title, blocks):
    page = InfoPage(title=title, slug=slug, body=raw(blocks))
    parent.add_child(instance=page)
    return publish(page)


@pytest.fixture
def rules():
    home = make_home_page()
    index = home.add_child(instance=CampaignIndexPage(title="Chương trình", slug="chuong-trinh"))
    publish(index)
    return {
        "home": home,
        "index": index,
        "returns": _info(home, "doi-tra", "Chính sách đổi trả", [
            {"type": "paragraph", "value": "<p>Lời dẫn của cán bộ</p>"},
            {"type": "complaint_deadlines", "value": None},
        ]),
        "ranking": _info(index, "cach-xep-hang-san-pham", "Cách sàn xếp hạng sản phẩm", [
            {"type": "paragraph", "value": "<p>Lời dẫn xếp hạng</p>"},
            {"type": "ranking_factors", "value": None},
        ]),
        "fees": _info(index, "bieu-phi", "Biểu phí", [{"type": "fee_schedule", "value": None}]),
    }


def test_info_pages_live_under_the_programme_page(client, rules):
    assert CampaignIndexPage.allowed_subpage_models() == [CampaignPage, InfoPage]
    assert CampaignIndexPage in InfoPage.allowed_parent_page_models()
    assert client.get("/chuong-trinh/cach-xep-hang-san-pham/").status_code == 200
    assert client.get("/chuong-trinh/bieu-phi/").status_code == 200


def test_the_ranking_page_lists_every_factor_with_the_weight_the_query_uses(client, rules):
    html = client.get("/chuong-trinh/cach-xep-hang-san-pham/").content.decode()
    assert "Lời dẫn xếp hạng" in html and "Các yếu tố xếp hạng" in html
    for factor in ranking.RANKING_FACTORS:
        start = html.index(f'data-factor="{factor.key}"')
        item = html[start:html.index("</li>", start)]
        weight = f"{factor.weight:g}".replace(".", ",")
        assert str(factor.title) in item
        assert (f"× {weight}<" if factor.kind == ranking.MULTIPLIER else f"mức ưu tiên {weight}<") in item
    for label in ranking.SORT_LABELS.values():
        assert f"<dt>{label}</dt>" in html
    assert "Trả tiền không mua được thứ hạng" in html
    assert "chưa đếm lượt mua" in html  # popularity is not counted: said so


def test_the_fee_page_shows_current_and_announced_rates(client, rules):
    html = client.get("/chuong-trinh/bieu-phi/").content.decode()
    assert "Mọi sản phẩm" in html and "không thu phí" in html and "Thay đổi đã thông báo" not in html

    FeeRate.objects.create(valid_from=datetime.date(2026, 7, 1), basis_points=0)
    start = timezone.localdate() + 30 * DAY
    fee_rate_announce(valid_from=start, basis_points=250, actor=None, note="Phí mới của sàn")
    html = client.get("/chuong-trinh/bieu-phi/").content.decode()  # the cached body was dropped
    assert "01/07/2026" in html
    upcoming = html[html.index("Thay đổi đã thông báo"):]
    assert f"Áp dụng từ {start:%d/%m/%Y}" in upcoming and "2,5 %" in upcoming and "Phí mới của sàn" in upcoming
    assert "ít nhất 20 ngày" in html


def test_the_returns_page_prints_the_deadlines_from_the_settings(client, rules, settings):
    settings.COMPLAINT_WINDOW_DAYS, settings.COMPLAINT_ANSWER_DAYS, settings.ORDER_AUTO_DELIVERED_DAYS = 7, 2, 7
    html = client.get("/doi-tra/").content.decode()
    assert "7 ngày để gửi yêu cầu" in html and "Cửa hàng trả lời trong 2 ngày" in html
    assert "quá 7 ngày" in html and "cán bộ chương trình" in html
    settings.COMPLAINT_WINDOW_DAYS, settings.COMPLAINT_ANSWER_DAYS, settings.ORDER_AUTO_DELIVERED_DAYS = 10, 3, 9
    html = client.get("/doi-tra/").content.decode()  # a changed setting is never served from the cache
    assert "10 ngày để gửi yêu cầu" in html and "Cửa hàng trả lời trong 3 ngày" in html
    assert "quá 9 ngày" in html and "7 ngày" not in html


def test_the_programme_page_and_the_footer_link_every_rules_page(client, rules):
    html = client.get("/chuong-trinh/").content.decode()
    block = html[html.index("Quy định của sàn</h2>"):]
    block = block[:block.index("</section>")]
    for path in ("/doi-tra/", "/chuong-trinh/cach-xep-hang-san-pham/", "/chuong-trinh/bieu-phi/"):
        assert f'href="{path}"' in block
    footer = client.get("/shops/").content.decode().split('class="site-footer"', 1)[1]
    links = [footer.index(f'href="{p}"') for p in ("/doi-tra/", "/chuong-trinh/cach-xep-hang-san-pham/",
                                                   "/chuong-trinh/bieu-phi/")]
    assert links[0] < links[1] and links[0] < links[2]  # the top-level rules first


def test_the_ministry_badge_is_rendered_only_when_configured(client, rules, settings):
    settings.MOIT_REGISTRATION_URL = settings.MOIT_BADGE_IMAGE_URL = ""
    response = client.get("/shops/")
    assert "moit-badge" not in response.content.decode()
    assert "online.gov.vn" not in response.headers["Content-Security-Policy"]

    settings.MOIT_REGISTRATION_URL = "http://online.gov.vn/Home/WebDetails/12345"
    settings.MOIT_BADGE_IMAGE_URL = "http://online.gov.vn/Content/EndUser/LogoCCDVSaleNoti/logoCCDV.png"
    response = client.get("/shops/")
    html = response.content.decode()
    assert 'href="http://online.gov.vn/Home/WebDetails/12345"' in html
    assert 'src="http://online.gov.vn/Content/EndUser/LogoCCDVSaleNoti/logoCCDV.png"' in html
    assert 'alt="Đã đăng ký Bộ Công Thương"' in html
    assert "http://online.gov.vn" in response.headers["Content-Security-Policy"].split("img-src", 1)[1].split(";")[0]
