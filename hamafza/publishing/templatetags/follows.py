"""``{% load follows %}`` then ``{% follow_button organization %}``: follow or unfollow an
organization, with its follower count; anonymous visitors get a link to sign in. One query."""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from hamafza.publishing.selectors_follows import follow_state

register = template.Library()


def follow_button_html(request, organization, *, next_url: str) -> str:
    """The button as HTML (the tag's output, and the HTMX answer of the follow pages)."""
    count, following = follow_state(user=request.user, organization_id=organization.pk)
    return render_to_string(
        "publishing/_follow_button.html",
        {
            "organization": organization,
            "followers": count,
            "following": following,
            "next_url": next_url,
            "user": request.user,
            "csrf_token": get_token(request),
        },
    )


@register.simple_tag(takes_context=True)
def follow_button(context, organization) -> str:
    request = context.get("request")
    if request is None or organization is None:
        return ""
    return follow_button_html(request, organization, next_url=request.get_full_path())
