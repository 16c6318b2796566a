"""Readiness of an initiative for an investment decision, as pure rules (no Django).

Blockers are the register format's, in its order (``assessments.classification_rules.blockers``):
``no_assets``, ``asset_unclassified:<code>``, ``asset_not_approved:<code>``,
``review_overdue:<code>``, ``protective_security``, ``no_benefit_model``. An initiative is
ready when it has none.

Advisory items never block; they say what a steering group would want to know before it
funds the initiative: the action plan is fulfilled below the organisation's threshold, no
benefit owner is named, or special categories of personal data are handled without a
recorded DPIA, or a prerequisite (an initiative it requires) is not ready itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessments import classification_rules

NO_ASSETS = "no_assets"
ASSET_UNCLASSIFIED = "asset_unclassified"
ASSET_NOT_APPROVED = "asset_not_approved"
REVIEW_OVERDUE = "review_overdue"
PROTECTIVE_SECURITY = "protective_security"
NO_BENEFIT_MODEL = "no_benefit_model"
BLOCKER_KINDS = (
    NO_ASSETS,
    ASSET_UNCLASSIFIED,
    ASSET_NOT_APPROVED,
    REVIEW_OVERDUE,
    PROTECTIVE_SECURITY,
    NO_BENEFIT_MODEL,
)

ACTION_PLAN_BELOW_THRESHOLD = "action_plan_below_threshold"
BENEFIT_OWNER_MISSING = "benefit_owner_missing"
DPIA_NOT_RECORDED = "dpia_not_recorded"
PREREQUISITE_NOT_READY = "prerequisite_not_ready"  # ``prerequisite_not_ready:<code>``
ADVISORY_KINDS = (
    ACTION_PLAN_BELOW_THRESHOLD,
    BENEFIT_OWNER_MISSING,
    DPIA_NOT_RECORDED,
    PREREQUISITE_NOT_READY,
)


@dataclass(frozen=True)
class Item:
    """One blocker or advisory item: ``code`` as the register format writes it
    (``asset_not_approved:ELEV``), split into ``kind`` and the asset ``subject``."""

    code: str
    blocking: bool

    @property
    def kind(self) -> str:
        return self.code.split(":", 1)[0]

    @property
    def subject(self) -> str | None:
        parts = self.code.split(":", 1)
        return parts[1] if len(parts) == 2 else None


@dataclass(frozen=True)
class Readiness:
    blockers: tuple[Item, ...]
    advisories: tuple[Item, ...]

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def blocker_codes(self) -> list[str]:
        return [item.code for item in self.blockers]

    @property
    def advisory_codes(self) -> list[str]:
        return [item.code for item in self.advisories]


def blockers(
    assets: Sequence[classification_rules.AssetState],
    *,
    requires_psa: bool,
    has_benefit_model: bool,
) -> list[str]:
    """The register format's blockers in its order."""
    return classification_rules.blockers(
        assets, requires_psa=requires_psa, has_benefit_model=has_benefit_model
    )


def advisories(
    *,
    fulfilment_share: Decimal | None,
    threshold: Decimal,
    has_benefit_owner: bool,
    handles_special_categories: bool,
    dpia_recorded: bool,
    prerequisites_not_ready: Sequence[str] = (),
) -> list[str]:
    """``fulfilment_share`` is 0..1 (None when no requirement applies: nothing to warn of);
    ``prerequisites_not_ready`` the codes of required initiatives that are not ready."""
    found = []
    if fulfilment_share is not None and fulfilment_share < threshold:
        found.append(ACTION_PLAN_BELOW_THRESHOLD)
    if not has_benefit_owner:
        found.append(BENEFIT_OWNER_MISSING)
    if handles_special_categories and not dpia_recorded:
        found.append(DPIA_NOT_RECORDED)
    found += [f"{PREREQUISITE_NOT_READY}:{code}" for code in sorted(prerequisites_not_ready)]
    return found


def ready_on(blocker_count: int | None, next_review_due: date | None, today: date) -> bool:
    """Ready on ``today`` by the stored figures: no blocker, and no review fallen due (a
    review falls due with the date, so it is stored as a date, not as a blocker). Without
    stored figures (``blocker_count`` None) an initiative is not ready."""
    return blocker_count == 0 and (next_review_due is None or next_review_due >= today)


def fulfilment_share(fulfilment: classification_rules.Fulfilment) -> Decimal | None:
    """The action plan's fulfilment as a share 0..1 (``Fulfilment.percent`` / 100)."""
    percent = fulfilment.percent
    return None if percent is None else percent / 100


def readiness(
    assets: Sequence[classification_rules.AssetState],
    *,
    requires_psa: bool,
    has_benefit_model: bool,
    fulfilment_share: Decimal | None,
    threshold: Decimal,
    has_benefit_owner: bool,
    handles_special_categories: bool,
    dpia_recorded: bool,
) -> Readiness:
    return Readiness(
        blockers=tuple(
            Item(code, True)
            for code in blockers(
                assets, requires_psa=requires_psa, has_benefit_model=has_benefit_model
            )
        ),
        advisories=tuple(
            Item(code, False)
            for code in advisories(
                fulfilment_share=fulfilment_share,
                threshold=threshold,
                has_benefit_owner=has_benefit_owner,
                handles_special_categories=handles_special_categories,
                dpia_recorded=dpia_recorded,
            )
        ),
    )
