"""Followers told of posts and upcoming broadcasts: once, in their language, in the site, by
e-mail and through a messenger (a fake bot API on loopback); failures recorded and retried."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from hamafza.accounts.models import Notification
from hamafza.broadcast.models import BroadcastStatus, Visibility
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory
from hamafza.publishing import services_follows as services
from hamafza.publishing.models import DeliveryStatus, MessengerDelivery, Post
from hamafza.publishing.tasks import announcements_send, messenger_deliveries_send

from .factories import FollowFactory, MessengerAccountFactory, PostFactory, hours_from_now
from .fake_messenger import TOKENS, fake_messenger_running

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_messenger(settings):
    yield from fake_messenger_running(settings)


@pytest.fixture
def heyat():
    return OrganizationFactory(
        name="هیئت انصار الحسین",
        names={"fa": "هیئت انصار الحسین", "en": "Ansar al-Hussain Hey'at"},
    )


@pytest.fixture
def reader(heyat):
    """A follower who reads in English and has an e-mail address."""
    user = UserFactory(username="reader", email="reader@example.org", language="en")
    FollowFactory(user=user, organization=heyat)
    return user


@pytest.fixture
def persian_reader(heyat):
    """A follower with no language chosen: the site's (Persian)."""
    user = UserFactory(username="persian_reader", email="fa@example.org", language="")
    FollowFactory(user=user, organization=heyat)
    return user


def announce(capture) -> int:
    """Run the announcements as the Procfile's process does, with the after-commit work."""
    with capture(execute=True):
        return services.announcements_due_send()


# --- posts -----------------------------------------------------------------------------------


def test_a_follower_is_told_of_a_post_once_in_their_language_and_by_email(
    heyat, reader, persian_reader, django_capture_on_commit_callbacks
):
    post = PostFactory(organization=heyat, title="مراسم شب تاسوعا", summary="خلاصه")

    assert announce(django_capture_on_commit_callbacks) == 2
    assert announce(django_capture_on_commit_callbacks) == 0

    english = Notification.objects.get(user=reader)
    assert english.key == f"post:{post.pk}"
    assert english.title == "News from Ansar al-Hussain Hey'at: مراسم شب تاسوعا"
    assert english.body == "خلاصه"
    assert english.url == f"/news/{post.pk}/"
    persian = Notification.objects.get(user=persian_reader)
    assert "هیئت انصار الحسین" in persian.title
    assert sorted(m.to[0] for m in mail.outbox) == ["fa@example.org", "reader@example.org"]
    post.refresh_from_db()
    assert post.announced_at is not None


def test_a_follower_reads_the_version_in_their_language(
    heyat, reader, django_capture_on_commit_callbacks
):
    original = PostFactory(organization=heyat, title="خبر فارسی", language="fa")
    PostFactory(organization=heyat, translation_of=original, language="en", title="English news")

    announce(django_capture_on_commit_callbacks)

    (notification,) = Notification.objects.filter(user=reader)
    assert notification.key == f"post:{original.pk}"
    assert notification.title.endswith(": English news")
    assert not Post.objects.filter(announced_at__isnull=True).exists()


def test_a_draft_or_a_future_post_is_not_announced_until_due(
    heyat, reader, django_capture_on_commit_callbacks
):
    draft = PostFactory(organization=heyat, publish_at=None)
    later = PostFactory(organization=heyat, publish_at=hours_from_now(2))

    assert announce(django_capture_on_commit_callbacks) == 0
    assert not Notification.objects.exists()

    told = services.announcements_due_send(now=timezone.now() + datetime.timedelta(hours=3))

    assert told == 1
    assert Notification.objects.get().key == f"post:{later.pk}"
    draft.refresh_from_db()
    assert draft.announced_at is None


def test_a_network_post_is_marked_announced_and_told_to_nobody(
    reader, django_capture_on_commit_callbacks
):
    post = PostFactory(organization=None)

    assert announce(django_capture_on_commit_callbacks) == 0

    post.refresh_from_db()
    assert post.announced_at is not None
    assert not Notification.objects.exists()


def test_a_post_already_claimed_is_not_announced_again(heyat, reader):
    post = PostFactory(organization=heyat)
    Post.objects.filter(pk=post.pk).update(announced_at=timezone.now())

    assert services.post_announce(post=post) == 0
    assert not Notification.objects.exists()


def test_an_inactive_follower_is_not_told(heyat, django_capture_on_commit_callbacks):
    FollowFactory(organization=heyat, user=UserFactory(is_active=False, email="x@example.org"))
    PostFactory(organization=heyat)

    assert announce(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_task_announces(heyat, reader, django_capture_on_commit_callbacks):
    PostFactory(organization=heyat)
    with django_capture_on_commit_callbacks(execute=True):
        result = announcements_send.enqueue()
    assert result.return_value == 1
    assert Notification.objects.filter(user=reader).count() == 1


def test_a_post_published_through_the_service_is_announced_after_commit(
    heyat, reader, django_capture_on_commit_callbacks
):
    from hamafza.directory.models import Role
    from hamafza.directory.tests.factories import user_with_role
    from hamafza.publishing.services_posts import post_create

    editor = user_with_role(heyat, Role.EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            actor=editor,
            organization=heyat,
            language="fa",
            title="اطلاعیهٔ مراسم",
            publish_at=timezone.now(),
        )

    assert Notification.objects.get(user=reader).key == f"post:{post.pk}"
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]


# --- broadcasts ------------------------------------------------------------------------------


def test_a_broadcast_starting_tomorrow_is_announced_once(
    heyat, reader, django_capture_on_commit_callbacks
):
    broadcast = BroadcastFactory(
        channel=ChannelFactory(organization=heyat),
        title="مراسم شب عاشورا",
        titles={"en": "Ashura night"},
        scheduled_start=hours_from_now(20),
    )

    assert announce(django_capture_on_commit_callbacks) == 1
    assert announce(django_capture_on_commit_callbacks) == 0

    notification = Notification.objects.get(user=reader)
    assert notification.key == f"broadcast-upcoming:{broadcast.pk}"
    assert notification.title == "Ansar al-Hussain Hey'at will broadcast “Ashura night”"
    assert "It starts on" in notification.body
    assert notification.url == f"/broadcast/{broadcast.pk}/"
    assert len(mail.outbox) == 1


def test_a_broadcast_is_told_in_the_followers_calendar_and_digits(
    heyat, persian_reader, django_capture_on_commit_callbacks
):
    BroadcastFactory(channel=ChannelFactory(organization=heyat), scheduled_start=hours_from_now(5))

    announce(django_capture_on_commit_callbacks)

    body = Notification.objects.get(user=persian_reader).body
    assert any("۰" <= ch <= "۹" for ch in body)
    assert not any("0" <= ch <= "9" for ch in body)


def test_someone_who_follows_after_the_notice_is_told_before_the_start(
    heyat, reader, django_capture_on_commit_callbacks
):
    BroadcastFactory(channel=ChannelFactory(organization=heyat), scheduled_start=hours_from_now(10))
    announce(django_capture_on_commit_callbacks)
    latecomer = UserFactory(username="latecomer")
    FollowFactory(user=latecomer, organization=heyat)

    assert announce(django_capture_on_commit_callbacks) == 1

    assert Notification.objects.filter(user=reader).count() == 1
    assert Notification.objects.filter(user=latecomer).count() == 1


@pytest.mark.parametrize(
    "channel_values, broadcast_values",
    [
        ({"visibility": Visibility.MEMBERS}, {}),
        ({"is_active": False}, {}),
        ({}, {"status": BroadcastStatus.CANCELLED}),
        ({}, {"scheduled_start": None}),
    ],
)
def test_members_only_cancelled_or_unscheduled_broadcasts_are_not_announced(
    heyat, reader, django_capture_on_commit_callbacks, channel_values, broadcast_values
):
    values = {"scheduled_start": hours_from_now(3), **broadcast_values}
    BroadcastFactory(channel=ChannelFactory(organization=heyat, **channel_values), **values)

    assert announce(django_capture_on_commit_callbacks) == 0
    assert not Notification.objects.exists()


def test_a_broadcast_further_than_the_notice_is_announced_later(
    heyat, reader, settings, django_capture_on_commit_callbacks
):
    settings.HAMAFZA_BROADCAST_NOTICE_HOURS = 24
    BroadcastFactory(channel=ChannelFactory(organization=heyat), scheduled_start=hours_from_now(30))

    assert announce(django_capture_on_commit_callbacks) == 0
    assert services.announcements_due_send(now=hours_from_now(8)) == 1


# --- messengers ------------------------------------------------------------------------------


def test_messengers_off_by_default_send_nothing(heyat, reader, django_capture_on_commit_callbacks):
    MessengerAccountFactory(user=reader, messenger="telegram", chat_id="555")
    PostFactory(organization=heyat)

    announce(django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=reader).exists()
    assert not MessengerDelivery.objects.exists()
    assert services.deliveries_send() == 0


def test_a_follower_is_told_through_their_messenger(
    heyat, reader, fake_messenger, django_capture_on_commit_callbacks, settings
):
    settings.HAMAFZA_SITE_URL = "https://hamafza.example"
    MessengerAccountFactory(user=reader, messenger="telegram", chat_id="555")
    MessengerAccountFactory(user=reader, messenger="rubika", chat_id="u0abc")
    post = PostFactory(organization=heyat, title="مراسم", summary="خلاصه")

    announce(django_capture_on_commit_callbacks)
    announce(django_capture_on_commit_callbacks)

    sent = {seen.path: seen.json() for seen in fake_messenger.requests}
    text = (
        f"News from Ansar al-Hussain Hey'at: مراسم\n\nخلاصه\n\n"
        f"https://hamafza.example/news/{post.pk}/"
    )
    assert sent == {
        f"/bot{TOKENS['telegram']}/sendMessage": {"chat_id": "555", "text": text},
        f"/v3/{TOKENS['rubika']}/sendMessage": {"chat_id": "u0abc", "text": text},
    }
    assert set(MessengerDelivery.objects.values_list("status", "attempts")) == {
        (DeliveryStatus.SENT, 1)
    }


def test_a_failure_is_recorded_retried_and_then_given_up(
    heyat, reader, fake_messenger, settings, django_capture_on_commit_callbacks
):
    settings.HAMAFZA_MESSENGER_ATTEMPTS = 3
    MessengerAccountFactory(user=reader, messenger="telegram", chat_id="555")
    PostFactory(organization=heyat)
    fake_messenger.reply(500, {"ok": False, "description": "Internal Server Error"})

    announce(django_capture_on_commit_callbacks)

    delivery = MessengerDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.error == "HTTP 500: Internal Server Error"
    assert delivery.sent_at is None

    fake_messenger.reply(200, {"ok": False, "description": "Forbidden: bot was blocked"})
    fake_messenger.reply(200, raw=b"not json")
    assert services.deliveries_send() == 0
    assert services.deliveries_send() == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert delivery.error == "the answer is not JSON: not json"
    assert services.deliveries_send() == 0
    assert len(fake_messenger.requests) == 3


def test_a_retry_that_succeeds_marks_the_delivery_sent(
    heyat, reader, fake_messenger, django_capture_on_commit_callbacks
):
    MessengerAccountFactory(user=reader, messenger="eitaa", chat_id="@reader")
    PostFactory(organization=heyat)
    fake_messenger.reply(502)

    announce(django_capture_on_commit_callbacks)
    result = messenger_deliveries_send.enqueue()

    assert result.return_value == 1
    delivery = MessengerDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.SENT, 2, "")
    assert delivery.sent_at is not None


def test_a_messenger_turned_off_leaves_its_deliveries_pending(
    heyat, reader, fake_messenger, settings, django_capture_on_commit_callbacks
):
    MessengerAccountFactory(user=reader, messenger="bale", chat_id="42")
    PostFactory(organization=heyat)
    with django_capture_on_commit_callbacks(execute=False):
        services.announcements_due_send()
    settings.HAMAFZA_BALE_TOKEN = ""

    assert services.deliveries_send() == 0

    delivery = MessengerDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert fake_messenger.requests == []


def test_a_delivery_being_sent_elsewhere_is_left_alone_until_its_lease_ends(
    heyat, reader, fake_messenger, django_capture_on_commit_callbacks
):
    MessengerAccountFactory(user=reader, messenger="telegram", chat_id="1")
    PostFactory(organization=heyat)
    with django_capture_on_commit_callbacks(execute=False):
        services.announcements_due_send()
    MessengerDelivery.objects.update(sent_at=timezone.now())

    assert services.deliveries_send() == 0
    assert fake_messenger.requests == []

    # The sender died: once its lease has run out, the delivery is sent.
    MessengerDelivery.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=5))
    assert services.deliveries_send() == 1
    assert len(fake_messenger.requests) == 1


def test_the_command_runs_both(heyat, reader, fake_messenger, capsys):
    MessengerAccountFactory(user=reader, messenger="telegram", chat_id="1")
    PostFactory(organization=heyat)

    call_command("publishing_send")

    assert "1 followers told, 1 messenger deliveries sent" in capsys.readouterr().out
    assert MessengerDelivery.objects.get().status == DeliveryStatus.SENT


def test_a_coordinator_sends_failed_deliveries_again(
    heyat, reader, fake_messenger, settings, django_capture_on_commit_callbacks
):
    settings.HAMAFZA_MESSENGER_ATTEMPTS = 1
    MessengerAccountFactory(user=reader, messenger="telegram", chat_id="1")
    PostFactory(organization=heyat)
    fake_messenger.reply(401, {"ok": False, "description": "Unauthorized"})
    announce(django_capture_on_commit_callbacks)
    delivery = MessengerDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED

    with pytest.raises(PermissionDenied):
        services.deliveries_retry(actor=reader, deliveries=[delivery])
    with django_capture_on_commit_callbacks(execute=True):
        retried = services.deliveries_retry(
            actor=UserFactory(is_coordinator=True), deliveries=[delivery]
        )

    assert retried == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
