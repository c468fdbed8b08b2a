"""Date ranges of the figures pages (programme and seller): local dates, both included."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """Local dates, both included."""

    start: datetime.date
    end: datetime.date

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes in the current (local) time zone."""
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min), tz)
        end = timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min), tz
        )
        return start, end


def this_month() -> Period:
    today = timezone.localdate()
    first = today.replace(day=1)
    next_first = (first + datetime.timedelta(days=32)).replace(day=1)
    return Period(first, next_first - datetime.timedelta(days=1))
