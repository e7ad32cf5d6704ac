"""Reminders: agreements entering renewal, decrees ending, overdue follow-ups, and agreements
past their date. Each event is told once, in the site and by e-mail, in the reader's language,
however often the reminders run."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from hamafza.accounts.models import Notification
from hamafza.agreements.models import AgreementState, AgreementTransition
from hamafza.agreements.services import reminders_send
from hamafza.agreements.tasks import reminders_send_task
from hamafza.agreements.tests.factories import AgreementFactory, AppointmentFactory
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import PersonFactory, UserFactory, user_with_role
from hamafza.followups.models import FollowUpStatus
from hamafza.followups.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def people(actors):
    """The actors with e-mail addresses and languages: the office's editor reads English,
    the partner's editor Persian."""
    languages = {"office_editor": "en", "partner_editor": "fa"}
    for who, user in actors.items():
        if user is None:
            continue
        user.email = f"{who}@example.org"
        user.language = languages.get(who, "")
        user.save(update_fields=["email", "language"])
    return actors


@pytest.fixture
def events(office, partner, stranger, settings):
    """One of each event due today, and their near misses."""
    settings.HAMAFZA_APPOINTMENT_EXPIRY_WARNING_DAYS = 30
    renewing = AgreementFactory(
        owner=office, parties=[partner], expires_on=days(30), notice_days=90
    )
    AgreementFactory(owner=office, expires_on=days(200), notice_days=90)  # not yet
    ending = AppointmentFactory(issuer=office, host=partner, valid_to=days(10))
    AppointmentFactory(issuer=office, host=partner, valid_to=days(45))  # beyond the warning
    AppointmentFactory(  # revoked: nothing to renew
        issuer=office, host=partner, valid_to=days(5), revoked_on=days(-1)
    )
    late = FollowUpFactory(source=renewing, owner_organization=partner, due_on=days(-3))
    FollowUpFactory(source=renewing, owner_organization=partner, due_on=days(3))  # not yet
    FollowUpFactory(  # done, however late
        source=renewing,
        owner_organization=partner,
        due_on=days(-3),
        status=FollowUpStatus.DONE,
    )
    return {"agreement": renewing, "appointment": ending, "followup": late}


def keys_of(user) -> set[str]:
    return {
        key.split(":")[0]
        for key in Notification.objects.filter(user=user).values_list("key", flat=True)
    }


def test_each_event_is_told_once_however_often_reminders_run(
    people, events, mailoutbox, django_capture_on_commit_callbacks
):
    # When the reminders run twice
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send()
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_send()
    # Then the first run told the office's editor of the renewal and the decree, and the
    # partner's editor of the overdue follow-up; the second told nobody
    assert (first.renewals, first.appointments, first.followups) == (1, 1, 1)
    assert (second.renewals, second.appointments, second.followups) == (0, 0, 0)
    assert keys_of(people["office_editor"]) == {"agreement-renewal", "appointment-expiry"}
    assert keys_of(people["partner_editor"]) == {"followup-overdue"}
    assert Notification.objects.count() == 3
    # And each was e-mailed once, to its reader
    assert sorted(message.to[0] for message in mailoutbox) == [
        "office_editor@example.org",
        "office_editor@example.org",
        "partner_editor@example.org",
    ]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_the_command_run_twice_tells_each_event_once(
    people, events, mailoutbox, django_capture_on_commit_callbacks
):
    # When the command runs twice
    outputs = []
    for _run in range(2):
        out = io.StringIO()
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            call_command("reminders_send", stdout=out)
        outputs.append(out.getvalue())
    # Then it says what it did, and the second time it did nothing
    assert "sent 1 renewal, 1 decree and 1 follow-up notifications" in outputs[0]
    assert "sent 0 renewal, 0 decree and 0 follow-up notifications" in outputs[1]
    assert Notification.objects.count() == 3
    assert len(mailoutbox) == 3


def test_the_task_sends_the_reminders_once_too(
    people, events, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send_task.enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_send_task.enqueue()
    assert first.return_value == {"expired": 0, "renewals": 1, "appointments": 1, "followups": 1}
    assert second.return_value == {"expired": 0, "renewals": 0, "appointments": 0, "followups": 0}
    assert len(mailoutbox) == 3


def test_every_is_a_positive_number_of_seconds():
    with pytest.raises(CommandError):
        call_command("reminders_send", "--every", "0", stdout=io.StringIO())


def test_users_of_other_organizations_and_viewers_get_nothing(people, events, stranger):
    # Given the stranger's own item, overdue
    FollowUpFactory(source=events["agreement"], owner_organization=stranger, due_on=days(-1))
    # When the reminders run
    reminders_send()
    # Then the stranger's editor hears only of their own item, and nobody else is told
    assert keys_of(people["stranger_editor"]) == {"followup-overdue"}
    assert Notification.objects.filter(user=people["partner_editor"]).count() == 1
    for who in ("office_viewer", "coordinator"):
        assert not Notification.objects.filter(user=people[who]).exists(), who


def test_the_responsible_people_are_told_too(people, office, partner, settings):
    # Given an agreement, a decree and an item naming a person who signs in
    person = PersonFactory(user=UserFactory(username="named", email="named@example.org"))
    agreement = AgreementFactory(owner=office, owner_person=person, expires_on=days(10))
    AppointmentFactory(issuer=office, person=person, valid_to=days(5))
    FollowUpFactory(
        source=agreement, owner_organization=partner, owner_person=person, due_on=days(-1)
    )
    # When the reminders run, then that person hears of all three
    reminders_send()
    assert keys_of(person.user) == {
        "agreement-renewal",
        "appointment-expiry",
        "followup-overdue",
    }


def test_notifications_speak_their_readers_language(
    people, events, office, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a second editor of the office who reads Persian
    persian = user_with_role(office, Role.EDITOR, username="persian_editor")
    persian.email, persian.language = "fa@example.org", "fa"
    persian.save(update_fields=["email", "language"])
    agreement = events["agreement"]
    # When the reminders run
    with translation.override("ar"), django_capture_on_commit_callbacks(execute=True):
        reminders_send()
    # Then the English reader's renewal notice is in English, with the English title
    english = Notification.objects.get(
        user=people["office_editor"], key__startswith="agreement-renewal"
    )
    assert english.title == f"Renewal due: {agreement.titles['en']}"
    assert english.body == f"{agreement.code} expires on {agreement.expires_on.isoformat()}."
    # And the Persian reader's is in Persian, with the Persian title
    farsi = Notification.objects.get(user=persian, key__startswith="agreement-renewal")
    with translation.override("fa"):
        expected = translation.gettext("Renewal due: %(title)s") % {"title": agreement.title}
    assert farsi.title == expected
    # And the e-mails carry the same subjects
    english_titles = set(
        Notification.objects.filter(user=people["office_editor"]).values_list("title", flat=True)
    )
    assert {m.subject for m in mailoutbox if m.to == ["office_editor@example.org"]} == (
        english_titles
    )
    assert farsi.title in {m.subject for m in mailoutbox if m.to == ["fa@example.org"]}


def test_a_user_without_a_language_reads_the_sites(people, events, stranger, settings):
    # Given the stranger's editor, who chose no language, and an overdue item of theirs
    settings.LANGUAGE_CODE = "en"
    FollowUpFactory(
        source=events["agreement"],
        owner_organization=stranger,
        due_on=days(-1),
        text="Send the quarterly report",
    )
    # When the reminders run (in another language), then they read the site's language
    with translation.override("fa"):
        reminders_send()
    notice = Notification.objects.get(user=people["stranger_editor"])
    assert notice.title == "Overdue follow-up: Send the quarterly report"


def test_an_agreement_past_its_expiry_becomes_expired(people, office):
    # Given an active agreement that expired yesterday
    past = AgreementFactory(owner=office, expires_on=days(-1))
    # When the reminders run
    report = reminders_send()
    # Then it is expired, the move is recorded, and no renewal is asked of it
    past.refresh_from_db()
    assert past.state == AgreementState.EXPIRED
    assert report.expired == 1
    move = AgreementTransition.objects.get(agreement=past)
    assert (move.from_state, move.to_state, move.actor) == ("active", "expired", None)
    assert not Notification.objects.filter(key__startswith=f"agreement-renewal:{past.pk}:")
    # And running again changes nothing more
    assert reminders_send().expired == 0
    assert AgreementTransition.objects.filter(agreement=past).count() == 1


def test_a_new_event_is_told_again(people, events, django_capture_on_commit_callbacks):
    # Given the reminders ran once
    reminders_send()
    followup, agreement = events["followup"], events["agreement"]
    appointment = events["appointment"]
    # When the follow-up's due date is moved and passes again, the agreement's expiry
    # moves (still within its notice period), and the decree's end moves
    followup.due_on = days(-1)
    followup.save(update_fields=["due_on"])
    agreement.expires_on = days(40)
    agreement.save(update_fields=["expires_on"])
    appointment.valid_to = days(20)
    appointment.save(update_fields=["valid_to"])
    report = reminders_send()
    # Then each is told again, once
    assert (report.renewals, report.appointments, report.followups) == (1, 1, 1)
    assert Notification.objects.filter(user=people["partner_editor"]).count() == 2
    assert Notification.objects.filter(user=people["office_editor"]).count() == 4
    assert reminders_send().followups == 0
