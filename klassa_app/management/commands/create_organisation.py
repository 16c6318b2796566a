"""Set up a new organisation and invite its first admin — the first step of an install."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klassa_app import services
from klassa_app.models import Organisation


class Command(BaseCommand):
    help = "Create an organisation and invite its first organisation admin by e-mail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True, help="Short code, e.g. norrkoping.")
        parser.add_argument("--name", required=True, help="Name, e.g. 'Norrköpings kommun'.")
        parser.add_argument(
            "--kind", default=Organisation.Kind.MUNICIPALITY, choices=Organisation.Kind.values
        )
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = services.do_create_organisation(
                actor=None,
                code=options["code"],
                name=options["name"],
                kind=options["kind"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
            )
        except services.ServiceError as error:
            raise CommandError(f"{error.field}: {error.message}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {organisation.name} ({organisation.code}); "
                f"an invitation was sent to {options['admin_email']}."
            )
        )
