"""Following and messenger accounts through the services: who may, and what is refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.publishing import services_follows as services
from hamafza.publishing.models import Follow, Messenger, MessengerAccount

from .factories import FollowFactory, MessengerAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return OrganizationFactory(name="هیئت محبان امام رضا")


@pytest.fixture
def people(organization):
    """Everyone who might act: anonymous, the organization's editor, another organization's
    owner, a coordinator, and a plain member of the public."""
    stranger = OrganizationFactory()
    return {
        "editor": user_with_role(organization, Role.EDITOR, username="editor"),
        "stranger_owner": user_with_role(stranger, Role.OWNER, username="stranger_owner"),
        "coordinator": UserFactory(username="coordinator", is_coordinator=True),
        "member": UserFactory(username="member"),
    }


# --- following -------------------------------------------------------------------------------


def test_anonymous_cannot_follow(organization):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.follow_create(actor=AnonymousUser(), organization=organization)
    assert not Follow.objects.exists()


@pytest.mark.parametrize("who", ["editor", "stranger_owner", "coordinator", "member"])
def test_anyone_signed_in_follows_any_organization(people, organization, who):
    follow = services.follow_create(actor=people[who], organization=organization)
    assert Follow.objects.get() == follow
    assert (follow.user, follow.organization) == (people[who], organization)


def test_an_inactive_user_cannot_follow(organization):
    user = UserFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.follow_create(actor=user, organization=organization)


def test_following_twice_is_a_clear_error(people, organization):
    services.follow_create(actor=people["member"], organization=organization)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.follow_create(actor=people["member"], organization=organization)

    assert caught.value.message_dict == {"organization": ["You already follow this organization."]}
    assert Follow.objects.count() == 1


@pytest.mark.parametrize("who", ["editor", "stranger_owner", "coordinator"])
def test_nobody_else_removes_a_users_follow(people, organization, who):
    follow = FollowFactory(user=people["member"], organization=organization)

    with pytest.raises(PermissionDenied):
        services.follow_delete(actor=people[who], follow=follow)
    assert Follow.objects.filter(pk=follow.pk).exists()


def test_a_user_removes_their_own_follow(people, organization):
    follow = FollowFactory(user=people["member"], organization=organization)
    services.follow_delete(actor=people["member"], follow=follow)
    assert not Follow.objects.exists()


# --- messenger accounts ----------------------------------------------------------------------


@pytest.fixture
def telegram_on(settings):
    settings.HAMAFZA_TELEGRAM_TOKEN = "123:abc"


def test_an_account_is_linked_on_a_messenger_that_is_on(people, telegram_on):
    account = services.messenger_account_add(
        actor=people["member"], messenger=Messenger.TELEGRAM, chat_id=" ۱۲۳۴۵۶ "
    )
    assert MessengerAccount.objects.get() == account
    assert (account.user, account.messenger, account.chat_id) == (
        people["member"],
        "telegram",
        "123456",
    )


def test_a_messenger_that_is_off_cannot_be_linked(people):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.messenger_account_add(
            actor=people["member"], messenger=Messenger.TELEGRAM, chat_id="123"
        )
    assert caught.value.message_dict == {
        "messenger": ["This messenger is not in use on this site."]
    }
    assert not MessengerAccount.objects.exists()


@pytest.mark.parametrize(
    "messenger, chat_id, field",
    [
        ("icq", "123", "messenger"),
        ("telegram", "", "chat_id"),
        ("telegram", "12 34", "chat_id"),
        ("telegram", "<script>", "chat_id"),
        ("telegram", "1" * 101, "chat_id"),
    ],
)
def test_bad_input_is_refused_on_its_field(people, telegram_on, messenger, chat_id, field):
    with pytest.raises(ValidationError) as caught:
        services.messenger_account_add(actor=people["member"], messenger=messenger, chat_id=chat_id)
    assert field in caught.value.message_dict
    assert not MessengerAccount.objects.exists()


def test_a_second_account_on_the_same_messenger_is_refused(people, telegram_on):
    MessengerAccountFactory(user=people["member"], messenger=Messenger.TELEGRAM)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.messenger_account_add(
            actor=people["member"], messenger=Messenger.TELEGRAM, chat_id="99"
        )
    assert caught.value.message_dict == {
        "messenger": ["You already linked an account on this messenger."]
    }


def test_anonymous_cannot_link_an_account(telegram_on):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.messenger_account_add(
            actor=AnonymousUser(), messenger=Messenger.TELEGRAM, chat_id="1"
        )


@pytest.mark.parametrize("who", ["editor", "stranger_owner", "coordinator"])
def test_nobody_else_removes_a_users_account(people, who):
    account = MessengerAccountFactory(user=people["member"])
    with pytest.raises(PermissionDenied):
        services.messenger_account_remove(actor=people[who], account=account)
    assert MessengerAccount.objects.filter(pk=account.pk).exists()


def test_a_user_removes_their_own_account(people):
    account = MessengerAccountFactory(user=people["member"])
    services.messenger_account_remove(actor=people["member"], account=account)
    assert not MessengerAccount.objects.exists()


# --- demo ------------------------------------------------------------------------------------


def test_the_demo_follows_load_once():
    from hamafza.directory import demo as directory_demo
    from hamafza.publishing import demo_follows

    directory_demo.load()

    made = demo_follows.load()

    assert made == Follow.objects.count() > 0
    assert Follow.objects.filter(user__username="viewer").count() == 4
    assert demo_follows.load() == 0
