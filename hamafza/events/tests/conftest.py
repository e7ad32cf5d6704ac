import pytest

from hamafza.directory.models import OrganizationKind, Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role


@pytest.fixture
def organizer(db):
    return OrganizationFactory(name="هیئت رزمندگان اسلام", kind=OrganizationKind.HEYAT)


@pytest.fixture
def stranger(db):
    return OrganizationFactory(name="آستان مقدس کاظمین", kind=OrganizationKind.SHRINE)


@pytest.fixture
def actors(db, organizer, stranger):
    """Everyone who might try to write: anonymous, the organizer's staff, another
    organization's owner, and a coordinator."""
    return {
        "anonymous": None,
        "organizer_viewer": user_with_role(organizer, Role.VIEWER, username="organizer_viewer"),
        "organizer_editor": user_with_role(organizer, Role.EDITOR, username="organizer_editor"),
        "organizer_owner": user_with_role(organizer, Role.OWNER, username="organizer_owner"),
        "stranger_owner": user_with_role(stranger, Role.OWNER, username="stranger_owner"),
        "coordinator": UserFactory(username="coordinator", is_coordinator=True),
    }


@pytest.fixture
def english():
    """Messages in English, for tests that read a refusal's text."""
    from django.utils import translation

    with translation.override("en"):
        yield
