"""Reads of follow-ups, shared by pages, the API, other apps and reports."""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from hamafza.core.permissions import is_coordinator
from hamafza.core.search import search_filter
from hamafza.directory.policies import roles_of
from hamafza.followups.models import OPEN_STATUSES, FollowUp, FollowUpStatus, overdue_q
from hamafza.followups.policies import sources_managed_q


def _with_overdue(queryset: QuerySet[FollowUp], today: date) -> QuerySet[FollowUp]:
    return queryset.annotate(
        overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def followup_base(*, today: date | None = None) -> QuerySet[FollowUp]:
    today = today or timezone.localdate()
    return _with_overdue(
        FollowUp.objects.select_related("owner_organization", "owner_person", "source_type"),
        today,
    )


@dataclass(frozen=True)
class FollowUpFilters:
    q: str = ""
    status: str = ""  # a FollowUpStatus value, or "overdue"
    organization: int | None = None
    source_type: str = ""  # "app_label.model"
    due_before: date | None = None


def followup_list(
    *, user, filters: FollowUpFilters | None = None, mine: bool = False, today=None
) -> QuerySet[FollowUp]:
    """The items ``user`` may see: coordinators see all; others their organizations' items.

    ``mine`` narrows to the organizations where the user holds a role (what
    a coordinator, too, is responsible for).
    """
    filters = filters or FollowUpFilters()
    today = today or timezone.localdate()
    queryset = followup_base(today=today)
    responsible = Q(owner_organization_id__in=list(roles_of(user)))
    if mine:
        queryset = queryset.filter(responsible)
    elif not is_coordinator(user):
        # What the user's organizations must do, and what the user assigned to others.
        queryset = queryset.filter(responsible | sources_managed_q(user))
    if filters.q:
        queryset = search_filter(queryset, filters.q)
    if filters.status == "overdue":
        queryset = queryset.filter(overdue_q(today))
    elif filters.status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status in FollowUpStatus.values:
        queryset = queryset.filter(status=filters.status)
    if filters.organization:
        queryset = queryset.filter(owner_organization_id=filters.organization)
    if filters.source_type and "." in filters.source_type:
        app_label, model = filters.source_type.split(".", 1)
        queryset = queryset.filter(source_type__app_label=app_label, source_type__model=model)
    if filters.due_before:
        queryset = queryset.filter(due_on__lt=filters.due_before)
    if filters.status == "overdue":
        # Overdue items are open: their due date is open_due_on, whose index is in order.
        return queryset.order_by("open_due_on", "id")
    return queryset.order_by(F("due_on").asc(nulls_last=True), "id")


def followups_overdue(*, today: date | None = None) -> QuerySet[FollowUp]:
    """Every overdue item across the network, the oldest first (coordinators' view)."""
    today = today or timezone.localdate()
    return followup_base(today=today).filter(overdue_q(today)).order_by("open_due_on", "id")


def followups_of(source, *, today: date | None = None) -> QuerySet[FollowUp]:
    """The items of one source, in their numbered order."""
    source_type = ContentType.objects.get_for_model(source)
    return (
        followup_base(today=today)
        .filter(source_type=source_type, source_id=source.pk)
        .order_by("number")
    )


def followup_get(*, pk: int) -> FollowUp:
    return followup_base().prefetch_related("notes__author").get(pk=pk)


def followup_counts(*, source_type: ContentType | None = None, source_ids=None, today=None) -> dict:
    """Open, overdue and done counts, over all items or those of some sources."""
    today = today or timezone.localdate()
    queryset = FollowUp.objects.all()
    if source_type is not None:
        queryset = queryset.filter(source_type=source_type)
    if source_ids is not None:
        queryset = queryset.filter(source_id__in=source_ids)
    return queryset.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(today)),
        done=Count("pk", filter=Q(status=FollowUpStatus.DONE)),
    )


def followups_of_many(sources, *, today: date | None = None) -> dict[int, list[FollowUp]]:
    """The items of several sources of one model, by source id, each in numbered order.
    One query whatever the number of sources."""
    sources = list(sources)
    if not sources:
        return {}
    source_type = ContentType.objects.get_for_model(sources[0])
    grouped: dict[int, list[FollowUp]] = {source.pk: [] for source in sources}
    items = (
        followup_base(today=today)
        .filter(source_type=source_type, source_id__in=list(grouped))
        .order_by("source_id", "number")
    )
    for item in items:
        grouped[item.source_id].append(item)
    return grouped


# --- the quarterly guide ----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceProgress:
    source_id: int
    total: int
    done: int
    in_progress: int
    open: int  # open and not yet started
    waived: int
    overdue: int


@dataclass(frozen=True)
class ProgressOfSources:
    total: SourceProgress  # every item of every source of the type (``source_id`` 0)
    closed_in_span: int  # items closed (done or waived) between the two dates
    sources: list[SourceProgress]  # the ``limit`` sources with most items still open


def followup_progress_by_source(
    *, source_type: ContentType, closed_from: date, closed_until: date, today: date, limit: int = 10
) -> ProgressOfSources:
    """How the items of one kind of source (a conference's recommendations …) stand on
    ``today``: in all, items closed from ``closed_from`` to ``closed_until``, and by source for
    the ``limit`` sources with most still open. Two queries, whatever the number."""
    queryset = FollowUp.objects.filter(source_type=source_type).order_by()
    counts = {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=FollowUpStatus.DONE)),
        "in_progress": Count("pk", filter=Q(status=FollowUpStatus.IN_PROGRESS)),
        "open": Count("pk", filter=Q(status=FollowUpStatus.OPEN)),
        "waived": Count("pk", filter=Q(status=FollowUpStatus.WAIVED)),
        "overdue": Count("pk", filter=overdue_q(today)),
    }
    totals = queryset.aggregate(
        **counts,
        closed_in_span=Count(
            "pk",
            filter=Q(
                status__in=(FollowUpStatus.DONE, FollowUpStatus.WAIVED),
                closed_on__gte=closed_from,
                closed_on__lte=closed_until,
            ),
        ),
    )
    closed_in_span = totals.pop("closed_in_span")
    rows = (
        queryset.values("source_id")
        .annotate(**counts, still_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
        .order_by("-still_open", "-total", "-source_id")[:limit]
    )
    return ProgressOfSources(
        total=SourceProgress(source_id=0, **totals),
        closed_in_span=closed_in_span,
        sources=[
            SourceProgress(**{key: value for key, value in row.items() if key != "still_open"})
            for row in rows
        ],
    )


# --- figures for reports


def followup_status_figures(
    *, source_type=None, source_ids=None, organization_id: int | None = None, today=None
) -> dict[str, int]:
    """Items by status (``open``, ``in_progress``, ``done``, ``waived``), with ``total`` and
    ``overdue`` (open and past due): one query. Narrowed to one kind of source and some of
    its ids (a queryset or a list), and to the items an organization is responsible for."""
    today = today or timezone.localdate()
    queryset = FollowUp.objects.order_by()
    if source_type is not None:
        queryset = queryset.filter(source_type=source_type)
    if source_ids is not None:
        queryset = queryset.filter(source_id__in=source_ids)
    if organization_id is not None:
        queryset = queryset.filter(owner_organization_id=organization_id)
    return queryset.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in FollowUpStatus.values},
        overdue=Count("pk", filter=overdue_q(today)),
    )
