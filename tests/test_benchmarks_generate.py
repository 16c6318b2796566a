"""The benchmark generator still produces the small organisation it promises (so that
``benchmarks/run.py`` does not rot between runs). Counts only; speed is not measured here."""

from __future__ import annotations

import pytest

from assessments.models import InformationAsset, Initiative, InitiativeAsset
from benchmarks import generate
from benefits import document as benefit_document
from benefits.models import BenefitModel
from klassa_app.models import AuditEvent, Membership, Role
from portfolio.models import PortfolioScenario, PortfolioSettings

pytestmark = pytest.mark.django_db


def test_the_small_benchmark_organisation_has_the_promised_shape():
    made = generate.generate_organisation(generate.SMALL)
    organisation = made.organisation

    assert organisation.departments.count() == 5
    assets = InformationAsset.objects.filter(organisation=organisation)
    assert assets.count() == 100
    assert {"approved", "draft", "unclassified"} <= set(assets.values_list("status", flat=True))
    initiatives = Initiative.objects.filter(organisation=organisation)
    assert initiatives.count() == 10
    for initiative in initiatives:
        assert 1 <= InitiativeAsset.objects.filter(initiative=initiative).count() <= 10
    assert made.showcase_initiative.assets.count() == 10

    models = BenefitModel.objects.filter(initiative__organisation=organisation)
    assert 1 <= models.count() <= 10
    assert made.counts["benefit_models"] == models.count()
    for model in models:
        benefit_document.parse(model.document)  # every generated model is valid

    assert Membership.objects.filter(
        user=made.admin, organisation=organisation, role=Role.ORG_ADMIN
    ).exists()
    assert PortfolioSettings.objects.get(organisation=organisation).budget > 0
    assert (
        PortfolioScenario.objects.filter(
            organisation=organisation, committed_at__isnull=False
        ).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(organisation=organisation).count() == made.counts["audit_events"]
    )
    # The stored figures are rebuilt when the code has the command; a warning otherwise.
    assert generate.rebuild_derived() in (True, False)
