"""``manage.py export_register --organisation CODE``: print the register document as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interchange import register
from klassa_app.models import Organisation


class Command(BaseCommand):
    help = "Print an organisation's register (klassa.register/1, with computed fields) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", required=True, help="The organisation's code, e.g. norrkoping."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["organisation"].strip().lower()
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {code!r}.")
        document = register.export_document(organisation)
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
