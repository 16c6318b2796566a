"""The register document klassa.register/1: validation, atomic and idempotent import,
preview, export round trips, the commands, the import page and the demo register."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import base as management_base
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from assessments import classification_rules, selectors
from assessments.defaults.scheme import LEGAL_MINIMUMS
from assessments.models import (
    Area,
    Assessment,
    InformationAsset,
    Initiative,
)
from interchange import checks, importer, register
from interchange.management.commands.import_register import Command as ImportCommand
from klassa_app.models import AuditEvent, Department, Organisation
from tests.helpers import make_document, row_counts, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def document() -> dict:
    return make_document()


@pytest.fixture
def admin_also_officer(admin, norrkoping):
    """Approved classifications in a file need the security officer's right, as in the UI."""
    from klassa_app import access
    from klassa_app.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(user=admin, organisation=norrkoping, role=Role.SECURITY_OFFICER)
    access.forget_memberships(admin)
    return admin


def test_an_admin_without_the_officers_right_cannot_import_approved_classifications(
    norrkoping, admin, document
):
    before = row_counts()
    with pytest.raises(register.RegisterInvalid) as error:
        register.import_document(document, actor=admin)
    # One refusal per approved asset, naming it (the message is in the actor's language).
    assert [(e.path, e.message.split()[0]) for e in error.value.errors] == [
        ("information_assets[0].status", "ELEV"),
        ("information_assets[1].status", "SCHEMA"),
    ]
    assert row_counts() == before


def messages_of(document: dict, expected: str | None = None) -> list[str]:
    return [str(e) for e in register.validate(document, expected)]


# --- Validation ------------------------------------------------------------------------------


def test_a_valid_document_has_no_errors(norrkoping, document):
    assert messages_of(document) == []


def test_wrong_format_is_named(norrkoping, document):
    document["format"] = "klassa.register/2"
    assert "format: must be klassa.register/1" in messages_of(document)


def test_the_spec_example_path_for_a_missing_justification(norrkoping, document):
    document["initiatives"][0]["adjustments"][0]["justification"] = "  "
    assert messages_of(document) == ["initiatives[0].adjustments[0].justification: required"]
    del document["initiatives"][0]["adjustments"][0]["justification"]
    assert messages_of(document) == ["initiatives[0].adjustments[0].justification: required"]


def test_unknown_asset_code_of_an_initiative(norrkoping, document):
    document["initiatives"][0]["assets"].append("NOPE")
    assert messages_of(document) == ["initiatives[0].assets[2]: unknown asset code"]


def test_an_initiative_may_name_an_asset_already_in_the_database(norrkoping, utbildning, document):
    InformationAsset.objects.create(
        organisation=norrkoping, department=utbildning, code="NARV", name="Närvaro"
    )
    document["initiatives"][0]["assets"].append("narv")  # codes are matched upper-case
    assert messages_of(document) == []


@pytest.mark.parametrize("value", [5, -1, True, False, 2.0, "2", None])
def test_a_level_must_be_an_ordinal_of_the_scale(norrkoping, document, value):
    document["information_assets"][1]["levels"]["R"] = value
    expected = (
        "information_assets[1].levels.R: required"
        if value is None
        else "information_assets[1].levels.R: must be a level from 0 to 4"
    )
    assert messages_of(document) == [expected]


def test_an_unknown_aspect_is_refused(norrkoping, document):
    document["information_assets"][1]["levels"]["X"] = 1
    document["initiatives"][0]["adjustments"][0]["aspect"] = "Q"
    assert messages_of(document) == [
        "information_assets[1].levels.X: unknown aspect",
        "initiatives[0].adjustments[0].aspect: unknown aspect",
    ]


def test_lowering_below_the_computed_level_needs_distribution(norrkoping, document):
    adjustment = document["initiatives"][0]["adjustments"][0]
    adjustment.update(aspect="K", level=1, reason="aggregation")
    assert messages_of(document) == [
        "initiatives[0].adjustments[0].reason: only a documented distribution effect may "
        "lower a level below the computed one"
    ]
    adjustment["reason"] = "distribution"
    assert messages_of(document) == []


def test_the_computed_level_of_an_adjustment_uses_database_levels(norrkoping, utbildning, document):
    InformationAsset.objects.create(
        organisation=norrkoping,
        department=utbildning,
        code="NARV",
        name="Närvaro",
        levels={"K": 2, "R": 2, "T": 4, "S": 2},
        status=InformationAsset.Status.APPROVED,
    )
    document["initiatives"][0]["assets"].append("NARV")  # T computed 4: 3 is lowering now
    assert messages_of(document) == [
        "initiatives[0].adjustments[0].reason: only a documented distribution effect may "
        "lower a level below the computed one"
    ]


def test_adjustment_reason_level_and_duplicate_aspect(norrkoping, document):
    adjustments = document["initiatives"][0]["adjustments"]
    adjustments[0]["reason"] = "because"
    adjustments.append(dict(adjustments[0], reason="cumulation", level=9))
    adjustments.append(dict(adjustments[0], aspect="K", level=9, reason="cumulation"))
    assert messages_of(document) == [
        "initiatives[0].adjustments[0].reason: must be one of cumulation, aggregation, "
        "dependency, distribution, other",
        "initiatives[0].adjustments[1].aspect: duplicate aspect",
        "initiatives[0].adjustments[2].level: must be a level from 0 to 4",
    ]


def test_duplicate_codes_in_a_list(norrkoping, document):
    document["departments"].append({"code": "utb", "name": "Igen"})
    document["information_assets"].append(copy.deepcopy(document["information_assets"][0]))
    document["initiatives"].append(copy.deepcopy(document["initiatives"][0]))
    document["initiatives"][0]["assets"].append("ELEV")
    assert messages_of(document) == [
        "departments[1].code: duplicate code",
        "information_assets[2].code: duplicate code",
        "initiatives[0].assets[2]: duplicate code",
        "initiatives[1].code: duplicate code",
    ]


def test_personal_data_must_be_one_of_the_choices(norrkoping, document):
    document["information_assets"][1]["legal"]["personal_data"] = "maybe"
    assert messages_of(document) == [
        "information_assets[1].legal.personal_data: must be one of no, yes, special_categories"
    ]


def test_approved_needs_a_level_for_every_aspect(norrkoping, document):
    del document["information_assets"][1]["levels"]
    del document["information_assets"][0]["levels"]["S"]
    assert messages_of(document) == [
        "information_assets[0].levels.S: required for an approved classification",
        "information_assets[1].levels: required for an approved classification",
    ]
    document["information_assets"][1]["status"] = "draft"
    document["information_assets"][0]["status"] = "draft"
    assert messages_of(document) == []


def test_status_must_be_draft_or_approved(norrkoping, document):
    document["information_assets"][1]["status"] = "in_consensus"
    assert messages_of(document) == ["information_assets[1].status: must be draft or approved"]


def test_levels_below_the_legal_minimum_are_refused(norrkoping, document):
    levels = document["information_assets"][0]["levels"]  # special categories and secrecy
    levels.update(K=2, R=1, S=1)
    assert messages_of(document) == [
        "information_assets[0].levels.K: below the legal minimum 3",
        "information_assets[0].levels.R: below the legal minimum 2",
        "information_assets[0].levels.S: below the legal minimum 2",
    ]


def test_secrecy_alone_lifts_confidentiality(norrkoping, document):
    document["information_assets"][1]["legal"]["secrecy"] = "OSL 21 kap. 7 §"
    assert messages_of(document) == ["information_assets[1].levels.K: below the legal minimum 2"]
    document["information_assets"][1]["legal"]["secrecy"] = ""  # empty means no secrecy
    assert messages_of(document) == []


def test_top_level_or_protective_security_cannot_be_approved_by_file(norrkoping, document):
    document["information_assets"][1]["levels"]["R"] = 4
    document["information_assets"][0]["legal"]["protective_security"] = True
    message = (
        "requires protective-security analysis and cannot be approved through the ordinary path"
    )
    assert messages_of(document) == [
        f"information_assets[0].status: {message}",
        f"information_assets[1].status: {message}",
    ]
    for item in document["information_assets"]:
        item["status"] = "draft"
    assert messages_of(document) == []


def test_a_forced_priority_needs_a_reason(norrkoping, document):
    document["initiatives"][0]["priority"] = {"forced": "in", "forced_reason": " "}
    assert messages_of(document) == ["initiatives[0].priority.forced_reason: required"]
    document["initiatives"][0]["priority"] = {"forced": "sideways"}
    assert messages_of(document) == ['initiatives[0].priority.forced: must be null, "in" or "out"']
    document["initiatives"][0]["priority"] = {"forced": "out", "forced_reason": "Lagkrav"}
    assert messages_of(document) == []


def test_unknown_department_and_fields(norrkoping, document):
    document["information_assets"][0]["department"] = "VOO"
    document["initiatives"][0]["colour"] = "blue"
    assert messages_of(document) == [
        "information_assets[0].department: unknown department code",
        "initiatives[0].colour: unknown field",
    ]


def test_a_department_already_in_the_database_may_be_named(norrkoping, kultur, document):
    document["information_assets"][0]["department"] = "KUF"
    assert messages_of(document) == []


def test_the_organisation_must_be_the_expected_one(norrkoping, document):
    assert messages_of(document, "linkoping") == ["organisation.code: must be linkoping"]


def test_not_an_object_and_missing_parts(db):
    assert messages_of([]) == ["document: must be a JSON object"]
    assert messages_of({"format": "klassa.register/1"}) == ["organisation: required"]


def test_every_error_is_reported_not_only_the_first(norrkoping, document):
    document["format"] = "x"
    document["information_assets"][0]["levels"]["K"] = 7
    document["initiatives"][0]["assets"] = ["NOPE"]
    document["initiatives"][0]["adjustments"][0]["justification"] = ""
    assert len(messages_of(document)) == 4


def test_validation_follows_the_organisations_scheme():
    """Pure check: a scheme with three aspects of three levels (S switched off)."""
    context = register.RegisterContext(
        aspects=("K", "R", "T"),
        tops={"K": 2, "R": 2, "T": 2},
        legal_minimums={"special_categories": {"K": 3}},
    )
    document = make_document()
    document["information_assets"][0]["levels"] = {"K": 2, "R": 2, "T": 2}
    document["information_assets"][1]["levels"] = {"K": 1, "R": 1, "T": 2, "S": 1}
    document["initiatives"][0]["adjustments"][0]["level"] = 3
    for item in document["information_assets"]:
        item["status"] = "draft"  # level 2 is this scale's top: not approvable by file
    errors = [str(e) for e in register.check_document(document, context)]
    assert errors == [
        # The minimum never exceeds the top of the scale: K 2 is the legal minimum here.
        "information_assets[1].levels.S: unknown aspect",
        "initiatives[0].adjustments[0].level: must be a level from 0 to 2",
    ]


# --- Import ----------------------------------------------------------------------------------


def test_import_creates_the_register_with_approved_classifications(
    norrkoping, admin, admin_also_officer, document
):
    norrkoping.review_interval_months = 6
    norrkoping.save()
    summary = register.import_document(document, actor=admin)
    assert summary.departments.created == ["UTB"]
    assert summary.information_assets.created == ["ELEV", "SCHEMA"]
    assert summary.classifications.created == ["ELEV", "SCHEMA"]
    assert summary.initiatives.created == ["EDU-A"]

    elev = InformationAsset.objects.get(organisation=norrkoping, code="ELEV")
    assert elev.status == InformationAsset.Status.APPROVED
    assert elev.levels == {"K": 3, "R": 2, "T": 2, "S": 2}
    assert elev.secrecy and elev.secrecy_reference == "OSL 23 kap. 2 §"
    today = timezone.localdate()
    assert elev.review_due == classification_rules.add_months(today, 6)
    version = elev.assessments.get()
    assert version.source == "import" and version.status == Assessment.Status.APPROVED
    assert version.approved_by == admin and version.approved_at is not None
    k = version.results.get(aspect_code="K")
    assert (k.computed_level, k.override_level, k.final_level) == (None, 3, 3)
    assert k.override_reason == "Importerad från registerfil" and k.minimum_level == 3

    initiative = Initiative.objects.get(organisation=norrkoping, code="EDU-A")
    assert initiative.area.name == "Education"
    assert initiative.action_plan_catalogue is not None
    classification = selectors.initiative_classification(initiative)
    assert classification.aspects["T"].computed == 2
    assert classification.aspects["T"].final == 3
    assert classification.status == "approved"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"register.imported", "asset.created", "assessment.imported"} <= actions
    assert AuditEvent.objects.get(action="register.imported").actor == admin


def test_a_draft_is_imported_as_a_draft(norrkoping, document):
    document["information_assets"][1]["status"] = "draft"
    del document["information_assets"][1]["levels"]["S"]
    register.import_document(document, actor=None)
    schema = InformationAsset.objects.get(code="SCHEMA")
    assert schema.status == InformationAsset.Status.DRAFT
    assert schema.levels == {"K": 1, "R": 1, "T": 2}
    assert schema.review_due is None
    initiative = Initiative.objects.get(code="EDU-A")
    assert selectors.initiative_classification(initiative).status == "provisional"


def test_an_invalid_document_changes_nothing(norrkoping, utbildning, document):
    document["initiatives"].append(
        dict(copy.deepcopy(document["initiatives"][0]), code="EDU-B", assets=["NOPE"])
    )
    before = row_counts()
    with pytest.raises(register.RegisterInvalid) as invalid:
        register.import_document(document, actor=None)
    assert [str(e) for e in invalid.value.errors] == [
        "initiatives[1].assets[0]: unknown asset code"
    ]
    assert row_counts() == before


def test_importing_the_same_document_twice_changes_nothing(
    norrkoping, admin, admin_also_officer, document
):
    register.import_document(document, actor=admin)
    before = row_counts()
    summary = register.import_document(document, actor=admin)
    assert row_counts() == before  # no new versions and no audit events
    assert not summary.changed
    assert summary.classifications.unchanged == ["ELEV", "SCHEMA"]
    assert summary.initiatives.unchanged == ["EDU-A"]


def test_changed_levels_make_a_new_version_and_supersede_the_old(norrkoping, document):
    register.import_document(document, actor=None)
    document["information_assets"][1]["levels"]["T"] = 3
    document["information_assets"][1]["name"] = "Schema"
    summary = register.import_document(document, actor=None)
    assert summary.classifications.updated == ["SCHEMA"]
    assert summary.information_assets.updated == ["SCHEMA"]
    schema = InformationAsset.objects.get(code="SCHEMA")
    statuses = dict(schema.assessments.values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "approved"}
    assert schema.levels["T"] == 3 and schema.name == "Schema"
    updated = AuditEvent.objects.get(action="asset.updated")
    assert updated.before["name"] == "Informationsmängd SCHEMA"


def test_a_draft_beside_an_approved_version_is_a_reassessment(norrkoping, document):
    register.import_document(document, actor=None)
    document["information_assets"][1].update(status="draft")
    document["information_assets"][1]["levels"]["T"] = 3
    summary = register.import_document(document, actor=None)
    assert summary.classifications.updated == ["SCHEMA"]
    schema = InformationAsset.objects.get(code="SCHEMA")
    # The approved version still rules until the new one is approved.
    assert schema.status == InformationAsset.Status.APPROVED and schema.levels["T"] == 2
    assert dict(schema.assessments.values_list("version", "status")) == {
        1: "approved",
        2: "draft",
    }
    before = row_counts()
    assert not register.import_document(document, actor=None).changed
    assert row_counts() == before


def test_links_and_adjustments_are_set_exactly(norrkoping, document):
    register.import_document(document, actor=None)
    initiative = document["initiatives"][0]
    initiative["assets"] = ["ELEV"]
    initiative["adjustments"] = [
        {"aspect": "R", "level": 3, "reason": "aggregation", "justification": "Samlad bild"}
    ]
    summary = register.import_document(document, actor=None)
    assert summary.initiatives.updated == ["EDU-A"]
    edu = Initiative.objects.get(code="EDU-A")
    assert [a.code for a in edu.assets.all()] == ["ELEV"]
    assert [(a.aspect_code, a.level) for a in edu.adjustments.all()] == [("R", 3)]
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert {"initiative.assets_changed", "initiative.adjustment_removed"} <= set(actions)


def test_objects_missing_from_the_file_are_kept(norrkoping, utbildning, document):
    register.import_document(document, actor=None)
    document["information_assets"] = document["information_assets"][:1]
    document["initiatives"][0]["assets"] = ["ELEV", "SCHEMA"]  # SCHEMA is now only in the DB
    assert not register.import_document(document, actor=None).changed
    assert InformationAsset.objects.filter(code="SCHEMA").exists()


def test_a_new_legal_trigger_brings_the_approved_review_forward(norrkoping, document):
    register.import_document(document, actor=None)
    del document["information_assets"][1]["levels"]  # levels stay as they are
    document["information_assets"][1]["status"] = "draft"
    document["information_assets"][1]["legal"]["personal_data"] = "yes"
    summary = register.import_document(document, actor=None)
    assert summary.information_assets.updated == ["SCHEMA"]
    assert not summary.classifications.changed
    schema = InformationAsset.objects.get(code="SCHEMA")
    assert schema.status == InformationAsset.Status.APPROVED
    assert schema.review_due == timezone.localdate()  # as the edit form does


def test_a_new_organisation_is_created_by_the_command_path(db, document):
    document["organisation"] = {"code": "Motala", "name": "Motala kommun"}
    summary = register.import_document(document, actor=None)
    assert summary.organisation_created and summary.organisation == "motala"
    motala = Organisation.objects.get(code="motala")
    assert motala.kind == Organisation.Kind.MUNICIPALITY
    assert AuditEvent.objects.filter(action="organisation.created", organisation=motala).exists()


def test_people_import_only_into_an_organisation_they_administer(
    norrkoping, owner, outsider, document
):
    before = row_counts()
    with pytest.raises(PermissionDenied):
        register.import_document(document, actor=owner)
    with pytest.raises(PermissionDenied):
        register.import_document(document, actor=outsider)
    assert row_counts() == before


def test_preview_reports_the_changes_without_making_them(norrkoping, document):
    before = row_counts()
    summary = register.preview(document, norrkoping)
    assert summary.information_assets.created == ["ELEV", "SCHEMA"]
    assert summary.initiatives.created == ["EDU-A"]
    assert row_counts() == before
    with pytest.raises(register.RegisterInvalid):
        register.preview(document, Organisation.objects.create(code="x", name="X", kind="region"))


# --- Export and round trips -----------------------------------------------------------------


def test_export_has_the_shape_and_computed_fields(register_made_in_the_ui):
    exported = register.export_document(register_made_in_the_ui)
    assert exported["format"] == "klassa.register/1"
    assert exported["organisation"] == {"code": "norrkoping", "name": "Norrköpings kommun"}
    elev, narv = exported["information_assets"]
    assert elev["legal"] == {
        "personal_data": "special_categories",
        "secrecy": "OSL 23 kap. 2 §",
        "protective_security": False,
    }
    assert elev["levels"] == {"K": 3, "R": 2, "T": 2, "S": 2} and elev["status"] == "approved"
    assert narv["levels"] == {"K": 1, "T": 3} and narv["status"] == "draft"
    assert narv["legal"]["secrecy"] is None
    edu_a, edu_z = exported["initiatives"]
    assert edu_a["classification"]["K"] == {"computed": 3, "final": 3, "sources": ["ELEV"]}
    assert edu_a["classification"]["R"] == {"computed": 2, "final": 3, "sources": ["ELEV"]}
    assert edu_a["classification_status"] == "provisional"  # NARV is a draft
    # Neither has a benefit model: that blocker comes last, as the format orders them.
    assert edu_a["blockers"] == ["asset_not_approved:NARV", "no_benefit_model"]
    assert edu_a["ready"] is False
    assert edu_z["blockers"] == ["no_assets", "no_benefit_model"] and edu_z["assets"] == []
    assert "benefit_model" not in edu_a and "priority" not in edu_a
    assert "portfolio" not in exported


def test_export_imports_back_into_the_same_organisation_unchanged(register_made_in_the_ui):
    exported = register.export_document(register_made_in_the_ui)
    before = row_counts()
    summary = register.import_document(exported, actor=None)
    assert not summary.changed
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)  # PostgreSQL cannot TRUNCATE inside the test's transaction
def test_export_import_into_an_empty_database_export_again_is_identical(
    register_made_in_the_ui,
):
    exported = register.export_document(register_made_in_the_ui)
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not Organisation.objects.exists() and not InformationAsset.objects.exists()
    register.import_document(exported, actor=None)
    organisation = Organisation.objects.get(code="norrkoping")
    again = register.export_document(organisation)
    assert again == exported
    assert json.dumps(again, ensure_ascii=False) == json.dumps(exported, ensure_ascii=False)


# --- Commands --------------------------------------------------------------------------------


def write(tmp_path, document) -> str:
    path = tmp_path / "register.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_import_command_prints_a_summary_line(norrkoping, tmp_path, document):
    out = StringIO()
    call_command("import_register", write(tmp_path, document), stdout=out)
    assert out.getvalue().startswith("Imported norrkoping:")
    assert "information assets 2 created" in out.getvalue()
    assert InformationAsset.objects.count() == 2


def test_import_command_prints_errors_and_exits_1_having_changed_nothing(
    norrkoping, tmp_path, capsys, monkeypatch, document
):
    # run_from_argv is what manage.py runs; it closes the connections the test still needs.
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)
    document["initiatives"][0]["adjustments"][0]["justification"] = ""
    document["information_assets"][0]["levels"]["K"] = 2
    before = row_counts()
    with pytest.raises(SystemExit) as exit_info:
        ImportCommand().run_from_argv(["manage.py", "import_register", write(tmp_path, document)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "information_assets[0].levels.K: below the legal minimum 3\n" in err
    assert "initiatives[0].adjustments[0].justification: required\n" in err
    assert "2 errors; nothing was imported." in err
    assert row_counts() == before


def test_import_command_refuses_bad_json_and_missing_files(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON") as error:
        call_command("import_register", str(path))
    assert error.value.returncode == 1
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_register", str(tmp_path / "missing.json"))


def test_import_command_dry_run_changes_nothing(norrkoping, tmp_path, document):
    out = StringIO()
    call_command("import_register", write(tmp_path, document), "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would import norrkoping:")
    assert not InformationAsset.objects.exists()


def test_export_command_prints_the_document_as_json(register_made_in_the_ui):
    out = StringIO()
    call_command("export_register", "--organisation", "norrkoping", stdout=out)
    assert json.loads(out.getvalue()) == register.export_document(register_made_in_the_ui)
    assert "Närvaro" in out.getvalue()  # not escaped
    assert out.getvalue().startswith('{\n  "format"')


def test_export_command_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("export_register", "--organisation", "atlantis")


# --- The import page -------------------------------------------------------------------------


def test_admin_previews_then_confirms_the_import(
    as_user, admin, admin_also_officer, norrkoping, document
):
    client = as_user(admin)
    assert client.get(reverse("register_import")).status_code == 200
    before = row_counts()
    response = client.post(reverse("register_import"), {"file": upload(document)})
    assert response.status_code == 200
    assert row_counts() == before  # a preview writes nothing
    summary = response.context["summary"]
    assert summary.information_assets.created == ["ELEV", "SCHEMA"]
    page = response.content.decode()
    assert "ELEV, SCHEMA" in page and "EDU-A" in page
    summary_digest = response.context["digest"]
    response = client.post(
        reverse("register_import"), {"action": "confirm", "digest": summary_digest}
    )
    assert response.status_code == 302
    assert set(InformationAsset.objects.values_list("code", flat=True)) == {"ELEV", "SCHEMA"}
    assert AuditEvent.objects.get(action="register.imported").actor == admin
    page = client.get(response.url).content.decode()
    assert "alert-success" in page
    # A preview is used once: confirming it again imports nothing more.
    response = client.post(
        reverse("register_import"), {"action": "confirm", "digest": summary_digest}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="register.imported").count() == 1


def test_confirm_imports_exactly_the_previewed_document(
    as_user, admin, admin_also_officer, norrkoping, document
):
    client = as_user(admin)
    first = client.post(reverse("register_import"), {"file": upload(document)})
    changed = copy.deepcopy(document)
    changed["information_assets"] = changed["information_assets"][:1]
    changed["initiatives"][0]["assets"] = ["ELEV"]
    client.post(reverse("register_import"), {"file": upload(changed)})
    # The first preview's digest no longer matches what the session holds.
    response = client.post(
        reverse("register_import"), {"action": "confirm", "digest": first.context["digest"]}
    )
    assert response.status_code == 302
    assert not InformationAsset.objects.exists()


def test_the_page_lists_validation_errors_with_their_paths(as_user, admin, norrkoping, document):
    document["initiatives"][0]["adjustments"][0]["justification"] = ""
    client = as_user(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages in the reader's language
    response = client.post(reverse("register_import"), {"file": upload(document)})
    assert response.status_code == 200
    assert "initiatives[0].adjustments[0].justification</code>: required" in (
        response.content.decode()
    )
    assert "summary" not in response.context


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        # The page speaks Swedish by default.
        (b'{"format": ', "register.json", "inte giltig JSON"),
        (b'{"format": "other"}', "register.json", "inte ett register från Klassa"),
        (b"[1, 2]", "register.json", "inte ett register från Klassa"),
        (b"{}", "register.txt", ".json"),
        (b"\xff\xfe{", "register.json", "UTF-8"),
    ],
)
def test_a_file_that_is_not_a_register_is_refused_on_the_field(
    as_user, admin, content, name, message
):
    response = as_user(admin).post(
        reverse("register_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["file"])


def test_a_file_over_5_mb_is_refused(as_user, admin):
    big = SimpleUploadedFile("register.json", b" " * (5 * 1024 * 1024 + 1))
    response = as_user(admin).post(reverse("register_import"), {"file": big})
    assert response.context["form"].errors["file"] == ["Filen är större än 5 MB."]


def test_a_business_owner_may_not_import(as_user, owner, document):
    client = as_user(owner)
    assert client.get(reverse("register_import")).status_code == 403
    response = client.post(reverse("register_import"), {"file": upload(document)})
    assert response.status_code == 403
    assert not InformationAsset.objects.exists()


def test_another_organisations_admin_cannot_import_into_norrkoping(
    as_user, outsider, norrkoping, document
):
    response = as_user(outsider).post(reverse("register_import"), {"file": upload(document)})
    assert response.status_code == 200
    assert [str(e) for e in response.context["errors"]] == ["organisation.code: must be linkoping"]
    assert not InformationAsset.objects.exists()
    assert not Department.objects.filter(organisation=norrkoping).exists()


# --- The demo register -----------------------------------------------------------------------


def test_the_demo_register_imports_with_the_decks_education_initiatives(db):
    summary = register.load_demo_register()
    # The deck's nine areas, three sub-initiatives each, and the five shared platforms.
    assert len(summary.initiatives.created) == 32
    assert {"EDU-A", "EDU-B", "EDU-C", "PLAT-M365"} <= set(summary.initiatives.created)
    assert Area.objects.filter(organisation__code="norrkoping").count() == 10
    edu_a = Initiative.objects.get(organisation__code="norrkoping", code="EDU-A")
    classification = selectors.initiative_classification(edu_a)
    assert classification.aspects["K"].computed == 3
    assert classification.aspects["K"].sources == ("ELEV",)
    assert classification.aspects["T"].final == 3
    assert classification.aspects["T"].adjustment.reason == "cumulation"
    assert classification.status == "approved" and classification.blockers == []
    edu_b = Initiative.objects.get(code="EDU-B")
    assert selectors.initiative_classification(edu_b).status == "provisional"
    assert edu_a.area.name == "Utbildning"  # the deck calls it Education
    assert not register.load_demo_register().changed


def test_every_demo_level_respects_the_legal_minimums():
    document = json.loads(importer.DEMO_REGISTER.read_text(encoding="utf-8"))
    for item in document["information_assets"]:
        triggers = checks.legal_triggers(
            item["legal"]["personal_data"], bool(item["legal"]["secrecy"])
        )
        for aspect, minimum in classification_rules.minimum_levels(
            triggers, LEGAL_MINIMUMS
        ).items():
            assert item["levels"][aspect] >= minimum, (item["code"], aspect)


def test_the_demo_register_joins_the_demo_organisation(norrkoping, utbildning):
    register.load_demo_register()
    assert Organisation.objects.filter(code="norrkoping").count() == 1
    assert Department.objects.get(organisation=norrkoping, code="UTB").name == (
        "Utbildningskontoret"
    )
    assert (
        InformationAsset.objects.filter(organisation=norrkoping, department=utbildning).count() == 6
    )


def test_review_of_an_imported_approval_starts_from_the_import(db):
    register.load_demo_register()
    elev = InformationAsset.objects.get(code="ELEV")
    assert elev.review_due > timezone.localdate() + timedelta(days=300)


# --- Benefit models, priority and portfolio in the register ----------------------------------


def test_benefit_model_errors_name_the_full_path_and_change_nothing(norrkoping, document):
    from benefits.models import BenefitModel

    document["initiatives"][0]["benefit_model"]["levers"][0]["amount"] = -1
    document["initiatives"][0]["benefit_model"]["horizon_years"] = 0
    before = row_counts()
    with pytest.raises(register.RegisterInvalid) as error:
        register.import_document(document, actor=None)
    messages = [str(e) for e in error.value.errors]
    assert "initiatives[0].benefit_model.levers[0].amount: must be 0 or more" in messages
    assert (
        "initiatives[0].benefit_model.horizon_years: must be a whole number from 1 to 30"
        in messages
    )
    assert row_counts() == before
    assert not BenefitModel.objects.exists()


def test_import_saves_benefit_model_priority_and_portfolio_idempotently(norrkoping, document):
    from benefits.models import BenefitModel
    from portfolio.models import InitiativePriority, PortfolioSettings

    document["initiatives"][0]["priority"] = {
        "strategic_fit": 4,
        "time_criticality": 5,
        "duration_weeks": 67,
        "forced": "in",
        "forced_reason": "Decided by the education committee",
    }
    summary = register.import_document(document, actor=None)
    assert summary.changed
    model = BenefitModel.objects.get(initiative__code="EDU-A")
    assert model.document["levers"][0]["amount"] == "900000"  # canonical decimal text
    priority = InitiativePriority.objects.get(initiative__code="EDU-A")
    assert (priority.strategic_fit, priority.time_criticality, priority.duration_weeks) == (
        4,
        5,
        67,
    )
    assert (priority.forced, priority.forced_reason) == ("in", "Decided by the education committee")
    settings = PortfolioSettings.objects.get(organisation=norrkoping)
    assert (settings.year, settings.budget, settings.scenario) == (2027, 50_000_000, "medium")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "benefit_model.imported",
        "portfolio.priority_imported",
        "portfolio.settings_imported",
    } <= actions

    events = AuditEvent.objects.count()
    again = register.import_document(document, actor=None)
    assert not again.changed
    assert AuditEvent.objects.count() == events
    assert BenefitModel.objects.get(pk=model.pk).lock_version == model.lock_version


def test_a_changed_benefit_model_is_replaced_and_its_version_bumped(norrkoping, document):
    from benefits.models import BenefitModel

    register.import_document(document, actor=None)
    document["initiatives"][0]["benefit_model"]["levers"][0]["amount"] = 1200000
    summary = register.import_document(document, actor=None)
    assert summary.initiatives.updated == ["EDU-A"]
    model = BenefitModel.objects.get(initiative__code="EDU-A")
    assert model.document["levers"][0]["amount"] == "1200000"
    assert model.lock_version == 1


@pytest.mark.parametrize(
    ("priority", "message"),
    [
        (
            {"strategic_fit": 6},
            "priority.strategic_fit: must be a whole number from 1 to 5, or null",
        ),
        (
            {"time_criticality": 0},
            "priority.time_criticality: must be a whole number from 1 to 5, or null",
        ),
        (
            {"duration_weeks": 0},
            "priority.duration_weeks: must be a whole number from 1 to 520, or null",
        ),
        ({"forced": "maybe"}, 'priority.forced: must be null, "in" or "out"'),
        ({"weight": 3}, "priority.weight: unknown field"),
    ],
)
def test_priority_fields_are_checked(norrkoping, document, priority, message):
    document["initiatives"][0]["priority"] = priority
    errors = [str(e) for e in register.validate(document)]
    assert errors == [f"initiatives[0].{message}"]


@pytest.mark.parametrize(
    ("portfolio", "message"),
    [
        ({"budget": -1}, "portfolio.budget: must be 0 or more"),
        ({"budget": "lots"}, "portfolio.budget: must be a number"),
        ({"scenario": "best"}, "portfolio.scenario: must be low, medium or high"),
        ({"year": 1999}, "portfolio.year: must be a year from 2000 to 2100"),
        ({"currency": "SEK"}, "portfolio.currency: unknown field"),
    ],
)
def test_portfolio_fields_are_checked(norrkoping, document, portfolio, message):
    document["portfolio"] = portfolio
    assert [str(e) for e in register.validate(document)] == [message]


def test_export_writes_benefit_model_priority_and_portfolio_back(norrkoping, document):
    register.import_document(document, actor=None)
    exported = register.export_document(norrkoping)
    edu_a = exported["initiatives"][0]
    assert edu_a["benefit_model"]["name"] == "Personal dashboard"
    assert edu_a["priority"] == {
        "strategic_fit": 4,
        "time_criticality": None,
        "duration_weeks": None,
        "forced": None,
        "forced_reason": "",
    }
    assert "no_benefit_model" not in edu_a["blockers"]
    assert exported["portfolio"] == {
        "year": 2027,
        "budget": "50000000.00",
        "scenario": "medium",
        "budgets": {"2027": "50000000.00"},
    }
    before = row_counts()
    assert not register.import_document(exported, actor=None).changed
    assert row_counts() == before
