import factory
from django.contrib.contenttypes.models import ContentType

from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.followups.models import FollowUp


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A follow-up of ``source`` (any saved model instance; default: a new organization)."""

    class Meta:
        model = FollowUp
        exclude = ("source",)

    source = factory.SubFactory(OrganizationFactory)
    source_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.source))
    source_id = factory.LazyAttribute(lambda o: o.source.pk)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"پیگیری مورد {n}")
    owner_organization = factory.SubFactory(OrganizationFactory)
