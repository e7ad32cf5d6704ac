"""Reads of agreements and what hangs from them: lists, detail, health, coverage, priority.

Every list is one query (plus its count) whatever its length: the priority
score and its parts are computed by the database as annotations, so lists
can be sorted by it and the explanation is read off the same row.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.agreements.models import (
    CLOSED_STATES,
    PENDING_STATES,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementReview,
    AgreementState,
    Appointment,
    Committee,
    CommitteeStatus,
    Meeting,
    Prospect,
    ReviewRound,
    Scope,
    renewal_due_q,
)
from hamafza.core.permissions import is_coordinator
from hamafza.core.search import search_filter
from hamafza.directory.policies import roles_of
from hamafza.followups.models import OPEN_STATUSES, FollowUp

S = AgreementState
# A committee counts as working if it met within this many days.
COMMITTEE_ACTIVE_DAYS = 180
# Priority: parts and their maxima (they add up to 100).
WEIGHT_POINTS = 8  # per step of strategic weight (1–5): at most 40
COMMITTEE_POINTS = 20
FOLLOWUP_POINTS = 20
EXPIRY_POINTS = 20


# --- visibility ------------------------------------------------------------------------------


def agreements_visible(user) -> QuerySet[Agreement]:
    """Coordinators see every agreement; staff see their office's and those they are party to."""
    queryset = Agreement.objects.all()
    if is_coordinator(user):
        return queryset
    organizations = list(roles_of(user))
    if not organizations:
        return queryset.none()
    party_of = AgreementParty.objects.filter(organization_id__in=organizations).values(
        "agreement_id"
    )
    return queryset.filter(Q(owner_id__in=organizations) | Q(pk__in=party_of))


# --- priority --------------------------------------------------------------------------------


def _count_subquery(queryset) -> Coalesce:
    counted = queryset.order_by().values("source_id").annotate(number=Count("pk")).values("number")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _priority_inputs(today: date):
    agreement_type = ContentType.objects.get_for_model(Agreement)
    obligations = FollowUp.objects.filter(
        source_type=agreement_type, source_id=OuterRef("pk"), status__in=OPEN_STATUSES
    )
    recent = today - timedelta(days=COMMITTEE_ACTIVE_DAYS)
    active_committee = Committee.objects.filter(
        agreement=OuterRef("pk"), status=CommitteeStatus.ACTIVE
    )
    met_recently = active_committee.filter(
        Exists(Meeting.objects.filter(committee=OuterRef("pk"), held_on__gte=recent))
    )
    committee = Case(
        When(Exists(met_recently), then=Value(COMMITTEE_POINTS)),
        When(Exists(active_committee), then=Value(COMMITTEE_POINTS // 2)),
        default=Value(0),
        output_field=IntegerField(),
    )
    expiry = Case(
        When(~Q(state=S.ACTIVE) | Q(renewal_due_on__isnull=True), then=Value(0)),
        When(renewal_due_on__lte=today, then=Value(EXPIRY_POINTS)),
        When(renewal_due_on__lte=today + timedelta(days=90), then=Value(EXPIRY_POINTS // 2)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return obligations, committee, expiry


def priority_expression(*, today: date | None = None):
    """The priority score (0–100) as one expression over an agreement's row:

    - strategic weight: 8 points per step (1–5) the coordinators gave it;
    - committee: 20 if an active committee met in the last 180 days, 10 if
      it has an active committee that has not, else 0;
    - follow-ups: 20 × the share of its open obligations not overdue
      (10 when it has none open);
    - expiry: 20 once renewal is due (notice period reached), 10 within
      90 days of that, else 0 (active agreements only).

    ``services.agreements_priority_refresh`` stores it in ``Agreement.priority``,
    which lists sort by.
    """
    today = today or timezone.localdate()
    obligations, committee, expiry = _priority_inputs(today)
    points = (
        obligations.order_by()
        .values("source_id")
        .annotate(
            points=(
                FOLLOWUP_POINTS
                * (Count("pk") - Count("pk", filter=Q(due_on__lt=today)))
                / Count("pk")
            )
        )
        .values("points")
    )
    followups = Coalesce(Subquery(points, output_field=IntegerField()), Value(FOLLOWUP_POINTS // 2))
    return ExpressionWrapper(
        F("strategic_weight") * WEIGHT_POINTS + committee + followups + expiry,
        output_field=IntegerField(),
    )


def with_priority(queryset: QuerySet[Agreement], *, today: date | None = None):
    """Annotate the live priority (``priority_live``) and its parts, for a page of rows
    or one agreement (``priority_explain`` puts them in words)."""
    today = today or timezone.localdate()
    obligations, committee, expiry = _priority_inputs(today)
    return (
        queryset.annotate(
            followups_open=_count_subquery(obligations),
            followups_overdue=_count_subquery(obligations.filter(due_on__lt=today)),
            priority_weight=F("strategic_weight") * WEIGHT_POINTS,
            priority_committee=committee,
            priority_expiry=expiry,
        )
        .annotate(
            priority_followups=Case(
                When(followups_open=0, then=Value(FOLLOWUP_POINTS // 2)),
                default=(FOLLOWUP_POINTS * (F("followups_open") - F("followups_overdue")))
                / F("followups_open"),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            priority_live=F("priority_weight")
            + F("priority_committee")
            + F("priority_followups")
            + F("priority_expiry")
        )
    )


PRIORITY_PART_FIELDS = (
    "priority_live",
    "priority_weight",
    "priority_committee",
    "priority_followups",
    "priority_expiry",
    "followups_open",
    "followups_overdue",
)


def priority_parts_attach(rows: list[Agreement], *, today: date | None = None) -> None:
    """Read the priority parts of ``rows`` (a page) and set them on each: one query a
    thousand rows."""
    by_id = {row.pk: row for row in rows}
    ids = list(by_id)
    for start in range(0, len(ids), 1000):
        chunk = Agreement.objects.filter(pk__in=ids[start : start + 1000]).order_by()
        values = with_priority(chunk, today=today).values("pk", *PRIORITY_PART_FIELDS)
        for value in values:
            row = by_id[value.pop("pk")]
            for name, number in value.items():
                setattr(row, name, number)


class PriorityListQuerySet(QuerySet):
    """A list of agreements: when rows are read (a page, an export), their live
    priority and its parts are read too, in one more query."""

    priority_today: date | None = None

    def _clone(self):
        clone = super()._clone()
        clone.priority_today = self.priority_today
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and isinstance(self._result_cache[0], Agreement):
            priority_parts_attach(self._result_cache, today=self.priority_today)


@dataclass(frozen=True)
class PriorityPart:
    label: str
    points: int
    maximum: int
    why: str


def priority_explain(agreement: Agreement) -> list[PriorityPart]:
    """The parts of an annotated agreement's score, each with its reason, in words."""
    committee_why = {
        COMMITTEE_POINTS: _("An active committee met in the last 180 days."),
        COMMITTEE_POINTS // 2: _("It has an active committee, which has not met in 180 days."),
        0: _("It has no active committee."),
    }
    expiry_why = {
        EXPIRY_POINTS: _("Its renewal is due."),
        EXPIRY_POINTS // 2: _("Its renewal falls due within 90 days."),
        0: _("Its renewal is not near."),
    }
    if agreement.followups_open:
        followups_why = _("%(overdue)d of %(open)d open obligations are overdue.") % {
            "overdue": agreement.followups_overdue,
            "open": agreement.followups_open,
        }
    else:
        followups_why = _("It has no open obligations.")
    return [
        PriorityPart(
            str(_("Strategic weight")),
            agreement.priority_weight,
            5 * WEIGHT_POINTS,
            str(_("Weight %(weight)d of 5.") % {"weight": agreement.strategic_weight}),
        ),
        PriorityPart(
            str(_("Committee")),
            agreement.priority_committee,
            COMMITTEE_POINTS,
            str(committee_why.get(agreement.priority_committee, "")),
        ),
        PriorityPart(
            str(_("Follow-ups")), agreement.priority_followups, FOLLOWUP_POINTS, str(followups_why)
        ),
        PriorityPart(
            str(_("Expiry")),
            agreement.priority_expiry,
            EXPIRY_POINTS,
            str(expiry_why.get(agreement.priority_expiry, "")),
        ),
    ]


# --- lists -----------------------------------------------------------------------------------

ORDERS = {
    "priority": ("-priority", "-id"),
    "expiry": (F("expires_on").asc(nulls_last=True), "id"),
    "signed": (F("signed_on").desc(nulls_last=True), "-id"),
    "code": ("code",),
}


@dataclass(frozen=True)
class AgreementFilters:
    q: str = ""
    state: str = ""  # an AgreementState, "renewal_due", "pending" (not yet signed) or "closed"
    kind: str = ""  # AgreementKind.code
    scope: str = ""
    province: int | None = None
    party: int | None = None  # organization id
    parent: int | None = None
    expires_within: int | None = None  # days
    order: str = "priority"


def agreement_list(
    *, user, filters: AgreementFilters | None = None, today: date | None = None
) -> QuerySet[Agreement]:
    filters = filters or AgreementFilters()
    today = today or timezone.localdate()
    queryset = agreements_visible(user).select_related("kind", "province", "owner", "parent")
    if filters.q:
        queryset = search_filter(queryset, filters.q)
    if filters.state == "renewal_due":
        queryset = queryset.filter(renewal_due_q(today))
    elif filters.state == "pending":
        queryset = queryset.filter(state__in=PENDING_STATES)
    elif filters.state == "closed":
        queryset = queryset.filter(state__in=CLOSED_STATES)
    elif filters.state in S.values:
        queryset = queryset.filter(state=filters.state)
    if filters.kind:
        queryset = queryset.filter(kind__code=filters.kind)
    if filters.scope in Scope.values:
        queryset = queryset.filter(scope=filters.scope)
    if filters.province:
        queryset = queryset.filter(province_id=filters.province)
    if filters.party:
        queryset = queryset.filter(
            pk__in=AgreementParty.objects.filter(organization_id=filters.party).values(
                "agreement_id"
            )
        )
    if filters.parent:
        queryset = queryset.filter(parent_id=filters.parent)
    if filters.expires_within is not None:
        queryset = queryset.filter(
            state=S.ACTIVE,
            expires_on__isnull=False,
            expires_on__lte=today + timedelta(days=filters.expires_within),
        )
    queryset = queryset.order_by(*ORDERS.get(filters.order, ORDERS["priority"]))
    rows = queryset._chain()
    rows.__class__ = PriorityListQuerySet
    rows.priority_today = today
    return rows


def agreement_rows_prefetch(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Parties with their organizations, for a page of rows (one more query)."""
    return queryset.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization"))
    )


def agreement_detail(*, user, pk: int, today: date | None = None) -> Agreement:
    """One agreement with everything its page shows (a fixed number of queries)."""
    return (
        with_priority(agreements_visible(user), today=today)
        .select_related("kind", "province", "owner", "owner_person", "parent__kind", "replaces")
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organization")),
            "subjects",
            "documents",
            Prefetch("transitions", queryset=_transitions()),
            Prefetch(
                "committees",
                queryset=Committee.objects.select_related("secretary").annotate(
                    meetings_count=Count("meetings")
                ),
            ),
            Prefetch(
                "children",
                queryset=Agreement.objects.select_related("kind", "province").order_by(
                    "province__name", "code"
                ),
            ),
            Prefetch("successors", queryset=Agreement.objects.select_related("kind")),
            Prefetch(
                "reviews", queryset=AgreementReview.objects.select_related("round", "new_kind")
            ),
        )
        .get(pk=pk)
    )


def _transitions():
    from hamafza.agreements.models import AgreementTransition

    return AgreementTransition.objects.select_related("actor", "successor").order_by("at", "id")


def agreement_kinds() -> list[AgreementKind]:
    return list(AgreementKind.objects.order_by("-weight", "code"))


# --- the health dashboard --------------------------------------------------------------------


@dataclass
class Health:
    counts: dict = field(default_factory=dict)
    by_state: list = field(default_factory=list)
    by_kind: list = field(default_factory=list)
    renewal_due: list = field(default_factory=list)
    without_committee: list = field(default_factory=list)
    overdue_followups: list = field(default_factory=list)
    expiring_appointments: list = field(default_factory=list)
    open_rounds: list = field(default_factory=list)


def agreement_health(*, user, today: date | None = None, limit: int = 10) -> Health:
    """What needs attention: renewals due, active agreements without a working committee,
    overdue follow-ups, decrees ending soon. A fixed number of queries."""
    from hamafza.followups.selectors import FollowUpFilters, followup_list

    today = today or timezone.localdate()
    visible = agreements_visible(user)
    active_committee = Committee.objects.filter(
        agreement=OuterRef("pk"), status=CommitteeStatus.ACTIVE
    )
    counts = visible.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(state=S.ACTIVE)),
        national=Count("pk", filter=Q(state=S.ACTIVE, scope=Scope.NATIONAL)),
        provincial=Count("pk", filter=Q(state=S.ACTIVE, scope=Scope.PROVINCIAL)),
        pending=Count("pk", filter=Q(state__in=(S.DRAFT, S.NEGOTIATION, S.AWAITING_SIGNATURE))),
        renewal_due=Count("pk", filter=renewal_due_q(today)),
    )
    # Active agreements without an active committee, the heaviest first: the
    # (state, strategic_weight, id) index read backwards stops after ``limit`` rows.
    without = visible.filter(state=S.ACTIVE).exclude(Exists(active_committee))
    counts["without_committee"] = without.count()
    overdue = followup_list(user=user, filters=FollowUpFilters(status="overdue"), today=today)
    counts["overdue_followups"] = overdue.count()
    warning = settings.HAMAFZA_APPOINTMENT_EXPIRY_WARNING_DAYS
    appointments = appointment_list(user=user, status="expiring", today=today)
    counts["expiring_appointments"] = appointments.count()
    counts["committees_active"] = Committee.objects.filter(
        agreement__in=visible, status=CommitteeStatus.ACTIVE
    ).count()
    counts["appointments_active"] = appointment_list(
        user=user, status="active", today=today
    ).count()
    counts["warning_days"] = warning
    return Health(
        counts=counts,
        by_state=list(visible.values("state").annotate(number=Count("pk")).order_by("state")),
        by_kind=_by_kind(visible.filter(state=S.ACTIVE)),
        renewal_due=list(
            visible.filter(renewal_due_q(today))
            .select_related("kind")
            .order_by("expires_on", "id")[:limit]
        ),
        without_committee=list(
            without.select_related("kind").order_by("-strategic_weight", "-id")[:limit]
        ),
        overdue_followups=list(overdue[:limit]),
        expiring_appointments=list(appointments[:limit]),
        open_rounds=list(
            review_rounds(user=user).filter(closed_on__isnull=True).order_by("due_on", "id")[:limit]
        ),
    )


def _by_kind(queryset: QuerySet[Agreement]) -> list[dict]:
    """Counts by kind, most first: grouped on the kind's id, named from the kinds table."""
    numbers = dict(queryset.values_list("kind_id").annotate(number=Count("pk")).order_by())
    kinds = AgreementKind.objects.filter(pk__in=list(numbers)).values("pk", "code", "name", "names")
    rows = [
        {
            "kind__code": kind["code"],
            "kind__name": kind["name"],
            "kind__names": kind["names"],
            "number": numbers[kind["pk"]],
        }
        for kind in kinds
    ]
    return sorted(rows, key=lambda row: (-row["number"], row["kind__code"]))


# --- provincial coverage ---------------------------------------------------------------------


@dataclass
class Coverage:
    provinces: list  # the provinces that have at least one provincial agreement
    rows: list  # (national agreement, [count per province], total)


def provincial_coverage(*, user) -> Coverage:
    """For each active national agreement: how many active provincial agreements under it,
    province by province. Three queries."""
    from hamafza.core.models import Province

    visible = agreements_visible(user)
    counts = (
        visible.filter(state=S.ACTIVE, scope=Scope.PROVINCIAL, parent__isnull=False)
        .values("parent_id", "province_id")
        .annotate(number=Count("pk"))
    )
    by_parent: dict[int, dict[int, int]] = {}
    for row in counts:
        by_parent.setdefault(row["parent_id"], {})[row["province_id"]] = row["number"]
    province_ids = sorted({p for cells in by_parent.values() for p in cells})
    provinces = list(Province.objects.filter(pk__in=province_ids).order_by("name"))
    nationals = list(
        visible.filter(state=S.ACTIVE, scope=Scope.NATIONAL).select_related("kind").order_by("code")
    )
    rows = []
    for agreement in nationals:
        cells = by_parent.get(agreement.pk, {})
        rows.append((agreement, [cells.get(p.pk, 0) for p in provinces], sum(cells.values())))
    rows.sort(key=lambda row: (-row[2], row[0].code))
    return Coverage(provinces=provinces, rows=rows)


# --- reviews, prospects, committees, appointments ----------------------------------------------


def review_rounds(*, user) -> QuerySet[ReviewRound]:
    queryset = ReviewRound.objects.select_related("owner")
    if not is_coordinator(user):
        queryset = queryset.filter(owner_id__in=list(roles_of(user)))
    return queryset.annotate(
        total=Count("reviews"),
        decided=Count("reviews", filter=~Q(reviews__decision="pending")),
        applied=Count("reviews", filter=Q(reviews__applied_at__isnull=False)),
    ).order_by("-opened_on", "-id")


def review_round_detail(*, pk: int) -> ReviewRound:
    return (
        ReviewRound.objects.select_related("owner")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=AgreementReview.objects.select_related(
                    "agreement__kind", "new_kind", "result", "decided_by"
                ).order_by("agreement__code"),
            )
        )
        .get(pk=pk)
    )


def prospect_list(*, user, status: str = "") -> QuerySet[Prospect]:
    queryset = Prospect.objects.select_related("organization", "owner", "agreement")
    if not is_coordinator(user):
        queryset = queryset.filter(owner_id__in=list(roles_of(user)))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-expected_benefit", "organization__name", "id")


def committee_list(*, user, status: str = "") -> QuerySet[Committee]:
    queryset = Committee.objects.filter(agreement__in=agreements_visible(user))
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("agreement", "secretary")
        .annotate(
            meetings_count=Count("meetings", distinct=True),
            members_count=Count("members", distinct=True),
        )
        .order_by("agreement__code", "name", "id")
    )


def committee_detail(*, pk: int) -> Committee:
    return (
        Committee.objects.select_related("agreement", "secretary")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Committee.members.rel.related_model.objects.select_related(
                    "person", "organization"
                ),
            ),
            Prefetch("meetings", queryset=Meeting.objects.prefetch_related("attendees")),
        )
        .get(pk=pk)
    )


def appointment_status_q(status: str, today: date) -> Q:
    not_revoked = Q(revoked_on__isnull=True) | Q(revoked_on__gt=today)
    in_force = (
        not_revoked & Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    )
    if status == "active":
        return in_force
    if status == "expiring":
        warning = settings.HAMAFZA_APPOINTMENT_EXPIRY_WARNING_DAYS
        return in_force & Q(valid_to__lte=today + timedelta(days=warning))
    if status == "expired":
        return not_revoked & Q(valid_to__lt=today)
    if status == "revoked":
        return Q(revoked_on__lte=today)
    if status == "pending":
        return not_revoked & Q(valid_from__gt=today)
    return Q()


def appointment_list(
    *, user, status: str = "", q: str = "", host: int | None = None, today: date | None = None
) -> QuerySet[Appointment]:
    """Decrees the user may see (coordinators all; the issuer's and host's staff theirs)."""
    today = today or timezone.localdate()
    queryset = Appointment.objects.select_related("person", "issuer", "host")
    if not is_coordinator(user):
        organizations = list(roles_of(user))
        queryset = queryset.filter(Q(issuer_id__in=organizations) | Q(host_id__in=organizations))
    queryset = queryset.filter(appointment_status_q(status, today))
    if host:
        queryset = queryset.filter(host_id=host)
    if q:
        queryset = queryset.filter(
            Q(decree_number__icontains=q)
            | Q(role__icontains=q)
            | Q(person__in=search_filter(Appointment.person.field.related_model.objects, q))
        )
    order = ("valid_to", "id") if status == "expiring" else ("-decree_date", "-id")
    return queryset.order_by(*order)


# --- the quarterly guide ----------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementsOfSpan:
    signed: int  # new agreements signed in the span (renewals, amendments excluded)
    signed_by_kind: list[tuple[AgreementKind, int]]
    renewed: int  # agreements renewed in the span
    expiring: int  # active (or lapsed) agreements expiring from ``starts_on`` to ``expiring_until``
    expiring_by_day: dict[date, int]  # by the day of expiry


def agreements_of_span(
    *, starts_on: date, ends_on: date, start, end, expiring_until: date
) -> AgreementsOfSpan:
    """What happened to agreements between two dates, for the quarterly guide: signed
    (``signed_on`` in the span), renewed (the state changes to "renewed" between the instants
    ``start`` and ``end``) and agreements active or lapsed that expire from ``starts_on`` to
    ``expiring_until``. Only counts: agreements are not public (``AgreementPolicy``), and the
    guide is. Counted by the database: four queries, whatever the number."""
    from hamafza.agreements.models import AgreementTransition

    signed = Agreement.objects.filter(
        signed_on__gte=starts_on, signed_on__lte=ends_on, replaces__isnull=True
    ).order_by()
    kind_rows = list(
        signed.values("kind_id").annotate(count=Count("pk")).order_by("-count", "kind_id")
    )
    kinds = AgreementKind.objects.in_bulk([row["kind_id"] for row in kind_rows])
    renewals = AgreementTransition.objects.filter(
        to_state=AgreementState.RENEWED, at__gte=start, at__lt=end
    ).order_by()
    expiring = Agreement.objects.filter(
        state__in=(AgreementState.ACTIVE, AgreementState.EXPIRED),
        expires_on__gte=starts_on,
        expires_on__lte=expiring_until,
    ).order_by()
    expiring_by_day = {
        row["expires_on"]: row["count"]
        for row in expiring.values("expires_on").annotate(count=Count("pk"))
    }
    return AgreementsOfSpan(
        signed=sum(row["count"] for row in kind_rows),
        signed_by_kind=[(kinds[row["kind_id"]], row["count"]) for row in kind_rows],
        renewed=renewals.values("agreement_id").distinct().count(),
        expiring=sum(expiring_by_day.values()),
        expiring_by_day=expiring_by_day,
    )


# --- figures for reports


@dataclass(frozen=True)
class AgreementFigures:
    """The agreements' figures for a span; see ``agreement_figures``."""

    signed: int  # agreements signed before the span's end (renewals and amendments included)
    mous: int  # of those, memoranda of understanding
    signed_in_span: int  # signed within the span
    in_force: int  # active now, whatever the span
    by_kind: list[tuple[str, str, int]]  # (kind code, kind name, signed), the most first
    by_state: list[tuple[str, int]]  # (state, signed agreements in it now), the most first


MOU_KIND = "mou"


def _signed(end) -> QuerySet[Agreement]:
    """Agreements with a signing date before ``end``: drafts and negotiations are left out."""
    from hamafza.core.periods import span_q

    return (
        Agreement.objects.filter(signed_on__isnull=False)
        .exclude(state__in=PENDING_STATES)
        .filter(span_q("signed_on", None, end))
        .order_by()
    )


def agreement_figures(*, start=None, end=None) -> AgreementFigures:
    """Signed agreements counted by the database: five queries, whatever their number.

    Only signed agreements are counted (what is being drafted or negotiated
    is not public). "Signed" is a stock (signed before ``end``, a date,
    excluded); ``signed_in_span`` those signed from ``start`` to ``end``.
    A renewal or an amendment is a new signed agreement, as in the registry.
    State and kind are as they are now.
    """
    from django.utils.translation import get_language

    from hamafza.core.periods import span_q

    signed = _signed(end)
    totals = signed.aggregate(
        signed=Count("pk"),
        mous=Count("pk", filter=Q(kind__code=MOU_KIND)),
        signed_in_span=Count("pk", filter=span_q("signed_on", start, None)),
    )
    numbers = dict(signed.values_list("kind_id").annotate(n=Count("pk")))
    kinds = AgreementKind.objects.in_bulk(list(numbers)) if numbers else {}
    language = get_language()
    by_kind = sorted(
        (
            (kinds[pk].code, kinds[pk].display_name(language), number)
            for pk, number in numbers.items()
            if pk in kinds
        ),
        key=lambda row: (-row[2], row[0]),
    )
    by_state = sorted(
        signed.values_list("state").annotate(n=Count("pk")), key=lambda row: (-row[1], row[0])
    )
    return AgreementFigures(
        **totals,
        in_force=Agreement.objects.filter(state=S.ACTIVE).count(),
        by_kind=by_kind,
        by_state=list(by_state),
    )


def agreements_signed_per_span(*, spans) -> list[int]:
    """How many agreements were signed in each span (``core.periods``): one query."""
    from hamafza.core.periods import per_span

    return per_span(_signed(None), field="signed_on", spans=spans)
