from django.db import migrations

from hamafza.core.search import SearchIndex, SearchWordIndex


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]

    operations = [
        SearchIndex("post"),
        SearchWordIndex("post"),
    ]
