"""Who may see and change volunteer groups, camps, distributions and service points.

- A group's own editors log its camps, distributions and other activity.
- The sponsoring body's editors register groups it sponsors and approve or
  reject their camps.
- A campaign's organizer (its editors) records distributions in it too.
- A service point's operator (its editors) keeps it and updates its status.
- Coordinators see and do everything. Anyone reads what is public: groups,
  approved camps, distributions, campaigns, service points.
"""

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import has_role


def _edits(user, organization_id: int | None) -> bool:
    return is_coordinator(user) or has_role(user, organization_id, Role.EDITOR)


class VolunteerGroupPolicy(Policy):
    """``add`` is asked with the sponsoring body."""

    actions = (*Policy.actions, "log")

    def can_add(self, user, parent=None) -> bool:
        return _edits(user, getattr(parent, "pk", parent))

    def can_change(self, user, obj) -> bool:
        return _edits(user, obj.organization_id) or _edits(user, obj.sponsor_id)

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user)

    def can_log(self, user, obj) -> bool:
        """Log the group's own activity."""
        return _edits(user, obj.organization_id)


class CampPolicy(Policy):
    """``add`` is asked with the group. Approved camps are public; the others are seen by the
    group, its sponsor and coordinators."""

    actions = (*Policy.actions, "decide")

    def can_view(self, user, obj=None) -> bool:
        if obj is None or obj.status == "approved":
            return True
        return self._group_staff(user, obj) or self._sponsor_staff(user, obj)

    def can_add(self, user, parent=None) -> bool:
        return parent is not None and _edits(user, parent.organization_id)

    def can_change(self, user, obj) -> bool:
        """The group edits its camp until it is decided; coordinators always."""
        if is_coordinator(user):
            return True
        return obj.status == "submitted" and has_role(user, obj.group.organization_id, Role.EDITOR)

    def can_delete(self, user, obj) -> bool:
        return self.can_change(user, obj)

    def can_decide(self, user, obj) -> bool:
        """Approve or reject: the sponsoring body's editors."""
        return _edits(user, obj.group.sponsor_id)

    @staticmethod
    def _group_staff(user, obj) -> bool:
        return is_coordinator(user) or has_role(user, obj.group.organization_id, Role.VIEWER)

    @staticmethod
    def _sponsor_staff(user, obj) -> bool:
        return has_role(user, obj.group.sponsor_id, Role.VIEWER)


class CampaignPolicy(Policy):
    """``add`` is asked with the organizer."""

    def can_add(self, user, parent=None) -> bool:
        return _edits(user, getattr(parent, "pk", parent))

    def can_change(self, user, obj) -> bool:
        return _edits(user, obj.organizer_id)

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user)


class DistributionPolicy(Policy):
    """``add`` is asked with a (campaign, group) pair: the group's editors or the campaign
    organizer's editors."""

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        if parent is None:
            return False
        campaign, group = parent
        return has_role(user, group.organization_id, Role.EDITOR) or has_role(
            user, campaign.organizer_id, Role.EDITOR
        )

    def can_change(self, user, obj) -> bool:
        return self.can_add(user, (obj.campaign, obj.group))

    def can_delete(self, user, obj) -> bool:
        return self.can_change(user, obj)


class ServicePointPolicy(Policy):
    """``add`` is asked with the operator. Its editors keep the point and set its status."""

    actions = (*Policy.actions, "status")

    def can_add(self, user, parent=None) -> bool:
        return _edits(user, getattr(parent, "pk", parent))

    def can_change(self, user, obj) -> bool:
        return _edits(user, obj.operator_id)

    def can_delete(self, user, obj) -> bool:
        return _edits(user, obj.operator_id)

    def can_status(self, user, obj) -> bool:
        return _edits(user, obj.operator_id)


group_policy = VolunteerGroupPolicy()
camp_policy = CampPolicy()
campaign_policy = CampaignPolicy()
distribution_policy = DistributionPolicy()
service_point_policy = ServicePointPolicy()
