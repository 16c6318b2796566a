"""The register document's import: ``import_document`` writes a ``klassa.register/1``
document into an organisation, ``preview`` says what it would change.

The format is described in docs/formats/register.md. Codes are the keys within an
organisation, so an import updates what it finds and creates what it does not; nothing absent
from the document is deleted. The checks are a pure function of the document and a
``RegisterContext`` (``interchange.checks``); ``load_context`` reads that context from the
database and ``validate`` runs the checks against it. The import runs in one transaction and
writes nothing for objects that are already as described, so importing the same document twice
changes nothing the second time.

Each initiative may carry its ``benefit_model`` (a ``klassa.benefit-model/1`` document,
validated as a whole; its errors carry the full path, ``initiatives[3].benefit_model.levers[0]
.reduction.high``) and its ``priority`` inputs (``strategic_fit``, ``time_criticality`` 1–5,
``duration_weeks``, ``forced`` with ``forced_reason``); the document's ``portfolio`` sets the
organisation's portfolio year, budget and benefit scenario. ``time_criticality`` and
``duration_weeks`` extend the published format (they feed WSJF); absent keys leave the stored
values as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from assessments import classification_rules, frameworks, services
from assessments.models import (
    Adjustment,
    Area,
    AspectResult,
    Assessment,
    ClassificationScheme,
    InformationAsset,
    Initiative,
    InitiativeAsset,
    RequirementCatalogue,
)
from benefits import derived as benefit_derived
from benefits import document as benefit_document
from benefits.models import BenefitModel
from interchange.checks import (
    APPROVAL,
    CONFLICT,
    DEFAULT_CONTEXT,
    PRIORITY_KEYS,
    KnownAsset,
    RegisterContext,
    RegisterError,
    check_document,
    normalise_code,
)
from klassa_app import access, audit
from klassa_app.derived import figures_changed
from klassa_app.models import AuditEvent, Department, Organisation, User
from portfolio.models import InitiativePriority, PlanYearBudget, PortfolioSettings, Prerequisite

# Stored as the override's reason, in the organisation's language (records are kept in it).
IMPORT_REASON = gettext_noop("Imported from register file")


def import_reason() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(IMPORT_REASON)


DEMO_REGISTER = Path(__file__).resolve().parent / "demo_register.json"

# The wizard's open states: at most one version of an asset is in one of them.
OPEN_STATUSES = (
    Assessment.Status.DRAFT,
    Assessment.Status.IN_CONSENSUS,
    Assessment.Status.AWAITING_SIGNOFF,
)

DEPARTMENT_AUDIT_FIELDS = ("code", "name")
ADJUSTMENT_AUDIT_FIELDS = ("aspect_code", "level", "reason", "justification")
# The asset fields a document sets (the rest of services.ASSET_FIELDS it leaves alone).
ASSET_WRITTEN_FIELDS = (
    "department",
    "name",
    "description",
    "personal_data",
    "secrecy",
    "secrecy_reference",
    "protective_security",
)
# The first key of the advisory lock that serialises imports into one organisation.
REGISTER_LOCK = 0x4B524547  # "KREG"


class RegisterInvalid(Exception):
    """The document has errors; nothing was changed."""

    def __init__(self, errors: Sequence[RegisterError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class KindSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


KINDS = ("departments", "information_assets", "initiatives", "classifications")


@dataclass
class ImportSummary:
    """What an import changed (or, from ``preview``, would change), by code."""

    organisation: str
    organisation_created: bool = False
    departments: KindSummary = field(default_factory=KindSummary)
    information_assets: KindSummary = field(default_factory=KindSummary)
    initiatives: KindSummary = field(default_factory=KindSummary)
    classifications: KindSummary = field(default_factory=KindSummary)
    portfolio_changed: bool = False  # the portfolio settings (year, budget, scenario)

    @property
    def changed(self) -> bool:
        return (
            self.organisation_created
            or self.portfolio_changed
            or any(self.kind(k).changed for k in KINDS)
        )

    def kind(self, name: str) -> KindSummary:
        return getattr(self, name)

    def counts(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "organisation_created": self.organisation_created,
            **{kind: self.kind(kind).counts() for kind in KINDS},
        }

    def __str__(self) -> str:
        parts = []
        for kind in KINDS:
            c = self.kind(kind).counts()
            parts.append(
                f"{kind.replace('_', ' ')} {c['created']} created, {c['updated']} updated, "
                f"{c['unchanged']} unchanged"
            )
        created = " (new organisation)" if self.organisation_created else ""
        return f"{self.organisation}{created}: " + "; ".join(parts)


# --- Validation against the database --------------------------------------------------------


def _document_organisation_code(document: Any) -> str | None:
    if isinstance(document, dict) and isinstance(document.get("organisation"), dict):
        code = document["organisation"].get("code")
        if isinstance(code, str):
            return code.strip().lower()
    return None


def load_context(organisation: Organisation | None) -> RegisterContext:
    """The organisation's scheme, departments and assets; the defaults for a new one.

    Reads only: the default scheme is not created here (the import does that)."""
    if organisation is None:
        return DEFAULT_CONTEXT
    scheme = (
        ClassificationScheme.objects.filter(organisation=organisation).order_by("-version").first()
    )
    if scheme is None:
        base = DEFAULT_CONTEXT
    else:
        view = frameworks.load_scheme(scheme)
        base = RegisterContext(
            aspects=tuple(view.codes), tops=view.tops, legal_minimums=scheme.legal_minimums or {}
        )
    assets = {
        code: KnownAsset(
            levels={k: v for k, v in (levels or {}).items() if k in base.aspects and v is not None},
            approved=status == InformationAsset.Status.APPROVED,
        )
        for code, levels, status in InformationAsset.objects.filter(
            organisation=organisation
        ).values_list("code", "levels", "status")
    }
    departments = frozenset(
        Department.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    prerequisites: dict[str, list[str]] = {
        code: []
        for code in Initiative.objects.filter(organisation=organisation).values_list(
            "code", flat=True
        )
    }
    for code, required in Prerequisite.objects.filter(
        initiative__organisation=organisation
    ).values_list("initiative__code", "requires__code"):
        prerequisites[code].append(required)
    return RegisterContext(
        aspects=base.aspects,
        tops=base.tops,
        legal_minimums=base.legal_minimums,
        departments=departments,
        assets=assets,
        prerequisites={code: tuple(sorted(codes)) for code, codes in prerequisites.items()},
    )


def validate(document: Any, organisation_code_expected: str | None = None) -> list[RegisterError]:
    """Every error of the document, checked against what the database already holds."""
    code = _document_organisation_code(document)
    organisation = Organisation.objects.filter(code=code).first() if code else None
    return check_document(document, load_context(organisation), organisation_code_expected)


# --- Import ---------------------------------------------------------------------------------------

# Rows per bulk statement (SQLite splits them further by its parameter limit).
BATCH = 1000
# Items per audit event of one kind: a larger import records the kind in several events, so
# that every item stays in the trail and no event grows without bound.
AUDIT_CHUNK = 1000
AUDIT_REPR_LENGTH = 300  # AuditEvent.object_repr


@dataclass
class _Version:
    """An existing assessment, as the import compares it (read once for every asset)."""

    pk: int
    version: int
    status: str
    review_due: date | None
    requires_psa: bool
    finals: dict[str, int] = field(default_factory=dict)  # every aspect with a final level


def _finals(version: _Version | None, aspects: Sequence[str]) -> dict[str, int] | None:
    if version is None:
        return None
    return {code: level for code, level in version.finals.items() if code in aspects}


@dataclass
class _Entry:
    """One item's change, as the pages would record it on their own."""

    key: str  # the item's code in the document
    obj: Any  # saved by the time the trail is written
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    object_repr: str | None = None


@dataclass
class _AssetPlan:
    """What the import does to one asset's classification."""

    index: int
    asset: InformationAsset
    wanted: dict[str, int]
    approve: bool
    versions: list[_Version]
    new_version: bool
    triggers_changed: bool
    superseded: list[_Version] = field(default_factory=list)  # approved versions replaced
    assessment: Assessment | None = None


def _batches(values: Sequence[Any], size: int = BATCH) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _update_rows(objs: Sequence[Any], fields: Sequence[str]) -> None:
    """Write ``fields`` of ``objs`` (rows of one model) with one ``UPDATE … FROM (VALUES …)``
    per batch. Django's ``bulk_update`` builds a ``CASE`` per field and row, which takes
    seconds to compile for thousands of rows."""
    if not objs:
        return
    meta = objs[0]._meta
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
        type(objs[0]).objects.bulk_update(objs, fields, batch_size=BATCH)  # no UPDATE FROM
        return
    quote = connection.ops.quote_name
    columns = [meta.pk] + [meta.get_field(name) for name in fields]
    if connection.vendor == "postgresql":
        # VALUES are untyped text to PostgreSQL; SQLite takes each value as it is bound.
        cell = [f"CAST(%s AS {c.cast_db_type(connection)})" for c in columns]
    else:
        cell = ["%s"] * len(columns)
    row = "(" + ", ".join(cell) + ")"
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(c.column)} = v.c{i}" for i, c in enumerate(columns) if i)
    limit = connection.features.max_query_params or len(columns) * BATCH
    size = max(1, min(BATCH, limit // len(columns)))
    with connection.cursor() as cursor:
        for batch in _batches(objs, size):
            params = [
                c.get_db_prep_save(getattr(obj, c.attname), connection)
                for obj in batch
                for c in columns
            ]
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {', '.join([row] * len(batch))}) "  # noqa: S608
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{quote(meta.pk.column)} = v.c0",
                params,
            )


def _delete_rows(model: type[Any], pks: Sequence[int]) -> None:
    """Delete rows that nothing references, without a per-row signal: the import announces
    its changes once, at the end (``QuerySet.delete`` would send a signal per row)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for batch in _batches(pks, 500):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", list(batch))  # noqa: S608


class _Importer:
    """Applies a valid document with set-based writes: what exists is read in a few queries,
    the differences are computed in Python and written per model in bulk. Every write is
    guarded by a comparison, which is what makes a repeated import a no-op.

    The trail gets one event per kind of change (``asset.created``, ``asset.updated``, …,
    split every ``AUDIT_CHUNK`` items) keyed by code: for a new item what the page's own event
    would record, for a changed one only the fields that changed (from → to), and the
    ``count``. A kind with a single item is recorded exactly as the pages record it."""

    def __init__(
        self, document: dict[str, Any], actor: User | None, organisation: Organisation | None
    ) -> None:
        self.document = document
        self.actor = actor
        self.organisation = organisation  # None: the import creates it
        self.summary = ImportSummary(organisation=document["organisation"]["code"].strip().lower())
        self.scheme: frameworks.SchemeView
        self.now = timezone.now()
        self.department_by_code: dict[str, Department] = {}
        self.asset_by_code: dict[str, InformationAsset] = {}
        self.saved_models: list[BenefitModel] = []
        self.trail: dict[str, list[_Entry]] = {}
        # Initiatives given their action-plan catalogue without any reported change.
        self.quietly_changed: list[int] = []

    @property
    def user(self) -> User | None:
        """The actor as a foreign key value (the command imports as nobody)."""
        return self.actor if self.actor is not None and self.actor.pk else None

    def log(
        self,
        action: str,
        key: str,
        obj: Any,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        object_repr: str | None = None,
    ) -> None:
        self.trail.setdefault(action, []).append(_Entry(key, obj, before, after, object_repr))

    def run(self) -> ImportSummary:
        self.organisation_step()
        self.scheme = frameworks.load_scheme(frameworks.current_scheme(self.organisation))
        self.departments_step()
        self.assets_step()
        self.initiatives_step()
        self.portfolio_step()
        if self.summary.changed:
            # Stored figures follow in the same transaction (benefit summaries first: the
            # initiatives' readiness reads whether a valid model exists).
            benefit_derived.store_derived(self.saved_models)
            figures_changed(self.organisation, everything=True)
            self.log(
                "register.imported",
                "",
                self.organisation,
                after=self.summary.counts(),
                object_repr=f"{self.organisation.code} register",
            )
        elif self.quietly_changed:
            figures_changed(self.organisation, initiative_ids=self.quietly_changed)
        self.write_trail()
        return self.summary

    # The audit trail

    def _event(
        self,
        action: str,
        *,
        object_type: str,
        object_id: str,
        object_repr: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> AuditEvent:
        # As klassa_app.audit.record, written in one statement with the import's other events.
        return AuditEvent(
            organisation=self.organisation,
            actor=self.user,
            actor_label=self.user.email if self.user is not None else "system",
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:AUDIT_REPR_LENGTH],
            before=before,
            after=after,
        )

    def write_trail(self) -> None:
        events = []
        for action, entries in self.trail.items():
            if len(entries) == 1:
                entry = entries[0]
                obj = entry.obj
                events.append(
                    self._event(
                        action,
                        object_type=obj._meta.model_name,
                        object_id=str(obj.pk or ""),
                        object_repr=entry.object_repr
                        if entry.object_repr is not None
                        else str(obj),
                        before=entry.before,
                        after=entry.after,
                    )
                )
                continue
            chunks = _batches(entries, AUDIT_CHUNK)
            for number, chunk in enumerate(chunks, start=1):
                events.append(self._kind_event(action, chunk, number, len(chunks)))
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)

    def _kind_event(self, action: str, entries: Sequence[_Entry], part: int, parts: int) -> Any:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {"count": len(entries)}
        if parts > 1:
            after["part"] = f"{part}/{parts}"
        for entry in entries:
            if entry.before is None:
                after[entry.key] = entry.after
            elif entry.after is None:
                before[entry.key] = entry.before
            else:
                changed = [
                    k
                    for k in {**entry.before, **entry.after}
                    if entry.before.get(k) != entry.after.get(k)
                ]
                before[entry.key] = {k: entry.before.get(k) for k in changed}
                after[entry.key] = {k: entry.after.get(k) for k in changed}
        keys = ", ".join(entry.key for entry in entries)
        prefix = f"{self.organisation.code} register ({len(entries)}): "
        if len(prefix) + len(keys) > AUDIT_REPR_LENGTH:
            keys = keys[: AUDIT_REPR_LENGTH - len(prefix) - 1] + "…"
        return self._event(
            action,
            object_type=entries[0].obj._meta.model_name,
            object_id="",
            object_repr=prefix + keys,
            before=before or None,
            after=after,
        )

    # The organisation and its departments

    def organisation_step(self) -> None:
        # An existing organisation keeps its name: the file does not rename it.
        if self.organisation is not None:
            return
        code = self.summary.organisation
        self.organisation = Organisation.objects.create(
            code=code,
            name=self.document["organisation"]["name"].strip(),
            kind=Organisation.Kind.MUNICIPALITY,
        )
        self.summary.organisation_created = True
        self.log(
            "organisation.created",
            code,
            self.organisation,
            after={"code": code, "name": self.organisation.name, "kind": self.organisation.kind},
        )

    def departments_step(self) -> None:
        existing = {d.code: d for d in Department.objects.filter(organisation=self.organisation)}
        kind = self.summary.departments
        created: list[Department] = []
        updated: list[Department] = []
        for item in self.document.get("departments") or []:
            code, name = normalise_code(item["code"]), item["name"].strip()
            department = existing.get(code)
            if department is None:
                department = Department(organisation=self.organisation, code=code, name=name)
                existing[code] = department
                created.append(department)
                kind.created.append(code)
            elif department.name != name:
                before = audit.snapshot(department, DEPARTMENT_AUDIT_FIELDS)
                department.name = name
                department.updated_at = self.now
                updated.append(department)
                kind.updated.append(code)
                self.log(
                    "department.updated",
                    code,
                    department,
                    before=before,
                    after=audit.snapshot(department, DEPARTMENT_AUDIT_FIELDS),
                )
            else:
                kind.unchanged.append(code)
        Department.objects.bulk_create(created, batch_size=BATCH)
        _update_rows(updated, ["name", "updated_at"])
        for department in created:
            self.log(
                "department.created",
                department.code,
                department,
                after=audit.snapshot(department, DEPARTMENT_AUDIT_FIELDS),
            )
        self.department_by_code = existing

    # Assets and their classifications

    def _versions(self) -> dict[int, list[_Version]]:
        """Every assessment of the organisation's assets, newest first, with the final levels
        of those that are not superseded (the only ones compared or made effective)."""
        versions: dict[int, list[_Version]] = {}
        by_pk: dict[int, _Version] = {}
        for pk, asset_id, number, status, review_due, psa in (
            Assessment.objects.filter(asset__organisation=self.organisation)
            .order_by("asset_id", "-version")
            .values_list(
                "pk",
                "asset_id",
                "version",
                "status",
                "review_due",
                "requires_protective_security_analysis",
            )
        ):
            version = _Version(pk, number, status, review_due, psa)
            versions.setdefault(asset_id, []).append(version)
            by_pk[pk] = version
        for assessment_id, aspect, level in (
            AspectResult.objects.filter(
                assessment__asset__organisation=self.organisation,
                final_level__isnull=False,
            )
            .exclude(assessment__status=Assessment.Status.SUPERSEDED)
            .values_list("assessment_id", "aspect_code", "final_level")
        ):
            by_pk[assessment_id].finals[aspect] = level
        return versions

    def assets_step(self) -> None:
        existing = {
            a.code: a for a in InformationAsset.objects.filter(organisation=self.organisation)
        }
        history = self._versions()
        created: list[InformationAsset] = []
        updated: list[InformationAsset] = []
        plans: list[_AssetPlan] = []
        for index, item in enumerate(self.document.get("information_assets") or []):
            code = normalise_code(item["code"])
            asset, triggers_changed = self.asset(existing.get(code), code, item, created, updated)
            existing[code] = asset
            plans.append(
                self.classification_plan(
                    index,
                    asset,
                    item,
                    history.get(asset.pk, []) if asset.pk else [],
                    triggers_changed,
                )
            )
        self.asset_by_code = existing
        changing = [p for p in plans if p.new_version]
        self._check_approvals(changing)
        self._prepare_versions(changing)
        for plan in changing:
            if plan.asset.pk is None:
                # A new asset has only its new version: its levels go in with its row.
                self._sync(plan)
        InformationAsset.objects.bulk_create(created, batch_size=BATCH)
        _update_rows(updated, [*ASSET_WRITTEN_FIELDS, "updated_at"])
        for asset in created:
            self.log(
                "asset.created",
                asset.code,
                asset,
                after=audit.snapshot(asset, services.ASSET_FIELDS),
            )
        self.classifications(plans, changing, created=set(map(id, created)))

    def asset(
        self,
        asset: InformationAsset | None,
        code: str,
        item: Mapping[str, Any],
        created: list[InformationAsset],
        updated: list[InformationAsset],
    ) -> tuple[InformationAsset, bool]:
        legal = item["legal"]
        secrecy = (legal.get("secrecy") or "").strip()
        fields: dict[str, Any] = {
            "department": self.department_by_code[normalise_code(item["department"])],
            "name": item["name"].strip(),
            "personal_data": legal["personal_data"],
            "secrecy": bool(secrecy),
            "secrecy_reference": secrecy,
            "protective_security": legal.get("protective_security", False),
        }
        if "description" in item:
            fields["description"] = (item["description"] or "").strip()
        kind = self.summary.information_assets
        if asset is None:
            asset = InformationAsset(organisation=self.organisation, code=code, **fields)
            created.append(asset)
            kind.created.append(code)
            return asset, False
        before = audit.snapshot(asset, services.ASSET_FIELDS)
        triggers_before = (asset.triggers, asset.protective_security)
        for name, value in fields.items():
            setattr(asset, name, value)
        after = audit.snapshot(asset, services.ASSET_FIELDS)
        if before == after:
            kind.unchanged.append(code)
            return asset, False
        asset.updated_at = self.now
        updated.append(asset)
        kind.updated.append(code)
        self.log("asset.updated", code, asset, before=before, after=after)
        return asset, (asset.triggers, asset.protective_security) != triggers_before

    def classification_plan(
        self,
        index: int,
        asset: InformationAsset,
        item: Mapping[str, Any],
        versions: list[_Version],
        triggers_changed: bool,
    ) -> _AssetPlan:
        codes = self.scheme.codes
        wanted = {a: item["levels"][a] for a in codes if a in (item.get("levels") or {})}
        approve = item.get("status", "draft") == "approved"
        approved = next((v for v in versions if v.status == Assessment.Status.APPROVED), None)
        open_version = next((v for v in versions if v.status in OPEN_STATUSES), None)
        if not wanted:
            new_version = False  # no levels in the file: the classification stays as it is
        elif approve:
            new_version = _finals(approved, codes) != wanted
        else:
            # A draft is compared with the version being worked on; beside an approved
            # version without one, it starts a re-assessment.
            new_version = open_version is None or _finals(open_version, codes) != wanted
        if wanted:
            kind = self.summary.classifications
            target = (
                kind.unchanged if not new_version else kind.updated if versions else kind.created
            )
            target.append(asset.code)
        return _AssetPlan(index, asset, wanted, approve, versions, new_version, triggers_changed)

    def _check_approvals(self, changing: list[_AssetPlan]) -> None:
        if (
            any(p.approve for p in changing)
            and self.actor is not None
            and not access.can_approve_classifications(self.actor, self.organisation)
        ):
            # Nothing in a file that the pages forbid: only the security officer approves.
            raise RegisterInvalid(
                [
                    RegisterError(
                        f"information_assets[{p.index}].status", APPROVAL, {"code": p.asset.code}
                    )
                    for p in changing
                    if p.approve
                ]
            )

    def classifications(
        self, plans: list[_AssetPlan], changing: list[_AssetPlan], created: set[int]
    ) -> None:
        """New versions for the assets whose levels changed, in the order the pages would
        write them: drafts replaced, legal triggers applied, approvals replaced, new versions
        created, and the effective levels copied onto the assets."""
        # The imported draft replaces the one being worked on (one open version at most).
        self._supersede(
            [v for p in changing if not p.approve for v in p.versions if v.status in OPEN_STATUSES]
        )
        triggered = [p for p in plans if p.triggers_changed]
        for plan in triggered:
            self._legal_triggers_changed(plan.asset, f"information_assets[{plan.index}]")
        for plan in changing:
            if plan.approve:
                plan.superseded = [
                    v for v in plan.versions if v.status == Assessment.Status.APPROVED
                ]
        self._supersede([v for p in changing for v in p.superseded])
        self._create_versions(changing)
        # Copy the effective version onto the asset (as services.sync_asset): computed here
        # for every asset, except those whose legal triggers the services recomputed.
        synced: list[InformationAsset] = []
        for plan in changing:
            if plan.triggers_changed:
                services.sync_asset(plan.asset)
            elif id(plan.asset) not in created and self._sync(plan):
                synced.append(plan.asset)
        _update_rows(
            synced, ["levels", "status", "review_due", "requires_protective_security_analysis"]
        )

    def _legal_triggers_changed(self, asset: InformationAsset, path: str) -> None:
        # Exactly what the edit form does (draft recomputed, approved review due now), so a
        # file cannot do what the UI would not. Rare in an import: one asset at a time.
        try:
            services.legal_triggers_changed(asset)
        except classification_rules.RuleError as error:
            raise RegisterInvalid(
                [
                    RegisterError(
                        f"{path}.legal", CONFLICT, {"code": asset.code, "error": str(error)}
                    )
                ]
            ) from error

    def _supersede(self, versions: Sequence[_Version]) -> None:
        for version in versions:
            version.status = Assessment.Status.SUPERSEDED
        for batch in _batches([v.pk for v in versions]):
            Assessment.objects.filter(pk__in=batch).update(
                status=Assessment.Status.SUPERSEDED, superseded_at=self.now, updated_at=self.now
            )

    def _prepare_versions(self, plans: list[_AssetPlan]) -> None:
        """The new versions' rows (saved by ``_create_versions``, once their assets are)."""
        if not plans:
            return
        bank = frameworks.current_question_bank(self.organisation)
        tops = self.scheme.tops
        review_due = classification_rules.add_months(
            timezone.localdate(self.now), self.organisation.review_interval_months
        )
        for plan in plans:
            asset = plan.asset
            psa = classification_rules.requires_protective_security_analysis(
                protective_security=asset.protective_security, finals=plan.wanted, tops=tops
            )
            plan.assessment = Assessment(
                asset=asset,
                version=(plan.versions[0].version + 1) if plan.versions else 1,
                status=Assessment.Status.APPROVED if plan.approve else Assessment.Status.DRAFT,
                scheme=self.scheme.scheme,
                question_bank=bank,
                source="import",
                created_by=self.user,
                requires_protective_security_analysis=psa,
                approved_at=self.now if plan.approve else None,
                approved_by=self.actor if plan.approve and self.actor is not None else None,
                review_due=review_due if plan.approve else None,
            )

    def _create_versions(self, plans: list[_AssetPlan]) -> None:
        if not plans:
            return
        Assessment.objects.bulk_create([p.assessment for p in plans], batch_size=BATCH)
        tops = self.scheme.tops
        legal_minimums = self.scheme.scheme.legal_minimums or {}
        reason = import_reason()
        results = []
        for plan in plans:
            minimums = classification_rules.minimum_levels(plan.asset.triggers, legal_minimums)
            for code in self.scheme.codes:
                level = plan.wanted.get(code)
                minimum = minimums.get(code)
                results.append(
                    AspectResult(
                        assessment=plan.assessment,
                        aspect_code=code,
                        computed_level=None,
                        minimum_level=min(minimum, tops[code]) if minimum is not None else None,
                        override_level=level,
                        override_reason=reason if level is not None else "",
                        final_level=level,
                    )
                )
        AspectResult.objects.bulk_create(results, batch_size=BATCH)
        for plan in plans:
            assessment = plan.assessment
            self.log(
                "assessment.imported",
                plan.asset.code,
                assessment,
                after={
                    "version": assessment.version,
                    "status": assessment.status,
                    "levels": plan.wanted,
                    "review_due": (
                        assessment.review_due.isoformat() if assessment.review_due else None
                    ),
                    "superseded": [v.version for v in plan.superseded],
                },
            )

    def _sync(self, plan: _AssetPlan) -> bool:
        """The asset's stored levels and status from its effective version, as
        ``services.sync_asset`` computes them; whether they changed."""
        assessment = plan.assessment
        assert assessment is not None
        new = _Version(
            0,
            assessment.version,
            assessment.status,
            assessment.review_due,
            assessment.requires_protective_security_analysis,
            finals=dict(plan.wanted),
        )
        live = [new] + [v for v in plan.versions if v.status != Assessment.Status.SUPERSEDED]
        approved = next((v for v in live if v.status == Assessment.Status.APPROVED), None)
        effective = approved or live[0]
        levels = dict(effective.finals)
        if approved is not None:
            status = InformationAsset.Status.APPROVED
        else:
            status = (
                InformationAsset.Status.DRAFT if levels else InformationAsset.Status.UNCLASSIFIED
            )
        asset = plan.asset
        values = (
            levels,
            status,
            effective.review_due if approved else None,
            effective.requires_psa or asset.protective_security,
        )
        current = (
            asset.levels,
            asset.status,
            asset.review_due,
            asset.requires_protective_security_analysis,
        )
        if values == current:
            return False
        (
            asset.levels,
            asset.status,
            asset.review_due,
            asset.requires_protective_security_analysis,
        ) = values
        return True

    # Initiatives

    def initiatives_step(self) -> None:
        organisation = self.organisation
        existing = {
            i.code: i
            for i in Initiative.objects.filter(organisation=organisation).select_related("area")
        }
        self.catalogue: RequirementCatalogue | None = None
        items = [
            (normalise_code(item["code"]), item) for item in self.document.get("initiatives") or []
        ]
        self.areas = {a.name: a for a in Area.objects.filter(organisation=organisation)}
        # A name the organisation has no area for yet is given to every initiative naming it.
        names = {(item.get("area") or "").strip() for _code, item in items if "area" in item}
        new_areas = [
            Area(organisation=organisation, name=name)
            for name in sorted(names - set(self.areas) - {""})
        ]
        Area.objects.bulk_create(new_areas, batch_size=BATCH)
        self.areas |= {area.name: area for area in new_areas}
        created: list[Initiative] = []
        updated: list[Initiative] = []
        quiet: list[Initiative] = []
        changed: dict[str, bool] = {}
        initiatives: list[Initiative] = []
        for code, item in items:
            initiative = existing.get(code)
            if initiative is None:
                initiative = self.new_initiative(code, item)
                created.append(initiative)
            else:
                changed[code] = self.initiative_fields(initiative, item)
                if changed[code]:
                    updated.append(initiative)
                if initiative.action_plan_catalogue_id is None:
                    # Not part of the document: setting it up is not reported as a change.
                    initiative.action_plan_catalogue = self._catalogue()
                    quiet.append(initiative)
            initiatives.append(initiative)
        Initiative.objects.bulk_create(created, batch_size=BATCH)
        _update_rows(updated, ["department", "name", "area", "updated_at"])
        _update_rows(quiet, ["action_plan_catalogue"])
        self.quietly_changed = [i.pk for i in quiet]
        for initiative in created:
            self.log(
                "initiative.created",
                initiative.code,
                initiative,
                after=audit.snapshot(initiative, services.INITIATIVE_FIELDS),
            )
        # Each part writes its own rows; an initiative changed if any of them did.
        for part in (
            self.initiative_assets,
            self.initiative_adjustments,
            self.initiative_benefit_models,
            self.initiative_priorities,
            self.initiative_prerequisites,
        ):
            for code in part(items, initiatives):
                changed[code] = True
        kind = self.summary.initiatives
        for code, _item in items:
            if code not in existing:
                kind.created.append(code)
            elif changed.get(code):
                kind.updated.append(code)
            else:
                kind.unchanged.append(code)

    def _catalogue(self) -> RequirementCatalogue:
        if self.catalogue is None:
            self.catalogue = frameworks.current_catalogue(self.organisation)
        return self.catalogue

    def _area(self, name: Any) -> Area | None:
        name = (name or "").strip()
        return self.areas[name] if name else None

    def new_initiative(self, code: str, item: Mapping[str, Any]) -> Initiative:
        return Initiative(
            organisation=self.organisation,
            department=self.department_by_code[normalise_code(item["department"])],
            code=code,
            name=item["name"].strip(),
            area=self._area(item.get("area")),
            action_plan_catalogue=self._catalogue(),
        )

    def initiative_fields(self, initiative: Initiative, item: Mapping[str, Any]) -> bool:
        before = audit.snapshot(initiative, services.INITIATIVE_FIELDS)
        initiative.department = self.department_by_code[normalise_code(item["department"])]
        initiative.name = item["name"].strip()
        if "area" in item:
            current = initiative.area.name if initiative.area_id else ""
            if (item["area"] or "").strip() != current:
                initiative.area = self._area(item["area"])
        after = audit.snapshot(initiative, services.INITIATIVE_FIELDS)
        if before == after:
            return False
        initiative.updated_at = self.now
        self.log("initiative.updated", initiative.code, initiative, before=before, after=after)
        return True

    def initiative_assets(
        self, items: Sequence[tuple[str, Mapping[str, Any]]], initiatives: Sequence[Initiative]
    ) -> list[str]:
        code_of = {asset.pk: code for code, asset in self.asset_by_code.items()}
        current: dict[int, dict[int, int]] = {}  # initiative → asset → link id
        for pk, initiative_id, asset_id in InitiativeAsset.objects.filter(
            initiative__organisation=self.organisation
        ).values_list("pk", "initiative_id", "asset_id"):
            current.setdefault(initiative_id, {})[asset_id] = pk
        removed: list[int] = []
        added: list[InitiativeAsset] = []
        changed = []
        for (code, item), initiative in zip(items, initiatives, strict=True):
            wanted = {
                self.asset_by_code[normalise_code(c)].pk: normalise_code(c)
                for c in item.get("assets") or []
            }
            links = current.get(initiative.pk, {})
            if set(wanted) == set(links):
                continue
            removed += [pk for asset_id, pk in links.items() if asset_id not in wanted]
            added += [
                InitiativeAsset(initiative=initiative, asset_id=asset_id)
                for asset_id in sorted(set(wanted) - set(links))
            ]
            changed.append(code)
            self.log(
                "initiative.assets_changed",
                code,
                initiative,
                before={"assets": sorted(code_of.get(a, str(a)) for a in links)},
                after={"assets": sorted(wanted.values())},
            )
        _delete_rows(InitiativeAsset, removed)
        InitiativeAsset.objects.bulk_create(added, batch_size=BATCH)
        return changed

    def initiative_adjustments(
        self, items: Sequence[tuple[str, Mapping[str, Any]]], initiatives: Sequence[Initiative]
    ) -> list[str]:
        codes = self.scheme.codes
        current: dict[int, dict[str, Adjustment]] = {}
        for adjustment in Adjustment.objects.filter(initiative__organisation=self.organisation):
            # Adjustments of aspects the scheme no longer uses are not in the file; keep them.
            if adjustment.aspect_code in codes:
                current.setdefault(adjustment.initiative_id, {})[adjustment.aspect_code] = (
                    adjustment
                )
        removed: list[int] = []
        created: list[Adjustment] = []
        updated: list[Adjustment] = []
        changed = []
        for (code, item), initiative in zip(items, initiatives, strict=True):
            existing = current.get(initiative.pk, {})
            wanted = {a["aspect"]: a for a in item.get("adjustments") or []}
            touched = False
            for aspect, adjustment in existing.items():
                if aspect not in wanted:
                    removed.append(adjustment.pk)
                    self.log(
                        "initiative.adjustment_removed",
                        f"{code} {aspect}",
                        initiative,
                        before=audit.snapshot(adjustment, ADJUSTMENT_AUDIT_FIELDS),
                    )
                    touched = True
            for aspect, spec in wanted.items():
                values = {
                    "level": spec["level"],
                    "reason": spec["reason"],
                    "justification": spec["justification"].strip(),
                }
                adjustment = existing.get(aspect)
                if adjustment is not None and all(
                    getattr(adjustment, k) == v for k, v in values.items()
                ):
                    continue
                before = None
                if adjustment is None:
                    adjustment = Adjustment(initiative=initiative, aspect_code=aspect)
                    created.append(adjustment)
                else:
                    before = audit.snapshot(adjustment, ADJUSTMENT_AUDIT_FIELDS)
                    updated.append(adjustment)
                for name, value in values.items():
                    setattr(adjustment, name, value)
                adjustment.created_by = self.actor if self.actor else None
                self.log(
                    "initiative.adjusted",
                    f"{code} {aspect}",
                    initiative,
                    before=before,
                    after=audit.snapshot(adjustment, ADJUSTMENT_AUDIT_FIELDS),
                )
                touched = True
            if touched:
                changed.append(code)
        _delete_rows(Adjustment, removed)
        _update_rows(updated, ["level", "reason", "justification", "created_by"])
        Adjustment.objects.bulk_create(created, batch_size=BATCH)
        return changed

    def initiative_benefit_models(
        self, items: Sequence[tuple[str, Mapping[str, Any]]], initiatives: Sequence[Initiative]
    ) -> list[str]:
        """Each model is stored in its canonical form, so an export imports unchanged."""
        existing = {
            m.initiative_id: m
            for m in BenefitModel.objects.filter(initiative__organisation=self.organisation)
        }
        created: list[BenefitModel] = []
        updated: list[BenefitModel] = []
        changed = []
        for (code, item), initiative in zip(items, initiatives, strict=True):
            if item.get("benefit_model") is None:
                continue
            canonical = benefit_document.to_document(benefit_document.parse(item["benefit_model"]))
            model = existing.get(initiative.pk)
            if model is not None and model.document == canonical:
                continue
            if model is None:
                model = BenefitModel(
                    initiative=initiative, document=canonical, updated_by=self.user
                )
                created.append(model)
            else:
                model.document = canonical
                model.updated_by = self.user
                model.lock_version += 1
                model.updated_at = self.now
                updated.append(model)
            model.initiative = initiative
            changed.append(code)
        BenefitModel.objects.bulk_create(created, batch_size=BATCH)
        _update_rows(updated, ["document", "updated_by", "lock_version", "updated_at"])
        saved = created + updated
        self.saved_models += saved
        for model in sorted(saved, key=lambda m: m.initiative.code):
            name = model.document.get("name")
            self.log(
                "benefit_model.imported",
                model.initiative.code,
                model,
                after={"name": name, "initiative": model.initiative.code},
                object_repr=f"{model.initiative.code} {name or ''}",
            )
        return changed

    def initiative_priorities(
        self, items: Sequence[tuple[str, Mapping[str, Any]]], initiatives: Sequence[Initiative]
    ) -> list[str]:
        existing = {
            p.initiative_id: p
            for p in InitiativePriority.objects.filter(initiative__organisation=self.organisation)
        }
        created: list[InitiativePriority] = []
        updated: list[InitiativePriority] = []
        changed = []
        for (code, item), initiative in zip(items, initiatives, strict=True):
            spec = item.get("priority")
            if spec is None:
                continue
            priority = existing.get(initiative.pk)
            current = priority or InitiativePriority(initiative=initiative)
            before = {k: getattr(current, k) for k in PRIORITY_KEYS}
            for key in ("strategic_fit", "time_criticality", "duration_weeks"):
                if key in spec:
                    setattr(current, key, spec[key])
            if "forced" in spec:
                forced = spec["forced"] or ""
                reason = (spec.get("forced_reason") or "").strip() if forced else ""
                if (forced, reason) != (current.forced, current.forced_reason):
                    current.forced, current.forced_reason = forced, reason
                    current.forced_by = self.actor if forced and self.actor else None
                    current.forced_at = self.now if forced else None
            after = {k: getattr(current, k) for k in PRIORITY_KEYS}
            if priority is not None and before == after:
                continue
            if priority is None and not any(v not in (None, "") for v in after.values()):
                continue  # an empty priority object says nothing
            if priority is None:
                created.append(current)
            else:
                current.updated_at = self.now
                updated.append(current)
            changed.append(code)
            self.log(
                "portfolio.priority_imported",
                code,
                initiative,
                before=before if priority is not None else None,
                after=after,
            )
        InitiativePriority.objects.bulk_create(created, batch_size=BATCH)
        _update_rows(
            updated,
            [
                "strategic_fit",
                "time_criticality",
                "duration_weeks",
                "forced",
                "forced_reason",
                "forced_by",
                "forced_at",
                "updated_at",
            ],
        )
        return changed

    # The organisation's portfolio settings

    def plan_years(self, budgets: Mapping[str, Any], current: PortfolioSettings) -> None:
        """``portfolio.budgets``: the first year and frame are the portfolio's year and
        budget (the checks made sure ``year`` and ``budget`` agree), the rest plan years."""
        organisation = self.organisation
        assert organisation is not None  # the organisation step ran first
        frames: dict[int, Decimal] = {}
        for year, value in budgets.items():
            amount = benefit_document.to_number(value)
            assert amount is not None  # the checks refused anything else
            frames[int(year)] = amount
        first = min(frames)
        current.year, current.budget = first, frames[first]
        later = {y: b for y, b in frames.items() if y != first}
        stored = dict(
            PlanYearBudget.objects.filter(organisation=organisation).values_list("year", "budget")
        )
        if stored == later:
            return
        PlanYearBudget.objects.filter(organisation=organisation).delete()
        PlanYearBudget.objects.bulk_create(
            [PlanYearBudget(organisation=organisation, year=y, budget=b) for y, b in later.items()]
        )
        self.summary.portfolio_changed = True
        self.log(
            "portfolio.plan_budgets_set",
            organisation.code,
            current,
            before={"plan_years": {str(y): str(b) for y, b in sorted(stored.items())}},
            after={"plan_years": {str(y): str(b) for y, b in sorted(later.items())}},
            object_repr=f"{organisation.code} plan years",
        )

    def initiative_prerequisites(
        self, items: Sequence[tuple[str, Mapping[str, Any]]], initiatives: Sequence[Initiative]
    ) -> list[str]:
        """Replace what each initiative with a ``requires`` key requires (an initiative
        without the key keeps its prerequisites). Every initiative exists by now, so a
        prerequisite may be listed after the initiative that needs it."""
        given = [
            (code, initiative, [normalise_code(r) for r in item["requires"]])
            for (code, item), initiative in zip(items, initiatives, strict=True)
            if isinstance(item.get("requires"), list)
        ]
        if not given:
            return []
        ids = dict(
            Initiative.objects.filter(organisation=self.organisation).values_list("code", "pk")
        )
        current: dict[int, list[str]] = {}
        for pk, required in Prerequisite.objects.filter(
            initiative__organisation=self.organisation
        ).values_list("initiative_id", "requires__code"):
            current.setdefault(pk, []).append(required)
        changed: list[str] = []
        stale: list[int] = []
        fresh: list[Prerequisite] = []
        for code, initiative, wanted in given:
            before = sorted(current.get(initiative.pk, []))
            after = sorted(wanted)
            if before == after:
                continue
            changed.append(code)
            stale.append(initiative.pk)
            fresh += [Prerequisite(initiative_id=initiative.pk, requires_id=ids[r]) for r in after]
            self.log(
                "portfolio.prerequisites_set",
                code,
                initiative,
                before={"requires": before},
                after={"requires": after},
            )
        Prerequisite.objects.filter(initiative_id__in=stale).delete()
        Prerequisite.objects.bulk_create(fresh, batch_size=BATCH)
        return changed

    def portfolio_step(self) -> None:
        spec = self.document.get("portfolio")
        if spec is None:
            return
        settings = PortfolioSettings.objects.filter(organisation=self.organisation).first()
        current = settings or PortfolioSettings(organisation=self.organisation)
        before = {"year": current.year, "budget": current.budget, "scenario": current.scenario}
        if spec.get("year") is not None:
            current.year = spec["year"]
        if spec.get("budget") is not None:
            current.budget = benefit_document.to_number(spec["budget"])
        if spec.get("scenario") is not None:
            current.scenario = spec["scenario"]
        if spec.get("budgets"):
            self.plan_years(spec["budgets"], current)
        after = {"year": current.year, "budget": current.budget, "scenario": current.scenario}
        if settings is not None and all(
            Decimal(str(before[k])) == Decimal(str(after[k]))
            if k == "budget"
            else before[k] == after[k]
            for k in before
        ):
            return
        current.save()
        self.summary.portfolio_changed = True
        self.log(
            "portfolio.settings_imported",
            self.organisation.code,
            current,
            before={k: str(v) for k, v in before.items()} if settings is not None else None,
            after={k: str(v) for k, v in after.items()},
            object_repr=f"{self.organisation.code} portfolio {current.year}",
        )


def _require_importer(actor: User | None, organisation: Organisation | None) -> None:
    """Admins and security officers import into their organisation; only the command (no
    actor) creates organisations. Approvals are checked per asset (``_check_approvals``)."""
    if actor is None:
        return
    if organisation is None or not access.can_import_register(actor, organisation):
        raise PermissionDenied(
            gettext("Only organisation admins and information-security officers import a register.")
        )


def _lock_register(code: str | None) -> Organisation | None:
    """The organisation, with imports into it serialised until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on the organisation's code (which need not
    exist yet), so that nothing else waits: not other organisations, not readers, not the
    organisation's own writers outside imports. Elsewhere the organisation's row (SQLite lets
    one writer at a time anyway)."""
    if not code:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [REGISTER_LOCK, code])
        return Organisation.objects.filter(code=code).first()
    return Organisation.objects.select_for_update().filter(code=code).first()


def import_document(
    document: Any,
    *,
    actor: User | None,
    organisation_code_expected: str | None = None,
) -> ImportSummary:
    """Validate and import in one transaction; ``RegisterInvalid`` (nothing changed) if the
    document has errors."""
    with transaction.atomic():
        organisation = _lock_register(_document_organisation_code(document))
        errors = check_document(document, load_context(organisation), organisation_code_expected)
        if errors:
            raise RegisterInvalid(errors)
        _require_importer(actor, organisation)
        return _Importer(document, actor, organisation).run()


def preview(
    document: Any, organisation: Organisation | None = None, *, actor: User | None = None
) -> ImportSummary:
    """What importing would change, without changing anything: the import runs and is
    rolled back. ``organisation`` is the one the document must be for, if given. Pass the
    actor who will confirm: the preview then refuses what their import would refuse."""
    expected = organisation.code if organisation is not None else None
    with transaction.atomic():
        summary = import_document(document, actor=actor, organisation_code_expected=expected)
        transaction.set_rollback(True)
    return summary


def load_demo_register(actor: User | None = None) -> ImportSummary:
    """Import the demo register of Norrköping (interchange/demo_register.json)."""
    document = json.loads(DEMO_REGISTER.read_text(encoding="utf-8"))
    return import_document(document, actor=actor)
