"""The form that links a messenger account. The service checks the values again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Messenger

CHAT_ID_HELP = _(
    "Open the site's bot on the messenger and send it /start. Your chat id is the number "
    "the messenger's user-information bots show for your account (on Rubika, the id that "
    "begins with letters). For a channel or group, add the site's bot to it first and use "
    "the channel's id or @name."
)


class MessengerAccountForm(forms.Form):
    messenger = forms.ChoiceField(
        label=_("Messenger"), widget=forms.Select(attrs={"class": "form-select"})
    )
    chat_id = forms.CharField(
        label=_("Chat id"),
        max_length=100,
        help_text=CHAT_ID_HELP,
        widget=forms.TextInput(
            attrs={"class": "form-control", "dir": "ltr", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args, messengers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Messenger.choices)
        self.fields["messenger"].choices = [(m, labels[m]) for m in messengers]
