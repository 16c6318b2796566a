"""The authorisation matrix: what each role gets at every URL, for GET and POST.

The cast (``test_access_matrix`` builds them): Norrköping with the departments UTB and KUF,
whose objects all live in UTB, and Linköping, another municipality.

- ``anonymous``: not logged in;
- ``admin``: organisation admin of Norrköping; ``officer``: its information-security officer;
- ``owner``, ``lawyer``, ``economist``: business owner, legal reviewer, economist of UTB;
- ``dpo``: data-protection officer of all Norrköping;
- ``viewer``: viewer of KUF only; ``auditor``: viewer of all Norrköping;
- ``outsider``: organisation admin of Linköping.

Each entry is ``(GET, POST)`` with an empty POST body: a status code, ``LOGIN`` for a redirect
to the login page or ``ADMIN_LOGIN`` for the technical admin's. 404 is "no such object for
you" (another organisation's or department's object does not exist for them), 403 is "you
see it but may not do this", 405 a method the URL does not answer. A 200 or 400 for a POST is
the form shown again with its errors; a 302 is the page the view sends to after it.
"""

from __future__ import annotations

from typing import TypeAlias

LOGIN = "login"
ADMIN_LOGIN = "admin-login"

Outcome: TypeAlias = int | str
Row: TypeAlias = dict[str, tuple[Outcome, Outcome]]

ROLES = (
    "anonymous",
    "admin",
    "officer",
    "owner",
    "lawyer",
    "dpo",
    "economist",
    "viewer",
    "auditor",
    "outsider",
)

# Part of every asset's and initiative's name; followed by the organisation's code.
SECRET = "HEMLIG"
# What a page answered with 200 must not show to the role: Norrköping's UTB objects to KUF's
# viewer and to Linköping's admin, Linköping's objects to everyone in Norrköping.
MUST_NOT_SEE = {
    "viewer": (f"{SECRET}-norrkoping", f"{SECRET}-linkoping"),
    "outsider": (f"{SECRET}-norrkoping",),
    **{
        role: (f"{SECRET}-linkoping",)
        for role in ("admin", "officer", "owner", "lawyer", "dpo", "economist", "auditor")
    },
}


def is_technical_admin(name: str) -> bool:
    """Django's admin: its URLs (and its unnamed redirects) are one entry."""
    return name.startswith(("admin:", "admin/"))


def expected(name: str) -> Row | None:
    if name in MATRIX:
        return MATRIX[name]
    if is_technical_admin(name):
        return MATRIX_TECHNICAL_ADMIN
    return None


def _all(get: Outcome, post: Outcome, **others: tuple[Outcome, Outcome]) -> Row:
    """Every logged-in role gets (get, post) unless named; anonymous visitors the login page."""
    unknown = set(others) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    defaults = {"anonymous": (LOGIN, LOGIN)}
    return {role: others.get(role, defaults.get(role, (get, post))) for role in ROLES}


def _api(get: Outcome, post: Outcome, **others: tuple[Outcome, Outcome]) -> Row:
    """An API endpoint called with the browser's session: every logged-in role gets
    (get, post) unless named; anonymous callers 401 JSON (never the login page), except for
    a method the endpoint does not answer (405 comes first)."""
    anonymous = others.pop("anonymous", (405 if get == 405 else 401, 405 if post == 405 else 401))
    return {**_all(get, post, **others), "anonymous": anonymous}


# Nobody in the cast is staff: every model page of the technical admin sends the logged-in
# to the admin's own login and anonymous visitors to Klassa's; its site pages are below.
MATRIX_TECHNICAL_ADMIN = _all(ADMIN_LOGIN, ADMIN_LOGIN)
_ADMIN_SITE = _all(ADMIN_LOGIN, ADMIN_LOGIN, anonymous=(ADMIN_LOGIN, ADMIN_LOGIN))

MATRIX: dict[str, Row] = {
    # The start page of one's own organisation.
    "home": _all(200, 405),
    # POST only; choosing an organisation one is not a member of is ignored.
    "switch_organisation": _all(405, 302),
    # Lists only the departments the person sees.
    "department_list": _all(200, 405),
    # Organisation admins (the outsider in their own organisation).
    "department_create": _all(403, 403, admin=(200, 200), outsider=(200, 200)),
    # UTB: its members and the organisation-wide roles; KUF's viewer and the outsider 404.
    "department_detail": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Admins only; someone who does not see UTB gets 404 first.
    "department_edit": _all(403, 403, admin=(200, 200), viewer=(404, 404), outsider=(404, 404)),
    # Admins of the current organisation.
    "member_list": _all(403, 405, admin=(200, 405), outsider=(200, 405)),
    # Admins of the current organisation.
    "member_invite": _all(403, 403, admin=(200, 200), outsider=(200, 200)),
    # Only an admin of the membership's organisation finds it (404 for everyone else).
    "member_edit": _all(404, 404, admin=(200, 200)),
    # As member_edit; the admin's GET is the confirmation page.
    "member_remove": _all(404, 404, admin=(200, 302)),
    # Admins of the current organisation; an empty form turns password sign-in off, which the
    # service allows here because Norrköping has an active identity provider.
    "sign_in_settings": _all(403, 403, admin=(200, 302), outsider=(200, 302)),
    # Admins of the current organisation; an empty form is shown again with its errors.
    "identity_provider_create": _all(403, 403, admin=(200, 200), outsider=(200, 200)),
    # Only an admin of the provider's organisation finds it (404 for everyone else).
    "identity_provider_edit": _all(404, 404, admin=(200, 200)),
    # As identity_provider_edit: the people linked to the provider.
    "identity_provider_people": _all(404, 405, admin=(200, 405)),
    # POST only, as identity_provider_edit; the admin is sent back to the list.
    "external_identity_unlink": _all(405, 404, admin=(405, 302)),
    # Admins, security officers and organisation-wide viewers (auditors).
    "audit_log": _all(
        403, 405, admin=(200, 405), officer=(200, 405), auditor=(200, 405), outsider=(200, 405)
    ),
    # Lists only the departments the person sees.
    "asset_list": _all(200, 405),
    # Asset editors: admin, officer, business owner, legal reviewer, DPO.
    "asset_create": _all(200, 200, economist=(403, 403), viewer=(403, 403), auditor=(403, 403)),
    # A UTB asset: UTB's members and the organisation-wide roles.
    "asset_detail": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Asset editors who see UTB; readers 403, those who do not see it 404.
    "asset_edit": _all(
        200, 200, economist=(403, 403), viewer=(404, 404), auditor=(403, 403), outsider=(404, 404)
    ),
    # POST only: starts or resumes the classification (asset editors).
    "asset_assess": _all(
        405, 302, economist=(405, 403), viewer=(405, 404), auditor=(405, 403), outsider=(405, 404)
    ),
    # A draft classification of a UTB asset: as asset_detail.
    "assessment_detail": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # POST only: the security officer approves (empty form: back with a message).
    "assessment_approve": _all(
        405, 403, officer=(405, 302), viewer=(405, 404), outsider=(405, 404)
    ),
    # Readers see the step; asset editors save it.
    "assessment_step": _all(
        200, 200, economist=(200, 403), viewer=(404, 404), auditor=(200, 403), outsider=(404, 404)
    ),
    # Lists only the departments the person sees.
    "overdue_reviews": _all(200, 405),
    # The security officer opens a session on a draft.
    "session_create": _all(403, 403, officer=(200, 200), viewer=(404, 404), outsider=(404, 404)),
    # POST only: nothing to sign on a draft (403 for every insider).
    "assessment_sign": _all(405, 403, viewer=(405, 404), outsider=(405, 404)),
    # POST only: nothing to reject on a draft (403 for every insider).
    "assessment_reject": _all(405, 403, viewer=(405, 404), outsider=(405, 404)),
    # Only the facilitator and the participants find a session (the admin too gets 404).
    "session_detail": _all(
        404, 405, officer=(200, 405), owner=(200, 405), lawyer=(200, 405), dpo=(200, 405)
    ),
    # As session_detail.
    "session_live": _all(
        404, 405, officer=(200, 405), owner=(200, 405), lawyer=(200, 405), dpo=(200, 405)
    ),
    # Participants answer; the facilitator does not (403).
    "session_answer": _all(
        404, 404, officer=(403, 403), owner=(200, 200), lawyer=(200, 200), dpo=(200, 200)
    ),
    # The facilitator gets the confirmation page (an empty POST confirms nothing);
    # participants 403.
    "session_reveal": _all(
        404, 404, officer=(200, 200), owner=(403, 403), lawyer=(403, 403), dpo=(403, 403)
    ),
    # POST only: the facilitator's empty form is shown again with its errors; participants 403.
    "session_decide": _all(
        405, 404, officer=(405, 400), owner=(405, 403), lawyer=(405, 403), dpo=(405, 403)
    ),
    # POST only: participants record dissent; the facilitator 403.
    "session_dissent": _all(
        405, 404, officer=(405, 403), owner=(405, 302), lawyer=(405, 302), dpo=(405, 302)
    ),
    # POST only: the facilitator concludes; participants 403.
    "session_conclude": _all(
        405, 404, officer=(405, 302), owner=(405, 403), lawyer=(405, 403), dpo=(405, 403)
    ),
    # As session_reveal.
    "session_cancel": _all(
        404, 404, officer=(200, 200), owner=(403, 403), lawyer=(403, 403), dpo=(403, 403)
    ),
    # As session_detail, and the organisation admin, who acts for the whole organisation.
    "session_minutes": _all(
        404,
        405,
        admin=(200, 405),
        officer=(200, 405),
        owner=(200, 405),
        lawyer=(200, 405),
        dpo=(200, 405),
    ),
    # The meeting's calendar entry, for the facilitator and participants: the cast's session
    # has no meeting time, so it is 404 for them too (tested with a time in test_session_setup).
    "session_calendar": _all(404, 405),
    # An external guest's link, without login: a made-up token is 404 for everyone.
    "session_guest": _all(404, 404, anonymous=(404, 404)),
    # POST only: the facilitator, participants and the admin request the minutes PDF.
    "minutes_start": _all(
        405,
        404,
        admin=(405, 302),
        officer=(405, 302),
        owner=(405, 302),
        lawyer=(405, 302),
        dpo=(405, 302),
    ),
    # Lists only the departments the person sees.
    "initiative_list": _all(200, 405),
    # Initiative editors: admin, officer, business owner, economist.
    "initiative_create": _all(
        200, 200, lawyer=(403, 403), dpo=(403, 403), viewer=(403, 403), auditor=(403, 403)
    ),
    # A UTB initiative: UTB's members and the organisation-wide roles.
    "initiative_detail": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Initiative editors who see UTB; readers 403.
    "initiative_edit": _all(
        200,
        200,
        lawyer=(403, 403),
        dpo=(403, 403),
        viewer=(404, 404),
        auditor=(403, 403),
        outsider=(404, 404),
    ),
    # Initiative editors who see UTB; readers 403.
    "initiative_assets": _all(
        200,
        200,
        lawyer=(403, 403),
        dpo=(403, 403),
        viewer=(404, 404),
        auditor=(403, 403),
        outsider=(404, 404),
    ),
    # POST only, initiative editors (empty form: back with a message).
    "initiative_adjust": _all(
        405,
        302,
        lawyer=(405, 403),
        dpo=(405, 403),
        viewer=(405, 404),
        auditor=(405, 403),
        outsider=(405, 404),
    ),
    # POST only, initiative editors.
    "initiative_adjustment_remove": _all(
        405,
        302,
        lawyer=(405, 403),
        dpo=(405, 403),
        viewer=(405, 404),
        auditor=(405, 403),
        outsider=(405, 404),
    ),
    # Readers see the plan; an editor's POST without a requirement is 404.
    "initiative_action_plan": _all(
        200,
        404,
        lawyer=(200, 403),
        dpo=(200, 403),
        viewer=(404, 404),
        auditor=(200, 403),
        outsider=(404, 404),
    ),
    # Every member reads the classification model.
    "frameworks_overview": _all(200, 405),
    # Only the security officer changes the model.
    "scheme_rules_edit": _all(403, 403, officer=(200, 200)),
    # Only the security officer changes the model.
    "aspect_edit": _all(403, 403, officer=(200, 200)),
    # Only the security officer changes the model.
    "requirement_create": _all(403, 403, officer=(200, 200)),
    # Only the security officer changes the model.
    "requirement_edit": _all(403, 403, officer=(200, 200)),
    # POST only, initiative editors.
    "action_plan_upgrade": _all(
        405,
        302,
        lawyer=(405, 403),
        dpo=(405, 403),
        viewer=(405, 404),
        auditor=(405, 403),
        outsider=(405, 404),
    ),
    # POST only: whoever sees the initiative may request a report.
    "report_start": _all(405, 302, viewer=(405, 404), outsider=(405, 404)),
    # Whoever sees the initiative.
    "report_status": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Whoever sees the initiative.
    "report_download": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Admins and security officers (approved classifications in a file: the officer only).
    "register_import": _all(403, 403, admin=(200, 200), officer=(200, 200), outsider=(200, 200)),
    # As register_import (the outsider imports into their own organisation: the upload kept
    # between the steps belongs to the organisation it was made for).
    "inventory_import": _all(403, 403, admin=(200, 200), officer=(200, 200), outsider=(200, 200)),
    # As register_import; GET only.
    "inventory_template": _all(403, 405, admin=(200, 405), officer=(200, 405), outsider=(200, 405)),
    # Admins, security officers and auditors start an export.
    "register_export": _all(
        403, 403, admin=(200, 302), officer=(200, 302), auditor=(200, 302), outsider=(200, 302)
    ),
    # Those who may export see the organisation's export jobs; others 404.
    "register_export_status": _all(
        404, 405, admin=(200, 405), officer=(200, 405), auditor=(200, 405)
    ),
    # As register_export_status.
    "register_export_download": _all(
        404, 405, admin=(200, 405), officer=(200, 405), auditor=(200, 405)
    ),
    # POST only: every member exports the asset list (test: ``assets``) as they see it.
    "spreadsheet_export_start": _all(405, 302),
    # An export is its requester's own (the admin's here); everyone else 404.
    "spreadsheet_export_status": _all(404, 405, admin=(200, 405)),
    # As spreadsheet_export_status.
    "spreadsheet_export_download": _all(404, 405, admin=(200, 405)),
    # Readers see it; an empty POST is refused as a bad request before any role check.
    "benefit_tracking": _all(200, 400, viewer=(404, 404), outsider=(404, 404)),
    # Lists only the departments the person sees.
    "benefits_behind": _all(200, 405),
    # Business owners, economists and admins edit; other readers 403 on POST.
    "benefit_model": _all(
        200,
        403,
        admin=(200, 200),
        owner=(200, 200),
        economist=(200, 200),
        viewer=(404, 404),
        outsider=(404, 404),
    ),
    # POST only, benefit-model editors.
    "benefit_model_preview": _all(
        405,
        403,
        admin=(405, 200),
        owner=(405, 200),
        economist=(405, 200),
        viewer=(405, 404),
        outsider=(405, 404),
    ),
    # POST only, benefit-model editors.
    "benefit_fte_cost": _all(
        405,
        403,
        admin=(405, 200),
        owner=(405, 200),
        economist=(405, 200),
        viewer=(405, 404),
        outsider=(405, 404),
    ),
    # POST only, benefit-model editors (an empty upload shows the form's errors).
    "benefit_model_import": _all(
        405,
        403,
        admin=(405, 200),
        owner=(405, 200),
        economist=(405, 200),
        viewer=(405, 404),
        outsider=(405, 404),
    ),
    # Whoever sees the initiative downloads the JSON.
    "benefit_model_export": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Whoever sees the initiative downloads the workbook.
    "benefit_model_xlsx": _all(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Shows only the departments the person sees.
    "portfolio_dashboard": _all(200, 405),
    # Shows only the departments the person sees.
    "portfolio_ranking": _all(200, 405),
    # Shows only the departments the person sees; the plan is the organisation's.
    "portfolio_roadmap": _all(200, 405),
    # POST only: asks for the frontier of what the person sees.
    "portfolio_frontier": _all(405, 302),
    # Portfolio managers (admins) of the current organisation.
    "portfolio_settings": _all(403, 403, admin=(200, 400), outsider=(200, 400)),
    # Portfolio managers; someone who does not see UTB 404.
    "portfolio_force": _all(403, 403, admin=(200, 302), viewer=(404, 404), outsider=(404, 404)),
    # Readers see it; admins and the initiative's owners and economists set it.
    "portfolio_priority": _all(
        200,
        403,
        admin=(200, 302),
        owner=(200, 302),
        economist=(200, 302),
        viewer=(404, 404),
        outsider=(404, 404),
    ),
    # Every member sees the organisation's saved scenarios.
    "portfolio_scenarios": _all(200, 405),
    # POST only, portfolio managers (the outsider in their own organisation).
    "portfolio_scenario_save": _all(405, 403, admin=(405, 400), outsider=(405, 400)),
    # Every member.
    "portfolio_compare": _all(200, 405),
    # Every member of Norrköping; the outsider 404.
    "portfolio_scenario": _all(200, 405, outsider=(404, 405)),
    # Portfolio managers; others of Norrköping 403, the outsider 404.
    "portfolio_scenario_commit": _all(403, 403, admin=(200, 400), outsider=(404, 404)),
    # POST only, portfolio managers; others of Norrköping 403, the outsider 404.
    "portfolio_scenario_delete": _all(405, 403, admin=(405, 302), outsider=(405, 404)),
    # Every member sees the organisation's saved roadmaps (rows of their departments).
    "portfolio_roadmap_scenarios": _all(200, 405),
    # POST only, portfolio managers (the outsider in their own organisation); no name: 400.
    "portfolio_roadmap_scenario_save": _all(405, 403, admin=(405, 400), outsider=(405, 400)),
    # Every member.
    "portfolio_roadmap_compare": _all(200, 405),
    # Every member of Norrköping; the outsider 404.
    "portfolio_roadmap_scenario": _all(200, 405, outsider=(404, 405)),
    # Portfolio managers; others of Norrköping 403, the outsider 404.
    "portfolio_roadmap_scenario_commit": _all(403, 403, admin=(200, 400), outsider=(404, 404)),
    # POST only, portfolio managers; others of Norrköping 403, the outsider 404.
    "portfolio_roadmap_scenario_delete": _all(405, 403, admin=(405, 302), outsider=(405, 404)),
    # POST only: every member exports what they see.
    "portfolio_export_start": _all(405, 302),
    # The admin's export of every department: only those who see every department.
    "portfolio_export": _all(
        404, 405, admin=(200, 405), officer=(200, 405), dpo=(200, 405), auditor=(200, 405)
    ),
    # As portfolio_export.
    "portfolio_export_download": _all(
        404, 405, admin=(200, 405), officer=(200, 405), dpo=(200, 405), auditor=(200, 405)
    ),
    # Public: container health checks.
    "healthz": _all(200, 405, anonymous=(200, 405)),
    # Everyone's own notifications; the settings form sent empty is refused (400).
    "notification_list": _all(200, 405),
    "notification_read_all": _all(405, 302),
    "notification_settings": _all(200, 400),
    # The owner's invitation: only its recipient marks it read; for anyone else it does not exist.
    "notification_read": _all(405, 404, owner=(405, 302)),
    # Public: the way in.
    "login": _all(200, 200, anonymous=(200, 200)),
    # Public, POST only: a provider's button; no installation provider is configured (404).
    "oidc_start": _all(405, 404, anonymous=(405, 404)),
    # Public: the provider's way back; without a started sign-in it is refused (400).
    "oidc_callback": _all(400, 405, anonymous=(400, 405)),
    # POST only; anonymous visitors are sent to the login page.
    "logout": _all(405, LOGIN),
    # Every logged-in person.
    "password_change": _all(200, 200),
    # Every logged-in person.
    "password_change_done": _all(200, 405),
    # Public: forgotten password.
    "password_reset": _all(200, 200, anonymous=(200, 200)),
    # Public.
    "password_reset_done": _all(200, 405, anonymous=(200, 405)),
    # Public: an invalid link shows its own page.
    "password_reset_confirm": _all(200, 200, anonymous=(200, 200)),
    # Public.
    "password_reset_complete": _all(200, 405, anonymous=(200, 405)),
    # Public: choosing the language redirects back.
    "set_language": _all(302, 302, anonymous=(302, 302)),
    # --- The REST API (session auth here; tests/api covers tokens) ---
    # Public: the OpenAPI document and its interactive documentation.
    "api-v1:openapi-json": _all(200, 405, anonymous=(200, 405)),
    "api-v1:openapi-view": _all(200, 405, anonymous=(200, 405)),
    # Only for building URLs: nothing answers at the API's root.
    "api-v1:api-root": _all(404, 404, anonymous=(404, 404)),
    # The caller's own organisation.
    "api-v1:organisation": _api(200, 405),
    # The departments the caller sees.
    "api-v1:departments": _api(200, 405),
    # UTB: as department_detail.
    "api-v1:department": _api(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # Two-factor authentication, everyone's own (nobody in the cast has an app, and no
    # organisation requires one): the status page; setting up (an empty code is refused: 200).
    "mfa_status": _all(200, 405),
    "mfa_enrol": _all(200, 200),
    # Nothing to verify without an app: on to the home page.
    "mfa_verify": _all(302, 302),
    # Need an app: without one, back to the status page.
    "mfa_recovery_codes": _all(302, 302),
    "mfa_disable": _all(302, 302),
    # As member_edit; the admin's GET is the confirmation page, the POST goes back to the
    # member (nothing to reset for the lawyer, with a message).
    "mfa_reset_member": _all(404, 404, admin=(200, 302)),
    # The asset register as each person's register page lists it; an empty POST is a 400
    # (no JSON body; the body is read before the service checks the department's editors).
    "api-v1:assets": _api(200, 400),
    "api-v1:create_asset": _api(200, 400),
    # A UTB asset: as asset_detail; PATCH changes it (POST is no method of it).
    "api-v1:asset": _api(200, 405, viewer=(404, 405), outsider=(404, 405)),
    "api-v1:update_asset": _api(200, 405, viewer=(404, 405), outsider=(404, 405)),
    "api-v1:asset_classification": _api(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # The initiatives each person's initiative list shows.
    "api-v1:initiatives": _api(200, 405),
    # A UTB initiative: as initiative_detail.
    "api-v1:initiative": _api(200, 405, viewer=(404, 405), outsider=(404, 405)),
    "api-v1:initiative_action_plan": _api(200, 405, viewer=(404, 405), outsider=(404, 405)),
    # PUT only.
    "api-v1:set_requirement_status": _api(405, 405),
    # --- API token pages (admins of the current organisation) ---
    "api_token_list": _all(403, 405, admin=(200, 405), outsider=(200, 405)),
    # The empty form is shown again with its errors.
    "api_token_create": _all(403, 403, admin=(200, 200), outsider=(200, 200)),
    # A Norrköping token: its admins confirm (GET) and revoke (POST); another
    # organisation's admin does not find it.
    "api_token_revoke": _all(403, 403, admin=(200, 302), outsider=(404, 404)),
    # UTB's initiative with its benefit model: as benefit_model (GET and PUT share the URL;
    # an empty PUT body would be 422 for the editors, 403 for the readers).
    **{
        name: _api(200, 405, viewer=(404, 405), outsider=(404, 405))
        for name in (
            "api-v1:benefit_model",
            "api-v1:save_benefit_model",
            "api-v1:benefit_model_evaluation",
        )
    },
    # The organisation-wide report: for those who see every department (the outsider reads
    # Linköping's own).
    "api-v1:portfolio": _api(
        200,
        405,
        owner=(403, 405),
        lawyer=(403, 405),
        economist=(403, 405),
        viewer=(403, 405),
    ),
    # As register_export: admins, security officers and organisation-wide auditors start an
    # export (the outsider one of Linköping's register).
    "api-v1:request_register_export": _api(
        405,
        403,
        admin=(405, 202),
        officer=(405, 202),
        auditor=(405, 202),
        outsider=(405, 202),
    ),
    # The admin's export of Norrköping's register: for those who may export it.
    **{
        name: _api(404, 405, admin=(200, 405), officer=(200, 405), auditor=(200, 405))
        for name in ("api-v1:register_export", "api-v1:register_export_document")
    },
    # As register_import: admins and security officers (the outsider into Linköping) get as
    # far as reading the document, which the empty form posted here is not (400).
    "api-v1:request_register_import": _api(
        405, 403, admin=(405, 400), officer=(405, 400), outsider=(405, 400)
    ),
    # The admin's import into Norrköping: for those who may import (admins, security officers).
    "api-v1:register_import": _api(404, 405, admin=(200, 405), officer=(200, 405)),
    # The technical admin's own pages: its login is open, the rest sends to it.
    "admin:login": _all(200, 200, anonymous=(200, 200)),
    "admin:logout": _all(302, 302, anonymous=(ADMIN_LOGIN, ADMIN_LOGIN)),
    **{
        name: _ADMIN_SITE
        for name in (
            "admin:index",
            "admin:password_change",
            "admin:password_change_done",
            "admin:autocomplete",
            "admin:jsi18n",
            "admin:view_on_site",
            "admin:app_list",
            "admin/(?P<url>.*)$",
        )
    },
}
