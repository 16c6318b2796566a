"""Portfolio exports: the XLSX of the whole portfolio carries the deck's table for the demo,
the PDF board report is a PDF, jobs are built once, and stale jobs are swept."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from klassa_app.models import Role
from portfolio import exports, selectors, tasks
from portfolio.models import PortfolioReportJob
from tests.factories import MembershipFactory, UserFactory

# seed-deck-figures.md, the nine areas of Norrköping. The internal sum of the rows is
# 807 018 863 (the reference text's "806 018 863" is one million short of its own rows;
# tests/portfolio/test_demo_portfolio.py shows the arithmetic). The total agrees.
DECK_TOTAL_INTERNAL = Decimal(807_018_863)
DECK_TOTAL_EXTERNAL = Decimal(3_309_081_152)
DECK_TOTAL = Decimal(4_116_100_015)


@pytest.fixture
def demo_admin(demo):
    user = UserFactory(email="styrgrupp@norrkoping.se", full_name="Stina Styrgrupp")
    MembershipFactory(user=user, organisation=demo, department=None, role=Role.ORG_ADMIN)
    return user


def _rows(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_xlsx_of_the_demo_carries_the_decks_totals(demo):
    portfolio = selectors.compute(demo, department_ids=None)
    workbook = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio)))
    assert len(workbook.sheetnames) == 5
    table = _rows(workbook.worksheets[0])
    total = table[-1]
    assert total[3:6] == (DECK_TOTAL_INTERNAL, DECK_TOTAL_EXTERNAL, DECK_TOTAL)
    areas = {row[0]: row[3:6] for row in table[4:-1] if row[0]}
    assert len(areas) == 10  # the deck's nine and the shared platforms (no benefit)
    assert areas["Gemensamma plattformar"] == (Decimal(0), Decimal(0), Decimal(0))
    assert areas["Smart stad"] == (
        Decimal(72_648_127),
        Decimal(1_238_956_620),
        Decimal(1_311_604_747),
    )
    assert areas["Utbildning"][2] == Decimal(126_978_046)
    # The area rows add up to the total row: totals are computed, not typed.
    assert sum(a[2] for a in areas.values()) == DECK_TOTAL
    # Every initiative appears under its area, with its readiness.
    codes = {row[1] for row in table[4:-1] if row[1]}
    assert {"EDU-A", "EDU-B", "EDU-C", "SC-A", "CP-C"} <= codes
    assert len(codes) == 32


def test_xlsx_selection_sheet_lists_the_optimal_choice_within_the_budget(demo):
    portfolio = selectors.compute(demo, department_ids=None)
    workbook = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio)))
    selection = _rows(workbook.worksheets[2])
    chosen = {row[1] for row in selection[4:] if row[7] in ("ja", "yes")}
    assert chosen == set(portfolio.optimal.codes)
    assert portfolio.optimal.total_cost <= portfolio.budget
    assert chosen  # the demo budget buys something


def test_text_starting_with_equals_stays_text(demo):
    from assessments.models import Initiative

    Initiative.objects.filter(code="EDU-A").update(name="=HYPERLINK(1)")
    portfolio = selectors.compute(demo, department_ids=None)
    workbook = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio)))
    cell = next(
        c for row in workbook.worksheets[0].iter_rows() for c in row if c.value == "=HYPERLINK(1)"
    )
    assert cell.data_type == "s"


def test_board_report_is_a_pdf_with_the_charts(demo):
    portfolio = selectors.compute(demo, department_ids=None)
    html = exports.board_report_html(portfolio)
    assert html.count("<svg") == 5
    assert "4\xa0116\xa0100\xa0015\xa0kr" in html
    pdf = exports.board_report_pdf(portfolio)
    assert pdf.startswith(b"%PDF")


def test_requested_export_is_built_once_with_progress(
    demo, demo_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = exports.do_request_portfolio_export(
            actor=demo_admin, organisation=demo, kind="xlsx", language="sv"
        )
    assert len(callbacks) == 1
    assert tasks.build_portfolio_export(job.pk) == "done"
    assert tasks.build_portfolio_export(job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    assert job.download_name == "portfolj-norrkoping-2027.xlsx"
    with job.file.open("rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()))
    assert _rows(workbook.worksheets[0])[-1][5] == DECK_TOTAL


def test_a_failing_build_marks_the_job_failed(demo, demo_admin, monkeypatch):
    job = PortfolioReportJob.objects.create(
        organisation=demo, kind="pdf", language="sv", created_by=demo_admin
    )

    def broken(kind, portfolio):
        raise RuntimeError("boom")

    monkeypatch.setattr(exports, "build", broken)
    assert tasks.build_portfolio_export(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.message


def test_sweeper_requeues_stale_jobs_and_fails_stuck_ones(demo, demo_admin, monkeypatch):
    old = timezone.now() - timedelta(hours=1)
    stale = PortfolioReportJob.objects.create(
        organisation=demo, kind="xlsx", language="sv", created_by=demo_admin
    )
    stuck = PortfolioReportJob.objects.create(
        organisation=demo, kind="pdf", language="sv", created_by=demo_admin, status="running"
    )
    PortfolioReportJob.objects.filter(pk=stale.pk).update(created_at=old)
    PortfolioReportJob.objects.filter(pk=stuck.pk).update(started_at=old)
    sent = []
    monkeypatch.setattr(tasks.build_portfolio_export, "delay", lambda pk: sent.append(pk))
    assert tasks.requeue_stale_portfolio_jobs() == 1
    assert sent == [stale.pk]
    stuck.refresh_from_db()
    assert stuck.status == "failed" and stuck.message


def test_sweeper_is_in_the_beat_schedule():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portfolio.tasks.requeue_stale_portfolio_jobs" in tasks_scheduled


def test_xlsx_readiness_sheet_is_in_swedish(norrkoping, portfolio_data):
    with translation.override("sv"):
        portfolio = selectors.compute(norrkoping, department_ids=None)
        workbook = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio)))
    sheet = workbook.worksheets[3]
    statuses = {row[3] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert statuses & {"Godkänd", "Ofullständig", "Preliminär"}
    assert not statuses & {"approved", "provisional", "incomplete"}


def test_xlsx_subtotals_and_total_carry_npv_and_investment_cost(norrkoping, portfolio_data):
    portfolio = selectors.compute(norrkoping, department_ids=None)
    sheet = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    total = rows[-1]
    # Stored in whole öre like every amount of the workbook.
    assert Decimal(str(total[6])) == portfolio.totals.npv.quantize(Decimal("0.01"))
    assert total[7] == portfolio.totals.investment_cost
    education = next(row for row in rows if row[0] == "Education")
    assert education[7] == 12_000_000


def test_an_export_request_naming_no_real_scenario_is_404_not_500(as_user, admin, portfolio_data):
    response = as_user(admin).post(
        reverse("portfolio_export_start", args=["xlsx"]), {"saved": "abc"}
    )
    assert response.status_code == 404


def test_xlsx_of_the_demo_carries_the_roadmap_with_the_platforms_first(demo):
    portfolio = selectors.compute(demo, department_ids=None)
    workbook = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio)))
    table = _rows(workbook.worksheets[4])
    starts = {row[0]: row[3] for row in table[4:] if isinstance(row[3], int)}
    assert starts["PLAT-SENSOR"] < starts["SC-A"]
    assert starts["PLAT-M365"] < starts["EDU-A"]
    frames = next(row for row in table if row[0] == "Investeringsram")
    assert frames[5:8] == (Decimal(50_000_000), Decimal(55_000_000), Decimal(50_000_000))
