"""Post-2025 two-level addresses (province -> xã/phường/đặc khu) from `vietnam-provinces`."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode


@lru_cache(maxsize=8)
def communes(province_code: int | None = None) -> tuple[tuple[int, str], ...]:
    """(code, name) of every commune of the province, sorted by name, for form choices."""
    code = ProvinceCode(province_code or settings.PROVINCE_CODE)
    wards = Ward.iter_by_province(code)
    return tuple(sorted(((int(w.code), w.name) for w in wards), key=lambda item: item[1]))


def commune_name(code: int | None) -> str | None:
    if not code:
        return None
    try:
        return Ward.from_code(WardCode(int(code))).name
    except ValueError:
        return None


def province_name(code: int | None = None) -> str:
    return Province.from_code(ProvinceCode(code or settings.PROVINCE_CODE)).name


@lru_cache(maxsize=1)
def provinces() -> tuple[tuple[int, str], ...]:
    """(code, name) of the 34 provinces and cities since the 2025 reform, home province first."""
    rows = sorted(((int(p.code), p.name) for p in Province.iter_all()), key=lambda item: item[1])
    home = int(settings.PROVINCE_CODE)
    return tuple(sorted(rows, key=lambda item: item[0] != home))


def commune_in_province(commune_code: int, province_code: int) -> bool:
    return any(code == int(commune_code) for code, _name in communes(int(province_code)))


def address_parts(address) -> list[str]:
    """An order address as people read it: street, commune, ấp/khóm, province — names only.

    Checkout keeps the commune's *code* in `state` (for delivery and reports) and its name in
    `line2`; an address without that name (older or imported) gets it from the code, and a
    code is never shown as such.
    """
    if address is None:
        return []
    state = (getattr(address, "state", "") or "").strip()
    line2 = (address.line2 or "").strip()
    if not line2 and state.isdigit():
        line2 = commune_name(int(state)) or ""
    parts = [address.line1, line2, address.line3, address.line4]
    if state and not state.isdigit():
        parts.append(state)
    return [part.strip() for part in parts if part and part.strip()]
