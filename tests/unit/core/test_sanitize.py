"""marketplace.core.sanitize: what sellers may keep in rich text, and what is always removed."""

import pytest

from marketplace.core.sanitize import sanitize_html

REL = 'rel="nofollow noopener noreferrer ugc"'


@pytest.mark.parametrize(
    "dirty",
    [
        "<p>Mật ong<script>alert(document.cookie)</script></p>",
        "<p>Mật ong</p><SCRIPT src='https://evil.example/x.js'></SCRIPT>",
        "<p>Mật ong</p><style>body{display:none}</style>",
    ],
)
def test_script_and_style_tags_are_removed_with_their_content(dirty):
    clean = sanitize_html(dirty)

    assert clean == "<p>Mật ong</p>"
    assert "alert" not in clean
    assert "evil" not in clean
    assert "display" not in clean


@pytest.mark.parametrize(
    "dirty",
    [
        '<p onclick="steal()">Tôm khô</p>',
        '<p onmouseover="steal()" ONLOAD="steal()">Tôm khô</p>',
        '<strong onfocus="steal()" tabindex="1">Tôm khô</strong>',
    ],
)
def test_event_handler_attributes_are_removed(dirty):
    clean = sanitize_html(dirty)

    assert "steal" not in clean
    assert " on" not in clean.lower()
    assert "Tôm khô" in clean


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java&#x09;script:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_link_schemes_are_removed(href):
    clean = sanitize_html(f'<a href="{href}">Xem thêm</a>')

    assert "href" not in clean
    assert "script" not in clean.lower()
    assert "data:" not in clean
    assert "Xem thêm" in clean


def test_style_attributes_are_removed():
    clean = sanitize_html(
        '<p style="background:url(javascript:alert(1))">Bánh phồng tôm</p>'
        '<span style="position:fixed;top:0">che trang</span>'
    )

    assert "style" not in clean
    assert "javascript" not in clean
    assert "position" not in clean
    assert clean.startswith("<p>Bánh phồng tôm</p>")


@pytest.mark.parametrize(
    "dirty",
    [
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
        '<img src="x" onerror="alert(1)">',
        '<svg onload="alert(1)"></svg>',
        '<form action="https://evil.example"><input name="otp"></form>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    ],
)
def test_embedding_and_active_elements_are_removed(dirty):
    clean = sanitize_html(f"{dirty}<p>Khô cá lóc</p>")

    assert clean == "<p>Khô cá lóc</p>"


def test_safe_formatting_is_kept():
    html = (
        "<h3>Giới thiệu</h3><p><strong>Mật ong</strong> <b>rừng</b> <em>U Minh</em> "
        "<i>Hạ</i> <u>nguyên chất</u><br>500 ml</p>"
        "<ul><li>Không đường</li></ul><ol><li>Lắc đều</li></ol>"
        "<h4>Bảo quản</h4><blockquote>Nơi khô ráo</blockquote>"
    )

    assert sanitize_html(html) == html


def test_unknown_tags_are_unwrapped_keeping_their_text():
    assert sanitize_html("<div><span>Đặc sản</span> <font>Cà Mau</font></div>") == "Đặc sản Cà Mau"


def test_links_get_rel_nofollow_and_lose_other_attributes():
    clean = sanitize_html(
        '<a href="https://ocop.camau.gov.vn" rel="dofollow" target="_blank" title="OCOP">Trang</a>'
    )

    assert clean == f'<a href="https://ocop.camau.gov.vn" title="OCOP" {REL}>Trang</a>'


@pytest.mark.parametrize("href", ["http://x.vn/a", "mailto:shop@x.vn", "tel:+84912345678"])
def test_safe_link_schemes_are_kept(href):
    assert sanitize_html(f'<a href="{href}">x</a>') == f'<a href="{href}" {REL}>x</a>'


def test_comments_are_stripped_and_empty_input_is_empty():
    assert sanitize_html("<!-- <script>x</script> -->Cua") == "Cua"
    assert sanitize_html(None) == ""
    assert sanitize_html("") == ""
    assert sanitize_html("   <p>a</p>  ") == "<p>a</p>"


def test_text_is_escaped_not_interpreted():
    assert sanitize_html("Giá < 100.000 & > 50.000") == "Giá &lt; 100.000 &amp; &gt; 50.000"
