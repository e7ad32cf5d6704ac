from django.db import migrations

from hamafza.core.search import SearchIndex, SearchWordIndex


class Migration(migrations.Migration):
    dependencies = [("broadcast", "0001_initial")]

    operations = [
        SearchIndex("broadcast"),
        SearchWordIndex("broadcast"),
    ]
