"""``manage.py rebuild_derived [--organisation CODE] [--missing] [--check]``: recompute every
stored figure (benefit summaries and staff claims, the initiatives' classification,
readiness and fulfilment) from its sources.

Writes keep the figures in step by themselves; this is for a database restored from
elsewhere, data changed outside the application, or after an upgrade that added figures.
``--check`` changes nothing and exits 1 when a stored figure differs from a fresh one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klassa_app.models import Organisation
from portfolio import figures


class Command(BaseCommand):
    help = "Recompute the stored derived figures of every organisation (or of one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="Only this organisation (its code).")
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only organisations with an initiative that has no stored figures yet.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit 1 if a stored figure differs from a fresh computation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = Organisation.objects.order_by("code")
        if options["organisation"]:
            organisations = organisations.filter(code=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"No organisation with the code {options['organisation']!r}.")
        stale = []
        for organisation in organisations:
            if options["check"]:
                differing = figures.differences(organisation)
                if differing:
                    stale.append(organisation.code)
                    self.stdout.write(f"{organisation.code}: {len(differing)} differ")
                continue
            if options["missing"] and not figures.missing(organisation):
                continue
            count = figures.rebuild(organisation)
            self.stdout.write(f"{organisation.code}: {count} initiatives")
        if stale:
            raise CommandError(f"Stored figures differ from fresh ones in: {', '.join(stale)}")
