"""The follow-ups REST API: thin serializers over the services, selectors and policy.

Nothing here is public. The list holds what ``selectors.followup_list`` gives
the caller (coordinators every item, others their organizations' items;
``mine`` narrows to those); one item may also be read by those who manage its
source. Those who manage the source (``change``) edit and waive an item; the
responsible organization's editors ``report`` progress, evidence and their
own items done. Every write is a call to ``hamafza.followups.services``.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from hamafza.core.api import StrictInputMixin
from hamafza.core.params import ID_MAX, id_param
from hamafza.directory.models import Organization, Person

from . import selectors, services
from .models import FollowUp, FollowUpNote, FollowUpStatus
from .policies import followup_policy


def _name(obj) -> str:
    return obj.display_name() if obj is not None else ""


class FollowUpSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:followup-detail")
    source_type = serializers.SerializerMethodField()
    owner_organization_name = serializers.SerializerMethodField()
    owner_person_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.BooleanField(read_only=True, help_text="Open, and due before today.")

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "url",
            "source_type",
            "source_id",
            "number",
            "text",
            "owner_organization",
            "owner_organization_name",
            "owner_person",
            "owner_person_name",
            "due_on",
            "status",
            "status_label",
            "overdue",
            "progress",
            "closed_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_source_type(self, obj) -> str:
        """What it follows up, as ``app_label.model`` (e.g. agreements.meeting)."""
        return f"{obj.source_type.app_label}.{obj.source_type.model}"

    def get_owner_organization_name(self, obj) -> str:
        return _name(obj.owner_organization)

    def get_owner_person_name(self, obj) -> str:
        return _name(obj.owner_person)


class FollowUpNoteSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    status_from = serializers.CharField(read_only=True)
    status_to = serializers.CharField(read_only=True)

    class Meta:
        model = FollowUpNote
        fields = [
            "id",
            "author",
            "author_name",
            "text",
            "evidence",
            "status_from",
            "status_to",
            "progress",
            "created_at",
        ]
        read_only_fields = fields

    def get_author_name(self, obj) -> str:
        author = obj.author
        return (author.get_full_name() or author.username) if author is not None else ""


class FollowUpDetailSerializer(FollowUpSerializer):
    notes = FollowUpNoteSerializer(many=True, read_only=True)

    class Meta(FollowUpSerializer.Meta):
        fields = [*FollowUpSerializer.Meta.fields, "notes"]
        read_only_fields = fields


class FollowUpUpdateSerializer(StrictInputMixin, serializers.ModelSerializer):
    owner_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    owner_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = FollowUp
        fields = ["text", "owner_organization", "owner_person", "due_on"]


class ReportInputSerializer(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(max_length=4000, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=FollowUpStatus.choices,
        required=False,
        help_text="Waiving, or reopening a closed item, is for those who assigned it.",
    )
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    evidence = serializers.FileField(
        required=False, help_text="A PDF document or a PNG or JPEG picture."
    )


class FollowUpQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words of the text."
    )
    status = serializers.ChoiceField(
        choices=[
            *FollowUpStatus.choices,
            ("open", "Open or in progress"),
            ("overdue", "Overdue"),
        ],
        required=False,
        allow_blank=True,
        help_text="A status; open (open or in progress); overdue (open and past its due date).",
    )
    organization = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The responsible organization."
    )
    source_type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="What they follow up, as app_label.model (e.g. agreements.agreement).",
    )
    due_before = serializers.DateField(required=False)
    mine = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only the items of the organizations where the caller holds a role.",
    )

    def filters(self) -> selectors.FollowUpFilters:
        data = dict(self.validated_data)
        data.pop("mine")
        return selectors.FollowUpFilters(**data)


@extend_schema_view(
    list=extend_schema(parameters=[FollowUpQuerySerializer]),
    update=extend_schema(request=FollowUpUpdateSerializer, responses=FollowUpDetailSerializer),
    partial_update=extend_schema(
        request=FollowUpUpdateSerializer, responses=FollowUpDetailSerializer
    ),
    report=extend_schema(
        request={
            "multipart/form-data": ReportInputSerializer,
            "application/json": ReportInputSerializer,
        },
        responses=FollowUpDetailSerializer,
    ),
)
class FollowUpViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-ups: action items from agreements, meetings and other sources, due by a date.

    ``status=overdue`` lists open items past their due date; ``mine=1`` the
    items of the caller's own organizations. Items are assigned by their
    source (for example a meeting's decisions), not here.
    """

    policy = followup_policy
    policy_action = "change"
    queryset = FollowUp.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        query = FollowUpQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.followup_list(
            user=self.request.user,
            filters=query.filters(),
            mine=query.validated_data["mine"],
        )

    def get_serializer_class(self):
        if self.action == "list":
            return FollowUpSerializer
        if self.action in ("update", "partial_update"):
            return FollowUpUpdateSerializer
        return FollowUpDetailSerializer

    def get_object(self):
        """One item, for anyone the policy lets see it (its source's managers too)."""
        try:
            followup = selectors.followup_get(pk=id_param(self.kwargs["pk"]))
        except FollowUp.DoesNotExist:
            raise Http404 from None
        if not followup_policy.can_view(self.request.user, followup):
            raise Http404
        self.check_object_permissions(self.request, followup)
        return followup

    def _read(self, followup) -> Response:
        followup = selectors.followup_get(pk=followup.pk)
        return Response(
            FollowUpDetailSerializer(followup, context=self.get_serializer_context()).data
        )

    def update(self, request, *args, **kwargs):
        followup = self.get_object()
        serializer = self.get_serializer(
            followup, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        followup = services.followup_update(
            actor=request.user, followup=followup, **serializer.validated_data
        )
        return self._read(followup)

    @action(
        detail=True,
        methods=["post"],
        parser_classes=[JSONParser, MultiPartParser, FormParser],
        policy_action="report",
    )
    def report(self, request, pk=None):
        """Report progress: a note, evidence, a percentage, or a new status (done …)."""
        followup = self.get_object()
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.followup_report(actor=request.user, followup=followup, **serializer.validated_data)
        return self._read(followup)


def register(router) -> None:
    router.register("followups", FollowUpViewSet, basename="followup")
