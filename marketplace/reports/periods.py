"""Date ranges of the figures pages (programme and seller): Vietnamese dates, both included.

Days and months themselves have one home, marketplace/core/dates.py; a Period is a range of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from marketplace.core.dates import next_month, start_of_day, today_vn


@dataclass(frozen=True)
class Period:
    """Local dates, both included."""

    start: datetime.date
    end: datetime.date

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[first instant of start, first instant of the day after end) in Viet Nam."""
        return start_of_day(self.start), start_of_day(self.end + datetime.timedelta(days=1))


def this_month() -> Period:
    first = today_vn().replace(day=1)
    return Period(first, next_month(first) - datetime.timedelta(days=1))
