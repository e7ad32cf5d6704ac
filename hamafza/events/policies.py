"""Who may see and change occasions, events, series and courses.

Everyone reads the calendar. The organizer's editors schedule, change and
cancel its events, record their outcomes and run its courses; owners delete.
Occasions are the network's shared calendar: coordinators keep them.
Enrolments: see ``EnrolmentPolicy``.
"""

from hamafza.core.permissions import Policy, is_coordinator
from hamafza.directory.models import Role
from hamafza.directory.policies import OrganizationRolePolicy, has_role


class OccasionPolicy(Policy):
    def can_add(self, user, parent=None) -> bool:
        return is_coordinator(user)

    def can_change(self, user, obj) -> bool:
        return is_coordinator(user)

    def can_delete(self, user, obj) -> bool:
        return is_coordinator(user)


class EventPolicy(OrganizationRolePolicy):
    """``add`` is asked with the organizer."""

    def organization_id_of(self, obj) -> int | None:
        return obj.organizer_id


class SeriesPolicy(EventPolicy):
    pass


class CoursePolicy(OrganizationRolePolicy):
    """A course is run by its event's organizer. ``add`` is asked with the organizer."""

    def organization_id_of(self, obj) -> int | None:
        return obj.event.organizer_id


class EnrolmentPolicy(Policy):
    """An organization's editors enrol its people (``add`` is asked with the organization that
    sends them); a signed-in person may apply for themself (``add`` with ``None`` is asked by
    ``enrolment_apply``); the course's organizer decides, records attendance and issues
    certificates (``change``). The person, the sending organization's staff and the
    organizer read an enrolment."""

    actions = (*Policy.actions, "withdraw")

    def can_view(self, user, obj=None) -> bool:
        if obj is None:
            return True
        if is_coordinator(user) or self._organizer(user, obj):
            return True
        if obj.organization_id is not None and has_role(user, obj.organization_id, Role.VIEWER):
            return True
        return self._is_person(user, obj)

    def can_add(self, user, parent=None) -> bool:
        if is_coordinator(user):
            return True
        if parent is None:
            return bool(getattr(user, "is_authenticated", False))
        return has_role(user, getattr(parent, "pk", parent), Role.EDITOR)

    def can_change(self, user, obj) -> bool:
        return is_coordinator(user) or self._organizer(user, obj)

    def can_delete(self, user, obj) -> bool:
        return self.can_change(user, obj)

    def can_withdraw(self, user, obj) -> bool:
        """The person, or the editors of the organization that sent them."""
        if self.can_change(user, obj) or self._is_person(user, obj):
            return True
        return obj.organization_id is not None and has_role(user, obj.organization_id, Role.EDITOR)

    @staticmethod
    def _organizer(user, obj) -> bool:
        return has_role(user, obj.course.event.organizer_id, Role.EDITOR)

    @staticmethod
    def _is_person(user, obj) -> bool:
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        return person is not None and person.pk == obj.person_id


occasion_policy = OccasionPolicy()
event_policy = EventPolicy()
series_policy = SeriesPolicy()
course_policy = CoursePolicy()
enrolment_policy = EnrolmentPolicy()
