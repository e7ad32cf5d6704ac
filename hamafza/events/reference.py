"""The yearly occasions shipped with Hamafza (``data/occasions.json``).

Loading is idempotent and keyed by ``slug``: a later release may add or
rename occasions; rows staff added or switched off are left as they are.
"""

import json
from pathlib import Path

OCCASIONS_FILE = Path(__file__).resolve().parent / "data" / "occasions.json"


def occasions_shipped() -> list[dict]:
    return json.loads(OCCASIONS_FILE.read_text(encoding="utf-8"))


def occasions_load(model=None) -> int:
    """Create the shipped occasions that are missing. Returns how many were created."""
    from hamafza.core.search import search_key_compute

    if model is None:
        from hamafza.events.models import Occasion as model
    existing = set(model.objects.values_list("slug", flat=True))
    new = []
    for row in occasions_shipped():
        if row["slug"] in existing:
            continue
        occasion = model(**row)
        occasion.search_key = search_key_compute([row["name"], row["names"], row["slug"]])
        new.append(occasion)
    model.objects.bulk_create(new)
    return len(new)
