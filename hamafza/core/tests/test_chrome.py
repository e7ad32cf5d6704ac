import pytest
from django.urls import reverse

from hamafza.directory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = [
    "directory:list",
    "broadcast:live",
    "events:calendar",
    "publishing:guide-list",
    "api-docs",
]
SIGNED_IN = ["agreements:list", "followups:mine", "publishing:following", "reports:import"]


def _menu(client, language: str) -> str:
    page = client.get("/directory/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return page[page.index('<ul class="navbar-nav me-auto">') : page.index("</ul>")]


@pytest.mark.parametrize(
    ("who", "signed_in", "coordinator"),
    [("anonymous", False, False), ("member", True, False), ("coordinator", True, True)],
)
def test_each_visitor_gets_the_menu_of_their_kind_whoever_came_before(
    client, who, signed_in, coordinator
):
    # Given the menu already drawn for every other kind of visitor, in both languages
    for other in (
        UserFactory(is_coordinator=True),
        UserFactory(),
        None,
    ):
        if other is not None:
            client.force_login(other)
        else:
            client.logout()
        _menu(client, "fa"), _menu(client, "en")
    # When this visitor opens a page
    client.logout()
    if signed_in:
        client.force_login(UserFactory(is_coordinator=coordinator))
    menu = _menu(client, "en")
    # Then their menu holds the links for them, and only those
    for name in PUBLIC:
        assert f'href="{reverse(name)}"' in menu
    for name in SIGNED_IN:
        assert (f'href="{reverse(name)}"' in menu) is signed_in, name
    assert (f'href="{reverse("admin:index")}"' in menu) is coordinator


def test_the_menu_is_in_the_visitors_language(client):
    assert ">Directory<" in _menu(client, "en")
    fa = _menu(client, "fa")
    assert ">Directory<" not in fa and 'href="/directory/"' in fa
    ar = _menu(client, "ar")
    assert ar != fa and ">Directory<" not in ar
