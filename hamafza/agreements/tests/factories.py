import datetime

import factory
from django.utils import timezone

from hamafza.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementState,
    Appointment,
    Committee,
    CommitteeStatus,
    Meeting,
    Prospect,
    ReviewRound,
    Scope,
)
from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory


def kind(code: str = "mou") -> AgreementKind:
    return AgreementKind.objects.get(code=code)


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement written straight to the database (tests of services create theirs
    through the services). ``parties=[org, …]`` adds parties."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    kind = factory.LazyFunction(kind)
    code = factory.Sequence(lambda n: f"MOU-1404-{n:04d}")
    title = factory.Sequence(lambda n: f"تفاهم‌نامه همکاری شماره {n}")
    titles = factory.LazyAttribute(lambda o: {"en": f"Cooperation MoU {o.code}"})
    scope = Scope.NATIONAL
    owner = factory.SubFactory(OrganizationFactory)
    state = AgreementState.ACTIVE
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    effective_on = factory.LazyAttribute(lambda o: o.signed_on)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=700))
    notice_days = 90

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create and extracted:
            for organization in extracted:
                AgreementParty.objects.create(agreement=self, organization=organization)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    agreement = factory.SubFactory(AgreementFactory)
    name = factory.Sequence(lambda n: f"قرارگاه همکاری {n}")
    status = CommitteeStatus.ACTIVE


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    person = factory.SubFactory(PersonFactory)
    issuer = factory.SubFactory(OrganizationFactory)
    host = factory.SubFactory(OrganizationFactory)
    role = "نماینده حوزه"
    decree_number = factory.Sequence(lambda n: f"1404/{n:05d}")
    decree_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=300))
    valid_from = factory.LazyAttribute(lambda o: o.decree_date)
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=400))


class ProspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prospect

    organization = factory.SubFactory(OrganizationFactory)
    owner = factory.SubFactory(OrganizationFactory)


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRound

    title = factory.Sequence(lambda n: f"بازنگری تفاهم‌نامه‌ها {n}")
    owner = factory.SubFactory(OrganizationFactory)
