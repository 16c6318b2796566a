"""Reads of saved roadmaps (``RoadmapScenario``): the list, one roadmap's frozen plan and two
side by side, as one reader may see them.

Every member of the organisation sees its roadmaps; a department-scoped reader sees only the
rows of their departments' initiatives, and the organisation-wide totals (value, spend per
year) only when they see every department, as on the roadmap page. Another organisation's
roadmap does not exist for them (404)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from assessments.models import Initiative
from klassa_app import access
from klassa_app.models import Organisation, User
from portfolio import roadmap_report, selectors
from portfolio.models import RoadmapScenario


def roadmap_scenarios(user: User, organisation: Organisation | None) -> QuerySet[RoadmapScenario]:
    if organisation is None or not access.is_member(user, organisation):
        return RoadmapScenario.objects.none()
    return RoadmapScenario.objects.filter(organisation=organisation).select_related(
        "organisation", "created_by", "committed_by"
    )


def get_visible_roadmap_scenario(
    user: User, organisation: Organisation | None, pk: int
) -> RoadmapScenario:
    try:
        return roadmap_scenarios(user, organisation).get(pk=pk)
    except RoadmapScenario.DoesNotExist as exc:
        raise Http404("No such roadmap scenario.") from exc


def committed_roadmap(organisation: Organisation, first_year: int) -> RoadmapScenario | None:
    return RoadmapScenario.objects.filter(
        organisation=organisation, first_year=first_year, committed_at__isnull=False
    ).first()


def _names(organisation: Organisation, codes: set[str] | None) -> dict[str, tuple[int, str]]:
    """Code → (pk, name) of the organisation's initiatives the reader sees (one query)."""
    initiatives = Initiative.objects.filter(organisation=organisation)
    if codes is not None:
        initiatives = initiatives.filter(code__in=codes)
    return {code: (pk, name) for pk, code, name in initiatives.values_list("pk", "code", "name")}


def _visible(codes: set[str] | None, code: str) -> bool:
    return codes is None or code in codes


# --- The list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoadmapListRow:
    scenario: RoadmapScenario
    planned: int  # initiatives planned that the reader sees
    sees_all: bool


def roadmap_list(user: User, organisation: Organisation | None) -> list[RoadmapListRow]:
    """The organisation's roadmaps, newest first year first (two queries, three for a
    department-scoped reader)."""
    scenarios = list(roadmap_scenarios(user, organisation).order_by("-first_year", "name"))
    codes = selectors.visible_codes(user, organisation) if scenarios else None
    return [
        RoadmapListRow(
            scenario=s,
            planned=sum(1 for e in s.plan.get("plan", []) if _visible(codes, e["initiative"])),
            sees_all=codes is None,
        )
        for s in scenarios
    ]


# --- One roadmap ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedEntry:
    pk: int | None
    code: str
    name: str
    start: int
    value: Decimal
    costs: list[Decimal | None]  # per plan year, None for no cost


@dataclass(frozen=True)
class UnplannedEntry:
    pk: int | None
    code: str
    name: str
    reason: str


@dataclass(frozen=True)
class RoadmapScenarioView:
    scenario: RoadmapScenario
    years: list[int]
    rows: list[PlannedEntry]
    unplanned: list[UnplannedEntry]
    # (year, frame, spend) per plan year; empty for a department-scoped reader.
    spend: list[tuple[int, Decimal, Decimal]]
    pinned: list[tuple[str, int]]
    hidden: int  # planned initiatives of other departments
    sees_all: bool

    @property
    def difference(self) -> Decimal:
        return self.scenario.value - self.scenario.ranking_value


def roadmap_scenario_view(user: User, scenario: RoadmapScenario) -> RoadmapScenarioView:
    """The frozen plan as ``user`` may read it (two queries)."""
    organisation = scenario.organisation
    codes = selectors.visible_codes(user, organisation)
    names = _names(organisation, codes)
    years = scenario.years
    rows = []
    entries = scenario.plan.get("plan", [])
    for entry in entries:
        code = entry["initiative"]
        if not _visible(codes, code):
            continue
        pk, name = names.get(code, (None, ""))
        costs = entry.get("costs", {})
        rows.append(
            PlannedEntry(
                pk=pk,
                code=code,
                name=name,
                start=entry["start_year"],
                value=Decimal(entry["value"]),
                costs=[Decimal(costs[str(y)]) if str(y) in costs else None for y in years],
            )
        )
    unplanned = [
        UnplannedEntry(
            pk=names.get(u["initiative"], (None, ""))[0],
            code=u["initiative"],
            name=names.get(u["initiative"], (None, ""))[1],
            reason=str(roadmap_report.REASON_LABELS.get(u["reason"], u["reason"])),
        )
        for u in scenario.plan.get("unplanned", [])
        if _visible(codes, u["initiative"])
    ]
    spend_by_year = scenario.plan.get("spend", {})
    spend = (
        [
            (y, Decimal(scenario.frames[str(y)]), Decimal(spend_by_year.get(str(y), "0")))
            for y in years
        ]
        if codes is None
        else []
    )
    return RoadmapScenarioView(
        scenario=scenario,
        years=years,
        rows=rows,
        unplanned=unplanned,
        spend=spend,
        pinned=[(c, y) for c, y in sorted(scenario.pinned_starts.items()) if _visible(codes, c)],
        hidden=len(entries) - len(rows),
        sees_all=codes is None,
    )


# --- Two side by side -------------------------------------------------------------------------


@dataclass(frozen=True)
class StartComparison:
    pk: int | None
    code: str
    name: str
    left: int | None  # start year in A, None: not planned
    right: int | None

    @property
    def differs(self) -> bool:
        return self.left != self.right


@dataclass(frozen=True)
class RoadmapComparison:
    left: RoadmapScenario
    right: RoadmapScenario
    starts: list[StartComparison]
    # (year, spend in A or None outside A's years, spend in B or None); empty when scoped.
    spend: list[tuple[int, Decimal | None, Decimal | None]]
    sees_all: bool

    @property
    def value_difference(self) -> Decimal:
        return self.right.value - self.left.value

    @property
    def differing(self) -> int:
        return sum(1 for s in self.starts if s.differs)


def _starts(scenario: RoadmapScenario) -> dict[str, int]:
    return {e["initiative"]: e["start_year"] for e in scenario.plan.get("plan", [])}


def _spend(scenario: RoadmapScenario) -> dict[int, Decimal]:
    return {int(y): Decimal(v) for y, v in scenario.plan.get("spend", {}).items()}


def compare_roadmaps(
    user: User, left: RoadmapScenario, right: RoadmapScenario
) -> RoadmapComparison:
    """Per initiative (planned in either) its start year in A and in B, per year the spend of
    each, and the values (two queries)."""
    organisation = left.organisation
    codes = selectors.visible_codes(user, organisation)
    a, b = _starts(left), _starts(right)
    shown = sorted(c for c in set(a) | set(b) if _visible(codes, c))
    names = _names(organisation, set(shown))
    starts = [
        StartComparison(
            pk=names.get(c, (None, ""))[0],
            code=c,
            name=names.get(c, (None, ""))[1],
            left=a.get(c),
            right=b.get(c),
        )
        for c in shown
    ]
    spend: list[tuple[int, Decimal | None, Decimal | None]] = []
    if codes is None:
        spend_a, spend_b = _spend(left), _spend(right)
        spend = [(y, spend_a.get(y), spend_b.get(y)) for y in sorted(set(spend_a) | set(spend_b))]
    return RoadmapComparison(left, right, starts, spend, sees_all=codes is None)
