"""Assessments' services; split by context in the next change."""

from assessments.services.classification import *  # noqa: F403
from assessments.services.classification import (  # noqa: F401
    _legal_triggers_changed,
    _recompute,
)
