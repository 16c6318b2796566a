"""Every change to assets, assessments, initiatives, action plans and the classification
model goes through a ``do_*`` function here: it checks permission, validates with the pure
rules, writes in one transaction together with its audit event, and keeps the asset's
denormalised classification (levels, status, review date) in step.

One module per context: ``assets``, ``classification`` (an asset's assessments),
``initiatives`` (with their action plans) and ``frameworks`` (the organisation's
classification model); ``checks``, ``results`` and ``signatures`` hold what several of them
share. Callers use the package: ``from assessments import services; services.do_x(...)``.
"""

from assessments.services.assets import (
    ASSET_FIELDS,
    do_create_asset,
    do_update_asset,
    legal_triggers_changed,
    sync_asset,
)
from assessments.services.checks import StaleVersion
from assessments.services.classification import (
    StepInput,
    approval_problems,
    classified_by,
    classified_by_filter,
    do_approve_assessment,
    do_save_answer,
    do_save_step,
    do_start_assessment,
    finalise_approval,
    four_eyes_problem,
)
from assessments.services.frameworks import (
    MAX_LEVELS,
    MIN_LEVELS,
    LevelText,
    do_edit_aspect,
    do_edit_scheme_rules,
    do_save_requirement,
)
from assessments.services.initiatives import (
    INITIATIVE_FIELDS,
    do_create_initiative,
    do_move_action_plan_to_current_catalogue,
    do_remove_adjustment,
    do_set_adjustment,
    do_set_initiative_assets,
    do_set_requirement_status,
    do_update_initiative,
)
from assessments.services.results import downtime_level, recompute
from assessments.services.signatures import (
    content_fingerprint,
    void_signatures,
    void_stale_signatures,
)
from klassa_app.services import ServiceError

__all__ = [
    "ASSET_FIELDS",
    "INITIATIVE_FIELDS",
    "MAX_LEVELS",
    "MIN_LEVELS",
    "LevelText",
    "ServiceError",
    "StaleVersion",
    "StepInput",
    "approval_problems",
    "classified_by",
    "classified_by_filter",
    "content_fingerprint",
    "do_approve_assessment",
    "do_create_asset",
    "do_create_initiative",
    "do_edit_aspect",
    "do_edit_scheme_rules",
    "do_move_action_plan_to_current_catalogue",
    "do_remove_adjustment",
    "do_save_answer",
    "do_save_requirement",
    "do_save_step",
    "do_set_adjustment",
    "do_set_initiative_assets",
    "do_set_requirement_status",
    "do_start_assessment",
    "do_update_asset",
    "do_update_initiative",
    "downtime_level",
    "finalise_approval",
    "four_eyes_problem",
    "legal_triggers_changed",
    "recompute",
    "sync_asset",
    "void_signatures",
    "void_stale_signatures",
]
