"""The initiative list as a spreadsheet: exactly the initiatives the list shows its reader for
the same filters (``assessments.selectors.initiative_list``, scoped to their departments),
classified as the list classifies them (the levels inherited from their assets with the
adjustments, and their maximum), with readiness and its blockers (an overdue review among
them) from the stored figures, the key figures of the medium benefit scenario and the
priority inputs. Built in the background (see ``interchange.spreadsheet_export``); the
headers are in the language active when it runs.

The rows are read in chunks, each with its assets, adjustments and benefit figures in a few
more queries: no query per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import frameworks
from assessments import selectors as assessment_selectors
from assessments.models import Initiative
from benefits.models import BenefitSummary
from klassa_app import spreadsheet
from klassa_app.models import Organisation, User
from portfolio.exports import CLASSIFICATION_STATUS_LABELS
from portfolio.models import BenefitScenario, Forced, InitiativeFigures, InitiativePriority
from portfolio.pages import blockers_on, ready_q

CHUNK = 500
FILTER_KEYS = ("q", "department_id", "area_id")
# The scenario whose key figures the list of initiatives carries.
SCENARIO = BenefitScenario.MEDIUM


def selector_filters(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of an export (as stored in JSON) as ``initiative_list`` takes them: the
    keys the list page's form gives, nothing else."""
    return {key: stored[key] for key in FILTER_KEYS if stored.get(key) not in (None, "")}


def initiatives(
    user: User, organisation: Organisation | None, stored: Mapping[str, Any]
) -> QuerySet[Initiative]:
    """The list page's initiatives with their stored figures, priority inputs and the key
    figures of the medium scenario (``medium``, a list of at most one)."""
    today = timezone.localdate()
    return (
        assessment_selectors.initiative_list(user, organisation, **selector_filters(stored))
        .select_related("figures", "priority")
        .annotate(is_ready=ExpressionWrapper(ready_q(today), output_field=BooleanField()))
        .prefetch_related(
            Prefetch(
                "benefit_summaries",
                queryset=BenefitSummary.objects.filter(scenario=SCENARIO).only(
                    "id", "initiative_id", "npv", "payback_years"
                ),
                to_attr="medium",
            )
        )
    )


def _figures(initiative: Initiative) -> InitiativeFigures | None:
    try:
        return initiative.figures
    except InitiativeFigures.DoesNotExist:
        return None


def _priority(initiative: Initiative) -> InitiativePriority | None:
    try:
        return initiative.priority
    except InitiativePriority.DoesNotExist:
        return None


def _rows(queryset: QuerySet[Initiative], scheme: frameworks.SchemeView) -> Iterator[list[Any]]:
    yes, no = _("yes"), _("no")
    today = timezone.localdate()
    forced = {choice.value: str(choice.label) for choice in Forced if choice.value}
    for initiative in queryset.iterator(chunk_size=CHUNK):
        ((_initiative, classification),) = assessment_selectors.classify_page([initiative], scheme)
        finals = classification.finals
        levels = [finals.get(code) for code in scheme.codes]
        known = [level for level in levels if level is not None]
        figures = _figures(initiative)
        priority = _priority(initiative)
        summary = next(iter(initiative.medium), None)  # type: ignore[attr-defined]
        yield [
            initiative.area.name if initiative.area is not None else None,
            initiative.department.name,
            initiative.code,
            initiative.name,
            *levels,
            max(known) if known else None,
            str(CLASSIFICATION_STATUS_LABELS.get(classification.status, classification.status)),
            (yes if initiative.is_ready else no) if figures is not None else None,  # type: ignore[attr-defined]
            len(blockers_on(figures.blockers, figures.review_dues, today))
            if figures is not None
            else None,
            summary.npv if summary is not None else None,
            summary.payback_years if summary is not None else None,
            priority.strategic_fit if priority is not None else None,
            priority.time_criticality if priority is not None else None,
            forced.get(priority.forced) if priority is not None else None,
        ]


def initiative_table(
    user: User, organisation: Organisation, stored: Mapping[str, Any]
) -> spreadsheet.Table:
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    columns = [
        spreadsheet.Column(_("Area"), width=24),
        spreadsheet.Column(_("Department"), width=28),
        spreadsheet.Column(_("Code"), width=12),
        spreadsheet.Column(_("Name"), width=32),
        *[spreadsheet.Column(code, spreadsheet.INTEGER, 5) for code in scheme.codes],
        spreadsheet.Column(_("Highest level"), spreadsheet.INTEGER, 10),
        spreadsheet.Column(_("Classification"), width=16),
        spreadsheet.Column(_("Ready"), width=8),
        spreadsheet.Column(_("Blockers"), spreadsheet.INTEGER, 10),
        spreadsheet.Column(_("NPV, medium scenario (kr)"), spreadsheet.MONEY, 16),
        spreadsheet.Column(_("Payback, medium scenario (years)"), spreadsheet.DECIMAL, 14),
        spreadsheet.Column(_("Strategic fit (1–5)"), spreadsheet.INTEGER, 10),
        spreadsheet.Column(_("Time criticality (1–5)"), spreadsheet.INTEGER, 10),
        spreadsheet.Column(_("Forced choice"), width=14),
    ]
    return spreadsheet.Table(
        _("Initiatives"), columns, _rows(initiatives(user, organisation, stored), scheme)
    )
