"""Seed the lunar Hijri month starts of Iran, Iraq and Umm al-Qura, 1420–1480 AH."""

from django.db import migrations


def seed(apps, schema_editor):
    from hamafza.core.calendars import hijri_month_starts_seed

    hijri_month_starts_seed(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_load_places"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop, elidable=False),
    ]
