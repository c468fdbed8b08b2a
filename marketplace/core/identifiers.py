"""The numbers that identify a person or a business in Vietnam: the 12-digit personal ID
number (số định danh cá nhân, printed on the CCCD card) and the tax code (mã số thuế).

One home for their rules: the seller identity (shops.models.LegalRepresentative) and the tax
profile (marketplace.tax.models) both read them from here.

- Personal ID (Decree 137/2015/NĐ-CP art. 7, kept by Circular 59/2021/TT-BCA): 3 digits of
  the province where the birth was registered, 1 digit of century and sex, 2 digits of the
  birth year, then 6 random digits. The province codes are the 63 provinces' codes of the
  Circular's appendix; the 2025 merger of provinces did not renumber anyone's ID.
- Tax code (Circular 105/2020/TT-BTC art. 5): 10 digits whose last is a check digit over
  the first nine (weights 31, 29, 23, 19, 17, 13, 7, 5, 3; check = 10 − sum mod 11), or a
  dependent unit's 13 digits written `0123456789-001`. Since Circular 86/2024/TT-BTC an
  individual's and a household's tax code is the personal ID number.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Province codes of the place of birth registration (Circular 59/2021/TT-BCA, appendix I).
BIRTH_REGISTRATION_PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

_PERSONAL_ID = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")


def personal_id_province_known(value: str) -> bool:
    """True when the first three digits are a province code of birth registration."""
    return value[:3] in BIRTH_REGISTRATION_PROVINCES


def century_digit(birth_year: int, *, female: bool) -> str:
    """The 4th digit of a personal ID: 0/1 for 1900–1999 (male/female), 2/3 for 2000–2099, …"""
    return str((birth_year // 100 - 19) * 2 + (1 if female else 0))


def validate_personal_id(value: str, *, birth_date: datetime.date | None = None) -> str:
    """The 12-digit personal ID number, stripped; ValidationError saying what is wrong.

    With `birth_date`, its 4th digit must name the birth year's century and its 5th and
    6th the last two digits of the birth year.
    """
    text = re.sub(r"[\s.]", "", value or "")
    if not _PERSONAL_ID.match(text):
        raise ValidationError(
            _("Số định danh cá nhân gồm đúng 12 chữ số (in trên thẻ căn cước)."), code="personal_id_format"
        )
    if not personal_id_province_known(text):
        raise ValidationError(
            _("Số định danh cá nhân bắt đầu bằng mã tỉnh nơi đăng ký khai sinh (001–096)."),
            code="personal_id",
        )
    if birth_date is not None:
        if text[3] not in (century_digit(birth_date.year, female=False), century_digit(birth_date.year, female=True)):
            raise ValidationError(
                _("Chữ số thứ 4 của số định danh (thế kỷ và giới tính) không khớp năm sinh %(year)s.")
                % {"year": birth_date.year},
                code="personal_id_century",
            )
        if text[4:6] != f"{birth_date.year % 100:02d}":
            raise ValidationError(
                _("Chữ số thứ 5 và 6 của số định danh phải là hai số cuối của năm sinh (%(digits)s).")
                % {"digits": f"{birth_date.year % 100:02d}"},
                code="personal_id_year",
            )
    return text


def tax_code_check_digit(first_nine: str) -> int | None:
    """The check digit of a tax code's first nine digits; None when no valid code has them."""
    check = 10 - sum(w * int(d) for w, d in zip(TAX_CODE_WEIGHTS, first_nine, strict=True)) % 11
    return check if check < 10 else None


def validate_tax_code(value: str) -> str:
    """A 10-digit tax code or a dependent unit's `0123456789-001`, normalised with the dash;
    ValidationError when the form or the check digit is wrong."""
    text = re.sub(r"[\s.]", "", value or "")
    match = _TAX_CODE.match(text)
    if not match:
        raise ValidationError(
            _("Mã số thuế gồm 10 chữ số, hoặc 13 chữ số cho đơn vị phụ thuộc (ví dụ 0100109106-001)."),
            code="tax_code_format",
        )
    head, branch = match.groups()
    if str(tax_code_check_digit(head[:9])) != head[9] or head[2:9] == "0000000" or branch == "000":
        raise ValidationError(
            _("Mã số thuế không đúng (sai chữ số kiểm tra): vui lòng kiểm tra lại từng chữ số."),
            code="tax_code_checksum",
        )
    return f"{head}-{branch}" if branch else head


def mask_identifier(value: str) -> str:
    """`value` with all but its last three characters hidden, for pages and logs."""
    value = value or ""
    return "•" * max(len(value) - 3, 0) + value[-3:]
