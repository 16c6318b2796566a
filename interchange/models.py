"""The background export of a register. Its table keeps the name it had when the model lived
in ``assessments`` (see migrations/0001_initial.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klassa_app.models import FileJob, Organisation


class RegisterExportJob(FileJob):
    """The organisation's whole register as a ``klassa.register/1`` document, built in the
    background: a large register takes longer than a request should. Visible to those who
    may export the register (admins, security officers and auditors of the organisation)."""

    kind = "json"  # one kind of file; ``klassa_app.jobs`` names it in its log
    CONTENT_TYPE = "application/json; charset=utf-8"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    file = models.FileField(_("file"), upload_to="registers/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        # Created in assessments; moved here without renaming the table.
        db_table = "assessments_registerexportjob"
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="register_export_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} register #{self.pk}"

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPE

    @property
    def download_name(self) -> str:
        # Organisation codes are slugs, safe in a header; the date is the day it was asked for.
        day = timezone.localdate(self.created_at)
        return f"klassa-register-{self.organisation.code}-{day:%Y-%m-%d}.json"


class SpreadsheetExportJob(FileJob):
    """A list page as a spreadsheet, built in the background: the asset register, the
    initiative list or the audit trail, with the filters the page had when it was asked for
    (``filters``, as the page's form gave them) and the departments its requester sees when
    it is built. Only its requester follows and downloads it."""

    class Kind(models.TextChoices):
        ASSETS = "assets", _("Information assets")
        INITIATIVES = "initiatives", _("Initiatives")
        AUDIT = "audit", _("Audit trail")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")
        CSV = "csv", _("CSV")

    CONTENT_TYPES = {**FileJob.CONTENT_TYPES, "csv": "text/csv; charset=utf-8"}
    FILE_STEMS = {
        "assets": {"sv": "informationsmangder", "en": "information-assets"},
        "initiatives": {"sv": "satsningar", "en": "initiatives"},
        "audit": {"sv": "granskningslogg", "en": "audit-trail"},
    }

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("list"), max_length=12, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("spreadsheet export")
        verbose_name_plural = _("spreadsheet exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="spreadsheet_export_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["assets", "initiatives", "audit"]),
                name="spreadsheet_export_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=["xlsx", "csv"]),
                name="spreadsheet_export_format_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.kind} {self.format} #{self.pk}"

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.format]

    @property
    def download_name(self) -> str:
        # Organisation codes are slugs, safe in a header; the date is the day it was asked for.
        stems = self.FILE_STEMS[self.kind]
        stem = stems.get((self.language or "")[:2], stems["sv"])
        day = timezone.localdate(self.created_at)
        return f"{stem}-{self.organisation.code}-{day:%Y-%m-%d}.{self.format}"


class RegisterImportJob(models.Model):
    """A register document sent to be imported in the background (the API's import): checked
    when it is sent, imported by ``interchange.tasks.run_register_import`` with the person who
    sent it as the actor, and the outcome kept here (the counts, or every error with its
    path). The document is kept only until the import has run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # The language the person asked in: the errors of a refused import are written in it.
    language = models.CharField(_("language"), max_length=10)
    document = models.JSONField(_("document"), default=dict, blank=True)
    # ImportSummary.counts(): the organisation and, per kind, created/updated/unchanged.
    result = models.JSONField(_("result"), default=dict, blank=True)
    # [{"path": "initiatives[3].name", "message": "..."}] when the import refused the file.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation_id} register import #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
