"""Reports of an initiative: Excel and PDF builders, the chart, the background job and the
views that start, follow and download it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from assessments import charts, reports, selectors, services, tasks
from assessments.i18n import tr
from assessments.models import ReportJob
from klassa_app.job_views import progress_width_class
from klassa_app.models import AuditEvent, Role
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import classified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_in_tmp")]

SVG = "{http://www.w3.org/2000/svg}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def initiative(owner, officer, utbildning):
    """EDU-A handles two approved assets (one with personal data); K is adjusted up, and
    two requirements of its plan have a status."""
    dashboard = services.do_create_initiative(
        actor=owner, department=utbildning, code="edu-a", name="Personal dashboard"
    )
    a = classified(
        owner, officer, utbildning, "A", {"K": 2, "R": 1, "T": 3, "S": 1}, personal_data="yes"
    )
    b = classified(owner, officer, utbildning, "B", {"K": 1, "R": 2, "T": 1, "S": 1})
    services.do_set_initiative_assets(actor=owner, initiative=dashboard, assets=[a, b])
    services.do_set_adjustment(
        actor=owner,
        initiative=dashboard,
        aspect_code="K",
        level=3,
        reason="aggregation",
        justification="Many pupils' data in one place",
    )
    plan = selectors.action_plan(dashboard, selectors.initiative_classification(dashboard))
    services.do_set_requirement_status(
        actor=owner,
        initiative=dashboard,
        requirement=plan.items[0].requirement,
        status="fulfilled",
        comment='=HYPERLINK("http://evil.example")',
    )
    services.do_set_requirement_status(
        actor=owner,
        initiative=dashboard,
        requirement=plan.items[1].requirement,
        status="partly",
        comment="Halfway",
    )
    return selectors.get_visible_initiative(owner, utbildning.organisation, dashboard.pk)


@pytest.fixture
def data(initiative):
    with translation.override("sv"):
        return reports.collect(initiative)


@pytest.fixture
def same_department_viewer(utbildning):
    user = UserFactory(email="lasare-utb@norrkoping.se")
    MembershipFactory(
        user=user, organisation=utbildning.organisation, department=utbildning, role=Role.VIEWER
    )
    return user


def sheet_values(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def all_text(sheet) -> str:
    return "\n".join(str(v) for row in sheet_values(sheet) for v in row if v is not None)


# --- Excel ------------------------------------------------------------------------------------


def test_action_plan_xlsx_has_the_levels_and_every_requirement_of_the_plan(data):
    with translation.override("sv"):
        content = reports.action_plan_xlsx(data)
    book = load_workbook(BytesIO(content))
    assert book.sheetnames[:2] == ["Klassning", "Handlingsplan"]

    klassning = book["Klassning"]
    header_row = reports.HEADER_ROW
    assert all(cell.font.bold for cell in klassning[header_row] if cell.value)
    assert klassning.freeze_panes == f"A{header_row + 1}"
    assert klassning.auto_filter.ref.startswith(f"A{header_row}:")
    assert klassning.column_dimensions["G"].width == 40
    rows = {r[0]: r for r in sheet_values(klassning)[header_row:]}
    # code, name, inherited, driven by, adjusted to, reason, justification, final, ...
    assert rows["K"][2] == 2 and rows["K"][3] == "A" and rows["K"][4] == 3
    assert rows["K"][6] == "Many pupils' data in one place" and rows["K"][7] == 3
    assert rows["T"][2] == 3 and rows["T"][7] == 3 and rows["T"][4] is None
    assert rows["R"][3] == "B"
    assert "Personal dashboard" in klassning["A1"].value
    assert "Norrköpings kommun" in klassning["A2"].value

    plan_sheet = book["Handlingsplan"]
    text = all_text(plan_sheet)
    plan_codes = [i.requirement.code for i in data.plan.items]
    assert plan_codes and all(code in text for code in plan_codes)
    assert any(code.startswith("GDPR") for code in plan_codes)
    first = data.plan.items[0].requirement
    first_row = next(r for r in sheet_values(plan_sheet) if r[0] == first.code)
    assert first_row[2] == first.is_text["sv"]
    assert first_row[3] == first.aspect_code and first_row[4] == first.min_level
    assert plan_sheet.freeze_panes == f"A{header_row + 1}"
    assert plan_sheet.auto_filter.ref == f"A{header_row}:H{header_row + len(plan_codes)}"


def test_fulfilment_per_aspect_is_in_the_workbook_as_a_percentage(data):
    with translation.override("sv"):
        book = load_workbook(BytesIO(reports.action_plan_xlsx(data)))
    first = data.plan.items[0].requirement
    expected = data.plan.fulfilment[first.aspect_code].percent
    rows = [r for r in sheet_values(book["Handlingsplan"]) if r and r[0] == first.aspect_code]
    summary = rows[-1]  # below the list of requirements
    assert Decimal(str(summary[7])) == (reports.percent(expected) / 100)
    klassning = {r[0]: r for r in sheet_values(book["Klassning"])[reports.HEADER_ROW :]}
    assert Decimal(str(klassning[first.aspect_code][9])) == reports.percent(expected) / 100


def test_a_comment_that_looks_like_a_formula_stays_text(data):
    book = load_workbook(BytesIO(reports.action_plan_xlsx(data)))
    cells = [c for row in book["Handlingsplan"].iter_rows() for c in row if c.value]
    evil = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert evil.data_type == "s"


def test_procurement_xlsx_has_only_the_shall_texts(data):
    with translation.override("sv"):
        book = load_workbook(BytesIO(reports.procurement_xlsx(data)))
    assert book.sheetnames == ["Upphandlingskrav"]
    text = all_text(book.active)
    for item in data.plan.items:
        requirement = item.requirement
        assert requirement.code in text
        assert requirement.shall_text["sv"] in text
        assert requirement.is_text["sv"] not in text
    assert "Halfway" not in text and "HYPERLINK" not in text  # no internal comments
    first = data.plan.items[0].requirement
    row = next(r for r in sheet_values(book.active) if r[0] == first.code)
    assert row[3] == f"{first.aspect_code} ≥ {first.min_level}"


# --- Numbers and chart ------------------------------------------------------------------------


def test_percentages_are_decimal_and_formatted_for_the_language():
    assert reports.percent(Decimal(200) / 3) == Decimal("66.7")
    with translation.override("sv"):
        assert reports.format_percent(Decimal(200) / 3) == "66,7\u00a0%"
    with translation.override("en"):
        assert reports.format_percent(Decimal(200) / 3) == "66.7\u00a0%"
    assert reports.format_percent(None) == "–"


def test_chart_is_valid_svg_with_one_bar_per_aspect_and_escaped_labels():
    bars = [
        charts.Bar("K · Konfidentialitet", Decimal("66.7"), "66,7 %"),
        charts.Bar("R · <Riktighet & co>", Decimal(100), "100,0 %"),
        charts.Bar("T · Tillgänglighet", None, "–"),
        charts.Bar("S · Spårbarhet", Decimal(0), "0,0 %"),
    ]
    svg = charts.horizontal_bar_chart(bars, title="Uppfyllt", description="Per aspekt")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Uppfyllt"
    assert root.find(f"{SVG}desc").text == "Per aspekt"
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(rects) == 4
    widths = [Decimal(r.get("width")) for r in rects]
    full = Decimal(
        next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "track").get("width")
    )
    assert widths[1] == full and widths[2] == 0 and widths[3] == 0
    assert widths[0] == (full * Decimal("0.667")).quantize(Decimal("0.01"))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    assert "R · <Riktighet & co>" in labels
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["66,7 %", "100,0 %", "–", "0,0 %"]


def test_the_report_chart_has_a_bar_for_every_aspect_of_the_scheme(data):
    with translation.override("sv"):
        root = ET.fromstring(reports.fulfilment_chart(data))  # noqa: S314 (our own output)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == len(data.scheme.aspects) == 4


# --- PDF --------------------------------------------------------------------------------------


def test_action_plan_pdf_is_a_pdf_of_several_pages_with_the_plan(data):
    from weasyprint import CSS, HTML

    with translation.override("sv"):
        html = reports.action_plan_html(data)
        content = reports.action_plan_pdf(data)
    assert content.startswith(b"%PDF")
    pages = HTML(string=html).render(stylesheets=[CSS(string=reports.PRINT_CSS)]).pages
    assert len(pages) > 1
    for item in data.plan.items:
        assert item.requirement.code in html
        assert item.requirement.is_text["sv"] in html
    assert "Norrköpings kommun" in html and "Personal dashboard" in html
    assert "<svg" in html and 'class="bar"' in html
    assert f"{tr(data.scheme.aspects[0].name, 'sv')}" in html
    assert "<style" not in html and ' style="' not in html


def test_procurement_pdf_has_shall_texts_and_nothing_internal(data):
    with translation.override("sv"):
        html = reports.procurement_html(data)
        content = reports.procurement_pdf(data)
    assert content.startswith(b"%PDF")
    for item in data.plan.items:
        assert item.requirement.shall_text["sv"] in html
        assert item.requirement.is_text["sv"] not in html
    assert "Halfway" not in html and "Many pupils" not in html


def test_text_in_a_report_cannot_inject_markup(data):
    data.initiative.name = '<img src="file:///etc/passwd">'
    with translation.override("sv"):
        html = reports.action_plan_html(data)
        assert reports.action_plan_pdf(data).startswith(b"%PDF")
    assert '<img src="file:///etc/passwd">' not in html


# --- Service and task -------------------------------------------------------------------------


def test_requesting_a_report_is_audited_and_runs_after_commit(
    owner, initiative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = reports.do_request_report(
            actor=owner, initiative=initiative, kind="action_plan_xlsx", language="en"
        )
    assert job.status == ReportJob.Status.QUEUED and job.language == "en"
    event = AuditEvent.objects.get(action="report.requested")
    assert event.actor == owner and event.after["kind"] == "action_plan_xlsx"
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.progress == 100
    assert job.finished_at is not None and job.file.name.startswith("reports/")
    book = load_workbook(BytesIO(job.file.read()))
    assert "Action plan" in book["Klassning"]["A1"].value  # built in English


def test_someone_who_cannot_see_the_initiative_cannot_request_a_report(culture_viewer, initiative):
    with pytest.raises(PermissionDenied):
        reports.do_request_report(
            actor=culture_viewer, initiative=initiative, kind="action_plan_pdf", language="sv"
        )
    assert not ReportJob.objects.exists()


def test_running_the_task_twice_builds_once(owner, initiative, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = reports.do_request_report(
            actor=owner, initiative=initiative, kind="procurement_xlsx", language="sv"
        )
    assert tasks.build_report(job.pk) == "skipped"


def test_progress_steps_are_recorded(owner, initiative, monkeypatch):
    seen = []
    original = reports.build

    def spy(kind, data):
        # The job's progress as the document is being built: collected, not yet stored.
        seen.append(ReportJob.objects.get(pk=job.pk).progress)
        return original(kind, data)

    monkeypatch.setattr(reports, "build", spy)
    job = ReportJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind="procurement_xlsx",
        language="sv",
        requested_by=owner,
    )
    assert tasks.build_report(job.pk) == "done"
    assert seen == [50]
    job.refresh_from_db()
    assert job.progress == 100 and job.started_at is not None


def test_sweeper_requeues_old_queued_jobs_and_fails_stuck_ones(owner, initiative):
    old = timezone.now() - timedelta(minutes=11)
    queued = ReportJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind="procurement_xlsx",
        language="sv",
        requested_by=owner,
    )
    fresh = ReportJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind="procurement_xlsx",
        language="sv",
        requested_by=owner,
    )
    stuck = ReportJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind="procurement_xlsx",
        language="en",
        status=ReportJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        requested_by=owner,
    )
    ReportJob.objects.filter(pk=queued.pk).update(created_at=old)
    assert tasks.requeue_stale_report_jobs() == 1
    queued.refresh_from_db()
    fresh.refresh_from_db()
    stuck.refresh_from_db()
    assert queued.status == ReportJob.Status.DONE  # tasks run in-process in tests
    assert fresh.status == ReportJob.Status.QUEUED
    assert stuck.status == ReportJob.Status.FAILED and "took too long" in stuck.message


# --- Views ------------------------------------------------------------------------------------


def start(client, initiative, kind, callbacks):
    with callbacks(execute=True):
        response = client.post(reverse("report_start", args=[initiative.pk, kind]))
    assert response.status_code == 302
    job = ReportJob.objects.latest("pk")
    assert response.url == reverse("report_status", args=[job.pk])
    return job


@pytest.mark.parametrize(
    ("kind", "content_type", "filename"),
    [
        ("action_plan_xlsx", XLSX, "handlingsplan-EDU-A.xlsx"),
        ("action_plan_pdf", "application/pdf", "handlingsplan-EDU-A.pdf"),
        ("procurement_xlsx", XLSX, "upphandlingskrav-EDU-A.xlsx"),
        ("procurement_pdf", "application/pdf", "upphandlingskrav-EDU-A.pdf"),
    ],
)
def test_owner_requests_follows_and_downloads_a_report(
    as_user, owner, initiative, django_capture_on_commit_callbacks, kind, content_type, filename
):
    client = as_user(owner)
    job = start(client, initiative, kind, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.language == "sv" and job.requested_by == owner

    page = client.get(reverse("report_status", args=[job.pk]))
    assert page.status_code == 200
    download_url = reverse("report_download", args=[job.pk])
    assert download_url in page.content.decode()
    assert 'aria-valuenow="100"' in page.content.decode()
    assert "w-100" in page.content.decode()
    assert ' style="' not in page.content.decode()

    response = client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF" if kind.endswith("pdf") else b"PK")


def test_the_report_is_in_the_language_of_the_request(
    as_user, owner, initiative, django_capture_on_commit_callbacks
):
    client = as_user(owner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    job = start(client, initiative, "action_plan_xlsx", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.language == "en"
    assert job.download_name == "action-plan-EDU-A.xlsx"
    book = load_workbook(BytesIO(job.file.read()))
    assert book["Klassning"]["A1"].value.startswith("Action plan")


def test_htmx_gets_a_partial_that_polls_until_the_job_is_done(as_user, owner, initiative):
    job = ReportJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind="action_plan_pdf",
        language="sv",
        status=ReportJob.Status.RUNNING,
        progress=50,
        requested_by=owner,
    )
    client = as_user(owner)
    url = reverse("report_status", args=[job.pk])
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial and f'hx-get="{url}"' in partial
    assert 'role="progressbar"' in partial and 'aria-valuenow="50"' in partial
    assert "w-50" in partial

    page = client.get(url)
    assert "<html" in page.content.decode() and 'hx-trigger="every 1s"' in page.content.decode()
    assert "HX-Request" in page["Vary"]

    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE, progress=100)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done  # polling stops


def test_a_job_that_is_not_done_cannot_be_downloaded(as_user, owner, initiative):
    job = ReportJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind="action_plan_pdf",
        language="sv",
        requested_by=owner,
    )
    assert as_user(owner).get(reverse("report_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("who", ["culture_viewer", "outsider"])
def test_others_get_404_on_status_download_and_start(
    request, as_user, owner, initiative, django_capture_on_commit_callbacks, who
):
    job = start(as_user(owner), initiative, "action_plan_xlsx", django_capture_on_commit_callbacks)
    other = as_user(request.getfixturevalue(who))
    assert other.get(reverse("report_status", args=[job.pk])).status_code == 404
    assert other.get(reverse("report_download", args=[job.pk])).status_code == 404
    url = reverse("report_start", args=[initiative.pk, "action_plan_xlsx"])
    assert other.post(url).status_code == 404
    assert ReportJob.objects.count() == 1


def test_a_viewer_of_the_same_department_may_request_and_download(
    as_user, owner, same_department_viewer, initiative, django_capture_on_commit_callbacks
):
    job = start(as_user(owner), initiative, "procurement_pdf", django_capture_on_commit_callbacks)
    viewer = as_user(same_department_viewer)
    assert viewer.get(reverse("report_status", args=[job.pk])).status_code == 200
    response = viewer.get(reverse("report_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    start(viewer, initiative, "action_plan_xlsx", django_capture_on_commit_callbacks)


def test_unknown_kind_and_get_are_refused(as_user, owner, initiative):
    client = as_user(owner)
    assert client.post(reverse("report_start", args=[initiative.pk, "secrets"])).status_code == 404
    url = reverse("report_start", args=[initiative.pk, "action_plan_pdf"])
    assert client.get(url).status_code == 405
    assert not ReportJob.objects.exists()


def test_a_failing_build_marks_the_job_failed_and_the_page_says_so(
    as_user, owner, initiative, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(data):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports, "action_plan_pdf", broken)
    client = as_user(owner)
    job = start(client, initiative, "action_plan_pdf", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.message and "disk full" not in job.message
    assert job.finished_at is not None and not job.file
    page = client.get(reverse("report_status", args=[job.pk])).content.decode()
    assert job.message in page and 'role="alert"' in page
    assert reverse("report_download", args=[job.pk]) not in page
    assert client.get(reverse("report_download", args=[job.pk])).status_code == 404


def test_report_buttons_post_each_kind(owner, initiative):
    request = RequestFactory().get("/")
    request.user = owner
    html = render_to_string("assessments/_report_buttons.html", {"initiative": initiative}, request)
    for kind in ReportJob.Kind.values:
        assert f'action="{reverse("report_start", args=[initiative.pk, kind])}"' in html
    assert html.count('method="post"') == 4 and html.count("csrfmiddlewaretoken") == 4


def test_progress_bar_width_classes():
    assert [progress_width_class(p) for p in (0, 10, 50, 90, 100)] == [
        "",
        "w-25",
        "w-50",
        "w-75",
        "w-100",
    ]


def test_statuses_are_in_the_report_in_the_requested_language(data):
    with translation.override("en"):
        rows = reports.plan_rows(data)
    assert rows[0]["status"] == "Fulfilled"
