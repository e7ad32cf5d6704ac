import factory
from django.contrib.auth import get_user_model

from hamafza.core.models import Country, Language
from hamafza.directory.models import Membership, Organization, OrganizationKind, Person, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    kind = OrganizationKind.HEYAT
    name = factory.Sequence(lambda n: f"هیئت آزمایشی {n}")
    names = factory.LazyAttribute(
        lambda o: {"fa": o.name, "en": f"Test hey'at {o.name.split()[-1]}"}
    )
    country = factory.LazyFunction(lambda: Country.objects.get(code="IR"))

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.set(Language.objects.filter(code__in=extracted))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"شخص {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.VIEWER


def user_with_role(organization, role: str, **kwargs):
    """A user who holds ``role`` in ``organization``."""
    user = UserFactory(**kwargs)
    MembershipFactory(person=PersonFactory(user=user), organization=organization, role=role)
    return user
