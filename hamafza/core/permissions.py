"""Permission policies: one object per model, asked alike by pages and the API.

A policy answers "may this user do this action on this object (or, for
``add``, inside this parent)?". Views call ``policy.check(...)``; the API's
``PolicyPermission`` reads the viewset's ``policy``. Nothing else decides.
"""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class Policy:
    """Base policy: read for everyone, write for nobody. Subclasses open it up."""

    actions: ClassVar[tuple[str, ...]] = ("view", "add", "change", "delete")

    def allows(self, user, action: str, obj: Any = None) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r}")
        return bool(getattr(self, f"can_{action}")(user, obj))

    def check(self, user, action: str, obj: Any = None) -> None:
        if not self.allows(user, action, obj):
            raise PermissionDenied(_("You do not have permission to do this."))

    def can_view(self, user, obj=None) -> bool:
        return True

    def can_add(self, user, parent=None) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return False

    def can_delete(self, user, obj) -> bool:
        return False


class _SystemActor:
    """The actor for trusted code (management commands, demo loaders, tasks).

    Services take an ``actor``; passing ``SYSTEM`` says "no person is acting;
    this write was decided by the code itself". Never derived from a request.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_coordinator = True
    is_anonymous = False
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _SystemActor()


def is_coordinator(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "is_coordinator", False))
    )


class PolicyPermission(permissions.BasePermission):
    """DRF permission that defers to the view's ``policy``.

    Safe methods ask ``view``; ``POST`` asks ``add`` with the view's
    ``policy_parent(request)`` (the organization the new row belongs to, when
    known before validation); ``PUT``/``PATCH`` ask ``change`` and ``DELETE``
    asks ``delete`` on the object. A view without a policy is read-only.
    """

    method_actions = {"PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view) -> bool:
        policy: Policy | None = getattr(view, "policy", None)
        if request.method in permissions.SAFE_METHODS:
            return policy is None or policy.can_view(request.user, None)
        if policy is None:
            return False
        if request.method == "POST" and getattr(view, "action", None) in (None, "create"):
            parent_of = getattr(view, "policy_parent", None)
            parent = parent_of(request) if parent_of else None
            return policy.can_add(request.user, parent)
        # Object-level checks follow; refuse anonymous writes early.
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        policy: Policy | None = getattr(view, "policy", None)
        if request.method in permissions.SAFE_METHODS:
            return policy is None or policy.can_view(request.user, obj)
        if policy is None:
            return False
        action = self.method_actions.get(request.method, getattr(view, "policy_action", "change"))
        return policy.allows(request.user, action, obj)
