"""Who may change what in the directory.

Rights come from a person's role in one organization (owner ⊃ editor ⊃
viewer) or from being a network coordinator. A user's roles are read once
per request (one query) and kept on the user object.
"""

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import ROLE_RANK, Membership, Role

_ROLES_ATTR = "_hamafza_roles"


def roles_of(user) -> dict[int, str]:
    """{organization id: role} for a signed-in user; empty for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return {}
    cached = getattr(user, _ROLES_ATTR, None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(person__user_id=user.pk).values_list(
                "organization_id", "role"
            )
        )
        setattr(user, _ROLES_ATTR, cached)
    return cached


def roles_forget(user) -> None:
    if user is not None and hasattr(user, _ROLES_ATTR):
        delattr(user, _ROLES_ATTR)


def has_role(user, organization_id: int | None, minimum: str) -> bool:
    if organization_id is None or not getattr(user, "is_active", False):
        return False
    role = roles_of(user).get(organization_id)
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]


def organization_ids_with_role(user, minimum: str) -> list[int]:
    return [org for org, role in roles_of(user).items() if ROLE_RANK[role] >= ROLE_RANK[minimum]]


class OrganizationRolePolicy(Policy):
    """A policy for rows that belong to one organization.

    ``organization_id_of(obj)`` names the organization; ``add`` is asked with
    the organization the new row will belong to. Editors write, owners also
    delete; coordinators do everything.
    """

    add_role = Role.EDITOR
    change_role = Role.EDITOR
    delete_role = Role.OWNER

    def organization_id_of(self, obj) -> int | None:
        return getattr(obj, "organization_id", None)

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        return parent is not None and has_role(user, getattr(parent, "pk", parent), self.add_role)

    def can_change(self, user, obj) -> bool:
        return is_coordinator(user) or has_role(
            user, self.organization_id_of(obj), self.change_role
        )

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user) or has_role(
            user, self.organization_id_of(obj), self.delete_role
        )


class OrganizationPolicy(OrganizationRolePolicy):
    """Anyone reads the directory. Coordinators register organizations, or an
    owner registers one under their own (``parent``); editors keep their
    organization's profile; owners manage its members; only coordinators delete."""

    add_role = Role.OWNER

    def organization_id_of(self, obj) -> int | None:
        return obj.pk

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user)

    def can_manage_members(self, user, obj) -> bool:
        return is_coordinator(user) or has_role(user, obj.pk, Role.OWNER)

    def is_staff(self, user, obj) -> bool:
        """Whether the user works for the organization (any role) or coordinates the network:
        who reads its internal figures (``reports``' statistics)."""
        return is_coordinator(user) or has_role(user, obj.pk, Role.VIEWER)


class MembershipPolicy(OrganizationRolePolicy):
    """Owners of an organization (and coordinators) manage who holds which role in it."""

    add_role = Role.OWNER
    change_role = Role.OWNER
    delete_role = Role.OWNER


class RelationPolicy(OrganizationRolePolicy):
    """A relation belongs to its source organization: its editors record it."""

    def organization_id_of(self, obj) -> int | None:
        return obj.source_id


class PersonPolicy(Policy):
    """Coordinators and the editors of any organization the person belongs to
    keep a person's record; people keep their own."""

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        if parent is not None:
            return has_role(user, getattr(parent, "pk", parent), Role.EDITOR)
        return bool(organization_ids_with_role(user, Role.EDITOR))

    def can_change(self, user, obj) -> bool:
        if is_coordinator(user):
            return True
        if getattr(user, "is_authenticated", False) and obj.user_id == user.pk:
            return True
        organization_ids = {m.organization_id for m in obj.memberships.all()}
        return any(has_role(user, org, Role.EDITOR) for org in organization_ids)

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user)

    def can_view_contact(self, user, obj) -> bool:
        return self.can_change(user, obj)


organization_policy = OrganizationPolicy()
membership_policy = MembershipPolicy()
relation_policy = RelationPolicy()
person_policy = PersonPolicy()
