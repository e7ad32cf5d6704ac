"""Who may see and change follow-ups.

A follow-up is assigned from a source (an agreement, a meeting …). The app
that owns the source registers, through ``source_policy_register``, the
policy that says who manages its sources: they assign, edit and waive
follow-ups. The responsible organization's editors report progress and
mark their own items done. Coordinators do everything.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import has_role, roles_of

_SOURCE_POLICIES: dict[str, Policy] = {}


def source_policy_register(model, policy: Policy) -> None:
    """``policy.allows(user, "change", source)`` decides who manages follow-ups of ``model``."""
    _SOURCE_POLICIES[model._meta.label_lower] = policy


def source_manageable(user, source: Any) -> bool:
    if is_coordinator(user):
        return True
    if source is None:
        return False
    policy = _SOURCE_POLICIES.get(source._meta.label_lower)
    return policy is not None and policy.allows(user, "change", source)


def source_policy_for(source_type: ContentType) -> Policy | None:
    return _SOURCE_POLICIES.get(f"{source_type.app_label}.{source_type.model}")


class FollowUpPolicy(Policy):
    """``add`` is asked with the source; ``change`` is the source's managers'; ``report``
    (progress, done) is also the responsible organization's editors'."""

    actions = ("view", "add", "change", "delete", "report")

    def can_view(self, user, obj=None) -> bool:
        if obj is None:
            return bool(getattr(user, "is_authenticated", False))
        return (
            is_coordinator(user)
            or obj.owner_organization_id in roles_of(user)
            or source_manageable(user, obj.source)
        )

    def can_add(self, user, parent=None) -> bool:
        return source_manageable(user, parent)

    def can_change(self, user, obj) -> bool:
        return source_manageable(user, obj.source)

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user)

    def can_report(self, user, obj) -> bool:
        return has_role(user, obj.owner_organization_id, Role.EDITOR) or self.can_change(user, obj)


followup_policy = FollowUpPolicy()
