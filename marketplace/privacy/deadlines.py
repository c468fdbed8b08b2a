"""The answer deadline of a personal-data request: N working days (PDP Law 91/2025 and
Decree 356/2025: 2 working days, settings.PRIVACY_ANSWER_WORKING_DAYS).

A working day is Monday to Friday in Asia/Ho_Chi_Minh that is not a `Holiday`. The deadline
is the end (23:59:59, local) of the Nth working day after the day the request arrived; a
request received on a weekend or holiday counts from the next working day as well.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from marketplace.privacy.models import Holiday

SATURDAY = 5


def _holidays(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: datetime.date, holidays: set[datetime.date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (one query for the holidays)."""
    # Tết can close ten days in a row: look far enough ahead for every case.
    holidays = _holidays(day, day + datetime.timedelta(days=count * 7 + 30))
    current, found = day, 0
    while found < count:
        current += datetime.timedelta(days=1)
        if is_working_day(current, holidays):
            found += 1
    return current


def request_due_at(received_at: datetime.datetime) -> datetime.datetime:
    tz = timezone.get_default_timezone()
    local_day = timezone.localtime(received_at, tz).date()
    due_day = working_days_after(local_day, int(settings.PRIVACY_ANSWER_WORKING_DAYS))
    return timezone.make_aware(datetime.datetime.combine(due_day, datetime.time(23, 59, 59)), tz)
