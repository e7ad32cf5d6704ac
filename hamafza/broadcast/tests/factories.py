import factory
from django.utils import timezone

from hamafza.broadcast.models import Broadcast, BroadcastStatus, Channel, Visibility
from hamafza.directory.tests.factories import OrganizationFactory


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    organization = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"channel-{n}")
    name = factory.Sequence(lambda n: f"شبکه {n}")
    visibility = Visibility.PUBLIC


class BroadcastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Broadcast

    channel = factory.SubFactory(ChannelFactory)
    title = factory.Sequence(lambda n: f"مراسم عزاداری شب {n}")
    speaker = "حجت‌الاسلام رفیعی"
    status = BroadcastStatus.SCHEDULED
    scheduled_start = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(hours=2))
