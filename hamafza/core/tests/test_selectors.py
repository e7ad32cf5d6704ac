import pytest

from hamafza.core.models import Country
from hamafza.core.places import places_load
from hamafza.core.selectors import places_index, places_invalidate

pytestmark = pytest.mark.django_db


def test_places_index_is_kept_until_places_change(django_assert_num_queries):
    first = places_index()
    with django_assert_num_queries(0):
        assert places_index() is first
    iran = Country.objects.get(code="IR")
    assert first.countries[iran.pk].names["fa"] == "ایران"
    Country.objects.filter(pk=iran.pk).update(names={**iran.names, "en": "Iran (corrected)"})
    places_invalidate()
    assert places_index().countries[iran.pk].names["en"] == "Iran (corrected)"


def test_loading_places_invalidates_the_index(django_capture_on_commit_callbacks):
    first = places_index()
    with django_capture_on_commit_callbacks(execute=True):
        places_load()
    assert places_index() is not first
