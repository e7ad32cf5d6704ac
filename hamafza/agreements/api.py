"""The agreements app's REST API: thin serializers over the services, selectors and policies.

Nothing here is public: anonymous callers are refused, and every list holds
what the selectors let the caller see (coordinators all; an office's staff
the agreements it keeps and those it is party to). A row the caller may not
see is "not found". Every write is a call to ``hamafza.agreements.services``;
``PolicyPermission`` asks the model's policy first (``add`` with the parent
named in the body, ``change`` on the row for updates and actions), and the
service asks again. A service's ValidationError is a 400 with field errors in
the caller's language; a refused or invalid write changes nothing.

Lists read their query through a serializer (``*QuerySerializer``): a bad
filter is a 400 naming the parameter, never a 500. Choice values are sent as
plain strings with a translated ``*_label`` beside them; requests list the
choices they accept.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from hamafza.core.api import (
    StrictInputMixin,
    date_field,
    names_field,
    parent_from,
    query_checked,
    validation_error_detail,
)
from hamafza.core.models import Province
from hamafza.core.params import ID_MAX, id_param
from hamafza.directory.models import ActivityField, Organization, Person
from hamafza.followups.selectors import followups_of

from . import selectors, services
from .models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementReview,
    AgreementState,
    AgreementTransition,
    Appointment,
    AppointmentStatus,
    Committee,
    CommitteeMember,
    CommitteeStatus,
    Meeting,
    PartyRole,
    Prospect,
    ProspectStatus,
    ReviewDecision,
    ReviewRound,
    Scope,
)
from .policies import (
    agreement_part_policy,
    agreement_policy,
    appointment_policy,
    meeting_policy,
    prospect_policy,
    review_policy,
)

S = AgreementState
# Days ahead a list may look for expiring agreements.
EXPIRES_WITHIN_MAX = 36500


# --- input --------------------------------------------------------------------------------


def _fields_renamed(error: DjangoValidationError, names: dict[str, str]):
    """A service's ValidationError as a 400 whose fields are named as the request names them."""
    detail = validation_error_detail(error)
    return serializers.ValidationError(
        {names.get(key, key): value for key, value in detail.items()}
    )


class VisibleAgreementField(serializers.PrimaryKeyRelatedField):
    """An agreement the caller may see: any other id is "does not exist"."""

    queryset = Agreement.objects.all()  # what the schema describes; get_queryset narrows it

    def get_queryset(self):
        return selectors.agreements_visible(self.context["request"].user)


def _name(obj) -> str:
    return obj.display_name() if obj is not None else ""


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- output pieces ------------------------------------------------------------------------


class PriorityPartSerializer(serializers.Serializer):
    label = serializers.CharField()
    points = serializers.IntegerField()
    maximum = serializers.IntegerField()
    why = serializers.CharField()


class AgreementPartySerializer(serializers.ModelSerializer):
    organization_name = serializers.SerializerMethodField()
    role = serializers.CharField(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = AgreementParty
        fields = [
            "id",
            "organization",
            "organization_name",
            "role",
            "role_label",
            "signatory",
            "signed_on",
        ]
        read_only_fields = fields

    def get_organization_name(self, obj) -> str:
        return _name(obj.organization)


class AgreementDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementDocument
        fields = ["id", "title", "file", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class AgreementTransitionSerializer(serializers.ModelSerializer):
    from_state = serializers.CharField(read_only=True)
    from_label = serializers.CharField(source="get_from_state_display", read_only=True)
    to_state = serializers.CharField(read_only=True)
    to_label = serializers.CharField(source="get_to_state_display", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = AgreementTransition
        fields = [
            "id",
            "from_state",
            "from_label",
            "to_state",
            "to_label",
            "actor",
            "actor_name",
            "reason",
            "successor",
            "at",
        ]
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        return _user_name(obj.actor)


class AgreementBriefSerializer(serializers.ModelSerializer):
    display_title = serializers.SerializerMethodField()
    state = serializers.CharField(read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "code", "display_title", "state"]
        read_only_fields = fields

    def get_display_title(self, obj) -> str:
        return obj.display_title()


class AgreementChildSerializer(AgreementBriefSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta(AgreementBriefSerializer.Meta):
        fields = [*AgreementBriefSerializer.Meta.fields, "province"]
        read_only_fields = fields


class CommitteeBriefSerializer(serializers.ModelSerializer):
    display_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    meetings_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "name", "display_name", "status", "status_label", "meetings_count"]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()


# --- agreements ---------------------------------------------------------------------------


class AgreementListSerializer(serializers.ModelSerializer):
    """An agreement as lists show it, with its priority and the parts it is made of."""

    url = serializers.HyperlinkedIdentityField(view_name="api:agreement-detail")
    display_title = serializers.SerializerMethodField()
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.SerializerMethodField()
    scope = serializers.CharField(read_only=True)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner_name = serializers.SerializerMethodField()
    state = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    renewal_due = serializers.SerializerMethodField()
    priority = serializers.IntegerField(
        source="priority_live", read_only=True, help_text="0 to 100, computed now."
    )
    priority_parts = serializers.SerializerMethodField()
    followups_open = serializers.IntegerField(read_only=True)
    followups_overdue = serializers.IntegerField(read_only=True)
    parties = AgreementPartySerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "url",
            "code",
            "title",
            "titles",
            "display_title",
            "kind",
            "kind_name",
            "scope",
            "scope_label",
            "province",
            "parent",
            "owner",
            "owner_name",
            "state",
            "state_label",
            "signed_on",
            "effective_on",
            "expires_on",
            "notice_days",
            "renewal_due_on",
            "renewal_due",
            "strategic_weight",
            "priority",
            "priority_parts",
            "followups_open",
            "followups_overdue",
            "parties",
        ]
        read_only_fields = fields

    def get_display_title(self, obj) -> str:
        return obj.display_title()

    def get_kind_name(self, obj) -> str:
        return obj.kind.display_name()

    def get_owner_name(self, obj) -> str:
        return _name(obj.owner)

    def get_renewal_due(self, obj) -> bool:
        """Active, and its notice period before expiry has begun."""
        return obj.is_renewal_due()

    @extend_schema_field(PriorityPartSerializer(many=True))
    def get_priority_parts(self, obj):
        """What the priority is made of, each part with its reason in words."""
        return PriorityPartSerializer(selectors.priority_explain(obj), many=True).data


class AgreementSerializer(AgreementListSerializer):
    """One agreement with its parties, subject areas, documents, history and what hangs from it."""

    owner_person_name = serializers.SerializerMethodField()
    subjects = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    documents = AgreementDocumentSerializer(many=True, read_only=True)
    transitions = AgreementTransitionSerializer(many=True, read_only=True)
    committees = CommitteeBriefSerializer(many=True, read_only=True)
    children = AgreementChildSerializer(many=True, read_only=True)
    successors = AgreementBriefSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta(AgreementListSerializer.Meta):
        fields = [
            *AgreementListSerializer.Meta.fields,
            "summary",
            "owner_person",
            "owner_person_name",
            "replaces",
            "subjects",
            "documents",
            "transitions",
            "allowed_transitions",
            "committees",
            "children",
            "successors",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_owner_person_name(self, obj) -> str:
        return _name(obj.owner_person)

    def get_allowed_transitions(self, obj) -> list[str]:
        """The states it may move to next (renewed, amended and downgraded by their actions)."""
        return list(obj.allowed_transitions())


class AgreementPartyInputSerializer(StrictInputMixin, serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.PARTY)
    signatory = serializers.CharField(max_length=200, allow_blank=True, default="")
    signed_on = date_field(allow_null=True, default=None)


AGREEMENT_WRITE_FIELDS = [
    "kind",
    "code",
    "title",
    "titles",
    "summary",
    "scope",
    "province",
    "parent",
    "owner",
    "owner_person",
    "signed_on",
    "effective_on",
    "expires_on",
    "notice_days",
    "strategic_weight",
    "subjects",
]


class AgreementUpdateSerializer(StrictInputMixin, serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=AgreementKind.objects.all())
    titles = names_field()
    province = serializers.SlugRelatedField(
        slug_field="code", queryset=Province.objects.all(), required=False, allow_null=True
    )
    parent = VisibleAgreementField(required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    owner_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
    )
    signed_on = date_field(required=False, allow_null=True)
    effective_on = date_field(required=False, allow_null=True)
    expires_on = date_field(required=False, allow_null=True)
    subjects = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ActivityField.objects.all(), required=False
    )

    class Meta:
        model = Agreement
        fields = AGREEMENT_WRITE_FIELDS
        validators = []  # the service's full_clean checks the whole row


class AgreementCreateSerializer(AgreementUpdateSerializer):
    parties = AgreementPartyInputSerializer(many=True, required=False, max_length=100)
    state = serializers.ChoiceField(
        choices=[(S.DRAFT, S.DRAFT.label), (S.ACTIVE, S.ACTIVE.label)],
        default=S.DRAFT,
        help_text="A new agreement is a draft, or active if it was signed before it was "
        "registered (then it needs its signing date).",
    )

    class Meta(AgreementUpdateSerializer.Meta):
        fields = [*AGREEMENT_WRITE_FIELDS, "parties", "state"]


class TransitionInputSerializer(StrictInputMixin, serializers.Serializer):
    to_state = serializers.ChoiceField(choices=AgreementState.choices)
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")


class RenewInputSerializer(StrictInputMixin, serializers.Serializer):
    expires_on = date_field(
        allow_null=True,
        default=None,
        help_text="The new term's end; by default as long as the old term was.",
    )
    signed_on = date_field(allow_null=True, default=None, help_text="By default today.")
    code = serializers.CharField(
        max_length=40, allow_blank=True, default="", help_text="By default the old code, numbered."
    )
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")


class AmendInputSerializer(StrictInputMixin, serializers.ModelSerializer):
    """What the amendment changes; the rest is copied from the agreement it replaces."""

    reason = serializers.CharField(max_length=2000, help_text="What the amendment changes.")
    kind = serializers.SlugRelatedField(
        slug_field="code", queryset=AgreementKind.objects.all(), required=False
    )
    titles = names_field()
    owner_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
    )
    signed_on = date_field(required=False, allow_null=True)
    effective_on = date_field(required=False, allow_null=True)
    expires_on = date_field(required=False, allow_null=True)

    class Meta:
        model = Agreement
        fields = [
            "reason",
            "code",
            "kind",
            "title",
            "titles",
            "summary",
            "owner_person",
            "signed_on",
            "effective_on",
            "expires_on",
            "notice_days",
            "strategic_weight",
        ]
        extra_kwargs = {
            name: {"required": False}
            for name in ("code", "title", "notice_days", "strategic_weight")
        }
        validators = []


class DowngradeInputSerializer(StrictInputMixin, serializers.Serializer):
    kind = serializers.SlugRelatedField(
        slug_field="code",
        queryset=AgreementKind.objects.all(),
        help_text="The lighter kind it becomes.",
    )
    code = serializers.CharField(max_length=40, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")


class DocumentInputSerializer(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    file = serializers.FileField(help_text="A scanned PDF.")


class AgreementQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Code or title, any spelling."
    )
    state = serializers.ChoiceField(
        choices=[*AgreementState.choices, ("renewal_due", "Renewal due")],
        required=False,
        allow_blank=True,
        help_text="A state, or renewal_due: active and within its notice period.",
    )
    kind = serializers.CharField(required=False, allow_blank=True, max_length=40)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False, allow_blank=True)
    province = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Province.objects.all(),
        required=False,
        help_text="ISO 3166-2 code.",
    )
    party = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="An organization that is a party."
    )
    parent = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=ID_MAX,
        help_text="The national agreement it falls under.",
    )
    expires_within = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=EXPIRES_WITHIN_MAX,
        help_text="Active and expiring within this many days.",
    )
    order = serializers.ChoiceField(
        choices=list(selectors.ORDERS),
        default="priority",
        help_text="priority (highest first), expiry, signed (newest first) or code.",
    )

    def filters(self) -> selectors.AgreementFilters:
        data = dict(self.validated_data)
        province = data.pop("province", None)
        return selectors.AgreementFilters(province=province.pk if province else None, **data)


@extend_schema_view(
    list=extend_schema(parameters=[AgreementQuerySerializer]),
    create=extend_schema(request=AgreementCreateSerializer, responses={201: AgreementSerializer}),
    update=extend_schema(request=AgreementUpdateSerializer, responses=AgreementSerializer),
    partial_update=extend_schema(request=AgreementUpdateSerializer, responses=AgreementSerializer),
    transition=extend_schema(request=TransitionInputSerializer, responses=AgreementSerializer),
    renew=extend_schema(request=RenewInputSerializer, responses={201: AgreementSerializer}),
    amend=extend_schema(request=AmendInputSerializer, responses={201: AgreementSerializer}),
    downgrade=extend_schema(request=DowngradeInputSerializer, responses={201: AgreementSerializer}),
    documents=extend_schema(
        request={"multipart/form-data": DocumentInputSerializer},
        responses={201: AgreementDocumentSerializer},
    ),
    parties=extend_schema(
        request=AgreementPartyInputSerializer, responses={201: AgreementPartySerializer}
    ),
    party_remove=extend_schema(
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("party_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
    ),
)
class AgreementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Cooperation agreements: MoUs, agreements, protocols.

    Coordinators see and write every agreement; the editors of the office
    that keeps one write it; the staff of its parties read it. Lists are
    sorted by priority unless ``order`` says otherwise. The state moves only
    by the ``transition``, ``renew``, ``amend`` and ``downgrade`` actions.
    """

    policy = agreement_policy
    policy_action = "change"
    queryset = Agreement.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Agreement.objects.none()
        user = self.request.user
        if self.action == "list":
            query = AgreementQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return selectors.agreement_rows_prefetch(
                selectors.agreement_list(user=user, filters=query.filters())
            )
        return selectors.agreements_visible(user).select_related("kind")

    def get_serializer_class(self):
        if self.action == "list":
            return AgreementListSerializer
        if self.action == "create":
            return AgreementCreateSerializer
        if self.action in ("update", "partial_update"):
            return AgreementUpdateSerializer
        return AgreementSerializer

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        try:
            agreement = selectors.agreement_detail(
                user=self.request.user, pk=id_param(self.kwargs["pk"])
            )
        except Agreement.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, agreement)
        return agreement

    def policy_parent(self, request):
        return parent_from(request, "owner", Organization.objects.all())

    def _read(self, agreement, status_code=status.HTTP_200_OK) -> Response:
        agreement = selectors.agreement_detail(user=self.request.user, pk=agreement.pk)
        data = AgreementSerializer(agreement, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parties = [services.PartyInput(**party) for party in data.pop("parties", [])]
        agreement = services.agreement_create(
            actor=request.user, parties=parties, subjects=data.pop("subjects", []), **data
        )
        return self._read(agreement, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        agreement = self.get_object()
        serializer = self.get_serializer(
            agreement, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agreement = services.agreement_update(
            actor=request.user, agreement=agreement, subjects=data.pop("subjects", None), **data
        )
        return self._read(agreement)

    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the agreement to another state, along the allowed transitions, saying why.

        Ending it (terminated, cancelled) needs a reason; becoming active needs
        its signing date and two parties."""
        agreement = self.get_object()
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            agreement = services.agreement_transition(
                actor=request.user, agreement=agreement, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _fields_renamed(error, {"state": "to_state"}) from None
        return self._read(agreement)

    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """Renew: a new active agreement with the same parties and a new term; this one closes.

        Answers with the new agreement."""
        agreement = self.get_object()
        serializer = RenewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        successor = services.agreement_renew(
            actor=request.user, agreement=agreement, **serializer.validated_data
        )
        return self._read(successor, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Amend: a new active agreement with the changes given; this one closes.

        Answers with the new agreement."""
        agreement = self.get_object()
        serializer = AmendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        successor = services.agreement_amend(
            actor=request.user, agreement=agreement, reason=changes.pop("reason"), **changes
        )
        return self._read(successor, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def downgrade(self, request, pk=None):
        """Downgrade to a lighter kind: a new active agreement replaces this one.

        Answers with the new agreement."""
        agreement = self.get_object()
        serializer = DowngradeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        successor = services.agreement_downgrade(
            actor=request.user, agreement=agreement, **serializer.validated_data
        )
        return self._read(successor, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        """Attach a scanned PDF (checked by its content and size)."""
        agreement = self.get_object()
        serializer = DocumentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.agreement_document_add(
            actor=request.user, agreement=agreement, **serializer.validated_data
        )
        data = AgreementDocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def parties(self, request, pk=None):
        """Add a party."""
        agreement = self.get_object()
        serializer = AgreementPartyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        party = services.agreement_party_add(
            actor=request.user,
            agreement=agreement,
            party=services.PartyInput(**serializer.validated_data),
        )
        return Response(AgreementPartySerializer(party).data, status=status.HTTP_201_CREATED)

    @action(
        detail=True,
        methods=["delete"],
        url_path=r"parties/(?P<party_pk>[^/.]+)",
        # DELETE would ask the policy's "delete" (coordinators only) of the agreement;
        # removing a party is a change to it, which the service asks of the policy.
        permission_classes=[permissions.IsAuthenticated],
    )
    def party_remove(self, request, pk=None, party_pk=None):
        """Remove a party."""
        agreement = self.get_object()
        party = agreement.parties.select_related("agreement").filter(pk=id_param(party_pk)).first()
        if party is None:
            raise Http404
        services.agreement_party_remove(actor=request.user, party=party)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgreementKindSerializer(serializers.ModelSerializer):
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = AgreementKind
        fields = ["code", "name", "names", "display_name", "weight"]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()


class AgreementKindViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Kinds of agreement (MoU, agreement, protocol …), heaviest first. Downgrading goes lighter."""

    queryset = AgreementKind.objects.order_by("-weight", "code")
    serializer_class = AgreementKindSerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends = []


# --- reviews ------------------------------------------------------------------------------


class ReviewRoundListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:review-round-detail")
    owner_name = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)
    total = serializers.IntegerField(read_only=True, help_text="Agreements in the round.")
    decided = serializers.IntegerField(read_only=True)
    applied = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "url",
            "title",
            "description",
            "owner",
            "owner_name",
            "opened_on",
            "due_on",
            "closed_on",
            "is_open",
            "total",
            "decided",
            "applied",
        ]
        read_only_fields = fields

    def get_owner_name(self, obj) -> str:
        return _name(obj.owner)


class AgreementReviewSerializer(serializers.ModelSerializer):
    agreement_code = serializers.CharField(source="agreement.code", read_only=True)
    agreement_title = serializers.SerializerMethodField()
    agreement_state = serializers.CharField(source="agreement.state", read_only=True)
    decision = serializers.CharField(read_only=True)
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    new_kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = AgreementReview
        fields = [
            "id",
            "agreement",
            "agreement_code",
            "agreement_title",
            "agreement_state",
            "decision",
            "decision_label",
            "reasoning",
            "new_kind",
            "new_expires_on",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "applied_at",
            "result",
        ]
        read_only_fields = fields

    def get_agreement_title(self, obj) -> str:
        return obj.agreement.display_title()

    def get_decided_by_name(self, obj) -> str:
        return _user_name(obj.decided_by)


class ReviewRoundSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:review-round-detail")
    owner_name = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)
    reviews = AgreementReviewSerializer(many=True, read_only=True)

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "url",
            "title",
            "description",
            "owner",
            "owner_name",
            "opened_on",
            "due_on",
            "closed_on",
            "is_open",
            "reviews",
        ]
        read_only_fields = fields

    def get_owner_name(self, obj) -> str:
        return _name(obj.owner)


class ReviewRoundCreateSerializer(StrictInputMixin, serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    due_on = date_field(required=False, allow_null=True)
    agreements = serializers.ListField(
        child=VisibleAgreementField(), required=False, max_length=500
    )

    class Meta:
        model = ReviewRound
        fields = ["owner", "title", "description", "due_on", "agreements"]


class ReviewItemField(serializers.PrimaryKeyRelatedField):
    """An agreement under review in the round the request is about."""

    queryset = AgreementReview.objects.all()  # what the schema describes; get_queryset narrows it

    def get_queryset(self):
        return self.context["round"].reviews.select_related("agreement__kind", "round")


class ReviewAddInputSerializer(StrictInputMixin, serializers.Serializer):
    agreement = VisibleAgreementField()


class ReviewApplyInputSerializer(StrictInputMixin, serializers.Serializer):
    review = ReviewItemField(help_text="The id of the agreement's row in the round (reviews).")


class ReviewDecideInputSerializer(ReviewApplyInputSerializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    reasoning = serializers.CharField(max_length=4000, allow_blank=True, default="")
    new_kind = serializers.SlugRelatedField(
        slug_field="code",
        queryset=AgreementKind.objects.all(),
        allow_null=True,
        default=None,
        help_text="For a downgrade: the lighter kind it becomes.",
    )
    new_expires_on = date_field(allow_null=True, default=None, help_text="For a renewal.")


@extend_schema_view(
    create=extend_schema(
        request=ReviewRoundCreateSerializer, responses={201: ReviewRoundSerializer}
    ),
    add=extend_schema(request=ReviewAddInputSerializer, responses={201: ReviewRoundSerializer}),
    decide=extend_schema(request=ReviewDecideInputSerializer, responses=ReviewRoundSerializer),
    apply=extend_schema(request=ReviewApplyInputSerializer, responses=ReviewRoundSerializer),
    close=extend_schema(request=None, responses=ReviewRoundSerializer),
)
class ReviewRoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Review rounds: many agreements reviewed at once, each with a decision and its reasoning.

    ``decide`` records a decision (keep, renew, downgrade, terminate);
    ``apply`` carries it out on the agreement; ``close`` ends the round once
    every decision is applied. The office that runs the round and
    coordinators write; its staff read.
    """

    policy = review_policy
    policy_action = "change"
    queryset = ReviewRound.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewRound.objects.none()
        return selectors.review_rounds(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return ReviewRoundListSerializer
        if self.action == "create":
            return ReviewRoundCreateSerializer
        return ReviewRoundSerializer

    def policy_parent(self, request):
        return parent_from(request, "owner", Organization.objects.all())

    def _read(self, round_, status_code=status.HTTP_200_OK) -> Response:
        round_ = selectors.review_round_detail(pk=round_.pk)
        data = ReviewRoundSerializer(round_, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def _input(self, serializer_class, round_):
        context = {**self.get_serializer_context(), "round": round_}
        serializer = serializer_class(data=self.request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def retrieve(self, request, *args, **kwargs):
        return self._read(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = services.review_round_create(actor=request.user, **serializer.validated_data)
        return self._read(round_, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def add(self, request, pk=None):
        """Put an active or expired agreement under review in this round."""
        round_ = self.get_object()
        data = self._input(ReviewAddInputSerializer, round_)
        services.review_add(actor=request.user, round=round_, agreement=data["agreement"])
        return self._read(round_, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record the decision on one agreement of the round; it takes effect when applied."""
        round_ = self.get_object()
        data = dict(self._input(ReviewDecideInputSerializer, round_))
        services.review_decide(actor=request.user, review=data.pop("review"), **data)
        return self._read(round_)

    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Carry out a decision: renew, downgrade or terminate the agreement."""
        round_ = self.get_object()
        data = self._input(ReviewApplyInputSerializer, round_)
        services.review_apply(actor=request.user, review=data["review"])
        return self._read(round_)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the round (every decision must have been applied)."""
        round_ = services.review_round_close(actor=request.user, round=self.get_object())
        return self._read(round_)


# --- prospects ----------------------------------------------------------------------------


class ProspectSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:prospect-detail")
    organization_name = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Prospect
        fields = [
            "id",
            "url",
            "organization",
            "organization_name",
            "owner",
            "owner_name",
            "status",
            "status_label",
            "assessment",
            "expected_benefit",
            "agreement",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_organization_name(self, obj) -> str:
        return _name(obj.organization)

    def get_owner_name(self, obj) -> str:
        return _name(obj.owner)


class ProspectCreateSerializer(StrictInputMixin, serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = Prospect
        fields = ["owner", "organization", "assessment", "expected_benefit"]
        validators = []  # the service says when the body is already this office's prospect


class ProspectMoveInputSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=ProspectStatus.choices)
    assessment = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    expected_benefit = serializers.IntegerField(min_value=1, max_value=5, required=False)
    agreement = VisibleAgreementField(
        allow_null=True, required=False, help_text="When signed: the agreement that was signed."
    )


class ProspectQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ProspectStatus.choices, required=False, allow_blank=True
    )


@extend_schema_view(
    list=extend_schema(parameters=[ProspectQuerySerializer]),
    create=extend_schema(request=ProspectCreateSerializer, responses={201: ProspectSerializer}),
    move=extend_schema(request=ProspectMoveInputSerializer, responses=ProspectSerializer),
)
class ProspectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Prospective partners: bodies with which an MoU is being assessed.

    ``move`` takes one along: identified → assessed → prioritized → drafting
    → signed, or dropped. The office that assesses it and coordinators write.
    """

    policy = prospect_policy
    policy_action = "change"
    queryset = Prospect.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Prospect.objects.none()
        status_ = ""
        if self.action == "list":
            status_ = query_checked(ProspectQuerySerializer, self.request).get("status", "")
        return selectors.prospect_list(user=self.request.user, status=status_)

    def get_serializer_class(self):
        return ProspectCreateSerializer if self.action == "create" else ProspectSerializer

    def policy_parent(self, request):
        return parent_from(request, "owner", Organization.objects.all())

    def _read(self, prospect, status_code=status.HTTP_200_OK) -> Response:
        prospect = self.get_queryset().get(pk=prospect.pk)
        data = ProspectSerializer(prospect, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        prospect = services.prospect_create(actor=request.user, **serializer.validated_data)
        return self._read(prospect, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the prospect on, with its assessment (needed once assessed)."""
        prospect = self.get_object()
        serializer = ProspectMoveInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        prospect = services.prospect_move(
            actor=request.user, prospect=prospect, **serializer.validated_data
        )
        return self._read(prospect)


# --- committees and meetings --------------------------------------------------------------


class CommitteeListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:committee-detail")
    agreement_code = serializers.CharField(source="agreement.code", read_only=True)
    display_name = serializers.SerializerMethodField()
    secretary_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    meetings_count = serializers.IntegerField(read_only=True)
    members_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Committee
        fields = [
            "id",
            "url",
            "agreement",
            "agreement_code",
            "name",
            "names",
            "display_name",
            "secretary",
            "secretary_name",
            "status",
            "status_label",
            "established_on",
            "meetings_count",
            "members_count",
        ]
        read_only_fields = fields

    def get_display_name(self, obj) -> str:
        return obj.display_name()

    def get_secretary_name(self, obj) -> str:
        return _name(obj.secretary)


class CommitteeMemberSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()
    organization_name = serializers.SerializerMethodField()

    class Meta:
        model = CommitteeMember
        fields = ["id", "person", "person_name", "organization", "organization_name", "role"]
        read_only_fields = fields

    def get_person_name(self, obj) -> str:
        return _name(obj.person)

    def get_organization_name(self, obj) -> str:
        return _name(obj.organization)


class DecisionSerializer(serializers.Serializer):
    """A meeting's decision: a follow-up (see /api/followups/{id}/)."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    owner_organization = serializers.IntegerField(source="owner_organization_id")
    owner_person = serializers.IntegerField(source="owner_person_id", allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class MeetingSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "committee", "held_on", "place", "agenda", "minutes", "attendees"]
        read_only_fields = fields


class MeetingRecordedSerializer(MeetingSerializer):
    decisions = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "decisions"]
        read_only_fields = fields

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, obj):
        return DecisionSerializer(followups_of(obj), many=True).data


class CommitteeSerializer(CommitteeListSerializer):
    members = CommitteeMemberSerializer(many=True, read_only=True)
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta(CommitteeListSerializer.Meta):
        fields = [
            field
            for field in CommitteeListSerializer.Meta.fields
            if field not in ("meetings_count", "members_count")
        ] + ["members", "meetings"]
        read_only_fields = fields


class CommitteeWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A committee's details; its agreement is given when it is made and does not change."""

    agreement = VisibleAgreementField()
    names = names_field()
    secretary = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=CommitteeStatus.choices, required=False)
    established_on = date_field(required=False, allow_null=True)

    class Meta:
        model = Committee
        fields = ["agreement", "name", "names", "secretary", "status", "established_on"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["agreement"].read_only = True
        return fields


class MemberInputSerializer(StrictInputMixin, serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), help_text="On whose behalf the person sits."
    )
    role = serializers.CharField(max_length=100, allow_blank=True, default="")


class DecisionInputSerializer(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    owner_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    owner_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), allow_null=True, default=None
    )
    due_on = date_field(allow_null=True, default=None)


class MeetingInputSerializer(StrictInputMixin, serializers.Serializer):
    held_on = date_field()
    place = serializers.CharField(max_length=200, allow_blank=True, default="")
    agenda = serializers.CharField(max_length=4000, allow_blank=True, default="")
    minutes = serializers.CharField(max_length=20000, allow_blank=True, default="")
    attendees = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Person.objects.all()),
        default=list,
        max_length=500,
    )
    decisions = DecisionInputSerializer(
        many=True,
        default=list,
        max_length=200,
        help_text="Each decision becomes a follow-up, numbered in this order.",
    )


class CommitteeQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=CommitteeStatus.choices, required=False, allow_blank=True
    )


@extend_schema_view(
    list=extend_schema(parameters=[CommitteeQuerySerializer]),
    create=extend_schema(request=CommitteeWriteSerializer, responses={201: CommitteeSerializer}),
    update=extend_schema(request=CommitteeWriteSerializer, responses=CommitteeSerializer),
    partial_update=extend_schema(request=CommitteeWriteSerializer, responses=CommitteeSerializer),
    members=extend_schema(request=MemberInputSerializer, responses={201: CommitteeSerializer}),
    meetings=extend_schema(
        request=MeetingInputSerializer, responses={201: MeetingRecordedSerializer}
    ),
)
class CommitteeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Cooperation committees ("cooperation headquarters") of the agreements one may see.

    Those who keep the agreement write its committees; ``meetings`` records a
    meeting with its attendance, minutes and decisions (each a follow-up),
    which the committee's secretary may do too.
    """

    policy = agreement_part_policy
    policy_action = "change"
    queryset = Committee.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Committee.objects.none()
        user = self.request.user
        if self.action == "list":
            status_ = query_checked(CommitteeQuerySerializer, self.request).get("status", "")
            return selectors.committee_list(user=user, status=status_)
        return Committee.objects.filter(
            agreement__in=selectors.agreements_visible(user)
        ).select_related("agreement")

    def get_serializer_class(self):
        if self.action == "list":
            return CommitteeListSerializer
        if self.action in ("create", "update", "partial_update"):
            return CommitteeWriteSerializer
        return CommitteeSerializer

    def policy_parent(self, request):
        return parent_from(request, "agreement", Agreement.objects.all())

    def _read(self, committee, status_code=status.HTTP_200_OK) -> Response:
        committee = selectors.committee_detail(pk=committee.pk)
        data = CommitteeSerializer(committee, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._read(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        committee = services.committee_create(actor=request.user, **serializer.validated_data)
        return self._read(committee, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        committee = self.get_object()
        serializer = self.get_serializer(
            committee, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        committee = services.committee_update(
            actor=request.user, committee=committee, **serializer.validated_data
        )
        return self._read(committee)

    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Seat a person on the committee, on behalf of an organization."""
        committee = self.get_object()
        serializer = MemberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.committee_member_add(
            actor=request.user, committee=committee, **serializer.validated_data
        )
        return self._read(committee, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], policy=meeting_policy, policy_action="add")
    def meetings(self, request, pk=None):
        """Record a meeting held, with attendance, minutes and decisions (each a follow-up)."""
        committee = self.get_object()
        serializer = MeetingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        decisions = [services.DecisionInput(**decision) for decision in data.pop("decisions")]
        meeting = services.meeting_record(
            actor=request.user, committee=committee, decisions=decisions, **data
        )
        return Response(MeetingRecordedSerializer(meeting).data, status=status.HTTP_201_CREATED)


# --- representative appointments ---------------------------------------------------------


class AppointmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:appointment-detail")
    person_name = serializers.SerializerMethodField()
    issuer_name = serializers.SerializerMethodField()
    host_name = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "url",
            "person",
            "person_name",
            "issuer",
            "issuer_name",
            "host",
            "host_name",
            "role",
            "decree_number",
            "decree_date",
            "valid_from",
            "valid_to",
            "revoked_on",
            "revocation_reason",
            "status",
            "status_label",
            "created_at",
        ]
        read_only_fields = fields

    def get_person_name(self, obj) -> str:
        return _name(obj.person)

    def get_issuer_name(self, obj) -> str:
        return _name(obj.issuer)

    def get_host_name(self, obj) -> str:
        return _name(obj.host)

    def get_status(self, obj) -> str:
        """pending, active, expired or revoked: derived from the dates, today."""
        return obj.status

    def get_status_label(self, obj) -> str:
        return str(AppointmentStatus(obj.status).label)


class AppointmentUpdateSerializer(StrictInputMixin, serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    host = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    decree_date = date_field()
    valid_from = date_field()
    valid_to = date_field(required=False, allow_null=True)

    class Meta:
        model = Appointment
        fields = [
            "person",
            "host",
            "role",
            "decree_number",
            "decree_date",
            "valid_from",
            "valid_to",
        ]
        validators = []  # the service's full_clean checks the decree number is the issuer's once


class AppointmentCreateSerializer(AppointmentUpdateSerializer):
    issuer = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta(AppointmentUpdateSerializer.Meta):
        fields = ["issuer", *AppointmentUpdateSerializer.Meta.fields]


class RevokeInputSerializer(StrictInputMixin, serializers.Serializer):
    revoked_on = date_field(allow_null=True, default=None, help_text="By default today.")
    revocation_reason = serializers.CharField(max_length=500)


class AppointmentQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*AppointmentStatus.choices, ("expiring", "Expiring soon")],
        required=False,
        allow_blank=True,
        help_text="expiring: in force and ending within the warning period, soonest first.",
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Decree number, role or person."
    )
    host = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The host body."
    )


@extend_schema_view(
    list=extend_schema(parameters=[AppointmentQuerySerializer]),
    create=extend_schema(
        request=AppointmentCreateSerializer, responses={201: AppointmentSerializer}
    ),
    update=extend_schema(request=AppointmentUpdateSerializer, responses=AppointmentSerializer),
    partial_update=extend_schema(
        request=AppointmentUpdateSerializer, responses=AppointmentSerializer
    ),
    revoke=extend_schema(request=RevokeInputSerializer, responses=AppointmentSerializer),
)
class AppointmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Representative appointments (decrees): who represents the issuer inside a host body.

    The issuer's editors and coordinators write; the host's staff read. The
    status follows from the dates; ``revoke`` ends a decree early.
    """

    policy = appointment_policy
    policy_action = "change"
    queryset = Appointment.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appointment.objects.none()
        query = (
            query_checked(AppointmentQuerySerializer, self.request) if self.action == "list" else {}
        )
        return selectors.appointment_list(user=self.request.user, **query)

    def get_serializer_class(self):
        if self.action == "create":
            return AppointmentCreateSerializer
        if self.action in ("update", "partial_update"):
            return AppointmentUpdateSerializer
        return AppointmentSerializer

    def policy_parent(self, request):
        return parent_from(request, "issuer", Organization.objects.all())

    def _read(self, appointment, status_code=status.HTTP_200_OK) -> Response:
        appointment = selectors.appointment_list(user=self.request.user).get(pk=appointment.pk)
        data = AppointmentSerializer(appointment, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appointment = services.appointment_create(actor=request.user, **serializer.validated_data)
        return self._read(appointment, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        appointment = self.get_object()
        serializer = self.get_serializer(
            appointment, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        appointment = services.appointment_update(
            actor=request.user, appointment=appointment, **serializer.validated_data
        )
        return self._read(appointment)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the decree (from today unless a date is given), saying why."""
        appointment = self.get_object()
        serializer = RevokeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appointment = services.appointment_revoke(
            actor=request.user,
            appointment=appointment,
            on=data["revoked_on"],
            reason=data["revocation_reason"],
        )
        return self._read(appointment)


def register(router) -> None:
    router.register("agreements", AgreementViewSet, basename="agreement")
    router.register("agreement-kinds", AgreementKindViewSet, basename="agreement-kind")
    router.register("review-rounds", ReviewRoundViewSet, basename="review-round")
    router.register("prospects", ProspectViewSet, basename="prospect")
    router.register("committees", CommitteeViewSet, basename="committee")
    router.register("appointments", AppointmentViewSet, basename="appointment")
