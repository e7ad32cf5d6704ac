"""Version numbers in the shared cache, for data that processes keep in memory.

A process that holds a copy of rarely changing data (the places, the lunar
month table, the directory's facets) reads the version and reloads when it
moved; whoever changes the data bumps it. A lost version restarts from the
clock, never from a number an old copy may still carry.
"""

import time

from django.core.cache import cache


def version_get(key: str) -> int | None:
    """The current version; None when the cache keeps nothing (DummyCache)."""
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def version_bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), timeout=None)
