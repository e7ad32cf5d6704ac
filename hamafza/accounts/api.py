"""The signed-in user's notifications, through the API: read them, mark them read.

Each user sees only their own; ``read`` goes through
``services.notifications_mark_read``, which touches only the caller's rows.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hamafza.core.params import ID_MAX

from . import services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "key", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only unread ones (or read ones)."
    )


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=1000,
        help_text="The notifications to mark read; all of them if left out.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were marked read now.")
    unread = serializers.IntegerField(help_text="How many are left unread.")


@extend_schema_view(
    list=extend_schema(parameters=[NotificationQuerySerializer]),
    read=extend_schema(request=MarkReadSerializer, responses=MarkedSerializer),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's notifications (renewals due, decrees ending, overdue follow-ups …),
    newest first."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = Notification.objects.filter(user=self.request.user)
        if self.action == "list":
            query = NotificationQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            unread = query.validated_data["unread"]
            if unread is not None:
                queryset = queryset.filter(read_at__isnull=unread)
        return queryset.order_by("-created_at", "-id")

    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark some (``ids``) or all of the caller's notifications read."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            user=request.user, ids=serializer.validated_data.get("ids")
        )
        unread = services.notifications_unread_count(user=request.user)
        return Response(MarkedSerializer({"marked": marked, "unread": unread}).data)


def register(router) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
