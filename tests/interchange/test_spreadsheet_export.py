"""Spreadsheet exports of the asset list, the initiative list and the audit trail: the file
holds exactly the rows the page's own selector gives its requester for the page's filters
(never another department's), in the job's language, numbers as numbers and dates as dates;
the CSV opens in Swedish Excel and runs no formula; only the requester follows and
downloads it; building it reads a bounded number of queries whatever the size."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from assessments import selectors as assessment_selectors
from assessments.asset_export import asset_table
from assessments.models import Assessment, InformationAsset, Trigger
from benefits.models import BenefitSummary
from interchange import spreadsheet_export, tasks
from interchange.models import SpreadsheetExportJob
from klassa_app import audit
from klassa_app import selectors as core_selectors
from klassa_app.audit_export import audit_table, compact_json
from klassa_app.models import AuditEvent, Membership, Role
from klassa_app.services import ServiceError
from portfolio import selectors as portfolio_selectors
from portfolio.initiative_export import initiative_table
from tests.factories import (
    InformationAssetFactory,
    InitiativeFactory,
    InitiativePriorityFactory,
    member,
)
from tests.helpers import classified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_in_tmp")]

DONE = SpreadsheetExportJob.Status.DONE
FORMULA = '=HYPERLINK("http://example.com";"Klicka")'


@pytest.fixture
def register(owner, officer, utbildning, kultur, other_department):
    """UTB: ELEV approved (special categories, secrecy), NARV being classified (personal
    data), TOM unclassified with a name that a spreadsheet would run; KUF: KULT approved;
    EDU-X of UTB uses ELEV and NARV; Linköping has an asset of its own."""
    elev = classified(
        owner,
        officer,
        utbildning,
        "ELEV",
        {"K": 2, "R": 3, "T": 2, "S": 1},
        description="Elevernas identitet och klass",
        owner_role="Skolchef",
        personal_data="special_categories",
        secrecy=True,
        secrecy_reference="OSL 23 kap. 2 §",
    )
    narv = classified(
        owner, officer, utbildning, "NARV", {"K": 1, "T": 3}, approve=False, personal_data="yes"
    )
    InformationAssetFactory(department=utbildning, code="TOM", name=FORMULA)
    kuf_owner = member(Role.BUSINESS_OWNER, department=kultur)
    classified(kuf_owner, officer, kultur, "KULT", {"K": 1, "R": 1, "T": 1, "S": 1})
    InitiativeFactory(department=utbildning, code="EDU-X", name="Lärplattform", assets=[elev, narv])
    InformationAssetFactory(department=other_department, code="LKPG")
    return elev


def run_export(
    actor, organisation, kind, callbacks, *, filters=None, file_format="xlsx", language="sv"
) -> SpreadsheetExportJob:
    with callbacks(execute=True):
        job = spreadsheet_export.do_request_spreadsheet_export(
            actor=actor,
            organisation=organisation,
            kind=kind,
            file_format=file_format,
            filters=filters or {},
            language=language,
        )
    job.refresh_from_db()
    assert job.status == DONE, job.message
    return job


def sheet(content: bytes):
    return load_workbook(BytesIO(content)).active


def values(content: bytes) -> list[list]:
    return [list(row) for row in sheet(content).iter_rows(values_only=True)]


# --- The asset register ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "approved"},
        {"q": "el"},
        {"personal_data": "yes"},
        {"sort": "-name"},
        {"department": "kultur"},
    ],
    ids=["none", "status", "search", "personal-data", "sort", "department"],
)
def test_the_asset_rows_are_the_rows_of_the_asset_list_for_the_same_filters(
    officer, norrkoping, kultur, register, filters
):
    if "department" in filters:
        filters = {"department_id": kultur.pk}
    table = asset_table(officer, norrkoping, filters)
    codes = [row[1] for row in table.rows]
    expected = [a.code for a in assessment_selectors.asset_register(officer, norrkoping, **filters)]
    assert codes == expected and codes
    assert "LKPG" not in codes


def test_an_officer_exports_the_filtered_asset_list_from_the_page_and_downloads_it(
    as_user, officer, norrkoping, utbildning, register, django_capture_on_commit_callbacks
):
    client = as_user(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("spreadsheet_export_start", args=["assets"]),
            {"department": utbildning.pk, "sort": "code", "export_format": "xlsx"},
        )
    job = SpreadsheetExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("spreadsheet_export_status", args=[job.pk])
    assert (job.status, job.kind, job.format, job.language) == (DONE, "assets", "xlsx", "sv")
    assert job.filters == {"department_id": utbildning.pk, "sort": "code"}

    status = client.get(response.url).content.decode()
    download_url = reverse("spreadsheet_export_download", args=[job.pk])
    assert download_url in status and reverse("asset_list") in status
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == SpreadsheetExportJob.CONTENT_TYPES["xlsx"]
    day = timezone.localdate()
    assert download["Content-Disposition"] == (
        f'attachment; filename="informationsmangder-norrkoping-{day:%Y-%m-%d}.xlsx"'
    )
    ws = sheet(b"".join(download.streaming_content))
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][:6] == ["Förvaltning", "Kod", "Namn", "Beskrivning", "Ägarroll", "Status"]
    assert rows[0][6:10] == ["K", "R", "T", "S"]
    assert rows[0][10:] == ["Rättsliga krav", "Godkänd den", "Omprövas senast", "Satsningar"]
    expected = assessment_selectors.asset_register(
        officer, norrkoping, department_id=utbildning.pk, sort="code"
    )
    assert [row[1] for row in rows[1:]] == [a.code for a in expected] == ["ELEV", "NARV", "TOM"]

    elev = rows[1]
    assert elev[0] == utbildning.name and elev[3] == "Elevernas identitet och klass"
    assert elev[4] == "Skolchef" and elev[5] == "Godkänd"
    # The levels in force, as the list shows them (the legal triggers raise some).
    assert elev[6:10] == [register.levels.get(code) for code in "KRTS"] and all(elev[6:10])
    assert all(ws.cell(row=2, column=c).data_type == "n" for c in range(7, 11))
    with translation.override("sv"):
        triggers = [str(Trigger.SPECIAL_CATEGORIES.label), str(Trigger.SECRECY.label)]
    assert all(name in elev[10] for name in triggers)
    approval = Assessment.objects.get(asset=register, status=Assessment.Status.APPROVED)
    assert isinstance(elev[11], datetime) and isinstance(elev[12], datetime)
    assert elev[11].date() == timezone.localdate(approval.approved_at)
    assert elev[12].date() == register.review_due
    assert elev[13] == "EDU-X Lärplattform"
    narv = rows[2]
    levels = InformationAsset.objects.get(code="NARV").levels
    assert narv[6:10] == [levels.get(code) for code in "KRTS"] and narv[7] is None
    assert narv[11] is None and narv[12] is None
    # Text that looks like a formula stays text in the workbook.
    assert rows[3][2] == FORMULA and ws.cell(row=4, column=3).data_type == "s"


def test_a_business_owner_exports_only_the_assets_and_initiatives_of_their_department(
    owner, norrkoping, register, django_capture_on_commit_callbacks
):
    job = run_export(owner, norrkoping, "assets", django_capture_on_commit_callbacks)
    codes = [row[1] for row in values(job.file.read())[1:]]
    assert codes == [a.code for a in assessment_selectors.asset_register(owner, norrkoping)]
    assert set(codes) == {"ELEV", "NARV", "TOM"}

    # Even asked for Kultur's department id, the file holds none of its rows.
    kultur_id = InformationAsset.objects.get(code="KULT").department_id
    InitiativeFactory(department_id=kultur_id, code="KUF-Z", name="Bibliotek")
    table = asset_table(owner, norrkoping, {"department_id": kultur_id})
    assert list(table.rows) == []
    initiatives = [row[2] for row in initiative_table(owner, norrkoping, {}).rows]
    assert initiatives == ["EDU-X"]


def test_the_page_refuses_a_filter_of_another_department_and_starts_nothing(
    as_user, owner, kultur, register
):
    response = as_user(owner).post(
        reverse("spreadsheet_export_start", args=["assets"]),
        {"department": kultur.pk, "status": "approved"},
        follow=True,
    )
    assert not SpreadsheetExportJob.objects.exists()
    assert response.redirect_chain[0][0].startswith(reverse("asset_list") + "?")
    assert "status=approved" in response.redirect_chain[0][0]
    text = [str(m) for m in response.context["messages"]]
    assert len(text) == 1 and "Förvaltning" in text[0]


# --- The initiative list ---------------------------------------------------------------------


@pytest.mark.parametrize("filters", ["none", "area", "search", "department"], ids=lambda name: name)
def test_the_initiative_rows_are_the_rows_of_the_initiative_list_for_the_same_filters(
    officer, norrkoping, kultur, portfolio_data, filters
):
    chosen = {
        "none": {},
        "area": {"area_id": portfolio_data["EDU-A"].area_id},
        "search": {"q": "-b"},
        "department": {"department_id": kultur.pk},
    }[filters]
    codes = [row[2] for row in initiative_table(officer, norrkoping, chosen).rows]
    expected = assessment_selectors.initiative_list(officer, norrkoping, **chosen)
    assert codes == [i.code for i in expected] and codes


def test_an_initiative_row_carries_levels_status_readiness_figures_and_priority(
    officer, norrkoping, portfolio_data, django_capture_on_commit_callbacks
):
    InitiativePriorityFactory(initiative=portfolio_data["EDU-A"], strategic_fit=4)
    job = run_export(officer, norrkoping, "initiatives", django_capture_on_commit_callbacks)
    ws = sheet(job.file.read())
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][:4] == ["Område", "Förvaltning", "Kod", "Namn"]
    assert rows[0][4:9] == ["K", "R", "T", "S", "Högsta nivå"]
    by_code = {row[2]: (index, row) for index, row in enumerate(rows[1:], start=2)}
    assert list(by_code) == ["EDU-A", "EDU-B", "EDU-C", "KUF-A"]

    index, edu_a = by_code["EDU-A"]
    initiative = assessment_selectors.get_visible_initiative(
        officer, norrkoping, portfolio_data["EDU-A"].pk
    )
    classification = assessment_selectors.initiative_classification(initiative)
    finals = [classification.finals[code] for code in ("K", "R", "T", "S")]
    assert edu_a[4:8] == finals and edu_a[8] == max(f for f in finals if f is not None)
    assert edu_a[0] == "Education" and edu_a[9] == "Godkänd" and edu_a[10] == "ja"
    summary = BenefitSummary.objects.get(initiative=initiative, scenario="medium")
    assert edu_a[12] == pytest.approx(float(summary.npv))
    assert ws.cell(row=index, column=13).data_type == "n"
    assert edu_a[13] == pytest.approx(float(summary.payback_years))
    assert edu_a[14:17] == [4, 3, None]  # scores of the priority inputs, not forced

    _index, kuf_a = by_code["KUF-A"]
    assert kuf_a[10] == "nej" and kuf_a[11] >= 1 and kuf_a[14:17] == [None, None, None]
    # Readiness and blockers as the portfolio computes them from the sources.
    fresh = portfolio_selectors.build_rows(
        norrkoping,
        department_ids=None,
        scenario="medium",
        settings=portfolio_selectors.portfolio_settings(norrkoping),
    )
    assert {code: (row[10], row[11]) for code, (_i, row) in by_code.items()} == {
        row.code: ("ja" if row.ready else "nej", len(row.blockers)) for row in fresh
    }


# --- The audit trail -------------------------------------------------------------------------


@pytest.fixture
def trail(officer, admin, norrkoping, other_municipality, register):
    """Three events of Norrköping besides those the register left, one of Linköping."""
    audit.record(
        actor=admin,
        organisation=norrkoping,
        action="asset.updated",
        obj=register,
        before={"name": "Elevregister"},
        after={"name": "-2+3", "review_due": "2027-01-31"},
        object_repr=FORMULA,
    )
    audit.record(
        actor=officer,
        organisation=norrkoping,
        action="department.updated",
        obj=register.department,
        after={"name": "@SUMMA"},
        object_repr="+46 11 15 00 00",
    )
    audit.record(
        actor=None,
        organisation=other_municipality,
        action="asset.updated",
        obj=register,
        object_repr="Linköpings hemliga mängd",
    )


def test_the_audit_csv_opens_in_swedish_excel_and_runs_no_formula(
    officer, norrkoping, trail, django_capture_on_commit_callbacks
):
    job = run_export(
        officer,
        norrkoping,
        "audit",
        django_capture_on_commit_callbacks,
        filters={"action": "asset.updated"},
        file_format="csv",
    )
    content = job.file.read()
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";") == [
        "Tid",
        "Vem",
        "Händelse",
        "Händelsekod",
        "Objekt",
        "Före",
        "Efter",
    ]
    assert job.download_name.endswith(".csv") and job.content_type.startswith("text/csv")
    body = [line for line in lines[1:] if line]
    events = list(core_selectors.audit_events(norrkoping, action="asset.updated"))
    assert len(body) == len(events) == 1
    assert "Linköpings hemliga mängd" not in content.decode("utf-8-sig")
    newest = body[0]
    assert f"'{FORMULA}".replace('"', '""') in newest
    assert ";admin@norrkoping.se;" in newest and ";asset.updated;" in newest
    assert compact_json({"name": "Elevregister"}).replace('"', '""') in newest


def test_the_audit_rows_follow_the_audit_page_filters(officer, norrkoping, trail):
    today = timezone.localdate()
    for filters in (
        {},
        {"q": "norrkoping.se"},
        {"action": "department.updated"},
        {"date_from": today.isoformat(), "date_to": today.isoformat()},
        {"date_to": (today - timedelta(days=1)).isoformat()},
    ):
        rows = list(audit_table(norrkoping, filters).rows)
        selector = {
            key: date.fromisoformat(value) if key.startswith("date_") else value
            for key, value in filters.items()
        }
        events = list(core_selectors.audit_events(norrkoping, **selector))
        assert [(row[3], row[4]) for row in rows] == [(e.action, e.object_repr) for e in events]
    assert (
        list(audit_table(norrkoping, {"date_to": (today - timedelta(days=1)).isoformat()}).rows)
        == []
    )


def test_the_audit_workbook_has_times_as_times_and_guards_nothing_it_does_not_need_to(
    officer, norrkoping, trail, django_capture_on_commit_callbacks
):
    job = run_export(
        officer,
        norrkoping,
        "audit",
        django_capture_on_commit_callbacks,
        filters={"action": "department.updated"},
    )
    ws = sheet(job.file.read())
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    event = AuditEvent.objects.filter(action="department.updated").latest("pk")
    assert (
        len(rows)
        == 1
        + AuditEvent.objects.filter(organisation=norrkoping, action="department.updated").count()
    )
    assert isinstance(rows[1][0], datetime)
    local = timezone.localtime(event.created_at).replace(tzinfo=None)
    assert abs(rows[1][0] - local) < timedelta(seconds=1)
    assert rows[1][4] == "+46 11 15 00 00" and ws.cell(row=2, column=5).data_type == "s"
    assert rows[1][6] == compact_json({"name": "@SUMMA"})


def test_only_readers_of_the_audit_trail_export_it(
    as_user, owner, norrkoping, django_capture_on_commit_callbacks
):
    response = as_user(owner).post(reverse("spreadsheet_export_start", args=["audit"]))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        spreadsheet_export.do_request_spreadsheet_export(
            actor=owner,
            organisation=norrkoping,
            kind="audit",
            file_format="csv",
            filters={},
            language="sv",
        )
    assert not SpreadsheetExportJob.objects.exists()


def test_a_requester_who_lost_the_right_before_the_build_gets_no_file(
    officer, norrkoping, trail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = spreadsheet_export.do_request_spreadsheet_export(
            actor=officer,
            organisation=norrkoping,
            kind="audit",
            file_format="xlsx",
            filters={},
            language="sv",
        )
    Membership.objects.filter(user=officer).update(role=Role.BUSINESS_OWNER)
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == SpreadsheetExportJob.Status.FAILED and not job.file


# --- The request, the pages and who sees them ----------------------------------------------------


def test_the_request_is_audited_with_its_filters(
    owner, norrkoping, utbildning, django_capture_on_commit_callbacks
):
    job = run_export(
        owner,
        norrkoping,
        "initiatives",
        django_capture_on_commit_callbacks,
        filters={"q": "EDU", "department_id": utbildning.pk, "unknown": "x"},
    )
    event = AuditEvent.objects.get(action="spreadsheet.export_requested")
    assert event.actor == owner and event.object_id == str(job.pk)
    assert event.after == {
        "kind": "initiatives",
        "format": "xlsx",
        "language": "sv",
        "filters": {"q": "EDU", "department_id": utbildning.pk},
    }


def test_the_list_pages_carry_their_filters_to_the_export_buttons(
    as_user, officer, owner, utbildning, register
):
    client = as_user(officer)
    page = client.get(reverse("asset_list"), {"status": "approved", "q": "EL", "page": "1"})
    html = page.content.decode()
    assert f'action="{reverse("spreadsheet_export_start", args=["assets"])}"' in html
    assert '<input type="hidden" name="status" value="approved">' in html
    assert '<input type="hidden" name="q" value="EL">' in html
    assert 'name="page"' not in html.split('action="/exports/')[1].split("</form>")[0]
    assert "Exportera till Excel" in html

    initiatives = as_user(owner).get(reverse("initiative_list"), {"department": utbildning.pk})
    html = initiatives.content.decode()
    assert f'action="{reverse("spreadsheet_export_start", args=["initiatives"])}"' in html
    assert f'<input type="hidden" name="department" value="{utbildning.pk}">' in html

    trail = client.get(reverse("audit_log"), {"action": "asset.created"}).content.decode()
    assert f'action="{reverse("spreadsheet_export_start", args=["audit"])}"' in trail
    assert 'value="csv"' in trail and "Exportera till CSV" in trail
    assert '<input type="hidden" name="action" value="asset.created">' in trail


def test_only_the_requester_follows_and_downloads_an_export(
    as_user,
    owner,
    lawyer,
    admin,
    outsider,
    norrkoping,
    register,
    django_capture_on_commit_callbacks,
):
    job = run_export(owner, norrkoping, "assets", django_capture_on_commit_callbacks)
    status = reverse("spreadsheet_export_status", args=[job.pk])
    download = reverse("spreadsheet_export_download", args=[job.pk])
    assert as_user(owner).get(status).status_code == 200
    assert as_user(owner).get(download).status_code == 200
    for other in (lawyer, admin, outsider):
        assert as_user(other).get(status).status_code == 404
        assert as_user(other).get(download).status_code == 404


def test_an_unknown_list_or_format_starts_nothing(as_user, owner, norrkoping, register):
    client = as_user(owner)
    assert client.post(reverse("spreadsheet_export_start", args=["members"])).status_code == 404
    response = client.post(
        reverse("spreadsheet_export_start", args=["assets"]), {"export_format": "pdf"}, follow=True
    )
    assert not SpreadsheetExportJob.objects.exists()
    assert [str(m) for m in response.context["messages"]] == ["Välj Excel eller CSV."]
    request = dict(organisation=norrkoping, file_format="xlsx", filters={}, language="sv")
    with pytest.raises(ServiceError):
        spreadsheet_export.do_request_spreadsheet_export(actor=owner, kind="members", **request)


def test_an_outsider_exports_nothing_of_another_organisation(outsider, norrkoping, register):
    for kind in ("assets", "initiatives", "audit"):
        with pytest.raises(PermissionDenied):
            spreadsheet_export.do_request_spreadsheet_export(
                actor=outsider,
                organisation=norrkoping,
                kind=kind,
                file_format="xlsx",
                filters={},
                language="sv",
            )
    assert not SpreadsheetExportJob.objects.exists()


# --- Bounded queries -----------------------------------------------------------------------------


def _grow(organisation, department, owner, officer, start: int, count: int) -> None:
    for n in range(start, start + count):
        asset = classified(owner, officer, department, f"G{n}", {"K": 2, "R": 1, "T": 1, "S": 1})
        initiative = InitiativeFactory(department=department, code=f"GI{n}", assets=[asset])
        InitiativePriorityFactory(initiative=initiative)
        audit.record(actor=owner, organisation=organisation, action="asset.updated", obj=asset)


def _queries(build) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        rows = list(build().rows)
    assert rows
    return len(captured)


# Measured: assets 5 (scheme, aspects, levels, rows, initiatives), initiatives 7, audit 1.
QUERY_LIMITS = {"assets": 6, "initiatives": 8, "audit": 2}


@pytest.mark.parametrize("kind", ["assets", "initiatives", "audit"])
def test_building_an_export_reads_the_same_number_of_queries_at_two_sizes(
    owner, officer, norrkoping, utbildning, kind, django_assert_max_num_queries
):
    builders = {
        "assets": lambda: asset_table(owner, norrkoping, {}),
        "initiatives": lambda: initiative_table(owner, norrkoping, {}),
        "audit": lambda: audit_table(norrkoping, {}),
    }
    _grow(norrkoping, utbildning, owner, officer, 0, 2)
    builders[kind]()  # the scheme and catalogue exist from here on
    small = _queries(builders[kind])
    _grow(norrkoping, utbildning, owner, officer, 2, 10)
    with django_assert_max_num_queries(small):
        rows = list(builders[kind]().rows)
    assert len(rows) >= 12
    assert small <= QUERY_LIMITS[kind]


def test_an_export_asked_for_in_english_has_english_headers(
    officer, norrkoping, register, django_capture_on_commit_callbacks
):
    job = run_export(
        officer, norrkoping, "assets", django_capture_on_commit_callbacks, language="en"
    )
    assert job.language == "en" and job.download_name.startswith("information-assets-")
    assert values(job.file.read())[0][:3] == ["Department", "Code", "Name"]


def test_the_sweeper_sends_an_export_the_queue_lost_and_it_is_built(officer, norrkoping, register):
    job = SpreadsheetExportJob.objects.create(
        organisation=norrkoping, kind="assets", format="csv", language="sv", requested_by=officer
    )
    SpreadsheetExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    assert tasks.requeue_stale_spreadsheet_exports() == 1
    job.refresh_from_db()
    assert job.status == DONE and job.file.read().startswith(b"\xef\xbb\xbf")
