"""Pages of following: the follow and unfollow buttons (HTMX-friendly), and the follower's own
page with what they follow and the messenger accounts they linked.

Each view parses, calls a service or selector, and renders. The buttons post; an HTMX request
gets the button back, any other goes back to the page it came from (``next``, on this site).
Anonymous visitors are sent to sign in; ids that name nothing are a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hamafza.core.forms import form_errors_from
from hamafza.core.paging import capped_page
from hamafza.core.params import id_param
from hamafza.directory.models import Organization

from . import selectors_follows as selectors
from . import services_follows as services
from .forms_follows import MessengerAccountForm
from .messengers import messengers_on
from .models import Messenger, MessengerAccount
from .templatetags.follows import follow_button_html

FOLLOWING_PAGE_SIZE = 50


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _organization(organization_id) -> Organization:
    pk = id_param(organization_id)
    organization = Organization.objects.filter(pk=pk).first() if pk else None
    if organization is None:
        raise Http404
    return organization


def _next(request, default: str) -> str:
    """The page that posted (``next``, on this site), else ``default``."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _sign_in_first(request, back: str):
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{reverse('accounts:login')}?{urlencode({'next': back})}"
        return response
    return redirect_to_login(back)


def _button_answer(request, organization: Organization, back: str):
    if _htmx(request):
        return HttpResponse(follow_button_html(request, organization, next_url=back))
    return redirect(back)


@require_POST
def follow(request, organization_id):
    organization = _organization(organization_id)
    back = _next(request, reverse("directory:detail", args=[organization.pk]))
    if not request.user.is_authenticated:
        return _sign_in_first(request, back)
    try:
        services.follow_create(actor=request.user, organization=organization)
    except ValidationError as error:
        if not _htmx(request):
            for message in error.messages:
                messages.error(request, message)
    else:
        if not _htmx(request):
            messages.success(
                request,
                _("You follow %(organization)s now.")
                % {"organization": organization.display_name()},
            )
    return _button_answer(request, organization, back)


@require_POST
def unfollow(request, organization_id):
    organization = _organization(organization_id)
    back = _next(request, reverse("directory:detail", args=[organization.pk]))
    if not request.user.is_authenticated:
        return _sign_in_first(request, back)
    existing = selectors.follow_of(user=request.user, organization_id=organization.pk)
    if existing is not None:
        services.follow_delete(actor=request.user, follow=existing)
        if not _htmx(request):
            messages.success(
                request,
                _("You no longer follow %(organization)s.")
                % {"organization": organization.display_name()},
            )
    return _button_answer(request, organization, back)


def _following_page(request, *, form=None, status: int = 200):
    on = messengers_on()
    if form is None and on:
        form = MessengerAccountForm(messengers=on)
    labels = dict(Messenger.choices)
    context = {
        "page": capped_page(
            selectors.follows_of(user=request.user), request.GET.get("page"), FOLLOWING_PAGE_SIZE
        ),
        "accounts": list(selectors.messenger_accounts_of(user=request.user)),
        "messengers_on": [labels[m] for m in on],
        "messengers_on_codes": on,
        "form": form,
    }
    return render(request, "publishing/following.html", context, status=status)


@login_required
@require_GET
def following(request):
    """What the visitor follows, and the messenger accounts they are told on."""
    return _following_page(request)


@login_required
@require_POST
def messenger_add(request):
    form = MessengerAccountForm(request.POST, messengers=messengers_on())
    if form.is_valid():
        try:
            services.messenger_account_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The messenger account was linked."))
            return redirect("publishing:following")
    return _following_page(request, form=form, status=400)


@login_required
@require_POST
def messenger_remove(request, account_id):
    pk = id_param(account_id)
    account = MessengerAccount.objects.filter(pk=pk).first() if pk else None
    if account is None:
        raise Http404
    services.messenger_account_remove(actor=request.user, account=account)
    messages.success(request, _("The messenger account was removed."))
    return redirect("publishing:following")
