import datetime as dt

import pytest
from django.urls import reverse

from hamafza.directory.tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_calendar_choice_is_remembered_in_a_cookie(client):
    OrganizationFactory(last_active_on=dt.date(2025, 12, 5))
    response = client.post(reverse("calendar-set"), {"calendar": "lunar", "next": "/directory/"})
    assert response.status_code == 302 and response["Location"] == "/directory/"
    page = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # 5 December 2025 is 14 Jumada al-Thani 1447
    assert "1447" in page and "2025-12-05" in page


def test_signed_in_choice_is_saved_on_the_account(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("calendar-set"), {"calendar": "gregorian"})
    user.refresh_from_db()
    assert user.calendar == "gregorian"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_no_open_redirect(client, target):
    response = client.post(reverse("calendar-set"), {"calendar": "solar", "next": target})
    assert response["Location"] == "/"


def test_unknown_calendar_changes_nothing(client):
    response = client.post(reverse("calendar-set"), {"calendar": "julian"})
    assert "hamafza_calendar" not in response.cookies


def test_preferences_page_saves_and_validates(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:preferences")).status_code == 200
    response = client.post(
        reverse("accounts:preferences"),
        {"calendar": "solar", "lunar_region": "IQ", "time_zone": "Asia/Baghdad"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.calendar, user.lunar_region, user.time_zone) == ("solar", "IQ", "Asia/Baghdad")
    response = client.post(
        reverse("accounts:preferences"), {"calendar": "mayan", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert {"calendar", "time_zone"} <= set(response.context["form"].errors)
    user.refresh_from_db()
    assert user.calendar == "solar"


def test_preferences_need_sign_in(client):
    response = client.get(reverse("accounts:preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sign_in_page_and_wrong_password(client):
    UserFactory(username="ali")
    response = client.post(reverse("accounts:login"), {"username": "ali", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
