from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments import selectors as assessment_selectors
from assessments.models import Initiative
from benefits import calculation, derived, double_counting, tracking_rules, tracking_status
from benefits import document as benefit_document
from benefits.models import BenefitModel, BenefitTracking, StaffClaim
from benefits.tracking_status import LeverTracking
from klassa_app import access
from klassa_app.models import Organisation, User


def evaluation(model: BenefitModel) -> calculation.Evaluation:
    return calculation.evaluate(benefit_document.parse(model.document))


# --- Double counting of staff time -------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRow:
    """One initiative's claim on a staff group, as the viewer may see it: for an initiative in
    a department the viewer does not see, only the department and the share are filled in."""

    share: Decimal
    department: str
    visible: bool
    current: bool = False
    initiative_pk: int | None = None
    code: str = ""
    lever: str = ""


@dataclass(frozen=True)
class DoubleCounting:
    group: str
    total: Decimal
    claims: tuple[ClaimRow, ...]


def _double_counting(
    organisation: Organisation,
    viewer: User | None,
    current: Initiative | None = None,
) -> list[DoubleCounting]:
    # The stored claims (``StaffClaim``, written when a model is saved): with a current
    # initiative only the groups it claims, so the page reads those groups' claims rather
    # than every model of the organisation.
    stored = StaffClaim.objects.filter(organisation=organisation)
    if current is not None:
        stored = stored.filter(
            group__in=StaffClaim.objects.filter(benefit_model__initiative=current).values("group")
        )
    rows = stored.order_by("pk").values_list(
        "benefit_model__initiative_id",
        "benefit_model__initiative__code",
        "benefit_model__initiative__department_id",
        "benefit_model__initiative__department__name",
        "lever",
        "group",
        "label",
        "share",
    )
    claims: list[double_counting.Claim] = []
    initiatives: dict[str, tuple[int, int, str]] = {}
    for pk, code, department_id, department_name, lever, group, label, share in rows:
        initiatives[code] = (pk, department_id, department_name)
        claims.append(double_counting.Claim(code, lever, group, share, label))
    visible_ids = (
        access.visible_department_ids(viewer, organisation)
        if viewer is not None and access.is_member(viewer, organisation)
        else set()
    )
    warnings = []
    for over in double_counting.over_claimed(claims):
        rows_out = []
        label = ""
        for claim in over.claims:
            pk, department_id, department_name = initiatives[claim.initiative]
            visible = viewer is None or visible_ids is None or department_id in visible_ids
            if visible:
                label = label or claim.display
                rows_out.append(
                    ClaimRow(
                        share=claim.share,
                        department=department_name,
                        visible=True,
                        current=current is not None and pk == current.pk,
                        initiative_pk=pk,
                        code=claim.initiative,
                        lever=claim.lever,
                    )
                )
            else:
                rows_out.append(
                    ClaimRow(share=claim.share, department=department_name, visible=False)
                )
        if not label:
            continue  # nothing of it is the viewer's: its details are not theirs to see
        warnings.append(DoubleCounting(group=label, total=over.total, claims=tuple(rows_out)))
    return warnings


def double_counting_for_organisation(
    organisation: Organisation, viewer: User | None = None
) -> list[DoubleCounting]:
    """Staff groups claimed above 100 % across the organisation's benefit models. With a
    ``viewer``, claims in departments they do not see carry only department and share, and
    groups without any visible claim are left out; without one (system use) all is shown."""
    return _double_counting(organisation, viewer)


def double_counting_for(initiative: Initiative, viewer: User | None = None) -> list[DoubleCounting]:
    """The double-counting warnings that concern ``initiative`` (one of its staff_time levers
    is among the claims)."""
    return [
        warning
        for warning in _double_counting(initiative.organisation, viewer, current=initiative)
        if any(claim.current for claim in warning.claims)
    ]


# --- Benefit tracking --------------------------------------------------------------------------


def model_lever_benefits(
    document: dict, lever_name: str, start_year: int
) -> dict[int, Decimal] | None:
    """The lever's benefit per calendar year in the medium scenario (model year 1 =
    ``start_year``); None when the model has no lever of that name."""
    model = benefit_document.parse(document)
    for lever in model.levers:
        if lever.name == lever_name:
            flows = calculation.lever_benefits(lever, "medium", model.horizon_years)
            return {start_year + t - 1: flows[t] for t in range(1, model.horizon_years + 1)}
    return None


def _trackings() -> QuerySet[BenefitTracking]:
    return BenefitTracking.objects.select_related("owner").prefetch_related("years")


def initiative_tracking(model: BenefitModel, today_year: int | None = None) -> list[LeverTracking]:
    """Every lever of the model in the document's order (tracked or not), then the trackings
    of levers that are no longer in the model. Two queries."""
    this_year = today_year or timezone.localdate().year
    parsed = benefit_document.parse(model.document)
    horizon = parsed.horizon_years
    trackings = {t.lever_name: t for t in _trackings().filter(benefit_model=model)}
    for item in trackings.values():
        item.benefit_model = model  # the permission checks read it; no query per lever
    result = []
    for lever in parsed.levers:
        tracking = trackings.pop(lever.name, None)
        if tracking is None:
            result.append(LeverTracking(lever_name=lever.name, in_model=True, tracking=None))
            continue
        flows = calculation.lever_benefits(lever, "medium", horizon)
        targets = {tracking.start_year + t - 1: flows[t] for t in range(1, horizon + 1)}
        result.append(tracking_status.lever_tracking(tracking, horizon, True, this_year, targets))
    for name in sorted(trackings):
        result.append(tracking_status.lever_tracking(trackings[name], horizon, False, this_year))
    return result


@dataclass(frozen=True)
class BehindRow:
    initiative: Initiative
    lever: LeverTracking

    @property
    def status(self) -> str:
        return self.lever.attention


def behind_queryset(
    user: User,
    organisation: Organisation | None,
    *,
    department_id: int | None = None,
    status: str = "",
    today_year: int | None = None,
) -> QuerySet[BenefitTracking]:
    """The visible trackings that are behind (red or amber to date, or not measured for a
    year that is over), worst first (red, amber, not measured; lowest realisation first
    within a status), filtered and ordered in SQL from each tracking's stored status. A
    status stored for an earlier calendar year is brought up to date first (once a year)."""
    this_year = today_year or timezone.localdate().year
    initiatives = assessment_selectors.visible_initiatives(user, organisation)
    if department_id:
        initiatives = initiatives.filter(department_id=department_id)
    visible = BenefitTracking.objects.filter(benefit_model__initiative__in=initiatives)
    stale = list(visible.exclude(status_year=this_year).values_list("pk", flat=True))
    if stale:
        derived.refresh_tracking(stale, this_year)
    qs = visible.filter(behind=True)
    if status:
        qs = qs.filter(attention=status)
    severity = Case(
        *(When(attention=code, then=Value(rank)) for code, rank in tracking_rules.SEVERITY.items()),
        output_field=IntegerField(),
    )
    return qs.order_by(
        severity,
        Coalesce("realisation", Value(Decimal(0)), output_field=DecimalField()),
        "benefit_model__initiative__code",
        "lever_name",
    )


def behind_rows(
    trackings: Iterable[BenefitTracking], today_year: int | None = None
) -> list[BehindRow]:
    """The rows of a page of ``behind_queryset``, with each lever's years (two queries)."""
    this_year = today_year or timezone.localdate().year
    ids = [t.pk for t in trackings]
    by_pk = {
        t.pk: t
        for t in _trackings()
        .filter(pk__in=ids)
        .select_related("benefit_model__initiative__department")
    }
    rows = []
    for pk in ids:
        tracking = by_pk[pk]
        model = tracking.benefit_model
        document = model.document or {}
        names = {lever.get("name") for lever in document.get("levers") or ()}
        horizon = int(document.get("horizon_years") or 1)
        lever = tracking_status.lever_tracking(
            tracking, horizon, tracking.lever_name in names, this_year
        )
        rows.append(BehindRow(model.initiative, lever))
    return rows


def benefits_behind(
    user: User,
    organisation: Organisation | None,
    *,
    department_id: int | None = None,
    status: str = "",
    today_year: int | None = None,
) -> list[BehindRow]:
    """Every row of ``behind_queryset`` (the page reads one page of it instead)."""
    qs = behind_queryset(
        user, organisation, department_id=department_id, status=status, today_year=today_year
    )
    return behind_rows(list(qs), today_year)


def owner_choices(initiative: Initiative) -> QuerySet[User]:
    """The people who may own a benefit: members who see the initiative's department (an
    owner who cannot open the initiative could never record its actuals)."""
    return User.objects.filter(
        Q(memberships__department__isnull=True) | Q(memberships__department=initiative.department),
        memberships__organisation=initiative.organisation,
        is_active=True,
    ).distinct()
