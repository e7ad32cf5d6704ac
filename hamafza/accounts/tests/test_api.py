"""The notifications API: each user reads and marks their own, nobody else's."""

import pytest
from rest_framework.test import APIClient

from hamafza.accounts.models import Notification
from hamafza.accounts.services import notification_send
from hamafza.directory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def people():
    reader, other = UserFactory(username="reader"), UserFactory(username="other")
    for number in range(3):
        notification_send(user=reader, key=f"event:{number}", title=f"خبر {number}", email=False)
    notification_send(user=other, key="event:0", title="خبر دیگری", email=False)
    return reader, other


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_each_user_reads_only_their_own(people):
    # given notifications for two users
    reader, other = people
    mine = list(Notification.objects.filter(user=reader).order_by("-created_at", "-id"))
    # then each lists their own, newest first, and another's is not found
    assert _ids(api(reader).get("/api/notifications/")) == [n.pk for n in mine]
    theirs = Notification.objects.get(user=other)
    assert api(reader).get(f"/api/notifications/{theirs.pk}/").status_code == 404
    assert api(other).get(f"/api/notifications/{theirs.pk}/").json()["title"] == "خبر دیگری"
    # and anonymous callers are refused
    assert api().get("/api/notifications/").status_code == 403
    assert api().post("/api/notifications/read/", {}, format="json").status_code == 403


def test_some_or_all_are_marked_read(people):
    # given three unread notifications
    reader, other = people
    first, *rest = Notification.objects.filter(user=reader).order_by("id")
    theirs = Notification.objects.get(user=other)
    client = api(reader)
    # when one of them, and another user's, are marked read
    response = client.post(
        "/api/notifications/read/", {"ids": [first.pk, theirs.pk]}, format="json"
    )
    # then only the caller's own is marked
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 1, "unread": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert _ids(client.get("/api/notifications/", {"unread": "1"})) == sorted(
        (n.pk for n in rest), reverse=True
    )
    assert _ids(client.get("/api/notifications/", {"unread": "0"})) == [first.pk]
    # and when all are marked, none is left unread
    assert client.post("/api/notifications/read/", {}, format="json").json() == {
        "marked": 2,
        "unread": 0,
    }
    assert not Notification.objects.filter(user=reader, read_at__isnull=True).exists()


@pytest.mark.parametrize(
    "body",
    [{"ids": "all"}, {"ids": ["abc"]}, {"ids": [10**30]}, {"ids": [0]}, {"ids": [None]}],
)
def test_bad_ids_are_field_errors(people, body):
    reader, _other = people
    response = api(reader).post("/api/notifications/read/", body, format="json")
    assert response.status_code == 400
    assert response.json()["ids"]
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_a_bad_filter_is_a_400(people):
    reader, _other = people
    response = api(reader).get("/api/notifications/", {"unread": "maybe"})
    assert response.status_code == 400 and "unread" in response.json()
