"""Field operations pages: the public pilgrim map with its GeoJSON and "nearest service"
endpoints, service points with the operator's phone page for their status, volunteer groups,
camps, campaigns with their distributions, the dashboard and the exports.

Each view parses input, calls a selector or service, and renders. Everyone reads what is
public (approved camps, groups, campaigns, service points); writes ask for a signed-in user
(anonymous visitors are sent to sign in) and the right the policies give (a refused visitor
gets the 403 page; the services refuse the same). Services' messages are shown on the forms'
fields. Anything typed in a URL that does not name a row is a 404; a filter typed wrong is
left out.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hamafza.core.calendars import Calendar, month_name
from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.paging import capped_page, query_without_page
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.core.selectors import places_index
from hamafza.core.text import digits_localize
from hamafza.directory.models import Organization, Role
from hamafza.directory.policies import organization_ids_with_role

from . import routes, selectors, services
from .forms import (
    CampDecideForm,
    CampFilterForm,
    CampForm,
    CampServiceFormSet,
    DistributionForm,
    GroupActivityForm,
    GroupFilterForm,
    MapFilterForm,
    NearestForm,
    PointFilterForm,
    PointStatusForm,
    ServicePointForm,
)
from .models import (
    ActivityStatus,
    BorderCrossing,
    Camp,
    CampStatus,
    PackageKind,
    PointStatus,
    Route,
    Service,
    ServicePointKind,
    ServiceUnit,
)
from .policies import (
    camp_policy,
    campaign_policy,
    distribution_policy,
    group_policy,
    service_point_policy,
)
from .selectors import CampFilters, DistributionFilters

PAGE_SIZE = 25
MAP_LIST_SIZE = 20
DETAIL_ROWS = 10
SEGMENT_POLES = 100
ROUTE_MARKER_EVERY = 100
EXPORTS = ("groups", "camps", "distributions", "points")
# Marker colours by status, shared by the map's markers and its legend.
STATUS_COLOURS = {
    PointStatus.OPEN: "#198754",
    PointStatus.FULL: "#d97706",
    PointStatus.CLOSED: "#6c757d",
}
CAMP_COLOUR = "#6f42c1"
# Persian and Arabic write the decimal separator "٫".
DECIMAL_SEPARATOR = "\u066b"


# --- helpers -----------------------------------------------------------------------------------


def _or_404(read, pk, message: str, **kwargs):
    """The row ``read(pk=…)`` returns, or a 404 for an id that is malformed or names nothing."""
    row_id = id_param(pk)
    if row_id is None:
        raise Http404(message)
    try:
        return read(pk=row_id, **kwargs)
    except ObjectDoesNotExist as error:
        raise Http404(message) from error


def _point_or_404(pk):
    return _or_404(selectors.service_point_get, pk, _("No such service point."))


def _group_or_404(pk):
    return _or_404(selectors.group_get, pk, _("No such group."))


def _campaign_or_404(pk):
    return _or_404(selectors.campaign_get, pk, _("No such campaign."))


def _wants_json(request) -> bool:
    if request.GET.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _geojson(data: dict) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    return response


def _number(value) -> str:
    """A number in the visitor's digits (and decimal separator)."""
    language = get_language()
    text = digits_localize(str(value), language)
    if text != str(value):
        text = text.replace(".", DECIMAL_SEPARATOR)
    return text


def _distance_text(metres: float) -> str:
    """A distance as a pilgrim reads it: metres under a kilometre ("350 m"), kilometres above
    ("1.2 km"), in the visitor's digits."""
    if metres < 1000:
        return _("%(metres)s m") % {"metres": _number(round(metres))}
    kilometres = f"{metres / 1000:.1f}" if metres < 100_000 else f"{metres / 1000:.0f}"
    return _("%(kilometres)s km") % {"kilometres": _number(kilometres)}


def _labels(choices, values) -> list[str]:
    names = dict(choices)
    return [str(names[value]) for value in values or () if value in names]


def _language_names(codes) -> list[str]:
    by_code = {language.code: language for language in places_index().languages.values()}
    return [by_code[code].display_name() for code in codes if code in by_code]


def _operators(user) -> list[Organization] | None:
    """The organizations whose service points ``user`` may add; None for "any" (coordinators)."""
    if is_coordinator(user):
        return None
    ids = [
        organization_id
        for organization_id in organization_ids_with_role(user, Role.EDITOR)
        if service_point_policy.allows(user, "add", organization_id)
    ]
    return list(Organization.objects.only("id", "name", "names").filter(pk__in=ids))


def _may_add_points(user) -> bool:
    return is_coordinator(user) or bool(organization_ids_with_role(user, Role.EDITOR))


# --- the public map ----------------------------------------------------------------------------


def _map_i18n() -> dict:
    """What the map's script shows, in the visitor's language."""
    return {
        "kinds": {value: str(label) for value, label in ServicePointKind.choices},
        "services": {value: str(label) for value, label in Service.choices},
        "statuses": {value: str(label) for value, label in PointStatus.choices},
        "crossings": {value: str(label) for value, label in BorderCrossing.choices},
        "languages": {
            language.code: language.display_name() for language in places_index().languages.values()
        },
        "colours": {str(status): colour for status, colour in STATUS_COLOURS.items()},
        "camp_colour": CAMP_COLOUR,
        "digits": digits_localize("0123456789", get_language()),
        "separator": pgettext("list separator", ", "),
        "text": {
            "pole": _("Pole %(pole)s"),
            "poles_away": _("%(poles)s poles away"),
            "details": _("Details"),
            "services": _("Services"),
            "languages": _("Languages spoken"),
            "operator": _("Operated by"),
            "hours": _("Opening hours"),
            "capacity": _("Capacity: %(capacity)s people"),
            "shown": _("Service points shown: %(count)s"),
            "camp": _("Volunteer camp"),
            "camp_days": _("Days: %(days)s · volunteers: %(volunteers)s"),
            "loading": _("Loading…"),
            "failed": _("The map could not be loaded. Try again."),
            "none": _("No service point matches these filters."),
            "nearest_none": _("No open service point of this kind was found."),
            "locating": _("Finding your location…"),
            "located": _("Your location was found."),
            "not_located": _("Your location could not be found. Type a pole number instead."),
            "list_more": _("See them all in the list"),
        },
    }


def map_page(request):
    """The pilgrim map: service points coloured by status, approved camps, the Najaf–Karbala
    walk with its poles; filters and "nearest open service" work with and without a script."""
    form = MapFilterForm(request.GET or None)
    filters = form.filters()
    page = capped_page(selectors.service_point_list(filters=filters), 1, MAP_LIST_SIZE)
    points_query = query_without_page(request)
    context = {
        "form": form,
        "page": page,
        "rows": _point_rows(page.rows),
        "nearest_form": NearestForm(initial={"route": Route.NAJAF_KARBALA}, auto_id="nearest-%s"),
        "points_query": points_query,
        "tile_url": settings.HAMAFZA_MAP_TILE_URL,
        "tile_attribution": settings.HAMAFZA_MAP_TILE_ATTRIBUTION,
        "map_i18n": _map_i18n(),
        "legend": [
            {"status": status, "label": label, "colour": STATUS_COLOURS[status]}
            for status, label in PointStatus.choices
        ],
        "camp_colour": CAMP_COLOUR,
        "route": Route.NAJAF_KARBALA,
        "tab": "map",
    }
    return render(request, "fieldops/map.html", context)


@require_GET
def points_geojson(request):
    """Service points as GeoJSON; ``kind``, ``service``, ``language``, ``status`` (each repeated
    or comma-separated), ``route`` and ``operator`` filter them."""
    filters = selectors.service_point_filters_from_query(request.GET)
    data = selectors.service_points_geojson(
        kinds=filters.kinds,
        services=filters.services,
        languages=filters.languages,
        statuses=filters.statuses,
        route=filters.route,
        operator_id=filters.operator_id,
    )
    return _geojson(data)


def _iso_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


@require_GET
def camps_geojson(request):
    """Approved camps with a point as GeoJSON; ``since`` (ISO date) and ``province`` (id)."""
    data = selectors.camps_geojson(
        since=_iso_date(request.GET.get("since")),
        province_id=id_param(request.GET.get("province")),
    )
    return _geojson(data)


@require_GET
def route_geojson(request, route: str):
    if routes.route_line(route) is None:
        raise Http404(_("No such route."))
    return _geojson(routes.route_geojson(route, every=ROUTE_MARKER_EVERY))


def _near_row(near) -> dict:
    point = near.point
    return {
        "id": point.pk,
        "name": point.display_name(),
        "kind": point.kind,
        "kind_label": str(dict(ServicePointKind.choices).get(point.kind, point.kind)),
        "status": point.status,
        "status_label": str(dict(PointStatus.choices).get(point.status, point.status)),
        "route": point.route,
        "pole": point.pole,
        "pole_text": _number(point.pole) if point.pole else "",
        "poles_away": near.poles,
        "services": list(point.services or []),
        "service_labels": _labels(Service.choices, point.services),
        "languages": _language_names(language.code for language in point.languages.all()),
        "operator": point.operator.display_name(),
        "metres": near.metres,
        "distance": _distance_text(near.metres),
        "latitude": float(point.latitude),
        "longitude": float(point.longitude),
        "url": reverse("fieldops:point", args=[point.pk]),
    }


def _origin_point(origin: dict) -> list[float]:
    """[latitude, longitude] measured from (a pole's point for a pole)."""
    if "pole" in origin:
        return list(routes.pole_point(origin["route"], origin["pole"]))
    return [origin["latitude"], origin["longitude"]]


def nearest(request):
    """The nearest open service points (of a kind, service or language) from a position
    (``lat``, ``lon``) or a pole (``route``, ``pole``): JSON for the map's script
    (``format=json`` or ``Accept: application/json``), a list of them otherwise."""
    form = NearestForm(request.GET or None, auto_id="nearest-%s")
    found, origin = [], None
    if form.is_bound and form.is_valid():
        origin = form.origin()
        criteria = form.criteria()
        if "pole" in origin:
            found = selectors.nearest_from_pole(**origin, **criteria)
        else:
            found = selectors.nearest_service_points(**origin, **criteria)
    rows = [_near_row(near) for near in found]
    if _wants_json(request):
        if not form.is_bound or form.errors:
            errors = {
                field: [str(error) for error in errors] for field, errors in form.errors.items()
            }
            if not form.is_bound:
                errors = {"__all__": [_("Give a pole number or share your location.")]}
            return JsonResponse(
                {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
            )
        return JsonResponse(
            {"origin": origin, "origin_point": _origin_point(origin), "results": rows},
            json_dumps_params={"ensure_ascii": False},
        )
    context = {
        "nearest_form": form,
        "origin": origin,
        "origin_pole": _number(origin["pole"]) if origin and "pole" in origin else "",
        "results": rows,
        "searched": origin is not None,
        "tab": "map",
    }
    if request.headers.get("HX-Request"):
        return render(request, "fieldops/_nearest.html", context)
    return render(request, "fieldops/nearest.html", context)


# --- service points ----------------------------------------------------------------------------


def _point_rows(points) -> list:
    """Points with their kind, status, services and languages as the visitor reads them."""
    for point in points:
        point.kind_label = dict(ServicePointKind.choices).get(point.kind, point.kind)
        point.service_labels = _labels(Service.choices, point.services)
        point.language_names = [language.display_name() for language in point.languages.all()]
    return points


def point_list(request):
    form = PointFilterForm(request.GET or None)
    filters = form.filters()
    page = capped_page(
        selectors.service_point_list(filters=filters), request.GET.get("page"), PAGE_SIZE
    )
    query = query_without_page(request)
    context = {
        "form": form,
        "page": page,
        "rows": _point_rows(page.rows),
        "query_without_page": query,
        "export_query": query,
        "operator": (
            Organization.objects.only("id", "name", "names").filter(pk=filters.operator_id).first()
            if filters.operator_id
            else None
        ),
        "can_add": _may_add_points(request.user),
        "tab": "points",
    }
    return render(request, "fieldops/point_list.html", context)


def point_detail(request, pk: int):
    point = _point_or_404(pk)
    _point_rows([point])
    context = {
        "point": point,
        "can_change": service_point_policy.allows(request.user, "change", point),
        "can_status": service_point_policy.allows(request.user, "status", point),
        "tile_url": settings.HAMAFZA_MAP_TILE_URL,
        "tile_attribution": settings.HAMAFZA_MAP_TILE_ATTRIBUTION,
        "colour": STATUS_COLOURS.get(point.status, "#6c757d"),
        "crossing": dict(BorderCrossing.choices).get(point.border_crossing, ""),
        "route_label": dict(Route.choices).get(point.route, ""),
        "map_i18n": _map_i18n(),
        "tab": "points",
    }
    return render(request, "fieldops/point_detail.html", context)


def _point_form_page(request, form, point=None):
    context = {
        "form": form,
        "point": point,
        "tile_url": settings.HAMAFZA_MAP_TILE_URL,
        "tile_attribution": settings.HAMAFZA_MAP_TILE_ATTRIBUTION,
        "map_i18n": _map_i18n(),
        "tab": "points",
    }
    return render(request, "fieldops/point_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def point_create(request):
    operators = _operators(request.user)
    if operators is not None and not operators:
        raise PermissionDenied
    initial = {"status": PointStatus.OPEN, "route": ""}
    asked = id_param(request.GET.get("operator"))
    if asked is not None and service_point_policy.allows(request.user, "add", asked):
        initial["operator"] = asked
    form = ServicePointForm(request.POST or None, operators=operators, initial=initial)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.service_point_create(
                actor=request.user, operator=form.cleaned_data["operator"], **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The service point was registered."))
            return redirect("fieldops:point", pk=point.pk)
    return _point_form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def point_edit(request, pk: int):
    point = _point_or_404(pk)
    service_point_policy.check(request.user, "change", point)
    form = ServicePointForm(request.POST or None, point=point)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_point_update(actor=request.user, point=point, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("fieldops:point", pk=point.pk)
    return _point_form_page(request, form, point)


@login_required
@require_http_methods(["GET", "POST"])
def point_status(request, pk: int):
    """The operator's phone page: the point's status and three buttons to change it."""
    point = _point_or_404(pk)
    service_point_policy.check(request.user, "status", point)
    form = PointStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_point_status_set(
                actor=request.user, point=point, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The point is now shown as “%(status)s”.")
                % {"status": PointStatus(point.status).label},
            )
            return redirect("fieldops:point-status", pk=point.pk)
    context = {
        "point": point,
        "form": form,
        "choices": [
            {"value": value, "label": label, "current": value == point.status}
            for value, label in PointStatus.choices
        ],
        "status_label": PointStatus(point.status).label,
        "colour": STATUS_COLOURS.get(point.status, "#6c757d"),
        "tab": "points",
    }
    return render(
        request, "fieldops/point_status.html", context, status=400 if form.errors else 200
    )


# --- volunteer groups --------------------------------------------------------------------------


def group_list(request):
    form = GroupFilterForm(request.GET or None)
    filters = form.filters()
    page = capped_page(selectors.group_list(filters=filters), request.GET.get("page"), PAGE_SIZE)
    query = query_without_page(request)
    context = {
        "form": form,
        "page": page,
        "query_without_page": query,
        "export_query": query,
        "sponsor": (
            Organization.objects.only("id", "name", "names").filter(pk=filters.sponsor_id).first()
            if filters.sponsor_id
            else None
        ),
        "tab": "groups",
    }
    return render(request, "fieldops/group_list.html", context)


@require_http_methods(["GET", "POST"])
def group_detail(request, pk: int):
    """A group with its activity, camps and distributions; its editors log other work here."""
    group = _group_or_404(pk)
    user = request.user
    can_log = group_policy.allows(user, "log", group)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        group_policy.check(user, "log", group)
    form = GroupActivityForm(request.POST or None) if can_log else None
    if form is not None:
        form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_activity_log(actor=user, group=group, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The activity was logged."))
            return redirect(reverse("fieldops:group", args=[group.pk]) + "#activity")
    camps = list(
        selectors.camp_list(filters=CampFilters(group_id=group.pk), user=user)[:DETAIL_ROWS]
    )
    distributions = list(
        selectors.distribution_list(filters=DistributionFilters(group_id=group.pk))[:DETAIL_ROWS]
    )
    context = {
        "group": group,
        "fields": list(group.organization.fields.all()),
        "activities": selectors.group_activities(group=group, limit=DETAIL_ROWS),
        "camps": camps,
        "distributions": distributions,
        "form": form,
        "can_log": can_log,
        "can_add_camp": camp_policy.allows(user, "add", group),
        "tab": "groups",
    }
    return render(
        request, "fieldops/group_detail.html", context, status=400 if form and form.errors else 200
    )


# --- camps -------------------------------------------------------------------------------------


def _camp_filter_form(request) -> CampFilterForm:
    return CampFilterForm(
        request.GET or None, calendar=request.calendar, region=request.lunar_region
    )


def _camps(request, form: CampFilterForm):
    """The camps the visitor may see, filtered (the month or year asked bounds them)."""
    filters = form.filters()
    _since, until = form.period() if form.is_bound and not form.errors else (None, None)
    queryset = selectors.camp_list(filters=filters, user=request.user)
    if until is not None:
        queryset = queryset.filter(starts_on__lt=until)
    return filters, queryset


def camp_list(request):
    form = _camp_filter_form(request)
    filters, queryset = _camps(request, form)
    page = capped_page(queryset, request.GET.get("page"), PAGE_SIZE)
    group = None
    if filters.group_id:
        group = selectors.group_list().filter(pk=filters.group_id).first()
    query = query_without_page(request)
    context = {
        "form": form,
        "page": page,
        "group": group,
        "query_without_page": query,
        "export_query": query,
        "tab": "camps",
    }
    return render(request, "fieldops/camp_list.html", context)


def _camp_or_404(request, pk) -> Camp:
    return _or_404(selectors.camp_get, pk, _("No such camp."), user=request.user)


def _camp_page(request, camp: Camp, decide_form: CampDecideForm | None = None, status=200):
    can_decide = camp.status == CampStatus.SUBMITTED and camp_policy.allows(
        request.user, "decide", camp
    )
    units = dict(ServiceUnit.choices)
    for service in camp.services.all():
        service.unit_label = units.get(service.unit, service.unit)
    context = {
        "camp": camp,
        "can_decide": can_decide,
        "decide_form": decide_form or (CampDecideForm() if can_decide else None),
        "status_label": CampStatus(camp.status).label,
        "tab": "camps",
    }
    return render(request, "fieldops/camp_detail.html", context, status=status)


def camp_detail(request, pk: int):
    return _camp_page(request, _camp_or_404(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def camp_decide(request, pk: int):
    """The sponsoring body approves or rejects a camp (the form is on the camp's page)."""
    try:
        camp = _camp_or_404(request, pk)
    except Http404:
        # A camp the visitor may not see is refused like one they may not decide.
        camp_id = id_param(pk)
        if camp_id is not None and Camp.objects.filter(pk=camp_id).exists():
            raise PermissionDenied from None
        raise
    camp_policy.check(request.user, "decide", camp)
    if request.method == "GET":
        return redirect(reverse("fieldops:camp", args=[camp.pk]) + "#decide")
    form = CampDecideForm(request.POST)
    if form.is_valid():
        try:
            decided = services.camp_decide(actor=request.user, camp=camp, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error, {"decision_note": "note"})
        else:
            if decided.status == CampStatus.APPROVED:
                messages.success(request, _("The camp was approved."))
            else:
                messages.success(request, _("The camp was rejected."))
            return redirect("fieldops:camp", pk=camp.pk)
    return _camp_page(request, camp, decide_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def camp_create(request, pk: int):
    """A group's editors log a camp with the services it delivered and its photos."""
    group = _group_or_404(pk)
    camp_policy.check(request.user, "add", group)
    posted = request.method == "POST"
    form = CampForm(request.POST if posted else None, request.FILES if posted else None)
    form.calendars_follow(request)
    formset = CampServiceFormSet(request.POST if posted else None, prefix="services")
    if posted and all([form.is_valid(), formset.is_valid()]):
        try:
            camp = services.camp_create(
                actor=request.user,
                group=group,
                services=formset.service_inputs(),
                photos=form.cleaned_data["photos"],
                **form.service_values(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The camp was logged; it awaits the sponsor's approval."))
            return redirect("fieldops:camp", pk=camp.pk)
    context = {"group": group, "form": form, "formset": formset, "tab": "camps"}
    return render(request, "fieldops/camp_form.html", context)


# --- campaigns and distributions ---------------------------------------------------------------


def campaign_list(request):
    q = str(request.GET.get("q", ""))[:200].strip()
    page = capped_page(selectors.campaign_list(q=q), request.GET.get("page"), PAGE_SIZE)
    context = {
        "q": q,
        "page": page,
        "query_without_page": query_without_page(request),
        "tab": "campaigns",
    }
    return render(request, "fieldops/campaign_list.html", context)


def _campaign_with_totals_or_404(pk):
    campaign_id = id_param(pk)
    campaign = (
        selectors.packages_by_campaign().filter(pk=campaign_id).first() if campaign_id else None
    )
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign


def _distribution_groups(user, campaign) -> list:
    """The groups ``user`` may record this campaign's deliveries for."""
    if is_coordinator(user) or campaign_policy.allows(user, "change", campaign):
        return list(selectors.group_list())
    return [
        group
        for group in selectors.groups_of_user(user)
        if distribution_policy.allows(user, "add", (campaign, group))
    ]


def campaign_detail(request, pk: int):
    campaign = _campaign_with_totals_or_404(pk)
    page = capped_page(
        selectors.distribution_list(filters=DistributionFilters(campaign_id=campaign.pk)),
        request.GET.get("page"),
        PAGE_SIZE,
    )
    kinds = dict(PackageKind.choices)
    for distribution in page.rows:
        distribution.kind_label = kinds.get(distribution.package_kind, distribution.package_kind)
    user = request.user
    can_record = user.is_authenticated and (
        is_coordinator(user)
        or campaign_policy.allows(user, "change", campaign)
        or selectors.groups_of_user(user).exists()
    )
    context = {
        "campaign": campaign,
        "page": page,
        "query_without_page": query_without_page(request),
        "can_record": can_record,
        "export_query": f"campaign={campaign.pk}",
        "tab": "campaigns",
    }
    return render(request, "fieldops/campaign_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def distribution_create(request, pk: int):
    campaign = _campaign_or_404(pk)
    groups = _distribution_groups(request.user, campaign)
    if not groups:
        raise PermissionDenied
    initial = {}
    asked = id_param(request.GET.get("group"))
    if asked is not None:
        initial["group"] = asked
    form = DistributionForm(request.POST or None, groups=groups, initial=initial)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.distribution_record(
                actor=request.user,
                campaign=campaign,
                group=form.cleaned_data["group"],
                **form.service_values(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The distribution was recorded."))
            return redirect("fieldops:campaign", pk=campaign.pk)
    context = {"campaign": campaign, "form": form, "tab": "campaigns"}
    return render(request, "fieldops/distribution_form.html", context)


# --- the dashboard -----------------------------------------------------------------------------


def _bars(rows, series) -> dict:
    """Rows for the bar chart include: ``series`` is [(key, label, css class)], each row
    {"label", values by key}; bar lengths are shares of the largest value."""
    largest = max((row[key] for row in rows for key, _label, _css in series), default=0) or 1
    rtl = get_language_bidi()
    shaped = []
    for row in rows:
        bars = []
        for key, label, css in series:
            value = row[key]
            share = value * 100 / largest
            bars.append(
                {
                    "label": label,
                    "value": value,
                    "text": _number(value),
                    # SVG numbers: written here, never localized by the template.
                    "share": f"{share:.2f}",
                    # Bars grow from the start edge of the line: the right in RTL pages.
                    "x": f"{100 - share:.2f}" if rtl else "0",
                    "css": css,
                }
            )
        shaped.append({"label": row["label"], "bars": bars, "href": row.get("href", "")})
    return {"rows": shaped, "series": [{"label": label, "css": css} for _k, label, css in series]}


def _month_label(month: datetime.date) -> str:
    language = get_language()
    name = month_name(month.month, calendar=Calendar.GREGORIAN, language=language)
    return digits_localize(f"{name} {month.year}", language)


def dashboard(request):
    year = id_param(request.GET.get("year"))
    year = year if year and 1900 <= year <= 2200 else None
    groups = selectors.groups_by_field_and_province()
    camp_months = selectors.camps_by_province_and_month(year=year)
    campaigns = list(selectors.packages_by_campaign())
    segments = selectors.service_points_by_route_segment(
        route=Route.NAJAF_KARBALA, segment_poles=SEGMENT_POLES
    )
    totals = selectors.fieldops_totals()
    group_series = [
        ("registered", _("Registered groups"), "hz-bar-registered"),
        ("active", _("Active all year"), "hz-bar-active"),
    ]
    groups_url = reverse("fieldops:groups")
    by_field = _bars(
        [
            {"label": row.name, "registered": row.registered, "active": row.active}
            for row in groups.by_field
        ],
        group_series,
    )
    by_province = _bars(
        [
            {
                "label": row.name or _("No province"),
                "registered": row.registered,
                "active": row.active,
            }
            for row in groups.by_province
        ],
        group_series,
    )
    months = sorted({row.month for row in camp_months})
    provinces: dict[int, dict] = {}
    for row in camp_months:
        entry = provinces.setdefault(
            row.province_id, {"label": row.province, "camps": 0, "cells": {}}
        )
        entry["camps"] += row.camps
        entry["cells"][row.month] = row.camps
    camp_table = [
        {
            "label": entry["label"],
            "cells": [entry["cells"].get(month, 0) for month in months],
            "total": entry["camps"],
        }
        for entry in sorted(provinces.values(), key=lambda e: (-e["camps"], e["label"]))
    ]
    camps_by_province = _bars(
        [{"label": row["label"], "camps": row["total"]} for row in camp_table],
        [("camps", _("Approved camps"), "hz-bar-camps")],
    )
    packages = _bars(
        [
            {
                "label": campaign.display_name(),
                "packages": campaign.packages,
                "href": reverse("fieldops:campaign", args=[campaign.pk]),
            }
            for campaign in campaigns
        ],
        [("packages", _("Packages"), "hz-bar-packages")],
    )
    segment_bars = _bars(
        [
            {
                "label": _("Poles %(first)s–%(last)s")
                % {"first": _number(s.first_pole), "last": _number(s.last_pole)},
                "open": s.open,
                "full": s.full,
                "closed": s.closed,
            }
            for s in segments
        ],
        [
            ("open", PointStatus.OPEN.label, "hz-bar-open"),
            ("full", PointStatus.FULL.label, "hz-bar-full"),
            ("closed", PointStatus.CLOSED.label, "hz-bar-closed"),
        ],
    )
    context = {
        "totals": totals,
        "groups": groups,
        "by_field": by_field,
        "by_province": by_province,
        "months": [_month_label(month) for month in months],
        "camp_table": camp_table,
        "camps_by_province": camps_by_province,
        "campaigns": campaigns,
        "packages": packages,
        "segments": segments,
        "segment_bars": segment_bars,
        "year": year,
        "groups_url": groups_url,
        "exports": EXPORTS,
        "tab": "dashboard",
    }
    return render(request, "fieldops/dashboard.html", context)


# --- exports -----------------------------------------------------------------------------------


def _place(*parts) -> str:
    separator = pgettext("list separator", ", ")
    return separator.join(part for part in parts if part)


def _group_columns(language: str) -> list[Column]:
    statuses = {value: str(label) for value, label in ActivityStatus.choices}
    return [
        Column(_("Registration number"), lambda g: g.registration_number),
        Column(_("Group"), lambda g: g.organization.display_name(language)),
        Column(_("Sponsoring body"), lambda g: g.sponsor.display_name(language)),
        Column(
            _("Province"),
            lambda g: (
                g.organization.province.display_name(language) if g.organization.province else ""
            ),
        ),
        Column(_("Members"), lambda g: g.size),
        Column(_("Activity"), lambda g: statuses.get(g.activity_status, g.activity_status)),
        Column(_("Active quarters of the last four"), lambda g: g.active_quarters),
        Column(_("Last activity"), lambda g: g.last_active_on),
        Column(_("Registered on"), lambda g: g.registered_on),
    ]


def _camp_columns(language: str) -> list[Column]:
    statuses = {value: str(label) for value, label in CampStatus.choices}
    return [
        Column(_("Group"), lambda c: c.group.organization.display_name(language)),
        Column(_("Field"), lambda c: c.field.display_name(language)),
        Column(_("First day"), lambda c: c.starts_on),
        Column(_("Last day"), lambda c: c.ends_on),
        Column(_("Days"), lambda c: c.days),
        Column(_("Province"), lambda c: c.province.display_name(language)),
        Column(
            _("Place"),
            lambda c: _place(
                c.city.display_name(language) if c.city else "", c.village, c.neighbourhood
            ),
        ),
        Column(_("Volunteers"), lambda c: c.volunteers),
        Column(_("Beneficiaries"), lambda c: c.beneficiaries),
        Column(_("Status"), lambda c: statuses.get(c.status, c.status)),
    ]


def _distribution_columns(language: str) -> list[Column]:
    kinds = {value: str(label) for value, label in PackageKind.choices}
    return [
        Column(_("Campaign"), lambda d: d.campaign.display_name(language)),
        Column(_("Distributing group"), lambda d: d.group.organization.display_name(language)),
        Column(_("Kind of package"), lambda d: kinds.get(d.package_kind, d.package_kind)),
        Column(_("Packages"), lambda d: d.quantity),
        Column(_("Households reached"), lambda d: d.households),
        Column(_("Date"), lambda d: d.distributed_on),
        Column(_("Province"), lambda d: d.province.display_name(language)),
        Column(
            _("Place"),
            lambda d: _place(d.city.display_name(language) if d.city else "", d.place),
        ),
    ]


def _point_columns(language: str) -> list[Column]:
    kinds = {value: str(label) for value, label in ServicePointKind.choices}
    statuses = {value: str(label) for value, label in PointStatus.choices}
    routes_ = {value: str(label) for value, label in Route.choices}
    crossings = {value: str(label) for value, label in BorderCrossing.choices}
    offered = {value: str(label) for value, label in Service.choices}
    separator = pgettext("list separator", ", ")
    return [
        Column(_("Name"), lambda p: p.display_name(language)),
        Column(_("Kind"), lambda p: kinds.get(p.kind, p.kind)),
        Column(_("Operating organization"), lambda p: p.operator.display_name(language)),
        Column(_("Country"), lambda p: p.country.display_name(language)),
        Column(_("Route"), lambda p: routes_.get(p.route, "")),
        Column(_("Pole number"), lambda p: p.pole),
        Column(_("Border crossing"), lambda p: crossings.get(p.border_crossing, "")),
        Column(
            _("Services"),
            lambda p: separator.join(offered[s] for s in p.services or () if s in offered),
        ),
        Column(_("Capacity"), lambda p: p.capacity),
        Column(_("Opening hours"), lambda p: p.hours),
        Column(_("Status"), lambda p: statuses.get(p.status, p.status)),
        Column(_("Latitude"), lambda p: float(p.latitude)),
        Column(_("Longitude"), lambda p: float(p.longitude)),
    ]


@require_GET
def export(request, what: str, format: str):
    """A list as CSV or XLSX: the same filters as its page, every row (not one page)."""
    if what not in EXPORTS:
        raise Http404(_("Nothing to export by this name."))
    language = get_language()
    if what == "groups":
        rows = selectors.group_list(filters=selectors.group_filters_from_query(request.GET))
        columns = _group_columns(language)
    elif what == "camps":
        _filters, rows = _camps(request, _camp_filter_form(request))
        columns = _camp_columns(language)
    elif what == "distributions":
        rows = selectors.distribution_list(
            filters=selectors.distribution_filters_from_query(request.GET)
        )
        columns = _distribution_columns(language)
    else:
        rows = selectors.service_point_list(
            filters=selectors.service_point_filters_from_query(request.GET)
        )
        columns = _point_columns(language)
    return export_response(rows, columns, fmt=format, name=f"fieldops-{what}")
