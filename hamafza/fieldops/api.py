"""The field operations app's REST API: thin serializers over the services, selectors and policies.

Everyone reads volunteer groups, approved camps, campaigns, distributions and
service points, the map's GeoJSON, the nearest open service and the
dashboard's figures; a camp not yet approved (or rejected) is seen only by
the group's and sponsoring body's staff and coordinators, and is "not found"
to anyone else. Every write is a call to ``hamafza.fieldops.services``;
``PolicyPermission`` asks the model's policy first (``add`` with the parent
named in the body, ``change`` — or the action's own right — on the row), and
the service asks again. A service's ValidationError is a 400 with field
errors in the caller's language; a refused or invalid write changes nothing.

A group's activity status is derived from its logged activity and is never
written: a request that sends it is refused, like any field the endpoint does
not take. Lists read their query through a serializer (``*QuerySerializer``):
a bad filter is a 400 naming the parameter, never a 500. Choice values are
sent as plain strings with a translated ``*_label`` beside them.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from hamafza.core.api import (
    IdLookupMixin,
    StrictInputMixin,
    date_field,
    names_field,
    parent_from,
    query_checked,
    validation_error_detail,
)
from hamafza.core.models import City, Country, Language, Province
from hamafza.core.params import ID_MAX
from hamafza.directory.models import ActivityField, Organization

from . import selectors, services
from .models import (
    ROUTE_POLES,
    ActivityStatus,
    BorderCrossing,
    Camp,
    Campaign,
    CampPhoto,
    CampService,
    CampStatus,
    Distribution,
    GroupActivity,
    PackageKind,
    PointStatus,
    Route,
    Service,
    ServicePoint,
    ServicePointKind,
    ServiceUnit,
    VolunteerGroup,
)
from .policies import (
    camp_policy,
    campaign_policy,
    distribution_policy,
    group_policy,
    service_point_policy,
)
from .routes import pole_error

# Dates typed into the API: within these, so that date arithmetic stays in the calendar.
# The most points the "nearest" list returns, and how many by default.
# DRF's own message (and its translations) for a missing field.
REQUIRED = serializers.Field.default_error_messages["required"]


NEAREST_MAX = 20
NEAREST_DEFAULT = 5
# The most services delivered recorded with one camp.
CAMP_SERVICES_MAX = 100
GEOJSON = "application/geo+json"


# --- input --------------------------------------------------------------------------------


class CoordinateField(serializers.DecimalField):
    """A latitude or longitude in degrees; more than six decimals (a phone's position) are
    rounded to six, about 10 cm."""

    SIX_PLACES = Decimal("0.000001")

    def __init__(self, **kwargs):
        super().__init__(max_digits=9, decimal_places=6, **kwargs)

    def validate_precision(self, value):
        if value.as_tuple().exponent < -6 and abs(value) < 1000:
            value = value.quantize(self.SIX_PLACES, rounding=ROUND_HALF_EVEN)
        return super().validate_precision(value)


class CommaListField(serializers.ListField):
    """A query parameter given several times, or once with values separated by commas."""

    def get_value(self, dictionary):
        if not hasattr(dictionary, "getlist"):
            return super().get_value(dictionary)
        values = dictionary.getlist(self.field_name)
        if not values:
            return empty
        return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _fields_renamed(error: DjangoValidationError, names: dict[str, str]):
    """A service's ValidationError as a 400 whose fields are named as the request names them."""
    names = {"__all__": api_settings.NON_FIELD_ERRORS_KEY, **names}
    detail = validation_error_detail(error)
    return serializers.ValidationError(
        {names.get(key, key): value for key, value in detail.items()}
    )


def _name(obj) -> str:
    return obj.display_name() if obj is not None else ""


def _code(obj) -> str | None:
    return obj.code if obj is not None else None


# --- volunteer groups ---------------------------------------------------------------------


class GroupQuerySerializer(serializers.Serializer):
    sponsor = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The sponsoring body's id."
    )
    field = serializers.SlugField(
        required=False, allow_blank=True, max_length=50, help_text="A field of activity (code)."
    )
    province = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="ISO 3166-2 code."
    )
    activity_status = serializers.ChoiceField(
        choices=ActivityStatus.choices, required=False, allow_blank=True
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name or registration number."
    )

    def filters(self) -> selectors.GroupFilters:
        data = self.validated_data
        return selectors.GroupFilters(
            q=data.get("q", ""),
            sponsor_id=data.get("sponsor"),
            province=data.get("province", ""),
            field=data.get("field", ""),
            activity_status=data.get("activity_status", ""),
        )


class GroupSerializer(serializers.ModelSerializer):
    """A registered volunteer group. Its activity status is derived from the activity it
    logged in the last four quarters (90-day periods): active all year (three or more),
    seasonal (one or two), dormant (none)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:volunteer-group-detail")
    name = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    sponsor_name = serializers.SerializerMethodField()
    activity_status = serializers.CharField(read_only=True)
    activity_status_label = serializers.CharField(
        source="get_activity_status_display", read_only=True
    )

    class Meta:
        model = VolunteerGroup
        fields = [
            "id",
            "url",
            "organization",
            "name",
            "province",
            "registration_number",
            "registered_on",
            "sponsor",
            "sponsor_name",
            "size",
            "activity_status",
            "activity_status_label",
            "active_quarters",
            "last_active_on",
        ]
        read_only_fields = fields

    def get_name(self, obj) -> str:
        return _name(obj.organization)

    def get_province(self, obj) -> str | None:
        """The group's province (ISO 3166-2), its organization's."""
        return _code(obj.organization.province)

    def get_sponsor_name(self, obj) -> str:
        return _name(obj.sponsor)


class GroupDetailSerializer(GroupSerializer):
    country = serializers.SerializerMethodField()
    city_name = serializers.SerializerMethodField()
    fields_of_activity = serializers.SerializerMethodField()

    class Meta(GroupSerializer.Meta):
        fields = [
            *GroupSerializer.Meta.fields,
            "country",
            "city_name",
            "fields_of_activity",
            "created_at",
        ]
        read_only_fields = fields

    def get_country(self, obj) -> str | None:
        return _code(obj.organization.country)

    def get_city_name(self, obj) -> str:
        return _name(obj.organization.city)

    def get_fields_of_activity(self, obj) -> list[str]:
        """The codes of the fields the group works in (its organization's)."""
        return [field.code for field in obj.organization.fields.all()]


class GroupUpdateSerializer(StrictInputMixin, serializers.Serializer):
    """What a group's registration may change; its activity status is never written."""

    registration_number = serializers.CharField(max_length=40)
    registered_on = date_field(required=False, allow_null=True)
    sponsor = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    size = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)


class GroupCreateSerializer(GroupUpdateSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        help_text="The directory organization (of kind volunteer group) being registered.",
    )


class ActivitySerializer(serializers.ModelSerializer):
    source = serializers.CharField(read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = GroupActivity
        fields = ["id", "on", "source", "source_label", "field", "description", "created_at"]
        read_only_fields = fields


class ActivityInputSerializer(StrictInputMixin, serializers.Serializer):
    on = date_field(help_text="The day of the work (not in the future).")
    field = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ActivityField.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    description = serializers.CharField(max_length=500, help_text="What the group did.")


@extend_schema_view(
    list=extend_schema(parameters=[GroupQuerySerializer]),
    create=extend_schema(request=GroupCreateSerializer, responses={201: GroupDetailSerializer}),
    update=extend_schema(request=GroupUpdateSerializer, responses=GroupDetailSerializer),
    partial_update=extend_schema(request=GroupUpdateSerializer, responses=GroupDetailSerializer),
)
class VolunteerGroupViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Registered volunteer groups: directory organizations of kind "volunteer group" with
    a registration number, a sponsoring body, members and a derived activity status.

    Everyone reads. The sponsoring body's editors register a group and, with
    the group's own editors, change its registration. ``activity`` lists the
    days the group was active and logs other work (the group's editors).
    """

    policy = group_policy
    policy_action = "change"
    queryset = VolunteerGroup.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VolunteerGroup.objects.none()
        if self.action == "list":
            return selectors.group_list(filters=self._filters())
        return VolunteerGroup.objects.select_related("organization", "sponsor")

    def _filters(self) -> selectors.GroupFilters:
        query = GroupQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.filters()

    def get_serializer_class(self):
        if self.action == "list":
            return GroupSerializer
        if self.action == "create":
            return GroupCreateSerializer
        if self.action in ("update", "partial_update"):
            return GroupUpdateSerializer
        return GroupDetailSerializer

    def policy_parent(self, request):
        return parent_from(request, "sponsor", Organization.objects.all())

    def _read(self, group, status_code=status.HTTP_200_OK) -> Response:
        group = selectors.group_get(pk=group.pk)
        data = GroupDetailSerializer(group, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._read(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = services.group_register(actor=request.user, **serializer.validated_data)
        return self._read(group, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        group = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        group = services.group_update(actor=request.user, group=group, **serializer.validated_data)
        return self._read(group)

    @extend_schema(methods=["GET"], request=None, responses=ActivitySerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ActivityInputSerializer, responses={201: ActivitySerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, policy_action="log")
    def activity(self, request, pk=None):
        """GET: the latest days the group was active (camps, distributions, other work).

        POST: log a day of other work (the group's editors); the activity status is
        recomputed."""
        group = self.get_object()
        if request.method == "POST":
            serializer = ActivityInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            activity = services.group_activity_log(
                actor=request.user, group=group, **serializer.validated_data
            )
            return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)
        return Response(ActivitySerializer(selectors.group_activities(group=group), many=True).data)


# --- camps --------------------------------------------------------------------------------


class CampQuerySerializer(serializers.Serializer):
    group = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The group's id."
    )
    sponsor = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The sponsoring body's id."
    )
    status = serializers.ChoiceField(choices=CampStatus.choices, required=False, allow_blank=True)
    province = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="ISO 3166-2 code."
    )
    field = serializers.SlugField(
        required=False, allow_blank=True, max_length=50, help_text="A field of activity (code)."
    )
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2200, help_text="Gregorian year of the first day."
    )
    month = serializers.IntegerField(
        required=False, min_value=1, max_value=12, help_text="Gregorian month of the first day."
    )
    since = date_field(required=False, help_text="Camps whose first day is on or after this.")

    def filters(self) -> selectors.CampFilters:
        data = self.validated_data
        return selectors.CampFilters(
            group_id=data.get("group"),
            sponsor_id=data.get("sponsor"),
            status=data.get("status", ""),
            province=data.get("province", ""),
            field=data.get("field", ""),
            year=data.get("year"),
            since=data.get("since"),
        )


class CampServiceSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="get_unit_display", read_only=True)

    class Meta:
        model = CampService
        fields = ["name", "quantity", "unit", "unit_label"]
        read_only_fields = fields


class CampPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampPhoto
        fields = ["id", "image", "caption", "created_at"]
        read_only_fields = fields


class CampListSerializer(serializers.ModelSerializer):
    """A camp as lists show it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:camp-detail")
    group_name = serializers.SerializerMethodField()
    sponsor = serializers.IntegerField(source="group.sponsor_id", read_only=True)
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    field_name = serializers.SerializerMethodField()
    days = serializers.IntegerField(read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province_name = serializers.SerializerMethodField()
    city_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Camp
        fields = [
            "id",
            "url",
            "group",
            "group_name",
            "sponsor",
            "field",
            "field_name",
            "starts_on",
            "ends_on",
            "days",
            "province",
            "province_name",
            "city",
            "city_name",
            "village",
            "neighbourhood",
            "latitude",
            "longitude",
            "volunteers",
            "beneficiaries",
            "status",
            "status_label",
        ]
        read_only_fields = fields

    def get_group_name(self, obj) -> str:
        return _name(obj.group.organization)

    def get_field_name(self, obj) -> str:
        return _name(obj.field)

    def get_province_name(self, obj) -> str:
        return _name(obj.province)

    def get_city_name(self, obj) -> str:
        return _name(obj.city)


class CampSerializer(CampListSerializer):
    """One camp with the services it delivered, its photos, report and the decision on it."""

    services = CampServiceSerializer(many=True, read_only=True)
    photos = CampPhotoSerializer(many=True, read_only=True)

    class Meta(CampListSerializer.Meta):
        fields = [
            *CampListSerializer.Meta.fields,
            "report",
            "services",
            "photos",
            "decision_note",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class ServiceDeliveredInputSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.ChoiceField(choices=ServiceUnit.choices)


class CampUpdateSerializer(StrictInputMixin, serializers.Serializer):
    """What logs or changes a camp; every rule (1 to 14 days, the place) is the service's."""

    field = serializers.SlugRelatedField(slug_field="code", queryset=ActivityField.objects.all())
    starts_on = date_field()
    ends_on = date_field()
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all())
    city = serializers.PrimaryKeyRelatedField(
        queryset=City.objects.all(), required=False, allow_null=True
    )
    village = serializers.CharField(max_length=200, allow_blank=True, required=False)
    neighbourhood = serializers.CharField(max_length=200, allow_blank=True, required=False)
    latitude = CoordinateField(required=False, allow_null=True)
    longitude = CoordinateField(required=False, allow_null=True)
    volunteers = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1)
    beneficiaries = serializers.IntegerField(
        min_value=-(2**31), max_value=2**31 - 1, required=False
    )
    report = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    services = ServiceDeliveredInputSerializer(
        many=True,
        required=False,
        max_length=CAMP_SERVICES_MAX,
        help_text="The services delivered with their quantities; on a change, replaces them.",
    )


class CampCreateSerializer(CampUpdateSerializer):
    group = serializers.PrimaryKeyRelatedField(queryset=VolunteerGroup.objects.all())


class PhotoInputSerializer(StrictInputMixin, serializers.Serializer):
    image = serializers.FileField(help_text="A PNG or JPEG picture.")
    caption = serializers.CharField(max_length=300, allow_blank=True, default="")


class CampDecisionInputSerializer(StrictInputMixin, serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))]
    )
    note = serializers.CharField(
        max_length=500,
        allow_blank=True,
        default="",
        help_text="Why; needed for a rejection, shown to the group.",
    )


def _services_input(rows) -> list[services.ServiceInput]:
    return [services.ServiceInput(**row) for row in rows]


@extend_schema_view(
    list=extend_schema(parameters=[CampQuerySerializer]),
    create=extend_schema(request=CampCreateSerializer, responses={201: CampSerializer}),
    update=extend_schema(request=CampUpdateSerializer, responses=CampSerializer),
    partial_update=extend_schema(request=CampUpdateSerializer, responses=CampSerializer),
    photos=extend_schema(request=PhotoInputSerializer, responses={201: CampPhotoSerializer}),
    decide=extend_schema(request=CampDecisionInputSerializer, responses=CampSerializer),
)
class CampViewSet(IdLookupMixin, viewsets.ModelViewSet):
    """Camps: a group's deployment of 1 to 14 days in a neighbourhood or village, with the
    services delivered, photos and a short report.

    Approved camps are public; the others are seen by the group's and the
    sponsoring body's staff and by coordinators ("not found" to anyone else).
    The group's editors log a camp, change or delete it and add ``photos``
    until it is decided; the sponsoring body's editors ``decide`` (approve,
    or reject with a reason). An approved camp counts as the group's activity.
    """

    policy = camp_policy
    policy_action = "change"
    queryset = Camp.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Camp.objects.none()
        user = self.request.user
        if self.action == "list":
            query = CampQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            queryset = selectors.camp_list(filters=query.filters(), user=user)
            month = query.validated_data.get("month")
            return queryset.filter(starts_on__month=month) if month else queryset
        return selectors.camps_visible(user).select_related("group")

    def get_serializer_class(self):
        if self.action == "list":
            return CampListSerializer
        if self.action == "create":
            return CampCreateSerializer
        if self.action in ("update", "partial_update"):
            return CampUpdateSerializer
        return CampSerializer

    def policy_parent(self, request):
        return parent_from(request, "group", VolunteerGroup.objects.all())

    def _read(self, camp, status_code=status.HTTP_200_OK) -> Response:
        camp = selectors.camp_get(pk=camp.pk, user=self.request.user)
        data = CampSerializer(camp, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._read(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        rows = _services_input(values.pop("services", []))
        camp = services.camp_create(actor=request.user, services=rows, **values)
        return self._read(camp, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        camp = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        rows = _services_input(values.pop("services")) if "services" in values else None
        camp = services.camp_update(actor=request.user, camp=camp, services=rows, **values)
        return self._read(camp)

    def perform_destroy(self, instance):
        services.camp_delete(actor=self.request.user, camp=instance)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        """Add a photo (multipart: ``image``, a PNG or JPEG picture, and a ``caption``)."""
        camp = self.get_object()
        serializer = PhotoInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            photo = services.camp_photo_add(
                actor=request.user, camp=camp, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _fields_renamed(error, {api_settings.NON_FIELD_ERRORS_KEY: "image"}) from None
        data = CampPhotoSerializer(photo, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], policy_action="decide")
    def decide(self, request, pk=None):
        """Approve the camp, or reject it with a reason (the sponsoring body's editors)."""
        camp = self.get_object()
        serializer = CampDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            camp = services.camp_decide(
                actor=request.user,
                camp=camp,
                approve=data["decision"] == "approve",
                note=data["note"],
            )
        except DjangoValidationError as error:
            raise _fields_renamed(error, {"decision_note": "note"}) from None
        return self._read(camp)


# --- campaigns and distributions ----------------------------------------------------------


class CampaignQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="The campaign's name."
    )


class CampaignSerializer(serializers.ModelSerializer):
    """A distribution campaign with its totals: each package and household counted once."""

    url = serializers.HyperlinkedIdentityField(view_name="api:campaign-detail")
    display_name = serializers.SerializerMethodField()
    organizer_name = serializers.SerializerMethodField()
    packages = serializers.IntegerField(read_only=True)
    households = serializers.IntegerField(read_only=True)
    distributions = serializers.IntegerField(source="distribution_count", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "url",
            "name",
            "names",
            "display_name",
            "organizer",
            "organizer_name",
            "starts_on",
            "ends_on",
            "description",
            "packages",
            "households",
            "distributions",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()

    def get_organizer_name(self, obj) -> str:
        return _name(obj.organizer)


class CampaignDetailSerializer(CampaignSerializer):
    groups = serializers.IntegerField(
        source="group_count", read_only=True, help_text="Distinct groups that distributed."
    )

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "groups"]
        read_only_fields = fields


class CampaignUpdateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=300)
    names = names_field()
    starts_on = date_field()
    ends_on = date_field(required=False, allow_null=True)
    description = serializers.CharField(max_length=4000, allow_blank=True, required=False)


class CampaignCreateSerializer(CampaignUpdateSerializer):
    organizer = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())


@extend_schema_view(
    list=extend_schema(parameters=[CampaignQuerySerializer]),
    create=extend_schema(
        request=CampaignCreateSerializer, responses={201: CampaignDetailSerializer}
    ),
    update=extend_schema(request=CampaignUpdateSerializer, responses=CampaignDetailSerializer),
    partial_update=extend_schema(
        request=CampaignUpdateSerializer, responses=CampaignDetailSerializer
    ),
)
class CampaignViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Distribution campaigns (the "faithful manoeuvre") with their packages and households.

    Everyone reads. The organizer's editors start and change a campaign.
    """

    policy = campaign_policy
    policy_action = "change"
    queryset = Campaign.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        if self.action == "list":
            return selectors.campaign_list(
                q=query_checked(CampaignQuerySerializer, self.request).get("q", "")
            )
        if self.action == "retrieve":
            return selectors.packages_by_campaign()
        return Campaign.objects.select_related("organizer")

    def get_serializer_class(self):
        if self.action == "list":
            return CampaignSerializer
        if self.action == "create":
            return CampaignCreateSerializer
        if self.action in ("update", "partial_update"):
            return CampaignUpdateSerializer
        return CampaignDetailSerializer

    def policy_parent(self, request):
        return parent_from(request, "organizer", Organization.objects.all())

    def _read(self, campaign, status_code=status.HTTP_200_OK) -> Response:
        campaign = selectors.packages_by_campaign().get(pk=campaign.pk)
        data = CampaignDetailSerializer(campaign, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = services.campaign_create(actor=request.user, **serializer.validated_data)
        return self._read(campaign, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        campaign = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        campaign = services.campaign_update(
            actor=request.user, campaign=campaign, **serializer.validated_data
        )
        return self._read(campaign)


class DistributionQuerySerializer(serializers.Serializer):
    campaign = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The campaign's id."
    )
    group = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The distributing group's id."
    )
    province = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="ISO 3166-2 code."
    )
    package_kind = serializers.ChoiceField(
        choices=PackageKind.choices, required=False, allow_blank=True
    )
    since = date_field(required=False, help_text="Distributions on or after this day.")
    until = date_field(required=False, help_text="Distributions on or before this day.")

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and until < since:
            raise serializers.ValidationError({"until": [_("The range ends before it starts.")]})
        return attrs

    def filters(self) -> selectors.DistributionFilters:
        data = self.validated_data
        return selectors.DistributionFilters(
            campaign_id=data.get("campaign"),
            group_id=data.get("group"),
            province=data.get("province", ""),
            package_kind=data.get("package_kind", ""),
            since=data.get("since"),
            until=data.get("until"),
        )


class DistributionSerializer(serializers.ModelSerializer):
    """One delivery of packages: one campaign, one place, one group, one day."""

    url = serializers.HyperlinkedIdentityField(view_name="api:distribution-detail")
    campaign_name = serializers.SerializerMethodField()
    group_name = serializers.SerializerMethodField()
    package_kind = serializers.CharField(read_only=True)
    package_kind_label = serializers.CharField(source="get_package_kind_display", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province_name = serializers.SerializerMethodField()
    city_name = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = [
            "id",
            "url",
            "campaign",
            "campaign_name",
            "group",
            "group_name",
            "package_kind",
            "package_kind_label",
            "quantity",
            "households",
            "distributed_on",
            "province",
            "province_name",
            "city",
            "city_name",
            "place",
            "latitude",
            "longitude",
            "created_at",
        ]
        read_only_fields = fields

    def get_campaign_name(self, obj) -> str:
        return _name(obj.campaign)

    def get_group_name(self, obj) -> str:
        return _name(obj.group.organization)

    def get_province_name(self, obj) -> str:
        return _name(obj.province)

    def get_city_name(self, obj) -> str:
        return _name(obj.city)


class DistributionUpdateSerializer(StrictInputMixin, serializers.Serializer):
    """What records or changes a delivery; every rule is the service's."""

    package_kind = serializers.ChoiceField(choices=PackageKind.choices)
    quantity = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1)
    households = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1)
    distributed_on = date_field()
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all())
    city = serializers.PrimaryKeyRelatedField(
        queryset=City.objects.all(), required=False, allow_null=True
    )
    place = serializers.CharField(max_length=200, allow_blank=True, required=False)
    latitude = CoordinateField(required=False, allow_null=True)
    longitude = CoordinateField(required=False, allow_null=True)


class DistributionCreateSerializer(DistributionUpdateSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    group = serializers.PrimaryKeyRelatedField(
        queryset=VolunteerGroup.objects.all(), help_text="The distributing group."
    )


@extend_schema_view(
    list=extend_schema(parameters=[DistributionQuerySerializer]),
    create=extend_schema(
        request=DistributionCreateSerializer, responses={201: DistributionSerializer}
    ),
    update=extend_schema(request=DistributionUpdateSerializer, responses=DistributionSerializer),
    partial_update=extend_schema(
        request=DistributionUpdateSerializer, responses=DistributionSerializer
    ),
)
class DistributionViewSet(IdLookupMixin, viewsets.ModelViewSet):
    """Aid distributions: each one campaign, one place, one group and one day, so that the
    totals count each package once.

    Everyone reads. The distributing group's editors and the campaign
    organizer's editors record, change and delete them; a recorded
    distribution counts as the group's activity.
    """

    policy = distribution_policy
    policy_action = "change"
    queryset = Distribution.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Distribution.objects.none()
        if self.action == "list":
            query = DistributionQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return selectors.distribution_list(filters=query.filters())
        return selectors.distribution_list()

    def get_serializer_class(self):
        if self.action == "create":
            return DistributionCreateSerializer
        if self.action in ("update", "partial_update"):
            return DistributionUpdateSerializer
        return DistributionSerializer

    def policy_parent(self, request):
        campaign = parent_from(request, "campaign", Campaign.objects.all())
        group = parent_from(request, "group", VolunteerGroup.objects.all())
        return (campaign, group) if campaign is not None and group is not None else None

    def _read(self, distribution, status_code=status.HTTP_200_OK) -> Response:
        distribution = selectors.distribution_list().get(pk=distribution.pk)
        data = DistributionSerializer(distribution, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        distribution = services.distribution_record(actor=request.user, **serializer.validated_data)
        return self._read(distribution, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        distribution = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        distribution = services.distribution_update(
            actor=request.user, distribution=distribution, **serializer.validated_data
        )
        return self._read(distribution)

    def perform_destroy(self, instance):
        services.distribution_delete(actor=self.request.user, distribution=instance)


# --- service points -----------------------------------------------------------------------


class PointFilterQuerySerializer(serializers.Serializer):
    """The filters the list, the map's GeoJSON and the nearest search share. Several kinds,
    services, languages or statuses (repeated, or separated by commas) mean any of them."""

    kind = CommaListField(
        child=serializers.ChoiceField(choices=ServicePointKind.choices),
        required=False,
        max_length=20,
    )
    status = CommaListField(
        child=serializers.ChoiceField(choices=PointStatus.choices), required=False, max_length=20
    )
    service = CommaListField(
        child=serializers.ChoiceField(choices=Service.choices), required=False, max_length=20
    )
    language = CommaListField(
        child=serializers.CharField(max_length=7),
        required=False,
        max_length=20,
        help_text="Language codes spoken at the point.",
    )
    route = serializers.ChoiceField(choices=Route.choices, required=False, allow_blank=True)
    operator = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The operator's id."
    )


class PointQuerySerializer(PointFilterQuerySerializer):
    border_crossing = serializers.ChoiceField(
        choices=BorderCrossing.choices, required=False, allow_blank=True
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Name.")

    def filters(self) -> selectors.ServicePointFilters:
        data = self.validated_data
        return selectors.ServicePointFilters(
            q=data.get("q", ""),
            kinds=tuple(data.get("kind", ())),
            services=tuple(data.get("service", ())),
            languages=tuple(data.get("language", ())),
            statuses=tuple(data.get("status", ())),
            route=data.get("route", ""),
            border_crossing=data.get("border_crossing", ""),
            operator_id=data.get("operator"),
        )


class NearestQuerySerializer(serializers.Serializer):
    """From a position (``lat``, ``lon``) or from a pole of a route (``route``, ``pole``)."""

    lat = serializers.FloatField(
        required=False, min_value=-90, max_value=90, help_text="Latitude (WGS 84)."
    )
    lon = serializers.FloatField(
        required=False, min_value=-180, max_value=180, help_text="Longitude (WGS 84)."
    )
    route = serializers.ChoiceField(choices=Route.choices, required=False)
    pole = serializers.IntegerField(
        required=False, help_text=f"The pole's number on the route (1 to {ROUTE_POLES})."
    )
    kind = serializers.ChoiceField(
        choices=ServicePointKind.choices, required=False, allow_blank=True
    )
    service = serializers.ChoiceField(choices=Service.choices, required=False, allow_blank=True)
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=7, help_text="A language spoken there."
    )
    limit = serializers.IntegerField(
        required=False, default=NEAREST_DEFAULT, min_value=1, max_value=NEAREST_MAX
    )

    def validate(self, attrs):
        position = {"lat", "lon"} & set(attrs)
        place = {"pole"} & set(attrs)
        if position and place:
            raise serializers.ValidationError(
                _("Give a position (lat and lon) or a pole (route and pole), not both.")
            )
        if position:
            missing = {"lat", "lon"} - position
        elif place or "route" in attrs:
            missing = {"route", "pole"} - set(attrs)
        else:
            raise serializers.ValidationError(
                _("Give a position (lat and lon) or a pole (route and pole).")
            )
        if missing:
            raise serializers.ValidationError({name: [REQUIRED] for name in sorted(missing)})
        return attrs


class ServicePointSerializer(serializers.ModelSerializer):
    """A place that serves pilgrims, with its live status."""

    url = serializers.HyperlinkedIdentityField(view_name="api:service-point-detail")
    display_name = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    operator_name = serializers.SerializerMethodField()
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    route = serializers.CharField(read_only=True)
    border_crossing = serializers.CharField(read_only=True)
    services = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ServicePoint
        fields = [
            "id",
            "url",
            "name",
            "names",
            "display_name",
            "kind",
            "kind_label",
            "operator",
            "operator_name",
            "country",
            "province",
            "latitude",
            "longitude",
            "route",
            "pole",
            "border_crossing",
            "services",
            "languages",
            "capacity",
            "opens_on",
            "closes_on",
            "hours",
            "phone",
            "status",
            "status_label",
            "status_changed_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()

    def get_operator_name(self, obj) -> str:
        return _name(obj.operator)


class NearPointSerializer(ServicePointSerializer):
    """A point found near a position or pole, nearest first."""

    distance_metres = serializers.SerializerMethodField()
    poles_away = serializers.SerializerMethodField()

    class Meta(ServicePointSerializer.Meta):
        fields = [*ServicePointSerializer.Meta.fields, "distance_metres", "poles_away"]
        read_only_fields = fields

    def get_distance_metres(self, obj) -> float:
        """As the crow flies, in metres."""
        return self.context["distances"][obj.pk][0]

    def get_poles_away(self, obj) -> int | None:
        """Poles between it and the pole asked from, when both are on the same route."""
        return self.context["distances"][obj.pk][1]


class ServicePointWriteSerializer(StrictInputMixin, serializers.Serializer):
    """What puts a point on the map or changes it; every rule (the point inside its country,
    the pole on its route) is the service's. The live status is set by the ``status`` action
    alone (a new point is open)."""

    operator = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text="The organization that runs the point: given when the point is created, "
        "never changed.",
    )
    name = serializers.CharField(max_length=300)
    names = names_field()
    kind = serializers.ChoiceField(choices=ServicePointKind.choices)
    country = serializers.SlugRelatedField(slug_field="code", queryset=Country.objects.all())
    province = serializers.SlugRelatedField(
        slug_field="code", queryset=Province.objects.all(), required=False, allow_null=True
    )
    latitude = CoordinateField()
    longitude = CoordinateField()
    route = serializers.ChoiceField(choices=Route.choices, allow_blank=True, required=False)
    pole = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=-(2**31),
        max_value=2**31 - 1,
        help_text=f"The pole's number on the route (1 to {ROUTE_POLES}).",
    )
    border_crossing = serializers.ChoiceField(
        choices=BorderCrossing.choices, allow_blank=True, required=False
    )
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=Service.choices),
        required=False,
        max_length=len(Service.values),
    )
    capacity = serializers.IntegerField(
        required=False, allow_null=True, min_value=-(2**31), max_value=2**31 - 1
    )
    opens_on = date_field(required=False, allow_null=True)
    closes_on = date_field(required=False, allow_null=True)
    hours = serializers.CharField(max_length=100, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    languages = serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), many=True, required=False
    )


class StatusInputSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=PointStatus.choices)


@extend_schema_view(
    list=extend_schema(parameters=[PointQuerySerializer]),
    create=extend_schema(
        request=ServicePointWriteSerializer, responses={201: ServicePointSerializer}
    ),
    update=extend_schema(request=ServicePointWriteSerializer, responses=ServicePointSerializer),
    partial_update=extend_schema(
        request=ServicePointWriteSerializer, responses=ServicePointSerializer
    ),
    status=extend_schema(
        operation_id="service_points_status_set",
        request=StatusInputSerializer,
        responses=ServicePointSerializer,
    ),
    nearest=extend_schema(
        parameters=[NearestQuerySerializer], responses=NearPointSerializer(many=True)
    ),
    geojson=extend_schema(
        parameters=[PointFilterQuerySerializer],
        responses={
            (200, GEOJSON): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A GeoJSON FeatureCollection of the points, names in the "
                "request's language.",
            )
        },
    ),
)
class ServicePointViewSet(IdLookupMixin, viewsets.ModelViewSet):
    """Places that serve pilgrims — mawkibs, medical posts, water, food, rest, information,
    border posts — on the map, by route and pole or at a border crossing.

    Everyone reads, finds the ``nearest`` open points of a kind from a
    position or a pole, and reads the map's ``geojson``. The operator's
    editors put a point on the map, change or remove it and set its live
    ``status`` (open, full, closed) from a phone.
    """

    policy = service_point_policy
    policy_action = "change"
    queryset = ServicePoint.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServicePoint.objects.none()
        if self.action == "list":
            query = PointQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return selectors.service_point_list(filters=query.filters())
        return selectors.service_point_list()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ServicePointWriteSerializer
        return ServicePointSerializer

    def policy_parent(self, request):
        return parent_from(request, "operator", Organization.objects.all())

    def _read(self, point, status_code=status.HTTP_200_OK) -> Response:
        point = selectors.service_point_get(pk=point.pk)
        data = ServicePointSerializer(point, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if "operator" not in values:
            raise serializers.ValidationError({"operator": [REQUIRED]})
        point = services.service_point_create(actor=request.user, **values)
        return self._read(point, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        point = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        point = services.service_point_update(
            actor=request.user, point=point, **serializer.validated_data
        )
        return self._read(point)

    def perform_destroy(self, instance):
        services.service_point_delete(actor=self.request.user, point=instance)

    @action(detail=True, methods=["post"], policy_action="status")
    def status(self, request, pk=None):
        """Say whether the point is open, full or closed (the operator's editors)."""
        point = self.get_object()
        serializer = StatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        point = services.service_point_status_set(
            actor=request.user, point=point, status=serializer.validated_data["status"]
        )
        return self._read(point)

    @action(detail=False, pagination_class=None)
    def nearest(self, request):
        """The open points nearest a position or a pole, nearest first, each with its
        distance; a kind, a service or a language narrows them."""
        query = query_checked(NearestQuerySerializer, request)
        options = {
            "kind": query.get("kind", ""),
            "service": query.get("service", ""),
            "language": query.get("language", ""),
            "limit": query["limit"],
        }
        if "lat" in query:
            found = selectors.nearest_service_points(
                latitude=query["lat"], longitude=query["lon"], **options
            )
        else:
            try:
                found = selectors.nearest_from_pole(
                    route=query["route"], pole=query["pole"], **options
                )
            except ValueError:
                raise serializers.ValidationError(
                    {"pole": [pole_error(query["route"], query["pole"])]}
                ) from None
        context = {
            **self.get_serializer_context(),
            "distances": {near.point.pk: (near.metres, near.poles) for near in found},
        }
        points = [near.point for near in found]
        return Response(NearPointSerializer(points, many=True, context=context).data)

    @action(detail=False, pagination_class=None)
    def geojson(self, request):
        """The points as GeoJSON for the map (``application/geo+json``)."""
        query = query_checked(PointFilterQuerySerializer, request)
        collection = selectors.service_points_geojson(
            kinds=query.get("kind", ()),
            services=query.get("service", ()),
            languages=query.get("language", ()),
            statuses=query.get("status", ()),
            route=query.get("route", ""),
            operator_id=query.get("operator"),
        )
        body = json.dumps(collection, ensure_ascii=False, cls=DjangoJSONEncoder)
        return HttpResponse(body, content_type=GEOJSON)


# --- the dashboard ------------------------------------------------------------------------


class DashboardQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=2200,
        help_text="Camps of this Gregorian year only.",
    )
    route = serializers.ChoiceField(
        choices=Route.choices, required=False, default=Route.NAJAF_KARBALA
    )
    segment_poles = serializers.IntegerField(
        required=False,
        default=100,
        min_value=1,
        max_value=ROUTE_POLES,
        help_text="Poles in each stretch of the route.",
    )


class TotalsSerializer(serializers.Serializer):
    groups = serializers.IntegerField(help_text="Registered groups.")
    active = serializers.IntegerField(help_text="Groups active all year.")
    seasonal = serializers.IntegerField()
    dormant = serializers.IntegerField()
    members = serializers.IntegerField(help_text="The groups' members.")
    camps = serializers.IntegerField(help_text="Approved camps.")
    volunteers = serializers.IntegerField(help_text="Volunteers the approved camps counted.")
    beneficiaries = serializers.IntegerField(help_text="Beneficiaries of the approved camps.")
    distributions = serializers.IntegerField()
    packages = serializers.IntegerField()
    households = serializers.IntegerField()
    service_points = serializers.IntegerField()


class GroupCountSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    registered = serializers.IntegerField()
    active = serializers.IntegerField()
    seasonal = serializers.IntegerField()
    dormant = serializers.IntegerField()


class CampMonthSerializer(serializers.Serializer):
    province_id = serializers.IntegerField()
    province = serializers.CharField()
    month = serializers.DateField(help_text="The first day of the (Gregorian) month.")
    camps = serializers.IntegerField()
    volunteers = serializers.IntegerField()
    beneficiaries = serializers.IntegerField()


class CampaignPackagesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    packages = serializers.IntegerField()
    households = serializers.IntegerField()
    distributions = serializers.IntegerField(source="distribution_count")
    groups = serializers.IntegerField(source="group_count")

    def get_name(self, obj) -> str:
        return obj.display_name()


class RouteSegmentSerializer(serializers.Serializer):
    first_pole = serializers.IntegerField()
    last_pole = serializers.IntegerField()
    points = serializers.IntegerField()
    open = serializers.IntegerField()
    full = serializers.IntegerField()
    closed = serializers.IntegerField()


@extend_schema_serializer(many=False)
class DashboardSerializer(serializers.Serializer):
    totals = TotalsSerializer()
    groups_by_field = GroupCountSerializer(
        many=True, help_text="A group counts once in each of its fields."
    )
    groups_by_province = GroupCountSerializer(many=True)
    camps_by_province_and_month = CampMonthSerializer(many=True)
    packages_by_campaign = CampaignPackagesSerializer(many=True)
    service_points_by_route_segment = RouteSegmentSerializer(many=True)


class DashboardViewSet(viewsets.GenericViewSet):
    """The figures of field operations: groups registered and active by field and province,
    approved camps by province and month, packages by campaign, service points by stretch
    of the route, and the totals (each counted once). Everyone reads."""

    serializer_class = DashboardSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=[DashboardQuerySerializer], responses=DashboardSerializer)
    def list(self, request):
        query = query_checked(DashboardQuerySerializer, request)
        groups = selectors.groups_by_field_and_province()
        figures = {
            "totals": selectors.fieldops_totals(),
            "groups_by_field": groups.by_field,
            "groups_by_province": groups.by_province,
            "camps_by_province_and_month": selectors.camps_by_province_and_month(
                year=query.get("year")
            ),
            "packages_by_campaign": selectors.packages_by_campaign(),
            "service_points_by_route_segment": selectors.service_points_by_route_segment(
                route=query["route"], segment_poles=query["segment_poles"]
            ),
        }
        return Response(DashboardSerializer(figures).data)


def register(router) -> None:
    router.register("volunteer-groups", VolunteerGroupViewSet, basename="volunteer-group")
    router.register("camps", CampViewSet, basename="camp")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("distributions", DistributionViewSet, basename="distribution")
    router.register("service-points", ServicePointViewSet, basename="service-point")
    router.register("fieldops-dashboard", DashboardViewSet, basename="fieldops-dashboard")
