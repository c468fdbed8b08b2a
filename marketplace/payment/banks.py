"""Vietnamese banks that receive NAPAS 247 transfers, keyed by their NAPAS BIN.

The BIN (the 6-digit "acquirer ID" in a VietQR code, 9704xx) identifies the payee's bank.
BINs follow the State Bank list of card-issuer BINs (reproduced in subiz/vietqr bank.csv and
served by api.vietqr.io/v2/banks); full names are the banks' current registered names
(LPBank was "Bưu điện Liên Việt" until 2024). Only banks whose BIN is certain are listed: a
wrong BIN sends money to the wrong bank, and a missing one is only an inconvenience.
"""

from __future__ import annotations

from typing import NamedTuple


class Bank(NamedTuple):
    bin: str
    short_name: str
    name: str


BANKS: tuple[Bank, ...] = (
    Bank("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    Bank("970415", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam"),
    Bank("970418", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    Bank("970405", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    Bank("970422", "MB", "Ngân hàng TMCP Quân đội"),
    Bank("970407", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    Bank("970416", "ACB", "Ngân hàng TMCP Á Châu"),
    Bank("970432", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    Bank("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    Bank("970423", "TPBank", "Ngân hàng TMCP Tiên Phong"),
    Bank("970443", "SHB", "Ngân hàng TMCP Sài Gòn – Hà Nội"),
    Bank("970437", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    Bank("970441", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    Bank("970440", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
    Bank("970448", "OCB", "Ngân hàng TMCP Phương Đông"),
    Bank("970426", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam"),
    Bank("970431", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
    Bank("970449", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam"),
    Bank("970428", "Nam A Bank", "Ngân hàng TMCP Nam Á"),
    Bank("970409", "Bac A Bank", "Ngân hàng TMCP Bắc Á"),
    Bank("970452", "Kienlongbank", "Ngân hàng TMCP Kiên Long"),
    Bank("970412", "PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
    Bank("970400", "Saigonbank", "Ngân hàng TMCP Sài Gòn Công Thương"),
    Bank("970438", "BaoViet Bank", "Ngân hàng TMCP Bảo Việt"),
    Bank("970427", "VietABank", "Ngân hàng TMCP Việt Á"),
    Bank("970419", "NCB", "Ngân hàng TMCP Quốc Dân"),
    Bank("970425", "ABBANK", "Ngân hàng TMCP An Bình"),
    Bank("970429", "SCB", "Ngân hàng TMCP Sài Gòn"),
    Bank("970433", "Vietbank", "Ngân hàng TMCP Việt Nam Thương Tín"),
    Bank("970454", "BVBank", "Ngân hàng TMCP Bản Việt"),
    Bank("970446", "Co-opBank", "Ngân hàng Hợp tác xã Việt Nam"),
    Bank("970424", "Shinhan Bank", "Ngân hàng TNHH MTV Shinhan Việt Nam"),
)

BANKS_BY_BIN: dict[str, Bank] = {bank.bin: bank for bank in BANKS}

# For a form select: value = BIN, label "Vietcombank — Ngân hàng TMCP Ngoại thương Việt Nam".
# Proper names, not UI text: they stay untranslated.
BANK_CHOICES: list[tuple[str, str]] = [
    (bank.bin, f"{bank.short_name} — {bank.name}") for bank in BANKS
]


def bank_name(bin_: str, *, full: bool = False) -> str:
    """Short name for a BIN ("970436" -> "Vietcombank"), full name with full=True, "" if unknown."""
    bank = BANKS_BY_BIN.get(bin_)
    if bank is None:
        return ""
    return bank.name if full else bank.short_name
