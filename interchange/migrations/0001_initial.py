"""RegisterExportJob moves here from assessments, table and rows untouched.

The model was created by assessments 0006, and its table keeps that app's name
(``db_table = "assessments_registerexportjob"``). This migration only tells Django's
migration state that the model now belongs to interchange; assessments 0007 removes it from
that app's state and depends on this one, so that at no point does the state lack the model
while the table holds rows. No SQL is run for the model, so the move costs nothing on a large
table and cannot lose a row.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Relabel the model's content type, so that permissions granted on register exports (and
    anything else pointing at the content type) follow the model instead of being left on a
    stale ``assessments`` entry. A fresh database has no content types yet: nothing to do."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label="interchange", model="registerexportjob").exists():
        types.filter(app_label="assessments", model="registerexportjob").update(
            app_label="interchange"
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label="assessments", model="registerexportjob").exists():
        types.filter(app_label="interchange", model="registerexportjob").update(
            app_label="assessments"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The table exists from here on, created by the model's first home.
        ("assessments", "0006_register_export_job"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("klassa_app", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table is already there: state only.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="RegisterExportJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                            models.PositiveSmallIntegerField(
                                default=0, verbose_name="progress (%)"
                            ),
                        ),
                        ("message", models.TextField(blank=True, verbose_name="message")),
                        ("language", models.CharField(max_length=10, verbose_name="language")),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="requested"
                            ),
                        ),
                        (
                            "started_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="started"),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                        ),
                        (
                            "file",
                            models.FileField(
                                blank=True, upload_to="registers/%Y/%m/", verbose_name="file"
                            ),
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
                        "verbose_name": "register export",
                        "verbose_name_plural": "register exports",
                        # The table keeps the name assessments 0006 gave it.
                        "db_table": "assessments_registerexportjob",
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("progress__lte", 100)),
                                name="register_export_progress_max_100",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, restore_content_type, elidable=False),
    ]
