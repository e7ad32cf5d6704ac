from django.db import migrations

from hamafza.core.search import SearchIndex, SearchWordIndex


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]

    operations = [
        SearchIndex("followup"),
        SearchWordIndex("followup"),
    ]
