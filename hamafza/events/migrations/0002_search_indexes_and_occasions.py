from django.db import migrations

from hamafza.core.search import SearchIndex, SearchWordIndex


def occasions_load(apps, schema_editor):
    from hamafza.events.reference import occasions_load as load

    load(apps.get_model("events", "Occasion"))


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        SearchIndex("occasion"),
        SearchWordIndex("occasion"),
        SearchIndex("event"),
        SearchWordIndex("event"),
        SearchIndex("eventseries"),
        SearchWordIndex("eventseries"),
        migrations.RunPython(occasions_load, migrations.RunPython.noop),
    ]
