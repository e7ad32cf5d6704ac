"""Who may read which figures.

The network dashboard shows aggregates only and is public. An
organization's statistics (members-only channels included) are for its
staff, from the viewer role up, and for the network's coordinators.
"""

from hamafza.core.permissions import Policy
from hamafza.directory.policies import organization_policy


class OrganizationStatisticsPolicy(Policy):
    """Reading one organization's statistics; nothing here is ever written."""

    actions = ("view",)

    def can_view(self, user, obj=None) -> bool:
        if obj is None:
            return False
        return organization_policy.is_staff(user, obj)


organization_statistics_policy = OrganizationStatisticsPolicy()
