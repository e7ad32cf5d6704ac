"""The ``dashboard_refresh`` command keeps each language's default dashboard computed."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamafza.directory.models import Organization, OrganizationKind
from hamafza.reports.tests.conftest import network_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fa", "ar", "en"])
def test_after_a_refresh_the_first_visitor_in_any_language_waits_for_no_figure(
    client, language, capsys
):
    # Given a network whose dashboard nobody has opened yet
    network_make(1)
    client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE=language)  # reference data
    cache.clear()

    # When the refresh runs (as the Procfile's ``reports`` process does)
    call_command("dashboard_refresh")

    # Then the first visitor's page counts nothing again, and shows the data
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]
    heyats = Organization.objects.filter(kind=OrganizationKind.HEYAT).count()
    assert heyats and response.context["report"].figure("heyats").value == heyats
    assert "3 views" in capsys.readouterr().out
