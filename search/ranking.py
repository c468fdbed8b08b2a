"""How search ranks products, as data: the query builder (search/query.py) takes its boosts
from here, and the public page "how listings are ranked" renders the same rows
(marketplace/cms/blocks.py:RankingFactorsBlock), so the page cannot say one thing while
the code does another.

The E-commerce Law 122/2025 (from 1 July 2026) asks a platform to publish how listings are
ranked (docs/decisions/0034-published-rules.md). Nothing here depends on money: no
factor reads a fee, a payment or a paid placement, because there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RankingFactor:
    """One thing that raises a product in the results.

    `kind` is "text" (a clause whose score is added when the words match it, weighted by
    `weight`) or "multiplier" (the product's whole score is multiplied by `weight`).
    """

    key: str
    kind: str
    weight: float
    title: str
    explanation: str


TEXT, MULTIPLIER = "text", "multiplier"

#: In the order the public page lists them. The `weight` of a text factor is the `boost` of
#: its clause in `search.query._text_query_one`; a multiplier's is its `function_score`
#: weight in `search.query._scored` (a test compares them with the built request).
RANKING_FACTORS: tuple[RankingFactor, ...] = (
    RankingFactor(
        "title_exact", TEXT, 3,
        _("Tên sản phẩm đúng từng chữ, đúng cả dấu"),
        _("Gõ “mật ong” thì sản phẩm tên có “mật ong” đứng trên sản phẩm chỉ giống khi bỏ dấu."),
    ),
    RankingFactor(
        "title_phrase", TEXT, 2,
        _("Tên sản phẩm có các chữ liền nhau, đúng thứ tự"),
        _("Các chữ bạn gõ đứng cạnh nhau trong tên (cách nhau nhiều nhất một chữ)."),
    ),
    RankingFactor(
        "title_all_words", TEXT, 2,
        _("Tên sản phẩm có đủ các chữ bạn gõ"),
        _("Không cần dấu: “mat ong” khớp với “Mật ong”."),
    ),
    RankingFactor(
        "shop_category_commune", TEXT, 1,
        _("Tên cửa hàng, danh mục hoặc xã, phường có đủ các chữ bạn gõ"),
        _("Ví dụ gõ tên hợp tác xã hoặc tên xã để thấy sản phẩm của nơi đó."),
    ),
    RankingFactor(
        "options_attributes", TEXT, 1,
        _("Tên phân loại hoặc thuộc tính của sản phẩm có đủ các chữ bạn gõ"),
        _("Ví dụ gõ “hũ thủy tinh” hay “500 g” để thấy sản phẩm có phân loại hoặc khối lượng đó."),
    ),
    RankingFactor(
        "ocop_5", MULTIPLIER, 1.3,
        _("Chứng nhận OCOP 5 sao còn hiệu lực"),
        _("Chỉ tính giấy chứng nhận đã được cán bộ chương trình xác minh và còn hạn hôm nay; "
          "sản phẩm có nhiều giấy thì tính giấy nhiều sao nhất."),
    ),
    RankingFactor(
        "ocop_4", MULTIPLIER, 1.2,
        _("Chứng nhận OCOP 4 sao còn hiệu lực"),
        _("Như trên. Giấy hết hạn hoặc bị thu hồi thì không còn được cộng từ ngày hôm sau."),
    ),
    RankingFactor(
        "ocop_3", MULTIPLIER, 1.1,
        _("Chứng nhận OCOP 3 sao còn hiệu lực"),
        _("Như trên."),
    ),
    RankingFactor(
        "featured", MULTIPLIER, 1.25,
        _("Được cán bộ chương trình chọn làm sản phẩm nổi bật"),
        _("Cán bộ chương trình chọn, không thu tiền. Cửa hàng không thể trả tiền để được chọn."),
    ),
)

#: Which products a search shows at all (search/query.py:_text_query_one, the `must` clause,
#: over the index of public products: search/indexing.py).
MATCH_RULES: tuple[str, ...] = (
    _("Chỉ hiện sản phẩm đang bán công khai, của cửa hàng đã được cán bộ chương trình duyệt."),
    _("Sản phẩm phải có đủ các chữ bạn gõ, ở tên, phân loại, thuộc tính (như khối lượng, xuất "
      "xứ), mô tả, tên cửa hàng, danh mục hoặc xã, phường. Không cần gõ dấu: “mat ong” tìm được "
      "“Mật ong”, “d” tìm được cả “đ”."),
    _("Gõ sai một chữ cái vẫn tìm được với từ dài từ 4 chữ cái, sai hai chữ cái với từ dài từ "
      "7 chữ cái, miễn là chữ cái đầu đúng; gõ “f” thay cho “ph” cũng được."),
    _("Tên sản phẩm đang gõ dở (“mat o”) cũng tìm được."),
    _("Gõ liền các chữ (“nuocmam”) hoặc gõ kiểu Telex khi máy chưa bật tiếng Việt "
      "(“nuwowcs mawms”) vẫn tìm được “nước mắm”: khi từ khóa gõ như vậy không khớp sản phẩm "
      "nào, trang đọc nó theo những từ thường đi liền nhau trong tên sản phẩm, danh mục và "
      "cửa hàng trên sàn, rồi gợi ý cách viết có dấu."),
)

#: When the search server is down or slow (search/fallback.py).
FALLBACK_RULE = _(
    "Khi máy chủ tìm kiếm gặp sự cố, trang tạm tìm trong cơ sở dữ liệu và báo cho bạn biết. "
    "Cách tìm này đơn giản hơn: chỉ tìm trong tên sản phẩm, tên phân loại và thuộc tính, không "
    "sửa lỗi gõ. Sản phẩm có tên bắt đầu bằng từ khóa đứng trước, rồi sản phẩm có nguyên cụm "
    "từ khóa trong tên, tên phân loại hoặc thuộc tính, rồi các sản phẩm còn lại; trong mỗi "
    "nhóm, sản phẩm nhiều sao OCOP hơn đứng trước, rồi đến sản phẩm đăng sau."
)

#: How many of the best matches the OCOP and featured multipliers re-rank when words are
#: typed (a `rescore` window: search.query.build_request).
RESCORE_WINDOW = 500
#: Typo tolerance of the words: one wrong letter from 4 letters, two from 7.
FUZZINESS = "AUTO:4,7"

#: What each `sort` value of /search/ does (search.query._sort), in plain words.
SORT_RULES: dict[str, str] = {
    "relevance": _(
        "Có từ khóa: theo mức khớp với từ khóa (kể cả các yếu tố có “mức ưu tiên”), rồi "
        "nhân với hệ số OCOP và nổi bật cho %(window)d kết quả khớp nhất. Không có từ khóa: "
        "theo hệ số OCOP và nổi bật, bằng nhau thì sản phẩm đăng sau đứng trước."
    ),
    "price_asc": _("Giá từ thấp đến cao; sản phẩm chưa có giá xếp cuối; cùng giá thì sản phẩm "
                   "khớp từ khóa hơn đứng trước."),
    "price_desc": _("Giá từ cao đến thấp; sản phẩm chưa có giá xếp cuối; cùng giá thì sản phẩm "
                    "khớp từ khóa hơn đứng trước."),
    "newest": _("Sản phẩm đăng sau cùng đứng trước."),
    "popular": _(
        "Hệ thống chưa đếm lượt mua hay lượt xem của sản phẩm, nên cách này hiện xếp gần như "
        "“Liên quan nhất”: mức khớp với từ khóa nhân với hệ số OCOP và nổi bật, bằng nhau thì "
        "sản phẩm đăng sau đứng trước."
    ),
}

#: The sort menu of the search page (search/views/base.py) and of the ranking page.
SORT_LABELS: dict[str, str] = {
    "relevance": _("Liên quan nhất"),
    "price_asc": _("Giá tăng dần"),
    "price_desc": _("Giá giảm dần"),
    "newest": _("Mới nhất"),
    "popular": _("Phổ biến"),
}

#: Popularity is not counted yet: the index holds 0 for every product (search/indexing.py).
#: The "popular" rule above says so; a test keeps the two together.
POPULARITY_COUNTED = False


def factor(key: str) -> RankingFactor:
    return next(f for f in RANKING_FACTORS if f.key == key)


def weight(key: str) -> float:
    return factor(key).weight


#: OCOP stars valid today → multiplier (search.query._scored).
STAR_WEIGHTS: dict[int, float] = {stars: weight(f"ocop_{stars}") for stars in (3, 4, 5)}
FEATURED_WEIGHT: float = weight("featured")
