"""``manage.py import_register FILE``: import a register document (klassa.register/1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interchange import register
from klassa_app import jsonload


def _describe(error: jsonload.JsonDocumentError) -> str:
    if error.code == jsonload.SYNTAX:
        return f"not valid JSON ({error.detail} at line {error.line}, column {error.column})"
    if error.code == jsonload.ENCODING:
        return "not UTF-8 text"
    return error.message


class Command(BaseCommand):
    help = (
        "Import a register document (klassa.register/1). Atomic: on any error the errors are "
        "printed to standard error, nothing is changed and the exit code is 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the JSON document.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would change, without changing anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            # Floats as the web preview reads them; depth, duplicate keys and text checked.
            document = jsonload.load_document(path.read_bytes(), decimals=False)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
        except jsonload.JsonDocumentError as exc:
            raise CommandError(f"{path}: {_describe(exc)}") from exc
        try:
            if options["dry_run"]:
                summary = register.preview(document)
            else:
                summary = register.import_document(document, actor=None)
        except register.RegisterInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            count = len(invalid.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''}; nothing was imported."
            ) from invalid
        prefix = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{prefix} {summary}")
