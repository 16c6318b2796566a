"""Reports of an initiative: its action plan (ÄR requirements, status, fulfilment) and its
procurement requirements (SKA requirements), as Excel (openpyxl) or PDF (WeasyPrint); and the
minutes of a consensus session as PDF.

- ``collect`` reads what a report needs through the selectors;
- the builders (``action_plan_xlsx`` … ``procurement_pdf``) take that data and return bytes,
  in the active language (the task activates the language the report was requested in);
- ``do_request_report`` (an initiative's reports) and ``do_request_minutes`` (a session's
  minutes) are the services that record a request and enqueue the job, which
  ``assessments.tasks.build_report`` builds.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments import charts, classification_rules, consensus, frameworks, selectors
from assessments.i18n import tr
from assessments.models import ConsensusSession, Initiative, ReportJob, RequirementStatus, Trigger
from klassa_app import access, audit
from klassa_app.models import User
from klassa_app.queue import enqueue
from klassa_app.services import ServiceError
from klassa_app.xlsx import RowWriter

if TYPE_CHECKING:
    from openpyxl import Workbook

XLSX_CONTENT_TYPE = ReportJob.CONTENT_TYPES["xlsx"]
PDF_CONTENT_TYPE = ReportJob.CONTENT_TYPES["pdf"]

# Sheet names are fixed, so that whoever processes the files further can rely on them.
SHEET_CLASSIFICATION = "Klassning"
SHEET_ACTION_PLAN = "Handlingsplan"
SHEET_PROCUREMENT = "Upphandlingskrav"

ONE_DECIMAL = Decimal("0.1")


# --- The data of a report ---------------------------------------------------------------------


@dataclass
class ReportData:
    initiative: Initiative
    classification: selectors.InitiativeClassification
    plan: selectors.ActionPlan
    scheme: frameworks.SchemeView
    generated_at: datetime


def collect(initiative: Initiative) -> ReportData:
    classification = selectors.initiative_classification(initiative)
    return ReportData(
        initiative=initiative,
        classification=classification,
        plan=selectors.action_plan(initiative, classification),
        scheme=frameworks.load_scheme(frameworks.current_scheme(initiative.organisation)),
        generated_at=timezone.now(),
    )


def percent(value: Decimal | None) -> Decimal | None:
    """A percentage rounded to one decimal (66.666… → 66.7)."""
    return None if value is None else value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    """``66,7 %`` in Swedish, ``66.7 %`` in English; ``–`` when nothing is measured."""
    rounded = percent(value)
    if rounded is None:
        return "–"
    number = formats.number_format(rounded, decimal_pos=1, use_l10n=True)
    return f"{number}\u00a0%"


def _level_name(data: ReportData, aspect_code: str, ordinal: int | None) -> str:
    level = data.scheme.level(aspect_code, ordinal)
    return tr(level.name) if level is not None else ""


def _status_label(code: str) -> str:
    try:
        return str(RequirementStatus.Status(code).label)
    except ValueError:
        return code


def _trigger_label(code: str) -> str:
    if not code:
        return ""
    try:
        return str(Trigger(code).label)
    except ValueError:
        return code


def classification_rows(data: ReportData) -> list[dict[str, Any]]:
    """One row per aspect of the scheme: inherited level with its sources, adjustment,
    final level and the action plan's fulfilment."""
    rows = []
    for aspect in data.scheme.aspects:
        row = data.classification.aspects.get(aspect.code)
        if row is None:
            continue
        fulfilment = data.plan.fulfilment.get(aspect.code)
        share = fulfilment.percent if fulfilment else None
        adjustment = row.adjustment
        rows.append(
            {
                "code": aspect.code,
                "name": tr(aspect.name),
                "inherited": row.computed,
                "sources": ", ".join(row.sources),
                "adjusted_to": adjustment.level if adjustment else None,
                "reason": str(adjustment.get_reason_display()) if adjustment else "",
                "justification": adjustment.justification if adjustment else "",
                "final": row.final,
                "final_name": _level_name(data, aspect.code, row.final),
                "fulfilment": percent(share),
                "fulfilment_label": format_percent(share),
            }
        )
    return rows


def plan_rows(data: ReportData) -> list[dict[str, Any]]:
    rows = []
    for item in data.plan.items:
        requirement = item.requirement
        rows.append(
            {
                "code": requirement.code,
                "title": tr(requirement.title),
                "is_text": tr(requirement.is_text),
                "shall_text": tr(requirement.shall_text),
                "aspect": requirement.aspect_code,
                "min_level": requirement.min_level,
                "aspect_level": f"{requirement.aspect_code} ≥ {requirement.min_level}",
                "trigger": _trigger_label(requirement.trigger),
                "status": _status_label(item.status_code),
                "status_code": item.status_code,
                "comment": item.status.comment if item.status else "",
            }
        )
    return rows


def fulfilment_rows(data: ReportData) -> list[dict[str, Any]]:
    """Per aspect (in the scheme's order) and overall: counts and the share fulfilled."""

    def row(label: str, f: classification_rules.Fulfilment) -> dict[str, Any]:
        return {
            "label": label,
            "total": f.total,
            "fulfilled": f.fulfilled,
            "partly": f.partly,
            "not_fulfilled": f.not_fulfilled,
            "not_applicable": f.not_applicable,
            "not_assessed": f.not_assessed,
            "percent": percent(f.percent),
            "percent_label": format_percent(f.percent),
        }

    order = {code: i for i, code in enumerate(data.scheme.codes)}
    aspects = sorted(data.plan.fulfilment, key=lambda code: (order.get(code, 99), code))
    rows = [row(code, data.plan.fulfilment[code]) for code in aspects]
    rows.append(row(_("All"), data.plan.overall))
    return rows


def fulfilment_chart(data: ReportData) -> str:
    """An SVG bar chart of the share of the action plan fulfilled, one bar per aspect."""
    bars = []
    for aspect in data.scheme.aspects:
        fulfilment = data.plan.fulfilment.get(aspect.code)
        share = fulfilment.percent if fulfilment else None
        bars.append(
            charts.Bar(
                label=f"{aspect.code} · {tr(aspect.name)}",
                value=percent(share),
                value_label=format_percent(share),
            )
        )
    summary = "; ".join(f"{bar.label}: {bar.value_label}" for bar in bars)
    return charts.horizontal_bar_chart(
        bars,
        title=_("Action plan fulfilled per aspect"),
        description=_(
            "Share of the applicable requirements that are fulfilled (partly fulfilled counts "
            "half), per aspect. %(summary)s"
        )
        % {"summary": summary},
        id_prefix="fulfilment",
    )


def _heading(data: ReportData, what: str) -> tuple[str, str]:
    initiative = data.initiative
    title = f"{what} – {initiative.code} {initiative.name}"
    generated = formats.date_format(timezone.localtime(data.generated_at), "SHORT_DATETIME_FORMAT")
    subtitle = " · ".join(
        [
            initiative.organisation.name,
            initiative.department.name,
            _("Catalogue version %(version)s") % {"version": data.plan.catalogue_version},
            generated,
        ]
    )
    return title, subtitle


# --- Excel --------------------------------------------------------------------------------------

HEADER_ROW = 4  # rows 1–2: title and subtitle, row 3 empty


def _table(
    ws,
    title: str,
    subtitle: str,
    headers: list[str],
    rows: list[list[Any]],
    widths: list[int],
    wrap: Container[int] = (),
    percent_columns: Container[int] = (),
) -> RowWriter:
    """A titled table with a filter; returns the writer for rows below it."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    writer = RowWriter(ws)
    writer.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    writer.append([subtitle])
    writer.skip()
    bold = Font(bold=True)
    header_alignment = Alignment(vertical="top", wrap_text=True)
    for cell in writer.append(headers):
        cell.font = bold
        cell.alignment = header_alignment
    alignments = {True: header_alignment, False: Alignment(vertical="top", wrap_text=False)}
    for values in rows:
        for index, cell in enumerate(writer.append(values), start=1):
            cell.alignment = alignments[index in wrap]
            if index in percent_columns:
                cell.number_format = "0.0%"
    last_column = get_column_letter(len(headers))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + max(len(rows), 1)}"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return writer


def _fraction(value: Decimal | None) -> Decimal | None:
    """66.7 (per cent) → 0.667, for a cell formatted as a percentage."""
    return None if value is None else value / 100


def _workbook(title: str) -> Workbook:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.creator = "Klassa"
    workbook.properties.title = title
    return workbook


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def action_plan_xlsx(data: ReportData) -> bytes:
    from openpyxl.styles import Font

    title, subtitle = _heading(data, _("Action plan"))
    workbook = _workbook(title)
    sheet = workbook.active
    sheet.title = SHEET_CLASSIFICATION
    _table(
        sheet,
        title,
        subtitle,
        [
            _("Aspect"),
            _("Name"),
            _("Inherited level"),
            _("Driven by"),
            _("Adjusted to"),
            _("Reason"),
            _("Justification"),
            _("Final level"),
            _("Level name"),
            _("Action plan fulfilled"),
        ],
        [
            [
                r["code"],
                r["name"],
                r["inherited"],
                r["sources"],
                r["adjusted_to"],
                r["reason"],
                r["justification"],
                r["final"],
                r["final_name"],
                _fraction(r["fulfilment"]),
            ]
            for r in classification_rows(data)
        ],
        widths=[9, 22, 12, 24, 12, 16, 40, 10, 20, 14],
        wrap={4, 7},
        percent_columns={10},
    )

    sheet = workbook.create_sheet(SHEET_ACTION_PLAN)
    items = plan_rows(data)
    writer = _table(
        sheet,
        title,
        subtitle,
        [
            _("Code"),
            _("Title"),
            _("Requirement (action plan)"),
            _("Aspect"),
            _("From level"),
            _("Legal trigger"),
            _("Status"),
            _("Comment"),
        ],
        [
            [
                r["code"],
                r["title"],
                r["is_text"],
                r["aspect"],
                r["min_level"],
                r["trigger"],
                r["status"],
                r["comment"],
            ]
            for r in items
        ],
        widths=[12, 30, 70, 9, 10, 22, 18, 40],
        wrap={2, 3, 6, 8},
    )
    # Below the list (outside its filter): the share fulfilled per aspect.
    bold = Font(bold=True)
    writer.skip()
    writer.append([_("Fulfilment per aspect")])[0].font = bold
    headers = writer.append(
        [
            _("Aspect"),
            _("Requirements"),
            _("Fulfilled"),
            _("Partly fulfilled"),
            _("Not fulfilled"),
            _("Not applicable"),
            _("Not assessed"),
            _("Fulfilled (%)"),
        ],
    )
    for cell in headers:
        cell.font = bold
    for r in fulfilment_rows(data):
        cells = writer.append(
            [
                r["label"],
                r["total"],
                r["fulfilled"],
                r["partly"],
                r["not_fulfilled"],
                r["not_applicable"],
                r["not_assessed"],
                _fraction(r["percent"]),
            ],
        )
        cells[7].number_format = "0.0%"
    return _bytes(workbook)


def procurement_xlsx(data: ReportData) -> bytes:
    """The procurement wording (SKA) of every requirement of the plan, nothing internal:
    no status, no comments, no ÄR wording."""
    title, subtitle = _heading(data, _("Procurement requirements"))
    workbook = _workbook(title)
    sheet = workbook.active
    sheet.title = SHEET_PROCUREMENT
    _table(
        sheet,
        title,
        subtitle,
        [
            _("Code"),
            _("Title"),
            _("Requirement (procurement)"),
            _("Aspect and level"),
            _("Legal trigger"),
        ],
        [
            [r["code"], r["title"], r["shall_text"], r["aspect_level"], r["trigger"]]
            for r in plan_rows(data)
        ],
        widths=[12, 30, 80, 14, 24],
        wrap={2, 3, 5},
    )
    return _bytes(workbook)


# --- PDF ----------------------------------------------------------------------------------------


def _pdf_context(data: ReportData) -> dict[str, Any]:
    return {
        "initiative": data.initiative,
        "organisation": data.initiative.organisation,
        "department": data.initiative.department,
        "classification": data.classification,
        "catalogue_version": data.plan.catalogue_version,
        "generated_at": data.generated_at,
        "language": translation.get_language(),
        "rows": classification_rows(data),
        "items": plan_rows(data),
    }


# Print layout of the PDF reports, given to WeasyPrint as a stylesheet. It lives here rather
# than in the templates because no template may carry a <style> element (strict CSP, checked
# by tests/klassa_app/test_security.py), even one that is never served to a browser.
PRINT_CSS = """
@page {
  size: A4;
  margin: 18mm 15mm 20mm 15mm;
  @top-left { content: string(report-title); font-size: 8pt; color: #495057; }
  @bottom-left { content: string(report-org); font-size: 8pt; color: #495057; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #495057; }
}
@page :first { @top-left { content: none; } }
html {
  font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 9pt; color: #212529; line-height: 1.35;
}
body { margin: 0; }
h1 { font-size: 16pt; color: #1d4f73; margin: 0 0 2mm; string-set: report-title content(); }
h2 { font-size: 12pt; color: #1d4f73; margin: 7mm 0 2mm; break-after: avoid; }
.meta { margin: 0 0 4mm; color: #495057; }
.meta dt { float: left; clear: left; width: 38mm; font-weight: bold; }
.meta dd { margin: 0 0 0.6mm 40mm; }
.org { string-set: report-org content(); }
.alert {
  border: 1px solid #842029; background: #f8d7da; color: #58151c;
  padding: 2mm 3mm; margin: 3mm 0;
}
table { width: 100%; border-collapse: collapse; margin: 0 0 3mm; }
th, td {
  border: 0.5pt solid #adb5bd; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left;
}
thead th { background: #e9ecef; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.center, th.center { text-align: center; }
.nowrap { white-space: nowrap; }
.code { font-weight: bold; white-space: nowrap; }
.small { font-size: 8pt; color: #495057; }
.req-text { hyphens: auto; }
figure { margin: 2mm 0 4mm; break-inside: avoid; }
figcaption { font-size: 8pt; color: #495057; }
"""


def action_plan_html(data: ReportData) -> str:
    context = _pdf_context(data)
    context["fulfilment"] = fulfilment_rows(data)
    # Built from escaped parts only (see assessments.charts).
    context["chart"] = mark_safe(fulfilment_chart(data))  # noqa: S308
    return render_to_string("assessments/report_action_plan.html", context)


def procurement_html(data: ReportData) -> str:
    return render_to_string("assessments/report_procurement.html", _pdf_context(data))


def html_to_pdf(html: str, extra_css: str = "") -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # The templates reference nothing outside themselves; refuse anything but data: URLs,
    # so that no text in a report can make the worker fetch a file or an address.
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(string=PRINT_CSS + extra_css, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


def action_plan_pdf(data: ReportData) -> bytes:
    return html_to_pdf(action_plan_html(data))


def procurement_pdf(data: ReportData) -> bytes:
    return html_to_pdf(procurement_html(data))


# --- Minutes of a consensus session ------------------------------------------------------------


@dataclass
class MinutesData:
    session: ConsensusSession
    generated_at: datetime


def collect_minutes(session: ConsensusSession) -> MinutesData:
    session = ConsensusSession.objects.select_related(
        "assessment__asset__organisation", "assessment__asset__department", "facilitator"
    ).get(pk=session.pk)
    return MinutesData(session=session, generated_at=timezone.now())


def minutes_context(data: MinutesData) -> dict[str, Any]:
    """What ``_session_minutes_body.html`` needs: the same as the minutes page shows
    (``consensus_views._session_context``), without anything that depends on the reader."""
    session = data.session
    assessment = session.assessment
    asset = assessment.asset
    revealed = session.status in (
        ConsensusSession.Status.REVEALED,
        ConsensusSession.Status.CONCLUDED,
    )
    return {
        "session": session,
        "assessment": assessment,
        "asset": asset,
        "organisation": asset.organisation,
        "department": asset.department,
        # report_pdf_base.html warns when a protective-security analysis is required.
        "classification": assessment,
        "participants": list(session.participants.select_related("user").order_by("id")),
        "revealed": revealed,
        # The minutes follow the scheme's order of aspects (K, R, T, S).
        "spreads": consensus.in_scheme_order(session, consensus.disagreement(session))
        if revealed
        else [],
        "decisions": consensus.decisions_in_order(session),
        "dissents": list(session.dissents.select_related("participant__user")),
        "signoffs": list(assessment.signoffs.select_related("user").order_by("signed_at")),
        "levels": consensus.level_rows(assessment)
        if session.status == ConsensusSession.Status.CONCLUDED
        else [],
        "approvers": consensus.approvers(assessment),
        "generated_at": data.generated_at,
        "language": translation.get_language(),
    }


# report_pdf_base.html's heading and facts (initiative, catalogue version) are about an
# initiative; the minutes carry their own heading and facts (_session_minutes_body.html).
MINUTES_CSS = """
body > h1, body > dl.meta { display: none; }
h1.h3 { font-size: 14pt; }
.visually-hidden { display: none; }
.text-center { text-align: center; }
code { font-size: 7.5pt; overflow-wrap: anywhere; }
"""


def minutes_html(data: MinutesData) -> str:
    return render_to_string("assessments/report_minutes.html", minutes_context(data))


def minutes_pdf(data: MinutesData) -> bytes:
    return html_to_pdf(minutes_html(data), MINUTES_CSS)


def build(kind: str, data: ReportData | MinutesData) -> bytes:
    """The bytes of a report of this kind (looked up at call time, so tests can replace a
    builder). ``data`` comes from ``collect`` for an initiative's reports and from
    ``collect_minutes`` for a session's minutes."""
    # Each builder takes the data of its own kind: ReportData, or MinutesData for the minutes.
    builders: dict[str, Callable[[Any], bytes]] = {
        ReportJob.Kind.ACTION_PLAN_XLSX: action_plan_xlsx,
        ReportJob.Kind.ACTION_PLAN_PDF: action_plan_pdf,
        ReportJob.Kind.PROCUREMENT_XLSX: procurement_xlsx,
        ReportJob.Kind.PROCUREMENT_PDF: procurement_pdf,
        ReportJob.SessionKind.MINUTES_PDF: minutes_pdf,
    }
    return builders[kind](data)


# --- Service ------------------------------------------------------------------------------------


def report_language(language: str | None) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    code = (language or "").lower()
    if code in supported:
        return code
    return code[:2] if code[:2] in supported else settings.LANGUAGE_CODE


@transaction.atomic
def do_request_report(
    *, actor: User, initiative: Initiative, kind: str, language: str | None
) -> ReportJob:
    """Record a request for a report and have it built in the background (after commit).
    Whoever can see the initiative may request its reports."""
    if kind not in ReportJob.Kind.values:
        raise ServiceError(_("Choose one of the reports."), "kind")
    if not access.can_view_department(actor, initiative.department):
        raise PermissionDenied(_("You may not see this initiative."))
    job = ReportJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind=kind,
        language=report_language(language),
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="report.requested",
        obj=job,
        after={"initiative": initiative.code, "kind": kind, "language": job.language},
        object_repr=f"{initiative.code} {kind}",
    )
    enqueue("assessments.tasks.build_report", job.pk)
    return job


@transaction.atomic
def do_request_minutes(actor: User, session: ConsensusSession, language: str | None) -> ReportJob:
    """Record a request for the minutes of a consensus session as PDF and have them built in
    the background (after commit). Only those who may read the minutes (its facilitator, its
    participants and the organisation's admins, as ``consensus.may_read_minutes``) may
    request them."""
    asset = session.assessment.asset
    if not consensus.may_read_minutes(session, actor):
        raise PermissionDenied(_("Only the facilitator and the participants see the minutes."))
    kind = ReportJob.SessionKind.MINUTES_PDF
    job = ReportJob.objects.create(
        organisation=asset.organisation,
        session=session,
        kind=kind,
        language=report_language(language),
        requested_by=actor,
    )
    version = session.assessment.version
    audit.record(
        actor=actor,
        organisation=asset.organisation,
        action="report.requested",
        obj=job,
        after={
            "session": session.pk,
            "asset": asset.code,
            "version": version,
            "kind": kind.value,
            "language": job.language,
        },
        object_repr=f"{asset.code} v{version} {kind.value}",
    )
    enqueue("assessments.tasks.build_report", job.pk)
    return job
