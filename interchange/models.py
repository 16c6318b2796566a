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
