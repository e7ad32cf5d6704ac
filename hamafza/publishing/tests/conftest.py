"""Fixtures of the publishing tests."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hamafza.directory.models import OrganizationKind, Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role

# --- news and announcements ------------------------------------------------------------------


@pytest.fixture
def post_org(db):
    """The organization whose news the tests write: Hey'at Online, in Iran."""
    return OrganizationFactory(
        name="مؤسسه هیئت آنلاین آزمایشی",
        names={"fa": "مؤسسه هیئت آنلاین آزمایشی", "en": "Test Hey'at Online"},
        kind=OrganizationKind.INSTITUTE,
    )


@pytest.fixture
def post_stranger_org(db):
    """Another organization, in Iraq: its staff may not write the first one's news."""
    from hamafza.core.models import Country

    return OrganizationFactory(
        name="العتبة الكاظمية المقدسة التجريبية",
        names={"ar": "العتبة الكاظمية المقدسة التجريبية", "en": "Test Kadhimiya shrine"},
        kind=OrganizationKind.SHRINE,
        country=Country.objects.get(code="IQ"),
    )


@pytest.fixture
def post_actors(db, post_org, post_stranger_org):
    """Everyone who might try to write a post: anonymous, the organization's editor and viewer,
    another organization's owner, and a coordinator."""
    return {
        "anonymous": AnonymousUser(),
        "editor": user_with_role(post_org, Role.EDITOR, username="news_editor"),
        "viewer": user_with_role(post_org, Role.VIEWER, username="news_viewer"),
        "stranger": user_with_role(post_stranger_org, Role.OWNER, username="news_stranger"),
        "coordinator": UserFactory(username="news_coordinator", is_coordinator=True),
    }


@pytest.fixture
def post_media(settings, tmp_path):
    """Uploaded pictures go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english():
    """Messages in English, for tests that read a refusal's text."""
    from django.utils import translation

    with translation.override("en"):
        yield
