"""The API of news and announcements (``/api/posts/``): thin over ``selectors_posts`` and
``services_posts``.

Everyone lists and reads public posts; an organization's staff also see its drafts and
scheduled posts, coordinators everyone's (a post the caller may not see is "not found").
Lists are filtered by ``organization``, ``country``, ``language``, ``kind``, ``status`` and
words (``q``); a bad filter is a 400 naming it. Writes go through the services:
``PolicyPermission`` asks ``PostPolicy`` first (``add`` with the ``organization`` of the body,
none for a network post; ``change``/``delete`` on the post), and the service asks again,
cleans the body and checks the rest; its refusals are 400s with field errors in the caller's
language, and a refused write changes nothing. The body is returned as stored: cleaned HTML.
Pictures are sent as multipart (``image``); ``"image": null`` removes one.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.fields import empty
from rest_framework.response import Response

from hamafza.core.api import EARLIEST_DATE, LATEST_DATE, IdLookupMixin, StrictInputMixin
from hamafza.core.params import ID_MAX
from hamafza.directory.models import Organization
from hamafza.publishing import selectors_posts as selectors
from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.services_posts import post_create, post_delete, post_policy, post_update

STATUSES = (
    ("draft", "Draft: no publication time"),
    ("scheduled", "Scheduled: public at a time to come"),
    ("published", "Published"),
)


def _datetime_in_range(value) -> None:
    if value is not None and not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        raise serializers.ValidationError(
            _("Enter a date between %(start)s and %(end)s.")
            % {"start": EARLIEST_DATE.isoformat(), "end": LATEST_DATE.isoformat()}
        )


# --- reading -----------------------------------------------------------------------------------


class PostQuerySerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="The organization's id."
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        allow_blank=True,
        help_text="ISO 3166-1 code of the organizations' country.",
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=STATUSES,
        required=False,
        allow_blank=True,
        help_text="Drafts and scheduled posts are listed for their organization's staff only.",
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words of the title or summary."
    )

    def filters(self) -> selectors.PostFilters:
        data = self.validated_data
        return selectors.PostFilters(
            q=data.get("q", "").strip(),
            kind=data.get("kind", ""),
            language=data.get("language", ""),
            country=data.get("country", "").upper(),
            organization_id=data.get("organization"),
        )


class PostVersionSerializer(serializers.ModelSerializer):
    """Another version of the post, in another language."""

    url = serializers.HyperlinkedIdentityField(view_name="api:post-detail")

    class Meta:
        model = Post
        fields = ["id", "url", "language", "title"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    """A post: news or an announcement of an organization, or of the whole network when
    ``organization`` is null."""

    url = serializers.HyperlinkedIdentityField(view_name="api:post-detail")
    page_url = serializers.SerializerMethodField()
    organization_name = serializers.SerializerMethodField()
    country = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True, help_text="news or announcement")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.SerializerMethodField()
    image = serializers.ImageField(read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "url",
            "page_url",
            "organization",
            "organization_name",
            "country",
            "kind",
            "kind_label",
            "language",
            "translation_of",
            "title",
            "summary",
            "image",
            "image_alt",
            "publish_at",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_page_url(self, post) -> str:
        path = reverse("publishing:post-detail", args=[post.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_organization_name(self, post) -> str:
        return post.organization.display_name() if post.organization else ""

    def get_country(self, post) -> str | None:
        """ISO 3166-1 code of the organization's country (null for a network post)."""
        return post.organization.country.code if post.organization else None

    def get_status(self, post) -> str:
        """draft, scheduled or published."""
        return selectors.post_status(post)


class PostDetailSerializer(PostSerializer):
    body = serializers.CharField(read_only=True, help_text="Cleaned HTML.")
    versions = serializers.SerializerMethodField()

    class Meta(PostSerializer.Meta):
        fields = [*PostSerializer.Meta.fields, "body", "versions"]
        read_only_fields = fields

    @extend_schema_field(PostVersionSerializer(many=True))
    def get_versions(self, post):
        """The post's other versions the caller may read: its original and translations."""
        rows = self.context.get("versions", [])
        return PostVersionSerializer(rows, many=True, context=self.context).data


# --- writing -----------------------------------------------------------------------------------


class PostUpdateSerializer(StrictInputMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=1000, allow_blank=True, required=False)
    body = serializers.CharField(
        max_length=100_000,
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text="HTML; only the allowed markup is kept (see the news form).",
    )
    image = serializers.FileField(
        required=False, allow_null=True, help_text="A PNG or JPEG picture (multipart)."
    )
    image_alt = serializers.CharField(max_length=300, allow_blank=True, required=False)
    publish_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        validators=[_datetime_in_range],
        help_text="Empty: a draft. In the future: scheduled.",
    )
    translation_of = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.all(),
        required=False,
        allow_null=True,
        help_text="The original post this is a version of, in another language.",
    )


class PostCreateSerializer(PostUpdateSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Empty for a post of the whole network (coordinators). Given only when the "
        "post is created: a change naming it is refused.",
    )


def _with_status(queryset, chosen: str):
    now = timezone.now()
    if chosen == "draft":
        return queryset.filter(publish_at__isnull=True)
    if chosen == "scheduled":
        return queryset.filter(publish_at__gt=now)
    if chosen == "published":
        return queryset.filter(publish_at__lte=now)
    return queryset


@extend_schema_view(
    list=extend_schema(parameters=[PostQuerySerializer]),
    create=extend_schema(request=PostCreateSerializer, responses={201: PostDetailSerializer}),
    # One request schema for every write (the update refuses ``organization``), so that the
    # kinds' choices make one component.
    update=extend_schema(request=PostCreateSerializer, responses=PostDetailSerializer),
    partial_update=extend_schema(request=PostCreateSerializer, responses=PostDetailSerializer),
)
class PostViewSet(IdLookupMixin, viewsets.ModelViewSet):
    """News and announcements of the network's organizations and of the network itself, in
    several languages; public from their publication time on."""

    policy = post_policy
    queryset = Post.objects.none()
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        user = self.request.user
        if self.action == "list":
            query = PostQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            queryset = selectors.posts_visible(user, filters=query.filters())
            return _with_status(queryset, query.validated_data.get("status", ""))
        return selectors.posts_visible(user).select_related("translation_of")

    def get_serializer_class(self):
        if self.action == "list":
            return PostSerializer
        if self.action == "create":
            return PostCreateSerializer
        if self.action in ("update", "partial_update"):
            return PostUpdateSerializer
        return PostDetailSerializer

    def policy_parent(self, request):
        """The organization named in the body (none: a network post). Junk is a 400."""
        if not (request.user and request.user.is_authenticated):
            return None
        data = request.data if hasattr(request.data, "get") else {}
        field = serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.all(), allow_null=True
        )
        value = data.get("organization", empty)
        if value is empty or value in ("", None):
            return None
        try:
            return field.run_validation(value)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"organization": error.detail}) from None

    def _read(self, post, status_code=status.HTTP_200_OK) -> Response:
        user = self.request.user
        post = selectors.posts_visible(user).select_related("translation_of").get(pk=post.pk)
        context = {**self.get_serializer_context(), "versions": selectors.post_versions(post, user)}
        return Response(PostDetailSerializer(post, context=context).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._read(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        organization = values.pop("organization", None)
        post = post_create(actor=request.user, organization=organization, **values)
        return self._read(post, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        post = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        post = post_update(actor=request.user, post=post, **serializer.validated_data)
        return self._read(post)

    def perform_destroy(self, instance):
        post_delete(actor=self.request.user, post=instance)


def register(router) -> None:
    router.register("posts", PostViewSet, basename="post")
