"""Technical administration. Departments, memberships and the audit trail are read-only
here: changes to them go through the application's pages, whose services audit them.

Read-only lists (here and in the apps' admin modules) are scoped like the application: a row
shows only to a staff member with a membership that covers it, Django superusers included,
so the admin is never a way into an organisation's data. They also need Django's view
permission for the model (support staff get it through a group)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from klassa_app import access, jobs
from klassa_app.models import AuditEvent, Department, Membership, Organisation, User
from klassa_app.services import ServiceError


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete; rows scoped by ``access.covering_filter``."""

    # How a row reaches its organisation and its department(s); see access.covering_filter.
    organisation_path = "organisation"
    department_paths: tuple[str, ...] = ()
    # Who sees an organisation's rows that have no department (default: an
    # organisation-wide membership).
    whole: Callable[[User, Organisation], bool] = staticmethod(access.sees_whole_organisation)

    def scope(self, request: HttpRequest) -> Q:
        """A subclass narrows it further (e.g. sessions to their participants)."""
        return access.covering_filter(
            request.user,  # type: ignore[arg-type]
            organisation_path=self.organisation_path,
            department_paths=self.department_paths,
            whole=self.whole,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(self.scope(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        # Another organisation's row is "not found", as everywhere in Klassa.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object.")
        return obj

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal: list[str] = []


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "organisation_number"]
    search_fields = ["name", "code"]


class FileJobAdmin(ReadOnlyAdmin):
    """Background files (reports, exports): status and timing for support, and a re-queue
    action through ``jobs.do_requeue_job`` (permission, audit, task on commit)."""

    # The dotted path of the task that builds this kind of job.
    requeue_task: str
    list_display = ["__str__", "organisation", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["organisation"]
    date_hierarchy = "created_at"
    actions = ["requeue"]

    @admin.action(description=_("Re-queue the selected jobs"), permissions=["view"])
    def requeue(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        visible = self.get_queryset(request)
        sent = 0
        for job in queryset:
            try:
                jobs.do_requeue_job(
                    actor=request.user,  # type: ignore[arg-type]
                    job=job,
                    task=self.requeue_task,
                    visible=visible,
                )
            except (PermissionDenied, ServiceError) as error:
                self.message_user(request, f"{job}: {error}", messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                gettext("Jobs sent to the queue again: %(count)s.") % {"count": sent},
                messages.SUCCESS,
            )


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    department_paths = ("pk",)
    list_display = ["name", "code", "organisation", "kind", "is_active"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "kind", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    department_paths = ("department",)
    list_display = ["user", "organisation", "department", "role", "invitation_sent_at"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "organisation", "department"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    # Whoever reads the audit trail in the application, nobody else.
    whole = staticmethod(access.can_view_audit)
    list_display = ["created_at", "organisation", "actor_label", "action", "object_repr"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "action"]
    list_select_related = ["organisation"]
    search_fields = ["actor_label", "object_repr"]
    date_hierarchy = "created_at"
