"""Reference data shipped with the directory: the fields of activity."""

import json
from pathlib import Path

from django.db import transaction

from hamafza.directory.models import ActivityField

FIELDS_FILE = Path(__file__).resolve().parent / "data" / "fields.json"


def activity_fields_load(apps=None) -> int:
    """Create missing fields of activity and refresh the names of the others. Idempotent."""
    model = apps.get_model("directory", "ActivityField") if apps else ActivityField
    rows = json.loads(FIELDS_FILE.read_text(encoding="utf-8"))
    existing = {field.code: field for field in model.objects.all()}
    created, changed = [], []
    for row in rows:
        names = {code: row[code] for code in ("fa", "ar", "en")}
        field = existing.get(row["code"])
        if field is None:
            created.append(model(code=row["code"], name=row["en"], names=names))
        elif field.names != names or field.name != row["en"]:
            field.name, field.names = row["en"], names
            changed.append(field)
    with transaction.atomic():
        model.objects.bulk_create(created)
        model.objects.bulk_update(changed, ["name", "names"])
    return len(created)
