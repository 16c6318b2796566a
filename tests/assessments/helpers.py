"""Helpers shared by the classification tests: consensus steps and a growing organisation."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from assessments import consensus, frameworks
from assessments.models import (
    Adjustment,
    Area,
    ConsensusSession,
    InformationAsset,
    Initiative,
    Question,
    RequirementStatus,
)

# Codes unique across a test, however many times it grows the organisation.
_codes = itertools.count()


def answers(session, level):
    result = {}
    for q in Question.objects.filter(bank=session.assessment.question_bank).prefetch_related(
        "options"
    ):
        fitting = [o for o in q.options.all() if o.level <= level]
        result[q.code] = max(fitting, key=lambda o: o.level).pk
    return result


def propose(user, session, level, submit=True):
    return consensus.do_save_proposals(
        actor=user, session=session, answers=answers(session, level), comments={}, submit=submit
    )


def the_others_submit(session):
    """Everyone who has not submitted yet submits without answering, so that the answers may
    be revealed (the organisation's minimum: everyone who must sign has answered)."""
    for participant in session.participants.filter(submitted_at__isnull=True):
        consensus.do_save_proposals(
            actor=participant.user,
            guest=participant if participant.user is None else None,
            session=session,
            answers={},
            comments={},
            submit=True,
        )


def fresh(session):
    return ConsensusSession.objects.get(pk=session.pk)


def agree_everything(officer, session, levels):
    for code, level in levels.items():
        consensus.do_decide(
            actor=officer,
            session=fresh(session),
            aspect_code=code,
            level=level,
            rationale=f"Agreed after discussion on {code}",
            lock_version=fresh(session).lock_version,
        )


def add_assets(department, n: int) -> list[InformationAsset]:
    """``n`` assets of every kind a row can show: approved (most of them overdue for review),
    being classified, unclassified, with personal data, secrecy, protective security."""
    today = timezone.localdate()
    assets = []
    for i in range(n):
        number = next(_codes)
        kind = i % 5
        assets.append(
            InformationAsset(
                organisation=department.organisation,
                department=department,
                code=f"QA{number:05d}",
                name=f"Mängd {number}",
                personal_data=("no", "yes", "special_categories")[i % 3],
                secrecy=kind == 1,
                secrecy_reference="OSL 23:2" if kind == 1 else "",
                protective_security=kind == 2 and i % 10 == 2,
                requires_protective_security_analysis=kind == 2 and i % 10 == 2,
                levels={} if kind == 4 else {"K": i % 5, "R": 1, "T": (i + 2) % 5, "S": 0},
                status="unclassified" if kind == 4 else ("draft" if kind == 3 else "approved"),
                review_due=today - timedelta(days=1 + i) if kind < 3 else None,
            )
        )
    return InformationAsset.objects.bulk_create(assets)


def add_initiatives(department, assets, n: int) -> list[Initiative]:
    """``n`` initiatives with 1–10 of the given assets each, an area, and every third one
    with an adjustment and an action-plan status."""
    organisation = department.organisation
    area, _ = Area.objects.get_or_create(organisation=organisation, name="Skola")
    initiatives = []
    for _i in range(n):
        number = next(_codes)
        initiatives.append(
            Initiative(
                organisation=organisation,
                department=department,
                area=area,
                code=f"QI{number:05d}",
                name=f"Satsning {number}",
            )
        )
    initiatives = Initiative.objects.bulk_create(initiatives)
    link_assets(initiatives, assets)
    requirement = frameworks.current_catalogue(organisation).requirements.first()
    Adjustment.objects.bulk_create(
        Adjustment(
            initiative=initiative,
            aspect_code="K",
            level=3,
            reason="aggregation",
            justification="Samlad bild av många elever",
        )
        for initiative in initiatives[::3]
    )
    RequirementStatus.objects.bulk_create(
        RequirementStatus(initiative=initiative, requirement=requirement, status="partly")
        for initiative in initiatives[::3]
    )
    return initiatives


def link_assets(initiatives, assets) -> None:
    Initiative.assets.through.objects.bulk_create(
        Initiative.assets.through(initiative=initiative, asset=asset)
        for n, initiative in enumerate(initiatives)
        for asset in assets[n % len(assets) :][: 1 + n % 10]
    )


def grow(utbildning, kultur, *, assets: int, initiatives: int) -> None:
    """The organisation grows in both departments, so department readers see it grow too."""
    for department in (utbildning, kultur):
        new_assets = add_assets(department, assets)
        add_initiatives(department, new_assets, initiatives)
