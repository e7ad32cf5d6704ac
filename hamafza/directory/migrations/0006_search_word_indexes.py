from django.db import migrations

from hamafza.core.search import SearchWordIndex


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_organization_name_index")]

    operations = [
        SearchWordIndex("organization"),
        SearchWordIndex("person"),
    ]
