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
        source_policy_register(Agreement, agreement_policy)
        source_policy_register(Meeting, meeting_policy)
