"""The asset inventory's import: the rows of a spreadsheet as a register document, through the
register importer, so that the rules are the same as for a register file (legal minimums,
who may approve, departments that must exist).

``inventory_context`` reads what the rows are matched against, ``preview`` names every
problem by row and column, and ``do_import_inventory`` imports in one transaction with the
owners the rows name (the register document has no owner), and records the file's name in
the trail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from assessments import frameworks
from assessments.defaults import scheme as default_scheme
from assessments.models import ClassificationScheme, InformationAsset
from interchange import inventory, inventory_workbook, register
from klassa_app import access, audit
from klassa_app.models import Department, Organisation, User

OWNER_CHANGES_AUDITED = 1000
OWNER_BATCH = 500  # per import event; the count says how many there were


class InventoryInvalid(Exception):
    """The rows have problems; nothing was written."""

    def __init__(self, problems: Sequence[inventory.Problem]) -> None:
        self.problems = inventory.sort_problems(problems)
        super().__init__("; ".join(f"row {p.row} {p.letter}: {p.message}" for p in self.problems))


@dataclass(frozen=True)
class InventoryContext:
    """What the rows are matched against: the model's aspects (code → names, tops), the
    departments and the assets the organisation has."""

    aspects: dict[str, list[str]]
    tops: dict[str, int]
    departments: list[inventory.Department]
    assets: list[inventory.ExistingAsset]
    legal_minimums: dict[str, dict[str, int]]


def inventory_context(organisation: Organisation) -> InventoryContext:
    scheme = (
        ClassificationScheme.objects.filter(organisation=organisation).order_by("-version").first()
    )
    aspects: dict[str, list[str]]
    tops: dict[str, int]
    legal_minimums: dict[str, dict[str, int]]
    if scheme is None:
        aspects = {
            str(a["code"]): [str(n) for n in a["name"].values()] for a in default_scheme.ASPECTS
        }
        tops = dict.fromkeys(aspects, default_scheme.MAX_LEVEL)
        legal_minimums = {
            str(t): {str(a): v for a, v in m.items()}
            for t, m in default_scheme.LEGAL_MINIMUMS.items()
        }
    else:
        view = frameworks.load_scheme(scheme)
        aspects = {a.code: [str(n) for n in (a.name or {}).values()] for a in view.aspects}
        tops = dict(view.tops)
        legal_minimums = {
            str(t): {str(a): int(v) for a, v in m.items()}
            for t, m in (scheme.legal_minimums or {}).items()
        }
    departments = [
        inventory.Department(code, name)
        for code, name in Department.objects.filter(organisation=organisation)
        .order_by("code")
        .values_list("code", "name")
    ]
    assets = [
        inventory.ExistingAsset(code, name, department)
        for code, name, department in InformationAsset.objects.filter(
            organisation=organisation
        ).values_list("code", "name", "department__code")
    ]
    return InventoryContext(aspects, tops, departments, assets, legal_minimums)


def template_workbook(organisation: Organisation) -> bytes:
    """The template for the organisation: its model's aspects and its departments."""
    context = inventory_context(organisation)
    return inventory_workbook.template_workbook(
        list(context.aspects), context.tops, context.departments, context.legal_minimums
    )


def build(
    organisation: Organisation,
    table: inventory.Table,
    mapping: Mapping[str, int | None],
    *,
    context: InventoryContext | None = None,
) -> inventory.Inventory:
    """The rows as the organisation's register document (``context`` if already read)."""
    context = context or inventory_context(organisation)
    return inventory.build_document(
        table,
        mapping,
        organisation=(organisation.code, organisation.name),
        aspects=list(context.aspects),
        tops=context.tops,
        departments=context.departments,
        assets=context.assets,
    )


def digest(found: inventory.Inventory) -> str:
    """What the confirm compares: the document and the owners previewed are those imported."""
    raw = json.dumps([found.document, found.owners], sort_keys=True, ensure_ascii=False).encode(
        "utf-8"
    )
    return hashlib.sha256(raw).hexdigest()


@dataclass
class InventoryPreview:
    found: inventory.Inventory
    problems: list[inventory.Problem] = field(default_factory=list)
    summary: register.ImportSummary | None = None
    owner_changes: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def importable(self) -> bool:
        return not self.problems and self.summary is not None

    @property
    def may_confirm(self) -> bool:
        """No problem, and something to change."""
        return self.importable and bool(
            (self.summary is not None and self.summary.changed) or self.owner_changes
        )


def _owner_changes(
    organisation: Organisation, owners: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """Per asset code, the owner role before and after, for the rows that change it (an
    empty cell leaves the owner as it is)."""
    wanted = {code: owner for code, owner in owners.items() if owner}
    if not wanted:
        return {}
    current = dict(
        InformationAsset.objects.filter(organisation=organisation, code__in=list(wanted))
        .values_list("code", "owner_role")
        .iterator()
    )
    return {
        code: {"from": current.get(code, ""), "to": owner}
        for code, owner in sorted(wanted.items())
        if current.get(code, "") != owner
    }


def _require_importer(actor: User, organisation: Organisation) -> None:
    if not access.can_import_register(actor, organisation):
        raise PermissionDenied(
            gettext("Only organisation admins and information-security officers import a register.")
        )


def preview(
    organisation: Organisation, actor: User, found: inventory.Inventory
) -> InventoryPreview:
    """Every problem of the rows, by row and column, with the importer's checks run for the
    person who will confirm; what importing would change when there is none."""
    _require_importer(actor, organisation)
    result = InventoryPreview(found=found, problems=list(found.problems))
    try:
        summary = register.preview(found.document, organisation, actor=actor)
    except register.RegisterInvalid as invalid:
        result.problems += [
            inventory.locate(e.path, e.template, e.params, found) for e in invalid.errors
        ]
    else:
        if not result.problems:
            result.summary = summary
            result.owner_changes = _owner_changes(organisation, found.owners)
    result.problems = inventory.sort_problems(result.problems)
    return result


@dataclass
class InventoryImported:
    summary: register.ImportSummary
    owner_changes: dict[str, dict[str, str]]


def do_import_inventory(
    *,
    actor: User,
    organisation: Organisation,
    found: inventory.Inventory,
    file_name: str,
) -> InventoryImported:
    """Import the rows, all or nothing: ``InventoryInvalid`` when a row has a problem or the
    register refuses them (nothing written). The register importer records each change; this
    adds the owners and one event naming the file."""
    _require_importer(actor, organisation)
    if found.problems:
        raise InventoryInvalid(found.problems)
    with transaction.atomic():
        try:
            summary = register.import_document(
                found.document, actor=actor, organisation_code_expected=organisation.code
            )
        except register.RegisterInvalid as invalid:
            raise InventoryInvalid(
                [inventory.locate(e.path, e.template, e.params, found) for e in invalid.errors]
            ) from invalid
        changes = _owner_changes(organisation, found.owners)
        if changes:
            assets = list(
                InformationAsset.objects.filter(organisation=organisation, code__in=list(changes))
            )
            for asset in assets:
                asset.owner_role = changes[asset.code]["to"]
            # One statement per batch, whatever the number of different owners.
            InformationAsset.objects.bulk_update(assets, ["owner_role"], batch_size=OWNER_BATCH)
        audited: Sequence[str] = list(changes)[:OWNER_CHANGES_AUDITED]
        audit.record(
            actor=actor,
            organisation=organisation,
            action="register.inventory_imported",
            obj=organisation,
            after={
                "file": file_name[:255],
                "rows": len(found.rows),
                **{kind: summary.kind(kind).counts() for kind in register.KINDS},
                "owners_changed": len(changes),
                "owner_role": {code: changes[code] for code in audited},
            },
            object_repr=f"{organisation.code} inventory {file_name}"[:300],
        )
    return InventoryImported(summary=summary, owner_changes=changes)
