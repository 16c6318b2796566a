"""The roadmap reads each benefit model's discount rate and investment by model year from
the stored summaries; existing summaries get them here."""

from decimal import Decimal

from django.db import migrations, models


def fill_roadmap_inputs(apps, schema_editor):
    """Computed as ``benefits.derived`` does, with the document's own parser; a document
    that no longer validates has no summaries to fill."""
    from benefits import document as benefit_document

    BenefitSummary = apps.get_model("benefits", "BenefitSummary")
    model_ids = BenefitSummary.objects.values_list("benefit_model_id", flat=True).distinct()
    for model_id in list(model_ids):
        summary = BenefitSummary.objects.select_related("benefit_model").filter(
            benefit_model_id=model_id
        )[0]
        try:
            model = benefit_document.parse(summary.benefit_model.document or {})
        except benefit_document.DocumentInvalid:
            continue
        schedule = [
            str(
                sum(
                    (c.amount(year) for c in model.costs if c.kind == "investment"), Decimal(0)
                ).quantize(Decimal("0.0001"))
            )
            for year in model.years
        ]
        BenefitSummary.objects.filter(benefit_model_id=model_id).update(
            discount_rate=model.discount_rate.quantize(Decimal("0.000001")),
            investment_schedule=schedule,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0005_benefit_model_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="benefitsummary",
            name="discount_rate",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=30, null=True, verbose_name="discount rate"
            ),
        ),
        migrations.AddField(
            model_name="benefitsummary",
            name="investment_schedule",
            field=models.JSONField(default=list, verbose_name="investment by year"),
        ),
        migrations.RunPython(fill_roadmap_inputs, migrations.RunPython.noop, elidable=True),
    ]
