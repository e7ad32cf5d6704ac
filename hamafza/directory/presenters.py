"""What the directory's list shows of each organization, prepared in Python.

The directory page is the busiest page of the site. Building each card's
strings here (one pass, the kind labels translated once) rather than in the
template keeps its rendering cost a small, fixed part of the request.
"""

from dataclasses import dataclass
from html import escape as escape_text

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext

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


def cards_html(cards: list[Card]) -> str:
    """The cards as HTML, every value escaped.

    Plain string building with the standard library's ``html.escape``: the
    list is the largest part of the busiest page, and ``format_html`` costs
    several times as much per value.
    """
    active = f'<span class="badge text-bg-success">{escape_text(gettext("Active"))}</span>'
    inactive = f'<span class="badge text-bg-secondary">{escape_text(gettext("Inactive"))}</span>'
    languages_label = escape_text(gettext("Languages:"))
    last_active = escape_text(gettext("last active on %(last)s"))
    parts = []
    for card in cards:
        languages = (
            f'<p class="mb-1 hz-meta">{languages_label} {escape_text(card.languages)}</p>'
            if card.languages
            else ""
        )
        seen = (
            # ``card.last_active`` is a <time> element built by time_html.
            f'<span class="hz-meta">{last_active.replace("%(last)s", card.last_active)}</span>'
            if card.last_active
            else ""
        )
        parts.append(
            '<div class="col"><article class="card h-100 hz-card"><div class="card-body">'
            f'<h2 class="h5 card-title"><a href="{escape_text(card.url)}" '
            f'class="stretched-link text-decoration-none">{escape_text(card.name)}</a></h2>'
            f'<p class="card-subtitle mb-2 hz-meta">{escape_text(card.kind)}</p>'
            f'<p class="mb-1">{escape_text(card.place)}</p>{languages}'
            f"{active if card.is_active else inactive}{seen}"
            "</div></article></div>"
        )
    return mark_safe("\n".join(parts))  # every value above is escaped


_PK_MARK = 987654321


def list_separator() -> str:
    return pgettext("list separator", ", ")


def directory_cards(rows: list[DirectoryRow], *, calendar: str, region: str) -> list[Card]:
    language = get_language()
    separator = list_separator()
    kinds = {value: str(label) for value, label in OrganizationKind.choices}
    # One reverse() for the page, not one per card.
    url_of = reverse("directory:detail", args=[_PK_MARK]).replace(str(_PK_MARK), "{}").format
    cards = []
    for organization in rows:
        place = [organization.city, organization.province, organization.country]
        cards.append(
            Card(
                url=url_of(organization.pk),
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
