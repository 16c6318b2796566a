"""Thin views: read through selectors, write through services, scope through access."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klassa_app import access, selectors, services
from klassa_app import language as language_prefs
from klassa_app.forms import (
    AuditFilterForm,
    DepartmentEditForm,
    DepartmentFilterForm,
    DepartmentForm,
    InviteMemberForm,
    MemberFilterForm,
    MembershipForm,
)
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.middleware import SESSION_KEY
from klassa_app.models import Department, Organisation
from klassa_app.signin import mfa
from klassa_app.viewhelpers import (
    apply_service_error,
    current_organisation,
    on_organisation,
    paginate,
    permission_required,
    querystring_without_page,
)

_ADMINS_ONLY = gettext_lazy("Only organisation admins may do this.")


def _visible_department(request: AuthenticatedHttpRequest, pk: int) -> Department:
    return access.get_visible_department(request.user, current_organisation(request), pk)


# --- Organisation ---------------------------------------------------------------------------
# The home page is the work list (worklist.views.home).


@require_POST
def switch_organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        wanted = 0
    if wanted not in {o.pk for o in access.organisations_for(request.user)}:
        messages.error(request, _("You are not a member of that organisation."))
    else:
        request.session[SESSION_KEY] = wanted
    return redirect("home")


# --- Departments ----------------------------------------------------------------------------


@require_GET
def department_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    form = DepartmentFilterForm(request.GET or None)
    q, status = "", "active"
    if form.is_valid():
        q = form.cleaned_data["q"]
        status = form.cleaned_data["status"] or "active"
    departments = selectors.department_list(request.user, organisation, q=q, status=status)
    return render(
        request,
        "klassa/department_list.html",
        {
            "filter_form": form,
            "page_obj": paginate(request, departments),
            "querystring": querystring_without_page(request),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_organisation", message=_ADMINS_ONLY)
def department_create(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.do_create_department(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except services.ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Department %(name)s created.") % {"name": department.name})
            return redirect("department_detail", pk=department.pk)
    return render(request, "klassa/department_form.html", {"form": form, "department": None})


@require_GET
def department_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    department = access.get_visible_department(request.user, organisation, pk)
    return render(
        request,
        "klassa/department_detail.html",
        {"department": department, "members": selectors.department_members(department)},
    )


@require_http_methods(["GET", "POST"])
@permission_required(
    "klassa.manage_organisation", _visible_department, on=on_organisation, message=_ADMINS_ONLY
)
def department_edit(request: AuthenticatedHttpRequest, department: Department) -> HttpResponse:
    initial = {
        "code": department.code,
        "name": department.name,
        "kind": department.kind,
        "description": department.description,
        "is_active": department.is_active,
    }
    form = DepartmentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_department(
                actor=request.user, department=department, **form.cleaned_data
            )
        except services.ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Department saved."))
            return redirect("department_detail", pk=department.pk)
    return render(request, "klassa/department_form.html", {"form": form, "department": department})


# --- Members --------------------------------------------------------------------------------


@require_GET
@permission_required("klassa.manage_organisation", message=_ADMINS_ONLY)
def member_list(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, organisation=organisation)
    q, role, department = "", "", None
    if form.is_valid():
        q, role = form.cleaned_data["q"], form.cleaned_data["role"]
        department = form.cleaned_data["department"]
    memberships = mfa.with_mfa_flag(
        selectors.member_list(
            organisation, q=q, role=role, department_id=department.pk if department else None
        )
    )
    return render(
        request,
        "klassa/member_list.html",
        {
            "filter_form": form,
            "page_obj": paginate(request, memberships),
            "querystring": querystring_without_page(request),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_organisation", message=_ADMINS_ONLY)
def member_invite(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    initial = {}
    if request.GET.get("department"):
        initial["department"] = request.GET["department"]
    form = InviteMemberForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.do_invite_member(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except services.ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(email)s was given the role %(role)s; an invitation is on its way.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
            return redirect("member_list")
    return render(request, "klassa/member_form.html", {"form": form, "membership": None})


@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    membership = access.get_manageable_membership(request.user, organisation, pk)
    assert organisation is not None
    form = MembershipForm(
        request.POST or None,
        organisation=organisation,
        initial={"role": membership.role, "department": membership.department_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.do_change_membership(
                actor=request.user, membership=membership, **form.cleaned_data
            )
        except services.ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Role changed."))
            return redirect("member_list")
    return render(
        request,
        "klassa/member_form.html",
        {
            "form": form,
            "membership": membership,
            "member_has_mfa": mfa.has_authenticator(membership.user),
        },
    )


@require_http_methods(["GET", "POST"])
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    membership = access.get_manageable_membership(request.user, organisation, pk)
    if request.method == "POST":
        try:
            services.do_remove_membership(actor=request.user, membership=membership)
        except services.ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(email)s no longer has that role.") % {"email": membership.user.email}
            )
        return redirect("member_list")
    return render(request, "klassa/member_confirm_remove.html", {"membership": membership})


# --- Audit ----------------------------------------------------------------------------------


@require_GET
@permission_required(
    "klassa.view_audit",
    message=gettext_lazy("Only admins, security officers and auditors read the audit trail."),
)
def audit_log(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, actions=selectors.audit_actions())
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = form.selector_filters()
    events = selectors.audit_events(organisation, **filters)
    return render(
        request,
        "klassa/audit_log.html",
        {
            "filter_form": form,
            "page_obj": paginate(request, events, settings.KLASSA_AUDIT_PAGE_SIZE),
            "querystring": querystring_without_page(request),
        },
    )


# --- Errors ---------------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the product's own page, in the person's language. Django's reason is
    for developers and is not shown; rendering with the request gives a fresh token."""
    return render(request, "csrf_failure.html", status=403)


# --- Health ---------------------------------------------------------------------------------


def _database_status() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker_status() -> dict[str, Any]:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "in-process"}
    from klassa_app.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises several kinds; all mean "unreachable"
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (the cookie, the redirect back); a logged-in person's choice
    is also remembered on their account for the next login."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language_prefs.supported(language):
        language_prefs.do_set_language(actor=request.user, language=language)
        request.session[language_prefs.SESSION_KEY] = language
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker, workers and the age of the oldest queued work. 503 only when the
    database is down: without a broker or a worker pages still work and tasks wait in the
    database; "degraded" says that they wait."""
    from klassa_app import health

    database = _database_status()
    broker = _broker_status()
    # Without a reachable broker no worker can answer: do not ask.
    workers = health.workers_status() if broker["ok"] else health.WORKERS_NONE
    queue = health.readable_queue_status() if database["ok"] else None
    if not database["ok"]:
        status = "down"
    elif not broker["ok"] or workers == health.WORKERS_NONE or queue is None or queue.stale:
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {
            "status": status,
            "database": database,
            "broker": broker,
            "workers": workers,
            "oldest_queued_seconds": queue.oldest_queued_seconds if queue else None,
        },
        status=200 if database["ok"] else 503,
    )
