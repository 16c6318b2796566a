"""An assessment's results per aspect, recalculated from its answers, the scheme's legal
minimums and the overrides.
"""

from __future__ import annotations

from decimal import Decimal

from assessments import classification_rules, frameworks
from assessments.defaults.scheme import level_for_downtime
from assessments.models import (
    AspectResult,
    Assessment,
)


def downtime_level(scheme, hours: Decimal, top: int) -> int:
    """The availability level a tolerable downtime implies under the scheme's thresholds."""
    thresholds = [tuple(t) for t in scheme.downtime_thresholds]
    return min(level_for_downtime(hours, thresholds), top)


def recompute(assessment: Assessment) -> dict[str, classification_rules.AspectOutcome]:
    """Recalculate every aspect's result from the answers, the legal minimums and overrides."""
    scheme = frameworks.load_scheme(assessment.scheme)
    tops = scheme.tops
    asset = assessment.asset
    minimums = classification_rules.minimum_levels(
        asset.triggers, assessment.scheme.legal_minimums or {}
    )
    answer_levels: dict[str, list[int | None]] = {code: [] for code in scheme.codes}
    for answer in assessment.answers.select_related("question", "option"):
        if answer.question.aspect_code in answer_levels:
            answer_levels[answer.question.aspect_code].append(
                answer.option.level if answer.option else None
            )
    if assessment.downtime_hours is not None and "T" in answer_levels:
        answer_levels["T"].append(
            downtime_level(assessment.scheme, assessment.downtime_hours, tops["T"])
        )
    existing = {r.aspect_code: r for r in assessment.results.all()}
    outcomes: dict[str, classification_rules.AspectOutcome] = {}
    for code in scheme.codes:
        result = existing.get(code) or AspectResult(assessment=assessment, aspect_code=code)
        outcome = classification_rules.aspect_outcome(
            aspect=code,
            answer_levels=answer_levels[code],
            minimum=minimums.get(code),
            override=result.override_level,
            override_reason=result.override_reason,
            top=tops[code],
        )
        result.computed_level = outcome.computed
        result.minimum_level = outcome.minimum
        result.final_level = outcome.final
        result.save()
        outcomes[code] = outcome
    psa = classification_rules.requires_protective_security_analysis(
        protective_security=asset.protective_security,
        finals={c: o.final for c, o in outcomes.items()},
        tops=tops,
    )
    if psa != assessment.requires_protective_security_analysis:
        assessment.requires_protective_security_analysis = psa
        Assessment.objects.filter(pk=assessment.pk).update(
            requires_protective_security_analysis=psa
        )
    return outcomes
