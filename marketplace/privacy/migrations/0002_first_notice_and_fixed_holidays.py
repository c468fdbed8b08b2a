"""The first privacy notice (in force with the PDP Law, 1 Jan 2026), so every consent event
names a version, and the public holidays fixed by date in the Labour Code 2019 (art. 112)
for 2026 and 2027. Tết, the Hùng Kings' day and the day beside 2 September move every year:
staff add them in /cms/ (snippets → Ngày nghỉ lễ) when the government announces them."""

import datetime

from django.db import migrations

FIXED = [((1, 1), "Tết Dương lịch"), ((4, 30), "Ngày Chiến thắng"), ((5, 1), "Quốc tế Lao động"),
         ((9, 2), "Quốc khánh")]


def forwards(apps, schema_editor):
    PrivacyNotice = apps.get_model("privacy", "PrivacyNotice")
    Holiday = apps.get_model("privacy", "Holiday")
    PrivacyNotice.objects.get_or_create(
        version="v1",
        defaults={"effective_on": datetime.date(2026, 1, 1),
                  "summary": "Bản đầu tiên theo Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15."},
    )
    for year in (2026, 2027):
        for (month, day), name in FIXED:
            Holiday.objects.get_or_create(date=datetime.date(year, month, day), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
