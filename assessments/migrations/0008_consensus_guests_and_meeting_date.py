"""External guests in consensus sessions, and a session's meeting date.

A participant is now a member (``user``) or an external guest known only by e-mail
(``guest_email``, no user), never both: the check constraint says so. Existing rows all have
a user and an empty e-mail, so they satisfy it and need no data step. A guest's link carries
``guest_nonce`` signed with the secret key; clearing the nonce revokes the link, and
``guest_link_expires_at`` ends it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_register_export_job_moved_to_interchange"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The meeting: all optional, existing sessions have none (the length's default only
        # matters once a time is set).
        migrations.AddField(
            model_name="consensussession",
            name="meeting_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="meeting time"),
        ),
        migrations.AddField(
            model_name="consensussession",
            name="meeting_minutes",
            field=models.PositiveSmallIntegerField(default=60, verbose_name="length in minutes"),
        ),
        migrations.AddField(
            model_name="consensussession",
            name="meeting_place",
            field=models.CharField(blank=True, max_length=300, verbose_name="place or link"),
        ),
        # The guests.
        migrations.AddField(
            model_name="participant",
            name="guest_email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="guest's e-mail"),
        ),
        migrations.AddField(
            model_name="participant",
            name="guest_link_expires_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="guest link valid until"
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="guest_nonce",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AlterField(
            model_name="participant",
            name="user",
            # Null for a guest; CASCADE as before for a member.
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("guest_email", ""), _negated=True),
                fields=("session", "guest_email"),
                name="guest_once_per_session",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("user__isnull", False), ("guest_email", "")),
                    models.Q(("user__isnull", True), models.Q(("guest_email", ""), _negated=True)),
                    _connector="OR",
                ),
                name="participant_member_or_guest",
            ),
        ),
    ]
