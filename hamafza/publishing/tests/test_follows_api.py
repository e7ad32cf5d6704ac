"""The API of follows and messenger accounts: own rows only, refusals in the caller's
language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.publishing.models import Follow, MessengerAccount

from .factories import FollowFactory, MessengerAccountFactory

pytestmark = pytest.mark.django_db

FOLLOWS = "/api/follows/"
ACCOUNTS = "/api/messenger-accounts/"


@pytest.fixture
def heyat():
    return OrganizationFactory()


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def member(api):
    user = UserFactory(username="member")
    api.force_authenticate(user)
    return user


@pytest.fixture
def telegram_on(settings):
    settings.HAMAFZA_TELEGRAM_TOKEN = "123:abc"


# --- anonymous -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [FOLLOWS, ACCOUNTS])
def test_anonymous_callers_are_refused(api, url):
    assert api.get(url).status_code == 403


def test_anonymous_cannot_follow(api, heyat):
    assert api.post(FOLLOWS, {"organization": heyat.pk}, format="json").status_code == 403
    assert not Follow.objects.exists()


def test_anonymous_cannot_link_an_account(api, telegram_on):
    response = api.post(ACCOUNTS, {"messenger": "telegram", "chat_id": "1"}, format="json")
    assert response.status_code == 403
    assert not MessengerAccount.objects.exists()


# --- follows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "stranger_owner", "coordinator"])
def test_staff_and_coordinators_follow_like_anyone(api, heyat, who):
    users = {
        "editor": lambda: user_with_role(heyat, Role.EDITOR),
        "stranger_owner": lambda: user_with_role(OrganizationFactory(), Role.OWNER),
        "coordinator": lambda: UserFactory(is_coordinator=True),
    }
    user = users[who]()
    api.force_authenticate(user)

    response = api.post(FOLLOWS, {"organization": heyat.pk}, format="json")

    assert response.status_code == 201
    assert Follow.objects.get().user == user


def test_follow_list_create_and_delete_own(api, member, heyat):
    FollowFactory()  # someone else's

    created = api.post(FOLLOWS, {"organization": heyat.pk}, format="json")

    assert created.status_code == 201
    assert created.json()["organization"] == heyat.pk
    listed = api.get(FOLLOWS).json()
    assert [row["organization"] for row in listed["results"]] == [heyat.pk]
    assert api.delete(f"{FOLLOWS}{created.json()['id']}/").status_code == 204
    assert not Follow.objects.filter(user=member).exists()


def test_a_second_follow_is_a_400_naming_the_field(api, member, heyat):
    FollowFactory(user=member, organization=heyat)

    response = api.post(FOLLOWS, {"organization": heyat.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"organization": ["You already follow this organization."]}


@pytest.mark.parametrize(
    "body", [{"organization": 999999999}, {"organization": "abc"}, {}, {"user": 1}]
)
def test_bad_follow_input_is_a_400(api, member, body):
    response = api.post(FOLLOWS, body, format="json")
    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_another_users_follow_cannot_be_read_or_deleted(api, member):
    follow = FollowFactory()

    assert api.get(f"{FOLLOWS}{follow.pk}/").status_code == 403
    assert api.delete(f"{FOLLOWS}{follow.pk}/").status_code == 403
    assert Follow.objects.filter(pk=follow.pk).exists()


def test_an_id_that_names_nothing_is_not_found(api, member):
    assert api.delete(f"{FOLLOWS}99999999999999999999999/").status_code == 404


def test_the_follow_list_does_not_grow_with_follows(api, member):
    FollowFactory(user=member)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(FOLLOWS).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(6):
        FollowFactory(user=member)
    assert queries() == few


# --- messenger accounts ----------------------------------------------------------------------


def test_linking_listing_and_removing_an_account(api, member, telegram_on):
    MessengerAccountFactory()  # someone else's

    created = api.post(ACCOUNTS, {"messenger": "telegram", "chat_id": "123"}, format="json")

    assert created.status_code == 201
    assert created.json()["messenger_label"] == "Telegram"
    assert [row["chat_id"] for row in api.get(ACCOUNTS).json()["results"]] == ["123"]
    assert api.delete(f"{ACCOUNTS}{created.json()['id']}/").status_code == 204
    assert not MessengerAccount.objects.filter(user=member).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"messenger": "bale", "chat_id": "1"}, "messenger"),  # off
        ({"messenger": "icq", "chat_id": "1"}, "messenger"),
        ({"messenger": "telegram", "chat_id": "a b"}, "chat_id"),
        ({"messenger": "telegram"}, "chat_id"),
    ],
)
def test_bad_account_input_is_a_400_on_its_field(api, member, telegram_on, body, field):
    response = api.post(ACCOUNTS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not MessengerAccount.objects.exists()


def test_another_users_account_cannot_be_deleted(api, member):
    account = MessengerAccountFactory()
    assert api.delete(f"{ACCOUNTS}{account.pk}/").status_code == 403
    assert MessengerAccount.objects.filter(pk=account.pk).exists()
