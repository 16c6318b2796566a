"""Writes of the portfolio: settings, priority inputs, forced choices and scenarios. Each
checks permission, runs in one transaction and records an audit event."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Initiative
from klassa_app import access, audit, numbers
from klassa_app.models import Organisation, User
from klassa_app.services import ServiceError
from portfolio import results, roadmap, roadmap_results, scoring, selectors
from portfolio.models import (
    BenefitScenario,
    Forced,
    InitiativePriority,
    PlanYearBudget,
    PortfolioScenario,
    PortfolioSettings,
    Prerequisite,
    RankingMethod,
    RoadmapScenario,
)
from portfolio.permissions import can_manage_portfolio, can_set_priority

SETTINGS_FIELDS = ("year", "budget", "scenario", "method", "weights", "fulfilment_threshold")
PRIORITY_FIELDS = (
    "strategic_fit",
    "time_criticality",
    "duration_weeks",
    "benefit_owner",
    "dpia_recorded",
    "dpia_reference",
)
FORCED_FIELDS = ("forced", "forced_reason", "forced_by", "forced_at")
MAX_BUDGET = Decimal("1e15")


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not can_manage_portfolio(actor, organisation):
        raise PermissionDenied(_("Only organisation admins manage the portfolio."))


# --- Parsing helpers (bad input → ServiceError naming the field) -------------------------------


def parse_money(value: Any, field: str) -> Decimal:
    """A non-negative amount of kronor (Decimal, int or decimal text; never a float)."""
    try:
        # The shared parser: "1 000 000", "1000000,50"; digits and exponent bounded.
        amount = numbers.parse_human_number(value, field)
    except numbers.NumberError as error:
        if error.code in (numbers.DIGITS, numbers.EXPONENT):
            raise ServiceError(_("The amount is too large."), field) from error
        if error.code == numbers.NOT_FINITE:
            raise ServiceError(_("The amount must be 0 or more."), field) from error
        raise ServiceError(_("Enter an amount in kronor."), field) from error
    if amount < 0:
        raise ServiceError(_("The amount must be 0 or more."), field)
    if amount >= MAX_BUDGET:
        raise ServiceError(_("The amount is too large."), field)
    return amount


def parse_budget(value: Any, field: str = "budget") -> Decimal:
    """A budget: a non-negative amount in whole kronor (öre are refused, not rounded, so
    what is saved is what was typed)."""
    amount = parse_money(value, field)
    if amount != amount.to_integral_value():
        raise ServiceError(_("Enter the budget in whole kronor, without öre."), field)
    return amount


def _score(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ServiceError(_("Choose a value from 1 to 5."), field)
    try:
        number = int(value)
    except ValueError as error:
        raise ServiceError(_("Choose a value from 1 to 5."), field) from error
    if not 1 <= number <= 5:
        raise ServiceError(_("Choose a value from 1 to 5."), field)
    return number


def _weeks(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ServiceError(_("Enter a whole number of weeks."), field) from error
    if isinstance(value, bool) or not 1 <= number <= 520:
        raise ServiceError(_("Enter a whole number of weeks from 1 to 520."), field)
    return number


def parse_weights(weights: Mapping[str, Any] | None) -> dict[str, str]:
    """Criterion → weight as a decimal string; every criterion known, each ≥ 0, and not all
    zero. An empty mapping keeps the defaults."""
    if not weights:
        return {}
    parsed: dict[str, str] = {}
    for name, value in weights.items():
        field = f"weights.{name}"
        if name not in scoring.DEFAULT_WEIGHTS:
            raise ServiceError(_("Unknown criterion."), field)
        try:
            weight = numbers.parse_human_number(value, field)
        except numbers.NumberError as error:
            if error.code in (numbers.TYPE, numbers.INVALID):
                raise ServiceError(_("Enter the weight as a decimal number."), field) from error
            raise ServiceError(_("A weight is a number from 0 to 1000."), field) from error
        if weight < 0 or weight > 1000:
            raise ServiceError(_("A weight is a number from 0 to 1000."), field)
        parsed[name] = str(weight)
    if all(Decimal(v) == 0 for v in parsed.values()) and len(parsed) == len(
        scoring.DEFAULT_WEIGHTS
    ):
        raise ServiceError(_("At least one weight must be above 0."), "weights")
    return parsed


# --- Settings ---------------------------------------------------------------------------------


@transaction.atomic
def do_update_portfolio_settings(
    *,
    actor: User,
    organisation: Organisation,
    year: int | None = None,
    budget: Any = None,
    scenario: str | None = None,
    method: str | None = None,
    weights: Mapping[str, Any] | None = None,
    fulfilment_threshold: Any = None,
) -> PortfolioSettings:
    """Change what is given (None leaves a field as it is)."""
    _require_manager(actor, organisation)
    settings, _created = PortfolioSettings.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    before = audit.snapshot(settings, SETTINGS_FIELDS)
    if year is not None:
        try:
            year = int(year)
        except (TypeError, ValueError) as error:
            raise ServiceError(_("Enter a year."), "year") from error
        if not 2000 <= year <= 2100:
            raise ServiceError(_("Enter a year from 2000 to 2100."), "year")
        settings.year = year
    if budget is not None:
        settings.budget = parse_budget(budget, "budget")
    if scenario is not None:
        if scenario not in BenefitScenario.values:
            raise ServiceError(_("Choose low, medium or high."), "scenario")
        settings.scenario = scenario
    if method is not None:
        if method not in RankingMethod.values:
            raise ServiceError(_("Choose a ranking method."), "method")
        settings.method = method
    if weights is not None:
        settings.weights = parse_weights(weights)
    if fulfilment_threshold is not None:
        try:
            threshold = Decimal(str(fulfilment_threshold).replace(",", "."))
        except (InvalidOperation, ValueError) as error:
            raise ServiceError(_("Enter a share from 0 to 1."), "fulfilment_threshold") from error
        if isinstance(fulfilment_threshold, bool | float) or not 0 <= threshold <= 1:
            raise ServiceError(_("Enter a share from 0 to 1."), "fulfilment_threshold")
        settings.fulfilment_threshold = threshold
    settings.updated_by = actor
    settings.save()
    settings.refresh_from_db()
    after = audit.snapshot(settings, SETTINGS_FIELDS)
    if before != after:
        audit.record(
            actor=actor,
            organisation=organisation,
            action="portfolio.settings_updated",
            obj=settings,
            before=before,
            after=after,
            object_repr=f"{organisation.code} portfolio {settings.year}",
        )
    return settings


# --- Priority inputs ----------------------------------------------------------------------------


_UNSET: Any = object()


@transaction.atomic
def do_set_priority(
    *,
    actor: User,
    initiative: Initiative,
    strategic_fit: Any = _UNSET,
    time_criticality: Any = _UNSET,
    duration_weeks: Any = _UNSET,
    benefit_owner: User | None = _UNSET,
    dpia_recorded: bool = _UNSET,
    dpia_reference: str = _UNSET,
) -> InitiativePriority:
    """Set the given priority inputs (others stay). The benefit owner must be a member who
    sees the initiative's department."""
    if not can_set_priority(actor, initiative):
        raise PermissionDenied(
            _("Only business owners, economists and admins set an initiative's priority.")
        )
    priority, _created = InitiativePriority.objects.select_for_update().get_or_create(
        initiative=initiative
    )
    before = audit.snapshot(priority, PRIORITY_FIELDS)
    if strategic_fit is not _UNSET:
        priority.strategic_fit = _score(strategic_fit, "strategic_fit")
    if time_criticality is not _UNSET:
        priority.time_criticality = _score(time_criticality, "time_criticality")
    if duration_weeks is not _UNSET:
        priority.duration_weeks = _weeks(duration_weeks, "duration_weeks")
    if benefit_owner is not _UNSET:
        if benefit_owner is not None and not access.can_view_department(
            benefit_owner, initiative.department
        ):
            raise ServiceError(
                _("The benefit owner must be a member who sees this department."), "benefit_owner"
            )
        priority.benefit_owner = benefit_owner
    if dpia_reference is not _UNSET:
        reference = (dpia_reference or "").strip()
        if len(reference) > 200:
            raise ServiceError(_("At most 200 characters."), "dpia_reference")
        priority.dpia_reference = reference
    if dpia_recorded is not _UNSET:
        priority.dpia_recorded = bool(dpia_recorded)
    priority.save()
    after = audit.snapshot(priority, PRIORITY_FIELDS)
    if before != after:
        audit.record(
            actor=actor,
            organisation=initiative.organisation,
            action="portfolio.priority_set",
            obj=initiative,
            before=before,
            after=after,
        )
    return priority


@transaction.atomic
def do_force_initiative(
    *, actor: User, initiative: Initiative, forced: str | None, reason: str = ""
) -> InitiativePriority:
    """Force an initiative into or out of every selection (``"in"``/``"out"``), with a
    required reason, or release it (None)."""
    _require_manager(actor, initiative.organisation)
    forced = forced or ""
    if forced not in Forced.values:
        raise ServiceError(_("Choose forced in, forced out or not forced."), "forced")
    reason = (reason or "").strip()
    if forced and not reason:
        raise ServiceError(_("Give the reason for the forced choice."), "forced_reason")
    priority, _created = InitiativePriority.objects.select_for_update().get_or_create(
        initiative=initiative
    )
    before = audit.snapshot(priority, FORCED_FIELDS)
    if priority.forced == forced and priority.forced_reason == (reason if forced else ""):
        return priority
    priority.forced = forced
    priority.forced_reason = reason if forced else ""
    priority.forced_by = actor if forced else None
    priority.forced_at = timezone.now() if forced else None
    priority.save()
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="portfolio.forced" if forced else "portfolio.force_released",
        obj=initiative,
        before=before,
        after=audit.snapshot(priority, FORCED_FIELDS),
    )
    return priority


# --- Scenarios ----------------------------------------------------------------------------------


@transaction.atomic
def do_save_scenario(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    budget: Any = None,
    benefit_scenario: str | None = None,
    note: str = "",
) -> PortfolioScenario:
    """Freeze today's optimal selection of the whole organisation (with the forced choices
    it respected) under a name unique in the organisation."""
    _require_manager(actor, organisation)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the scenario a name."), "name")
    if len(name) > 120:
        raise ServiceError(_("At most 120 characters."), "name")
    if PortfolioScenario.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ServiceError(_("A scenario with this name exists already."), "name")
    if benefit_scenario is not None and benefit_scenario not in BenefitScenario.values:
        raise ServiceError(_("Choose low, medium or high."), "benefit_scenario")
    amount = parse_budget(budget, "budget") if budget not in (None, "") else None
    settings = selectors.portfolio_settings(organisation)
    scenario_name = benefit_scenario or settings.scenario
    result = results.ranking_result(
        organisation,
        settings,
        scenario=scenario_name,
        budget=settings.budget if amount is None else amount,
    )
    if result.optimal is None:
        # Saving freezes the optimal selection, so it waits for the solver (time-limited)
        # when the background task has not stored it yet.
        results.solve(result.pk)
        result.refresh_from_db()
    optimal = result.optimal or {}
    if optimal.get("error"):
        raise ServiceError(
            _("The forced-in initiatives alone cost more than the budget."), "budget"
        )
    forced = {
        code: {"forced": choice, "reason": reason}
        for code, choice, reason in result.rows.exclude(forced="")
        .order_by("initiative__code")
        .values_list("initiative__code", "forced", "initiative__priority__forced_reason")
    }
    chosen = sorted(result.rows.filter(optimal=True).values_list("initiative__code", flat=True))
    scenario = PortfolioScenario.objects.create(
        organisation=organisation,
        name=name,
        year=settings.year,
        budget=result.budget,
        benefit_scenario=result.scenario,
        method=result.method,
        selected_codes=chosen,
        forced_choices=forced,
        total_investment_cost=Decimal(optimal["total_cost"]),
        total_npv=Decimal(optimal["total_npv"]).quantize(Decimal("0.01")),
        note=(note or "").strip(),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="portfolio.scenario_saved",
        obj=scenario,
        after={
            "name": scenario.name,
            "year": scenario.year,
            "budget": str(scenario.budget),
            "benefit_scenario": scenario.benefit_scenario,
            "selected": scenario.selected_codes,
            "forced": forced,
        },
    )
    return scenario


@transaction.atomic
def do_commit_scenario(
    *, actor: User, scenario: PortfolioScenario, replace: bool = False
) -> PortfolioScenario:
    """Commit the scenario as the decision of its year. An earlier commitment of the same
    year is replaced only when ``replace`` says so explicitly."""
    _require_manager(actor, scenario.organisation)
    scenario = PortfolioScenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.committed_at is not None:
        return scenario
    earlier = (
        PortfolioScenario.objects.select_for_update()
        .filter(organisation=scenario.organisation, year=scenario.year, committed_at__isnull=False)
        .first()
    )
    if earlier is not None:
        if not replace:
            raise ServiceError(
                _("%(name)s is already the decision for %(year)s. Replace it explicitly.")
                % {"name": earlier.name, "year": scenario.year},
                "replace",
            )
        earlier.committed_at = None
        earlier.committed_by = None
        earlier.save(update_fields=["committed_at", "committed_by"])
        audit.record(
            actor=actor,
            organisation=scenario.organisation,
            action="portfolio.scenario_uncommitted",
            obj=earlier,
            before={"committed": True},
            after={"committed": False, "replaced_by": scenario.name},
        )
    scenario.committed_at = timezone.now()
    scenario.committed_by = actor
    scenario.save(update_fields=["committed_at", "committed_by"])
    audit.record(
        actor=actor,
        organisation=scenario.organisation,
        action="portfolio.scenario_committed",
        obj=scenario,
        after={
            "name": scenario.name,
            "year": scenario.year,
            "selected": scenario.selected_codes,
            "total_npv": str(scenario.total_npv),
            "total_investment_cost": str(scenario.total_investment_cost),
            "replaced": earlier.name if earlier is not None else None,
        },
    )
    return scenario


@transaction.atomic
def do_delete_scenario(*, actor: User, scenario: PortfolioScenario) -> None:
    """Delete a saved scenario; a committed one (the decision) cannot be deleted."""
    _require_manager(actor, scenario.organisation)
    # Re-read under a lock: a commit racing this delete must not lose the decision.
    scenario = PortfolioScenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.committed_at is not None:
        raise ServiceError(_("The committed scenario is the decision and cannot be deleted."), None)
    snapshot = {
        "name": scenario.name,
        "year": scenario.year,
        "selected": scenario.selected_codes,
    }
    audit.record(
        actor=actor,
        organisation=scenario.organisation,
        action="portfolio.scenario_deleted",
        obj=scenario,
        before=snapshot,
    )
    scenario.delete()


# --- The roadmap: prerequisites and the plan years' frames --------------------------------------

MAX_PLAN_YEARS = 10


def prerequisite_cycle(
    organisation: Organisation, initiative: Initiative, requires: list[Initiative]
) -> list[str] | None:
    """The cycle (as initiative codes, back to its start) that giving ``initiative`` these
    prerequisites would close, or None."""
    graph: dict[str, list[str]] = {}
    for code, required in Prerequisite.objects.filter(
        initiative__organisation=organisation
    ).values_list("initiative__code", "requires__code"):
        graph.setdefault(code, []).append(required)
    graph[initiative.code] = [r.code for r in requires]
    for codes in list(graph.values()):
        for code in codes:
            graph.setdefault(code, [])
    cycle = roadmap.find_cycle(graph)
    if cycle is None or initiative.code not in cycle:
        return cycle
    # Told from the initiative being edited: "PLAT → DASH → PLAT" when editing PLAT.
    at = cycle.index(initiative.code)
    return [*cycle[at:-1], *cycle[:at], initiative.code]


@transaction.atomic
def do_set_prerequisites(
    *, actor: User, initiative: Initiative, requires: list[Initiative]
) -> list[Initiative]:
    """Replace what ``initiative`` requires. Refused, naming the cycle, when it would close
    one; prerequisites must be other initiatives of the same organisation."""
    if not can_set_priority(actor, initiative):
        raise PermissionDenied(
            _("Only business owners, economists and admins set an initiative's prerequisites.")
        )
    organisation = initiative.organisation
    # Serialise changes of one organisation's graph: two concurrent edits could each pass
    # the cycle check and together close a cycle.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    unique = {r.pk: r for r in requires}
    for required in unique.values():
        if required.pk == initiative.pk:
            raise ServiceError(_("An initiative cannot require itself."), "requires")
        if required.organisation_id != organisation.pk:
            raise ServiceError(_("Choose initiatives of this organisation."), "requires")
    chosen = sorted(unique.values(), key=lambda r: r.code)
    if cycle := prerequisite_cycle(organisation, initiative, chosen):
        raise ServiceError(
            _("That would make a cycle: %(cycle)s.") % {"cycle": " → ".join(cycle)}, "requires"
        )
    before = sorted(
        Prerequisite.objects.filter(initiative=initiative).values_list("requires__code", flat=True)
    )
    after = [r.code for r in chosen]
    if before == after:
        return chosen
    Prerequisite.objects.filter(initiative=initiative).delete()
    Prerequisite.objects.bulk_create(
        [Prerequisite(initiative=initiative, requires=r) for r in chosen]
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="portfolio.prerequisites_set",
        obj=initiative,
        before={"requires": before},
        after={"requires": after},
    )
    return chosen


def parse_plan_budgets(budgets: Mapping[Any, Any], field: str = "budgets") -> dict[int, Decimal]:
    """Consecutive calendar years (as numbers or strings) → non-negative frames in kronor."""
    if not budgets:
        raise ServiceError(_("Give at least one plan year."), field)
    if len(budgets) > MAX_PLAN_YEARS:
        raise ServiceError(_("At most %(count)s plan years.") % {"count": MAX_PLAN_YEARS}, field)
    parsed: dict[int, Decimal] = {}
    for key, value in budgets.items():
        try:
            year = int(str(key).strip())
        except ValueError as error:
            raise ServiceError(_("Enter a year."), field) from error
        if not 2000 <= year <= 2100:
            raise ServiceError(_("Enter a year from 2000 to 2100."), f"{field}.{year}")
        parsed[year] = parse_budget(value, f"{field}.{year}")
    years = sorted(parsed)
    if years != list(range(years[0], years[0] + len(years))):
        raise ServiceError(_("The plan years must follow each other."), field)
    return {year: parsed[year] for year in years}


@transaction.atomic
def do_set_plan_budgets(
    *, actor: User, organisation: Organisation, budgets: Mapping[Any, Any]
) -> dict[int, Decimal]:
    """Set the investment frame of each plan year: the first year and its frame become the
    portfolio's year and budget, the following years its plan years."""
    _require_manager(actor, organisation)
    frames = parse_plan_budgets(budgets)
    settings, _created = PortfolioSettings.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    before = {str(y): str(b) for y, b in selectors.plan_budgets(settings).items()}
    first, *later = frames
    settings.year, settings.budget = first, frames[first]
    settings.updated_by = actor
    settings.save()
    PlanYearBudget.objects.filter(organisation=organisation).delete()
    PlanYearBudget.objects.bulk_create(
        [PlanYearBudget(organisation=organisation, year=y, budget=frames[y]) for y in later]
    )
    after = {str(y): str(b) for y, b in frames.items()}
    if before != after:
        audit.record(
            actor=actor,
            organisation=organisation,
            action="portfolio.plan_budgets_set",
            obj=settings,
            before={"budgets": before},
            after={"budgets": after},
            object_repr=f"{organisation.code} plan {first}–{first + len(frames) - 1}",
        )
    return frames


# --- Roadmap scenarios ---------------------------------------------------------------------------

ROADMAP_NAME_LENGTH = 120
ROADMAP_DESCRIPTION_LENGTH = 2000


def do_save_roadmap_scenario(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    description: str = "",
    frames: Mapping[int, Any] | None = None,
    pinned_starts: Mapping[str, int] | None = None,
) -> RoadmapScenario:
    """Freeze the optimal roadmap of the what-if (frames per plan year, pinned start years;
    the stored frames when none are given) under a name unique in the organisation.

    The plan is the one the roadmap page shows for these inputs (the stored
    ``RoadmapResult``). While the optimal plan is still being solved in the background the
    save is refused: a roadmap scenario is always an optimal plan, never the ranking's. The
    stored roadmap is looked up (or computed and stored, its solver enqueued) outside the
    transaction of the save, so that a refusal keeps it for the page."""
    _require_manager(actor, organisation)
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        raise ServiceError(_("Give the scenario a name."), "name")
    if len(name) > ROADMAP_NAME_LENGTH:
        raise ServiceError(_("At most 120 characters."), "name")
    if len(description) > ROADMAP_DESCRIPTION_LENGTH:
        raise ServiceError(_("At most 2000 characters."), "description")
    if RoadmapScenario.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ServiceError(_("A scenario with this name exists already."), "name")
    stored = selectors.plan_budgets(selectors.portfolio_settings(organisation))
    amounts: dict[int, Decimal] = dict(stored)
    for year, value in (frames or {}).items():
        if not str(year).isdigit() or int(year) not in stored:
            raise ServiceError(_("%(year)s is not a plan year.") % {"year": year}, "frames")
        amounts[int(year)] = parse_budget(value, f"frame_{year}")
    pins = {str(code): int(year) for code, year in (pinned_starts or {}).items()}
    if any(year not in stored for year in pins.values()):
        raise ServiceError(_("A pinned start year must be a plan year."), "pinned_starts")
    try:
        result = roadmap_results.roadmap_result(organisation, frames=amounts, fixed_starts=pins)
    except ValueError as error:
        raise ServiceError(
            _("A pinned initiative has no figures for the roadmap yet."), "pinned_starts"
        ) from error
    if result.optimal is None:
        raise ServiceError(
            _(
                "The optimal roadmap for these inputs is still being computed. Save it when "
                "the roadmap page shows it."
            ),
            None,
        )
    plan = result.optimal
    if not plan.get("feasible"):
        raise ServiceError(
            _(
                "No plan can take every initiative that must be planned with these inputs; "
                "resolve the conflicts the roadmap page names first."
            ),
            "pinned_starts" if pins else "frames",
        )
    inputs = result.inputs
    try:
        with transaction.atomic():
            scenario = RoadmapScenario.objects.create(
                organisation=organisation,
                name=name,
                description=description,
                benefit_scenario=inputs["scenario"],
                frames={str(y): f"{amounts[y].normalize():f}" for y in sorted(amounts)},
                pinned_starts=dict(sorted(pins.items())),
                first_year=inputs["first_year"],
                plan=plan,
                value=Decimal(plan["value"]).quantize(Decimal("0.01")),
                ranking_value=Decimal(result.ranking["value"]).quantize(Decimal("0.01")),
                proven_optimal=bool(result.proven_optimal),
                gap=result.gap,
                created_by=actor,
            )
            audit.record(
                actor=actor,
                organisation=organisation,
                action="portfolio.roadmap_scenario_saved",
                obj=scenario,
                after={
                    "name": scenario.name,
                    "first_year": scenario.first_year,
                    "frames": scenario.frames,
                    "pinned_starts": scenario.pinned_starts,
                    "starts": {e["initiative"]: e["start_year"] for e in plan.get("plan", [])},
                    "value": str(scenario.value),
                },
            )
    except IntegrityError as error:  # the same name saved at the same moment
        raise ServiceError(_("A scenario with this name exists already."), "name") from error
    return scenario


@transaction.atomic
def do_commit_roadmap_scenario(*, actor: User, scenario: RoadmapScenario) -> RoadmapScenario:
    """Commit the roadmap as the decision for its first plan year; an earlier decision for the
    same first year is replaced (both changes audited)."""
    _require_manager(actor, scenario.organisation)
    scenario = RoadmapScenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.committed_at is not None:
        return scenario
    earlier = (
        RoadmapScenario.objects.select_for_update()
        .filter(
            organisation=scenario.organisation,
            first_year=scenario.first_year,
            committed_at__isnull=False,
        )
        .first()
    )
    if earlier is not None:
        earlier.committed_at = None
        earlier.committed_by = None
        earlier.save(update_fields=["committed_at", "committed_by"])
        audit.record(
            actor=actor,
            organisation=scenario.organisation,
            action="portfolio.roadmap_scenario_uncommitted",
            obj=earlier,
            before={"committed": True},
            after={"committed": False, "replaced_by": scenario.name},
        )
    scenario.committed_at = timezone.now()
    scenario.committed_by = actor
    scenario.save(update_fields=["committed_at", "committed_by"])
    audit.record(
        actor=actor,
        organisation=scenario.organisation,
        action="portfolio.roadmap_scenario_committed",
        obj=scenario,
        after={
            "name": scenario.name,
            "first_year": scenario.first_year,
            "value": str(scenario.value),
            "replaced": earlier.name if earlier is not None else None,
        },
    )
    return scenario


@transaction.atomic
def do_delete_roadmap_scenario(*, actor: User, scenario: RoadmapScenario) -> None:
    """Delete a saved roadmap; the committed one (the decision) cannot be deleted."""
    _require_manager(actor, scenario.organisation)
    scenario = RoadmapScenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.committed_at is not None:
        raise ServiceError(_("The committed roadmap is the decision and cannot be deleted."), None)
    audit.record(
        actor=actor,
        organisation=scenario.organisation,
        action="portfolio.roadmap_scenario_deleted",
        obj=scenario,
        before={
            "name": scenario.name,
            "first_year": scenario.first_year,
            "value": str(scenario.value),
        },
    )
    scenario.delete()
