"""``manage.py portfolio_report --organisation CODE [--budget N] [--scenario S]``: print the
portfolio report of register-format.md as JSON."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klassa_app.models import Organisation
from portfolio.models import BenefitScenario
from portfolio.report import portfolio_report


class Command(BaseCommand):
    help = (
        "Print an organisation's portfolio report (areas, totals, initiatives, optimal "
        "selection within the budget) as JSON. Errors go to standard error, exit code 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="Organisation code.")
        parser.add_argument(
            "--budget", help="Investment budget in kronor (default: the portfolio settings)."
        )
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
        budget = None
        if options["budget"] is not None:
            try:
                budget = Decimal(options["budget"])
            except InvalidOperation:
                budget = None
            if budget is None or not budget.is_finite() or budget < 0:
                raise self.fail(
                    f"--budget must be an amount of 0 or more, not {options['budget']!r}."
                )
        scenario = options["scenario"]
        if scenario is not None and scenario not in BenefitScenario.values:
            raise self.fail(f"--scenario must be low, medium or high, not {scenario!r}.")
        report = portfolio_report(organisation, budget=budget, scenario=scenario)
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
