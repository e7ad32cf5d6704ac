import pytest

from hamafza.directory.models import OrganizationKind, Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role


@pytest.fixture
def office(db):
    """The central office that keeps the agreements."""
    return OrganizationFactory(
        name="مرکز ارتباطات حوزه و نظام", kind=OrganizationKind.SEMINARY_OFFICE
    )


@pytest.fixture
def partner(db):
    return OrganizationFactory(name="سازمان تبلیغات اسلامی", kind=OrganizationKind.GOVERNMENT)


@pytest.fixture
def stranger(db):
    return OrganizationFactory(name="سازمان پدافند غیرعامل", kind=OrganizationKind.GOVERNMENT)


@pytest.fixture
def actors(db, office, partner, stranger):
    """Everyone who might try to write: anonymous, the office's staff, a party's staff,
    another organization's editor, and a coordinator."""
    return {
        "anonymous": None,
        "office_viewer": user_with_role(office, Role.VIEWER, username="office_viewer"),
        "office_editor": user_with_role(office, Role.EDITOR, username="office_editor"),
        "partner_editor": user_with_role(partner, Role.EDITOR, username="partner_editor"),
        "stranger_editor": user_with_role(stranger, Role.OWNER, username="stranger_editor"),
        "coordinator": UserFactory(username="coordinator", is_coordinator=True),
    }
