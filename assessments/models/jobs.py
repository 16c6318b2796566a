"""Files built in the background: reports of initiatives and consensus sessions, and the
register export.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from assessments.models.initiatives import Initiative
from klassa_app.models import FileJob, Organisation

# --- Reports ----------------------------------------------------------------------------------


class ReportJob(FileJob):
    """A report built in the background: of an initiative (action plan or procurement
    requirements, Excel or PDF), visible to whoever can see the initiative; or of a consensus
    session (its minutes as PDF), visible to the session's facilitator and participants only.
    Exactly one of ``initiative`` and ``session`` is set."""

    class Kind(models.TextChoices):
        """Reports of an initiative."""

        ACTION_PLAN_XLSX = "action_plan_xlsx", _("Action plan (Excel)")
        ACTION_PLAN_PDF = "action_plan_pdf", _("Action plan (PDF)")
        PROCUREMENT_XLSX = "procurement_xlsx", _("Procurement requirements (Excel)")
        PROCUREMENT_PDF = "procurement_pdf", _("Procurement requirements (PDF)")

    class SessionKind(models.TextChoices):
        """Reports of a consensus session."""

        # "Minutes" is translated already; "Protokoll (PDF)" in Swedish.
        MINUTES_PDF = "minutes_pdf", format_lazy("{} (PDF)", _("Minutes"))

    # Download names per language, e.g. handlingsplan-EDU-A.xlsx, protokoll-NARV-v2.pdf.
    FILE_STEMS = {
        "action_plan": {"sv": "handlingsplan", "en": "action-plan"},
        "procurement": {"sv": "upphandlingskrav", "en": "procurement-requirements"},
        "minutes": {"sv": "protokoll", "en": "minutes"},
    }

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("initiative"),
    )
    session = models.ForeignKey(
        "ConsensusSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("consensus session"),
    )
    kind = models.CharField(
        _("report"), max_length=30, choices=[*Kind.choices, *SessionKind.choices]
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_job_progress_max_100"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(initiative__isnull=False, session__isnull=True)
                    | models.Q(initiative__isnull=True, session__isnull=False)
                ),
                name="report_job_of_initiative_xor_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def extension(self) -> str:
        return self.kind.rsplit("_", 1)[-1]

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.extension]

    @property
    def download_name(self) -> str:
        stems = self.FILE_STEMS[self.kind.rsplit("_", 1)[0]]
        stem = stems.get((self.language or "")[:2], stems["sv"])
        if self.session_id is not None:
            assessment = self.session.assessment
            return f"{stem}-{assessment.asset.code}-v{assessment.version}.{self.extension}"
        return f"{stem}-{self.initiative.code}.{self.extension}"
