"""The people and organizations of the agreements' tests: follow-ups are their obligations."""

import pytest

from hamafza.agreements.tests.conftest import actors, office, partner, stranger
from hamafza.agreements.tests.factories import AgreementFactory
from hamafza.followups.tests.factories import FollowUpFactory

__all__ = ["actors", "office", "partner", "stranger"]


@pytest.fixture
def agreement(office, partner):
    """An MoU kept by the office, with the partner as a party."""
    return AgreementFactory(owner=office, parties=[partner])


@pytest.fixture
def followup(agreement, partner):
    """An obligation of the agreement, on the partner."""
    return FollowUpFactory(source=agreement, owner_organization=partner, number=1)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded evidence goes to this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
