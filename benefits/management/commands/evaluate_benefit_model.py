"""``manage.py evaluate_benefit_model FILE``: validate a benefit-model document and print its
evaluation (``klassa.benefit-model/1``, see benefit-model.md) as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits import calculation, document
from klassa_app import jsonload


def _describe(error: jsonload.JsonDocumentError) -> str:
    if error.code == jsonload.SYNTAX:
        return f"not valid JSON ({error.detail} at line {error.line}, column {error.column})"
    if error.code == jsonload.ENCODING:
        return "not UTF-8 text"
    return error.message


class Command(BaseCommand):
    help = (
        "Validate a benefit-model document (klassa.benefit-model/1) and print its evaluation "
        "as JSON. On errors each one is printed to standard error with its field path and the "
        "exit code is 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the JSON document.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            # Numbers are read as Decimal (never float); NaN and Infinity become Decimal
            # values that validation refuses with the field's path. Depth, duplicate keys and
            # texts are checked by the shared loader.
            data = jsonload.load_document(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
        except jsonload.JsonDocumentError as exc:
            message = f"{path}: {_describe(exc)}"
            self.stderr.write(message)
            raise CommandError(message) from exc
        try:
            model = document.parse(data)
        except document.DocumentInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            count = len(invalid.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''}; the document was not evaluated."
            ) from invalid
        result = calculation.evaluation_to_json(calculation.evaluate(model))
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
