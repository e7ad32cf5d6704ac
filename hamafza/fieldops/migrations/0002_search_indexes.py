from django.db import migrations

from hamafza.core.search import SearchIndex, SearchWordIndex


class Migration(migrations.Migration):
    dependencies = [("fieldops", "0001_initial")]

    operations = [
        SearchIndex("campaign"),
        SearchWordIndex("campaign"),
        SearchIndex("servicepoint"),
        SearchWordIndex("servicepoint"),
    ]
