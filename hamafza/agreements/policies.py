"""Who may see and change agreements, reviews, prospects, committees and decrees.

Coordinators (the central office) write everything. The editors of the
office that keeps an agreement (its ``owner``) write that agreement and
what hangs from it. Staff of a party read the agreements they are party to
(and update their own follow-ups, see ``followups.policies``). Nothing here
is public: anonymous visitors see no agreement.
"""

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import has_role, roles_of


class _OwnedPolicy(Policy):
    """Rows kept by one office: coordinators and that office's editors write them."""

    def owner_id_of(self, obj) -> int | None:
        return obj.owner_id

    def readers_of(self, obj) -> set[int]:
        return {self.owner_id_of(obj)}

    def can_view(self, user, obj=None) -> bool:
        if is_coordinator(user):
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        if obj is None:
            return bool(roles_of(user))
        return bool(self.readers_of(obj) & set(roles_of(user)))

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        return parent is not None and has_role(user, getattr(parent, "pk", parent), Role.EDITOR)

    def can_change(self, user, obj) -> bool:
        return is_coordinator(user) or has_role(user, self.owner_id_of(obj), Role.EDITOR)

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user)


class AgreementPolicy(_OwnedPolicy):
    """``add`` is asked with the owning office."""

    def readers_of(self, obj) -> set[int]:
        return {obj.owner_id, *(party.organization_id for party in obj.parties.all())}


class AgreementPartOfPolicy(_OwnedPolicy):
    """Committees, documents and parties: as their agreement. ``add`` is asked with it."""

    def owner_id_of(self, obj) -> int | None:
        return obj.agreement.owner_id

    def readers_of(self, obj) -> set[int]:
        return AgreementPolicy().readers_of(obj.agreement)

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        return parent is not None and has_role(user, parent.owner_id, Role.EDITOR)


class MeetingPolicy(AgreementPartOfPolicy):
    """A committee's meetings: as the committee's agreement; its secretary records them too."""

    def owner_id_of(self, obj) -> int | None:
        return obj.committee.agreement.owner_id

    def readers_of(self, obj) -> set[int]:
        return AgreementPolicy().readers_of(obj.committee.agreement)

    def _is_secretary(self, user, committee) -> bool:
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        return person is not None and committee.secretary_id == person.pk

    def can_add(self, user, parent=None) -> bool:
        if parent is None:
            return is_coordinator(user)
        return (
            is_coordinator(user)
            or has_role(user, parent.agreement.owner_id, Role.EDITOR)
            or self._is_secretary(user, parent)
        )

    def can_change(self, user, obj) -> bool:
        return super().can_change(user, obj) or self._is_secretary(user, obj.committee)


class AppointmentPolicy(_OwnedPolicy):
    """Decrees belong to their issuer: its editors and coordinators keep them; the host reads."""

    def owner_id_of(self, obj) -> int | None:
        return obj.issuer_id

    def readers_of(self, obj) -> set[int]:
        return {obj.issuer_id, obj.host_id}


agreement_policy = AgreementPolicy()
agreement_part_policy = AgreementPartOfPolicy()
meeting_policy = MeetingPolicy()
review_policy = _OwnedPolicy()
prospect_policy = _OwnedPolicy()
appointment_policy = AppointmentPolicy()
