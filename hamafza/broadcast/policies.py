"""Who may watch and who may manage channels, keys and broadcasts.

Rights come from a role in the channel's organization (see
``hamafza.directory.policies``): editors manage channels, keys and
broadcasts; owners also delete; coordinators do everything. A members-only
channel is watched by anyone with a role in its organization.
"""

from hamafza.core.permissions import is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import OrganizationRolePolicy, has_role

from .models import Visibility


def may_watch(user, channel) -> bool:
    if channel.visibility == Visibility.PUBLIC:
        return True
    return is_coordinator(user) or has_role(user, channel.organization_id, Role.VIEWER)


class ChannelPolicy(OrganizationRolePolicy):
    """``add`` is asked with the organization the channel will belong to."""

    def can_view(self, user, obj=None) -> bool:
        return obj is None or may_watch(user, obj)

    def can_manage(self, user, obj) -> bool:
        """See the ingest log, the keys, and the stream settings."""
        return self.can_change(user, obj)


class StreamKeyPolicy(OrganizationRolePolicy):
    """Keys are seen and managed by the channel's editors only.

    ``add`` is asked with the channel."""

    def organization_id_of(self, obj):
        return obj.channel.organization_id

    def can_view(self, user, obj=None) -> bool:
        if obj is None:
            return bool(user and user.is_authenticated)
        return self.can_change(user, obj)

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        return parent is not None and has_role(user, parent.organization_id, self.add_role)

    def can_delete(self, user, obj) -> bool:
        return self.can_change(user, obj)


class BroadcastPolicy(OrganizationRolePolicy):
    """Broadcasts belong to their channel's organization. ``add`` is asked with the channel."""

    def organization_id_of(self, obj):
        return obj.channel.organization_id

    def can_view(self, user, obj=None) -> bool:
        return obj is None or may_watch(user, obj.channel)

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        return parent is not None and has_role(user, parent.organization_id, self.add_role)


channel_policy = ChannelPolicy()
stream_key_policy = StreamKeyPolicy()
broadcast_policy = BroadcastPolicy()
