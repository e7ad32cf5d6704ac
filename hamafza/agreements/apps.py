from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "hamafza.agreements"
    verbose_name = _("Agreements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from hamafza.agreements.models import Agreement, Meeting
        from hamafza.agreements.policies import agreement_policy, meeting_policy
        from hamafza.followups.policies import source_policy_register

        # An agreement's obligations and a meeting's decisions are follow-ups:
        # those who keep the agreement (or record the meeting) assign them.
        source_policy_register(
            Agreement,
            agreement_policy,
            managed_ids=_agreements_managed,
            changed=_agreement_obligations_changed,
        )
        source_policy_register(Meeting, meeting_policy, managed_ids=_meetings_managed)


def _agreement_obligations_changed(agreement_id: int) -> None:
    from hamafza.agreements.services import agreements_priority_refresh

    agreements_priority_refresh(ids=[agreement_id])


def _editor_organizations(user) -> list[int]:
    from hamafza.directory.models import Role
    from hamafza.directory.policies import organization_ids_with_role

    return organization_ids_with_role(user, Role.EDITOR)


def _agreements_managed(user):
    from hamafza.agreements.models import Agreement

    return Agreement.objects.filter(owner_id__in=_editor_organizations(user)).values("pk")


def _meetings_managed(user):
    from django.db.models import Q

    from hamafza.agreements.models import Meeting

    managed = Q(committee__agreement__owner_id__in=_editor_organizations(user))
    person_id = getattr(getattr(user, "person", None), "pk", None)
    if person_id is not None:
        managed |= Q(committee__secretary_id=person_id)
    return Meeting.objects.filter(managed).values("pk")
