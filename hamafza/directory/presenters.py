"""What the directory's list shows of each organization, prepared in Python.

The directory page is the busiest page of the site. Building each card's
strings here (one pass, the kind labels translated once) rather than in the
template keeps its rendering cost a small, fixed part of the request.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from hamafza.core.templatetags.calendars import time_html
from hamafza.core.text import digits_localize
from hamafza.directory.models import OrganizationKind
from hamafza.directory.selectors import DirectoryRow, Facets, Option


@dataclass(frozen=True)
class Card:
    url: str
    name: str
    kind: str
    place: str
    languages: str
    is_active: bool
    last_active: str  # a <time> element, or ""


def list_separator() -> str:
    return pgettext("list separator", ", ")


def directory_cards(rows: list[DirectoryRow], *, calendar: str, region: str) -> list[Card]:
    language = get_language()
    separator = list_separator()
    kinds = {value: str(label) for value, label in OrganizationKind.choices}
    cards = []
    for organization in rows:
        place = [organization.city, organization.province, organization.country]
        cards.append(
            Card(
                url=reverse("directory:detail", args=[organization.pk]),
                name=organization.display_name(language),
                kind=kinds.get(organization.kind, organization.kind),
                place=separator.join(p.display_name(language) for p in place if p is not None),
                languages=separator.join(
                    lang.display_name(language) for lang in organization.languages
                ),
                is_active=organization.is_active,
                last_active=time_html(
                    organization.last_active_on,
                    calendar=calendar,
                    region=region,
                    language=language,
                ),
            )
        )
    return cards


_options_memo: dict[tuple[str, str], str] = {}


def filter_options_html(facets: Facets, name: str, selected: str) -> str:
    """A filter's ``<option>`` elements, the chosen one marked.

    Built once per set of facets (they change rarely) and reused; only the
    ``selected`` mark differs between requests.
    """
    memo_key = (facets.key, name)
    html = _options_memo.get(memo_key)
    if html is None:
        if len(_options_memo) > 1000:
            _options_memo.clear()
        html = _options_memo[memo_key] = options_html(facets[name], "")
    if selected:
        value = format_html('value="{}">', selected)
        html = html.replace(value, value[:-1] + " selected>", 1)
    return mark_safe(html)  # built by options_html from escaped parts


def options_html(options: list[Option], selected: str) -> str:
    """``<option>`` elements for a filter, the chosen one marked."""
    language = get_language()
    return format_html_join(
        "",
        '<option value="{}"{}>{} ({})</option>',
        (
            (
                option.value,
                mark_safe(" selected") if option.value == selected else "",
                option.label,
                digits_localize(str(option.count), language),
            )
            for option in options
        ),
    )
