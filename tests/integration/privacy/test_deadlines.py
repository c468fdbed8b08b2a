"""marketplace/privacy/deadlines.py: 2 working days, Mon–Fri in Asia/Ho_Chi_Minh, less holidays."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from marketplace.privacy.deadlines import request_due_at
from marketplace.privacy.models import Holiday, PrivacyNotice

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def local(y, m, d, h=10, minute=0):
    return timezone.make_aware(datetime.datetime(y, m, d, h, minute), TZ)


def end_of(y, m, d):
    return timezone.make_aware(datetime.datetime(y, m, d, 23, 59, 59), TZ)


def test_a_tuesday_request_is_due_at_the_end_of_thursday():
    assert request_due_at(local(2026, 12, 8)) == end_of(2026, 12, 10)


def test_a_friday_request_skips_the_weekend():
    assert request_due_at(local(2026, 12, 11)) == end_of(2026, 12, 15)


def test_a_saturday_request_counts_from_monday():
    assert request_due_at(local(2026, 12, 12)) == end_of(2026, 12, 15)


def test_the_local_day_counts_not_utc():
    # 23:30 Friday in Cà Mau is 16:30 UTC Friday; 00:30 Saturday local is still Friday in UTC.
    saturday_early = local(2026, 12, 12, 0, 30)
    assert saturday_early.astimezone(datetime.UTC).date() == datetime.date(2026, 12, 11)
    assert request_due_at(saturday_early) == end_of(2026, 12, 15)


def test_a_holiday_is_not_a_working_day():
    # Wednesday 29 Apr 2026: Thursday 30/4 and Friday 1/5 are holidays (seeded by the migration).
    assert request_due_at(local(2026, 4, 29)) == end_of(2026, 5, 5)


def test_the_migration_seeds_the_notice_and_the_fixed_date_holidays():
    # Called directly: a flush by a transactional test elsewhere drops what migrations wrote.
    migration = importlib.import_module("marketplace.privacy.migrations.0002_first_notice_and_fixed_holidays")
    Holiday.objects.all().delete()
    migration.forwards(django_apps, None)
    assert sorted(Holiday.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        datetime.date(2027, 1, 1), datetime.date(2027, 4, 30), datetime.date(2027, 5, 1), datetime.date(2027, 9, 2)]
    assert PrivacyNotice.objects.get(version="v1").effective_on == datetime.date(2026, 1, 1)


def test_a_holiday_staff_add_moves_the_deadline(settings):
    Holiday.objects.create(date=datetime.date(2026, 12, 9), name="Nghỉ bù (thử)")
    assert request_due_at(local(2026, 12, 8)) == end_of(2026, 12, 11)
    settings.PRIVACY_ANSWER_WORKING_DAYS = 1
    assert request_due_at(local(2026, 12, 8)) == end_of(2026, 12, 10)
