"""The follow button, its pages, and the follower's own page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamafza.broadcast.tests.factories import ChannelFactory
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory
from hamafza.publishing.models import Follow, MessengerAccount

from .factories import FollowFactory, MessengerAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heyat():
    return OrganizationFactory(name="هیئت عزاداران حضرت ابوالفضل")


@pytest.fixture
def member(client):
    user = UserFactory(username="member")
    client.force_login(user)
    return user


def follow_url(organization) -> str:
    return reverse("publishing:follow", args=[organization.pk])


def unfollow_url(organization) -> str:
    return reverse("publishing:unfollow", args=[organization.pk])


# --- following -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_saved(client, heyat):
    response = client.post(follow_url(heyat))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Follow.objects.exists()


def test_anonymous_htmx_request_is_redirected_by_htmx(client, heyat):
    response = client.post(follow_url(heyat), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
    assert not Follow.objects.exists()


def test_following_goes_back_to_the_page_it_came_from(client, member, heyat):
    back = reverse("directory:detail", args=[heyat.pk]) + "?tab=1"

    response = client.post(follow_url(heyat), {"next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert Follow.objects.get().user == member


def test_an_outside_next_is_not_followed(client, member, heyat):
    response = client.post(follow_url(heyat), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("directory:detail", args=[heyat.pk])


def test_htmx_gets_the_button_back(client, member, heyat):
    response = client.post(follow_url(heyat), headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="follow-{heyat.pk}"' in html
    assert unfollow_url(heyat) in html
    assert "<html" not in html

    response = client.post(unfollow_url(heyat), headers={"HX-Request": "true"})

    assert follow_url(heyat) in response.content.decode()
    assert not Follow.objects.exists()


def test_following_twice_says_so_and_keeps_one(client, member, heyat):
    FollowFactory(user=member, organization=heyat)

    response = client.post(follow_url(heyat), follow=True, headers={"Accept-Language": "en"})

    assert "You already follow this organization." in response.content.decode()
    assert Follow.objects.count() == 1


def test_unfollowing_what_one_does_not_follow_changes_nothing(client, member, heyat):
    other = FollowFactory(organization=heyat)

    response = client.post(unfollow_url(heyat))

    assert response.status_code == 302
    assert list(Follow.objects.all()) == [other]


@pytest.mark.parametrize("organization_id", ["0", "99999999999999999999999"])
def test_an_id_that_names_nothing_is_not_found(client, member, organization_id):
    response = client.post(f"/news/follow/{organization_id}/")
    assert response.status_code == 404


def test_get_is_not_allowed(client, member, heyat):
    assert client.get(follow_url(heyat)).status_code == 405


# --- the button on other apps' pages ---------------------------------------------------------


def test_the_organization_page_has_the_button(client, heyat):
    FollowFactory(organization=heyat)
    page = client.get(
        reverse("directory:detail", args=[heyat.pk]), headers={"Accept-Language": "en"}
    )
    html = page.content.decode()
    assert "Sign in to follow" in html
    assert "1 follower" in html

    client.force_login(UserFactory())
    html = client.get(reverse("directory:detail", args=[heyat.pk])).content.decode()
    assert follow_url(heyat) in html


def test_the_channel_page_follows_the_channels_organization(client, member, heyat):
    channel = ChannelFactory(organization=heyat)
    FollowFactory(user=member, organization=heyat)

    html = client.get(reverse("broadcast:channel", args=[channel.pk])).content.decode()

    assert unfollow_url(heyat) in html


def test_the_button_costs_one_query(rf, heyat):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = UserFactory()
    template = Template("{% load follows %}{% follow_button organization %}")
    with CaptureQueriesContext(connection) as captured:
        template.render(Context({"request": request, "organization": heyat}))
    assert len(captured) == 1


# --- the follower's page ---------------------------------------------------------------------


def test_the_following_page_asks_to_sign_in(client):
    response = client.get(reverse("publishing:following"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_following_page_lists_own_follows_and_accounts(client, member, heyat):
    FollowFactory(user=member, organization=heyat)
    FollowFactory(organization=OrganizationFactory(name="هیئت دیگری که دنبال نمی‌کند"))
    MessengerAccountFactory(user=member, messenger="bale", chat_id="777")

    html = client.get(
        reverse("publishing:following"), headers={"Accept-Language": "en"}
    ).content.decode()

    assert reverse("directory:detail", args=[heyat.pk]) in html
    assert "هیئت دیگری" not in html
    assert "777" in html and "turned off on this site" in html
    assert "This site does not write to any messenger at present" in html
    assert 'id="messenger-form"' not in html


def queries_of_following_page(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("publishing:following")).status_code == 200
    return len(captured)


def test_the_following_page_does_not_grow_with_follows(client, member):
    FollowFactory(user=member)
    MessengerAccountFactory(user=member)
    queries_of_following_page(client)  # warm: the first request reads what stays cached
    few = queries_of_following_page(client)
    for _ in range(8):
        FollowFactory(user=member)
    assert queries_of_following_page(client) == few


@pytest.fixture
def telegram_on(settings):
    settings.HAMAFZA_TELEGRAM_TOKEN = "123:abc"


def test_linking_an_account(client, member, telegram_on):
    page = client.get(reverse("publishing:following"), headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert 'id="messenger-form"' in html and "This site can write to you on: Telegram." in html

    response = client.post(
        reverse("publishing:messenger-add"), {"messenger": "telegram", "chat_id": "123456"}
    )

    assert response.status_code == 302
    account = MessengerAccount.objects.get()
    assert (account.user, account.messenger, account.chat_id) == (member, "telegram", "123456")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"messenger": "telegram", "chat_id": "12 34"}, "A chat id is a number"),
        ({"messenger": "eitaa", "chat_id": "1"}, "Select a valid choice."),
        ({"messenger": "telegram"}, "This field is required."),
    ],
)
def test_bad_input_is_shown_on_the_form(client, member, telegram_on, data, message):
    response = client.post(
        reverse("publishing:messenger-add"), data, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MessengerAccount.objects.exists()


def test_removing_an_account(client, member):
    account = MessengerAccountFactory(user=member)
    response = client.post(reverse("publishing:messenger-remove", args=[account.pk]))
    assert response.status_code == 302
    assert not MessengerAccount.objects.exists()


def test_nobody_removes_another_users_account(client, member):
    account = MessengerAccountFactory()
    response = client.post(reverse("publishing:messenger-remove", args=[account.pk]))
    assert response.status_code == 403
    assert MessengerAccount.objects.filter(pk=account.pk).exists()


def test_removing_an_account_that_does_not_exist_is_not_found(client, member):
    response = client.post("/news/following/messengers/99999999999999999999999/remove/")
    assert response.status_code == 404


# --- the admin -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["follow", "messengeraccount", "messengerdelivery"])
def test_coordinators_read_follows_accounts_and_deliveries_in_the_admin(client, model):
    FollowFactory()
    MessengerAccountFactory()
    url = reverse(f"admin:publishing_{model}_changelist")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403

    client.force_login(UserFactory(is_staff=True, is_coordinator=True))

    assert client.get(url).status_code == 200


def test_the_admin_sends_failed_deliveries_again(client, django_capture_on_commit_callbacks):
    from hamafza.accounts.models import Notification
    from hamafza.publishing.models import DeliveryStatus, MessengerDelivery

    account = MessengerAccountFactory()
    notification = Notification.objects.create(user=account.user, key="k", title="t")
    delivery = MessengerDelivery.objects.create(
        notification=notification, account=account, status=DeliveryStatus.FAILED, attempts=5
    )
    client.force_login(UserFactory(is_staff=True, is_coordinator=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:publishing_messengerdelivery_changelist"),
            {"action": "deliveries_retry", "_selected_action": [delivery.pk]},
        )

    assert response.status_code == 302
    delivery.refresh_from_db()
    # Messengers are off: back in the queue, untried.
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
