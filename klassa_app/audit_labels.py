"""Readable names of audit actions. The action codes stay in the database (stable, searchable);
people reading the trail see what happened in their language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "organisation.created": _("Organisation created"),
    "user.created": _("User created"),
    "department.created": _("Department created"),
    "department.updated": _("Department changed"),
    "department.archived": _("Department archived"),
    "department.restored": _("Department restored"),
    "membership.created": _("Member invited"),
    "membership.changed": _("Membership changed"),
    "membership.removed": _("Member removed"),
    "scheme.version_created": _("Classification model: new version"),
    "catalogue.version_created": _("Requirement catalogue: new version"),
    "asset.created": _("Information asset registered"),
    "asset.updated": _("Information asset changed"),
    "assessment.started": _("Classification started"),
    "assessment.step_saved": _("Classification answers saved"),
    "assessment.approved": _("Classification approved"),
    "assessment.imported": _("Classification imported"),
    "consensus.opened": _("Consensus session opened"),
    "consensus.submitted": _("Consensus answers submitted"),
    "consensus.proposed": _("Consensus proposal"),
    "consensus.revealed": _("Consensus answers revealed"),
    "consensus.decided": _("Consensus level agreed"),
    "consensus.dissent": _("Dissent recorded"),
    "consensus.concluded": _("Consensus session concluded"),
    "consensus.cancelled": _("Consensus session cancelled"),
    "signoff.signed": _("Signed"),
    "signoff.voided": _("Signatures voided"),
    "signoff.rejected": _("Sign-off rejected"),
    "initiative.created": _("Initiative created"),
    "initiative.updated": _("Initiative changed"),
    "initiative.assets_changed": _("Initiative's information assets changed"),
    "initiative.adjusted": _("Classification adjusted"),
    "initiative.adjustment_removed": _("Classification adjustment removed"),
    "action_plan.status_set": _("Action plan status set"),
    "action_plan.catalogue_changed": _("Action plan moved to a new catalogue"),
    "report.requested": _("Report requested"),
    "register.imported": _("Register imported"),
    "benefit_model.created": _("Benefit model created"),
    "benefit_model.saved": _("Benefit model changed"),
    "benefit_model.imported": _("Benefit model imported"),
    "benefit_tracking.created": _("Benefit follow-up started"),
    "benefit_tracking.updated": _("Benefit follow-up changed"),
    "benefit_tracking.values_saved": _("Benefit targets or actuals saved"),
    "benefit_tracking.targets_filled": _("Benefit targets filled from the model"),
    "portfolio.settings_updated": _("Portfolio settings changed"),
    "portfolio.settings_imported": _("Portfolio settings imported"),
    "portfolio.priority_set": _("Priority inputs changed"),
    "portfolio.priority_imported": _("Priority inputs imported"),
    "portfolio.forced": _("Initiative forced in or out"),
    "portfolio.force_released": _("Forced choice released"),
    "portfolio.scenario_saved": _("Scenario saved"),
    "portfolio.scenario_committed": _("Scenario committed as the decision"),
    "portfolio.scenario_uncommitted": _("Decision replaced"),
    "portfolio.scenario_deleted": _("Scenario deleted"),
    "portfolio.export_requested": _("Portfolio export requested"),
    "register.export_requested": _("Register export requested"),
}


def action_label(action: str) -> str:
    """The readable name of an action; an unknown (future or retired) code stays as it is."""
    return str(ACTION_LABELS.get(action, action))
