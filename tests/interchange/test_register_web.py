"""Register import from the web: the preview runs the import's checks with the person who will
confirm, so what the import would refuse is refused in the preview (no confirm button).
Admins and security officers import; approved classifications are the security officer's."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import Assessment, InformationAsset
from interchange import register
from interchange.register_views import SESSION_KEY
from klassa_app.models import AuditEvent
from tests.helpers import make_document, row_counts, upload

pytestmark = pytest.mark.django_db

CONFIRM_BUTTON = 'name="action" value="confirm"'
URL = "register_import"


@pytest.fixture
def document() -> dict:
    """Two new assets marked approved (ELEV, SCHEMA), an initiative and portfolio settings."""
    return make_document()


def drafts(document: dict) -> dict:
    changed = copy.deepcopy(document)
    for item in changed["information_assets"]:
        item["status"] = "draft"
    return changed


def preview(client, document: dict):
    return client.post(reverse(URL), {"file": upload(document)})


def confirm(client, digest: str):
    return client.post(reverse(URL), {"action": "confirm", "digest": digest})


# --- The admin: everything except approved classifications -----------------------------------


def test_an_admins_preview_of_approved_assets_names_them_and_offers_no_confirm(
    as_user, admin, norrkoping, document
):
    client = as_user(admin)
    before = row_counts()
    response = preview(client, document)
    assert response.status_code == 200
    page = response.content.decode()
    assert CONFIRM_BUTTON not in page
    assert "summary" not in response.context and "digest" not in response.context
    assert SESSION_KEY not in client.session  # nothing kept that a confirm could import
    assert [(e.path, e.message.split()[0]) for e in response.context["errors"]] == [
        ("information_assets[0].status", "ELEV"),
        ("information_assets[1].status", "SCHEMA"),
    ]
    # In Swedish, the path kept as it is in the file.
    assert (
        "<code>information_assets[0].status</code>: ELEV är godkänd i filen, och bara "
        "informationssäkerhetssamordnaren importerar godkända informationsklassningar"
    ) in page
    assert "låt informationssäkerhetssamordnaren importera filen" in page
    # The upload page says so before any file.
    assert "markera dem som utkast" in client.get(reverse(URL)).content.decode()
    assert row_counts() == before


def test_the_admins_refusal_is_in_english_in_the_english_ui(as_user, admin, norrkoping, document):
    client = as_user(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = preview(client, document).content.decode()
    assert (
        "<code>information_assets[1].status</code>: SCHEMA is approved in the file, and only the "
        "information-security officer imports approved classifications"
    ) in page
    assert CONFIRM_BUTTON not in page


def test_preview_and_import_refuse_the_admin_alike(norrkoping, admin, document):
    before = row_counts()
    with pytest.raises(register.RegisterInvalid) as previewed:
        register.preview(document, norrkoping, actor=admin)
    with pytest.raises(register.RegisterInvalid) as imported:
        register.import_document(document, actor=admin, organisation_code_expected="norrkoping")
    assert previewed.value.errors == imported.value.errors
    assert row_counts() == before


def test_the_admin_imports_the_same_file_with_its_classifications_as_drafts(
    as_user, admin, norrkoping, document
):
    client = as_user(admin)
    response = preview(client, drafts(document))
    assert CONFIRM_BUTTON in response.content.decode()
    assert confirm(client, response.context["digest"]).status_code == 302
    assert set(
        Assessment.objects.filter(asset__organisation=norrkoping).values_list("status", flat=True)
    ) == {Assessment.Status.DRAFT}


def test_the_admin_imports_a_file_whose_approved_classifications_are_already_in_place(
    as_user, admin, officer, norrkoping, document
):
    """An export carries every approved classification: the admin may import it back to
    change other things, since only a classification that changes needs the officer."""
    register.import_document(document, actor=officer)
    document["initiatives"][0]["name"] = "Personal dashboard 2"
    client = as_user(admin)
    response = preview(client, document)
    assert CONFIRM_BUTTON in response.content.decode()
    assert response.context["summary"].initiatives.updated == ["EDU-A"]
    assert response.context["summary"].classifications.unchanged == ["ELEV", "SCHEMA"]
    assert confirm(client, response.context["digest"]).status_code == 302
    assert AuditEvent.objects.filter(action="register.imported", actor=admin).count() == 1


# --- The security officer: everything, approved classifications included ----------------------


def test_the_security_officer_previews_and_imports_approved_classifications(
    as_user, officer, norrkoping, document
):
    client = as_user(officer)
    assert "Importera register" in client.get(reverse("asset_list")).content.decode()
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert "markera dem som utkast" not in page.content.decode()
    before = row_counts()
    response = preview(client, document)
    assert response.status_code == 200
    assert CONFIRM_BUTTON in response.content.decode()
    assert response.context["summary"].classifications.created == ["ELEV", "SCHEMA"]
    assert row_counts() == before  # a preview writes nothing
    response = confirm(client, response.context["digest"])
    assert response.status_code == 302
    approved = Assessment.objects.filter(asset__organisation=norrkoping)
    assert {(a.asset.code, a.status, a.approved_by) for a in approved} == {
        ("ELEV", Assessment.Status.APPROVED, officer),
        ("SCHEMA", Assessment.Status.APPROVED, officer),
    }
    assert set(InformationAsset.objects.values_list("status", flat=True)) == {"approved"}
    assert AuditEvent.objects.get(action="register.imported").actor == officer
    assert "alert-success" in client.get(response.url).content.decode()


# --- Everyone else ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["culture_viewer", "owner", "lawyer"])
def test_other_roles_are_refused_the_import_page(request, as_user, persona, norrkoping, document):
    client = as_user(request.getfixturevalue(persona))
    before = row_counts()
    assert client.get(reverse(URL)).status_code == 403
    assert preview(client, document).status_code == 403
    assert confirm(client, "0" * 64).status_code == 403
    assert "Importera register" not in client.get(reverse("asset_list")).content.decode()
    assert row_counts() == before


def test_a_viewer_calling_the_import_directly_is_refused_in_swedish(
    norrkoping, culture_viewer, document
):
    with pytest.raises(PermissionDenied, match="Bara organisationsadministratörer och informat"):
        register.import_document(document, actor=culture_viewer)
    assert not InformationAsset.objects.exists()


def test_an_outsider_neither_previews_nor_confirms_into_another_organisation(
    as_user, admin, officer, outsider, norrkoping, document
):
    """Linköping's admin has an import page of their own (the page has no object in its URL,
    so there is nothing to answer 404 for); Norrköping's file and preview stay out of reach."""
    officer_client = as_user(officer)
    digest = preview(officer_client, document).context["digest"]
    client = as_user(outsider)
    page = client.get(reverse(URL)).content.decode()
    assert "Linköpings kommun" in page and "Norrköpings kommun" not in page
    response = preview(client, document)
    assert CONFIRM_BUTTON not in response.content.decode()
    assert [e.path for e in response.context["errors"]] == ["organisation.code"]
    # Another person's preview is theirs: the digest alone imports nothing.
    response = confirm(client, digest)
    assert response.status_code == 302
    assert not InformationAsset.objects.exists()
    with pytest.raises(PermissionDenied):
        register.import_document(document, actor=outsider)
    assert not InformationAsset.objects.exists()
