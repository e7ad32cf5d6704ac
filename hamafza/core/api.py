"""API plumbing shared by every app."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.fields import empty
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from hamafza.core.models import City, Country, Language, Province, validate_names
from hamafza.core.params import id_param

# The dates the API accepts: wide enough for any record, narrow enough for every database.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2299, 12, 31)


def date_in_range(value) -> None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            _("Enter a date between %(start)s and %(end)s.")
            % {"start": EARLIEST_DATE.isoformat(), "end": LATEST_DATE.isoformat()}
        )


def date_field(**kwargs) -> serializers.DateField:
    return serializers.DateField(validators=[date_in_range], **kwargs)


def names_field(**kwargs) -> serializers.JSONField:
    """Names in other languages: a mapping from language code to text."""
    return serializers.JSONField(required=False, validators=[validate_names], **kwargs)


def query_checked(serializer_class, request) -> dict:
    """A list's query parameters, checked: a bad one is a 400 naming it."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class IdLookupMixin:
    """Ids in URLs: anything that is not a row's possible id is "not found", never a 500."""

    def get_object(self):
        kwarg = self.lookup_url_kwarg or self.lookup_field
        if id_param(self.kwargs.get(kwarg)) is None:
            raise Http404
        return super().get_object()


def validation_error_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        # A model constraint's error is keyed "__all__" by Django: the API calls it as DRF does.
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): [
                str(m) for e in errs for m in e.messages
            ]
            for field, errs in error.error_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in error.messages]}


def exception_handler(exc, context):
    """Django's ValidationError (raised by services) becomes a 400 with field errors."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "code3", "name", "names"]


class ProvinceSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Province
        fields = ["code", "country", "name", "names"]


class CitySerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = City
        fields = ["id", "country", "province", "name", "names", "latitude", "longitude"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name", "names", "rtl"]


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class CountryViewSet(ReadOnlyViewSet):
    """ISO 3166-1 countries with their names in the site's languages."""

    queryset = Country.objects.all()
    serializer_class = CountrySerializer
    lookup_field = "code"
    pagination_class = None


class ProvinceViewSet(ReadOnlyViewSet):
    """Provinces of Iran and governorates of Iraq (``?country=IR``)."""

    serializer_class = ProvinceSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        queryset = Province.objects.select_related("country")
        country = self.request.query_params.get("country", "")
        return queryset.filter(country__code=country.upper()) if country else queryset


class CityViewSet(ReadOnlyViewSet):
    serializer_class = CitySerializer

    def get_queryset(self):
        queryset = City.objects.select_related("country", "province")
        country = self.request.query_params.get("country", "")
        province = self.request.query_params.get("province", "")
        if country:
            queryset = queryset.filter(country__code=country.upper())
        if province:
            queryset = queryset.filter(province__code=province.upper())
        return queryset


class LanguageViewSet(ReadOnlyViewSet):
    queryset = Language.objects.all()
    serializer_class = LanguageSerializer
    lookup_field = "code"
    pagination_class = None


def register(router) -> None:
    router.register("countries", CountryViewSet, basename="country")
    router.register("provinces", ProvinceViewSet, basename="province")
    router.register("cities", CityViewSet, basename="city")
    router.register("languages", LanguageViewSet, basename="language")


# --- input, shared by every app's API ------------------------------------------------------


class StrictInputMixin:
    """Refuse fields the request cannot write (unknown, or read-only) instead of ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {
                        api_settings.NON_FIELD_ERRORS_KEY: [
                            _("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)}
                        ]
                    }
                )
        return super().to_internal_value(data)


def parent_from(request, key: str, queryset):
    """The row named by ``key`` in the body, for the policy's ``add`` question.

    Anonymous callers get None, and so a refusal. For anyone signed in, a
    missing or junk id, or one that names nothing, is a 400 on that field
    (DRF's own translated messages), not a misleading 403.
    """
    if not (request.user and request.user.is_authenticated):
        return None
    data = request.data if isinstance(request.data, Mapping) else {}
    field = serializers.PrimaryKeyRelatedField(queryset=queryset)
    try:
        return field.run_validation(data.get(key, empty))
    except serializers.ValidationError as error:
        raise serializers.ValidationError({key: error.detail}) from None
