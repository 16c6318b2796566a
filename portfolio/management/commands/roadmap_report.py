"""``manage.py roadmap_report --organisation CODE [--scenario S]``: print the optimal
multi-year roadmap (``klassa.roadmap/1``) as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klassa_app.models import Organisation
from portfolio.models import BenefitScenario
from portfolio.roadmap_report import roadmap_report


class Command(BaseCommand):
    help = (
        "Print an organisation's roadmap — start years within each plan year's investment "
        "frame, prerequisites first — as JSON. Errors go to standard error, exit code 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="Organisation code.")
        parser.add_argument(
            "--scenario",
            help="Benefit scenario: low, medium or high (default: the portfolio settings).",
        )

    def fail(self, message: str) -> CommandError:
        self.stderr.write(message)
        return CommandError(message, returncode=1)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise self.fail(f"No organisation with the code {options['organisation']!r}.")
        scenario = options["scenario"]
        if scenario is not None and scenario not in BenefitScenario.values:
            raise self.fail(f"--scenario must be low, medium or high, not {scenario!r}.")
        report = roadmap_report(organisation, scenario=scenario)
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
