"""marketplace.core.uploads on real files built here with Pillow (and by hand for bombs/PDFs)."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from PIL import ExifTags, Image

from marketplace.core import uploads
from marketplace.core.uploads import (
    DocumentUploadField,
    ImageUploadField,
    MultipleImageUploadField,
    clean_document,
    clean_image,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)
PAYLOAD = b"<?php system($_GET['c']); ?><script>alert('xss')</script>"


# --- builders -------------------------------------------------------------------------------


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), mode="RGB", **save) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, format=fmt, **save)
    return buf.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of one colour: a few KB on disk, width*height pixels decoded."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def make_pdf(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """A small well-formed PDF (with a real xref table) with one blank A4 page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        flate_stream(b"BT /F1 12 Tf 72 770 Td (Giay chung nhan OCOP) Tj ET"),
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def flate_stream(content: bytes, dictionary: bytes = b"") -> bytes:
    packed = zlib.compress(content)
    return (
        b"<< /Filter /FlateDecode /Length %d %s>>\nstream\n" % (len(packed), dictionary)
        + packed
        + b"\nendstream"
    )


def open_result(result: ContentFile) -> Image.Image:
    result.seek(0)
    return Image.open(io.BytesIO(result.read()))


def result_bytes(result: ContentFile) -> bytes:
    result.seek(0)
    return result.read()


def code_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return excinfo.value.code


# --- accepted images ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mode", "color"),
    [("JPEG", "RGB", (10, 120, 40)), ("PNG", "RGB", (10, 120, 40)), ("WEBP", "RGB", (10, 120, 40))],
)
def test_supported_images_come_back_as_fresh_jpeg(fmt, mode, color):
    result = clean_image(upload(image_bytes(fmt, mode=mode, color=color)))

    assert isinstance(result, ContentFile)
    assert result.name.endswith(".jpg")
    assert len(result.name) == 32 + 4  # random hex, nothing from the uploaded name
    img = open_result(result)
    assert img.format == "JPEG"
    assert img.size == (64, 48)
    assert img.info.get("progressive") == 1
    r, g, b = img.getpixel((32, 24))
    assert abs(r - 10) < 8 and abs(g - 120) < 8 and abs(b - 40) < 8


def test_transparent_png_is_flattened_on_white():
    result = clean_image(upload(image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)), "logo.png"))

    img = open_result(result)
    assert img.mode == "RGB"
    assert img.getpixel((5, 5)) == (255, 255, 255)


def test_palette_transparency_is_flattened_on_white():
    palette = Image.new("P", (40, 30), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    buf = io.BytesIO()
    palette.save(buf, format="PNG", transparency=0)

    img = open_result(clean_image(upload(buf.getvalue(), "logo.png")))

    assert min(img.getpixel((5, 5))) > 250


@pytest.mark.parametrize(
    ("fmt", "mode", "color", "expected"),
    [
        pytest.param("JPEG", "CMYK", (0, 255, 255, 0), (255, 0, 0), id="cmyk-jpeg"),
        pytest.param("PNG", "I;16", 30000, (117, 117, 117), id="16-bit-grey"),
        pytest.param("PNG", "L", 128, (128, 128, 128), id="grey"),
        pytest.param("PNG", "1", 1, (255, 255, 255), id="bilevel"),
    ],
)
def test_other_colour_modes_become_rgb(fmt, mode, color, expected):
    img = open_result(clean_image(upload(image_bytes(fmt, mode=mode, color=color))))

    assert img.mode == "RGB"
    assert all(abs(a - b) <= 4 for a, b in zip(img.getpixel((5, 5)), expected, strict=True))


def test_large_photo_is_downsized_to_max_side():
    result = clean_image(upload(image_bytes("JPEG", size=(4000, 2500))))

    assert open_result(result).size == (2000, 1250)


def test_max_side_follows_the_setting(settings):
    settings.UPLOAD_MAX_IMAGE_SIDE = 100

    result = clean_image(upload(image_bytes("PNG", size=(400, 300))))

    assert open_result(result).size == (100, 75)


@pytest.mark.skipif(not uploads.pillow_heif, reason="pillow_heif is not installed")
def test_heic_photo_is_accepted():
    try:
        heic = image_bytes("HEIF", size=(80, 60), color=(0, 0, 255))
    except (OSError, KeyError, ValueError) as error:
        pytest.skip(f"pillow_heif cannot write HEIC here: {error}")

    result = clean_image(upload(heic, "IMG_0001.HEIC", "image/heic"))

    img = open_result(result)
    assert img.format == "JPEG"
    assert img.size == (80, 60)


# --- metadata -------------------------------------------------------------------------------


def jpeg_with_gps_and_orientation(orientation: int = 1, size=(400, 200)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Secret Model X"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (9.0, 10.0, 36.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 9.0, 0.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>GPSsecret</rdf:RDF></x:xmpmeta>'
    return image_bytes("JPEG", size=size, exif=exif.tobytes(), xmp=xmp, comment=b"owner home")


def test_exif_gps_and_other_metadata_are_removed():
    original = jpeg_with_gps_and_orientation()
    before = Image.open(io.BytesIO(original)).getexif()
    assert before.get_ifd(ExifTags.IFD.GPSInfo)  # the input really carries GPS
    assert b"GPS" in original

    result = clean_image(upload(original))

    data = result_bytes(result)
    img = open_result(result)
    assert not img.getexif()
    assert not img.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for secret in (b"GPS", b"Exif", b"PhoneMaker", b"Secret Model", b"xmpmeta", b"owner home"):
        assert secret not in data
    assert "icc_profile" not in img.info


def test_exif_orientation_is_applied():
    # Landscape pixels with orientation 6 ("rotate 90° clockwise") is a portrait photo.
    original = jpeg_with_gps_and_orientation(orientation=6, size=(400, 200))

    img = open_result(clean_image(upload(original)))

    assert img.width < img.height
    assert img.size == (200, 400)


def test_non_srgb_profile_is_converted_and_dropped():
    from PIL import ImageCms

    lab_like = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    adobe = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for icc in (adobe, lab_like):  # a usable and an unusable profile both end without ICC
        result = clean_image(upload(image_bytes("JPEG", icc_profile=icc)))
        assert "icc_profile" not in open_result(result).info


# --- refused types --------------------------------------------------------------------------


def test_svg_is_refused_even_when_called_jpeg():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(SVG, "photo.jpg", "image/jpeg"))

    assert code_of(excinfo) == "unsupported_type"
    with translation.override("vi"):
        assert excinfo.value.messages == ["Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC."]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(make_pdf(), id="pdf"),
        pytest.param(image_bytes("GIF", mode="P", color=1), id="gif"),
        pytest.param(image_bytes("BMP"), id="bmp"),
        pytest.param(image_bytes("TIFF"), id="tiff"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, id="exe"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 200, id="elf"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 200, id="zip"),
    ],
)
def test_other_types_renamed_to_jpg_are_refused_by_content(content):
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(content, "photo.jpg", "image/jpeg"))

    assert code_of(excinfo) == "unsupported_type"


def test_png_renamed_to_pdf_is_accepted_as_an_image():
    png = image_bytes("PNG", size=(30, 20))

    for cleaned in (
        clean_image(upload(png, "document.pdf", "application/pdf")),
        clean_document(upload(png, "document.pdf", "application/pdf")),
    ):
        assert cleaned.name.endswith(".jpg")
        assert open_result(cleaned).format == "JPEG"


def test_gif_polyglot_with_html_is_refused():
    polyglot = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;<html><script>alert(1)</script></html>"

    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(polyglot, "avatar.jpg"))

    assert code_of(excinfo) in {"unsupported_type", "invalid_image"}


@pytest.mark.parametrize("where", ["appended", "comment"])
def test_jpeg_polyglot_comes_back_without_the_payload(where):
    if where == "appended":
        polyglot = image_bytes("JPEG") + PAYLOAD
    else:
        polyglot = image_bytes("JPEG", comment=PAYLOAD)
    assert PAYLOAD in polyglot
    Image.open(io.BytesIO(polyglot)).load()  # really a valid JPEG as well

    data = result_bytes(clean_image(upload(polyglot, "shell.php.jpg")))

    assert b"<?php" not in data
    assert b"<script" not in data
    assert PAYLOAD not in data


# --- limits ---------------------------------------------------------------------------------


def test_file_over_max_bytes_is_refused_with_the_limit_in_mb():
    big = image_bytes("PNG", size=(200, 200), mode="RGB", color=(1, 2, 3))

    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(big), max_bytes=len(big) - 1)
    assert code_of(excinfo) == "too_large"

    with pytest.raises(ValidationError) as excinfo:
        clean_image(io.BytesIO(b"\xff" * (2 * 1024 * 1024 + 1)), max_bytes=2 * 1024 * 1024)
    with translation.override("vi"):
        assert excinfo.value.messages == ["Tệp quá lớn: dung lượng tối đa là 2 MB."]

    assert clean_image(upload(big), max_bytes=len(big)).name.endswith(".jpg")


def test_byte_limits_follow_settings(settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 100
    settings.UPLOAD_MAX_DOCUMENT_BYTES = 100

    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(image_bytes("JPEG")))
    assert code_of(excinfo) == "too_large"
    with pytest.raises(ValidationError) as excinfo:
        clean_document(upload(make_pdf(), "giay.pdf"))
    assert code_of(excinfo) == "too_large"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(b""))

    assert code_of(excinfo) == "empty"


def test_truncated_jpeg_is_invalid():
    whole = image_bytes("JPEG", size=(300, 300), color=(90, 90, 90), quality=95)
    truncated = whole[: len(whole) // 2]

    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(truncated))

    assert code_of(excinfo) == "invalid_image"


def test_corrupt_png_data_is_invalid():
    png = bytearray(image_bytes("PNG", size=(50, 50)))
    idat = png.index(b"IDAT")
    png[idat + 8 : idat + 20] = b"\x00" * 12  # header intact, pixel data broken

    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(bytes(png), "x.png"))

    assert code_of(excinfo) == "invalid_image"


CHILD_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    import django
    from django.conf import settings
    settings.configure()
    django.setup()
    from django.core.exceptions import ValidationError
    from marketplace.core.uploads import clean_image

    data = open(sys.argv[1], "rb").read()
    max_pixels = int(sys.argv[2]) if len(sys.argv) > 2 else None
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        clean_image(data, max_pixels=max_pixels)
        code = None
    except ValidationError as error:
        code = error.code
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"code": code, "grew_bytes": (after - before) * 1024}))
    """
)


def clean_in_child(data: bytes, *args: str) -> dict:
    """Run clean_image in a fresh process and report its code and peak-memory growth.

    Pillow keeps pixels in C memory that tracemalloc cannot see; the peak resident size of a
    child process can (decoding the 20000 x 20000 bomb below makes it grow by ~380 MB).
    """
    with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
        tmp.write(data)
        tmp.flush()
        completed = subprocess.run(
            [sys.executable, "-c", CHILD_SCRIPT, tmp.name, *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_pixels_over_our_limit_are_refused_before_decoding():
    # 7000 x 7000 = 49 Mpx: over our 40 Mpx, under Pillow's own ~89 Mpx warning, so this
    # is our header check at work. Decoded it would need >= 49 MB (196 MB as RGB).
    width = height = 7000
    bomb = png_bomb(width, height)
    assert len(bomb) < 20_000

    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as excinfo:
            clean_image(upload(bomb, "bomb.png", "image/png"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert code_of(excinfo) == "too_many_pixels"
    assert peak < width * height // 50
    outcome = clean_in_child(bomb)
    assert outcome["code"] == "too_many_pixels"
    assert outcome["grew_bytes"] < width * height // 5


def test_pixel_limit_argument_and_setting(settings):
    png = image_bytes("PNG", size=(100, 100))

    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(png), max_pixels=9_999)
    assert code_of(excinfo) == "too_many_pixels"

    settings.UPLOAD_MAX_IMAGE_PIXELS = 9_999
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(png))
    assert code_of(excinfo) == "too_many_pixels"


@pytest.mark.parametrize(
    "max_pixels",
    [
        pytest.param((), id="our-limit"),
        # Even with our limit lifted by a careless setting, Pillow's guard still refuses
        # before decoding.
        pytest.param((str(10**12),), id="pillow-guard"),
    ],
)
def test_decompression_bomb_is_refused_without_decoding(max_pixels):
    """A 20000 x 20000 PNG of one colour (~50 KB on disk, 400 Mpx): refused, never decoded."""
    width = height = 20_000
    bomb = png_bomb(width, height)
    assert len(bomb) < 100_000

    outcome = clean_in_child(bomb, *max_pixels)

    assert outcome["code"] == "too_many_pixels"
    assert outcome["grew_bytes"] < width * height // 20  # < 20 MB against >= 400 MB


def test_bomb_just_under_pillows_error_threshold_is_still_refused():
    # 12000 x 12000 = 144 Mpx: Pillow only *warns* below ~179 Mpx and would go on to decode;
    # its threshold is a hard cap for us even when our own limit is lifted.
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(ValidationError) as excinfo:
        clean_image(png_bomb(12_000, 12_000), max_pixels=10**12)

    assert code_of(excinfo) == "too_many_pixels"


# --- documents ------------------------------------------------------------------------------


def test_clean_pdf_is_accepted_unchanged():
    pdf = make_pdf()

    result = clean_document(upload(pdf, "giay-chung-nhan.pdf", "application/pdf"))

    assert result.name.endswith(".pdf")
    assert "giay" not in result.name
    assert result_bytes(result) == pdf


@pytest.mark.parametrize(
    "pdf",
    [
        pytest.param(
            make_pdf(b"/OpenAction 5 0 R ", (b"<< /S /JavaScript /JS (app.alert(1)) >>",)),
            id="openaction-javascript",
        ),
        pytest.param(make_pdf(b"/Names << /JavaScript 5 0 R >> "), id="javascript-name-tree"),
        pytest.param(make_pdf(b"/AA << /O << /S /JS >> >> "), id="js"),
        pytest.param(make_pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >> "), id="launch"),
        pytest.param(
            make_pdf(b"/Names << /EmbeddedFiles 5 0 R >> ", (b"<< /Type /EmbeddedFile >>",)),
            id="embedded-file",
        ),
        pytest.param(make_pdf(b"/Names << /J#61vaScript 5 0 R >> "), id="hex-escaped-name"),
        pytest.param(
            make_pdf(
                extra_objects=(
                    flate_stream(
                        b"6 0 << /S /JavaScript /JS (app.alert(1)) >>",
                        b"/Type /ObjStm /N 1 /First 4 ",
                    ),
                )
            ),
            id="inside-compressed-object-stream",
        ),
    ],
)
def test_pdf_with_active_content_is_refused(pdf):
    with pytest.raises(ValidationError) as excinfo:
        clean_document(upload(pdf, "giay.pdf", "application/pdf"))

    assert code_of(excinfo) == "unsafe_pdf"


def test_hidden_javascript_is_not_visible_to_a_plain_search():
    # Guards the test above: the object-stream case really needs the inflate step.
    pdf = make_pdf(
        extra_objects=(flate_stream(b"6 0 << /S /JavaScript >>", b"/Type /ObjStm /N 1 /First 4 "),)
    )
    assert b"JavaScript" not in pdf


def test_encrypted_pdf_is_refused():
    pdf = make_pdf().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 9 0 R")

    with pytest.raises(ValidationError) as excinfo:
        clean_document(upload(pdf, "giay.pdf"))

    assert code_of(excinfo) == "unsafe_pdf"


def test_pdf_without_eof_marker_is_invalid():
    pdf = make_pdf()
    cut = pdf[: pdf.rindex(b"%%EOF")]

    with pytest.raises(ValidationError) as excinfo:
        clean_document(upload(cut, "giay.pdf"))

    assert code_of(excinfo) == "invalid_pdf"


def test_document_accepts_an_image_scan_and_refuses_svg():
    scan = clean_document(upload(jpeg_with_gps_and_orientation(), "scan.jpg"))
    assert scan.name.endswith(".jpg")
    assert b"GPS" not in result_bytes(scan)

    with pytest.raises(ValidationError) as excinfo:
        clean_document(upload(SVG, "scan.pdf", "application/pdf"))
    assert code_of(excinfo) == "unsupported_type"
    with translation.override("vi"):
        assert excinfo.value.messages == ["Chỉ nhận ảnh JPEG, PNG, WebP, HEIC hoặc tệp PDF."]


# --- form fields ----------------------------------------------------------------------------


class PhotoForm(forms.Form):
    photo = ImageUploadField()
    extra = ImageUploadField(required=False)


class ApplicationForm(forms.Form):
    document = DocumentUploadField()


class GalleryForm(forms.Form):
    photos = MultipleImageUploadField(max_files=3)


def test_image_field_returns_the_cleaned_jpeg_and_none_when_optional_and_empty():
    form = PhotoForm(data={}, files={"photo": upload(image_bytes("PNG"), "a.png", "image/png")})

    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["photo"], ContentFile)
    assert form.cleaned_data["photo"].name.endswith(".jpg")
    assert form.cleaned_data["extra"] is None


def test_image_form_re_renders_with_vietnamese_error_for_svg():
    with translation.override("vi"):
        form = PhotoForm(data={}, files={"photo": upload(SVG, "logo.svg", "image/svg+xml")})

        assert not form.is_valid()
        assert form.errors["photo"] == ["Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC."]
        html = form.as_div()
    assert "Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC." in html
    assert 'accept="image/jpeg,image/png,image/webp,image/heic"' in html
    assert "<script>" not in html


def test_image_field_keeps_an_unchanged_initial_file_and_the_clear_checkbox():
    field = ImageUploadField(required=False)

    assert field.clean(None, "products/existing.jpg") == "products/existing.jpg"
    assert field.clean(False, "products/existing.jpg") is False


def test_required_image_field_without_a_file():
    form = PhotoForm(data={}, files={})

    assert not form.is_valid()
    assert form.errors.as_data()["photo"][0].code == "required"


def test_document_field_accepts_pdf_and_refuses_unsafe_pdf():
    ok = ApplicationForm(
        data={}, files={"document": upload(make_pdf(), "a.pdf", "application/pdf")}
    )
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["document"].name.endswith(".pdf")
    assert 'accept="image/jpeg,image/png,image/webp,image/heic,application/pdf"' in ok.as_div()

    bad_pdf = make_pdf(b"/OpenAction << /S /JavaScript /JS (x) >> ")
    bad = ApplicationForm(data={}, files={"document": upload(bad_pdf, "a.pdf")})
    assert not bad.is_valid()
    assert bad.errors.as_data()["document"][0].code == "unsafe_pdf"


def gallery_files(*contents: bytes) -> MultiValueDict:
    return MultiValueDict(
        {"photos": [upload(content, f"p{i}.jpg") for i, content in enumerate(contents)]}
    )


def test_multiple_field_cleans_every_file():
    form = GalleryForm(data={}, files=gallery_files(image_bytes("JPEG"), image_bytes("WEBP")))

    assert form.is_valid(), form.errors
    photos = form.cleaned_data["photos"]
    assert len(photos) == 2
    assert all(p.name.endswith(".jpg") for p in photos)
    assert len({p.name for p in photos}) == 2
    assert "multiple" in form.as_div()


def test_multiple_field_limits_the_count():
    form = GalleryForm(data={}, files=gallery_files(*[image_bytes("JPEG")] * 4))

    assert not form.is_valid()
    assert form.errors.as_data()["photos"][0].code == "too_many_files"
    with translation.override("vi"):
        assert form.errors["photos"] == ["Chỉ được tải lên tối đa 3 tệp một lần."]


def test_multiple_field_default_limit_is_eight():
    assert MultipleImageUploadField().max_files == 8


def test_multiple_field_names_the_bad_file():
    form = GalleryForm(data={}, files=gallery_files(image_bytes("JPEG"), SVG))

    assert not form.is_valid()
    errors = form.errors.as_data()["photos"]
    assert [e.code for e in errors] == ["unsupported_type"]
    with translation.override("vi"):
        assert form.errors["photos"] == ["p1.jpg: Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC."]


def test_multiple_field_required_and_optional_when_empty():
    assert not GalleryForm(data={}, files=MultiValueDict()).is_valid()

    class OptionalGallery(forms.Form):
        photos = MultipleImageUploadField(required=False)

    form = OptionalGallery(data={}, files=MultiValueDict())
    assert form.is_valid()
    assert form.cleaned_data["photos"] == []
