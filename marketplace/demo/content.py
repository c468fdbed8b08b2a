"""The demo's Wagtail content: a home page with real blocks, a running campaign, three
producer stories and the marketplace's rules, returns and terms pages; under /chuong-trinh/
how listings are ranked and the fee schedule (their numbers rendered by blocks from the code,
the settings and the fee rates: marketplace/cms/blocks.py:rules_blocks).

Everything is made once: pages are found by slug under the home page, images by title;
the home page body is filled only while it holds none of the promotional blocks (staff's
edits survive a second `load_demo`). Stories use only facts of the demo data
(marketplace/demo/data/camau_catalogue.json): producers, places, OCOP stars where
published, reported prices.
"""

from __future__ import annotations

import datetime
import io
import json
import uuid
import zoneinfo

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page

from catalogue.models import Collection, Product
from marketplace.cms.models import (
    ArticlePage,
    CampaignIndexPage,
    CampaignPage,
    HomePage,
    InfoPage,
    StoryIndexPage,
)
from shops.models import Partner

from .images import _colour

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
IMAGE_PREFIX = "Demo · "
PROMOTIONAL_BLOCKS = {"hero_carousel", "product_grid", "collection", "shop_spotlight", "campaign_teaser"}

CAMPAIGN_INDEX_SLUG = "chuong-trinh"
CAMPAIGN_SLUG = "tuan-le-ocop-ca-mau"
STORY_INDEX_SLUG = "cau-chuyen"
RULES_SLUG, RETURNS_SLUG, TERMS_SLUG = "quy-che-hoat-dong", "chinh-sach-doi-tra-khieu-nai", "dieu-khoan-su-dung"
RANKING_SLUG, FEES_SLUG = "cach-xep-hang-san-pham", "bieu-phi"
PRIVACY_SLUG = settings.PRIVACY_POLICY_SLUG

# (shop code, product title) of the products the demo promotes; missing ones are skipped.
SEA_PRODUCTS = [
    ("htx-tan-phat-loi", "Tôm khô Rạch Gốc"),
    ("htx-ba-khia-dam-doi", "Ba khía muối"),
    ("htx-cai-bat", "Cua biển Cà Mau (có tem QR truy xuất)"),
    ("htx-tan-phat-loi", "Bánh phồng hàu"),
]
CAMPAIGN_PRODUCTS = [
    ("cong-ty-cp-muoi-bac-lieu", "Muối hạt Bạc Liêu"),
    ("htx-tan-phat-loi", "Tôm khô tách vỏ"),
    ("htx-ba-khia-dam-doi", "Ba khía muối"),
    ("cong-ty-cp-muoi-bac-lieu", "Muối tinh Bạc Liêu"),
    ("htx-tan-phat-loi", "Tôm khô Rạch Gốc – túi 200 g"),
    ("htx-19-5", "Mật ong U Minh Hạ"),  # one product with options (services.VARIANT_LINES)
]


def ensure_cms_content(result) -> None:
    """Create whatever part of the demo content is missing (see the module docstring)."""
    home = HomePage.objects.first()
    if home is None:
        return
    images = _ensure_images(result)
    campaign_index = _ensure_child(
        home, CAMPAIGN_INDEX_SLUG, result, _campaign_index_page
    )
    campaign = _ensure_child(campaign_index, CAMPAIGN_SLUG, result, lambda: _campaign_page(images))
    story_index = _ensure_child(home, STORY_INDEX_SLUG, result, _story_index_page)
    stories = [
        _ensure_child(story_index, spec["slug"], result, lambda spec=spec: _article_page(spec, images))
        for spec in STORIES
    ]
    for slug, title, body in INFO_PAGES:
        _ensure_child(home, slug, result, lambda s=slug, t=title, b=body: _info_page(s, t, b))
    for slug, title, body in PROGRAMME_RULES_PAGES:
        _ensure_child(campaign_index, slug, result, lambda s=slug, t=title, b=body: _info_page(s, t, b))
    _ensure_home_body(home, images, campaign, stories, result)


# --- helpers ----------------------------------------------------------------------------


def _ensure_child(parent, slug, result, build):
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = build()
    parent.add_child(instance=page)
    page.save_revision().publish()
    result.created["pages"] += 1
    return page


def _product_ids(pairs) -> list[int]:
    found = {
        (code, title): pk
        for pk, code, title in Product.objects.filter(
            shop__code__in={c for c, _ in pairs}, title__in={t for _, t in pairs}
        ).values_list("pk", "shop__code", "title")
    }
    return [found[pair] for pair in pairs if pair in found]


def _products_of(shop_code: str, limit: int = 4) -> list[int]:
    return list(
        Product.objects.filter(shop__code=shop_code, is_public=True)
        .exclude(structure=Product.CHILD)
        .order_by("upc")
        .values_list("pk", flat=True)[:limit]
    )


def _items(values) -> list[dict]:
    return [{"type": "item", "value": value, "id": str(uuid.uuid4())} for value in values]


def _raw(blocks: list[dict]) -> str:
    """StreamField content in its stored (JSON) form: chooser values are plain ids."""
    for block in blocks:
        block.setdefault("id", str(uuid.uuid4()))
    return json.dumps(blocks, ensure_ascii=False)


def _rich(*paragraphs: str) -> str:
    # Block tags are kept as they are; text (which may start with <b>) becomes a paragraph.
    return "".join(p if p.startswith(("<h", "<p", "<ul", "<ol")) else f"<p>{p}</p>" for p in paragraphs)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# --- images -----------------------------------------------------------------------------

#: key → (title on the picture, subtitle, hue)
BANNERS = {
    "campaign": ("Tuần lễ OCOP Cà Mau", "Đặc sản đạt chuẩn OCOP, mua tận gốc", 0.36),
    "honey": ("Mật ong U Minh Hạ", "Từ vùng rừng tràm U Minh", 0.11),
    "shrimp": ("Tôm khô Rạch Gốc", "OCOP 4 sao · HTX Tân Phát Lợi", 0.02),
    "crab": ("Ba khía Đầm Dơi", "OCOP 4 sao · HTX Ba Khía Đầm Dơi", 0.55),
}


def banner_bytes(title: str, subtitle: str, hue: float, size=(1600, 900)) -> bytes:
    """A JPEG banner: a colour field and two soft discs, no text.

    The page prints the title next to the picture (the hero slide's caption, the campaign
    card); a title drawn on the picture too was read twice (issue 21). `title` and
    `subtitle` only vary the pattern, so each banner stays recognisable.
    """
    width, height = size
    image = PILImage.new("RGB", size, _colour(hue, 0.28, 0.55))
    draw = ImageDraw.Draw(image)
    accent = _colour(hue, 0.40, 0.50)
    light = _colour(hue, 0.50, 0.42)
    shift = (len(title) * 37 + len(subtitle) * 11) % 400
    draw.ellipse((width - 700 - shift // 2, -300, width + 200 - shift // 2, 600), fill=accent)
    draw.ellipse((-200 + shift, height - 350, 500 + shift, height + 350), fill=accent)
    draw.ellipse((width // 2 - 120, height // 2 - 120, width // 2 + 120, height // 2 + 120), fill=light)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def _ensure_images(result) -> dict:
    Image = get_image_model()
    titles = {key: IMAGE_PREFIX + spec[0] for key, spec in BANNERS.items()}
    existing = {i.title: i for i in Image.objects.filter(title__in=titles.values())}
    images = {}
    for key, (title, subtitle, hue) in BANNERS.items():
        image = existing.get(titles[key])
        if image is None:
            data = banner_bytes(title, subtitle, hue)
            image = Image(title=titles[key])
            image.file = ImageFile(io.BytesIO(data), name=f"demo-{key}.jpg")
            image.save()
            result.created["cms_images"] += 1
        images[key] = image
    return images


# --- pages ------------------------------------------------------------------------------


def _campaign_index_page():
    return CampaignIndexPage(
        title="Chương trình khuyến mại", slug=CAMPAIGN_INDEX_SLUG,
        intro="Các đợt quảng bá sản phẩm OCOP của tỉnh trên Chợ OCOP.",
    )


def _campaign_page(images):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=2)
    end = start + datetime.timedelta(days=7)
    body = [
        {"type": "paragraph", "value": _rich(
            "Trong tuần lễ, các hợp tác xã, doanh nghiệp và hộ sản xuất có sản phẩm đạt chuẩn "
            "OCOP của Cà Mau giới thiệu sản phẩm trên Chợ OCOP. Số sao OCOP chỉ hiển thị khi "
            "giấy chứng nhận còn hiệu lực.",
        )},
        {"type": "product_grid", "value": {
            "title": "Sản phẩm OCOP tham gia", "products": _items(_product_ids(CAMPAIGN_PRODUCTS)),
        }},
    ]
    collection = _collection_pk("ocop-4-sao")
    if collection:
        body.append({"type": "collection", "value": {"collection": collection, "title": "", "limit": 8}})
    return CampaignPage(
        title="Tuần lễ OCOP Cà Mau", slug=CAMPAIGN_SLUG,
        starts_at=_at(start, 0), ends_at=_at(end, 23, 59),
        banner_image=images["campaign"],
        intro="Một tuần giới thiệu sản phẩm OCOP 3, 4 và 5 sao của tỉnh Cà Mau: tôm khô, "
              "ba khía, muối Bạc Liêu, mật ong U Minh Hạ…",
        body=_raw(body),
    )


def _collection_pk(slug: str) -> int | None:
    return Collection.objects.filter(slug=slug, is_active=True).values_list("pk", flat=True).first()


def _story_index_page():
    return StoryIndexPage(
        title="Câu chuyện nhà sản xuất", slug=STORY_INDEX_SLUG,
        intro="Những người làm ra đặc sản Cà Mau: hợp tác xã, doanh nghiệp, hộ sản xuất.",
    )


STORIES = [
    {
        "slug": "mat-ong-u-minh-ha",
        "title": "Mật ong U Minh Hạ của HTX 19/5",
        "image": "honey",
        "shop": "htx-19-5",
        "tags": ["mật ong", "U Minh"],
        "intro": "Mật ong từ vùng rừng tràm U Minh Hạ, do HTX 19/5 ở xã U Minh đưa lên Chợ OCOP.",
        "body": [
            "HTX 19/5 là hợp tác xã ở U Minh, vùng rừng tràm U Minh Hạ của tỉnh Cà Mau. "
            "Sản phẩm của hợp tác xã là mật ong U Minh Hạ, bán theo lít và đóng chai.",
            "Theo báo chí của tỉnh, mật ong U Minh Hạ được bán lẻ khoảng 270.000 – 350.000 đồng "
            "một lít. Trên Chợ OCOP, hợp tác xã tự niêm yết giá, đã gồm mọi chi phí.",
        ],
    },
    {
        "slug": "tom-kho-rach-goc",
        "title": "Tôm khô Rạch Gốc – HTX Tân Phát Lợi",
        "image": "shrimp",
        "shop": "htx-tan-phat-loi",
        "tags": ["tôm khô", "Rạch Gốc", "OCOP 4 sao"],
        "intro": "Tôm khô làm từ tôm đất vùng Rạch Gốc, sản phẩm OCOP 4 sao của HTX Tân Phát Lợi.",
        "body": [
            "HTX Tân Phát Lợi ở vùng Rạch Gốc (nay thuộc xã Phan Ngọc Hiển) làm tôm khô từ tôm "
            "đất. Tôm khô Rạch Gốc, tôm khô tách vỏ và bánh phồng hàu của hợp tác xã đều đạt "
            "OCOP 4 sao.",
            "Tôm khô từ tôm đất Rạch Gốc được báo chí ghi nhận giá bán lẻ khoảng 1,5 – 1,7 triệu "
            "đồng một ký. Số sao OCOP trên Chợ OCOP chỉ hiện khi chứng nhận còn hiệu lực.",
        ],
    },
    {
        "slug": "ba-khia-dam-doi",
        "title": "Ba khía muối Đầm Dơi",
        "image": "crab",
        "shop": "htx-ba-khia-dam-doi",
        "tags": ["ba khía", "Đầm Dơi", "OCOP 4 sao"],
        "intro": "Ba khía muối của HTX Ba Khía Đầm Dơi, sản phẩm OCOP 4 sao.",
        "body": [
            "HTX Ba Khía Đầm Dơi làm hai sản phẩm: ba khía muối, đạt OCOP 4 sao, và ba khía "
            "muối nước mắm.",
            "Giá bán lẻ được báo chí ghi nhận: ba khía muối khoảng 130.000 – 150.000 đồng một "
            "ký, ba khía muối nước mắm khoảng 250.000 đồng một ký.",
        ],
    },
]


def _article_page(spec, images):
    page = ArticlePage(
        title=spec["title"], slug=spec["slug"], kind=ArticlePage.Kind.STORY,
        date=timezone.localdate(), author="Ban biên tập Chợ OCOP",
        intro=spec["intro"], image=images[spec["image"]],
        body=_raw([{"type": "paragraph", "value": _rich(*spec["body"])}]),
        related_products=_raw([{"type": "product", "value": pk} for pk in _products_of(spec["shop"])]),
    )
    page.tags.add(*spec["tags"])
    return page


INFO_PAGES = [
    (RULES_SLUG, "Quy chế hoạt động", [
        "<h2>1. Về sàn</h2>",
        "Chợ OCOP là sàn giao dịch thương mại điện tử giới thiệu và bán sản phẩm OCOP, đặc sản "
        "của tỉnh. Người bán là hợp tác xã, tổ hợp tác, doanh nghiệp và hộ kinh doanh có gian "
        "hàng được cán bộ chương trình duyệt.",
        "<h2>2. Người bán</h2>",
        "Mỗi gian hàng công khai tên pháp lý, địa chỉ, số điện thoại và mã số thuế hoặc số đăng "
        "ký kinh doanh. Người bán chịu trách nhiệm về thông tin, giá và chất lượng sản phẩm; "
        "giấy chứng nhận OCOP được cán bộ chương trình xác minh trước khi hiển thị số sao.",
        "<h2>3. Giá và đặt hàng</h2>",
        "Giá niêm yết đã bao gồm mọi chi phí, trừ khi ghi rõ khác. Trước khi đặt, người mua "
        "xem lại sản phẩm, số lượng, cách giao, tổng tiền và có thể hủy đơn.",
        "<h2>4. Xử lý vi phạm</h2>",
        "Sàn có thể ẩn sản phẩm hoặc tạm ngưng gian hàng vi phạm quy chế, pháp luật hoặc bị "
        "phản ánh có căn cứ.",
    ]),
    (RETURNS_SLUG, "Chính sách đổi trả và giải quyết khiếu nại", [
        "<h2>Khi nào được đổi trả, hoàn tiền</h2>",
        "Bạn có thể yêu cầu trả hàng và hoàn tiền, chỉ hoàn tiền, hoặc khiếu nại khi hàng bị hư "
        "hỏng, giao sai, thiếu, không giống mô tả hoặc đã hết hạn sử dụng.",
        "Thực phẩm tươi sống, hàng đã mở bao bì hoặc đã dùng chỉ được trả lại khi lỗi do cửa hàng "
        "hoặc đơn vị vận chuyển.",
        "<h2>Cách gửi yêu cầu</h2>",
        "Mở trang đơn hàng (trong tài khoản của bạn, hoặc qua đường dẫn trong thư xác nhận nếu bạn "
        "đặt hàng không cần tài khoản), bấm “Trả hàng/Hoàn tiền”, chọn lý do, số tiền muốn hoàn và "
        "gửi kèm tối đa 3 ảnh. Ảnh chỉ bạn, cửa hàng và cán bộ chương trình xem được.",
        {"type": "complaint_deadlines", "value": None},
        "<h2>Giải quyết tranh chấp</h2>",
        "Mọi trao đổi giữa bạn và cửa hàng được lưu trên trang yêu cầu. Nếu vẫn không đồng ý với "
        "quyết định của cán bộ chương trình, các bên có quyền đưa tranh chấp ra cơ quan nhà nước có "
        "thẩm quyền theo quy định của pháp luật.",
    ]),
    (TERMS_SLUG, "Điều khoản sử dụng", [
        "Khi dùng Chợ OCOP, bạn đồng ý với quy chế hoạt động, chính sách đổi trả và các điều "
        "khoản này.",
        "<h2>Tài khoản</h2>",
        "Bạn giữ bí mật mật khẩu và chịu trách nhiệm về hoạt động trong tài khoản của mình. "
        "Thông tin cá nhân chỉ dùng để giao hàng, thanh toán và chăm sóc khách hàng.",
        "<h2>Nội dung</h2>",
        "Không đăng nội dung sai sự thật, vi phạm pháp luật hoặc quyền của người khác. Đánh giá "
        "sản phẩm phải phản ánh trải nghiệm thật của người mua.",
        "<h2>Thay đổi</h2>",
        "Sàn có thể cập nhật các điều khoản; bản mới được đăng tại trang này kèm ngày cập nhật.",
    ]),
    # True to what the code does (marketplace/privacy/, docs/decisions/0032): keep in step.
    (PRIVACY_SLUG, "Chính sách bảo vệ dữ liệu cá nhân", [
        "Chính sách này nói sàn Chợ OCOP giữ những dữ liệu gì về bạn, để làm gì, ai được xem, "
        "giữ bao lâu và bạn dùng quyền của mình thế nào (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, "
        "Nghị định 356/2025/NĐ-CP). Ban quản lý sàn là bên chịu trách nhiệm về dữ liệu này.",
        "<h2>1. Dữ liệu sàn giữ</h2>",
        "<ul><li><b>Tài khoản:</b> e-mail, họ tên, mật khẩu (chỉ lưu dạng mã hóa, không ai đọc được).</li>"
        "<li><b>Sổ địa chỉ:</b> các địa chỉ giao hàng bạn lưu.</li>"
        "<li><b>Đơn hàng:</b> tên người nhận, số điện thoại, địa chỉ, ghi chú giao hàng, sản phẩm, số "
        "tiền, cách thanh toán, tình trạng giao hàng. Thẻ ngân hàng do Stripe xử lý: sàn không lưu số thẻ.</li>"
        "<li><b>Đánh giá và khiếu nại</b> bạn viết, kèm ảnh bạn gửi.</li>"
        "<li><b>Đăng nhập:</b> các lần nhập sai mật khẩu (địa chỉ IP, trình duyệt) để chặn dò mật "
        "khẩu; sàn không ghi lại mỗi lần đăng nhập thành công.</li>"
        "<li><b>Người bán:</b> thông tin cửa hàng, vai trò trong cửa hàng và hồ sơ thuế.</li></ul>",
        "Sàn không lưu ảnh căn cước công dân.",
        "<h2>2. Dùng để làm gì</h2>",
        "Để giao hàng, nhận tiền, hoàn tiền, giải quyết khiếu nại, khấu trừ và kê khai thuế thay "
        "người bán theo luật, và chống gian lận. E-mail giới thiệu sản phẩm, khuyến mại chỉ gửi khi "
        "bạn đã tự đánh dấu đồng ý; im lặng không phải là đồng ý.",
        "<h2>3. Ai được xem</h2>",
        "<ul><li><b>Cửa hàng bán đơn của bạn</b> thấy tên, số điện thoại, địa chỉ giao hàng và ghi "
        "chú của đơn đó, không thấy đơn của bạn ở cửa hàng khác. Khi bạn bấm “Đặt hàng”, bạn đồng ý "
        "chia sẻ những thông tin này với cửa hàng; sàn ghi lại lần đồng ý đó.</li>"
        "<li><b>Đơn vị vận chuyển</b> nhận tên, số điện thoại, địa chỉ trên vận đơn.</li>"
        "<li><b>Stripe</b> xử lý thanh toán thẻ.</li>"
        "<li><b>Cán bộ Ban quản lý</b> xem khi giải quyết khiếu nại, đối soát tiền.</li>"
        "<li><b>Cơ quan thuế</b> nhận số liệu của người bán, không có tên người mua.</li></ul>",
        "<h2>4. Giữ bao lâu</h2>",
        "Tài khoản, sổ địa chỉ, đánh giá, giỏ hàng được giữ tới khi bạn xóa tài khoản. Đơn hàng và "
        "chứng từ thanh toán được giữ theo thời hạn luật kế toán, thuế yêu cầu; khi bạn xóa tài "
        "khoản, chúng không còn tên, số điện thoại, e-mail của bạn (chỉ còn xã/phường và tỉnh). "
        "Bản ghi các lần bạn đồng ý hoặc rút lại đồng ý được giữ làm bằng chứng, không kèm tên.",
        "<h2>5. Quyền của bạn và cách dùng</h2>",
        "Vào <b>Tài khoản → Dữ liệu cá nhân</b> để: tải về toàn bộ dữ liệu sàn giữ về bạn (tệp "
        "JSON); đồng ý hoặc rút lại đồng ý nhận e-mail giới thiệu; gửi yêu cầu sửa thông tin sai; "
        "xóa tài khoản (nhập lại mật khẩu để xác nhận). Tên, e-mail, sổ địa chỉ bạn tự sửa được "
        "trong Hồ sơ và Sổ địa chỉ. Người đang là chủ duy nhất của một cửa hàng cần chuyển quyền "
        "chủ hoặc đóng cửa hàng trước khi xóa tài khoản.",
        "Ban quản lý trả lời mọi yêu cầu trong <b>2 ngày làm việc</b> (không tính thứ Bảy, Chủ nhật "
        "và ngày nghỉ lễ). Tải dữ liệu và xóa tài khoản được làm ngay khi bạn bấm.",
        "<h2>6. Thay đổi chính sách</h2>",
        "Mỗi lần thay đổi có số phiên bản và ngày hiệu lực ghi ở đầu trang này. Các lần bạn đồng ý "
        "được ghi kèm phiên bản chính sách lúc đó.",
    ]),
]


#: Published rules under /chuong-trinh/ (the public contract): the numbers are blocks.
PROGRAMME_RULES_PAGES = [
    (RANKING_SLUG, "Cách sàn xếp hạng sản phẩm", [
        "Trang này giải thích vì sao một sản phẩm đứng trước sản phẩm khác khi bạn tìm kiếm, xem "
        "danh mục hay xem trang chủ Chợ OCOP.",
        {"type": "ranking_factors", "value": None},
        "<h2>Để sản phẩm dễ được tìm thấy</h2>",
        "Người bán nên đặt tên sản phẩm rõ ràng, có dấu, đúng như người mua hay gọi; chọn đúng "
        "danh mục; viết mô tả đầy đủ; và gửi giấy chứng nhận OCOP còn hiệu lực để cán bộ chương "
        "trình xác minh.",
    ]),
    (FEES_SLUG, "Biểu phí", [
        "Chợ OCOP thu của cửa hàng một khoản phí trên tiền hàng của mỗi đơn đã thanh toán.",
        {"type": "fee_schedule", "value": None},
        "<h2>Cửa hàng xem phí đã trừ ở đâu</h2>",
        "Trong mục “Tiền hàng” của trang người bán: mỗi khoản phí đã trừ hiện theo từng đơn, và "
        "cả trong sao kê hằng tháng.",
    ]),
]


def _info_page(slug, title, body):
    """An info page from text (paragraphs; "<h2>…" headings) and block dicts, in order."""
    blocks, text = [], []
    for part in body:
        if isinstance(part, str):
            text.append(part)
            continue
        if text:
            blocks.append({"type": "paragraph", "value": _rich(*text)})
            text = []
        blocks.append(dict(part))
    if text:
        blocks.append({"type": "paragraph", "value": _rich(*text)})
    return InfoPage(
        title=title, slug=slug, show_in_menus=True, updated_on=timezone.localdate(),
        body=_raw(blocks),
    )


# --- home page --------------------------------------------------------------------------


def _ensure_home_body(home, images, campaign, stories, result) -> None:
    if any(block.block_type in PROMOTIONAL_BLOCKS for block in home.body):
        return
    honey_story, shrimp_story = stories[0], stories[1]
    promotional = [
        {"type": "hero_carousel", "value": {"slides": _items([
            _slide(images["campaign"], "Tuần lễ OCOP Cà Mau",
                   "Sản phẩm OCOP 3, 4 và 5 sao của tỉnh, mua trực tiếp từ người làm ra.",
                   "Xem chương trình", campaign.pk),
            _slide(images["shrimp"], "Tôm khô Rạch Gốc",
                   "OCOP 4 sao, làm từ tôm đất vùng Rạch Gốc.", "Đọc câu chuyện", shrimp_story.pk),
            _slide(images["honey"], "Mật ong U Minh Hạ",
                   "Từ vùng rừng tràm U Minh Hạ, của HTX 19/5.", "Đọc câu chuyện", honey_story.pk),
        ])}},
        {"type": "campaign_teaser", "value": {"campaign": campaign.pk, "text": ""}},
        {"type": "product_grid", "value": {
            "title": "Đặc sản biển Cà Mau", "products": _items(_product_ids(SEA_PRODUCTS)),
        }},
    ]
    collection = _collection_pk("qua-tet-ca-mau")
    if collection:
        promotional.append({"type": "collection", "value": {"collection": collection, "title": "", "limit": 8}})
    shop = _shop_pk("htx-tan-phat-loi")
    if shop:
        promotional.append({"type": "shop_spotlight", "value": {"shop": shop, "text": _rich(
            "Hợp tác xã ở vùng Rạch Gốc làm tôm khô từ tôm đất; ba sản phẩm đạt OCOP 4 sao."
        )}})
    text = [dict(item) for item in home.body.raw_data]
    closing = [{"type": "call_to_action", "value": {
        "title": "Bạn là hợp tác xã, hộ sản xuất ở Cà Mau?",
        "text": "Mở gian hàng miễn phí, đăng sản phẩm bằng điện thoại và nhận đơn trên Chợ OCOP.",
        "link_label": "Đăng ký mở cửa hàng", "link_page": None, "link_url": "/shops/apply/",
    }}]
    home.body = _raw(promotional + text + closing)
    home.save_revision().publish()
    result.created["home_blocks"] += len(promotional) + len(closing)


def _slide(image, title, text, label, page_pk):
    return {"image": image.pk, "title": title, "text": text, "link_label": label,
            "link_page": page_pk, "link_url": ""}


def _shop_pk(code: str) -> int | None:
    return Partner.objects.filter(code=code, status=Partner.Status.APPROVED).values_list("pk", flat=True).first()
