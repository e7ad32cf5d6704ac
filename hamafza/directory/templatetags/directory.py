from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from hamafza.directory.models import RELATION_SENTENCES

register = template.Library()


def _name(organization, current) -> str:
    if current is not None and organization.pk == current.pk:
        return format_html("<strong>{}</strong>", organization.display_name())
    return format_html(
        '<a href="{}">{}</a>',
        reverse("directory:detail", args=[organization.pk]),
        organization.display_name(),
    )


@register.simple_tag
def relation_sentence(relation, current=None) -> str:
    """The relation as one translated sentence, with the organizations linked.

    ``current`` is the organization whose page this is: its name is not a link.
    """
    sentence = escape(str(RELATION_SENTENCES[relation.kind]))
    # The sentence is escaped and both names are built with format_html.
    return mark_safe(
        sentence
        % {
            "source": _name(relation.source, current),
            "target": _name(relation.target, current),
        }
    )
