from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hamafza.accounts.services import user_preferences_update
from hamafza.core.calendars import Calendar


@require_POST
def calendar_set(request):
    """Remember the visitor's calendar: on the account if signed in, else in a cookie."""
    chosen = request.POST.get("calendar", "")
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if chosen not in Calendar.values:
        return response
    if request.user.is_authenticated:
        user_preferences_update(user=request.user, calendar=chosen)
    response.set_cookie(
        settings.HAMAFZA_CALENDAR_COOKIE_NAME,
        chosen,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
