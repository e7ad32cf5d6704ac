"""Directory pages. Each view parses input, calls a selector or service, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.paging import query_without_page
from hamafza.core.params import id_param
from hamafza.directory import presenters, selectors, services
from hamafza.directory.forms import MembershipForm, OrganizationForm, RelationForm
from hamafza.directory.models import (
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRelation,
)
from hamafza.directory.policies import organization_policy, relation_policy

PAGE_SIZE = 24
EXPORT_CHUNK = 2000


def organization_list(request):
    filters = selectors.filters_from_query(request.GET)
    page = selectors.organization_page(
        filters=filters, number=request.GET.get("page"), size=PAGE_SIZE
    )
    partial = bool(request.headers.get("HX-Request"))
    chosen = {
        "kind": filters.kind,
        "country": filters.country.upper(),
        "province": filters.province.upper(),
        "language": filters.language,
        "field": filters.field,
    }
    cards = presenters.directory_cards(
        page.rows, calendar=request.calendar, region=request.lunar_region
    )
    context = {
        "filters": filters,
        "page": page,
        "cards": cards,
        "cards_html": presenters.cards_html(cards),
        "options": {} if partial else _filter_options(filters, chosen),
        "can_add": organization_policy.can_add(request.user, None),
        "query_without_page": query_without_page(request),
    }
    template = "directory/_results.html" if partial else "directory/list.html"
    return render(request, template, context)


def _export_columns() -> list[Column]:
    """The export's columns, their labels and values fixed in the request's language (the rows
    are written after the view returns, while the response streams)."""
    language = get_language()
    separator = presenters.list_separator()
    kinds = {value: str(label) for value, label in OrganizationKind.choices}
    yes, no = _("yes"), _("no")

    def named(row) -> str:
        return row.display_name(language) if row is not None else ""

    return [
        Column(_("Number"), lambda o: o.pk),
        Column(_("Name"), named),
        Column(_("Kind"), lambda o: kinds.get(o.kind, o.kind)),
        Column(_("Country"), lambda o: named(o.country)),
        Column(_("Province"), lambda o: named(o.province)),
        Column(_("City"), lambda o: named(o.city)),
        Column(_("Languages"), lambda o: separator.join(named(row) for row in o.languages.all())),
        Column(
            _("Fields of activity"),
            lambda o: separator.join(named(row) for row in o.fields.all()),
        ),
        Column(_("Website"), lambda o: o.website),
        Column(_("Email"), lambda o: o.email),
        Column(_("Phone"), lambda o: o.phone),
        Column(_("Active"), lambda o: yes if o.is_active else no),
        Column(_("Date of last activity"), lambda o: o.last_active_on),
        Column(_("Parent organization"), lambda o: named(o.parent)),
    ]


@require_GET
def organization_export(request, fmt: str):
    """The directory as CSV or XLSX: the list's filters, every row (not one page). The
    directory is public, as its page is."""
    filters = selectors.filters_from_query(request.GET)
    # Read in chunks, each with its prefetches, as the response streams: never all at once.
    rows = selectors.organization_export_rows(filters=filters).iterator(chunk_size=EXPORT_CHUNK)
    return export_response(rows, _export_columns(), fmt=fmt, name="directory")


def _filter_options(filters, chosen: dict[str, str]) -> dict[str, str]:
    facets = selectors.directory_facets(country=filters.country)
    return {name: presenters.filter_options_html(facets, name, chosen[name]) for name in chosen}


def organization_suggest(request):
    """``<option>``s for the organization pickers (HTMX fills a ``<datalist>``)."""
    separator = presenters.list_separator()
    language = get_language()
    rows = [
        {
            "pk": row.pk,
            "name": row.display_name(language),
            "place": separator.join(
                p.display_name(language) for p in (row.city, row.country) if p is not None
            ),
        }
        for row in selectors.organization_suggestions(q=_suggest_query(request.GET))
    ]
    return render(request, "directory/_suggestions.html", {"rows": rows})


SUGGEST_FIELDS = {"parent", "target"}


def _suggest_query(params) -> str:
    """The typed text: ``q``, or the picker's own field (HTMX sends the input by its name)."""
    field = params.get("field", "")
    return params.get("q") or (params.get(field, "") if field in SUGGEST_FIELDS else "")


def organization_detail(request, pk: int):
    try:
        organization = selectors.organization_get(pk=pk)
    except Organization.DoesNotExist as exc:
        raise Http404(_("No such organization.")) from exc
    context = {
        "organization": organization,
        "relations": [*organization.relations_out.all(), *organization.relations_in.all()],
        "can_change": organization_policy.can_change(request.user, organization),
        "can_manage_members": organization_policy.can_manage_members(request.user, organization),
        "can_add_child": organization_policy.can_add(request.user, organization),
        "is_staff_of": organization_policy.is_staff(request.user, organization),
    }
    return render(request, "directory/detail.html", context)


def _save_organization(request, form, organization=None):
    values = form.service_values()
    languages = form.cleaned_data["languages"]
    fields = form.cleaned_data["fields"]
    if organization is None:
        return services.organization_create(
            actor=request.user, languages=languages, fields=fields, **values
        )
    return services.organization_update(
        actor=request.user, organization=organization, languages=languages, fields=fields, **values
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    parent_id = id_param(request.GET.get("parent") or request.POST.get("parent"))
    parent = Organization.objects.filter(pk=parent_id).first() if parent_id else None
    organization_policy.check(request.user, "add", parent)
    initial = {
        "parent": parent.pk if parent else None,
        "country": parent.country_id if parent else None,
    }
    form = OrganizationForm(request.POST or None, request.FILES or None, initial=initial)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            organization = _save_organization(request, form)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The organization was registered."))
            return redirect("directory:detail", pk=organization.pk)
    return render(request, "directory/form.html", {"form": form, "organization": None})


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, pk: int):
    organization = get_object_or_404(Organization, pk=pk)
    organization_policy.check(request.user, "change", organization)
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            organization = _save_organization(request, form, Organization.objects.get(pk=pk))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("directory:detail", pk=organization.pk)
    return render(request, "directory/form.html", {"form": form, "organization": organization})


@login_required
@require_http_methods(["GET", "POST"])
def organization_relations(request, pk: int):
    organization = get_object_or_404(Organization, pk=pk)
    if not relation_policy.can_add(request.user, organization):
        raise PermissionDenied
    form = RelationForm(request.POST or None)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.relation_create(actor=request.user, source=organization, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The relation was recorded."))
            return redirect("directory:relations", pk=organization.pk)
    relations = OrganizationRelation.objects.filter(source=organization).select_related(
        "source", "target"
    )
    return render(
        request,
        "directory/relations.html",
        {"organization": organization, "form": form, "relations": relations},
    )


@login_required
@require_POST
def relation_delete(request, pk: int, relation_pk: int):
    relation = get_object_or_404(OrganizationRelation, pk=relation_pk, source_id=pk)
    services.relation_delete(actor=request.user, relation=relation)
    messages.success(request, _("The relation was removed."))
    return redirect("directory:relations", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def organization_members(request, pk: int):
    organization = get_object_or_404(Organization, pk=pk)
    if not organization_policy.can_manage_members(request.user, organization):
        raise PermissionDenied
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(
                actor=request.user,
                organization=organization,
                user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The member was added."))
            return redirect("directory:members", pk=organization.pk)
    return render(
        request,
        "directory/members.html",
        {
            "organization": organization,
            "form": form,
            "memberships": selectors.membership_list(organization=organization),
            "roles": Membership._meta.get_field("role").choices,
        },
    )


@login_required
@require_POST
def membership_change(request, pk: int, membership_pk: int):
    membership = get_object_or_404(Membership, pk=membership_pk, organization_id=pk)
    try:
        if request.POST.get("remove"):
            services.membership_remove(actor=request.user, membership=membership)
            messages.success(request, _("The member was removed."))
        else:
            services.membership_update(
                actor=request.user, membership=membership, role=request.POST.get("role")
            )
            messages.success(request, _("The role was changed."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("directory:members", pk=pk)
