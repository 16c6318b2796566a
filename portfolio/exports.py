"""The portfolio as people read it: the charts of the dashboard and the priority page (SVG
from ``portfolio.charts`` with their data tables), and the exports built in the background:
the whole portfolio as XLSX and the board report for the steering group as PDF.

- ``chart_context`` turns a computed ``selectors.Portfolio`` into the SVGs and table rows
  that the pages and the PDF share;
- ``portfolio_xlsx`` / ``board_report_pdf`` build the files from a computed portfolio;
- ``do_request_portfolio_export`` records a request and enqueues
  ``portfolio.tasks.build_portfolio_export``; ``get_visible_job`` is the read that decides
  who may follow and download a job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.reports import html_to_pdf, report_language
from klassa_app import access, audit
from klassa_app.models import Organisation, User
from klassa_app.queue import enqueue
from klassa_app.services import ServiceError
from klassa_app.templatetags.klassa_format import money
from klassa_app.xlsx import RowWriter
from portfolio import charts, roadmap_report, scoring, selection, selectors
from portfolio.models import BenefitScenario, PortfolioReportJob, PortfolioScenario

CRITERION_LABELS = {
    scoring.NPV_PER_KRONA: gettext_lazy("NPV per invested krona"),
    scoring.STRATEGIC_FIT: gettext_lazy("Strategic fit"),
    scoring.TIME_CRITICALITY: gettext_lazy("Time criticality"),
    scoring.CLASSIFICATION_RISK: gettext_lazy("Risk from the classification level"),
    scoring.ACTION_PLAN_FULFILMENT: gettext_lazy("Action plan fulfilment"),
}

BUDGET_STATUS_LABELS = {
    selection.STATUS_FORCED_IN: gettext_lazy("Forced in"),
    selection.STATUS_FORCED_OUT: gettext_lazy("Forced out"),
    selection.STATUS_NOT_READY: gettext_lazy("Not ready"),
    selection.STATUS_NO_VALUE: gettext_lazy("No positive NPV"),
    selection.STATUS_WITHIN_BUDGET: gettext_lazy("Within budget in rank order"),
    selection.STATUS_OVER_BUDGET: gettext_lazy("Does not fit in rank order"),
}

CLASSIFICATION_STATUS_LABELS = {
    "approved": gettext_lazy("Approved"),
    "provisional": gettext_lazy("Provisional"),
    "incomplete": gettext_lazy("Incomplete"),
}

ERROR_LABELS = {
    selection.FORCED_IN_EXCEEDS_BUDGET: gettext_lazy(
        "The forced-in initiatives alone cost more than the budget: there is no selection."
    ),
}


# Shown instead of the organisation-wide sums to a reader of some departments only.
SCOPE_NOTE = gettext_lazy(
    "You see the initiatives of your departments; totals of the whole organisation are shown "
    "to admins and security officers."
)


def error_text(code: str | None) -> str:
    return str(ERROR_LABELS.get(code or "", code or ""))


def _svg(text: str) -> SafeString:
    # portfolio.charts escapes every text it draws.
    return mark_safe(text)  # noqa: S308


def _yes_no() -> dict[str, str]:
    return {"yes": _("yes"), "no": _("no")}


# --- Charts with their data tables -------------------------------------------------------------


def chart_context(portfolio: selectors.Portfolio) -> dict[str, Any]:
    """The SVGs of a computed portfolio and the rows of their data tables."""
    yes_no = _yes_no()
    # The first stage is every initiative shown, so each share is of the whole portfolio.
    shown = len(portfolio.rows) if portfolio.total_count is None else portfolio.total_count
    stages = [(_("All initiatives"), shown)] + [
        (stage.label, stage.count) for stage in portfolio.funnel
    ]
    departments = [row.department.name for row in portfolio.heat_map]
    cells = {
        (row.department.name, aspect): cell.maximum
        for row in portfolio.heat_map
        for aspect, cell in row.cells.items()
    }
    top_level = max(
        (top for r in portfolio.rows for top in r.classification.tops.values()), default=4
    )
    if portfolio.bubbles is not None:  # a page of a large portfolio: the largest by NPV
        bubbles = [
            charts.Bubble(
                label=f"{b.code} {b.name}",
                cost=b.investment_cost,
                value=b.npv,
                size=b.total_benefit,
                selected=b.selected,
                ready=b.ready,
            )
            for b in portfolio.bubbles
        ]
    else:
        bubbles = [
            charts.Bubble(
                label=f"{row.code} {row.name}",
                cost=row.investment_cost,
                value=row.npv,
                size=row.benefit.total_benefit,
                selected=row.selected,
                ready=row.ready,
            )
            for row in portfolio.rows
            if row.benefit is not None
        ]
    frontier = [(point.budget, point.total_npv) for point in portfolio.frontier]
    # Which selection "selected" means on the dashboard: the optimal one or a saved one.
    chosen_name = _("In the saved scenario") if portfolio.saved_scenario else _("Optimal selection")
    chosen_npv = None if portfolio.optimal.error else portfolio.optimal.total_npv
    budget_rows = [
        (row.code, row.cost, row.cumulative_cost, row.selected) for row in portfolio.budget_line
    ]
    return {
        "funnel_svg": _svg(
            charts.funnel_chart(
                stages,
                title=_("Readiness funnel"),
                description=_(
                    "Of all initiatives, those that are classified, approved, have a benefit "
                    "model, are ready and are selected; shares are of all initiatives."
                ),
                empty_text=_("No initiatives"),
            )
        ),
        "funnel_table": charts.funnel_table_rows(stages),
        "heat_map_svg": _svg(
            charts.heat_map(
                departments,
                portfolio.aspects,
                cells,
                top_level,
                title=_("Final classification levels per department and aspect"),
                description=_("The highest final level of the department's initiatives."),
                legend_label=_("Level"),
                empty_text=_("No initiatives"),
            )
        ),
        "heat_map_table": charts.heat_map_table_rows(departments, portfolio.aspects, cells),
        "bubble_svg": _svg(
            charts.bubble_chart(
                bubbles,
                title=_("Value versus cost"),
                description=_(
                    "Net present value against investment cost; the bubble's area is the "
                    "total benefit."
                ),
                x_label=_("Investment cost"),
                y_label=_("Net present value"),
                selected_label=chosen_name,
                not_selected_label=_("Not selected"),
                not_ready_label=_("Not ready (dashed)"),
                empty_text=_("No benefit models"),
                money=money,
            )
        ),
        "bubble_table": charts.bubble_table_rows(bubbles, money=money, **yes_no),
        "chosen_name": chosen_name,
        "frontier_svg": _svg(
            charts.frontier_chart(
                frontier,
                portfolio.budget,
                chosen_npv,
                title=_("Efficient frontier"),
                description=_("The best total NPV that each budget can buy."),
                x_label=_("Budget"),
                y_label=_("Best total NPV"),
                budget_label=_("Budget"),
                chosen_label=_("Chosen"),
                empty_text=_("No data"),
                money=money,
            )
        ),
        "frontier_table": charts.frontier_table_rows(frontier, money=money),
        "budget_line_svg": _svg(
            charts.budget_line_chart(
                budget_rows,
                portfolio.budget,
                title=_("Budget line"),
                description=_(
                    "Cumulative investment cost in rank order against the budget; the cut-off "
                    "is drawn before the first initiative that no longer fits. Cheaper "
                    "initiatives further down may still fit."
                ),
                x_label=_("Rank"),
                y_label=_("Cumulative investment cost"),
                budget_label=_("Budget"),
                cutoff_label=_("First that no longer fits"),
                selected_label=_("Within budget in rank order"),
                not_selected_label=_("Not within budget in rank order"),
                empty_text=_("No initiatives"),
                money=money,
                cutoff=portfolio.budget_line.cutoff,
            )
        ),
    }


@dataclass(frozen=True)
class BudgetLineEntry:
    """A row of the budget line with its initiative's row (for names and links)."""

    line: selection.BudgetLineRow
    row: selectors.PortfolioRow | None
    below_cutoff: bool

    @property
    def status_label(self) -> str:
        return str(BUDGET_STATUS_LABELS.get(self.line.status, self.line.status))


def budget_line_entries(portfolio: selectors.Portfolio) -> list[BudgetLineEntry]:
    by_code = {row.code: row for row in portfolio.ranked}
    cutoff = portfolio.budget_line.cutoff
    return [
        BudgetLineEntry(line, by_code.get(line.code), cutoff is not None and index >= cutoff)
        for index, line in enumerate(portfolio.budget_line)
    ]


def weight_shares(portfolio: selectors.Portfolio) -> list[tuple[str, str, Decimal]]:
    """(criterion, label, share of the total weight) in the model's order."""
    shares = selectors.scoring_model(portfolio.settings).shares()
    return [(key, str(CRITERION_LABELS[key]), shares[key]) for key in scoring.CRITERIA]


# --- Excel ------------------------------------------------------------------------------------

HEADER_ROW = 4  # rows 1–2 title and subtitle, row 3 empty
MONEY_FORMAT = '#,##0 "kr"'
SHARE_FORMAT = "0.0%"
SCORE_FORMAT = "0.000"
ORE = Decimal("0.01")


def _sheet(
    ws,
    title: str,
    subtitle: str,
    headers: list[str],
    rows: list[tuple[list[Any], bool]],
    widths: list[int],
    formats: dict[int, str],
) -> None:
    """A titled table; each row is (values, bold); ``formats`` maps 1-based columns to a
    number format."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    writer = RowWriter(ws)
    writer.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    writer.append([subtitle])
    writer.skip()
    header_alignment = Alignment(vertical="top", wrap_text=True)
    for cell in writer.append(headers, bold=True):
        cell.alignment = header_alignment
    for values, bold in rows:
        for index, cell in enumerate(writer.append(values, bold=bold), start=1):
            if index in formats and not isinstance(cell.value, str):
                cell.number_format = formats[index]
                if formats[index] == MONEY_FORMAT and isinstance(cell.value, Decimal):
                    # Whole öre in the file (sums of shares may carry more decimals).
                    cell.value = cell.value.quantize(ORE)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _subtitle(portfolio: selectors.Portfolio, generated_at: datetime) -> str:
    scenario = str(BenefitScenario(portfolio.scenario).label)
    parts = [
        portfolio.organisation.name,
        _("Year %(year)s") % {"year": portfolio.settings.year},
        _("Benefit scenario: %(scenario)s") % {"scenario": scenario},
        _("Budget: %(budget)s") % {"budget": money(portfolio.budget)},
    ]
    if portfolio.saved_scenario is not None:
        parts.append(_("Saved scenario: %(name)s") % {"name": portfolio.saved_scenario.name})
    parts.append(timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"))
    return " · ".join(parts)


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def portfolio_xlsx(portfolio: selectors.Portfolio, generated_at: datetime | None = None) -> bytes:
    """Sheets: the portfolio table (areas with their initiatives and computed totals), the
    ranking, the selection (optimal and greedy, budget line) and the readiness list."""
    from openpyxl import Workbook

    generated_at = generated_at or timezone.now()
    subtitle = _subtitle(portfolio, generated_at)
    workbook = Workbook()
    workbook.properties.creator = "Klassa"
    workbook.properties.title = _("Portfolio")

    # 1. The deck's table.
    ws = workbook.active
    ws.title = _("Portfolio")[:31]
    rows: list[tuple[list[Any], bool]] = []
    for area in portfolio.areas:
        rows.append(
            (
                [
                    area.area or _("No area"),
                    "",
                    "",
                    area.internal_benefit,
                    area.external_benefit,
                    area.total_benefit,
                    area.npv,
                    area.investment_cost,
                    "",
                ],
                True,
            )
        )
        for row in area.rows:
            benefit = row.benefit
            rows.append(
                (
                    [
                        "",
                        row.code,
                        row.name,
                        benefit.internal_benefit if benefit else None,
                        benefit.external_benefit if benefit else None,
                        benefit.total_benefit if benefit else None,
                        benefit.npv if benefit else None,
                        benefit.investment_cost if benefit else None,
                        _yes(row.ready),
                    ],
                    False,
                )
            )
    totals = portfolio.totals
    rows.append(
        (
            [
                _("Total"),
                "",
                "",
                totals.internal_benefit,
                totals.external_benefit,
                totals.total_benefit,
                totals.npv,
                totals.investment_cost,
                "",
            ],
            True,
        )
    )
    _sheet(
        ws,
        _("Portfolio"),
        subtitle,
        [
            _("Area"),
            _("Code"),
            _("Initiative"),
            _("Internal benefit"),
            _("External benefit"),
            _("Total benefit"),
            _("NPV"),
            _("Investment cost"),
            _("Ready"),
        ],
        rows,
        [22, 12, 36, 18, 18, 18, 18, 18, 8],
        {4: MONEY_FORMAT, 5: MONEY_FORMAT, 6: MONEY_FORMAT, 7: MONEY_FORMAT, 8: MONEY_FORMAT},
    )

    # 2. The ranking with each criterion's contribution.
    ws = workbook.create_sheet(_("Ranking")[:31])
    criteria = list(scoring.CRITERIA)
    headers = [_("Rank"), _("Code"), _("Initiative"), _("Score")]
    if portfolio.settings.method == "score":
        headers += [str(CRITERION_LABELS[key]) for key in criteria]
    else:
        headers += [_("Cost of delay"), _("Job size")]
    rank_rows = []
    for row in portfolio.ranked:
        values: list[Any] = [row.rank, row.code, row.name, row.score]
        if portfolio.settings.method == "score":
            values += [row.contributions.get(key) for key in criteria]
        else:
            values += [
                row.wsjf.cost_of_delay if row.wsjf else None,
                row.wsjf.job_size if row.wsjf else None,
            ]
        rank_rows.append((values, False))
    _sheet(
        ws,
        _("Ranking"),
        subtitle,
        headers,
        rank_rows,
        [8, 12, 36, 10] + [16] * (len(headers) - 4),
        {index: SCORE_FORMAT for index in range(4, len(headers) + 1)},
    )

    # 3. The selection: the budget line with the optimal and the greedy choice.
    ws = workbook.create_sheet(_("Selection")[:31])
    optimal, greedy = set(portfolio.optimal.codes), set(portfolio.greedy.codes)
    names = {row.code: row.name for row in portfolio.ranked}
    line_rows = [
        (
            [
                line.rank,
                line.code,
                names.get(line.code, ""),
                line.cost,
                # The running total sums other departments' costs: whole organisation only.
                line.cumulative_cost if portfolio.sees_all and line.selected else None,
                str(BUDGET_STATUS_LABELS.get(line.status, line.status)),
                _yes(line.code in greedy),
                _yes(line.code in optimal),
            ],
            False,
        )
        for line in portfolio.budget_line
    ]
    if portfolio.optimal.error:
        line_rows.append(([error_text(portfolio.optimal.error)], True))
    elif not portfolio.sees_all:
        line_rows.append(([str(SCOPE_NOTE)], True))
    else:
        line_rows.append(
            (
                [
                    _("Optimal selection"),
                    "",
                    "",
                    portfolio.optimal.total_cost,
                    None,
                    _("Total NPV"),
                    portfolio.optimal.total_npv,
                    None,
                ],
                True,
            )
        )
        line_rows.append(
            (
                [
                    _("Greedy selection"),
                    "",
                    "",
                    portfolio.greedy.total_cost,
                    None,
                    _("Total NPV"),
                    portfolio.greedy.total_npv,
                    None,
                ],
                True,
            )
        )
    _sheet(
        ws,
        _("Selection within the budget"),
        subtitle,
        [
            _("Rank"),
            _("Code"),
            _("Initiative"),
            _("Investment cost"),
            _("Cumulative cost"),
            _("Status"),
            _("Greedy"),
            _("Optimal"),
        ],
        line_rows,
        [8, 12, 36, 18, 18, 20, 18, 10],
        {4: MONEY_FORMAT, 5: MONEY_FORMAT, 7: MONEY_FORMAT},
    )

    # 4. Readiness.
    ws = workbook.create_sheet(_("Readiness")[:31])
    ready_rows = [
        (
            [
                row.code,
                row.name,
                row.department.name,
                str(
                    CLASSIFICATION_STATUS_LABELS.get(
                        row.classification_status, row.classification_status
                    )
                ),
                _yes(row.ready),
                "; ".join(item.label for item in row.blockers),
                "; ".join(item.label for item in row.advisories),
                row.fulfilment_share,
            ],
            False,
        )
        for row in portfolio.rows
    ]
    _sheet(
        ws,
        _("Readiness"),
        subtitle,
        [
            _("Code"),
            _("Initiative"),
            _("Department"),
            _("Classification"),
            _("Ready"),
            _("Blockers"),
            _("Advisory items"),
            _("Action plan fulfilment"),
        ],
        ready_rows,
        [12, 36, 26, 14, 8, 50, 50, 12],
        {8: SHARE_FORMAT},
    )
    # 5. The roadmap over the plan years.
    _roadmap_sheet(workbook.create_sheet(_("Roadmap")[:31]), portfolio, subtitle)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roadmap_for(portfolio: selectors.Portfolio) -> roadmap_report.RoadmapTable:
    """The organisation's optimal roadmap, listing what the portfolio's reader sees."""
    codes = None if portfolio.sees_all else {row.code for row in portfolio.rows}
    return roadmap_report.roadmap_table(
        portfolio.organisation, scenario=portfolio.scenario, codes=codes
    )


def _roadmap_sheet(ws: Any, portfolio: selectors.Portfolio, subtitle: str) -> None:
    """One row per planned initiative with its start year, value and investment per plan year
    (platform shares beside it), each year's spend against its frame, then what is left out
    and why."""
    table = roadmap_for(portfolio)
    years = table.years
    rows: list[tuple[list[Any], bool]] = []
    for row in table.planned:
        rows.append(
            (
                [
                    row.code,
                    row.name,
                    row.area,
                    row.start_year,
                    row.value,
                    *[row.costs.get(year) for year in years],
                    "; ".join(f"{code} {money(amount)}" for code, amount in row.shared.items()),
                    ", ".join(row.requires),
                    ", ".join(row.needed_by),
                ],
                False,
            )
        )
    rows.append(([_("Spend"), "", "", "", table.value, *table.spend, "", "", ""], True))
    rows.append(([_("Investment frame"), "", "", "", "", *table.budgets, "", "", ""], True))
    if not table.feasible:
        rows.append(([_("No plan: the forced-in initiatives cannot all be planned.")], True))
    for left_out in table.unplanned:
        extra = (
            _("+%(amount)s in %(year)s")
            % {"amount": money(left_out.extra_amount), "year": left_out.extra_year}
            if left_out.extra_year is not None and left_out.extra_amount is not None
            else ""
        )
        rows.append(
            (
                [
                    left_out.code,
                    left_out.name,
                    _("Not planned"),
                    "",
                    "",
                    left_out.reason_label,
                    extra,
                ],
                False,
            )
        )
    status = (
        _("Proven optimal")
        if table.proven_optimal
        else _("Best found (gap %(gap)s)") % {"gap": f"{(table.gap or 0):.1%}"}
    )
    _sheet(
        ws,
        _("Roadmap"),
        f"{subtitle} · {status}",
        [
            _("Code"),
            _("Initiative"),
            _("Area"),
            _("Start year"),
            _("Value (discounted to the first plan year)"),
            *[str(year) for year in years],
            _("Shared platform costs"),
            _("Requires"),
            _("Needed by"),
        ],
        rows,
        [12, 36, 22, 10, 20, *[16 for _year in years], 30, 24, 24],
        {5: MONEY_FORMAT, **{6 + n: MONEY_FORMAT for n in range(len(years))}},
    )


# --- PDF board report ---------------------------------------------------------------------------

BOARD_CSS = """
@page { size: A4 landscape; }
svg { width: 100%; height: auto; }
.area td { font-weight: bold; background: #f1f3f5; }
.total td { font-weight: bold; border-top: 1pt solid #212529; }
"""


def board_report_html(portfolio: selectors.Portfolio, generated_at: datetime | None = None) -> str:
    generated_at = generated_at or timezone.now()
    context = {
        "portfolio": portfolio,
        "organisation": portfolio.organisation,
        "subtitle": _subtitle(portfolio, generated_at),
        "entries": budget_line_entries(portfolio),
        "error_text": error_text(portfolio.optimal.error),
        "roadmap": roadmap_for(portfolio),
        **chart_context(portfolio),
    }
    return render_to_string("portfolio/report_board.html", context)


def board_report_pdf(portfolio: selectors.Portfolio, generated_at: datetime | None = None) -> bytes:
    return html_to_pdf(board_report_html(portfolio, generated_at), BOARD_CSS)


def build(kind: str, portfolio: selectors.Portfolio) -> bytes:
    builders: dict[str, Callable[[selectors.Portfolio], bytes]] = {
        PortfolioReportJob.Kind.XLSX: portfolio_xlsx,
        PortfolioReportJob.Kind.PDF: board_report_pdf,
    }
    return builders[kind](portfolio)


def compute_for_job(job: PortfolioReportJob) -> selectors.Portfolio:
    """The portfolio as the job was asked for, over the departments its requester saw."""
    parameters = job.parameters or {}
    ids = parameters.get("department_ids")
    saved = None
    if parameters.get("saved_scenario"):
        saved = PortfolioScenario.objects.filter(
            organisation=job.organisation, pk=parameters["saved_scenario"]
        ).first()
    budget = parameters.get("budget")
    return selectors.compute(
        job.organisation,
        department_ids=None if ids is None else set(ids),
        scenario=parameters.get("scenario") or None,
        budget=Decimal(budget) if budget not in (None, "") else None,
        saved_scenario=saved,
    )


# --- Service and read --------------------------------------------------------------------------


@transaction.atomic
def do_request_portfolio_export(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    language: str | None,
    scenario: str | None = None,
    budget: Decimal | None = None,
    saved_scenario: PortfolioScenario | None = None,
) -> PortfolioReportJob:
    """Record a request for a portfolio export over the departments the actor sees and have
    it built in the background (after commit). Every member may export what they see."""
    if not access.is_member(actor, organisation):
        raise PermissionDenied(_("You are not a member of this organisation."))
    if kind not in PortfolioReportJob.Kind.values:
        raise ServiceError(_("Choose one of the reports."), "kind")
    if scenario and scenario not in BenefitScenario.values:
        raise ServiceError(_("Choose low, medium or high."), "scenario")
    if saved_scenario is not None and saved_scenario.organisation_id != organisation.pk:
        raise ServiceError(_("Choose one of the saved scenarios."), "saved_scenario")
    ids = access.visible_department_ids(actor, organisation)
    settings = selectors.portfolio_settings(organisation)
    parameters = {
        "year": settings.year,
        "scenario": scenario or "",
        "budget": str(budget) if budget is not None else "",
        "saved_scenario": saved_scenario.pk if saved_scenario is not None else None,
        "department_ids": None if ids is None else sorted(ids),
    }
    job = PortfolioReportJob.objects.create(
        organisation=organisation,
        kind=kind,
        parameters=parameters,
        language=report_language(language),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="portfolio.export_requested",
        obj=job,
        after={"kind": kind, "language": job.language, **parameters},
        object_repr=f"{organisation.code} portfolio {kind}",
    )
    enqueue("portfolio.tasks.build_portfolio_export", job.pk)
    return job


def get_visible_job(user: User, organisation: Organisation | None, pk: int) -> PortfolioReportJob:
    """A job of the current organisation whose departments the user all sees; 404 else."""
    if organisation is None or not access.is_member(user, organisation):
        raise Http404("No such report.")
    job = (
        PortfolioReportJob.objects.select_related("organisation")
        .filter(pk=pk, organisation=organisation)
        .first()
    )
    if job is None:
        raise Http404("No such report.")
    mine = access.visible_department_ids(user, organisation)
    theirs = (job.parameters or {}).get("department_ids")
    if mine is not None and (theirs is None or not set(theirs) <= mine):
        raise Http404("No such report.")
    return job
