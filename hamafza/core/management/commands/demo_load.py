"""Load the demo data of every app that has a ``demo`` module, in app order."""

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hamafza.core.places import places_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print a demo login for each role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--orgs",
            type=int,
            default=0,
            help="Also generate this many synthetic organizations (scale tests).",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, orgs: int, quiet_logins: bool, **options):
        places_load()
        logins: list[tuple[str, str, str]] = []
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if (
                not config.name.startswith("hamafza.")
                or importlib.util.find_spec(module_name) is None
            ):
                continue
            module = importlib.import_module(module_name)
            logins.extend(module.load(self.stdout) or [])
            if orgs and hasattr(module, "generate"):
                made = module.generate(orgs)
                self.stdout.write(
                    _("Generated %(count)d synthetic organizations.") % {"count": made}
                )
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        if logins and not quiet_logins:
            self.stdout.write(
                "\n"
                + _("Demo logins (password for all: %(password)s)") % {"password": logins[0][1]}
            )
            for username, _password, description in logins:
                self.stdout.write(f"  {username:<12} {description}")
