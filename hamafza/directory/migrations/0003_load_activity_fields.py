from django.db import migrations


def load(apps, schema_editor):
    from hamafza.directory.reference import activity_fields_load

    activity_fields_load(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_indexes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
