import pytest

from hamafza.directory.models import OrganizationKind, Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.fieldops.tests.factories import (
    GroupOrganizationFactory,
    SponsorFactory,
    VolunteerGroupFactory,
)


@pytest.fixture
def sponsor(db):
    """The sponsoring body: it registers groups and approves their camps."""
    return SponsorFactory(name="مرکز مطالعات و هدایت حرکت‌های جهادی قم")


@pytest.fixture
def group_organization(db):
    """The directory organization of the volunteer group."""
    return GroupOrganizationFactory(name="گروه جهادی شهید آزمایشی")


@pytest.fixture
def group(db, group_organization, sponsor):
    """The registered group (construction and medical work)."""
    return VolunteerGroupFactory(
        organization=group_organization,
        sponsor=sponsor,
        registration_number="QOM-0001",
        fields=["construction", "medical"],
    )


@pytest.fixture
def operator(db):
    """The organization that runs service points (a mawkib's hey'at)."""
    return OrganizationFactory(name="موکب خدام الحسین آزمایشی", kind=OrganizationKind.HEYAT)


@pytest.fixture
def stranger(db):
    return OrganizationFactory(name="آستان مقدس کاظمین", kind=OrganizationKind.SHRINE)


@pytest.fixture
def actors(db, group_organization, sponsor, operator, stranger):
    """Everyone who might try to write: anonymous, the group's, sponsor's and operator's staff,
    another organization's owner, and a coordinator."""
    return {
        "anonymous": None,
        "group_editor": user_with_role(group_organization, Role.EDITOR, username="group_editor"),
        "sponsor_editor": user_with_role(sponsor, Role.EDITOR, username="sponsor_editor"),
        "operator_editor": user_with_role(operator, Role.EDITOR, username="operator_editor"),
        "operator_viewer": user_with_role(operator, Role.VIEWER, username="operator_viewer"),
        "stranger_owner": user_with_role(stranger, Role.OWNER, username="stranger_owner"),
        "coordinator": UserFactory(username="coordinator", is_coordinator=True),
    }


@pytest.fixture
def english():
    """Messages in English, for tests that read a refusal's text."""
    from django.utils import translation

    with translation.override("en"):
        yield
