"""``manage.py places_load``: bring languages and places in step with the shipped data."""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamafza.core import models
from hamafza.core.places import MODELS, places_load


class Command(BaseCommand):
    help = gettext_lazy(
        "Create or update the languages, countries, provinces and cities shipped with Hamafza."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)  # argparse wants text, not a lazy translation
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=_("The database to load into.")
        )

    def handle(self, *args, **options):
        counts = places_load(using=options["database"])
        for model_name in MODELS:
            model = getattr(models, model_name)
            self.stdout.write(
                _("%(model)s: %(created)d created, %(updated)d updated")
                % {
                    "model": str(model._meta.verbose_name_plural).capitalize(),
                    "created": counts[f"{model_name}.created"],
                    "updated": counts[f"{model_name}.updated"],
                }
            )
        self.stdout.write(self.style.SUCCESS(_("Places are up to date.")))
