"""The events app's REST API: thin serializers over the services, selectors and policies.

Everyone reads the calendar: occasions with their dates in a region, events,
their occurrences and outcomes, series and courses. Every write is a call to
``hamafza.events.services`` (or ``services_courses``); ``PolicyPermission``
asks the model's policy first (``add`` with the organizer named in the body,
``change`` on the row for updates and actions), and the service asks again.
A service's ValidationError is a 400 with field errors in the caller's
language; a refused or invalid write changes nothing.

Times are ISO 8601 with their zone (``2025-12-05T18:00:00+03:30``); a time
without a zone is refused, since it could mean any hour. Lists read their
query through a serializer (``*QuerySerializer``): a bad filter is a 400
naming the parameter, never a 500. Choice values are sent as plain strings
with a translated ``*_label`` beside them.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hamafza.core.api import (
    IdLookupMixin,
    StrictInputMixin,
    date_field,
    date_in_range,
    names_field,
    parent_from,
    query_checked,
)
from hamafza.core.models import City, Country, Language, LunarRegion, Province
from hamafza.core.params import ID_MAX
from hamafza.core.permissions import PolicyPermission
from hamafza.core.preferences import lunar_region_default
from hamafza.directory.models import Organization, Person, Role
from hamafza.directory.policies import organization_ids_with_role
from hamafza.followups.selectors import followups_of

from . import selectors, selectors_courses, services, services_courses
from .certificates import certificate_pdf
from .models import (
    Audience,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    Occasion,
    OccasionDate,
    OccasionKind,
    Occurrence,
    Recurrence,
)
from .policies import (
    course_policy,
    enrolment_policy,
    event_policy,
    occasion_policy,
    series_policy,
)

# Times typed into the API: within these, so that calendar arithmetic stays in range.
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2299, 12, 31, tzinfo=datetime.UTC)
# The longest window an occurrence list may cover, and the one it covers by default.
WINDOW_MAX_DAYS = 400
WINDOW_DEFAULT_DAYS = 31
# The most outcomes recorded in one request.
OUTCOMES_MAX = 200


# --- input --------------------------------------------------------------------------------


class ZonedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its zone offset (or Z); a time without one is refused."""

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            raise serializers.ValidationError(
                _("Give the time with its zone, for example 2025-12-05T18:00:00+03:30.")
            )
        if not EARLIEST <= value <= LATEST:
            raise serializers.ValidationError(
                _("Enter a time between the years %(start)s and %(end)s.")
                % {"start": EARLIEST.year, "end": LATEST.year}
            )
        return super().enforce_timezone(value)


@extend_schema_field(
    {
        "type": "string",
        "description": "An ISO 8601 time with its zone, or a day (YYYY-MM-DD, in UTC).",
        "example": "2025-12-05T00:00:00+03:30",
    }
)
class WindowBoundField(serializers.Field):
    """A window's bound in a query string: a time with its zone, or a whole day (UTC)."""

    def __init__(self, *, end: bool = False, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = str(data).strip()
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return ZonedDateTimeField().run_validation(text)
        date_in_range(day)
        if self.end:
            day += datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)

    def to_representation(self, value):
        return value.isoformat()


def _name(obj) -> str:
    return obj.display_name() if obj is not None else ""


# --- windows and filters ------------------------------------------------------------------


class WindowQuerySerializer(serializers.Serializer):
    """``from`` and ``to``: the window a list covers (``from`` inclusive, ``to`` exclusive
    for times, inclusive for days)."""

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = WindowBoundField(
            required=False, help_text="Start of the window; by default now."
        )
        fields["to"] = WindowBoundField(
            end=True,
            required=False,
            help_text=f"End of the window; by default {WINDOW_DEFAULT_DAYS} days after its "
            f"start. At most {WINDOW_MAX_DAYS} days after it.",
        )
        return fields

    def validate(self, attrs):
        start = attrs.get("from") or timezone.now()
        end = attrs.get("to") or start + datetime.timedelta(days=WINDOW_DEFAULT_DAYS)
        if end <= start:
            raise serializers.ValidationError({"to": [_("The window ends before it starts.")]})
        if end - start > datetime.timedelta(days=WINDOW_MAX_DAYS):
            raise serializers.ValidationError(
                {"to": [_("A window covers at most %(days)s days.") % {"days": WINDOW_MAX_DAYS}]}
            )
        return {**attrs, "from": start, "to": end}


class OccurrenceFilterQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False, allow_blank=True)
    organizer = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The organizer's id."
    )
    country = serializers.CharField(
        required=False, allow_blank=True, max_length=2, help_text="ISO 3166-1 alpha-2 code."
    )
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="Language code."
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name, venue or speakers."
    )

    def filters(self, **extra) -> selectors.OccurrenceFilters:
        data = self.validated_data
        return selectors.OccurrenceFilters(
            organizer_id=data.get("organizer"),
            country_code=data.get("country", ""),
            language_code=data.get("language", ""),
            kind=data.get("kind", ""),
            q=data.get("q", ""),
            **extra,
        )


class OccurrenceQuerySerializer(OccurrenceFilterQuerySerializer, WindowQuerySerializer):
    cancelled = serializers.BooleanField(
        required=False, default=True, help_text="Include cancelled occurrences (by default yes)."
    )


class EventQuerySerializer(OccurrenceFilterQuerySerializer):
    status = serializers.ChoiceField(choices=EventStatus.choices, required=False, allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = WindowBoundField(
            required=False, help_text="Events that happen (an occurrence ends) after this."
        )
        fields["to"] = WindowBoundField(
            end=True,
            required=False,
            help_text="Events that happen (an occurrence starts) before this.",
        )
        return fields


def _events_happening(queryset, start, end):
    """Events with an occurrence overlapping [start, end) (one subquery)."""
    if start is None and end is None:
        return queryset
    occurrences = Occurrence.objects.all()
    if start is not None:
        occurrences = occurrences.filter(ends_at__gt=start)
    if end is not None:
        occurrences = occurrences.filter(starts_at__lt=end)
    return queryset.filter(pk__in=occurrences.values("event_id"))


# --- occasions ----------------------------------------------------------------------------


class OccasionDateSerializer(serializers.ModelSerializer):
    region = serializers.CharField(read_only=True, help_text="IR, IQ or UQ.")

    class Meta:
        model = OccasionDate
        fields = ["region", "hijri_year", "starts_on", "ends_on", "sequence"]
        read_only_fields = fields


class OccasionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:occasion-detail", lookup_field="slug")
    display_name = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    dates = serializers.SerializerMethodField()

    class Meta:
        model = Occasion
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "names",
            "display_name",
            "kind",
            "kind_label",
            "month",
            "day",
            "last_day",
            "eve",
            "length_days",
            "description",
            "is_active",
            "dates",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()

    @extend_schema_field(OccasionDateSerializer(many=True))
    def get_dates(self, obj):
        """Its dates in the region asked for (``?region=``), by Hijri year."""
        return OccasionDateSerializer(getattr(obj, "region_dates", []), many=True).data


class OccasionWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    names = names_field()
    kind = serializers.ChoiceField(choices=OccasionKind.choices)

    class Meta:
        model = Occasion
        fields = sorted(services.OCCASION_FIELDS)
        extra_kwargs = {"slug": {"validators": []}}  # the service's full_clean checks it


class OccasionQuerySerializer(serializers.Serializer):
    region = serializers.ChoiceField(
        choices=LunarRegion.choices,
        required=False,
        help_text="Whose observed month starts the dates follow; by default the language's.",
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)


@extend_schema_view(
    list=extend_schema(parameters=[OccasionQuerySerializer]),
    retrieve=extend_schema(parameters=[OccasionQuerySerializer]),
    create=extend_schema(request=OccasionWriteSerializer, responses={201: OccasionSerializer}),
    update=extend_schema(request=OccasionWriteSerializer, responses=OccasionSerializer),
    partial_update=extend_schema(request=OccasionWriteSerializer, responses=OccasionSerializer),
)
class OccasionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The yearly occasions of the lunar Hijri calendar, with their dates in a region.

    Everyone reads; network coordinators add and change occasions, and their
    dates are recomputed at once.
    """

    policy = occasion_policy
    queryset = Occasion.objects.none()
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = None
    filter_backends = []

    def _region(self) -> str:
        if self.request.method not in permissions.SAFE_METHODS:
            return lunar_region_default()
        return query_checked(OccasionQuerySerializer, self.request).get("region") or (
            lunar_region_default()
        )

    def _with_dates(self, queryset):
        dates = OccasionDate.objects.filter(region=self._region()).order_by("hijri_year")
        return queryset.prefetch_related(Prefetch("dates", queryset=dates, to_attr="region_dates"))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Occasion.objects.none()
        if self.action == "list":
            q = query_checked(OccasionQuerySerializer, self.request).get("q", "")
            return self._with_dates(selectors.occasion_list(q=q))
        return self._with_dates(selectors.occasion_list(active_only=False))

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return OccasionWriteSerializer
        return OccasionSerializer

    def _read(self, occasion, status_code=status.HTTP_200_OK) -> Response:
        occasion = self._with_dates(selectors.occasion_list(active_only=False)).get(pk=occasion.pk)
        data = OccasionSerializer(occasion, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        occasion = services.occasion_save(actor=request.user, **serializer.validated_data)
        return self._read(occasion, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        occasion = self.get_object()
        serializer = self.get_serializer(
            occasion, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        occasion = services.occasion_save(
            actor=request.user, occasion=occasion, **serializer.validated_data
        )
        return self._read(occasion)


# --- events -------------------------------------------------------------------------------


class EventListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail")
    display_name = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    organizer_name = serializers.SerializerMethodField()
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recurrence = serializers.CharField(read_only=True)
    recurrence_label = serializers.CharField(source="get_recurrence_display", read_only=True)
    lunar_region = serializers.CharField(read_only=True)
    page = serializers.SerializerMethodField()
    feed = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "name",
            "names",
            "display_name",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "organizer",
            "organizer_name",
            "language",
            "occasion",
            "series",
            "edition",
            "online",
            "venue",
            "country",
            "city",
            "latitude",
            "longitude",
            "starts_at",
            "ends_at",
            "all_day",
            "time_zone",
            "recurrence",
            "recurrence_label",
            "repeat_until",
            "lunar_region",
            "page",
            "feed",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()

    def get_organizer_name(self, obj) -> str:
        return _name(obj.organizer)

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_page(self, obj) -> str:
        """The event's page."""
        return self._absolute(reverse("events:detail", args=[obj.pk]))

    def get_feed(self, obj) -> str:
        """Its iCalendar feed (every occurrence), for calendar applications."""
        return self._absolute(reverse("events:feed-event", args=[obj.pk]))


class EventSerializer(EventListSerializer):
    """One event with its partners, place, rule and what hangs from it."""

    partners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city_name = serializers.SerializerMethodField()
    occasion_slug = serializers.SlugRelatedField(
        source="occasion", slug_field="slug", read_only=True
    )
    has_outcomes = serializers.BooleanField(read_only=True)
    course = serializers.SerializerMethodField()

    class Meta(EventListSerializer.Meta):
        fields = [
            *EventListSerializer.Meta.fields,
            "partners",
            "countries",
            "province",
            "city_name",
            "occasion_slug",
            "description",
            "speakers",
            "online_url",
            "broadcast",
            "hijri_month",
            "hijri_day",
            "has_outcomes",
            "course",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_city_name(self, obj) -> str:
        return _name(obj.city)

    def get_course(self, obj) -> str | None:
        """The course's address in the API, for a training course."""
        if not hasattr(obj, "course"):
            return None
        return self._absolute(reverse("api:course-detail", kwargs={"event": obj.pk}))


class EventWriteSerializer(StrictInputMixin, serializers.Serializer):
    """What schedules or changes an event; every rule is the service's."""

    name = serializers.CharField(max_length=300)
    names = names_field()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    organizer = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    partners = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False
    )
    countries = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), many=True, required=False
    )
    description = serializers.CharField(max_length=10000, allow_blank=True, required=False)
    speakers = serializers.CharField(max_length=500, allow_blank=True, required=False)
    language = serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), required=False, allow_null=True
    )
    occasion = serializers.SlugRelatedField(
        slug_field="slug", queryset=Occasion.objects.all(), required=False, allow_null=True
    )
    series = serializers.PrimaryKeyRelatedField(
        queryset=EventSeries.objects.all(), required=False, allow_null=True
    )
    edition = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, allow_null=True
    )
    online = serializers.BooleanField(required=False)
    online_url = serializers.URLField(max_length=200, allow_blank=True, required=False)
    venue = serializers.CharField(max_length=300, allow_blank=True, required=False)
    country = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), required=False, allow_null=True
    )
    province = serializers.SlugRelatedField(
        slug_field="code", queryset=Province.objects.all(), required=False, allow_null=True
    )
    city = serializers.PrimaryKeyRelatedField(
        queryset=City.objects.all(), required=False, allow_null=True
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    starts_at = ZonedDateTimeField()
    ends_at = ZonedDateTimeField()
    all_day = serializers.BooleanField(required=False)
    time_zone = serializers.CharField(
        max_length=60, required=False, help_text="Where it is held, e.g. Asia/Tehran."
    )
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, required=False)
    repeat_until = date_field(required=False, allow_null=True)
    lunar_region = serializers.ChoiceField(
        choices=LunarRegion.choices,
        required=False,
        help_text="Whose observed month starts a yearly Hijri date follows; by default the "
        "country's.",
    )


class OutcomeSerializer(serializers.Serializer):
    """A recommendation or decision: a follow-up (see /api/followups/{id}/)."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    owner_organization = serializers.IntegerField(source="owner_organization_id")
    owner_organization_name = serializers.SerializerMethodField()
    owner_person = serializers.IntegerField(source="owner_person_id", allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    overdue = serializers.BooleanField(help_text="Open, and due before today.")

    def get_owner_organization_name(self, obj) -> str:
        return _name(obj.owner_organization)


class OutcomeInputSerializer(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    owner_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    owner_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), allow_null=True, default=None
    )
    due_on = date_field(allow_null=True, default=None)


class OutcomesInputSerializer(StrictInputMixin, serializers.Serializer):
    outcomes = OutcomeInputSerializer(
        many=True,
        max_length=OUTCOMES_MAX,
        help_text="Numbered after those already recorded, in this order; all or none are kept.",
    )


class OccurrenceSerializer(serializers.ModelSerializer):
    """One time an event happens. ``key`` names it for good; ``sequence`` is raised each time
    it moves (as in the iCalendar feeds)."""

    event = serializers.IntegerField(source="event_id", read_only=True)
    display_name = serializers.SerializerMethodField()
    kind = serializers.CharField(source="event.kind", read_only=True)
    kind_label = serializers.CharField(source="event.get_kind_display", read_only=True)
    organizer = serializers.IntegerField(source="event.organizer_id", read_only=True)
    venue = serializers.CharField(source="event.venue", read_only=True)
    online = serializers.BooleanField(source="event.online", read_only=True)
    all_day = serializers.BooleanField(source="event.all_day", read_only=True)
    time_zone = serializers.CharField(source="event.time_zone", read_only=True)
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Occurrence
        fields = [
            "event",
            "key",
            "display_name",
            "kind",
            "kind_label",
            "organizer",
            "venue",
            "online",
            "all_day",
            "time_zone",
            "country",
            "language",
            "starts_at",
            "ends_at",
            "sequence",
            "cancelled",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.event.display_name()


def _occurrence_rows(queryset):
    """The occurrences' countries and languages joined (their codes are shown)."""
    return queryset.select_related("country", "language").only(
        "key",
        "starts_at",
        "ends_at",
        "sequence",
        "cancelled",
        "country__code",
        "language__code",
        *selectors.OCCURRENCE_EVENT_FIELDS,
    )


@extend_schema_view(
    list=extend_schema(parameters=[EventQuerySerializer]),
    create=extend_schema(request=EventWriteSerializer, responses={201: EventSerializer}),
    update=extend_schema(request=EventWriteSerializer, responses=EventSerializer),
    partial_update=extend_schema(request=EventWriteSerializer, responses=EventSerializer),
    cancel=extend_schema(request=None, responses=EventSerializer),
    occurrences=extend_schema(
        parameters=[WindowQuerySerializer], responses=OccurrenceSerializer(many=True)
    ),
)
class EventViewSet(IdLookupMixin, viewsets.ModelViewSet):
    """Gatherings, ceremonies, conferences, expert sessions, courses and congresses.

    Everyone reads. The organizer's editors schedule, change and cancel its
    events and record their outcomes; its owners delete an event that has
    nothing hanging from it. ``occurrences`` lists the times a repeating
    event happens; ``outcomes`` reads and records a conference's
    recommendations or a meeting's decisions (each a follow-up).
    """

    policy = event_policy
    policy_action = "change"
    queryset = Event.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        if self.action == "list":
            query = EventQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            data = query.validated_data
            queryset = selectors.event_list(filters=query.filters(), status=data.get("status", ""))
            return _events_happening(queryset, data.get("from"), data.get("to"))
        return selectors.event_detail_queryset()

    def get_serializer_class(self):
        if self.action == "list":
            return EventListSerializer
        if self.action in ("create", "update", "partial_update"):
            return EventWriteSerializer
        return EventSerializer

    def policy_parent(self, request):
        return parent_from(request, "organizer", Organization.objects.all())

    def _read(self, event, status_code=status.HTTP_200_OK) -> Response:
        event = selectors.event_get(pk=event.pk)
        data = EventSerializer(event, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_create(actor=request.user, **serializer.validated_data)
        return self._read(event, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        event = services.event_update(actor=request.user, event=event, **serializer.validated_data)
        return self._read(event)

    def perform_destroy(self, instance):
        services.event_delete(actor=self.request.user, event=instance)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the event: its occurrences stay, marked cancelled, so that subscribed
        calendars learn of it."""
        event = services.event_cancel(actor=request.user, event=self.get_object())
        return self._read(event)

    @action(detail=True)
    def occurrences(self, request, pk=None):
        """The times the event happens inside the window (``from``, ``to``)."""
        event = self.get_object()
        window = query_checked(WindowQuerySerializer, request)
        queryset = selectors.occurrences_between(window["from"], window["to"]).filter(
            event_id=event.pk
        )
        page = self.paginate_queryset(_occurrence_rows(queryset))
        return self.get_paginated_response(OccurrenceSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=OutcomeSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=OutcomesInputSerializer,
        responses={201: OutcomeSerializer(many=True)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def outcomes(self, request, pk=None):
        """GET: the recommendations or decisions recorded, in their numbered order.

        POST: record more (numbered after those already recorded); each becomes a
        follow-up with an owner and a due date. All or nothing."""
        event = self.get_object()
        if request.method == "POST":
            serializer = OutcomesInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            outcomes = [
                services.OutcomeInput(**outcome)
                for outcome in serializer.validated_data["outcomes"]
            ]
            services.event_outcomes_record(actor=request.user, event=event, outcomes=outcomes)
            data = OutcomeSerializer(followups_of(event), many=True).data
            return Response(data, status=status.HTTP_201_CREATED)
        return Response(OutcomeSerializer(followups_of(event), many=True).data)


@extend_schema_view(list=extend_schema(parameters=[OccurrenceQuerySerializer]))
class OccurrenceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every time an event happens, in a window (``from``, ``to``), earliest first: what
    calendars draw. Filter by organizer, country, language, kind or words."""

    queryset = Occurrence.objects.none()
    serializer_class = OccurrenceSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Occurrence.objects.none()
        query = OccurrenceQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = query.filters(include_cancelled=data["cancelled"])
        return _occurrence_rows(
            selectors.occurrences_between(data["from"], data["to"], filters=filters)
        )


# --- series -------------------------------------------------------------------------------


class EditionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail")
    display_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Event
        fields = ["id", "url", "edition", "display_name", "status", "starts_at", "ends_at"]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()


class SeriesSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:event-series-detail")
    display_name = serializers.SerializerMethodField()
    organizer_name = serializers.SerializerMethodField()

    class Meta:
        model = EventSeries
        fields = [
            "id",
            "url",
            "organizer",
            "organizer_name",
            "name",
            "names",
            "display_name",
            "description",
            "created_at",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()

    def get_organizer_name(self, obj) -> str:
        return _name(obj.organizer)


class SeriesDetailSerializer(SeriesSerializer):
    editions = serializers.SerializerMethodField()

    class Meta(SeriesSerializer.Meta):
        fields = [*SeriesSerializer.Meta.fields, "editions"]
        read_only_fields = fields

    @extend_schema_field(EditionSerializer(many=True))
    def get_editions(self, obj):
        """Its editions, by number."""
        return EditionSerializer(
            selectors.series_editions(obj), many=True, context=self.context
        ).data


class SeriesCreateSerializer(StrictInputMixin, serializers.Serializer):
    organizer = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    name = serializers.CharField(max_length=300)
    names = names_field()
    description = serializers.CharField(max_length=4000, allow_blank=True, default="")


class EditionOutcomesSerializer(serializers.Serializer):
    edition = EditionSerializer()
    outcomes = OutcomeSerializer(many=True)


class SeriesQuerySerializer(serializers.Serializer):
    organizer = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The organizer's id."
    )


class OpenOutcomesQuerySerializer(serializers.Serializer):
    before = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=32767,
        help_text="Only the editions before this one (as an edition's page shows them).",
    )


@extend_schema_view(
    list=extend_schema(parameters=[SeriesQuerySerializer]),
    create=extend_schema(request=SeriesCreateSerializer, responses={201: SeriesDetailSerializer}),
    open_outcomes=extend_schema(
        parameters=[OpenOutcomesQuerySerializer],
        responses=EditionOutcomesSerializer(many=True),
    ),
)
class SeriesViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Periodic events whose editions are numbered (the "8th periodic conference").

    ``open-outcomes`` shows which recommendations of the editions are still
    open. The organizer's editors start a series.
    """

    policy = series_policy
    queryset = EventSeries.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EventSeries.objects.none()
        queryset = EventSeries.objects.select_related("organizer").order_by("name", "id")
        if self.action == "list":
            organizer = query_checked(SeriesQuerySerializer, self.request).get("organizer")
            if organizer:
                queryset = queryset.filter(organizer_id=organizer)
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return SeriesSerializer
        if self.action == "create":
            return SeriesCreateSerializer
        return SeriesDetailSerializer

    def policy_parent(self, request):
        return parent_from(request, "organizer", Organization.objects.all())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        series = services.series_create(actor=request.user, **serializer.validated_data)
        series = selectors.series_get(pk=series.pk)
        data = SeriesDetailSerializer(series, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, url_path="open-outcomes", pagination_class=None)
    def open_outcomes(self, request, pk=None):
        """The recommendations of its editions still open, grouped by edition."""
        series = self.get_object()
        before = query_checked(OpenOutcomesQuerySerializer, request).get("before")
        groups = selectors.series_open_outcomes(series, before_edition=before)
        data = EditionOutcomesSerializer(
            [{"edition": edition, "outcomes": items} for edition, items in groups],
            many=True,
            context=self.get_serializer_context(),
        ).data
        return Response(data)


# --- courses ------------------------------------------------------------------------------


class CourseSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseSession
        fields = ["number", "topic", "starts_at", "ends_at"]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer):
    """A training course, named by its event's id."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:course-detail", lookup_field="event_id", lookup_url_kwarg="event"
    )
    event = serializers.IntegerField(source="event_id", read_only=True)
    display_name = serializers.SerializerMethodField()
    organizer = serializers.IntegerField(source="event.organizer_id", read_only=True)
    organizer_name = serializers.SerializerMethodField()
    status = serializers.CharField(source="event.status", read_only=True)
    starts_at = serializers.DateTimeField(source="event.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="event.ends_at", read_only=True)
    venue = serializers.CharField(source="event.venue", read_only=True)
    online = serializers.BooleanField(source="event.online", read_only=True)
    audience = serializers.CharField(read_only=True)
    audience_label = serializers.CharField(source="get_audience_display", read_only=True)
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "event",
            "url",
            "display_name",
            "organizer",
            "organizer_name",
            "status",
            "starts_at",
            "ends_at",
            "venue",
            "online",
            "audience",
            "audience_label",
            "capacity",
            "seats_taken",
            "seats_left",
            "enrolment_closes_on",
            "attendance_required",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.event.display_name()

    def get_organizer_name(self, obj) -> str:
        return _name(obj.event.organizer)


class CourseDetailSerializer(CourseSerializer):
    sessions = CourseSessionSerializer(many=True, read_only=True)

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "sessions"]
        read_only_fields = fields


class SessionInputSerializer(StrictInputMixin, serializers.Serializer):
    starts_at = ZonedDateTimeField()
    ends_at = ZonedDateTimeField()
    topic = serializers.CharField(max_length=300, allow_blank=True, default="")


COURSE_EVENT_FIELDS = [
    name
    for name in EventWriteSerializer._declared_fields
    if name not in ("kind", "recurrence", "repeat_until", "lunar_region")
]


class CourseUpdateSerializer(StrictInputMixin, serializers.Serializer):
    """A course's own fields and its event's."""

    capacity = serializers.IntegerField(min_value=1, max_value=100000)
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.GENERAL)
    enrolment_closes_on = date_field(required=False, allow_null=True)
    attendance_required = serializers.IntegerField(min_value=1, max_value=32767, default=1)

    def get_fields(self):
        fields = super().get_fields()
        event_fields = EventWriteSerializer().get_fields()
        for name in COURSE_EVENT_FIELDS:
            fields[name] = event_fields[name]
        return fields


class CourseCreateSerializer(CourseUpdateSerializer):
    sessions = SessionInputSerializer(
        many=True,
        required=False,
        max_length=services_courses.SESSIONS_MAX,
        help_text="Numbered from 1 in order of time.",
    )


class EnrolmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:enrolment-detail")
    course = serializers.IntegerField(source="course.event_id", read_only=True)
    course_name = serializers.SerializerMethodField()
    person_name = serializers.SerializerMethodField()
    organization_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "url",
            "course",
            "course_name",
            "person",
            "person_name",
            "organization",
            "organization_name",
            "status",
            "status_label",
            "note",
            "applied_at",
            "decided_at",
            "certificate_number",
            "certificate_issued_at",
            "certificate",
        ]
        read_only_fields = fields

    def get_course_name(self, obj) -> str:
        return obj.course.event.display_name()

    def get_person_name(self, obj) -> str:
        return _name(obj.person)

    def get_organization_name(self, obj) -> str:
        return _name(obj.organization)

    def get_certificate(self, obj) -> str | None:
        """The certificate (PDF), once issued."""
        if not obj.certificate_number:
            return None
        path = reverse("api:enrolment-certificate", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class CourseEnrolmentSerializer(EnrolmentSerializer):
    """An enrolment as its course lists it, with the sessions the person attended."""

    course = serializers.SerializerMethodField()
    course_name = serializers.SerializerMethodField()
    attended = serializers.IntegerField(source="attended_count", read_only=True)

    class Meta(EnrolmentSerializer.Meta):
        fields = [*EnrolmentSerializer.Meta.fields, "attended"]
        read_only_fields = fields

    def get_course(self, obj) -> int:
        return self.context["course"].event_id

    def get_course_name(self, obj) -> str:
        return self.context["course"].event.display_name()


class EnrolInputSerializer(StrictInputMixin, serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        allow_null=True,
        default=None,
        help_text="The organization that sends the person (its editors enrol its members); "
        "empty when people apply for themselves.",
    )
    note = serializers.CharField(max_length=500, allow_blank=True, default="")


class AttendanceInputSerializer(StrictInputMixin, serializers.Serializer):
    session = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="The session's number in the course."
    )
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        max_length=100000,
        help_text="The ids of the enrolments of people present; replaces what was recorded.",
    )


class AttendanceSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    present = serializers.IntegerField(help_text="How many were recorded present.")


class CloseSerializer(serializers.Serializer):
    issued = serializers.IntegerField(help_text="Certificates issued now.")


class CourseQuerySerializer(serializers.Serializer):
    audience = serializers.ChoiceField(choices=Audience.choices, required=False, allow_blank=True)
    organizer = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The organizer's id."
    )
    open = serializers.BooleanField(
        required=False, default=False, help_text="Only those with seats left."
    )


class EnrolmentQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=EnrolmentStatus.choices, required=False, allow_blank=True
    )


COURSE_LOOKUP = OpenApiParameter(
    "event", OpenApiTypes.INT, OpenApiParameter.PATH, description="The course's event id."
)


@extend_schema_view(
    list=extend_schema(parameters=[CourseQuerySerializer]),
    retrieve=extend_schema(parameters=[COURSE_LOOKUP]),
    create=extend_schema(request=CourseCreateSerializer, responses={201: CourseDetailSerializer}),
    update=extend_schema(
        parameters=[COURSE_LOOKUP],
        request=CourseUpdateSerializer,
        responses=CourseDetailSerializer,
    ),
    partial_update=extend_schema(
        parameters=[COURSE_LOOKUP],
        request=CourseUpdateSerializer,
        responses=CourseDetailSerializer,
    ),
    sessions=extend_schema(
        parameters=[COURSE_LOOKUP],
        request=SessionInputSerializer,
        responses={201: CourseDetailSerializer},
    ),
    enrol=extend_schema(
        parameters=[COURSE_LOOKUP],
        request=EnrolInputSerializer,
        responses={201: EnrolmentSerializer},
    ),
    enrolments=extend_schema(
        parameters=[COURSE_LOOKUP, EnrolmentQuerySerializer],
        responses=CourseEnrolmentSerializer(many=True),
    ),
    attendance=extend_schema(
        parameters=[COURSE_LOOKUP],
        request=AttendanceInputSerializer,
        responses=AttendanceSerializer,
    ),
    close=extend_schema(parameters=[COURSE_LOOKUP], request=None, responses=CloseSerializer),
)
class CourseViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Training courses, named by their event's id: sessions, seats, enrolment, attendance
    and certificates.

    Everyone reads the courses not yet over. The organizer's editors create
    and change a course, add sessions, record attendance and ``close`` it
    once it has ended (certificates are then issued). ``enrol`` enrols a
    person: an organization's editors send its members, and a signed-in
    person may apply for themself. ``enrolments`` lists a course's
    enrolments: all of them for its organizer, one's own (and one's
    organizations') for others.
    """

    policy = course_policy
    policy_action = "change"
    queryset = Course.objects.none()
    lookup_field = "event"
    lookup_url_kwarg = "event"
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        if self.action == "list":
            query = query_checked(CourseQuerySerializer, self.request)
            return selectors_courses.course_list(
                audience=query.get("audience", ""),
                organizer_id=query.get("organizer"),
                open_only=query["open"],
            )
        return Course.objects.select_related(*selectors_courses.COURSE_EVENT_RELATIONS)

    def get_serializer_class(self):
        if self.action == "list":
            return CourseSerializer
        if self.action == "create":
            return CourseCreateSerializer
        if self.action in ("update", "partial_update"):
            return CourseUpdateSerializer
        return CourseDetailSerializer

    def policy_parent(self, request):
        return parent_from(request, "organizer", Organization.objects.all())

    def _read(self, course, status_code=status.HTTP_200_OK) -> Response:
        course = selectors_courses.course_get(event_id=course.event_id)
        data = CourseDetailSerializer(course, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._read(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = services_courses.course_create(actor=request.user, **serializer.validated_data)
        return self._read(course, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        course = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        course = services_courses.course_update(
            actor=request.user, course=course, **serializer.validated_data
        )
        return self._read(course)

    @action(detail=True, methods=["post"])
    def sessions(self, request, event=None):
        """Add a session after the last one."""
        course = self.get_object()
        serializer = SessionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services_courses.course_session_add(
            actor=request.user, course=course, **serializer.validated_data
        )
        return self._read(course, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def enrol(self, request, event=None):
        """Enrol a person: sent by an organization, or applying for themself. The organizer
        then accepts (or, when the course is full, puts them on the waiting list)."""
        # Who may enrol whom depends on the body; the service asks the enrolment policy.
        course = self.get_object()
        serializer = EnrolInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services_courses.enrolment_apply(
            actor=request.user, course=course, **serializer.validated_data
        )
        enrolment = selectors_courses.enrolment_get(pk=enrolment.pk)
        data = EnrolmentSerializer(enrolment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, permission_classes=[permissions.IsAuthenticated])
    def enrolments(self, request, event=None):
        """The course's enrolments in order of application."""
        course = self.get_object()
        status_ = query_checked(EnrolmentQuerySerializer, request).get("status", "")
        queryset = selectors_courses.course_enrolments(course, status=status_)
        if not course_policy.allows(request.user, "change", course):
            viewer_of = organization_ids_with_role(request.user, Role.VIEWER)
            queryset = queryset.filter(
                Q(person__user_id=request.user.pk) | Q(organization_id__in=viewer_of)
            )
        page = self.paginate_queryset(queryset)
        context = {**self.get_serializer_context(), "course": course}
        return self.get_paginated_response(
            CourseEnrolmentSerializer(page, many=True, context=context).data
        )

    @action(detail=True, methods=["post"])
    def attendance(self, request, event=None):
        """Record who was present at a session (the list replaces what was recorded)."""
        course = self.get_object()
        serializer = AttendanceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        number = serializer.validated_data["session"]
        try:
            session = selectors_courses.course_session_get(event_id=course.event_id, number=number)
        except CourseSession.DoesNotExist:
            raise serializers.ValidationError(
                {"session": [_("The course has no session with this number.")]}
            ) from None
        present = services_courses.attendance_record(
            actor=request.user, session=session, present=serializer.validated_data["present"]
        )
        return Response(AttendanceSerializer({"session": number, "present": present}).data)

    @action(detail=True, methods=["post"])
    def close(self, request, event=None):
        """Close the ended course: those accepted who attended enough sessions are marked
        attended and get a certificate."""
        issued = services_courses.course_close(actor=request.user, course=self.get_object())
        return Response(CloseSerializer({"issued": issued}).data)


class DecideInputSerializer(StrictInputMixin, serializers.Serializer):
    note = serializers.CharField(
        max_length=500, allow_blank=True, default="", help_text="Why (shown to the person)."
    )


class CertificateQuerySerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=[("fa", "fa"), ("ar", "ar"), ("en", "en")],
        required=False,
        help_text="The certificate's language; by default the request's.",
    )


@extend_schema_view(
    list=extend_schema(parameters=[EnrolmentQuerySerializer]),
    accept=extend_schema(request=None, responses=EnrolmentSerializer),
    decline=extend_schema(request=DecideInputSerializer, responses=EnrolmentSerializer),
    withdraw=extend_schema(request=None, responses=EnrolmentSerializer),
    certificate=extend_schema(
        operation_id="enrolments_certificate",
        parameters=[CertificateQuerySerializer],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The certificate of attendance."
            )
        },
    ),
)
class EnrolmentViewSet(
    IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Enrolments in courses, for those signed in: one's own and those of the organizations
    one edits (the list), or any one may see (the person, the sending organization's staff,
    the course's organizer).

    The organizer ``accept``s (a seat, or the waiting list when full) and
    ``decline``s; the person, the sending organization's editors or the
    organizer ``withdraw`` (a freed seat goes to the first on the waiting
    list). ``certificate`` is the PDF once the course is closed.
    """

    policy = enrolment_policy
    policy_action = "change"
    permission_classes = [permissions.IsAuthenticated, PolicyPermission]
    queryset = Enrolment.objects.none()
    serializer_class = EnrolmentSerializer
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        if self.action == "list":
            queryset = selectors_courses.enrolments_mine(self.request.user)
            status_ = query_checked(EnrolmentQuerySerializer, self.request).get("status", "")
            return queryset.filter(status=status_) if status_ else queryset
        return Enrolment.objects.select_related(
            "person", "organization", "course", "course__event", "course__event__organizer"
        )

    def _read(self, enrolment) -> Response:
        enrolment = selectors_courses.enrolment_get(pk=enrolment.pk)
        return Response(EnrolmentSerializer(enrolment, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Give the person a seat, or a place on the waiting list when the course is full."""
        enrolment = services_courses.enrolment_accept(
            actor=request.user, enrolment=self.get_object()
        )
        return self._read(enrolment)

    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Turn the application down (or take a seat back)."""
        serializer = DecideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services_courses.enrolment_decline(
            actor=request.user, enrolment=self.get_object(), **serializer.validated_data
        )
        return self._read(enrolment)

    # The person and the sending organization's editors withdraw too: the service asks.
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def withdraw(self, request, pk=None):
        """Withdraw from the course; a freed seat goes to the first on the waiting list."""
        enrolment = services_courses.enrolment_withdraw(
            actor=request.user, enrolment=self.get_object()
        )
        return self._read(enrolment)

    @action(detail=True, url_path="certificate.pdf")
    def certificate(self, request, pk=None):
        """The certificate of attendance as a PDF."""
        enrolment = self.get_object()
        language = query_checked(CertificateQuerySerializer, request).get("language") or (
            translation.get_language()
        )
        pdf = certificate_pdf(enrolment=enrolment, language=language)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="certificate-{enrolment.certificate_number}.pdf"'
        )
        return response


def register(router) -> None:
    router.register("occasions", OccasionViewSet, basename="occasion")
    router.register("events", EventViewSet, basename="event")
    router.register("occurrences", OccurrenceViewSet, basename="occurrence")
    router.register("event-series", SeriesViewSet, basename="event-series")
    router.register("courses", CourseViewSet, basename="course")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
