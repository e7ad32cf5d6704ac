"""The parts of every page that are the same for every visitor of a kind."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# The site menu's HTML per (language, signed in, coordinator). Its links and labels
# change only with a deployment, and rendering it (eighteen URLs reversed and as many
# labels translated) was a fifth of the directory page's time (bench/README.md).
_menu_memo: dict[tuple[str, bool, bool], str] = {}


@register.simple_tag(takes_context=True)
def site_menu(context) -> str:
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    coordinator = bool(signed_in and (getattr(user, "is_coordinator", False) or user.is_superuser))
    key = (get_language() or "", signed_in, coordinator)
    html = _menu_memo.get(key)
    if html is None:
        html = _menu_memo[key] = render_to_string(
            "_menu.html", {"signed_in": signed_in, "coordinator": coordinator}
        )
    return mark_safe(html)
