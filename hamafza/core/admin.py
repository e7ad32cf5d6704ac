from django.contrib import admin

from hamafza.core.admin_base import CoordinatorAdminMixin
from hamafza.core.admin_calendars import HijriMonthStartAdmin  # noqa: F401  (registers itself)
from hamafza.core.models import City, Country, Language, Province
from hamafza.core.selectors import places_invalidate


class PlaceAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    """Places are held in memory by every process: an edit tells them to reload."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        places_invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        places_invalidate()


@admin.register(Country)
class CountryAdmin(PlaceAdmin):
    list_display = ("code", "code3", "name", "names")
    search_fields = ("code", "code3", "name", "search_key")
    readonly_fields = ("search_key",)


@admin.register(Province)
class ProvinceAdmin(PlaceAdmin):
    list_display = ("code", "name", "names", "country")
    list_filter = ("country",)
    search_fields = ("code", "name", "search_key")
    list_select_related = ("country",)
    readonly_fields = ("search_key",)


@admin.register(City)
class CityAdmin(PlaceAdmin):
    list_display = ("name", "names", "country", "province", "latitude", "longitude")
    list_filter = ("country",)
    search_fields = ("name", "search_key")
    list_select_related = ("country", "province")
    autocomplete_fields = ("country", "province")
    readonly_fields = ("search_key",)


@admin.register(Language)
class LanguageAdmin(PlaceAdmin):
    list_display = ("code", "name", "names", "rtl")
