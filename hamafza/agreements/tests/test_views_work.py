"""Pages for reviews, prospects, committees and decrees, for everyone who might use them."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.agreements import services
from hamafza.agreements.models import (
    Agreement,
    AgreementReview,
    AgreementState,
    Appointment,
    Committee,
    CommitteeMember,
    Meeting,
    Prospect,
    ProspectStatus,
    ReviewDecision,
    ReviewRound,
)
from hamafza.agreements.tests.factories import (
    AgreementFactory,
    AppointmentFactory,
    CommitteeFactory,
    MeetingFactory,
    ProspectFactory,
    ReviewRoundFactory,
    kind,
)
from hamafza.core.permissions import SYSTEM
from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory
from hamafza.followups.models import FollowUp
from hamafza.followups.selectors import followups_of

pytestmark = pytest.mark.django_db

LANGUAGES = [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")]
ACTORS = [
    "anonymous",
    "office_viewer",
    "office_editor",
    "partner_editor",
    "stranger_editor",
    "coordinator",
]
WRITERS = {"office_editor", "coordinator"}


def today():
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def typed(name: str, value: datetime.date) -> dict:
    """A date as a visitor types it, in the Gregorian calendar."""
    return {name: value.isoformat(), f"{name}_calendar": "gregorian"}


def as_actor(client, actors, who):
    if actors[who] is not None:
        client.force_login(actors[who])
    return client


def assert_refused(response, who):
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, response.status_code


def message_in(language: str, message: str, **params) -> str:
    """``message`` as the visitor reading ``language`` sees it."""
    with translation.override(language):
        text = translation.gettext(message)
        if params:
            text = text % {key: str(value) for key, value in params.items()}
    return text


# --- the world the pages work on -----------------------------------------------------------------


@pytest.fixture
def world(office, partner, stranger):
    """The office keeps an MoU with the partner, a round reviewing it, a prospect, a committee
    with a member and a meeting, and a decree placing a representative with the partner."""
    mou = AgreementFactory(owner=office, parties=[office, partner], code="MOU-1404-0001")
    spare = AgreementFactory(owner=office, parties=[office, partner], code="MOU-1404-0002")
    kept = AgreementFactory(owner=office, parties=[office, partner], code="MOU-1404-0003")
    round_ = ReviewRoundFactory(owner=office, title="بازنگری تفاهم‌نامه‌های پیشین")
    item = AgreementReview.objects.create(round=round_, agreement=mou)
    decided = AgreementReview.objects.create(
        round=round_, agreement=kept, decision=ReviewDecision.KEEP, reasoning="فعال است."
    )
    empty_round = ReviewRoundFactory(owner=office, title="دور خالی")
    body = OrganizationFactory(name="سازمان بسیج")
    prospect = ProspectFactory(owner=office, organization=body, assessment="نیاز به همکاری")
    committee = CommitteeFactory(agreement=mou, name="قرارگاه همکاری فرهنگی")
    secretary = PersonFactory(name="دبیر قرارگاه")
    CommitteeMember.objects.create(committee=committee, person=secretary, organization=office)
    newcomer = PersonFactory(name="عضو تازه")
    meeting = MeetingFactory(committee=committee, place="قم", minutes="صورت‌جلسه")
    meeting.attendees.set([secretary])
    services.meeting_record(
        actor=SYSTEM,
        committee=committee,
        held_on=days(-3),
        place="تهران",
        attendees=[secretary],
        decisions=[services.DecisionInput("تهیه برنامه مشترک", partner, None, days(30))],
    )
    representative = PersonFactory(name="نماینده حوزه")
    appointment = AppointmentFactory(
        issuer=office, host=partner, person=representative, decree_number="1404/00100"
    )
    return SimpleNamespace(
        mou=mou,
        spare=spare,
        kept=kept,
        round=round_,
        item=item,
        decided=decided,
        empty_round=empty_round,
        body=body,
        prospect=prospect,
        committee=committee,
        secretary=secretary,
        newcomer=newcomer,
        meeting=meeting,
        appointment=appointment,
        representative=representative,
    )


def pages(world) -> dict[str, str]:
    return {
        "review-list": reverse("agreements:review-list"),
        "review-create": reverse("agreements:review-create"),
        "review-detail": reverse("agreements:review-detail", args=[world.round.pk]),
        "review-decide": reverse("agreements:review-decide", args=[world.round.pk, world.item.pk]),
        "prospect-list": reverse("agreements:prospect-list"),
        "prospect-create": reverse("agreements:prospect-create"),
        "prospect-detail": reverse("agreements:prospect-detail", args=[world.prospect.pk]),
        "committee-list": reverse("agreements:committee-list"),
        "committee-create": reverse("agreements:committee-create", args=[world.mou.pk]),
        "committee-detail": reverse("agreements:committee-detail", args=[world.committee.pk]),
        "committee-edit": reverse("agreements:committee-edit", args=[world.committee.pk]),
        "meeting-create": reverse("agreements:meeting-create", args=[world.committee.pk]),
        "appointment-list": reverse("agreements:appointment-list"),
        "appointment-create": reverse("agreements:appointment-create"),
        "appointment-detail": reverse("agreements:appointment-detail", args=[world.appointment.pk]),
        "appointment-edit": reverse("agreements:appointment-edit", args=[world.appointment.pk]),
        "appointment-revoke": reverse("agreements:appointment-revoke", args=[world.appointment.pk]),
    }


# --- every page, in every language ---------------------------------------------------------------


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_every_page_speaks_the_language_in_its_direction(
    client, actors, world, language, direction
):
    # Given an editor of the office that keeps everything
    client.force_login(actors["office_editor"])
    for name, url in pages(world).items():
        # When they open each page in their language
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        # Then it answers in that language and its direction
        assert response.status_code == 200, name
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, name


def test_headings_follow_the_language(client, actors, world):
    client.force_login(actors["coordinator"])
    url = reverse("agreements:appointment-list")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Representative appointments" in english
    persian = client.get(url, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert message_in("fa", "Representative appointments") in persian


def test_dates_are_shown_in_the_visitors_calendar(client, actors, world):
    # Given a decree issued on 1404/01/01 (21 March 2025)
    world.appointment.decree_date = datetime.date(2025, 3, 21)
    world.appointment.save()
    client.force_login(actors["coordinator"])
    url = reverse("agreements:appointment-detail", args=[world.appointment.pk])
    # Then the Persian page shows it in the Solar Hijri calendar, the English one in Gregorian
    assert "۱ فروردین ۱۴۰۴" in client.get(url, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "21 March 2025" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize("who", ["anonymous", "partner_editor", "stranger_editor"])
def test_strangers_to_the_office_cannot_read_its_pages(client, actors, world, who):
    # Given someone who is neither the office's staff nor a coordinator
    as_actor(client, actors, who)
    details = [
        "review-detail",
        "prospect-detail",
        "appointment-detail" if who != "partner_editor" else None,
    ]
    # When they open the office's review round, prospect or decree
    for name in filter(None, details):
        # Then they are refused
        assert_refused(client.get(pages(world)[name]), who)


def test_a_party_reads_the_committee_and_the_host_reads_the_decree(client, actors, world):
    client.force_login(actors["partner_editor"])
    committee = client.get(reverse("agreements:committee-detail", args=[world.committee.pk]))
    assert committee.status_code == 200
    assert b"agreements/committees/%d/edit/" % world.committee.pk not in committee.content
    decree = client.get(reverse("agreements:appointment-detail", args=[world.appointment.pk]))
    assert decree.status_code == 200
    assert b"/revoke/" not in decree.content


@pytest.mark.parametrize(
    "name", ["review-list", "prospect-list", "committee-list", "appointment-list"]
)
def test_lists_show_only_what_the_visitor_may_see(client, actors, world, name):
    url = pages(world)[name]
    client.force_login(actors["stranger_editor"])
    assert len(client.get(url).context["page"].object_list) == 0
    client.force_login(actors["office_viewer"])
    assert len(client.get(url).context["page"].object_list) >= 1
    client.force_login(actors["coordinator"])
    assert len(client.get(url).context["page"].object_list) >= 1


@pytest.mark.parametrize(
    "url",
    [
        "/agreements/reviews/99999999999999999999999/",
        "/agreements/reviews/0/",
        "/agreements/prospects/99999999999999999999999/",
        "/agreements/committees/99999999999999999999999/",
        "/agreements/appointments/99999999999999999999999/",
        "/agreements/99999999999999999999999/committees/new/",
        "/agreements/reviews/1/items/99999999999999999999999/decide/",
    ],
)
def test_ids_out_of_range_are_not_found(client, actors, url):
    client.force_login(actors["coordinator"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"page": "9999"},
        {"page": "-1"},
        {"page": "۲"},
        {"page": "99999999999999999999999"},
        {"status": "<script>"},
        {"host": "abc"},
        {"host": "99999999999999999999999"},
        {"q": "\x00"},
    ],
)
@pytest.mark.parametrize(
    "name", ["review-list", "prospect-list", "committee-list", "appointment-list"]
)
def test_malformed_list_parameters_never_fail(client, actors, world, name, params):
    client.force_login(actors["coordinator"])
    assert client.get(pages(world)[name], params).status_code == 200


# --- every write, for everyone who might try it --------------------------------------------------


def _meeting_post(world, held_on):
    return {
        **typed("held_on", held_on),
        "place": "مشهد",
        "agenda": "برنامه محرم",
        "attendees": [world.secretary.pk],
        "decisions-TOTAL_FORMS": "1",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "20",
        "decisions-0-text": "برگزاری نشست مشترک",
        "decisions-0-owner_organization": str(world.mou.owner_id),
        "decisions-0-owner_person": "",
        **typed("decisions-0-due_on", days(20)),
    }


def _appointment_post(world, **values):
    data = {
        "person": str(world.representative.pk),
        "issuer": str(world.mou.owner_id),
        "host": str(world.body.pk),
        "role": "نماینده",
        "decree_number": "1404/777",
        **typed("decree_date", days(-10)),
        **typed("valid_from", days(-10)),
        **typed("valid_to", days(300)),
    }
    data.update(values)
    return data


WRITES = {
    "review-create": (
        lambda w: reverse("agreements:review-create"),
        lambda w: {"title": "دور تازه", "owner": str(w.mou.owner_id)},
        lambda w: ReviewRound.objects.count(),
    ),
    "review-add": (
        lambda w: reverse("agreements:review-add", args=[w.round.pk]),
        lambda w: {"agreement": w.spare.code},
        lambda w: w.round.reviews.count(),
    ),
    "review-decide": (
        lambda w: reverse("agreements:review-decide", args=[w.round.pk, w.item.pk]),
        lambda w: {"decision": "keep", "reasoning": "همکاری ادامه دارد."},
        lambda w: AgreementReview.objects.get(pk=w.item.pk).decision,
    ),
    "review-apply": (
        lambda w: reverse("agreements:review-apply", args=[w.round.pk, w.decided.pk]),
        lambda w: {},
        lambda w: AgreementReview.objects.get(pk=w.decided.pk).applied_at,
    ),
    "review-close": (
        lambda w: reverse("agreements:review-close", args=[w.empty_round.pk]),
        lambda w: {},
        lambda w: ReviewRound.objects.get(pk=w.empty_round.pk).closed_on,
    ),
    "prospect-create": (
        lambda w: reverse("agreements:prospect-create"),
        lambda w: {
            "organization": str(OrganizationFactory().pk),
            "owner": str(w.mou.owner_id),
            "assessment": "",
            "expected_benefit": "4",
        },
        lambda w: Prospect.objects.count(),
    ),
    "prospect-move": (
        lambda w: reverse("agreements:prospect-detail", args=[w.prospect.pk]),
        lambda w: {"status": "assessed", "assessment": "سنجیده شد", "expected_benefit": "5"},
        lambda w: Prospect.objects.get(pk=w.prospect.pk).status,
    ),
    "committee-create": (
        lambda w: reverse("agreements:committee-create", args=[w.mou.pk]),
        lambda w: {"name": "قرارگاه تازه", "status": "proposed"},
        lambda w: Committee.objects.count(),
    ),
    "committee-edit": (
        lambda w: reverse("agreements:committee-edit", args=[w.committee.pk]),
        lambda w: {"name": "نام تازه قرارگاه", "status": "active"},
        lambda w: Committee.objects.get(pk=w.committee.pk).name,
    ),
    "member-add": (
        lambda w: reverse("agreements:member-add", args=[w.committee.pk]),
        lambda w: {
            "person": str(w.newcomer.pk),
            "organization": str(w.mou.owner_id),
            "role": "عضو",
        },
        lambda w: w.committee.members.count(),
    ),
    "meeting-create": (
        lambda w: reverse("agreements:meeting-create", args=[w.committee.pk]),
        lambda w: _meeting_post(w, days(-1)),
        lambda w: Meeting.objects.count(),
    ),
    "appointment-create": (
        lambda w: reverse("agreements:appointment-create"),
        lambda w: _appointment_post(w),
        lambda w: Appointment.objects.count(),
    ),
    "appointment-edit": (
        lambda w: reverse("agreements:appointment-edit", args=[w.appointment.pk]),
        lambda w: _appointment_post(
            w, host=str(w.appointment.host_id), role="نقش تازه", decree_number="1404/00100"
        ),
        lambda w: Appointment.objects.get(pk=w.appointment.pk).role,
    ),
    "appointment-revoke": (
        lambda w: reverse("agreements:appointment-revoke", args=[w.appointment.pk]),
        lambda w: {**typed("revoked_on", today()), "revocation_reason": "پایان مأموریت"},
        lambda w: Appointment.objects.get(pk=w.appointment.pk).revoked_on,
    ),
}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_is_refused_to_all_but_the_office_editors_and_coordinators(
    client, actors, world, write, who
):
    url_of, data_of, state_of = WRITES[write]
    # Given the state before
    before = state_of(world)
    # When someone posts the write
    response = as_actor(client, actors, who).post(url_of(world), data_of(world))
    after = state_of(world)
    if who in WRITERS:
        # Then the office's editors and coordinators succeed
        assert response.status_code == 302, response.content.decode()[:3000]
        assert after != before
    else:
        # and everyone else is refused, with nothing changed
        assert_refused(response, who)
        assert after == before


@pytest.mark.parametrize("who", ["anonymous", "office_viewer"])
@pytest.mark.parametrize(
    "name",
    [
        "review-create",
        "review-decide",
        "prospect-create",
        "committee-create",
        "committee-edit",
        "meeting-create",
        "appointment-create",
        "appointment-edit",
        "appointment-revoke",
    ],
)
def test_write_forms_are_refused_to_those_who_cannot_write(client, actors, world, name, who):
    assert_refused(as_actor(client, actors, who).get(pages(world)[name]), who)


# --- bad input: a translated message, nothing saved ----------------------------------------------


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_decree_ending_before_it_starts_is_refused(client, actors, world, language):
    client.force_login(actors["office_editor"])
    before = Appointment.objects.count()
    # When the decree's validity ends before it starts
    response = client.post(
        reverse("agreements:appointment-create"),
        _appointment_post(world, **typed("valid_to", days(-20))),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # Then the form says so in the visitor's language, and nothing is saved
    assert response.status_code == 200
    expected = message_in(language, "The end of validity cannot come before its start.")
    assert expected in response.content.decode()
    assert Appointment.objects.count() == before


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_downgrade_to_a_heavier_kind_is_refused(client, actors, office, partner, language):
    # Given an agreement (lighter than an MoU) under review
    lighter = AgreementFactory(owner=office, parties=[office, partner], kind=kind("agreement"))
    round_ = ReviewRoundFactory(owner=office)
    review = AgreementReview.objects.create(round=round_, agreement=lighter)
    client.force_login(actors["coordinator"])
    # When the decision would "downgrade" it to an MoU
    response = client.post(
        reverse("agreements:review-decide", args=[round_.pk, review.pk]),
        {"decision": "downgrade", "reasoning": "سبک‌تر شود", "new_kind": kind("mou").pk},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # Then it is refused with the reason, and nothing is recorded
    assert response.status_code == 200
    with translation.override(language):
        name = kind("agreement").display_name()
    expected = message_in(language, "Choose a lighter kind than “%(kind)s”.", kind=name)
    assert expected in response.content.decode()
    assert "new_kind" in response.context["form"].errors
    assert AgreementReview.objects.get(pk=review.pk).decision == ReviewDecision.PENDING


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_decision_without_reasoning_is_refused(client, actors, world, language):
    client.force_login(actors["office_editor"])
    response = client.post(
        reverse("agreements:review-decide", args=[world.round.pk, world.item.pk]),
        {"decision": "terminate", "reasoning": "  "},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    expected = message_in(language, "Give the reasoning for the decision.")
    assert expected in response.content.decode()
    assert AgreementReview.objects.get(pk=world.item.pk).decision == ReviewDecision.PENDING


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_meeting_in_the_future_is_refused(client, actors, world, language):
    client.force_login(actors["office_editor"])
    meetings, followups = Meeting.objects.count(), FollowUp.objects.count()
    response = client.post(
        reverse("agreements:meeting-create", args=[world.committee.pk]),
        _meeting_post(world, days(2)),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    expected = message_in(language, "A meeting is recorded after it is held.")
    assert expected in response.content.decode()
    assert "held_on" in response.context["form"].errors
    assert (Meeting.objects.count(), FollowUp.objects.count()) == (meetings, followups)


def test_an_invalid_decision_saves_nothing(client, actors, world):
    client.force_login(actors["office_editor"])
    meetings, followups = Meeting.objects.count(), FollowUp.objects.count()
    # Given a meeting with one good decision and one without anyone responsible
    data = _meeting_post(world, days(-1))
    data.update(
        {
            "decisions-TOTAL_FORMS": "2",
            "decisions-1-text": "تصمیم بی‌مسئول",
            "decisions-1-owner_organization": "",
        }
    )
    response = client.post(
        reverse("agreements:meeting-create", args=[world.committee.pk]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # Then the decision's row shows the error, and neither the meeting nor any decision is saved
    assert response.status_code == 200
    assert response.context["decisions"].errors[1]["owner_organization"]
    assert (Meeting.objects.count(), FollowUp.objects.count()) == (meetings, followups)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_illegal_move_of_a_prospect_is_refused(client, actors, world, language):
    client.force_login(actors["office_editor"])
    # When a prospect just identified is marked signed
    response = client.post(
        reverse("agreements:prospect-detail", args=[world.prospect.pk]),
        {"status": "signed", "assessment": "", "expected_benefit": "3", "agreement": ""},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # Then the move is refused with its reason, and the prospect stays as it was
    assert response.status_code == 200
    with translation.override(language):
        current = str(ProspectStatus.IDENTIFIED.label)
        target = str(ProspectStatus.SIGNED.label)
    expected = message_in(
        language,
        "A prospect that is “%(current)s” cannot become “%(target)s”.",
        current=current,
        target=target,
    )
    assert expected in response.content.decode()
    assert Prospect.objects.get(pk=world.prospect.pk).status == ProspectStatus.IDENTIFIED


def test_a_decree_number_and_dates_typed_in_persian_digits_and_the_solar_calendar(
    client, actors, world
):
    client.force_login(actors["office_editor"])
    response = client.post(
        reverse("agreements:appointment-create"),
        _appointment_post(
            world,
            decree_number="۱۴۰۴/۵۵۵",
            decree_date="۱۴۰۴/۰۱/۰۱",
            decree_date_calendar="solar",
            valid_from="۱۴۰۴/۰۱/۰۱",
            valid_from_calendar="solar",
            valid_to="1405/01/01",
            valid_to_calendar="solar",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment = Appointment.objects.get(decree_number="1404/555")
    assert appointment.decree_date == datetime.date(2025, 3, 21)
    assert appointment.valid_to == datetime.date(2026, 3, 21)


# --- reviews -------------------------------------------------------------------------------------


def test_a_round_is_opened_with_agreements_chosen_and_typed_by_code(client, actors, world):
    client.force_login(actors["office_editor"])
    response = client.post(
        reverse("agreements:review-create"),
        {
            "title": "بازنگری ۲۲ تفاهم‌نامه",
            "owner": str(world.mou.owner_id),
            **typed("due_on", days(60)),
            "agreements": [world.mou.pk],
            "codes": "mou-1404-0002، MOU-1404-0003",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    round_ = ReviewRound.objects.get(title="بازنگری ۲۲ تفاهم‌نامه")
    codes = set(round_.reviews.values_list("agreement__code", flat=True))
    assert codes == {"MOU-1404-0001", "MOU-1404-0002", "MOU-1404-0003"}
    assert round_.due_on == days(60)


def test_a_round_with_an_unknown_or_draft_agreement_saves_nothing(client, actors, world, office):
    draft = AgreementFactory(owner=office, state=AgreementState.DRAFT, code="MOU-DRAFT-1")
    client.force_login(actors["office_editor"])
    before = ReviewRound.objects.count()
    response = client.post(
        reverse("agreements:review-create"),
        {"title": "دور", "owner": str(office.pk), "codes": f"{draft.code} NO-SUCH-CODE"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "NO-SUCH-CODE" in response.content.decode()
    assert "codes" in response.context["form"].errors
    assert ReviewRound.objects.count() == before


def test_the_round_shows_every_agreement_with_its_decision(client, actors, world):
    client.force_login(actors["office_viewer"])
    response = client.get(
        reverse("agreements:review-detail", args=[world.round.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert "MOU-1404-0001" in content and "MOU-1404-0003" in content
    assert "Keep as it is" in content and "فعال است." in content
    # A viewer reads it but is offered no action
    assert "/decide/" not in content and "/apply/" not in content


def test_downgrading_through_the_pages_links_the_successor(client, actors, world):
    # Given the coordinator records "downgrade to an agreement" for the MoU
    client.force_login(actors["coordinator"])
    decide = reverse("agreements:review-decide", args=[world.round.pk, world.item.pk])
    response = client.post(
        decide,
        {
            "decision": "downgrade",
            "reasoning": "پیگیری‌پذیر نیست.",
            "new_kind": kind("agreement").pk,
        },
    )
    assert response.status_code == 302
    # When the decision is applied
    apply = reverse("agreements:review-apply", args=[world.round.pk, world.item.pk])
    assert client.post(apply).status_code == 302
    # Then the MoU is downgraded and its successor, an agreement, is linked from the round
    review = AgreementReview.objects.select_related("agreement", "result__kind").get(
        pk=world.item.pk
    )
    assert review.agreement.state == AgreementState.DOWNGRADED
    assert review.result.kind.code == "agreement" and review.result.replaces_id == world.mou.pk
    content = client.get(
        reverse("agreements:review-detail", args=[world.round.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Downgraded" in content
    assert f'href="{reverse("agreements:detail", args=[review.result.pk])}"' in content


def test_applying_an_undecided_item_says_why(client, actors, world):
    client.force_login(actors["coordinator"])
    response = client.post(
        reverse("agreements:review-apply", args=[world.round.pk, world.item.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Decide before applying." in response.content.decode()
    assert AgreementReview.objects.get(pk=world.item.pk).applied_at is None


def test_a_round_with_decisions_not_applied_stays_open(client, actors, world):
    client.force_login(actors["coordinator"])
    response = client.post(
        reverse("agreements:review-close", args=[world.round.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Apply every decision before closing the round." in response.content.decode()
    assert ReviewRound.objects.get(pk=world.round.pk).closed_on is None


def test_a_closed_round_offers_no_more_actions(client, actors, world):
    # Given the coordinator closes a round
    client.force_login(actors["coordinator"])
    close = reverse("agreements:review-close", args=[world.empty_round.pk])
    assert client.post(close).status_code == 302
    # Then its page no longer offers to add, decide, apply or close
    url = reverse("agreements:review-detail", args=[world.empty_round.pk])
    content = client.get(url).content.decode()
    for action in ("review-add", "review-close"):
        assert reverse(f"agreements:{action}", args=[world.empty_round.pk]) not in content


def test_adding_an_agreement_twice_is_refused(client, actors, world):
    client.force_login(actors["coordinator"])
    response = client.post(
        reverse("agreements:review-add", args=[world.round.pk]),
        {"agreement": world.mou.code},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This agreement is already in the round." in response.content.decode()
    assert world.round.reviews.count() == 2


# --- prospects -----------------------------------------------------------------------------------


def test_prospects_filter_by_status(client, actors, world, office):
    ProspectFactory(owner=office, status=ProspectStatus.DROPPED)
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:prospect-list")
    assert len(client.get(url).context["page"].object_list) == 2
    dropped = client.get(url, {"status": "dropped"}).context["page"].object_list
    assert [p.status for p in dropped] == ["dropped"]


def test_a_prospect_is_signed_with_its_agreement(client, actors, world):
    Prospect.objects.filter(pk=world.prospect.pk).update(status=ProspectStatus.DRAFTING)
    client.force_login(actors["office_editor"])
    response = client.post(
        reverse("agreements:prospect-detail", args=[world.prospect.pk]),
        {
            "status": "signed",
            "assessment": "سنجیده",
            "expected_benefit": "5",
            "agreement": "mou-1404-0002",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    prospect = Prospect.objects.get(pk=world.prospect.pk)
    assert (prospect.status, prospect.agreement_id) == (ProspectStatus.SIGNED, world.spare.pk)


# --- committees ----------------------------------------------------------------------------------


def test_a_meeting_is_recorded_with_attendance_and_decisions_as_follow_ups(client, actors, world):
    client.force_login(actors["office_editor"])
    data = _meeting_post(world, days(-1))
    data.update(
        {
            "decisions-TOTAL_FORMS": "3",
            "decisions-1-text": "تهیه گزارش",
            "decisions-1-owner_organization": str(world.mou.parties.last().organization_id),
            "decisions-1-owner_person": "دبیر قرارگاه",  # by a name only one person has
            **typed("decisions-1-due_on", days(10)),
            # the third row left empty is skipped
        }
    )
    response = client.post(reverse("agreements:meeting-create", args=[world.committee.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(place="مشهد")
    assert list(meeting.attendees.all()) == [world.secretary]
    items = list(followups_of(meeting))
    assert [(i.number, i.text) for i in items] == [(1, "برگزاری نشست مشترک"), (2, "تهیه گزارش")]
    assert items[1].owner_person == world.secretary
    # And the committee's page shows the decisions under the meeting
    content = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "تهیه گزارش" in content and reverse("followups:detail", args=[items[1].pk]) in content


def test_a_committee_is_formed_with_its_secretary_and_names(client, actors, world):
    client.force_login(actors["coordinator"])
    response = client.post(
        reverse("agreements:committee-create", args=[world.mou.pk]),
        {
            "name": "قرارگاه رسانه",
            "name_en": "Media headquarters",
            "secretary": str(world.secretary.pk),
            "status": "active",
            **typed("established_on", days(-5)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    committee = Committee.objects.get(name="قرارگاه رسانه")
    assert committee.names == {"en": "Media headquarters"}
    assert committee.secretary == world.secretary
    assert committee.established_on == days(-5)


def test_an_active_committee_needs_an_active_agreement(client, actors, office, partner):
    draft = AgreementFactory(owner=office, parties=[office, partner], state=AgreementState.DRAFT)
    client.force_login(actors["coordinator"])
    response = client.post(
        reverse("agreements:committee-create", args=[draft.pk]),
        {"name": "قرارگاه", "status": "active"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Only an active agreement can have an active committee." in response.content.decode()
    assert not Committee.objects.filter(agreement=draft).exists()


def test_committees_filter_by_status(client, actors, world):
    CommitteeFactory(agreement=world.spare, status="dormant")
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:committee-list")
    rows = client.get(url, {"status": "dormant"}).context["page"].object_list
    assert [c.status for c in rows] == ["dormant"]


# --- appointments --------------------------------------------------------------------------------


def test_appointments_filter_by_status_host_and_text(client, actors, world, office):
    ended = AppointmentFactory(issuer=office, valid_to=days(-1), decree_number="OLD-1")
    soon = AppointmentFactory(issuer=office, valid_to=days(10), decree_number="SOON-1")
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:appointment-list")

    def numbers(params):
        return {a.decree_number for a in client.get(url, params).context["page"].object_list}

    assert numbers({"status": "expired"}) == {ended.decree_number}
    assert numbers({"status": "expiring"}) == {soon.decree_number}
    assert numbers({"host": str(world.appointment.host_id)}) == {"1404/00100"}
    assert numbers({"q": "SOON"}) == {"SOON-1"}


def test_a_revoked_decree_shows_its_status_and_history(client, actors, world):
    client.force_login(actors["office_editor"])
    response = client.post(
        reverse("agreements:appointment-revoke", args=[world.appointment.pk]),
        {**typed("revoked_on", today()), "revocation_reason": "پایان مأموریت"},
    )
    assert response.status_code == 302
    response = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["status"] == "revoked"
    assert len(response.context["history"]) == 2
    content = response.content.decode()
    assert "Revoked" in content and "پایان مأموریت" in content
    # and its history reads in the visitor's language
    page = client.get(response.request["PATH_INFO"], HTTP_ACCEPT_LANGUAGE="fa")
    assert [str(row["kind"]) for row in page.context["history"]] == ["تغییر کرد", "ثبت شد"]
    assert "Changed" not in page.content.decode()


def test_revoking_without_a_reason_is_refused(client, actors, world):
    client.force_login(actors["office_editor"])
    response = client.post(
        reverse("agreements:appointment-revoke", args=[world.appointment.pk]),
        {**typed("revoked_on", today()), "revocation_reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Say why the decree is revoked." in response.content.decode()
    assert Appointment.objects.get(pk=world.appointment.pk).revoked_on is None


# --- exports -------------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def _xlsx_rows(response) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("agreements:prospect-export", "سازمان بسیج"),
        ("agreements:committee-export", "قرارگاه همکاری فرهنگی"),
        ("agreements:appointment-export", "1404/00100"),
    ],
)
def test_exports_parse_back(client, actors, world, name, expected):
    client.force_login(actors["office_viewer"])
    csv_rows = _csv_rows(client.get(reverse(name, args=["csv"]), HTTP_ACCEPT_LANGUAGE="fa"))
    xlsx_rows = _xlsx_rows(client.get(reverse(name, args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="fa"))
    assert len(csv_rows) == len(xlsx_rows) == 2
    assert expected in csv_rows[1]
    assert expected in xlsx_rows[1]
    assert client.get(reverse(name, args=["pdf"])).status_code == 404


def test_the_review_rounds_export(client, actors, world):
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:review-list-export", args=["csv"])
    rows = _csv_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[0][:2] == ["Title", "Responsible office"]
    assert {row[0] for row in rows[1:]} == {world.round.title, world.empty_round.title}
    xlsx = reverse("agreements:review-list-export", args=["xlsx"])
    assert len(_xlsx_rows(client.get(xlsx))) == 3
    client.force_login(actors["stranger_editor"])
    assert len(_csv_rows(client.get(url))) == 1  # the titles only


def test_a_round_exports_its_decisions(client, actors, world):
    # Given a round with one decided and one pending agreement, read by the office
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:review-export", args=[world.round.pk, "csv"])
    # When it is exported in English
    rows = _csv_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    # Then each agreement comes with its decision, the same in XLSX
    decisions = {row[0]: row[4] for row in rows[1:]}
    assert decisions == {"MOU-1404-0001": "Not decided yet", "MOU-1404-0003": "Keep as it is"}
    xlsx = reverse("agreements:review-export", args=[world.round.pk, "xlsx"])
    assert len(_xlsx_rows(client.get(xlsx))) == 3
    # and others may not read it
    client.force_login(actors["stranger_editor"])
    assert client.get(url).status_code in (403, 404)


def test_an_export_follows_the_filters_and_the_visitor(client, actors, world, office):
    ProspectFactory(owner=office, status=ProspectStatus.DROPPED)
    client.force_login(actors["office_viewer"])
    url = reverse("agreements:prospect-export", args=["csv"])
    rows = _csv_rows(client.get(url, {"status": "dropped"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert len(rows) == 2 and rows[1][2] == "Dropped"
    client.force_login(actors["stranger_editor"])
    assert len(_csv_rows(client.get(url))) == 1  # the titles only


# --- query counts --------------------------------------------------------------------------------


def _queries(client, url) -> int:
    """Queries of one request, once the process-wide tables (calendars) are loaded."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return len(captured)


def _grow(office, partner, n: int) -> None:
    for _ in range(n):
        agreement = AgreementFactory(owner=office, parties=[office, partner])
        round_ = ReviewRoundFactory(owner=office)
        AgreementReview.objects.create(round=round_, agreement=agreement)
        committee = CommitteeFactory(agreement=agreement, secretary=PersonFactory())
        MeetingFactory(committee=committee)
        ProspectFactory(owner=office)
        AppointmentFactory(issuer=office)


@pytest.mark.parametrize("who", ["coordinator", "office_editor"])
@pytest.mark.parametrize(
    "name",
    [
        "agreements:review-list",
        "agreements:prospect-list",
        "agreements:committee-list",
        "agreements:appointment-list",
    ],
)
def test_lists_take_as_many_queries_for_many_rows_as_for_few(
    client, actors, office, partner, name, who
):
    client.force_login(actors[who])
    _grow(office, partner, 2)
    few = _queries(client, reverse(name))
    _grow(office, partner, 12)
    many = _queries(client, reverse(name))
    assert many == few


def test_the_round_takes_as_many_queries_for_many_agreements_as_for_few(
    client, actors, office, partner
):
    client.force_login(actors["coordinator"])
    round_ = ReviewRoundFactory(owner=office)

    def add(n):
        for _ in range(n):
            agreement = AgreementFactory(owner=office, parties=[office, partner])
            AgreementReview.objects.create(
                round=round_, agreement=agreement, decision="keep", reasoning="خوب"
            )

    add(2)
    url = reverse("agreements:review-detail", args=[round_.pk])
    few = _queries(client, url)
    add(10)
    assert _queries(client, url) == few


def test_agreements_are_not_changed_by_reading(client, actors, world):
    client.force_login(actors["coordinator"])
    states = dict(Agreement.objects.values_list("pk", "state"))
    for url in pages(world).values():
        client.get(url)
    assert dict(Agreement.objects.values_list("pk", "state")) == states
