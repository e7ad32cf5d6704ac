from django.db import migrations

from hamafza.core.search import SearchIndex, SearchWordIndex

# A frozen copy of the kinds shipped in 0.1 (hamafza/agreements/reference.py
# may change later; this migration must not).
KINDS = [
    ("mou", 30, "Memorandum of understanding", "تفاهم‌نامه", "مذكرة تفاهم"),
    ("agreement", 20, "Agreement", "توافق‌نامه", "اتفاقية"),
    ("protocol", 10, "Protocol", "پروتکل همکاری", "بروتوكول تعاون"),
]


def kinds_load(apps, schema_editor):
    AgreementKind = apps.get_model("agreements", "AgreementKind")
    for code, weight, en, fa, ar in KINDS:
        AgreementKind.objects.update_or_create(
            code=code,
            defaults={"weight": weight, "name": fa, "names": {"fa": fa, "ar": ar, "en": en}},
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [
        SearchIndex("agreement"),
        SearchWordIndex("agreement"),
        migrations.RunPython(kinds_load, migrations.RunPython.noop),
    ]
