"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache

TRANSACTIONAL = {"transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Shipped reference data (places, fields, month starts, occasions) in every database test.

    Migrations load it, but a transactional test (live server, browser)
    empties the tables when it ends; reload it then, cheaply, when missing.
    """
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if not (names & (TRANSACTIONAL | {"db"}) or marker):
        return
    transactional = bool(names & TRANSACTIONAL or (marker and marker.kwargs.get("transaction")))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from hamafza.core.calendars import hijri_month_starts_seed
    from hamafza.core.models import HijriMonthStart
    from hamafza.core.places import places_load, places_loaded
    from hamafza.directory.models import ActivityField
    from hamafza.directory.reference import activity_fields_load

    if not places_loaded():
        places_load()
    if not ActivityField.objects.exists():
        activity_fields_load()
    if not HijriMonthStart.objects.exists():
        hijri_month_starts_seed()
    from hamafza.agreements.models import AgreementKind
    from hamafza.agreements.reference import agreement_kinds_load

    if not AgreementKind.objects.exists():
        agreement_kinds_load()
    from hamafza.events.models import Occasion
    from hamafza.events.reference import occasions_load

    if not Occasion.objects.exists():
        occasions_load()


def _forget_caches() -> None:
    from hamafza.core.selectors import places_index_forget
    from hamafza.directory.selectors import facets_forget_local

    cache.clear()
    places_index_forget()
    facets_forget_local()


@pytest.fixture(autouse=True)
def _clear_cache():
    _forget_caches()
    yield
    _forget_caches()


@pytest.fixture(autouse=True)
def _private_files():
    """Each test starts with no private files (the storage's directory is per process)."""
    import shutil

    from django.conf import settings

    yield
    shutil.rmtree(settings.STORAGES["private"]["OPTIONS"]["location"], ignore_errors=True)
