import pytest

from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="هیئت محبان امام رضا (ع)", languages=["fa", "ur"])


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="مسجد جامع")


@pytest.fixture
def actors(db, organization, other_organization):
    """Everyone who might try to write to ``organization``."""
    return {
        "anonymous": None,
        "viewer": user_with_role(organization, Role.VIEWER, username="viewer"),
        "editor": user_with_role(organization, Role.EDITOR, username="editor"),
        "owner": user_with_role(organization, Role.OWNER, username="owner"),
        "other_editor": user_with_role(other_organization, Role.OWNER, username="other"),
        "coordinator": UserFactory(username="coordinator", is_coordinator=True),
    }
