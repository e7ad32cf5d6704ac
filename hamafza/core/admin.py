from django.contrib import admin

from hamafza.core.admin_base import CoordinatorAdminMixin
from hamafza.core.admin_calendars import HijriMonthStartAdmin  # noqa: F401  (registers itself)
from hamafza.core.models import City, Country, Language, Province


@admin.register(Country)
class CountryAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("code", "code3", "name", "names")
    search_fields = ("code", "code3", "name", "search_key")
    readonly_fields = ("search_key",)


@admin.register(Province)
class ProvinceAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "names", "country")
    list_filter = ("country",)
    search_fields = ("code", "name", "search_key")
    list_select_related = ("country",)
    readonly_fields = ("search_key",)


@admin.register(City)
class CityAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("name", "names", "country", "province", "latitude", "longitude")
    list_filter = ("country",)
    search_fields = ("name", "search_key")
    list_select_related = ("country", "province")
    autocomplete_fields = ("country", "province")
    readonly_fields = ("search_key",)


@admin.register(Language)
class LanguageAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "names", "rtl")
