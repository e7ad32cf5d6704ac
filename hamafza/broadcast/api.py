"""The broadcast app's REST API: thin serializers over the services and the policies.

Every write goes through ``hamafza.broadcast.services`` and is asked of the
model's policy by ``PolicyPermission``: ``add`` with the parent named in the
body (the organization of a new channel, the channel of a new key or
broadcast), ``change`` and ``delete`` on the row. Serializers parse input
and render output; they hold no rules. Rows on members-only channels are
invisible (404) to those who may not watch them.
"""

from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hamafza.core.api import StrictInputMixin, parent_from
from hamafza.core.models import Language, validate_names
from hamafza.core.params import ID_MAX
from hamafza.core.permissions import is_coordinator
from hamafza.directory.models import Organization, OrganizationKind, Role
from hamafza.directory.policies import organization_ids_with_role

from . import delivery, selectors, services
from .models import (
    ArchiveItem,
    ArchiveStatus,
    Broadcast,
    BroadcastStatus,
    Channel,
    IngestEvent,
    StreamKey,
    Visibility,
)
from .policies import broadcast_policy, channel_policy, stream_key_policy

# --- what the policies mean for whole querysets -------------------------------------------


def _watchable(queryset, user, channel: str = ""):
    """Rows on channels ``user`` may watch: the queryset form of ``policies.may_watch``."""
    if is_coordinator(user):
        return queryset
    prefix = f"{channel}__" if channel else ""
    return queryset.filter(
        Q(**{f"{prefix}visibility": Visibility.PUBLIC})
        | Q(**{f"{prefix}organization_id__in": organization_ids_with_role(user, Role.VIEWER)})
    )


def _managed(queryset, user, channel: str = "channel"):
    """Rows on channels ``user`` manages: the queryset form of ``channel_policy.can_manage``."""
    if is_coordinator(user):
        return queryset
    role = stream_key_policy.change_role
    return queryset.filter(
        **{f"{channel}__organization_id__in": organization_ids_with_role(user, role)}
    )


# --- delivery URLs ------------------------------------------------------------------------


def _base_of(context) -> str:
    """The viewer's delivery base, worked out once per response."""
    if "delivery_base" not in context:
        request = context.get("request")
        context["delivery_base"] = delivery.delivery_base(request) if request else ""
    return context["delivery_base"]


# --- input --------------------------------------------------------------------------------


def _names_field():
    return serializers.JSONField(required=False, validators=[validate_names])


def _language_field():
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), required=False, allow_null=True
    )


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A row id: a whole number (Persian and Arabic-Indic digits too), else a 400.

    A number no row can have (beyond the databases' range) matches nothing."""

    field_class = forms.IntegerField

    def filter(self, queryset, value):
        if value is not None and not 0 < value <= ID_MAX:
            return queryset.none()
        return super().filter(queryset, value)


def _days(value) -> tuple[datetime | None, datetime | None]:
    """A ``DateFromToRangeFilter`` slice: from the first day's start to the last day's end,
    in the current time zone. The calendar's first and last days mean "no bound"."""
    start = value.start if value and value.start else None
    stop = value.stop if value and value.stop else None
    if start is not None and start.date() <= date.min + timedelta(days=1):
        start = None
    if stop is not None and stop.date() >= date.max - timedelta(days=1):
        stop = None
    return start, stop


def _between(field: str, start, stop) -> Q:
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    if stop is not None:
        condition &= Q(**{f"{field}__lte": stop})
    return condition


def _speaks(language: str, prefix: str = "") -> Q:
    """As on the pages: a broadcast without a language of its own speaks its channel's."""
    return Q(**{f"{prefix}language__code": language}) | Q(
        **{f"{prefix}language__isnull": True, f"{prefix}channel__language__code": language}
    )


def _country(queryset, path: str, value: str):
    return queryset.filter(**{path: value.strip().upper()})


# --- channels -----------------------------------------------------------------------------


class ChannelSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:channel-detail")
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id",
            "url",
            "organization",
            "slug",
            "name",
            "names",
            "display_name",
            "description",
            "visibility",
            "language",
            "is_active",
            "stream_name",
            "created_at",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()


class ChannelCreateSerializer(StrictInputMixin, serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    names = _names_field()
    language = _language_field()

    class Meta:
        model = Channel
        fields = ["organization", "slug", "name", "names", "description", "visibility", "language"]
        validators = []  # the service's full_clean checks the slug is unique in the organization


class ChannelUpdateSerializer(StrictInputMixin, serializers.ModelSerializer):
    names = _names_field()
    language = _language_field()

    class Meta:
        model = Channel
        fields = ["slug", "name", "names", "description", "visibility", "language", "is_active"]
        validators = []


class IngestEventSerializer(serializers.ModelSerializer):
    reason_text = serializers.SerializerMethodField()

    class Meta:
        model = IngestEvent
        fields = [
            "id",
            "at",
            "channel",
            "broadcast",
            "outcome",
            "reason",
            "reason_text",
            "detail",
            "key_prefix",
            "address",
        ]
        read_only_fields = fields

    def get_reason_text(self, obj) -> str:
        return services.reason_text(obj.reason) if obj.reason else ""


class ChannelFilter(filters.FilterSet):
    organization = IdFilter(field_name="organization_id")
    country = filters.CharFilter(method="filter_country", help_text="ISO 3166-1 alpha-2 code.")
    language = filters.CharFilter(field_name="language__code", help_text="Language code.")
    visibility = filters.ChoiceFilter(choices=Visibility.choices)

    class Meta:
        model = Channel
        fields = ["organization", "country", "language", "visibility"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(organization__country__code=value.strip().upper())


@extend_schema_view(
    create=extend_schema(request=ChannelCreateSerializer, responses={201: ChannelSerializer}),
    update=extend_schema(request=ChannelUpdateSerializer, responses=ChannelSerializer),
    partial_update=extend_schema(request=ChannelUpdateSerializer, responses=ChannelSerializer),
)
class ChannelViewSet(viewsets.ModelViewSet):
    """Channels organizations broadcast on.

    Anyone reads public channels; members-only channels are seen by the
    organization's members. Editors create and change channels; owners delete.
    """

    policy = channel_policy
    queryset = Channel.objects.none()
    filterset_class = ChannelFilter

    def get_queryset(self):
        queryset = Channel.objects.select_related("language")
        return _watchable(queryset, self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return ChannelCreateSerializer
        if self.action in ("update", "partial_update"):
            return ChannelUpdateSerializer
        return ChannelSerializer

    def policy_parent(self, request):
        return parent_from(request, "organization", Organization.objects.all())

    def _read(self, channel) -> dict:
        channel = self.get_queryset().get(pk=channel.pk)
        return ChannelSerializer(channel, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = services.channel_create(actor=request.user, **serializer.validated_data)
        return Response(self._read(channel), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        channel = self.get_object()
        serializer = self.get_serializer(
            channel, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        channel = services.channel_update(
            actor=request.user, channel=channel, **serializer.validated_data
        )
        return Response(self._read(channel))

    def perform_destroy(self, instance):
        services.channel_delete(actor=self.request.user, channel=instance)

    @extend_schema(responses=IngestEventSerializer(many=True))
    @action(detail=True, url_path="ingest-events", filter_backends=[])
    def ingest_events(self, request, pk=None):
        """What the ingest asked about this channel and what it was told, newest first.

        For the channel's staff only."""
        channel = self.get_object()
        if not channel_policy.can_manage(request.user, channel):
            raise exceptions.PermissionDenied(_("You do not have permission to do this."))
        page = self.paginate_queryset(IngestEvent.objects.filter(channel=channel))
        return self.get_paginated_response(IngestEventSerializer(page, many=True).data)


# --- stream keys --------------------------------------------------------------------------


class StreamKeySerializer(serializers.ModelSerializer):
    """A key as staff see it: never the secret, never its hash."""

    url = serializers.HyperlinkedIdentityField(view_name="api:stream-key-detail")
    usable = serializers.SerializerMethodField()

    class Meta:
        model = StreamKey
        fields = [
            "id",
            "url",
            "channel",
            "label",
            "prefix",
            "broadcast",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "created_at",
            "usable",
        ]
        read_only_fields = fields

    def get_usable(self, obj) -> bool:
        return obj.is_usable()


class StreamKeyIssuedSerializer(StreamKeySerializer):
    """A key just made: its secret, shown this once, and where an encoder publishes with it."""

    secret = serializers.SerializerMethodField()
    server = serializers.SerializerMethodField()
    stream_name = serializers.SerializerMethodField()

    class Meta(StreamKeySerializer.Meta):
        fields = [*StreamKeySerializer.Meta.fields, "secret", "server", "stream_name"]
        read_only_fields = fields

    def get_secret(self, obj) -> str:
        return self.context["secret"]

    def get_server(self, obj) -> str:
        return services.publish_address(obj.channel)[0]

    def get_stream_name(self, obj) -> str:
        """What the encoder's stream name (or key) field takes: ``c<channel>?key=<secret>``."""
        return f"{services.publish_address(obj.channel)[1]}?key={self.context['secret']}"


class StreamKeyCreateSerializer(StrictInputMixin, serializers.ModelSerializer):
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.all())
    broadcast = serializers.PrimaryKeyRelatedField(
        queryset=Broadcast.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = StreamKey
        fields = ["channel", "label", "broadcast", "expires_at"]


class StreamKeyFilter(filters.FilterSet):
    channel = IdFilter(field_name="channel_id")
    usable = filters.BooleanFilter(method="filter_usable", help_text="Not revoked nor expired.")

    class Meta:
        model = StreamKey
        fields = ["channel", "usable"]

    def filter_usable(self, queryset, name, value):
        usable = Q(revoked_at__isnull=True) & (
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
        return queryset.filter(usable) if value else queryset.exclude(usable)


@extend_schema_view(
    create=extend_schema(
        request=StreamKeyCreateSerializer, responses={201: StreamKeyIssuedSerializer}
    ),
    rotate=extend_schema(request=None, responses={201: StreamKeyIssuedSerializer}),
    revoke=extend_schema(request=None, responses=StreamKeySerializer),
)
class StreamKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Stream keys, for the staff of their channel only.

    Only a key's first characters (``prefix``) are kept in the clear; its
    secret is returned once, by ``create`` and ``rotate``, and cannot be read
    again. Filter by ``channel``.
    """

    policy = stream_key_policy
    queryset = StreamKey.objects.none()
    filterset_class = StreamKeyFilter

    def get_queryset(self):
        return _managed(StreamKey.objects.all(), self.request.user)

    def get_serializer_class(self):
        return StreamKeyCreateSerializer if self.action == "create" else StreamKeySerializer

    def policy_parent(self, request):
        return parent_from(request, "channel", Channel.objects.all())

    def _issued(self, key, secret: str) -> Response:
        context = {**self.get_serializer_context(), "secret": secret}
        data = StreamKeyIssuedSerializer(key, context=context).data
        # The secret is in this answer alone: no cache may keep it.
        return Response(data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, secret = services.stream_key_create(actor=request.user, **serializer.validated_data)
        return self._issued(key, secret)

    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        """Revoke this key and make its replacement (same label, broadcast and expiry)."""
        key, secret = services.stream_key_rotate(actor=request.user, key=self.get_object())
        return self._issued(key, secret)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke this key for good. A broadcast live with it goes on until its encoder stops."""
        key = services.stream_key_revoke(actor=request.user, key=self.get_object())
        return Response(StreamKeySerializer(key, context=self.get_serializer_context()).data)


# --- broadcasts ---------------------------------------------------------------------------


class PlaybackSerializer(serializers.Serializer):
    video = serializers.CharField(
        allow_null=True, help_text="Master playlist of the video renditions (hls.js)."
    )
    audio = serializers.CharField(help_text="Audio-only playlist.")
    all = serializers.CharField(help_text="Master playlist of every rendition.")


class BroadcastSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:broadcast-detail")
    organization = serializers.IntegerField(source="channel.organization_id", read_only=True)
    channel_name = serializers.SerializerMethodField()
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    display_title = serializers.SerializerMethodField()
    playback = serializers.SerializerMethodField()
    archive = serializers.SerializerMethodField()
    refusal = serializers.SerializerMethodField()

    class Meta:
        model = Broadcast
        fields = [
            "id",
            "url",
            "channel",
            "channel_name",
            "organization",
            "title",
            "titles",
            "display_title",
            "speaker",
            "occasion",
            "description",
            "language",
            "status",
            "scheduled_start",
            "started_at",
            "ended_at",
            "has_video",
            "viewers_current",
            "viewers_peak",
            "viewers_total",
            "playback",
            "archive",
            "refusal",
            "created_at",
        ]
        read_only_fields = fields

    def get_channel_name(self, obj) -> str:
        return obj.channel.display_name()

    def get_display_title(self, obj) -> str:
        return obj.display_title()

    @extend_schema_field(PlaybackSerializer(allow_null=True))
    def get_playback(self, obj):
        """Where to play a live broadcast from (the viewer's delivery base); null otherwise."""
        if obj.status != BroadcastStatus.LIVE:
            return None
        playlists = delivery.live_playlists(_base_of(self.context), obj)
        return {
            "video": playlists.video if obj.has_video else None,
            "audio": playlists.audio,
            "all": playlists.native,
        }

    def get_archive(self, obj) -> int | None:
        """The archive item's id, once it is ready (the queryset joins it)."""
        item = getattr(obj, "archive", None)
        return item.pk if item is not None and item.status == ArchiveStatus.READY else None

    def get_refusal(self, obj) -> str:
        """Why the ingest last refused the stream; for the channel's staff only."""
        request = self.context.get("request")
        if request is None or not broadcast_policy.can_change(request.user, obj):
            return ""
        return obj.refusal


class BroadcastUpdateSerializer(StrictInputMixin, serializers.ModelSerializer):
    titles = _names_field()
    language = _language_field()

    class Meta:
        model = Broadcast
        fields = [
            "title",
            "titles",
            "speaker",
            "occasion",
            "description",
            "language",
            "scheduled_start",
        ]


class BroadcastCreateSerializer(BroadcastUpdateSerializer):
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.all())

    class Meta(BroadcastUpdateSerializer.Meta):
        fields = ["channel", *BroadcastUpdateSerializer.Meta.fields]


class BroadcastFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        help_text="Every word in the title, speaker, occasion or organization's name; "
        "any spelling.",
    )
    status = filters.ChoiceFilter(choices=BroadcastStatus.choices)
    channel = IdFilter(field_name="channel_id")
    organization = IdFilter(field_name="channel__organization_id")
    country = filters.CharFilter(
        method="filter_country", help_text="The organization's country (ISO 3166-1 alpha-2)."
    )
    language = filters.CharFilter(
        method="filter_language", help_text="Language code (the channel's, if it has none)."
    )
    kind = filters.ChoiceFilter(
        field_name="channel__organization__kind",
        choices=OrganizationKind.choices,
        help_text="The organization's kind.",
    )
    live = filters.BooleanFilter(method="filter_live", help_text="Live now.")
    upcoming = filters.BooleanFilter(
        method="filter_upcoming",
        help_text="Scheduled and not yet started (up to an hour late); soonest first.",
    )
    date = filters.DateFromToRangeFilter(
        method="filter_date",
        help_text="Days (inclusive) on which it started, or, if it has not, is scheduled.",
    )

    class Meta:
        model = Broadcast
        fields = ["q", "status", "channel", "organization", "country", "language", "kind"]

    def filter_q(self, queryset, name, value):
        return selectors.broadcasts_searched(queryset, value)

    def filter_country(self, queryset, name, value):
        return _country(queryset, "channel__organization__country__code", value)

    def filter_language(self, queryset, name, value):
        return queryset.filter(_speaks(value))

    def filter_live(self, queryset, name, value):
        live = Q(status=BroadcastStatus.LIVE)
        return queryset.filter(live) if value else queryset.exclude(live)

    def filter_upcoming(self, queryset, name, value):
        upcoming = Q(
            status=BroadcastStatus.SCHEDULED,
            scheduled_start__gte=timezone.now() - selectors.UPCOMING_GRACE,
        )
        if not value:
            return queryset.exclude(upcoming)
        return queryset.filter(upcoming).order_by("scheduled_start", "id")

    def filter_date(self, queryset, name, value):
        start, stop = _days(value)
        started = Q(started_at__isnull=False) & _between("started_at", start, stop)
        scheduled = Q(started_at__isnull=True) & _between("scheduled_start", start, stop)
        return queryset.filter(started | scheduled)


class HeartbeatSerializer(StrictInputMixin, serializers.Serializer):
    viewer = serializers.CharField(
        max_length=64, help_text="The player's own random id: 8 to 32 hexadecimal digits."
    )


class ViewerCountsSerializer(serializers.Serializer):
    viewers = serializers.IntegerField(help_text="Watching now.")
    total = serializers.IntegerField(help_text="Viewers of this broadcast in all.")
    interval_seconds = serializers.IntegerField(help_text="Send the next heartbeat after this.")


class WatchPermission(permissions.BasePermission):
    """For what viewers do (heartbeats): anyone the policy lets watch, signed in or not."""

    def has_object_permission(self, request, view, obj) -> bool:
        return view.policy.can_view(request.user, obj)


@extend_schema_view(
    create=extend_schema(
        summary="Schedule a broadcast",
        request=BroadcastCreateSerializer,
        responses={201: BroadcastSerializer},
    ),
    update=extend_schema(request=BroadcastUpdateSerializer, responses=BroadcastSerializer),
    partial_update=extend_schema(request=BroadcastUpdateSerializer, responses=BroadcastSerializer),
    cancel=extend_schema(request=None, responses=BroadcastSerializer),
    heartbeat=extend_schema(request=HeartbeatSerializer, responses=ViewerCountsSerializer),
)
class BroadcastViewSet(viewsets.ModelViewSet):
    """Broadcasts: scheduled, live, ended, archived or cancelled.

    Anyone reads those on public channels; members-only channels' broadcasts
    are seen by the organization's members. A live broadcast carries its
    playback URLs. The channel's editors schedule, change and cancel; owners
    delete.
    """

    policy = broadcast_policy
    queryset = Broadcast.objects.none()
    filterset_class = BroadcastFilter

    def get_queryset(self):
        queryset = Broadcast.objects.select_related("channel", "language", "archive")
        return queryset.filter(selectors.watchable(self.request.user))

    def get_serializer_class(self):
        if self.action == "create":
            return BroadcastCreateSerializer
        if self.action in ("update", "partial_update"):
            return BroadcastUpdateSerializer
        return BroadcastSerializer

    def policy_parent(self, request):
        return parent_from(request, "channel", Channel.objects.all())

    def _read(self, broadcast) -> dict:
        broadcast = self.get_queryset().get(pk=broadcast.pk)
        return BroadcastSerializer(broadcast, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        broadcast = services.broadcast_schedule(actor=request.user, **serializer.validated_data)
        return Response(self._read(broadcast), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        broadcast = self.get_object()
        serializer = self.get_serializer(
            broadcast, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        broadcast = services.broadcast_update(
            actor=request.user, broadcast=broadcast, **serializer.validated_data
        )
        return Response(self._read(broadcast))

    def perform_destroy(self, instance):
        services.broadcast_delete(actor=self.request.user, broadcast=instance)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a broadcast that has not started."""
        broadcast = services.broadcast_cancel(actor=request.user, broadcast=self.get_object())
        return Response(self._read(broadcast))

    @action(detail=True, methods=["post"], permission_classes=[WatchPermission])
    def heartbeat(self, request, pk=None):
        """A player's "still watching", every ``interval_seconds`` while a live broadcast plays.

        Anyone who may watch the broadcast, signed in or not. A broadcast that
        is not live, or a malformed viewer id, is a 400."""
        broadcast = self.get_object()
        serializer = HeartbeatSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counts = services.viewer_heartbeat(
            broadcast=broadcast, viewer=serializer.validated_data["viewer"]
        )
        data = {
            "viewers": counts.current,
            "total": counts.total,
            "interval_seconds": settings.HAMAFZA_HEARTBEAT_SECONDS,
        }
        return Response(ViewerCountsSerializer(data).data)


# --- the archive --------------------------------------------------------------------------


class ArchiveBroadcastSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="channel.organization_id", read_only=True)
    channel_name = serializers.SerializerMethodField()
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    display_title = serializers.SerializerMethodField()

    class Meta:
        model = Broadcast
        fields = [
            "id",
            "channel",
            "channel_name",
            "organization",
            "title",
            "titles",
            "display_title",
            "speaker",
            "occasion",
            "description",
            "language",
            "started_at",
            "ended_at",
            "viewers_peak",
            "viewers_total",
        ]
        read_only_fields = fields

    def get_channel_name(self, obj) -> str:
        return obj.channel.display_name()

    def get_display_title(self, obj) -> str:
        return obj.display_title()


class ArchiveItemSerializer(serializers.ModelSerializer):
    """A ready archive item with the URLs of its files (from the viewer's delivery base)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:archive-item-detail")
    broadcast = ArchiveBroadcastSerializer(read_only=True)
    video_url = serializers.SerializerMethodField()
    audio_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    waveform_url = serializers.SerializerMethodField()

    class Meta:
        model = ArchiveItem
        fields = [
            "id",
            "url",
            "broadcast",
            "video_url",
            "audio_url",
            "thumbnail_url",
            "waveform_url",
            "duration_seconds",
            "size_bytes",
            "plays",
            "ready_at",
        ]
        read_only_fields = fields

    def _file(self, relative: str) -> str | None:
        return delivery.archive_url(_base_of(self.context), relative) or None

    def get_video_url(self, obj) -> str | None:
        """Faststart MP4; null for a broadcast that had no video."""
        return self._file(obj.video_path)

    def get_audio_url(self, obj) -> str | None:
        return self._file(obj.audio_path)

    def get_thumbnail_url(self, obj) -> str | None:
        return self._file(obj.thumbnail_path)

    def get_waveform_url(self, obj) -> str | None:
        return self._file(obj.waveform_path)


class ArchiveFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        help_text="Every word in the title, speaker, occasion or organization's name; "
        "any spelling.",
    )
    channel = IdFilter(field_name="broadcast__channel_id")
    organization = IdFilter(field_name="broadcast__channel__organization_id")
    country = filters.CharFilter(
        method="filter_country", help_text="The organization's country (ISO 3166-1 alpha-2)."
    )
    language = filters.CharFilter(
        method="filter_language", help_text="Language code (the channel's, if it has none)."
    )
    date = filters.DateFromToRangeFilter(
        method="filter_date", help_text="Days (inclusive) on which the broadcast started."
    )

    class Meta:
        model = ArchiveItem
        fields = ["q", "channel", "organization", "country", "language"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            broadcast__in=selectors.broadcasts_searched(Broadcast.objects.all(), value).values("pk")
        )

    def filter_country(self, queryset, name, value):
        return _country(queryset, "broadcast__channel__organization__country__code", value)

    def filter_language(self, queryset, name, value):
        return queryset.filter(_speaks(value, "broadcast__"))

    def filter_date(self, queryset, name, value):
        return queryset.filter(_between("broadcast__started_at", *_days(value)))


class ArchiveItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The archive: recordings of past broadcasts that are ready to play, newest first."""

    policy = broadcast_policy
    queryset = ArchiveItem.objects.none()
    serializer_class = ArchiveItemSerializer
    filterset_class = ArchiveFilter

    def get_queryset(self):
        queryset = ArchiveItem.objects.filter(status=ArchiveStatus.READY).select_related(
            "broadcast__channel", "broadcast__language"
        )
        return _watchable(queryset, self.request.user, "broadcast__channel")

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj.broadcast)


def register(router) -> None:
    router.register("channels", ChannelViewSet, basename="channel")
    router.register("stream-keys", StreamKeyViewSet, basename="stream-key")
    router.register("broadcasts", BroadcastViewSet, basename="broadcast")
    router.register("archive", ArchiveItemViewSet, basename="archive-item")
