"""Who may read and write posts, follows, messenger accounts and quarterly guides.

- Published posts are public. An organization's editors write its posts and see its drafts
  and scheduled posts; the network's own posts (no organization) are the coordinators'.
- A follow and a messenger account belong to the user who made them, and to nobody else.
- Guides are the editorial committee's: coordinators write, approve and publish them. A
  published guide is public.
"""

from django.utils import timezone

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import has_role


def _edits(user, organization_id: int | None) -> bool:
    if organization_id is None:
        return is_coordinator(user)
    return is_coordinator(user) or has_role(user, organization_id, Role.EDITOR)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


class PostPolicy(Policy):
    """``add`` is asked with the organization (``None`` for a network post)."""

    def can_view(self, user, obj=None) -> bool:
        if obj is None or (obj.publish_at is not None and obj.publish_at <= timezone.now()):
            return True
        if obj.organization_id is None:
            return is_coordinator(user)
        return is_coordinator(user) or has_role(user, obj.organization_id, Role.VIEWER)

    def can_add(self, user, parent=None) -> bool:
        return _edits(user, getattr(parent, "pk", parent))

    def can_change(self, user, obj) -> bool:
        return _edits(user, obj.organization_id)

    def can_delete(self, user, obj) -> bool:
        return _edits(user, obj.organization_id)


class FollowPolicy(Policy):
    """Anyone signed in follows any organization (``add`` is asked with it); a follow is seen
    and removed by its own user."""

    def can_view(self, user, obj=None) -> bool:
        return _signed_in(user) and (obj is None or obj.user_id == user.pk)

    def can_add(self, user, parent=None) -> bool:
        return _signed_in(user)

    def can_delete(self, user, obj) -> bool:
        return _signed_in(user) and obj.user_id == user.pk


class MessengerAccountPolicy(FollowPolicy):
    """A user links, sees and removes only their own messenger accounts."""

    def can_change(self, user, obj) -> bool:
        return self.can_delete(user, obj)


class GuidePolicy(Policy):
    """The committee (coordinators) does everything; a published guide is read by anyone."""

    actions = (*Policy.actions, "approve", "publish")

    def can_view(self, user, obj=None) -> bool:
        if obj is None or obj.status == "published":
            return True
        return is_coordinator(user)

    def can_add(self, user, parent=None) -> bool:
        return is_coordinator(user)

    def can_change(self, user, obj) -> bool:
        return is_coordinator(user)

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user) and obj.status != "published"

    def can_approve(self, user, obj) -> bool:
        return is_coordinator(user)

    def can_publish(self, user, obj) -> bool:
        return is_coordinator(user) and obj.status == "approved"
