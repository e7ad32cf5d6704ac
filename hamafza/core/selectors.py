"""Reads of the data every app shares."""

import time
from dataclasses import dataclass

from hamafza.core.models import City, Country, Language, Province
from hamafza.core.versions import version_bump, version_get

PLACES_VERSION_KEY = "core:places:version"
PLACES_MAX_AGE = 300  # seconds a process trusts its copy without asking the cache


@dataclass(frozen=True)
class PlacesIndex:
    """Every country, province, city and language by id, held in memory.

    Places are reference data: a few thousand rows that change when a
    coordinator corrects a name. Lists that show a place per row (the
    directory) look it up here instead of joining three tables per row.
    """

    countries: dict[int, Country]
    provinces: dict[int, Province]
    cities: dict[int, City]
    languages: dict[int, Language]


_local: dict[str, object] = {"version": None, "checked": 0.0, "loaded": 0.0, "index": None}


def places_index() -> PlacesIndex:
    """This process's copy of the places, reloaded when they change.

    The version lives in the shared cache; a process asks for it at most every
    few seconds, and reloads (four queries) when it moved or its copy is old.
    """
    now = time.monotonic()
    index = _local["index"]
    if index is not None and now - _local["checked"] < 5:
        return index
    version = version_get(PLACES_VERSION_KEY)
    if index is None or version != _local["version"] or now - _local["loaded"] > PLACES_MAX_AGE:
        index = PlacesIndex(
            countries=Country.objects.in_bulk(),
            provinces=Province.objects.in_bulk(),
            cities=City.objects.in_bulk(),
            languages=Language.objects.in_bulk(),
        )
        _local.update(index=index, version=version, loaded=now)
    _local["checked"] = now
    return index


def places_index_forget() -> None:
    """Drop this process's copy (tests, after the database was emptied)."""
    _local["index"] = None


def places_invalidate() -> None:
    """Tell every process to reload its places (after a load or an edit)."""
    places_index_forget()
    version_bump(PLACES_VERSION_KEY)
