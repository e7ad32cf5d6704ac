from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hamafza.events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from hamafza.core.services import hijri_correction_listener_register
        from hamafza.events.models import Event
        from hamafza.events.policies import event_policy
        from hamafza.followups.policies import source_policy_register

        # A conference's recommendations and a meeting's decisions are follow-ups that the
        # organizer's editors assign.
        source_policy_register(Event, event_policy, managed_ids=_events_managed)
        # A sighting correction moves the occasions and yearly events of its region.
        hijri_correction_listener_register(_month_corrected)


def _events_managed(user):
    from hamafza.directory.models import Role
    from hamafza.directory.policies import organization_ids_with_role
    from hamafza.events.models import Event

    return Event.objects.filter(
        organizer_id__in=organization_ids_with_role(user, Role.EDITOR)
    ).values("pk")


def _month_corrected(region: str, year: int, month: int) -> None:
    from hamafza.events.tasks import events_after_correction_task

    events_after_correction_task.enqueue(region=region, year=year, month=month)
