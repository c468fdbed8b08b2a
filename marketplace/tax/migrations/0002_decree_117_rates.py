"""The rates of Decree 117/2025/NĐ-CP (in force 1 July 2025), Article 5: what a platform with
a payment function withholds for household and individual sellers. A successor decree is a
new migration adding rows with its start date; these rows stay for the sales before it."""

import datetime

from django.db import migrations

BASIS = "Nghị định 117/2025/NĐ-CP, Điều 5 (hiệu lực 01/07/2025)"
RATES = [
    # group, VAT, PIT (basis points: 100 = 1 %)
    ("goods", 100, 50),
    ("services", 500, 200),
    ("transport", 300, 150),
]


def add(apps, schema_editor):
    TaxRate = apps.get_model("tax", "TaxRate")
    for group, vat, pit in RATES:
        TaxRate.objects.update_or_create(
            business_group=group, valid_from=datetime.date(2025, 7, 1),
            defaults={"vat_basis_points": vat, "pit_basis_points": pit, "legal_basis": BASIS},
        )


def remove(apps, schema_editor):
    apps.get_model("tax", "TaxRate").objects.filter(valid_from=datetime.date(2025, 7, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("tax", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
