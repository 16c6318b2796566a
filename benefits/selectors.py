from __future__ import annotations

from benefits import calculation
from benefits import document as benefit_document
from benefits.models import BenefitModel


def evaluation(model: BenefitModel) -> calculation.Evaluation:
    return calculation.evaluate(benefit_document.parse(model.document))
