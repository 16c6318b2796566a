"""The background spreadsheet exports of the asset register, the initiative list and the audit
trail (``SpreadsheetExportJob``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interchange", "0001_initial"),
        ("klassa_app", "0004_organisation_sign_in"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SpreadsheetExportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("running", "Being built"),
                            ("done", "Ready"),
                            ("failed", "Failed"),
                        ],
                        db_index=True,
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "progress",
                    models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)"),
                ),
                ("message", models.TextField(blank=True, verbose_name="message")),
                ("language", models.CharField(max_length=10, verbose_name="language")),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="requested"
                    ),
                ),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started")),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("assets", "Information assets"),
                            ("initiatives", "Initiatives"),
                            ("audit", "Audit trail"),
                        ],
                        max_length=12,
                        verbose_name="list",
                    ),
                ),
                (
                    "format",
                    models.CharField(
                        choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")],
                        max_length=4,
                        verbose_name="format",
                    ),
                ),
                ("filters", models.JSONField(blank=True, default=dict, verbose_name="filters")),
                (
                    "file",
                    models.FileField(blank=True, upload_to="exports/%Y/%m/", verbose_name="file"),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="klassa_app.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "spreadsheet export",
                "verbose_name_plural": "spreadsheet exports",
                "ordering": ["-created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("progress__lte", 100)),
                        name="spreadsheet_export_progress_max_100",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["assets", "initiatives", "audit"])),
                        name="spreadsheet_export_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("format__in", ["xlsx", "csv"])),
                        name="spreadsheet_export_format_valid",
                    ),
                ],
            },
        ),
    ]
