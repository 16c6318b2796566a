"""Two settings of how an organisation runs its classifications, kept with its scheme.

``reveal_minimum``: no session reveals its answers before everyone who must sign has
answered (the default), every participant has, or at least one has.

``four_eyes``: the person who started or answered a classification cannot also approve it
alone. A security officer expects separation of duties from a new installation, so a new
organisation starts with it on (the model's default). An organisation that already works in
Klassa keeps the rule it has worked by (off) until it turns four eyes on in the rules of the
scale: a municipality with a single security officer would otherwise find its approvals
refused in the middle of its work, without having decided anything.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_consensus_guests_and_meeting_date"),
    ]

    operations = [
        # Existing schemes get False; new ones the model's default (True) below.
        migrations.AddField(
            model_name="classificationscheme",
            name="four_eyes",
            field=models.BooleanField(default=False, verbose_name="four eyes on approval"),
        ),
        migrations.AlterField(
            model_name="classificationscheme",
            name="four_eyes",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "The person who started or answered a classification cannot also approve "
                    "it alone; another security officer approves, or the consensus session's "
                    "signers."
                ),
                verbose_name="four eyes on approval",
            ),
        ),
        migrations.AddField(
            model_name="classificationscheme",
            name="reveal_minimum",
            field=models.CharField(
                choices=[
                    ("required_roles", "Everyone who must sign has answered"),
                    ("everyone", "Every participant has answered"),
                    ("anyone", "At least one participant has answered"),
                ],
                default="required_roles",
                help_text="The facilitator cannot reveal the answers of a session before this.",
                max_length=20,
                verbose_name="answers needed before reveal",
            ),
        ),
    ]
