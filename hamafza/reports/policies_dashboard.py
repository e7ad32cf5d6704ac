"""Who may read which figures.

The network dashboard shows aggregates only and is public. An
organization's statistics (members-only channels included) are for its
staff, from the viewer role up, and for the network's coordinators.
"""

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import has_role


class OrganizationStatisticsPolicy(Policy):
    """Reading one organization's statistics; nothing here is ever written."""

    actions = ("view",)

    def can_view(self, user, obj=None) -> bool:
        if obj is None:
            return False
        return is_coordinator(user) or has_role(user, obj.pk, Role.VIEWER)


organization_statistics_policy = OrganizationStatisticsPolicy()
