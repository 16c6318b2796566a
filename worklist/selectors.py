"""The personal work list ("Min arbetslista"): what waits for the signed-in person in the
current organisation, each item a link to the page where it is done.

Each section is one queryset filtered in SQL by the same rules as the page it links to, so
that every link opens for that person. The page reads at most ``SECTION_LIMIT`` rows of each
section, and every section's count comes from one query of scalar subqueries: a fixed number
of queries whatever the amount of data. The menu's count reads the same counts, kept on the
user object for the rest of the request (as ``klassa_app.access`` keeps the memberships).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessments import frameworks
from assessments import services as assessment_services
from assessments.consensus import required_sign_roles
from assessments.models import (
    Aspect,
    AspectResult,
    Assessment,
    ConsensusSession,
    InformationAsset,
    Participant,
    PersonalData,
    SignOff,
)
from benefits.models import BenefitTracking, BenefitTrackingYear
from benefits.permissions import BENEFIT_EDITOR_ROLES
from klassa_app import access
from klassa_app.models import Organisation, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Rows shown per section; the count says how many there are in all.
SECTION_LIMIT = 10
# A review date this many days ahead or already past puts the asset on the list.
REVIEW_WINDOW_DAYS = 30

ANSWERS = "answers"
SIGNATURES = "signatures"
APPROVALS = "approvals"
REVIEWS = "reviews"
ACTUALS = "actuals"
FACILITATED = "facilitated"
SECTION_KEYS = (ANSWERS, SIGNATURES, APPROVALS, REVIEWS, ACTUALS, FACILITATED)

_TITLES: dict[str, StrOrPromise] = {
    ANSWERS: gettext_lazy("Answers you owe"),
    SIGNATURES: gettext_lazy("Signatures waiting for you"),
    APPROVALS: gettext_lazy("Classifications waiting for your approval"),
    REVIEWS: gettext_lazy("Reviews due and overdue"),
    ACTUALS: gettext_lazy("Benefit actuals due"),
    FACILITATED: gettext_lazy("Sessions you facilitate"),
}
_EMPTY: dict[str, StrOrPromise] = {
    ANSWERS: gettext_lazy("You owe no answers in any consensus session."),
    SIGNATURES: gettext_lazy("No classification waits for your signature."),
    APPROVALS: gettext_lazy("No classification waits for your approval."),
    REVIEWS: gettext_lazy("No review is due within 30 days in your departments."),
    ACTUALS: gettext_lazy("No benefit waits for an actual from you."),
    FACILITATED: gettext_lazy("You facilitate no session that is still under way."),
}

# The sign roles that every classification needs; the DPO signs only for personal data.
_ALWAYS_SIGNED = (Participant.SessionRole.BUSINESS_OWNER, Participant.SessionRole.LEGAL_REVIEWER)

_COUNTS_CACHE_ATTR = "_klassa_worklist_counts"


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    place: str  # the department (and initiative) it belongs to
    note: str = ""
    due: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    empty: StrOrPromise
    count: int
    items: list[WorkItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many are not shown (beyond ``SECTION_LIMIT``)."""
        return max(0, self.count - len(self.items))


# --- Scope ------------------------------------------------------------------------------------


def _visible(user: User, organisation: Organisation, path: str) -> Q:
    """Rows whose department (at ``path``) the person sees, in this organisation."""
    ids = access.visible_department_ids(user, organisation)
    scope = Q(**{f"{path}__organisation": organisation.pk})
    return scope if ids is None else scope & Q(**{f"{path}__in": sorted(ids)})


def _with_roles(
    user: User, organisation: Organisation, roles: Iterable[str], path: str
) -> Q | None:
    """Rows of the departments where the person holds one of ``roles`` (all of them for an
    organisation-wide membership); None when there are none. Reads the cached memberships."""
    wanted = set(roles)
    memberships = [
        m
        for m in access.memberships_of(user)
        if m.organisation_id == organisation.pk and m.role in wanted
    ]
    if not memberships:
        return None
    scope = Q(**{f"{path}__organisation": organisation.pk})
    if any(m.department_id is None for m in memberships):
        return scope
    ids = {m.department_id for m in memberships if m.department_id is not None}
    return scope & Q(**{f"{path}__in": sorted(ids)})


# --- One queryset per section -------------------------------------------------------------------


def _answers(user: User, organisation: Organisation) -> QuerySet[Participant]:
    return Participant.objects.filter(
        _visible(user, organisation, "session__assessment__asset__department"),
        user=user,
        submitted_at__isnull=True,
        session__status=ConsensusSession.Status.OPEN,
    )


def _signatures(user: User, organisation: Organisation) -> QuerySet[Participant]:
    """My places in concluded sessions whose classification waits for my role's signature
    (``consensus.signing_roles``), where nobody has signed in that role yet."""
    signed = SignOff.objects.filter(
        assessment=OuterRef("session__assessment"),
        role=OuterRef("session_role"),
        voided_at__isnull=True,
    )
    required = Q(session_role__in=_ALWAYS_SIGNED) | (
        Q(session_role=Participant.SessionRole.DPO)
        & ~Q(session__assessment__asset__personal_data=PersonalData.NO)
    )
    return Participant.objects.filter(
        _visible(user, organisation, "session__assessment__asset__department"),
        required,
        ~Exists(signed),
        user=user,
        session__status=ConsensusSession.Status.CONCLUDED,
        session__assessment__status=Assessment.Status.AWAITING_SIGNOFF,
    )


def _approvals(user: User, organisation: Organisation) -> QuerySet[Assessment] | None:
    """Drafts the officer may approve now: every aspect in use has a level and nothing takes
    them out of the ordinary path (``services.approval_problems`` in SQL)."""
    if not access.can_approve_classifications(user, organisation):
        return None
    levelled = AspectResult.objects.filter(
        assessment=OuterRef(OuterRef("pk")),
        aspect_code=OuterRef("code"),
        final_level__isnull=False,
    )
    aspects = Aspect.objects.filter(scheme=OuterRef("scheme"), enabled=True)
    drafts = Assessment.objects.filter(
        _visible(user, organisation, "asset__department"),
        Exists(aspects),
        ~Exists(aspects.filter(~Exists(levelled))),
        status=Assessment.Status.DRAFT,
        requires_protective_security_analysis=False,
    )
    if frameworks.current_scheme(organisation).four_eyes:
        # As ``services.four_eyes_problem``: who started or answered it does not approve alone.
        drafts = drafts.exclude(assessment_services.classified_by_filter(user))
    return drafts


def _reviews(
    user: User, organisation: Organisation, today: date
) -> QuerySet[InformationAsset] | None:
    scope = _with_roles(user, organisation, access.ASSET_EDITOR_ROLES, "department")
    if scope is None:
        return None
    return InformationAsset.objects.filter(
        scope,
        status=InformationAsset.Status.APPROVED,
        review_due__lte=today + timedelta(days=REVIEW_WINDOW_DAYS),
    )


def _missing_years(this_year: int) -> QuerySet[BenefitTrackingYear]:
    # A year with a target that is over and has no actual: ``LeverTracking.overdue``.
    return BenefitTrackingYear.objects.filter(
        tracking=OuterRef("pk"), year__lt=this_year, actual__isnull=True
    )


def _actuals(
    user: User, organisation: Organisation, this_year: int
) -> QuerySet[BenefitTracking] | None:
    """Trackings I own (while I still see their department) or whose department I edit
    (``benefits.permissions.can_record_actuals``), with a past year that has no actual."""
    department = "benefit_model__initiative__department"
    scope = Q(owner=user) & _visible(user, organisation, department)
    editing = _with_roles(user, organisation, BENEFIT_EDITOR_ROLES, department)
    if editing is not None:
        scope |= editing
    return BenefitTracking.objects.filter(scope, Exists(_missing_years(this_year)))


def _facilitated(user: User, organisation: Organisation) -> QuerySet[ConsensusSession]:
    """Sessions I facilitate that are not over: collecting answers, revealed, or concluded
    and waiting for signatures."""
    return ConsensusSession.objects.filter(
        _visible(user, organisation, "assessment__asset__department"),
        Q(status__in=[ConsensusSession.Status.OPEN, ConsensusSession.Status.REVEALED])
        | Q(
            status=ConsensusSession.Status.CONCLUDED,
            assessment__status=Assessment.Status.AWAITING_SIGNOFF,
        ),
        facilitator=user,
    )


def _querysets(user: User, organisation: Organisation, today: date) -> dict[str, QuerySet[Any]]:
    sections: dict[str, QuerySet[Any] | None] = {
        ANSWERS: _answers(user, organisation),
        SIGNATURES: _signatures(user, organisation),
        APPROVALS: _approvals(user, organisation),
        REVIEWS: _reviews(user, organisation, today),
        ACTUALS: _actuals(user, organisation, today.year),
        FACILITATED: _facilitated(user, organisation),
    }
    return {key: qs for key, qs in sections.items() if qs is not None}


# --- Counts ---------------------------------------------------------------------------------


class _RowCount(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def _applies(user: User, organisation: Organisation | None) -> bool:
    return organisation is not None and access.is_member(user, organisation)


def counts(user: User, organisation: Organisation | None) -> dict[str, int]:
    """How many items each section holds: one query for all of them, kept on the user
    object for the request."""
    if not _applies(user, organisation):
        return dict.fromkeys(SECTION_KEYS, 0)
    assert organisation is not None
    cache: dict[int, dict[str, int]] = getattr(user, _COUNTS_CACHE_ATTR, None) or {}
    if organisation.pk not in cache:
        querysets = _querysets(user, organisation, timezone.localdate())
        rows = list(
            Organisation.objects.filter(pk=organisation.pk).values(
                **{
                    f"n_{key}": _RowCount(qs.order_by().values("pk"))
                    for key, qs in querysets.items()
                }
            )
        )
        found: dict[str, Any] = dict(rows[0]) if rows else {}
        cache[organisation.pk] = {key: int(found.get(f"n_{key}") or 0) for key in SECTION_KEYS}
        setattr(user, _COUNTS_CACHE_ATTR, cache)
    return cache[organisation.pk]


def open_item_count(user: User, organisation: Organisation | None) -> int:
    """The number the menu shows: every item of every section."""
    return sum(counts(user, organisation).values())


# --- The page -----------------------------------------------------------------------------------


def _asset_title(asset: InformationAsset) -> str:
    return f"{asset.code} {asset.name}"


def _answer_items(qs: QuerySet[Participant]) -> list[WorkItem]:
    rows = qs.select_related("session__assessment__asset__department").order_by(
        "session__created_at", "pk"
    )
    return [
        WorkItem(
            title=_asset_title(p.session.assessment.asset),
            url=reverse("session_answer", args=[p.session_id]),
            place=p.session.assessment.asset.department.name,
            note=_("You answer as %(role)s.") % {"role": p.get_session_role_display()},
        )
        for p in rows[:SECTION_LIMIT]
    ]


def _signature_items(qs: QuerySet[Participant]) -> list[WorkItem]:
    rows = qs.select_related("session__assessment__asset__department").order_by(
        "session__concluded_at", "pk"
    )
    return [
        WorkItem(
            title=_asset_title(p.session.assessment.asset),
            url=reverse("session_detail", args=[p.session_id]),
            place=p.session.assessment.asset.department.name,
            note=_("Sign as %(role)s.") % {"role": p.get_session_role_display()},
        )
        for p in rows[:SECTION_LIMIT]
    ]


def _approval_items(qs: QuerySet[Assessment]) -> list[WorkItem]:
    rows = qs.select_related("asset__department").order_by("updated_at", "pk")
    return [
        WorkItem(
            title=_asset_title(a.asset),
            url=reverse("assessment_detail", args=[a.pk]),
            place=a.asset.department.name,
            note=_("Version %(version)s is ready for approval.") % {"version": a.version},
        )
        for a in rows[:SECTION_LIMIT]
    ]


def _review_items(qs: QuerySet[InformationAsset], today: date) -> list[WorkItem]:
    rows = qs.select_related("department").order_by("review_due", "code")
    return [
        WorkItem(
            title=_asset_title(a),
            url=reverse("asset_detail", args=[a.pk]),
            place=a.department.name,
            due=a.review_due,
            overdue=a.review_due is not None and a.review_due < today,
        )
        for a in rows[:SECTION_LIMIT]
    ]


def _actual_items(qs: QuerySet[BenefitTracking], this_year: int) -> list[WorkItem]:
    missing = _missing_years(this_year)
    rows = (
        qs.select_related("benefit_model__initiative__department")
        .annotate(
            first_missing=Subquery(missing.order_by("year").values("year")[:1]),
            missing_count=_RowCount(missing.order_by().values("pk")),
        )
        .order_by("first_missing", "benefit_model__initiative__code", "lever_name")
    )
    items = []
    for t in rows[:SECTION_LIMIT]:
        initiative = t.benefit_model.initiative
        items.append(
            WorkItem(
                title=f"{initiative.code} {initiative.name}: {t.lever_name}",
                url=reverse("benefit_tracking", args=[initiative.pk]),
                place=initiative.department.name,
                note=ngettext(
                    "No actual recorded for %(year)s.",
                    "No actual recorded for %(count)s years, from %(year)s.",
                    t.missing_count,
                )
                % {"year": t.first_missing, "count": t.missing_count},
            )
        )
    return items


def _session_note(session: ConsensusSession) -> str:
    if session.status == ConsensusSession.Status.OPEN:
        return _("%(submitted)s of %(total)s have submitted their answers.") % {
            "submitted": getattr(session, "submitted_count", 0),
            "total": getattr(session, "participant_count", 0),
        }
    if session.status == ConsensusSession.Status.REVEALED:
        return _("The answers are revealed: agree on the levels and conclude.")
    return _("%(signed)s of %(required)s signatures.") % {
        "signed": getattr(session, "signed_count", 0),
        "required": len(required_sign_roles(session.assessment.asset)),
    }


def _facilitated_items(qs: QuerySet[ConsensusSession]) -> list[WorkItem]:
    rows = (
        qs.select_related("assessment__asset__department")
        .annotate(
            participant_count=Count("participants", distinct=True),
            submitted_count=Count(
                "participants",
                filter=Q(participants__submitted_at__isnull=False),
                distinct=True,
            ),
            signed_count=Count(
                "assessment__signoffs",
                filter=Q(assessment__signoffs__voided_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("created_at", "pk")
    )
    return [
        WorkItem(
            title=_asset_title(s.assessment.asset),
            url=reverse("session_detail", args=[s.pk]),
            place=s.assessment.asset.department.name,
            note=f"{s.get_status_display()}: {_session_note(s)}",
        )
        for s in rows[:SECTION_LIMIT]
    ]


def work_list(user: User, organisation: Organisation | None) -> list[Section]:
    """Every section of the person's work list, each with its count and its first items.
    One query for the counts and at most one per section that has items."""
    found = counts(user, organisation)
    if not _applies(user, organisation):
        return [Section(key, _TITLES[key], _EMPTY[key], 0) for key in SECTION_KEYS]
    assert organisation is not None
    today = timezone.localdate()
    querysets = _querysets(user, organisation, today)
    readers: dict[str, Callable[[QuerySet[Any]], list[WorkItem]]] = {
        ANSWERS: _answer_items,
        SIGNATURES: _signature_items,
        APPROVALS: _approval_items,
        REVIEWS: lambda qs: _review_items(qs, today),
        ACTUALS: lambda qs: _actual_items(qs, today.year),
        FACILITATED: _facilitated_items,
    }
    return [
        Section(
            key,
            _TITLES[key],
            _EMPTY[key],
            found[key],
            readers[key](querysets[key]) if found[key] else [],
        )
        for key in SECTION_KEYS
    ]
