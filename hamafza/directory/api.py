"""The directory's REST API: thin serializers over the same selectors and services as the pages."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from hamafza.core.models import City, Country, Language, Province
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.directory import selectors, services
from hamafza.directory.forms import validate_logo
from hamafza.directory.models import (
    ORGANIZATION_PROFILE_FIELDS,
    ActivityField,
    Membership,
    Organization,
    OrganizationRelation,
    Person,
    Role,
)
from hamafza.directory.policies import (
    membership_policy,
    organization_ids_with_role,
    organization_policy,
    person_policy,
    relation_policy,
)


def _organization_from(request, key: str):
    pk = id_param(request.data.get(key))
    return Organization.objects.filter(pk=pk).first() if pk else None


class OrganizationSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", queryset=Country.objects.all())
    province = serializers.SlugRelatedField(
        slug_field="code", queryset=Province.objects.all(), required=False, allow_null=True
    )
    city = serializers.PrimaryKeyRelatedField(
        queryset=City.objects.all(), required=False, allow_null=True
    )
    languages = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Language.objects.all(), required=False
    )
    fields = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ActivityField.objects.all(), required=False
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    logo = serializers.ImageField(required=False, allow_null=True, validators=[validate_logo])
    display_name = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:organization-detail")

    class Meta:
        model = Organization
        fields = [
            "id",
            "url",
            *ORGANIZATION_PROFILE_FIELDS,
            "display_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_display_name(self, obj) -> str:
        return obj.display_name()


class OrganizationListSerializer(OrganizationSerializer):
    class Meta(OrganizationSerializer.Meta):
        fields = [
            "id",
            "url",
            "kind",
            "name",
            "names",
            "display_name",
            "short_name",
            "country",
            "province",
            "city",
            "latitude",
            "longitude",
            "languages",
            "is_active",
            "last_active_on",
            "parent",
        ]


DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search in every name, any spelling."),
    OpenApiParameter("kind", OpenApiTypes.STR),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2 code."),
    OpenApiParameter("province", OpenApiTypes.STR, description="ISO 3166-2 code."),
    OpenApiParameter("language", OpenApiTypes.STR, description="Language code."),
    OpenApiParameter("field", OpenApiTypes.STR, description="Field of activity code."),
    OpenApiParameter("active", OpenApiTypes.BOOL),
    OpenApiParameter("parent", OpenApiTypes.INT),
]


@extend_schema_view(list=extend_schema(parameters=DIRECTORY_PARAMETERS))
class OrganizationViewSet(viewsets.ModelViewSet):
    """Organizations of the network. Anyone reads; writes follow the organization policy."""

    policy = organization_policy
    queryset = Organization.objects.none()
    filter_backends = []

    def get_queryset(self):
        if self.action == "list":
            return selectors.organization_list(
                filters=selectors.filters_from_query(self.request.query_params)
            )
        return selectors.organization_detail_queryset()

    def get_serializer_class(self):
        return OrganizationListSerializer if self.action == "list" else OrganizationSerializer

    def policy_parent(self, request):
        return _organization_from(request, "parent")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.organization_create(
            actor=self.request.user,
            languages=data.pop("languages", []),
            fields=data.pop("fields", []),
            **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.organization_update(
            actor=self.request.user,
            organization=serializer.instance,
            languages=data.pop("languages", None),
            fields=data.pop("fields", None),
            **data,
        )

    def perform_destroy(self, instance):
        services.organization_delete(actor=self.request.user, organization=instance)


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "honorific", "name", "names", "email", "phone"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not person_policy.can_view_contact(request.user, instance):
            data.pop("email", None)
            data.pop("phone", None)
        return data


class PersonViewSet(viewsets.ModelViewSet):
    """People known to the network. Contact details only for those who keep the record."""

    policy = person_policy
    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.person_list(q=self.request.query_params.get("q", "")).prefetch_related(
            "memberships"
        )

    def policy_parent(self, request):
        return _organization_from(request, "organization")

    def perform_create(self, serializer):
        serializer.instance = services.person_create(
            actor=self.request.user,
            organization=_organization_from(self.request, "organization"),
            **serializer.validated_data,
        )

    def perform_update(self, serializer):
        serializer.instance = services.person_update(
            actor=self.request.user, person=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        person_policy.check(self.request.user, "delete", instance)
        instance.delete()


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "organization", "person", "role", "position", "positions", "is_public"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["organization"].read_only = True
            fields["person"].read_only = True
        return fields


class MembershipViewSet(viewsets.ModelViewSet):
    """Who holds which role where.

    Everyone sees public memberships; owners see and manage all of theirs.
    """

    policy = membership_policy
    serializer_class = MembershipSerializer

    def get_queryset(self):
        queryset = Membership.objects.select_related("person", "organization").order_by("id")
        organization = id_param(self.request.query_params.get("organization"))
        if organization:
            queryset = queryset.filter(organization_id=organization)
        if not is_coordinator(self.request.user):
            managed = organization_ids_with_role(self.request.user, Role.OWNER)
            queryset = queryset.filter(Q(is_public=True) | Q(organization_id__in=managed))
        return queryset

    def policy_parent(self, request):
        return _organization_from(request, "organization")

    def perform_create(self, serializer):
        serializer.instance = services.membership_add(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.membership_update(
            actor=self.request.user, membership=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.membership_remove(actor=self.request.user, membership=instance)


class RelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganizationRelation
        fields = ["id", "source", "kind", "target", "starts_on", "ends_on", "note"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in ("source", "target", "kind"):
                fields[name].read_only = True
        return fields


class RelationViewSet(viewsets.ModelViewSet):
    """Typed, dated relations between organizations ("supports", "member of" …)."""

    policy = relation_policy
    serializer_class = RelationSerializer

    def get_queryset(self):
        queryset = OrganizationRelation.objects.all()
        organization = id_param(self.request.query_params.get("organization"))
        if organization:
            queryset = queryset.filter(Q(source_id=organization) | Q(target_id=organization))
        return queryset.order_by("id")

    def policy_parent(self, request):
        return _organization_from(request, "source")

    def perform_create(self, serializer):
        serializer.instance = services.relation_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        relation = serializer.instance
        ends_on = serializer.validated_data.get("ends_on", relation.ends_on)
        serializer.instance = services.relation_end(
            actor=self.request.user, relation=relation, ends_on=ends_on
        )

    def perform_destroy(self, instance):
        services.relation_delete(actor=self.request.user, relation=instance)


class ActivityFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityField
        fields = ["code", "name", "names"]


class ActivityFieldViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = ActivityField.objects.all()
    serializer_class = ActivityFieldSerializer
    lookup_field = "code"
    pagination_class = None


def register(router) -> None:
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("people", PersonViewSet, basename="person")
    router.register("memberships", MembershipViewSet, basename="membership")
    router.register("relations", RelationViewSet, basename="relation")
    router.register("fields", ActivityFieldViewSet, basename="field")
