from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.forms import PreferencesForm
from hamafza.accounts.services import user_preferences_update


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
