"""The API of the quarterly guides (``/api/guides/``): thin over ``selectors_guides`` and
``services_guides``.

Everyone lists and reads the published guides; the editorial committee (coordinators) sees
every guide (a guide the caller may not see is "not found"). The committee makes a guide for
a quarter (``calendar``, ``year``, ``quarter``, ``language``), writes its ``introduction``
(``PATCH``), asks for a proof (``render``), ``approve``s it and ``publish``es it; a draft is
deleted. ``render`` and ``publish`` run in the background once the request commits: they
answer 202 with the guide as it stands. ``PolicyPermission`` asks ``GuidePolicy`` first and
the services ask again; their refusals are 400s with messages in the caller's language, and
a refused write changes nothing. ``pdf`` is the address of the PDF (the published guide's,
or the committee's latest proof), or null.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hamafza.core.api import IdLookupMixin, StrictInputMixin
from hamafza.core.permissions import is_coordinator
from hamafza.core.preferences import language_base

from . import selectors_guides, services_guides
from .guide import YEARS, quarter_title
from .models import Guide, GuideCalendar
from .services_guides import guide_policy

YEAR_MIN = min(first for first, _last in YEARS.values())
YEAR_MAX = max(last for _first, last in YEARS.values())


class GuideSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:guide-detail")
    title = serializers.SerializerMethodField()
    calendar_label = serializers.CharField(source="get_calendar_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Guide
        fields = [
            "id",
            "url",
            "title",
            "calendar",
            "calendar_label",
            "year",
            "quarter",
            "language",
            "starts_on",
            "ends_on",
            "introduction",
            "status",
            "status_label",
            "rendered_at",
            "render_error",
            "approved_at",
            "published_at",
            "pdf",
        ]
        read_only_fields = fields

    def get_title(self, guide: Guide) -> str:
        return quarter_title(
            calendar=guide.calendar,
            year=guide.year,
            quarter=guide.quarter,
            language=language_base(),
        )

    def get_pdf(self, guide: Guide) -> str | None:
        if not guide.pdf:
            return None
        request = self.context.get("request")
        path = reverse("publishing:guide-download", args=[guide.pk])
        return request.build_absolute_uri(path) if request else path

    def to_representation(self, guide):
        data = super().to_representation(guide)
        request = self.context.get("request")
        if not is_coordinator(getattr(request, "user", None)):
            # The committee's working state is the committee's.
            for name in ("render_error", "rendered_at", "approved_at"):
                data.pop(name, None)
        return data


class GuideCreateSerializer(StrictInputMixin, serializers.Serializer):
    calendar = serializers.ChoiceField(choices=GuideCalendar.choices)
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    language = serializers.ChoiceField(choices=Guide._meta.get_field("language").choices)
    introduction = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=Guide._meta.get_field("introduction").max_length,
    )


class GuideUpdateSerializer(StrictInputMixin, serializers.Serializer):
    introduction = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=Guide._meta.get_field("introduction").max_length,
    )


@extend_schema_view(
    create=extend_schema(request=GuideCreateSerializer, responses={201: GuideSerializer}),
    update=extend_schema(request=GuideUpdateSerializer, responses=GuideSerializer),
    partial_update=extend_schema(request=GuideUpdateSerializer, responses=GuideSerializer),
)
class GuideViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Quarterly guides of the network, newest quarter first."""

    policy = guide_policy
    policy_action = "change"
    queryset = Guide.objects.none()
    serializer_class = GuideSerializer
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Guide.objects.none()
        return selectors_guides.guides_visible(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return GuideCreateSerializer
        if self.action in ("update", "partial_update"):
            return GuideUpdateSerializer
        return GuideSerializer

    def _read(self, guide: Guide, status_code=status.HTTP_200_OK) -> Response:
        guide = Guide.objects.get(pk=guide.pk)
        data = GuideSerializer(guide, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        introduction = values.pop("introduction", "")
        with transaction.atomic():
            guide = services_guides.guide_create(actor=request.user, **values)
            if introduction.strip():
                guide = services_guides.guide_update(
                    actor=request.user, guide=guide, introduction=introduction
                )
        return self._read(guide, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        guide = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        guide = services_guides.guide_update(
            actor=request.user, guide=guide, introduction=serializer.validated_data["introduction"]
        )
        return self._read(guide)

    def perform_destroy(self, instance):
        services_guides.guide_delete(actor=self.request.user, guide=instance)

    @extend_schema(request=None, responses={202: GuideSerializer})
    @action(detail=True, methods=["post"], url_path="render", policy_action="change")
    def render_proof(self, request, pk=None):
        """Render a proof of the guide as it stands (in the background)."""
        guide = self.get_object()
        services_guides.guide_render_enqueue(actor=request.user, guide=guide)
        return self._read(guide, status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=GuideSerializer)
    @action(detail=True, methods=["post"], policy_action="approve")
    def approve(self, request, pk=None):
        """Approve the guide as its proof of the current text shows it."""
        guide = services_guides.guide_approve(actor=request.user, guide=self.get_object())
        return self._read(guide)

    @extend_schema(request=None, responses={202: GuideSerializer})
    @action(detail=True, methods=["post"], policy_action="change")
    def publish(self, request, pk=None):
        """Publish an approved guide: its final PDF is rendered (in the background) and kept."""
        guide = self.get_object()
        services_guides.guide_publish_enqueue(actor=request.user, guide=guide)
        return self._read(guide, status.HTTP_202_ACCEPTED)


def register(router) -> None:
    router.register("guides", GuideViewSet, basename="guide")
