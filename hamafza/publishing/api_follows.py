"""The API of following: a signed-in user's follows and messenger accounts, their own only.

``follows``: list, read, create ``{"organization": id}`` and delete. ``messenger-accounts``:
list, read, create ``{"messenger": "telegram", "chat_id": "…"}`` and delete. Anonymous callers
are refused; another user's rows are refused by the policies (``PolicyPermission``, then the
services again). A second follow of the same organization, or a second account on the same
messenger, is a 400 naming the field, in the caller's language.
"""

from __future__ import annotations

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from hamafza.core.api import IdLookupMixin, StrictInputMixin, parent_from
from hamafza.core.permissions import PolicyPermission
from hamafza.directory.models import Organization

from . import selectors_follows as selectors
from . import services_follows as services
from .models import Follow, Messenger, MessengerAccount


class FollowSerializer(serializers.ModelSerializer):
    organization_name = serializers.SerializerMethodField()

    class Meta:
        model = Follow
        fields = ["id", "organization", "organization_name", "created_at"]
        read_only_fields = fields

    def get_organization_name(self, follow) -> str:
        return follow.organization.display_name()


class FollowCreateSerializer(StrictInputMixin, serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())


class _OwnRowsViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Lists show the caller's own rows; a row named by id is looked up among all, so that the
    policy (not a missing row) answers for another user's."""

    permission_classes = [PolicyPermission]
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def own(self):
        raise NotImplementedError

    def every(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.every().none()
        return self.own() if self.action == "list" else self.every()


class FollowViewSet(_OwnRowsViewSet):
    """The organizations the caller follows: they hear of new posts and upcoming broadcasts."""

    policy = services.follow_policy
    queryset = Follow.objects.none()

    def own(self):
        return selectors.follows_of(user=self.request.user)

    def every(self):
        return Follow.objects.select_related("organization")

    def get_serializer_class(self):
        return FollowCreateSerializer if self.action == "create" else FollowSerializer

    def policy_parent(self, request):
        return parent_from(request, "organization", Organization.objects.all())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow = services.follow_create(
            actor=request.user, organization=serializer.validated_data["organization"]
        )
        data = FollowSerializer(follow, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.follow_delete(actor=self.request.user, follow=instance)


class MessengerAccountSerializer(serializers.ModelSerializer):
    messenger_label = serializers.CharField(source="get_messenger_display", read_only=True)

    class Meta:
        model = MessengerAccount
        fields = ["id", "messenger", "messenger_label", "chat_id", "created_at"]
        read_only_fields = fields


class MessengerAccountCreateSerializer(StrictInputMixin, serializers.Serializer):
    messenger = serializers.ChoiceField(choices=Messenger.choices)
    chat_id = serializers.CharField(max_length=100)


class MessengerAccountViewSet(_OwnRowsViewSet):
    """Where the caller is told on messengers: one account per messenger, by its chat id. Only
    messengers the operator turned on can be linked."""

    policy = services.messenger_account_policy
    queryset = MessengerAccount.objects.none()

    def own(self):
        return selectors.messenger_accounts_of(user=self.request.user)

    def every(self):
        return MessengerAccount.objects.all()

    def get_serializer_class(self):
        if self.action == "create":
            return MessengerAccountCreateSerializer
        return MessengerAccountSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.messenger_account_add(actor=request.user, **serializer.validated_data)
        data = MessengerAccountSerializer(account, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.messenger_account_remove(actor=self.request.user, account=instance)


def register(router) -> None:
    router.register("follows", FollowViewSet, basename="follow")
    router.register("messenger-accounts", MessengerAccountViewSet, basename="messenger-account")
