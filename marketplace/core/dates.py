"""The programme's days and months, in Viet Nam's time (Asia/Ho_Chi_Minh), whatever the
server's: "owed as of 31/12" means up to the last instant of 31/12 in Viet Nam; a tax month
is the Vietnamese calendar month. Used by settlement, statements and the tax reports."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.utils import timezone

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def today_vn() -> datetime.date:
    return timezone.localdate(timezone.now(), VN)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=VN)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of `day` in Viet Nam."""
    return start_of_day(day + datetime.timedelta(days=1)) - datetime.timedelta(microseconds=1)


def month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def parse_month(text: str) -> datetime.date | None:
    """"2026-12" -> 1 December 2026; None for anything else (a year outside 2000–2100 too)."""
    match = _MONTH.fullmatch((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def month_bounds(first: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[first instant of the month, first instant of the next) in Viet Nam."""
    return start_of_day(first), start_of_day(next_month(first))


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[first instant of the year, first instant of the next) in Viet Nam."""
    return start_of_day(datetime.date(year, 1, 1)), start_of_day(datetime.date(year + 1, 1, 1))
