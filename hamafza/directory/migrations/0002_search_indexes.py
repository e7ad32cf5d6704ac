from django.db import migrations

from hamafza.core.search import SearchIndex


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        SearchIndex("organization"),
        SearchIndex("person"),
    ]
