"""The demo set built from reports 001 and 004: its figures hold, and loading it twice adds nothing.

The demo is loaded once for the module (inside a transaction rolled back
at the end) because loading it is the slow part; each test reads it.
"""

import importlib.util
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hamafza.agreements import demo
from hamafza.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementReview,
    AgreementState,
    AgreementTransition,
    Appointment,
    Committee,
    CommitteeMember,
    CommitteeStatus,
    Meeting,
    Prospect,
    ReviewDecision,
    ReviewRound,
    Scope,
    renewal_due_q,
)
from hamafza.agreements.selectors import appointment_status_q, provincial_coverage
from hamafza.core.calendars import gregorian_to_solar
from hamafza.core.permissions import SYSTEM
from hamafza.directory import demo as directory_demo
from hamafza.directory.models import Membership, Organization, Person, Role
from hamafza.followups.models import FollowUp, FollowUpNote, FollowUpStatus, overdue_q

S = AgreementState
CENTER_EN = "Hawza–State Communications Center"


def _reference_data_ensure() -> None:
    from hamafza.core.places import places_load, places_loaded
    from hamafza.directory.models import ActivityField
    from hamafza.directory.reference import activity_fields_load

    if not places_loaded():
        places_load()
    if not ActivityField.objects.exists():
        activity_fields_load()
    if not AgreementKind.objects.exists():
        from hamafza.agreements.reference import agreement_kinds_load

        agreement_kinds_load()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The directory's demo and this one, loaded once; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        _reference_data_ensure()
        directory_demo.load()
        started = time.perf_counter()
        logins = demo.load()
        seconds = time.perf_counter() - started
        yield SimpleNamespace(
            logins=logins,
            seconds=seconds,
            center=Organization.objects.get(names__en=CENTER_EN),
            today=timezone.localdate(),
        )
        transaction.set_rollback(True)


@pytest.fixture
def data(loaded, db):
    return loaded


def _org(english_name: str) -> Organization:
    return Organization.objects.get(names__en=english_name)


COUNTED = [
    Organization,
    Person,
    Membership,
    get_user_model(),
    Agreement,
    AgreementParty,
    AgreementTransition,
    Committee,
    CommitteeMember,
    Meeting,
    Appointment,
    ReviewRound,
    AgreementReview,
    Prospect,
    FollowUp,
    FollowUpNote,
]


def test_it_is_found_by_demo_load_after_the_directory():
    # given the command that loads every app's ``demo`` module in app order
    names = [config.name for config in apps.get_app_configs()]
    # then this module is found, and the directory (whose bodies it reuses) loads first
    assert importlib.util.find_spec("hamafza.agreements.demo") is not None
    assert names.index("hamafza.directory") < names.index("hamafza.agreements")
    # and it makes no synthetic organizations (demo_load --orgs calls ``generate``)
    assert not hasattr(demo, "generate")


def test_the_plan_is_the_same_every_time():
    # when the set is drawn twice
    first, second = demo.plan_build(), demo.plan_build()
    # then it is the same, agreement for agreement and decree for decree
    assert [(a.code, a.state, a.signed) for a in first.agreements] == [
        (a.code, a.state, a.signed) for a in second.agreements
    ]
    assert [(d.number, d.person, d.host) for d in first.decrees] == [
        (d.number, d.person, d.host) for d in second.decrees
    ]
    assert len({a.code for a in first.agreements}) == len(first.agreements)
    assert len({d.number for d in first.decrees}) == len(first.decrees) == 220


def test_it_loads_in_well_under_a_minute(data):
    print(f"the demo loaded in {data.seconds:.1f} s")
    assert data.seconds < 60


def test_177_agreements_of_the_center_in_a_realistic_spread_of_states(data):
    # given the demo loaded
    agreements = Agreement.objects.filter(owner=data.center)
    # then the center keeps the 177 MoUs and agreements of report 001
    assert agreements.count() == 177
    states = dict(agreements.values_list("state").annotate(n=Count("pk")).order_by())
    # most are active; some expired, renewed, downgraded, terminated; a few still pending
    assert states[S.ACTIVE] > 177 * 0.7
    for state in (S.EXPIRED, S.RENEWED, S.DOWNGRADED, S.AMENDED, S.TERMINATED, S.CANCELLED):
        assert states.get(state, 0) >= 1, state
    for state in (S.DRAFT, S.NEGOTIATION, S.AWAITING_SIGNATURE):
        assert 1 <= states.get(state, 0) <= 5, state
    # some need renewal now, some soon; none is active past its expiry
    assert agreements.filter(renewal_due_q(data.today)).count() >= 8
    soon = agreements.filter(
        state=S.ACTIVE,
        renewal_due_on__gt=data.today,
        renewal_due_on__lte=data.today + timedelta(days=90),
    )
    assert soon.count() >= 4
    assert not agreements.filter(state=S.ACTIVE, expires_on__lt=data.today).exists()
    # MoUs, agreements and protocols, with strategic weights from 1 to 5
    assert set(agreements.values_list("kind__code", flat=True)) == {"mou", "agreement", "protocol"}
    assert set(agreements.values_list("strategic_weight", flat=True)) == {1, 2, 3, 4, 5}
    # the registered ones were signed in Solar Hijri 1398–1404 (successors may be later)
    originals = agreements.filter(replaces__isnull=True, signed_on__isnull=False)
    years = {gregorian_to_solar(d)[0] for d in originals.values_list("signed_on", flat=True)}
    assert min(years) == 1398 and max(years) == 1404
    # every agreement has its two parties; titles in three languages
    assert not agreements.exclude(parties__isnull=False).exists()
    sample = agreements.order_by("code").first()
    assert sample.title and sample.titles["en"] and sample.titles["ar"]
    # renewed and downgraded MoUs live on in a successor that replaces them
    for closed in agreements.filter(state__in=(S.RENEWED, S.DOWNGRADED, S.AMENDED)):
        successor = Agreement.objects.get(replaces=closed)
        assert successor.state == S.ACTIVE
        assert successor.signed_on < data.today
    downgraded = agreements.filter(state=S.DOWNGRADED).first()
    assert Agreement.objects.get(replaces=downgraded).kind.code == "agreement"


def test_provincial_agreements_in_fars_and_mazandaran_under_national_mous(data):
    # given the provincial agreements signed on the trips of report 001
    provincial = Agreement.objects.filter(owner=data.center, scope=Scope.PROVINCIAL)
    # then six in each province, active, each under an active national MoU
    assert provincial.filter(province__code="IR-07").count() == 6
    assert provincial.filter(province__code="IR-02").count() == 6
    for agreement in provincial.select_related("parent"):
        assert agreement.state == S.ACTIVE
        assert agreement.parent.scope == Scope.NATIONAL
        assert agreement.parent.state == S.ACTIVE
        assert agreement.parent.signed_on < agreement.signed_on
    # with the bodies named in the report
    for name in (
        "Shiraz University of Medical Sciences",
        "Mazandaran University of Medical Sciences",
        "Department of Environment, Fars Province",
        "Red Crescent Society, Fars Province",
        "IRIB Fars Provincial Center",
        "Imam Khomeini Relief Committee, Mazandaran",
        "Sports and Youth Department, Mazandaran",
    ):
        assert provincial.filter(parties__organization=_org(name)).count() == 1, name
    # and the coverage table shows both provinces under the national MoUs
    coverage = provincial_coverage(user=SYSTEM)
    assert {p.code for p in coverage.provinces} == {"IR-07", "IR-02"}
    covered = [row for row in coverage.rows if row[2]]
    assert len(covered) == 6
    assert all(cells == [1, 1] for _agreement, cells, _total in covered)


def test_27_active_committees_with_secretaries_members_and_meetings(data):
    # given the cooperation headquarters of report 001
    committees = Committee.objects.filter(agreement__owner=data.center)
    active = committees.filter(status=CommitteeStatus.ACTIVE)
    # then 27 are active, on active agreements, each with a secretary and members
    assert active.count() == 27
    assert committees.exclude(status=CommitteeStatus.ACTIVE).exists()
    for committee in active.select_related("agreement"):
        assert committee.agreement.state == S.ACTIVE
        assert committee.secretary_id is not None
        assert committee.members.count() >= 2
    # some met, and their decisions are follow-ups: some overdue, some done
    meetings = Meeting.objects.filter(committee__in=active)
    assert meetings.count() >= 10
    assert active.filter(meetings__isnull=True).exists()
    decisions = FollowUp.objects.filter(
        source_type__model="meeting", source_id__in=meetings.values("pk")
    )
    assert decisions.filter(overdue_q(data.today)).exists()
    assert decisions.filter(status=FollowUpStatus.DONE).exists()


def test_obligations_on_agreements_are_follow_ups(data):
    obligations = FollowUp.objects.filter(
        source_type__model="agreement",
        source_id__in=Agreement.objects.filter(owner=data.center).values("pk"),
    )
    assert obligations.count() >= 100
    assert obligations.filter(overdue_q(data.today)).count() >= 10
    assert obligations.filter(status=FollowUpStatus.DONE).count() >= 10
    assert obligations.filter(status=FollowUpStatus.IN_PROGRESS).exists()
    assert obligations.exclude(owner_organization=data.center).exists()


def test_about_220_decrees_with_a_realistic_spread_of_validity(data):
    # given the representative decrees of report 001, issued through the center
    decrees = Appointment.objects.filter(issuer=data.center)
    assert decrees.count() == 220
    today = data.today
    counts = {
        status: decrees.filter(appointment_status_q(status, today)).count()
        for status in ("active", "expiring", "expired", "revoked", "pending")
    }
    # then most are in force, many have expired, some were revoked, some end soon
    assert counts["active"] >= 100
    assert counts["expired"] >= 50
    assert counts["revoked"] >= 5
    assert counts["expiring"] >= 5
    assert counts["pending"] >= 1
    # in many host bodies, some people holding an old decree and a new one
    assert decrees.values("host").distinct().count() >= 40
    assert decrees.values("person").distinct().count() == 200
    assert decrees.filter(person__honorific=demo.CLERIC).count() == 220


def test_a_review_of_22_earlier_mous_some_decided(data):
    round_ = ReviewRound.objects.get(owner=data.center, title="بازنگری ۲۲ تفاهم‌نامه قبلی")
    reviews = AgreementReview.objects.filter(round=round_).select_related("agreement__kind")
    assert reviews.count() == 22
    assert all(r.agreement.kind.code == "mou" for r in reviews)
    assert all(r.agreement.state == S.ACTIVE for r in reviews)
    decided = reviews.exclude(decision=ReviewDecision.PENDING)
    assert 5 <= decided.count() < 22
    assert set(decided.values_list("decision", flat=True)) == {
        ReviewDecision.KEEP,
        ReviewDecision.RENEW,
        ReviewDecision.DOWNGRADE,
        ReviewDecision.TERMINATE,
    }
    assert all(r.reasoning for r in decided)


def test_45_prospects_in_various_statuses(data):
    prospects = Prospect.objects.filter(owner=data.center)
    assert prospects.count() == 45
    assert prospects.values("status").distinct().count() == 6
    for prospect in prospects.filter(status="signed"):
        assert prospect.agreement.parties.filter(organization=prospect.organization).exists()
    assert not prospects.filter(status="assessed", assessment="").exists()


def test_the_planned_mou_of_the_passive_defense_and_islamic_propagation_organizations(data):
    pdo = _org("Passive Defense Organization")
    ipo = _org("Islamic Propagation Organization")
    agreement = Agreement.objects.filter(parties__organization=pdo).get(
        parties__organization=ipo, kind__code="mou"
    )
    assert agreement.state == S.NEGOTIATION
    assert set(agreement.parties.values_list("organization", flat=True)) == {pdo.pk, ipo.pk}
    texts = " ".join(
        FollowUp.objects.filter(source_type__model="agreement", source_id=agreement.pk)
        .order_by("number")
        .values_list("text", flat=True)
    )
    for words in ("جلسات کارشناسی", "ائمه محترم جماعات", "دوره‌های آموزشی"):
        assert words in texts, words


def test_demo_logins_of_a_coordinator_and_the_offices_editor(data):
    usernames = [username for username, _password, _description in data.logins]
    assert usernames == ["panahi", "office"]
    User = get_user_model()
    panahi, office = User.objects.get(username="panahi"), User.objects.get(username="office")
    assert panahi.is_coordinator and panahi.check_password(directory_demo.DEMO_PASSWORD)
    assert panahi.person.name == "مهدی پناهی"
    assert Membership.objects.get(person__user=office, organization=data.center).role == Role.EDITOR
    # the editor is one of the center's experts, secretary of some committees
    assert Committee.objects.filter(secretary=office.person).exists()


def test_loading_again_adds_nothing(data):
    # given the demo loaded once
    before = {model.__name__: model.objects.count() for model in COUNTED}
    # when demo_load runs again (the directory's part, then this one)
    directory_demo.load()
    demo.load()
    # then nothing is duplicated
    assert {model.__name__: model.objects.count() for model in COUNTED} == before
