"""The notifications inbox: one's own messages, unread first, read one by one or all at once."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import Notification
from hamafza.accounts.services import notification_send
from hamafza.directory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INBOX = "accounts:notifications"
READ = "accounts:notifications-read"


def tell(user, key: str, *, title: str | None = None, url: str = "", ago: int = 0):
    notification_send(user=user, key=key, title=title or key, url=url, email=False)
    notification = Notification.objects.get(user=user, key=key)
    if ago:
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=ago)
        )
    return notification


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", email="reader@example.org")


@pytest.fixture
def other(db):
    return UserFactory(username="other")


def titles_on(response) -> list[str]:
    return [n.title for n in response.context["page"].object_list]


def test_anonymous_visitors_are_asked_to_sign_in(client):
    for response in (client.get(reverse(INBOX)), client.post(reverse(READ))):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_inbox_shows_ones_own_notifications_unread_first(client, reader, other):
    # Given notifications of the reader, read and unread, and one of someone else
    old_unread = tell(reader, "old-unread", ago=60)
    new_read = tell(reader, "new-read", ago=1)
    new_unread = tell(reader, "new-unread", ago=2)
    Notification.objects.filter(pk=new_read.pk).update(read_at=timezone.now())
    tell(other, "not-yours")
    # When the reader opens their inbox
    client.force_login(reader)
    response = client.get(reverse(INBOX), HTTP_ACCEPT_LANGUAGE="en")
    # Then they see only theirs: unread first (newest first), then read ones
    assert titles_on(response) == ["new-unread", "old-unread", "new-read"]
    content = response.content.decode()
    assert "not-yours" not in content
    # And unread ones stand out, with a way to mark each read
    for notification in (old_unread, new_unread):
        start = content.index(f'id="notification-{notification.pk}"')
        assert "list-group-item-warning" in content[start - 120 : start]
    assert f'name="id" value="{new_read.pk}"' not in content
    assert f'name="id" value="{new_unread.pk}"' in content
    # And the navigation counts the unread
    assert '<span class="badge text-bg-warning" aria-label="unread">2</span>' in content


def test_notifications_link_to_their_page_inside_the_site_only(client, reader):
    tell(reader, "inside", url="/followups/12/")
    tell(reader, "outside", url="https://evil.example/")
    tell(reader, "scheme", url="javascript:alert(1)")
    tell(reader, "protocol-relative", url="//evil.example/x")
    client.force_login(reader)
    content = client.get(reverse(INBOX)).content.decode()
    assert 'href="/followups/12/"' in content
    assert "evil.example" not in content
    assert "javascript:" not in content


def test_the_inbox_is_paged(client, reader):
    for n in range(35):
        tell(reader, f"n{n:02d}", ago=n)
    client.force_login(reader)
    first = client.get(reverse(INBOX))
    assert len(first.context["page"].object_list) == 30
    assert titles_on(first)[0] == "n00"
    second = client.get(reverse(INBOX), {"page": "2"})
    assert titles_on(second) == [f"n{n:02d}" for n in range(30, 35)]
    assert client.get(reverse(INBOX), {"page": "abc"}).status_code == 200
    assert client.get(reverse(INBOX), {"page": "999999999999999999999"}).status_code == 200


def test_the_inbox_costs_the_same_queries_at_any_size(client, reader):
    client.force_login(reader)

    def cost() -> int:
        cache.clear()  # a warm cache would hide growth
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(INBOX)).status_code == 200
        return len(captured)

    tell(reader, "first", url="/followups/1/")
    small = cost()
    for n in range(20):
        tell(reader, f"more-{n}", url=f"/followups/{n}/")
    assert cost() == small


def test_mark_all_read_reads_only_ones_own(client, reader, other):
    mine = [tell(reader, "a"), tell(reader, "b")]
    theirs = tell(other, "c")
    client.force_login(reader)
    response = client.post(reverse(READ))
    assert response.status_code == 302
    assert response["Location"] == reverse(INBOX)
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_one_notification_is_marked_read(client, reader):
    first, second = tell(reader, "first"), tell(reader, "second")
    client.force_login(reader)
    response = client.post(reverse(READ), {"id": str(first.pk), "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse(INBOX) + "?page=2"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None


def test_someone_elses_notification_cannot_be_marked_read(client, reader, other):
    theirs = tell(other, "theirs")
    mine = tell(reader, "mine")
    client.force_login(reader)
    client.post(reverse(READ), {"id": str(theirs.pk)})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=mine.pk).read_at is None


@pytest.mark.parametrize("typed", ["abc", "-1", "0", "99999999999999999999999", ""])
def test_ids_that_do_not_parse_mark_nothing(client, reader, typed):
    notification = tell(reader, "kept")
    client.force_login(reader)
    response = client.post(reverse(READ), {"id": typed})
    assert response.status_code == 302
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_marking_read_needs_a_post(client, reader):
    notification = tell(reader, "kept")
    client.force_login(reader)
    assert client.get(reverse(READ)).status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None
