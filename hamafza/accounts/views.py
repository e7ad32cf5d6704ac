from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hamafza.accounts.forms import PreferencesForm
from hamafza.accounts.models import Notification
from hamafza.accounts.services import notifications_mark_read, user_preferences_update
from hamafza.core.params import id_param

NOTIFICATIONS_PAGE_SIZE = 30


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    return render(
        request, "accounts/preferences.html", {"form": form, "today": timezone.localdate()}
    )


@login_required
@require_GET
def notifications(request):
    """The visitor's notifications: unread first, then the newest."""
    rows = Notification.objects.filter(user=request.user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )
    page = Paginator(rows, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.link = _local_url(notification.url)
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    """Mark read the notifications named by ``id`` (one or more), or all of them."""
    typed = request.POST.getlist("id")
    ids = None
    if typed:
        ids = [number for number in (id_param(value) for value in typed) if number is not None]
    marked = notifications_mark_read(user=request.user, ids=ids)
    if ids is None:
        messages.success(request, _("All notifications were marked read."))
    elif marked:
        messages.success(request, _("The notification was marked read."))
    page = id_param(request.POST.get("page"))
    url = reverse("accounts:notifications")
    return redirect(f"{url}?page={page}" if page and page > 1 else url)


def _local_url(url: str) -> str:
    """A notification's address, if it points into this site; otherwise none."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""
