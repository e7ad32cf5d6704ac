"""Forms of the news pages: they parse and present; ``services_posts`` decides.

The time of publication is typed as a date in any of the three calendars and any digits
(``MultiCalendarDateField``) and a time of day, read in the visitor's time zone (the
middleware activates it) and handed to the services as an aware datetime. An empty date keeps
the post a draft; "Publish now" publishes it at the moment it is saved.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hamafza.core.forms import IdModelChoiceField, MultiCalendarDateField, PlainSelect
from hamafza.core.params import id_param
from hamafza.core.selectors import places_index
from hamafza.core.text import digits_to_ascii
from hamafza.directory.forms import CalendarAwareMixin, OrganizationInput
from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.selectors_posts import post_filters_from_query, post_originals

BODY_HELP = _(
    "Write paragraphs separated by an empty line, or use these HTML tags: "
    '<p>, <br>, <strong>, <em>, <b>, <i>, <u>, <s>, <a href="https://…">, <ul>, <ol>, <li>, '
    "<blockquote>, <h2>, <h3>, <h4>, <code>, <pre>, <hr> and tables (<table>, <thead>, "
    "<tbody>, <tr>, <th>, <td>). Anything else (scripts, styles, pictures, frames) is removed "
    "when the post is saved."
)
# Translations offered in the form's list; any of the organization's originals is accepted.
ORIGINALS_OFFERED = 100


def _label(name: str):
    return capfirst(Post._meta.get_field(name).verbose_name)


def _help(name: str):
    return Post._meta.get_field(name).help_text


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (the date's two parts included)."""
    for field in form.fields.values():
        parts = getattr(field.widget, "widgets", None)
        for widget in parts or [field.widget]:
            if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                continue
            if isinstance(widget, forms.Select):
                css = "form-select flex-grow-0 w-auto" if parts else "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def _all(label) -> list[tuple[str, str]]:
    return [("", label)]


class LocalizedTimeField(forms.TimeField):
    """A time of day typed in any digits (Persian, Arabic-Indic or ASCII)."""

    widget = forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M")

    def to_python(self, value):
        if isinstance(value, str):
            value = digits_to_ascii(value).replace("٫", ":").strip()
        return super().to_python(value)


# A whole tag (``<p>``, ``</strong>``, ``<script …>``): its presence makes the text markup for
# the sanitizer; a lone ``<`` ("x<y") does not.
_MARKUP = re.compile(r"<(?:/?[a-zA-Z][^<>]*|!--.*?--)>", re.DOTALL)


def paragraphs_to_html(text: str) -> str:
    """Text typed without any tag becomes paragraphs (an empty line between them) and
    line breaks, its ``<`` and ``&`` kept as typed ("x<y"); text with tags is left to the
    sanitizer."""
    if _MARKUP.search(text):
        return text
    return linebreaks(text, autoescape=True)


class OrganizationPicker(OrganizationInput):
    """The directory's organization picker under any field name (it sends the typed text as
    ``q``)."""

    template_name = "publishing/widgets/organization_input.html"


class PostFilterForm(forms.Form):
    """The news list's filters. Bad values are shown as errors and left out of the list."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=PlainSelect)
    organization = forms.CharField(
        label=_("Organization"), max_length=20, required=False, widget=OrganizationPicker()
    )

    def __init__(self, *args, fixed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _all(_("All kinds")) + list(PostKind.choices)
        self.fields["language"].choices = _all(_("All languages")) + list(settings.LANGUAGES)
        countries = sorted(places_index().countries.values(), key=lambda c: c.display_name())
        self.fields["country"].choices = _all(_("All countries")) + [
            (country.code, country.display_name()) for country in countries
        ]
        self.fields["organization"].widget.attrs["placeholder"] = _("Type a name")
        for name in fixed:
            self.fields.pop(name, None)
        _style(self)

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        if value and id_param(value) is None:
            raise forms.ValidationError(_("Choose an organization from the list."))
        return id_param(value)

    def filters(self):
        if self.is_bound:
            self.is_valid()
        return post_filters_from_query(self.data if self.is_bound else {})


class PostForm(CalendarAwareMixin, forms.Form):
    """A post's fields (``services_posts.POST_FIELDS``); its organization comes from the page.

    ``organization_id``: the post's organization (None: the network's), whose originals may be
    translated. ``post``: the post being edited.
    """

    title = forms.CharField(label=_label("title"), max_length=300)
    kind = forms.ChoiceField(label=_label("kind"), choices=PostKind.choices)
    language = forms.ChoiceField(label=_label("language"), choices=settings.LANGUAGES)
    summary = forms.CharField(
        label=_label("summary"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in lists and feeds."),
    )
    body = forms.CharField(
        label=_label("body"),
        max_length=100_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"}),
        help_text=BODY_HELP,
    )
    image = forms.ImageField(
        label=_label("image"),
        required=False,
        help_text=_("A PNG or JPEG picture."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    image_alt = forms.CharField(
        label=_label("image_alt"),
        max_length=300,
        required=False,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    publish_on = MultiCalendarDateField(
        label=_("Publication date"), required=False, help_text=_help("publish_at")
    )
    publish_time = LocalizedTimeField(
        label=_("Publication time"),
        required=False,
        help_text=_("Leave empty for the start of that day."),
    )
    translation_of = IdModelChoiceField(
        label=_label("translation_of"),
        queryset=Post.objects.none(),
        required=False,
        help_text=_("If this is a version in another language of an earlier post, choose it."),
    )

    # The service's names for fields the form splits.
    ALIASES = {"publish_at": "publish_on"}

    def __init__(self, *args, organization_id: int | None, post: Post | None = None, **kwargs):
        self.post = post
        if post is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(post)
        super().__init__(*args, **kwargs)
        originals = post_originals(
            organization_id=organization_id, exclude_pk=post.pk if post is not None else None
        )
        field = self.fields["translation_of"]
        field.queryset = originals
        offered = list(originals.only("id", "title", "language")[:ORIGINALS_OFFERED])
        languages = dict(settings.LANGUAGES)
        choices = [
            (row.pk, f"{row.title} ({languages.get(row.language, row.language)})")
            for row in offered
        ]
        current = post.translation_of_id if post is not None else None
        if current and current not in {row.pk for row in offered}:
            choices.insert(0, (current, str(post.translation_of.title)))
        field.widget = PlainSelect(choices=[("", _("Not a translation")), *choices])
        _style(self)

    @staticmethod
    def _initial_from(post: Post) -> dict:
        initial = {
            name: getattr(post, name)
            for name in ("title", "kind", "language", "summary", "body", "image", "image_alt")
        }
        initial["translation_of"] = post.translation_of_id
        if post.publish_at is not None:
            local = timezone.localtime(post.publish_at)
            initial["publish_on"] = local.date()
            initial["publish_time"] = local.time().replace(second=0, microsecond=0)
        return initial

    def clean(self):
        data = super().clean()
        if self.data.get("publish_now"):
            data["publish_at"] = timezone.now()
        elif data.get("publish_on") is not None:
            day = data["publish_on"]
            time = data.get("publish_time") or datetime.time(0, 0)
            local = datetime.datetime.combine(day, time)
            data["publish_at"] = timezone.make_aware(local, timezone.get_current_timezone())
        elif "publish_on" not in self.errors:
            if data.get("publish_time") is not None:
                self.add_error("publish_on", _("Give the date too, or leave the time empty."))
            data["publish_at"] = None
        return data

    def service_values(self) -> dict:
        """The keyword arguments of ``post_create`` / ``post_update``."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in ("title", "kind", "language", "summary", "image_alt", "translation_of")
        }
        values["body"] = paragraphs_to_html(data["body"])
        values["publish_at"] = data["publish_at"]
        if self.post is None or "image" in self.changed_data:
            values["image"] = data["image"] or None
        return values


class PostDeleteForm(forms.Form):
    """The confirmation of a deletion: nothing to fill in but the button."""
