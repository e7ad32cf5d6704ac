"""Reads of agreements: who sees what, how the priority is made up, and what each read costs.

The cost tests build a few rows, count the queries of a read (as a page
would evaluate it), build many more rows of every kind the read touches,
and count again: the number must not grow.
"""

import datetime
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamafza.agreements import selectors, services
from hamafza.agreements.models import (
    AgreementDocument,
    AgreementReview,
    AgreementState,
    AgreementTransition,
    CommitteeMember,
    CommitteeStatus,
    Scope,
)
from hamafza.agreements.selectors import AgreementFilters
from hamafza.agreements.tests.factories import (
    AgreementFactory,
    AppointmentFactory,
    CommitteeFactory,
    MeetingFactory,
    ReviewRoundFactory,
    kind,
)
from hamafza.core.models import Province
from hamafza.directory.tests.factories import (
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)
from hamafza.followups.models import FollowUp, FollowUpStatus
from hamafza.followups.selectors import FollowUpFilters, followup_list
from hamafza.followups.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

S = AgreementState
TODAY = datetime.date(2026, 1, 15)


def queries(read) -> int:
    """How many queries ``read()`` makes."""
    with CaptureQueriesContext(connection) as context:
        read()
    return len(context.captured_queries)


def fresh(user):
    """The user as a new request would load it: no roles cached on the object."""
    return get_user_model().objects.get(pk=user.pk)


def network(office, partner, *, size: int, today=TODAY):
    """``size`` agreements of ``office`` with ``partner``, each with what the pages show:
    parties, a committee with members and a meeting, obligations (one overdue), a
    provincial agreement under it, transitions, a document, a review, a decree."""
    fars = Province.objects.get(code="IR-07")
    round_ = ReviewRoundFactory(owner=office)
    for number in range(size):
        other = OrganizationFactory()
        agreement = AgreementFactory(
            owner=office,
            parties=[office, partner, other],
            signed_on=today - timedelta(days=400),
            expires_on=today + timedelta(days=30 + 20 * number),
        )
        AgreementFactory(
            owner=office,
            scope=Scope.PROVINCIAL,
            province=fars,
            parent=agreement,
            kind=kind("agreement"),
            parties=[office, other],
            signed_on=today - timedelta(days=100),
        )
        committee = CommitteeFactory(agreement=agreement, secretary=PersonFactory())
        for _seat in range(2):
            CommitteeMember.objects.create(
                committee=committee, person=PersonFactory(), organization=other
            )
        meeting = MeetingFactory(committee=committee, held_on=today - timedelta(days=5))
        meeting.attendees.set([committee.secretary])
        FollowUpFactory(
            source=meeting, owner_organization=partner, due_on=today - timedelta(days=1)
        )
        FollowUpFactory(
            source=agreement, owner_organization=office, due_on=today - timedelta(days=3)
        )
        FollowUpFactory(
            source=agreement, owner_organization=partner, due_on=today + timedelta(days=30)
        )
        AgreementTransition.objects.create(
            agreement=agreement, from_state=S.DRAFT, to_state=S.ACTIVE
        )
        AgreementDocument.objects.create(
            agreement=agreement, title="متن امضاشده", file="agreements/signed.pdf"
        )
        AgreementReview.objects.create(round=round_, agreement=agreement)
        AppointmentFactory(
            issuer=office,
            host=partner if number % 2 else other,
            valid_from=today - timedelta(days=300),
            decree_date=today - timedelta(days=300),
            valid_to=today + timedelta(days=10),
        )


@pytest.fixture
def people(actors):
    """The readers: a coordinator, the office's staff, a party's staff."""
    return {
        "coordinator": actors["coordinator"],
        "office": actors["office_viewer"],
        "partner": actors["partner_editor"],
    }


# --- what each read costs ---------------------------------------------------------------------


def list_page(user) -> list:
    """Read a page of the list as its template does; return what was shown."""
    queryset = selectors.agreement_list(
        user=user, filters=AgreementFilters(order="priority"), today=TODAY
    )
    page = Paginator(selectors.agreement_rows_prefetch(queryset), 25).get_page(1)
    return [
        (
            [party.organization.display_name() for party in agreement.parties.all()],
            agreement.kind.display_name(),
            agreement.owner.display_name(),
            agreement.province,
            agreement.parent,
            selectors.priority_explain(agreement),
        )
        for agreement in page
    ]


def detail_page(user, pk) -> list:
    agreement = selectors.agreement_detail(user=user, pk=pk, today=TODAY)
    return [
        (agreement.kind, agreement.province, agreement.owner, agreement.owner_person),
        (agreement.replaces, agreement.parent and agreement.parent.kind),
        [party.organization.display_name() for party in agreement.parties.all()],
        [field.display_name() for field in agreement.subjects.all()],
        [document.title for document in agreement.documents.all()],
        [(t.actor, t.successor) for t in agreement.transitions.all()],
        [(c.secretary, c.meetings_count) for c in agreement.committees.all()],
        [(child.kind, child.province) for child in agreement.children.all()],
        [successor.kind for successor in agreement.successors.all()],
        [(review.round, review.new_kind) for review in agreement.reviews.all()],
        selectors.priority_explain(agreement),
    ]


def health_page(user) -> list:
    health = selectors.agreement_health(user=user, today=TODAY)
    return [
        [a.kind.display_name() for a in health.renewal_due],
        [a.kind.display_name() for a in health.without_committee],
        [(f.owner_organization, f.owner_person, f.source_type) for f in health.overdue_followups],
        [(a.person, a.host, a.issuer) for a in health.expiring_appointments],
        [(r.total, r.decided, r.applied) for r in health.open_rounds],
    ]


def coverage_page(user) -> list:
    coverage = selectors.provincial_coverage(user=user)
    return [(agreement.kind.display_name(), cells) for agreement, cells, _total in coverage.rows]


def appointments_page(user) -> list:
    return [
        (a.person.display_name(), a.issuer, a.host, a.status_on(TODAY))
        for a in selectors.appointment_list(user=user, today=TODAY)[:50]
    ]


def committees_page(user) -> list:
    return [
        (c.agreement.code, c.secretary, c.meetings_count, c.members_count)
        for c in selectors.committee_list(user=user)[:50]
    ]


def followups_page(user) -> list:
    filters = FollowUpFilters(status="overdue")
    return [
        (f.owner_organization, f.owner_person, f.source_type, f.overdue)
        for f in followup_list(user=user, filters=filters, today=TODAY)[:50]
    ]


READS = {
    "agreement_list": list_page,
    "agreement_health": health_page,
    "provincial_coverage": coverage_page,
    "appointment_list": appointments_page,
    "committee_list": committees_page,
    "followup_list": followups_page,
}


@pytest.mark.parametrize("reader", ["coordinator", "office", "partner"])
@pytest.mark.parametrize("name", list(READS))
def test_the_number_of_queries_does_not_grow_with_the_rows(name, reader, people, office, partner):
    read = READS[name]
    # given a few agreements and what hangs from them
    network(office, partner, size=2)
    read(fresh(people[reader]))  # warm the content-type cache
    user = fresh(people[reader])
    few = queries(lambda: read(user))
    # when there are many more
    network(office, partner, size=8)
    user = fresh(people[reader])
    shown = []
    many = queries(lambda: shown.extend(read(user)))
    # then the read costs the same (and it did show rows)
    assert many == few, f"{name} as {reader}: {few} queries with few rows, {many} with many"
    assert any(shown), f"{name} as {reader} showed nothing"


def test_the_detail_page_costs_the_same_for_a_small_and_a_large_agreement(office, partner, people):
    # given an agreement with one of everything, and one with many of everything
    network(office, partner, size=1)
    small = AgreementFactory(owner=office, parties=[office, partner])
    large = AgreementFactory(owner=office, parties=[office, partner])
    fars = Province.objects.get(code="IR-07")
    round_ = ReviewRoundFactory(owner=office)
    for agreement, count in ((small, 1), (large, 8)):
        for _number in range(count):
            agreement.parties.create(organization=OrganizationFactory())
            AgreementFactory(
                owner=office, scope=Scope.PROVINCIAL, province=fars, parent=agreement,
                kind=kind("agreement"),
            )  # fmt: skip
            CommitteeFactory(agreement=agreement, secretary=PersonFactory())
            AgreementTransition.objects.create(
                agreement=agreement, from_state=S.DRAFT, to_state=S.ACTIVE
            )
            AgreementDocument.objects.create(agreement=agreement, title="پیوست", file="a.pdf")
            AgreementFactory(owner=office, replaces=agreement)
            FollowUpFactory(source=agreement, owner_organization=office, due_on=TODAY)
        AgreementReview.objects.create(round=ReviewRoundFactory(owner=office), agreement=agreement)
    AgreementReview.objects.create(round=round_, agreement=large)
    detail_page(fresh(people["coordinator"]), small.pk)  # warm the content-type cache
    # when each is read as its page reads it
    costs = []
    for agreement in (small, large):
        user = fresh(people["coordinator"])
        costs.append(queries(lambda user=user, pk=agreement.pk: detail_page(user, pk)))
    # then both cost the same number of queries
    assert costs[0] == costs[1]


# --- the priority score ------------------------------------------------------------------------


@pytest.fixture
def scored(office, partner):
    """Three active agreements whose score parts are worked out by hand in the tests."""
    # A: weight 5, an active committee that met 10 days ago, 4 open obligations of which
    # 1 is overdue (and a done one, which does not count), renewal due already.
    a = AgreementFactory(
        code="A",
        owner=office,
        strategic_weight=5,
        signed_on=TODAY - timedelta(days=800),
        expires_on=TODAY + timedelta(days=30),
        notice_days=90,
    )
    committee = CommitteeFactory(agreement=a, status=CommitteeStatus.ACTIVE)
    MeetingFactory(committee=committee, held_on=TODAY - timedelta(days=10))
    FollowUpFactory(source=a, owner_organization=office, due_on=TODAY - timedelta(days=1))
    for days in (0, 5, 50):
        FollowUpFactory(source=a, owner_organization=office, due_on=TODAY + timedelta(days=days))
    FollowUpFactory(
        source=a,
        owner_organization=office,
        due_on=TODAY - timedelta(days=40),
        status=FollowUpStatus.DONE,
    )
    # B: weight 2, an active committee whose last meeting was 200 days ago, no open
    # obligations, renewal due in 60 days (expiry in 150, notice 90).
    b = AgreementFactory(
        code="B",
        owner=office,
        strategic_weight=2,
        signed_on=TODAY - timedelta(days=800),
        expires_on=TODAY + timedelta(days=150),
        notice_days=90,
    )
    stale = CommitteeFactory(agreement=b, status=CommitteeStatus.ACTIVE)
    MeetingFactory(committee=stale, held_on=TODAY - timedelta(days=200))
    FollowUpFactory(source=b, owner_organization=partner, status=FollowUpStatus.WAIVED)
    # C: weight 3, only a dormant committee (that met recently), 3 open obligations of which
    # 1 is overdue, expiry far away.
    c = AgreementFactory(
        code="C",
        owner=office,
        strategic_weight=3,
        signed_on=TODAY - timedelta(days=100),
        expires_on=TODAY + timedelta(days=1000),
    )
    dormant = CommitteeFactory(agreement=c, status=CommitteeStatus.DORMANT)
    MeetingFactory(committee=dormant, held_on=TODAY - timedelta(days=3))
    FollowUpFactory(source=c, owner_organization=office, due_on=TODAY - timedelta(days=9))
    FollowUpFactory(
        source=c,
        owner_organization=office,
        due_on=TODAY + timedelta(days=9),
        status=FollowUpStatus.IN_PROGRESS,
    )
    FollowUpFactory(source=c, owner_organization=office, due_on=None)
    # D: expired (not active): its expiry counts nothing even though the date has passed.
    d = AgreementFactory(
        code="D",
        owner=office,
        state=S.EXPIRED,
        strategic_weight=1,
        signed_on=TODAY - timedelta(days=900),
        expires_on=TODAY - timedelta(days=10),
    )
    # (written straight to the database: store the scores as the services would)
    services.agreements_priority_refresh(today=TODAY)
    return a, b, c, d


def _parts(agreement) -> tuple[int, int, int, int, int]:
    return (
        agreement.priority_weight,
        agreement.priority_committee,
        agreement.priority_followups,
        agreement.priority_expiry,
        agreement.priority_live,
    )


def test_each_part_of_the_priority_score(scored, actors):
    # when the list is read on TODAY
    rows = selectors.agreement_list(
        user=actors["coordinator"], filters=AgreementFilters(order="code"), today=TODAY
    )
    by_code = {agreement.code: agreement for agreement in rows}
    # then A: 5 × 8 = 40; met within 180 days: 20; 20 × 3 of 4 not overdue: 15; renewal due: 20
    assert _parts(by_code["A"]) == (40, 20, 15, 20, 95)
    assert (by_code["A"].followups_open, by_code["A"].followups_overdue) == (4, 1)
    # B: 16; an active committee that has not met in 180 days: 10; no open obligations: 10;
    # renewal due within 90 days: 10
    assert _parts(by_code["B"]) == (16, 10, 10, 10, 46)
    # C: 24; a dormant committee counts nothing; 20 × 2 of 3 (rounded down): 13; far: 0
    assert _parts(by_code["C"]) == (24, 0, 13, 0, 37)
    # D: 8; nothing else (an expired agreement's expiry is not urgent)
    assert _parts(by_code["D"]) == (8, 0, 10, 0, 18)


def test_the_list_sorts_by_priority_and_explains_it(scored, actors):
    rows = list(
        selectors.agreement_list(
            user=actors["coordinator"], filters=AgreementFilters(order="priority"), today=TODAY
        )
    )
    assert [agreement.code for agreement in rows] == ["A", "B", "C", "D"]
    parts = selectors.priority_explain(rows[0])
    assert [(part.points, part.maximum) for part in parts] == [
        (40, 40),
        (20, 20),
        (15, 20),
        (20, 20),
    ]
    assert sum(part.maximum for part in parts) == 100
    assert all(part.why for part in parts)
    assert "1" in parts[2].why and "4" in parts[2].why


def test_the_detail_carries_the_same_score(scored, actors):
    a = scored[0]
    agreement = selectors.agreement_detail(user=actors["coordinator"], pk=a.pk, today=TODAY)
    assert _parts(agreement) == (40, 20, 15, 20, 95)


# --- who sees which agreements -----------------------------------------------------------------


@pytest.fixture
def three(office, partner, stranger):
    """The office's agreement with the partner, the office's own, and one between others."""
    third = OrganizationFactory()
    with_partner = AgreementFactory(owner=office, parties=[office, partner])
    own = AgreementFactory(owner=office, parties=[office, third])
    others = AgreementFactory(owner=third, parties=[third, OrganizationFactory()])
    return with_partner, own, others


def _visible(user) -> set[int]:
    return set(selectors.agreements_visible(user).values_list("pk", flat=True))


def test_a_coordinator_sees_every_agreement(three, actors):
    assert _visible(actors["coordinator"]) == {agreement.pk for agreement in three}


def test_the_offices_staff_see_the_offices_agreements(three, actors):
    with_partner, own, _others = three
    assert _visible(actors["office_viewer"]) == {with_partner.pk, own.pk}
    assert _visible(actors["office_editor"]) == {with_partner.pk, own.pk}


def test_a_partys_staff_see_the_agreements_they_are_party_to(three, actors):
    with_partner, _own, _others = three
    assert _visible(actors["partner_editor"]) == {with_partner.pk}


def test_a_stranger_a_user_without_roles_and_anonymous_see_nothing(three, actors):
    assert _visible(actors["stranger_editor"]) == set()
    assert _visible(UserFactory(username="nobody")) == set()
    assert _visible(AnonymousUser()) == set()
    assert _visible(None) == set()


def test_the_stored_score_is_the_live_one(scored):
    # Given the scores stored as of TODAY
    for agreement in scored:
        agreement.refresh_from_db()
    # Then each stored score is the sum of its parts computed now
    assert [a.priority for a in scored] == [95, 46, 37, 18]


def test_services_keep_the_stored_score_current(scored, actors, partner):
    from hamafza.agreements.models import Agreement
    from hamafza.followups import services as followup_services

    a = scored[0]

    def live() -> int:
        return selectors.with_priority(Agreement.objects.filter(pk=a.pk)).get().priority_live

    # When an obligation of A is reported done (and a committee is formed)
    item = FollowUp.objects.filter(source_id=a.pk, status="open").order_by("pk").first()
    followup_services.followup_report(actor=actors["coordinator"], followup=item, status="done")
    # Then its stored score is the one computed now
    a.refresh_from_db()
    assert a.priority == live()
    services.committee_create(actor=actors["coordinator"], agreement=a, name="دوم")
    a.refresh_from_db()
    assert a.priority == live()
