"""Information classification, one module per context: frameworks (schemes, questions,
requirements), assets (information assets and their assessments), initiatives (and their
action plans), consensus (sessions and sign-off) and jobs (files built in the background).

Every model is importable from here: ``from assessments.models import Initiative``.
"""

from assessments.models.assets import (
    CODE_VALIDATOR,
    Answer,
    AspectResult,
    Assessment,
    InformationAsset,
    PersonalData,
)
from assessments.models.consensus import (
    AspectDecision,
    ConsensusSession,
    Dissent,
    Participant,
    Proposal,
    SignOff,
)
from assessments.models.frameworks import (
    AnswerOption,
    Aspect,
    ClassificationScheme,
    Level,
    Question,
    QuestionBank,
    Requirement,
    RequirementCatalogue,
    Trigger,
)
from assessments.models.initiatives import (
    Adjustment,
    Area,
    Initiative,
    InitiativeAsset,
    RequirementStatus,
)
from assessments.models.jobs import ReportJob

__all__ = [
    "CODE_VALIDATOR",
    "Adjustment",
    "Answer",
    "AnswerOption",
    "Area",
    "Aspect",
    "AspectDecision",
    "AspectResult",
    "Assessment",
    "ClassificationScheme",
    "ConsensusSession",
    "Dissent",
    "InformationAsset",
    "Initiative",
    "InitiativeAsset",
    "Level",
    "Participant",
    "PersonalData",
    "Proposal",
    "Question",
    "QuestionBank",
    "ReportJob",
    "Requirement",
    "RequirementCatalogue",
    "RequirementStatus",
    "SignOff",
    "Trigger",
]
