"""Who may see and change follow-ups.

A follow-up is assigned from a source (an agreement, a meeting …). The app
that owns the source registers, through ``source_policy_register``, the
policy that says who manages its sources: they assign, edit and waive
follow-ups. The responsible organization's editors report progress and
mark their own items done. Coordinators do everything.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import has_role, roles_of

_SOURCE_POLICIES: dict[str, Policy] = {}
_SOURCE_MANAGED: dict[str, Callable[[Any], Any]] = {}
_SOURCE_CHANGED: dict[str, Callable[[int], Any]] = {}


def source_policy_register(
    model,
    policy: Policy,
    *,
    managed_ids: Callable[[Any], Any] | None = None,
    changed: Callable[[int], Any] | None = None,
) -> None:
    """``policy.allows(user, "change", source)`` decides who manages follow-ups of ``model``
    (``"view"``: who reads them). ``managed_ids(user)`` gives the ids (a values queryset or
    a list) of the sources of ``model`` the user manages, so that lists can show what a
    user assigned as well as what they are responsible for. ``changed(source_id)`` is
    called, inside the writing transaction, after any of a source's items changes."""
    _SOURCE_POLICIES[model._meta.label_lower] = policy
    if managed_ids is not None:
        _SOURCE_MANAGED[model._meta.label_lower] = managed_ids
    if changed is not None:
        _SOURCE_CHANGED[model._meta.label_lower] = changed


def source_items_changed(source_type: ContentType, source_id: int) -> None:
    """Tell the source's app that one of its items changed (see ``changed`` above)."""
    changed = _SOURCE_CHANGED.get(f"{source_type.app_label}.{source_type.model}")
    if changed is not None:
        changed(source_id)


def _source_allows(user, action: str, source: Any) -> bool:
    if source is None:
        return False
    policy = _SOURCE_POLICIES.get(source._meta.label_lower)
    return policy is not None and policy.allows(user, action, source)


def source_manageable(user, source: Any) -> bool:
    return is_coordinator(user) or _source_allows(user, "change", source)


def source_policy_for(source_type: ContentType) -> Policy | None:
    return _SOURCE_POLICIES.get(f"{source_type.app_label}.{source_type.model}")


def sources_managed_q(user) -> Q:
    """Follow-ups whose source the user manages (nothing for anonymous users)."""
    from django.apps import apps

    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for label, managed_ids in _SOURCE_MANAGED.items():
        model = apps.get_model(label)
        source_type = ContentType.objects.get_for_model(model)
        condition |= Q(source_type=source_type, source_id__in=managed_ids(user))
    return condition


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
            or _source_allows(user, "view", obj.source)
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
