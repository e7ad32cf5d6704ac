"""Every change to volunteer groups, camps, distributions and service points goes through here.

Activity status: a group is *active all year* when it logged activity in at
least three of the four quarters (90-day periods) before today, *seasonal*
with one or two, *dormant* with none. Approved camps and recorded
distributions log activity; groups log other work themselves. The status is
recomputed whenever a group's activity changes and daily
(``groups_activity_refresh``), because time alone moves a group from active
to seasonal to dormant.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.core.boundaries import point_in_country
from hamafza.core.writes import recorded_actor, unknown_fields_refuse
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.fieldops.models import (
    CAMP_MAX_DAYS,
    ActivitySource,
    ActivityStatus,
    Camp,
    Campaign,
    CampPhoto,
    CampService,
    CampStatus,
    Distribution,
    GroupActivity,
    PointStatus,
    Service,
    ServicePoint,
    VolunteerGroup,
)
from hamafza.fieldops.policies import (
    camp_policy,
    campaign_policy,
    distribution_policy,
    group_policy,
    service_point_policy,
)

# How far a point given with a pole number may be from that pole's place on the route line.
POLE_POINT_TOLERANCE_METRES = 1500
QUARTER_DAYS = 90
ACTIVE_QUARTERS = 3


def _place_errors(*, country, province=None, city=None, latitude=None, longitude=None) -> dict:
    """A city outside its province, or a point outside its country."""
    errors = {}
    if city is not None and province is not None and city.province_id not in (None, province.pk):
        errors["city"] = _("This city is not in the chosen province.")
    if (
        country is not None
        and latitude is not None
        and longitude is not None
        and not point_in_country(country.code, latitude, longitude)
    ):
        errors["latitude"] = _("This point is outside %(country)s.") % {
            "country": country.display_name()
        }
    return errors


# --- volunteer groups and their activity -----------------------------------------------------

GROUP_FIELDS = frozenset({"registration_number", "registered_on", "sponsor", "size"})


def group_register(*, actor, organization: Organization, sponsor: Organization, **values):
    """Register a directory organization of kind "volunteer group" under its sponsoring body."""
    unknown_fields_refuse(values, GROUP_FIELDS - {"sponsor"})
    group_policy.check(actor, "add", sponsor)
    if organization.kind != OrganizationKind.VOLUNTEER_GROUP:
        raise ValidationError(
            {"organization": _("Only an organization of kind “volunteer group” is registered.")}
        )
    group = VolunteerGroup(organization=organization, sponsor=sponsor, **values)
    group.full_clean()
    with transaction.atomic():
        group.save()
    return group


def group_update(*, actor, group: VolunteerGroup, **values) -> VolunteerGroup:
    unknown_fields_refuse(values, GROUP_FIELDS)
    group_policy.check(actor, "change", group)
    if "sponsor" in values and values["sponsor"] != group.sponsor:
        group_policy.check(actor, "add", values["sponsor"])
    with transaction.atomic():
        locked = VolunteerGroup.objects.select_for_update().get(pk=group.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.save()
    return locked


def activity_status_of(dates: Iterable[datetime.date], *, today: datetime.date) -> tuple[str, int]:
    """(status, active quarters) from the days a group was active."""
    quarters = set()
    for day in dates:
        age = (today - day).days
        if 0 <= age < QUARTER_DAYS * 4:
            quarters.add(age // QUARTER_DAYS)
    count = len(quarters)
    if count >= ACTIVE_QUARTERS:
        return ActivityStatus.ACTIVE, count
    if count:
        return ActivityStatus.SEASONAL, count
    return ActivityStatus.DORMANT, 0


def groups_activity_refresh(
    *, groups: Iterable[int] | None = None, today: datetime.date | None = None
) -> int:
    """Recompute the activity status of ``groups`` (ids; all when None). Returns how many
    changed. One grouped query over the last year's activity, one bulk update."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=QUARTER_DAYS * 4 - 1)
    group_ids = list(groups) if groups is not None else None
    queryset = VolunteerGroup.objects.all()
    if group_ids is not None:
        queryset = queryset.filter(pk__in=group_ids)
    counts: dict[int, set[int]] = {}
    activity = GroupActivity.objects.filter(on__gte=since, on__lte=today)
    if group_ids is not None:
        activity = activity.filter(group_id__in=group_ids)
    rows = activity.values_list("group_id", "on").order_by().distinct()
    for group_id, on in rows.iterator(chunk_size=5000):
        counts.setdefault(group_id, set()).add((today - on).days // QUARTER_DAYS)
    last = dict(
        GroupActivity.objects.filter(on__lte=today)
        .filter(group_id__in=queryset.values("pk"))
        .values_list("group_id")
        .annotate(last=Max("on"))
        .order_by()
    )
    changed = []
    for group in queryset.only("pk", "activity_status", "active_quarters", "last_active_on"):
        quarters = len(counts.get(group.pk, ()))
        if quarters >= ACTIVE_QUARTERS:
            status = ActivityStatus.ACTIVE
        elif quarters:
            status = ActivityStatus.SEASONAL
        else:
            status = ActivityStatus.DORMANT
        latest = last.get(group.pk)
        if (group.activity_status, group.active_quarters, group.last_active_on) != (
            status,
            quarters,
            latest,
        ):
            group.activity_status, group.active_quarters, group.last_active_on = (
                status,
                quarters,
                latest,
            )
            changed.append(group)
    VolunteerGroup.objects.bulk_update(
        changed, ["activity_status", "active_quarters", "last_active_on"], batch_size=1000
    )
    return len(changed)


def _activity_log(
    *, group: VolunteerGroup, source: str, source_id: int | None, on, field=None, text=""
) -> None:
    if source_id is not None:
        GroupActivity.objects.update_or_create(
            source=source,
            source_id=source_id,
            defaults={"group": group, "on": on, "field": field, "description": text[:500]},
        )
    else:
        GroupActivity.objects.create(
            group=group, source=source, on=on, field=field, description=text[:500]
        )
    groups_activity_refresh(groups=[group.pk])


def group_activity_log(
    *, actor, group: VolunteerGroup, on: datetime.date, field=None, description: str = ""
) -> GroupActivity:
    """The group logs a day of work that is neither a camp nor a distribution."""
    group_policy.check(actor, "log", group)
    if on > timezone.localdate():
        raise ValidationError({"on": _("Activity is logged once it has happened.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Say what the group did.")})
    with transaction.atomic():
        activity = GroupActivity.objects.create(
            group=group,
            source=ActivitySource.OTHER,
            on=on,
            field=field,
            description=description.strip()[:500],
        )
        groups_activity_refresh(groups=[group.pk])
    return activity


# --- camps -----------------------------------------------------------------------------------

CAMP_FIELDS = frozenset(
    {
        "field",
        "starts_on",
        "ends_on",
        "province",
        "city",
        "village",
        "neighbourhood",
        "latitude",
        "longitude",
        "volunteers",
        "beneficiaries",
        "report",
    }
)


@dataclass(frozen=True)
class ServiceInput:
    name: str
    quantity: Decimal | int
    unit: str


def _camp_check(camp: Camp) -> None:
    errors: dict[str, str] = {}
    if camp.starts_on and camp.ends_on:
        if camp.ends_on < camp.starts_on:
            errors["ends_on"] = _("A camp cannot end before it starts.")
        elif camp.days > CAMP_MAX_DAYS:
            errors["ends_on"] = _("A camp lasts from 1 to %(days)s days.") % {"days": CAMP_MAX_DAYS}
    if camp.province_id:
        errors.update(
            _place_errors(
                country=camp.province.country,
                province=camp.province,
                city=camp.city,
                latitude=camp.latitude,
                longitude=camp.longitude,
            )
        )
    if errors:
        raise ValidationError(errors)


def _services_build(camp: Camp, services: Iterable[ServiceInput]) -> list[CampService]:
    rows = []
    for position, service in enumerate(services, start=1):
        row = CampService(
            camp=camp,
            name=(service.name or "").strip(),
            quantity=service.quantity,
            unit=service.unit,
        )
        try:
            row.full_clean(exclude=["camp"])
        except ValidationError as error:
            raise ValidationError(
                {
                    "services": _("Service %(number)s: %(errors)s")
                    % {"number": position, "errors": " ".join(error.messages)}
                }
            ) from error
        rows.append(row)
    return rows


def camp_create(
    *,
    actor,
    group: VolunteerGroup,
    services: Iterable[ServiceInput] = (),
    photos: Iterable = (),
    **values,
) -> Camp:
    """A group logs a camp; it waits for its sponsoring body's approval. All or nothing."""
    unknown_fields_refuse(values, CAMP_FIELDS)
    camp_policy.check(actor, "add", group)
    camp = Camp(group=group, created_by=recorded_actor(actor), **values)
    _camp_check(camp)
    camp.full_clean(exclude=["created_by", "decided_by"])
    rows = _services_build(camp, services)
    stored: list[str] = []
    try:
        with transaction.atomic():
            camp.save()
            for row in rows:
                row.camp = camp
            CampService.objects.bulk_create(rows)
            for photo in photos:
                stored.append(camp_photo_add(actor=actor, camp=camp, image=photo).image.name)
    except Exception:
        # The rows are rolled back; the files written before the failure go too.
        storage = CampPhoto._meta.get_field("image").storage
        for name in stored:
            storage.delete(name)
        raise
    return camp


def camp_update(
    *, actor, camp: Camp, services: Iterable[ServiceInput] | None = None, **values
) -> Camp:
    unknown_fields_refuse(values, CAMP_FIELDS)
    camp_policy.check(actor, "change", camp)
    with transaction.atomic():
        locked = Camp.objects.select_for_update().get(pk=camp.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        _camp_check(locked)
        locked.full_clean(exclude=["created_by", "decided_by"])
        locked.save()
        if services is not None:
            rows = _services_build(locked, services)
            locked.services.all().delete()
            CampService.objects.bulk_create(rows)
        if locked.status == CampStatus.APPROVED:
            _camp_activity(locked)
    return locked


def camp_photo_add(*, actor, camp: Camp, image, caption: str = "") -> CampPhoto:
    from hamafza.core.uploads import validate_image

    camp_policy.check(actor, "change", camp)
    validate_image(image)
    photo = CampPhoto(camp=camp, image=image, caption=caption)
    photo.full_clean()
    photo.save()
    return photo


def _camp_activity(camp: Camp) -> None:
    _activity_log(
        group=camp.group,
        source=ActivitySource.CAMP,
        source_id=camp.pk,
        on=camp.starts_on,
        field=camp.field,
        text=camp.report,
    )


def camp_decide(*, actor, camp: Camp, approve: bool, note: str = "") -> Camp:
    """The sponsoring body approves or rejects a camp. An approved camp counts as the group's
    activity; a rejection needs a reason."""
    camp_policy.check(actor, "decide", camp)
    if not approve and not (note or "").strip():
        raise ValidationError({"decision_note": _("Say why the camp is rejected.")})
    with transaction.atomic():
        locked = Camp.objects.select_for_update().select_related("group").get(pk=camp.pk)
        if locked.status != CampStatus.SUBMITTED:
            raise ValidationError(_("This camp has already been decided."))
        locked.status = CampStatus.APPROVED if approve else CampStatus.REJECTED
        locked.decided_by = recorded_actor(actor)
        locked.decided_at = timezone.now()
        locked.decision_note = (note or "").strip()[:500]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            _camp_activity(locked)
    return locked


def camp_delete(*, actor, camp: Camp) -> None:
    camp_policy.check(actor, "delete", camp)
    with transaction.atomic():
        GroupActivity.objects.filter(source=ActivitySource.CAMP, source_id=camp.pk).delete()
        group_id = camp.group_id
        camp.delete()
        groups_activity_refresh(groups=[group_id])


# --- campaigns and distributions -------------------------------------------------------------

CAMPAIGN_FIELDS = frozenset({"name", "names", "starts_on", "ends_on", "description"})
DISTRIBUTION_FIELDS = frozenset(
    {
        "package_kind",
        "quantity",
        "households",
        "distributed_on",
        "province",
        "city",
        "place",
        "latitude",
        "longitude",
    }
)


def campaign_create(*, actor, organizer: Organization, **values) -> Campaign:
    unknown_fields_refuse(values, CAMPAIGN_FIELDS)
    campaign_policy.check(actor, "add", organizer)
    campaign = Campaign(organizer=organizer, **values)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
    return campaign


def campaign_update(*, actor, campaign: Campaign, **values) -> Campaign:
    unknown_fields_refuse(values, CAMPAIGN_FIELDS)
    campaign_policy.check(actor, "change", campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.save()
    return locked


def _distribution_repeated(distribution: Distribution) -> bool:
    """The same delivery recorded before, without a city: the unique constraint does not
    hold there (NULLs differ in SQL), so it is looked for here."""
    if not (distribution.campaign_id and distribution.group_id and distribution.province_id):
        return False
    return (
        Distribution.objects.filter(
            campaign_id=distribution.campaign_id,
            group_id=distribution.group_id,
            distributed_on=distribution.distributed_on,
            province_id=distribution.province_id,
            city__isnull=True,
            place=distribution.place,
        )
        .exclude(pk=distribution.pk)
        .exists()
    )


def _distribution_check(distribution: Distribution) -> None:
    errors: dict[str, str] = {}
    campaign = distribution.campaign
    day = distribution.distributed_on
    if day and campaign and day < campaign.starts_on:
        errors["distributed_on"] = _("This day is before the campaign began.")
    if day and campaign and campaign.ends_on and day > campaign.ends_on:
        errors["distributed_on"] = _("This day is after the campaign ended.")
    if day and day > timezone.localdate():
        errors["distributed_on"] = _("A distribution is recorded once it has happened.")
    if (
        distribution.households is not None
        and distribution.quantity is not None
        and distribution.households > distribution.quantity * 10
    ):
        errors["households"] = _("More households than ten per package: check the figures.")
    if distribution.city_id is None and _distribution_repeated(distribution):
        errors[NON_FIELD_ERRORS] = _(
            "This group's delivery for this campaign, place and day is already recorded."
        )
    if distribution.province_id:
        errors.update(
            _place_errors(
                country=distribution.province.country,
                province=distribution.province,
                city=distribution.city,
                latitude=distribution.latitude,
                longitude=distribution.longitude,
            )
        )
    if errors:
        raise ValidationError(errors)


def distribution_record(
    *, actor, campaign: Campaign, group: VolunteerGroup, **values
) -> Distribution:
    """Record one delivery: one campaign, one place, one group, one day."""
    unknown_fields_refuse(values, DISTRIBUTION_FIELDS)
    distribution_policy.check(actor, "add", (campaign, group))
    distribution = Distribution(
        campaign=campaign, group=group, created_by=recorded_actor(actor), **values
    )
    distribution.full_clean(exclude=["created_by"])
    _distribution_check(distribution)
    with transaction.atomic():
        distribution.save()
        _activity_log(
            group=group,
            source=ActivitySource.DISTRIBUTION,
            source_id=distribution.pk,
            on=distribution.distributed_on,
        )
    return distribution


def distribution_update(*, actor, distribution: Distribution, **values) -> Distribution:
    unknown_fields_refuse(values, DISTRIBUTION_FIELDS)
    distribution_policy.check(actor, "change", distribution)
    with transaction.atomic():
        locked = Distribution.objects.select_for_update().get(pk=distribution.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.full_clean(exclude=["created_by"])
        _distribution_check(locked)
        locked.save()
        _activity_log(
            group=locked.group,
            source=ActivitySource.DISTRIBUTION,
            source_id=locked.pk,
            on=locked.distributed_on,
        )
    return locked


def distribution_delete(*, actor, distribution: Distribution) -> None:
    distribution_policy.check(actor, "delete", distribution)
    with transaction.atomic():
        GroupActivity.objects.filter(
            source=ActivitySource.DISTRIBUTION, source_id=distribution.pk
        ).delete()
        group_id = distribution.group_id
        distribution.delete()
        groups_activity_refresh(groups=[group_id])


# --- service points --------------------------------------------------------------------------

POINT_FIELDS = frozenset(
    {
        "name",
        "names",
        "kind",
        "country",
        "province",
        "latitude",
        "longitude",
        "route",
        "pole",
        "border_crossing",
        "services",
        "capacity",
        "opens_on",
        "closes_on",
        "hours",
        "phone",
        "status",
    }
)
POINT_RELATIONS = frozenset({"languages"})


def _point_check(point: ServicePoint) -> None:
    from hamafza.fieldops.routes import distance_metres, pole_error, pole_point, pole_valid

    errors: dict[str, str] = {}
    unknown = [service for service in point.services or [] if service not in Service.values]
    if not isinstance(point.services, list) or unknown:
        errors["services"] = _("Choose the services from the list.")
    if point.pole is not None and not point.route:
        errors["route"] = _("A pole number belongs to a route.")
    if point.route and point.pole is not None and not pole_valid(point.route, point.pole):
        errors["pole"] = pole_error(point.route, point.pole)
    elif point.route and point.pole is not None and point.latitude is not None:
        away = distance_metres(
            float(point.latitude), float(point.longitude), *pole_point(point.route, point.pole)
        )
        if away > POLE_POINT_TOLERANCE_METRES:
            errors["pole"] = _(
                "The point is %(km)s km from pole %(pole)s: check the pole number or the point."
            ) % {"km": f"{away / 1000:.1f}", "pole": point.pole}
    if point.province_id and point.country_id and point.province.country_id != point.country_id:
        errors["province"] = _("This province is not in the chosen country.")
    if point.country_id:
        errors.update(
            _place_errors(country=point.country, latitude=point.latitude, longitude=point.longitude)
        )
    if errors:
        raise ValidationError(errors)


def service_point_create(*, actor, operator: Organization, **values) -> ServicePoint:
    unknown_fields_refuse(values, POINT_FIELDS | POINT_RELATIONS)
    languages = values.pop("languages", None)
    service_point_policy.check(actor, "add", operator)
    point = ServicePoint(operator=operator, **values)
    if point.status:
        point.status_changed_at = timezone.now()
        point.status_changed_by = recorded_actor(actor)
    _point_check(point)
    point.full_clean(exclude=["status_changed_by"])
    with transaction.atomic():
        point.save()
        if languages is not None:
            point.languages.set(list(languages))
    return point


def service_point_update(*, actor, point: ServicePoint, **values) -> ServicePoint:
    unknown_fields_refuse(values, POINT_FIELDS | POINT_RELATIONS)
    languages = values.pop("languages", None)
    service_point_policy.check(actor, "change", point)
    with transaction.atomic():
        locked = ServicePoint.objects.select_for_update().get(pk=point.pk)
        status_before = locked.status
        for field, value in values.items():
            setattr(locked, field, value)
        if locked.status != status_before:
            locked.status_changed_at = timezone.now()
            locked.status_changed_by = recorded_actor(actor)
        _point_check(locked)
        locked.full_clean(exclude=["status_changed_by"])
        locked.save()
        if languages is not None:
            locked.languages.set(list(languages))
    return locked


def service_point_status_set(*, actor, point: ServicePoint, status: str) -> ServicePoint:
    """The operator says the point is open, full or closed (from a phone: one small write)."""
    service_point_policy.check(actor, "status", point)
    if status not in PointStatus.values:
        raise ValidationError({"status": _("Choose open, full or closed.")})
    now = timezone.now()
    ServicePoint.objects.filter(pk=point.pk).update(
        status=status,
        status_changed_at=now,
        status_changed_by=recorded_actor(actor),
        updated_at=now,
    )
    point.status, point.status_changed_at = status, now
    return point


def service_point_delete(*, actor, point: ServicePoint) -> None:
    service_point_policy.check(actor, "delete", point)
    with transaction.atomic():
        point.delete()
