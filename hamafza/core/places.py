"""Languages, countries, provinces and cities shipped with Hamafza as data.

The JSON files under ``hamafza/core/data/`` are the source:

- ``languages.json``: languages of activity (ISO 639-1 where one exists);
- ``countries.json``: every ISO 3166-1 country, built by
  ``scripts/places_countries_build.py`` and reviewed by hand;
- ``provinces.json``: the provinces of Iran and governorates of Iraq (ISO 3166-2);
- ``cities.json``: the cities the project's organizations and events name.

``places_load`` brings the database in step with them. It is idempotent and
runs from the ``0002_load_places`` data migration (with historical models)
and from ``manage.py places_load`` after the data files change.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, transaction

from hamafza.core import models as core_models
from hamafza.core.search import search_key_compute

DATA_DIR = Path(__file__).resolve().parent / "data"
COORDINATE = Decimal("0.000001")

# The counts places_load returns, in the order it loads the models.
MODELS = ("Language", "Country", "Province", "City")


@cache
def _data(name: str) -> tuple[dict[str, Any], ...]:
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as file:
        return tuple(json.load(file, parse_float=Decimal))


def languages_data() -> tuple[dict[str, Any], ...]:
    return _data("languages")


def countries_data() -> tuple[dict[str, Any], ...]:
    return _data("countries")


def provinces_data() -> tuple[dict[str, Any], ...]:
    return _data("provinces")


def cities_data() -> tuple[dict[str, Any], ...]:
    return _data("cities")


def search_key_of(obj: Any, model_name: str | None = None) -> str:
    """The search key of ``obj`` (a live or historical model instance)."""
    model_name = model_name or obj.__class__.__name__
    fields = getattr(core_models, model_name).search_fields
    return search_key_compute(getattr(obj, field, "") for field in fields)


def _coordinate(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(COORDINATE)


def names_ordered(names: dict[str, str]) -> dict[str, str]:
    """``names`` with its keys in the order PostgreSQL's jsonb stores them.

    jsonb keeps keys shortest first, then by their bytes, whatever order they
    were written in, and the search key joins the names in dict order. Storing
    names in that order makes the key built in memory equal the key built from
    the row read back, on PostgreSQL and SQLite alike.
    """
    return dict(sorted(names.items(), key=lambda item: (len(item[0].encode()), item[0].encode())))


def _merged_names(current: dict | None, shipped: dict[str, str]) -> dict[str, str]:
    """Shipped names win; a translation staff added in another language stays."""
    return names_ordered({**(current or {}), **shipped})


def _sync(model, db, existing: dict, rows: dict, fields: tuple[str, ...], searchable: bool):
    """Create the rows missing from ``existing`` and update the ones that differ.

    ``rows`` maps each row's key to its field values; ``existing`` maps keys to
    the instances already stored. Returns (created, updated) counts.
    """
    model_name = model.__name__
    to_create, to_update = [], []
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(**{**values, "names": names_ordered(values["names"])})
            if searchable:
                obj.search_key = search_key_of(obj, model_name)
            to_create.append(obj)
            continue
        changed = False
        for field in fields:
            value = values[field]
            if field == "names":
                value = _merged_names(obj.names, value)
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed = True
        if searchable:
            key_text = search_key_of(obj, model_name)
            if obj.search_key != key_text:
                obj.search_key = key_text
                changed = True
        if changed:
            to_update.append(obj)
    if to_create:
        model.objects.using(db).bulk_create(to_create, batch_size=500)
    if to_update:
        update_fields = [field.removesuffix("_id") for field in fields]
        if searchable:
            update_fields.append("search_key")
        model.objects.using(db).bulk_update(to_update, update_fields, batch_size=200)
    return len(to_create), len(to_update)


def places_load(apps=None, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Create missing languages, countries, provinces and cities; update the rest.

    Languages, countries and provinces are matched by code, cities by country,
    province and English name. ``apps`` is the app registry a data migration
    receives (historical models); the live registry is used when it is None.
    Runs in one transaction with a few queries per model, whatever the number
    of rows. Returns the counts, e.g. ``{"Country.created": 249, ...}``.
    """
    registry = apps or global_apps
    Language = registry.get_model("core", "Language")
    Country = registry.get_model("core", "Country")
    Province = registry.get_model("core", "Province")
    City = registry.get_model("core", "City")
    counts: dict[str, int] = {}

    def record(model_name: str, result: tuple[int, int]) -> None:
        counts[f"{model_name}.created"], counts[f"{model_name}.updated"] = result

    db = using or DEFAULT_DB_ALIAS
    with transaction.atomic(using=db):
        # Languages.
        rows = {
            row["code"]: {
                "code": row["code"],
                "name": row["name"],
                "names": row["names"],
                "rtl": row["rtl"],
            }
            for row in languages_data()
        }
        existing = {obj.code: obj for obj in Language.objects.using(db).all()}
        record("Language", _sync(Language, db, existing, rows, ("name", "names", "rtl"), False))

        # Countries.
        rows = {
            row["code"]: {
                "code": row["code"],
                "code3": row["code3"],
                "name": row["name"],
                "names": row["names"],
            }
            for row in countries_data()
        }
        existing = {obj.code: obj for obj in Country.objects.using(db).all()}
        result = _sync(Country, db, existing, rows, ("code3", "name", "names"), True)
        record("Country", result)
        if result[0]:
            existing = {obj.code: obj for obj in Country.objects.using(db).all()}
        country_ids = {code: obj.pk for code, obj in existing.items()}

        # Provinces.
        rows = {
            row["code"]: {
                "code": row["code"],
                "country_id": country_ids[row["country"]],
                "name": row["name"],
                "names": row["names"],
            }
            for row in provinces_data()
        }
        existing = {obj.code: obj for obj in Province.objects.using(db).all()}
        fields = ("country_id", "name", "names")
        result = _sync(Province, db, existing, rows, fields, True)
        record("Province", result)
        if result[0]:
            existing = {obj.code: obj for obj in Province.objects.using(db).all()}
        province_ids = {code: obj.pk for code, obj in existing.items()}

        # Cities.
        rows = {}
        for row in cities_data():
            country_id = country_ids[row["country"]]
            province_id = province_ids[row["province"]] if row.get("province") else None
            rows[(country_id, province_id, row["name"])] = {
                "country_id": country_id,
                "province_id": province_id,
                "name": row["name"],
                "names": row["names"],
                "latitude": _coordinate(row.get("latitude")),
                "longitude": _coordinate(row.get("longitude")),
            }
        existing = {
            (obj.country_id, obj.province_id, obj.name): obj
            for obj in City.objects.using(db).filter(name__in={key[2] for key in rows})
        }
        fields = ("names", "latitude", "longitude")
        record("City", _sync(City, db, existing, rows, fields, True))
        if apps is None:
            from hamafza.core.selectors import places_invalidate

            transaction.on_commit(places_invalidate, using=db)
    return counts


def places_loaded(apps=None, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the shipped places are in the database (one cheap query).

    ``places_load`` writes everything in one transaction, cities last, so the
    first shipped city being present means a load has completed.
    """
    registry = apps or global_apps
    City = registry.get_model("core", "City")
    first = cities_data()[0]
    lookup = {"country__code": first["country"], "name": first["name"]}
    if first.get("province"):
        lookup["province__code"] = first["province"]
    return City.objects.using(using).filter(**lookup).exists()
