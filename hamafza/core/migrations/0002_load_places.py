"""Load the languages, countries, provinces and cities shipped in hamafza/core/data/."""

from django.db import migrations


def load_places(apps, schema_editor):
    from hamafza.core.places import places_load

    places_load(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_places, migrations.RunPython.noop, elidable=False),
    ]
