"""Safe handling of files that sellers upload: product photos, logos, banners, document scans.

Images are identified by their content (Pillow, restricted to JPEG/PNG/WebP/HEIC), their pixel
count is checked from the header before any pixel is decoded, and what we keep is always a
fresh JPEG re-encoded from the pixels alone (no EXIF, GPS, XMP, ICC or trailing bytes). PDFs
are parsed (pypdf): every object and decoded stream is inspected, and a PDF carrying active
content, encrypted, too complex or unparseable is refused. See docs/decisions/0006-uploads.md
and 0031-files-read-and-written.md.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
from typing import Any

import pypdf
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

try:  # HEIC is what iPhones save by default; accepted only when the decoder is present.
    import pillow_heif
except ImportError:  # pragma: no cover - pillow_heif ships with Wagtail's willow[heif]
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 2000
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_FILES = 8

JPEG_QUALITY = 82
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/heic"
DOCUMENT_ACCEPT = IMAGE_ACCEPT + ",application/pdf"

# Pillow format names we decode. Passing them to Image.open also keeps Pillow from trying
# its dozens of other parsers (SGI, PCX, EPS via Ghostscript, …) on untrusted bytes.
ACCEPTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP") + (("HEIF",) if pillow_heif else ())

UNSUPPORTED_IMAGE_MESSAGE = _("Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC.")
UNSUPPORTED_DOCUMENT_MESSAGE = _("Chỉ nhận ảnh JPEG, PNG, WebP, HEIC hoặc tệp PDF.")
TOO_LARGE_MESSAGE = _("Tệp quá lớn: dung lượng tối đa là %(limit)s MB.")
TOO_MANY_PIXELS_MESSAGE = _(
    "Ảnh quá lớn: tối đa %(limit)s triệu điểm ảnh. Hãy chụp lại hoặc thu nhỏ ảnh rồi tải lên."
)
INVALID_IMAGE_MESSAGE = _("Tệp ảnh bị hỏng hoặc không đọc được. Hãy chọn ảnh khác.")
EMPTY_FILE_MESSAGE = _("Tệp tải lên đang trống.")
INVALID_PDF_MESSAGE = _("Tệp PDF bị hỏng hoặc không đầy đủ.")
UNSAFE_PDF_MESSAGE = _(
    "Tệp PDF có chứa mã lệnh, tệp đính kèm hoặc hành động tự chạy nên không được nhận. "
    "Hãy in lại thành PDF thường hoặc tải lên ảnh chụp."
)
ENCRYPTED_PDF_MESSAGE = _(
    "Tệp PDF có mật khẩu hoặc được mã hoá nên không kiểm tra được. "
    "Hãy lưu lại thành PDF không mã hoá hoặc tải lên ảnh chụp."
)
TOO_COMPLEX_PDF_MESSAGE = _(
    "Tệp PDF quá nhiều trang hoặc quá phức tạp để kiểm tra. "
    "Hãy tải lên ảnh chụp hoặc một tệp PDF ít trang hơn."
)
TOO_MANY_FILES_MESSAGE = _("Chỉ được tải lên tối đa %(limit)s tệp một lần.")


# --- limits ---------------------------------------------------------------------------------


def _limit(name: str, override: int | None) -> int:
    """An explicit argument wins, then settings.UPLOAD_<NAME>, then this module's default."""
    if override is not None:
        return int(override)
    return int(getattr(settings, f"UPLOAD_{name}", globals()[name]))


def _megabytes(limit: int) -> str:
    """8388608 -> "8", 7.5 MiB -> "7,5" (in Vietnamese); never rounds a small limit down to 0."""
    mb = limit / (1024 * 1024)
    shown = round(mb, 1) if mb >= 1 else float(f"{mb:.2g}")
    return number_format(int(shown) if shown == int(shown) else shown)


def _read_limited(uploaded: Any, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 bytes, so an oversized file is refused without reading it all."""
    if isinstance(uploaded, bytes | bytearray | memoryview):
        data = bytes(uploaded[: max_bytes + 1])
    else:
        declared = getattr(uploaded, "size", None)
        if isinstance(declared, int) and declared > max_bytes:
            raise _too_large(max_bytes)
        try:
            uploaded.seek(0)
        except (AttributeError, OSError, ValueError):
            pass
        data = uploaded.read(max_bytes + 1)
        if isinstance(data, str):  # a text-mode file is never an image or a PDF
            raise ValidationError(UNSUPPORTED_IMAGE_MESSAGE, code="unsupported_type")
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(EMPTY_FILE_MESSAGE, code="empty")
    return data


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        TOO_LARGE_MESSAGE, code="too_large", params={"limit": _megabytes(max_bytes)}
    )


def _random_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


# --- images ---------------------------------------------------------------------------------


def clean_image(
    uploaded: Any, *, max_bytes: int | None = None, max_pixels: int | None = None
) -> ContentFile:
    """Return a metadata-free JPEG re-encoded from an uploaded photo, or raise ValidationError.

    Codes: too_large, empty, unsupported_type, too_many_pixels, invalid_image.
    """
    max_bytes = _limit("MAX_IMAGE_BYTES", max_bytes)
    data = _read_limited(uploaded, max_bytes)
    return ContentFile(
        _reencode_jpeg(data, _limit("MAX_IMAGE_PIXELS", max_pixels)), name=_random_name("jpg")
    )


def _reencode_jpeg(data: bytes, max_pixels: int) -> bytes:
    max_side = _limit("MAX_IMAGE_SIDE", None)
    # Pillow's own bomb guard only *warns* between MAX_IMAGE_PIXELS and twice that. Rather than
    # turning warnings into errors (warnings.catch_warnings mutates process-wide state and is not
    # thread-safe), its threshold is a hard cap here too, even if a setting raises ours.
    if Image.MAX_IMAGE_PIXELS:
        max_pixels = min(max_pixels, Image.MAX_IMAGE_PIXELS)
    too_many_pixels = ValidationError(
        TOO_MANY_PIXELS_MESSAGE,
        code="too_many_pixels",
        params={"limit": f"{max_pixels / 1_000_000:g}"},
    )
    invalid = ValidationError(INVALID_IMAGE_MESSAGE, code="invalid_image")

    try:
        # Image.open reads the header only; pixels are decoded later by load().
        img = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except UnidentifiedImageError:
        raise ValidationError(UNSUPPORTED_IMAGE_MESSAGE, code="unsupported_type") from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError):
        raise invalid from None
    with img:
        if img.format not in ACCEPTED_FORMATS:
            raise ValidationError(UNSUPPORTED_IMAGE_MESSAGE, code="unsupported_type")
        width, height = img.size
        if width <= 0 or height <= 0:
            raise invalid
        if width * height > max_pixels:
            raise too_many_pixels
        try:
            if img.format == "JPEG":
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers max_side.
                img.draft("RGB", (max_side, max_side))
            img.load()
            return _encode(img, max_side)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, MemoryError):
            raise invalid from None


def _encode(img: Image.Image, max_side: int) -> bytes:
    icc_profile = img.info.get("icc_profile")
    try:
        oriented = ImageOps.exif_transpose(img)
    except (OSError, ValueError, SyntaxError, TypeError, KeyError, IndexError):
        oriented = img  # a corrupt EXIF block is dropped along with the rest of the metadata
    rgb = _to_srgb(oriented, icc_profile)
    rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A brand-new image holds the pixels only: nothing from the upload's info dict
    # (exif, xmp, icc_profile, comment, dpi…) can ride along into the saved file.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _to_srgb(img: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB pixels in sRGB; transparency is flattened on white, not black."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        img = background
    if icc_profile:
        # Photos from some cameras/phones are in Display P3, Adobe RGB or CMYK: without the
        # profile they would look washed out, so convert the pixels to sRGB and drop the profile.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            mode = img.mode if img.mode in ("RGB", "CMYK", "L") else "RGB"
            if mode != img.mode:
                img = img.convert(mode)
            return ImageCms.profileToProfile(
                img, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable profile is ignored; the pixels are still converted below
    if img.mode == "I" or img.mode.startswith("I;16"):
        # 16-bit greyscale: Pillow would clip values to 255 (a white image), so scale to 8 bits.
        img = img.convert("I").point(lambda value: value / 256).convert("L")
    return img if img.mode == "RGB" else img.convert("RGB")


# --- documents ------------------------------------------------------------------------------

# What a PDF may not carry (ISO 32000 names): scripts, actions that run or leave the file on
# their own, embedded files and rich media, XFA forms, form submission. Checked on the parsed
# objects (keys and name values, `#xx` escapes decoded by the parser) and on the decoded content
# of every stream. /OpenAction is allowed only as a plain destination (an array: "open at page 1").
_PDF_UNSAFE_NAME_SET = frozenset({
    "/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA",
    "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/AA", "/Encrypt",
})
# The same names in raw or decoded bytes (a belt to the parser's braces: also sees objects that
# no cross-reference table lists). PDF names may hex-escape characters (/J#61vaScript).
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_UNSAFE_NAMES = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData|GoToR|GoToE|AA)"
    rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"
)
_PDF_ENCRYPT = re.compile(rb"/Encrypt(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
# Image XObjects are not decoded (a page scan can be tens of MB of pixels, and pixels cannot
# hold an action), only checked to use standard filters; every other stream is decoded.
_PDF_IMAGE_FILTERS = frozenset({"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"})
_PDF_KNOWN_FILTERS = _PDF_IMAGE_FILTERS | {
    "/FlateDecode", "/LZWDecode", "/ASCIIHexDecode", "/ASCII85Decode", "/RunLengthDecode",
}
# Bounds so that a crafted PDF cannot hang or exhaust a worker (a "PDF bomb").
MAX_PDF_PAGES = 100
MAX_PDF_OBJECTS = 20_000
MAX_PDF_NODES = 500_000  # dictionary entries and array items visited, direct ones included
_PDF_DECODE_PER_STREAM = 8 * 1024 * 1024
_PDF_DECODE_TOTAL = 64 * 1024 * 1024


class _PdfRefused(Exception):
    def __init__(self, error: ValidationError) -> None:
        self.error = error


def clean_document(uploaded: Any, *, max_bytes: int | None = None) -> ContentFile:
    """Return a checked PDF (`<hex>.pdf`) or a re-encoded image (`<hex>.jpg`), or raise.

    For certificate scans and shop application documents. Codes: too_large, empty,
    unsupported_type, too_many_pixels, invalid_image, invalid_pdf, unsafe_pdf, too_complex_pdf.
    """
    max_bytes = _limit("MAX_DOCUMENT_BYTES", max_bytes)
    data = _read_limited(uploaded, max_bytes)
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return ContentFile(data, name=_random_name("pdf"))
    try:
        jpeg = _reencode_jpeg(data, _limit("MAX_IMAGE_PIXELS", None))
    except ValidationError as error:
        if error.code == "unsupported_type":
            raise ValidationError(UNSUPPORTED_DOCUMENT_MESSAGE, code="unsupported_type") from None
        raise
    return ContentFile(jpeg, name=_random_name("jpg"))


def _check_pdf(data: bytes) -> None:
    """Parse the PDF (pypdf) and refuse it unless every object and stream is inspectable and
    inert. See docs/decisions/0031-files-read-and-written.md."""
    if b"%%EOF" not in data[-1024:]:
        raise ValidationError(INVALID_PDF_MESSAGE, code="invalid_pdf")
    unescaped = _PDF_NAME_ESCAPE.sub(_unescape_name_char, data)
    if _PDF_ENCRYPT.search(unescaped):
        raise ValidationError(ENCRYPTED_PDF_MESSAGE, code="unsafe_pdf")
    if _PDF_UNSAFE_NAMES.search(unescaped):
        raise ValidationError(UNSAFE_PDF_MESSAGE, code="unsafe_pdf")
    limits = {
        "zlib_maximum_output_length": _PDF_DECODE_PER_STREAM,
        "lzw_maximum_output_length": _PDF_DECODE_PER_STREAM,
        "run_length_maximum_output_length": _PDF_DECODE_PER_STREAM,
        "array_based_stream_maximum_output_length": _PDF_DECODE_PER_STREAM,
        "brotli_maximum_output_length": _PDF_DECODE_PER_STREAM,
        "stream_decoding_work_maximum_length": 4 * _PDF_DECODE_PER_STREAM,
        "maximum_declared_stream_length": MAX_DOCUMENT_BYTES * 2,
        "jbig2dec_binary": None,  # never run an external decoder on untrusted bytes
    }
    try:
        # A context variable: the limits apply to this call only, also under threads.
        with pypdf.apply_configuration(**limits):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _PdfRefused(ValidationError(ENCRYPTED_PDF_MESSAGE, code="unsafe_pdf"))
            if len(reader.pages) > MAX_PDF_PAGES:
                raise _PdfRefused(_pdf_too_complex())
            _pdf_walk(reader)
    except _PdfRefused as refused:
        raise refused.error from None
    except RecursionError:
        raise _pdf_too_complex() from None
    except Exception:  # noqa: BLE001 -- whatever the parser trips on, the file is refused
        logger.info("PDF refused: the parser failed", exc_info=True)
        raise ValidationError(INVALID_PDF_MESSAGE, code="invalid_pdf") from None


def _pdf_too_complex() -> ValidationError:
    return ValidationError(TOO_COMPLEX_PDF_MESSAGE, code="too_complex_pdf")


def _pdf_walk(reader: pypdf.PdfReader) -> None:
    """Visit every object the cross-reference tables list (those in object streams too) and the
    trailer, every value nested in them, and the decoded bytes of every non-image stream."""
    unsafe = _PdfRefused(ValidationError(UNSAFE_PDF_MESSAGE, code="unsafe_pdf"))
    pending: list[Any] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending += [IndirectObject(number, generation, reader) for number in numbers]
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    if len(pending) > MAX_PDF_OBJECTS:
        raise _PdfRefused(_pdf_too_complex())
    seen: set[tuple[int, int]] = set()
    nodes = 0
    decoded_total = 0
    while pending:
        item = pending.pop()
        nodes += 1
        if nodes > MAX_PDF_NODES:
            raise _PdfRefused(_pdf_too_complex())
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise _PdfRefused(_pdf_too_complex())
            item = item.get_object()
        if isinstance(item, NameObject):
            if item in _PDF_UNSAFE_NAME_SET:
                raise unsafe
        elif isinstance(item, DictionaryObject):  # a StreamObject is one too
            for name, value in item.items():
                if name in _PDF_UNSAFE_NAME_SET:
                    raise unsafe
                if name == "/OpenAction" and not isinstance(value.get_object(), ArrayObject):
                    raise unsafe  # an action run on opening, not a "show page n" destination
                pending.append(value)
            if isinstance(item, StreamObject):
                decoded_total += _pdf_check_stream(item, unsafe)
                if decoded_total > _PDF_DECODE_TOTAL:
                    raise _PdfRefused(_pdf_too_complex())
        elif isinstance(item, ArrayObject):
            pending.extend(item)


def _pdf_check_stream(stream: StreamObject, unsafe: _PdfRefused) -> int:
    """Decode a stream's filters and search the result; return how many bytes were decoded.
    Image streams are only checked for standard filters. An unknown filter is refused."""
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    names = list(filters) if isinstance(filters, ArrayObject) else [] if filters is None else [filters]
    if any(not isinstance(name, NameObject) or name not in _PDF_KNOWN_FILTERS for name in names):
        raise unsafe
    if stream.get("/Subtype") == "/Image":
        return 0
    data = stream.get_data()
    if _PDF_UNSAFE_NAMES.search(_PDF_NAME_ESCAPE.sub(_unescape_name_char, data)):
        raise unsafe
    return len(data)


def _unescape_name_char(match: re.Match[bytes]) -> bytes:
    return bytes([int(match.group(1), 16)])


# --- form fields ----------------------------------------------------------------------------


class ImageInput(forms.ClearableFileInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": IMAGE_ACCEPT, **(attrs or {})})


class DocumentInput(forms.ClearableFileInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": DOCUMENT_ACCEPT, **(attrs or {})})


class MultipleImageInput(ImageInput):
    """One `<input type=file multiple>`; Django 5.2's documented pattern for several files."""

    allow_multiple_selected = True


class ImageUploadField(forms.FileField):
    """A photo upload whose cleaned value is the re-encoded JPEG ContentFile.

    An unchanged initial file (edit forms) and False (the "clear" checkbox) pass through
    untouched, as with Django's FileField.
    """

    widget = ImageInput

    def __init__(
        self, *, max_bytes: int | None = None, max_pixels: int | None = None, **kwargs: Any
    ) -> None:
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return clean_image(value, max_bytes=self.max_bytes, max_pixels=self.max_pixels)
        return value


class DocumentUploadField(forms.FileField):
    """A certificate scan or application document: checked PDF or re-encoded image."""

    widget = DocumentInput

    def __init__(self, *, max_bytes: int | None = None, **kwargs: Any) -> None:
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return clean_document(value, max_bytes=self.max_bytes)
        return value


class MultipleImageUploadField(forms.FileField):
    """Several photos from one input; cleans to a list of re-encoded JPEG ContentFiles."""

    widget = MultipleImageInput

    def __init__(
        self,
        *,
        max_files: int = MAX_FILES,
        max_bytes: int | None = None,
        max_pixels: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[ContentFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                TOO_MANY_FILES_MESSAGE, code="too_many_files", params={"limit": self.max_files}
            )
        cleaned: list[ContentFile] = []
        errors: list[ValidationError] = []
        for uploaded in files:
            try:
                checked = forms.FileField.clean(self, uploaded)
                cleaned.append(
                    clean_image(checked, max_bytes=self.max_bytes, max_pixels=self.max_pixels)
                )
            except ValidationError as error:
                name = getattr(uploaded, "name", "") or "?"
                errors.extend(
                    ValidationError(
                        "%(name)s: %(error)s", code=e.code, params={"name": name, "error": msg}
                    )
                    for e in error.error_list
                    for msg in e
                )
        if errors:
            raise ValidationError(errors)
        return cleaned
