"""Information classification models; split by context in the next change."""

from assessments.models.assets import *  # noqa: F403
from assessments.models.assets import _Versioned  # noqa: F401
