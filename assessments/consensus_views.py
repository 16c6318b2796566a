"""Thin views for consensus sessions and sign-off; the rules are in assessments.consensus."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import consensus, frameworks, reports, selectors
from assessments.forms import DecisionForm, DissentForm, RejectForm, SessionForm, StepForm
from assessments.i18n import tr
from assessments.models import Assessment, ConsensusSession, Participant, Question
from assessments.services import StaleVersion
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import User
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import (
    autosave_status,
    current_organisation,
    on_organisation,
    permission_required,
)


def _lock(request: AuthenticatedHttpRequest) -> int | None:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return None


def _run(request: AuthenticatedHttpRequest, action, success: str) -> None:
    """Run a service; show its outcome as a message (stale → the new state is shown)."""
    try:
        action()
    except StaleVersion as error:
        messages.warning(request, error.message)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)


def _visible_assessment(request: AuthenticatedHttpRequest, pk: int) -> Assessment:
    return selectors.get_visible_assessment(request.user, current_organisation(request), pk)


@require_http_methods(["GET", "POST"])
@permission_required(
    "klassa.approve_classifications",
    _visible_assessment,
    on=on_organisation,
    message=gettext_lazy("Only the information-security officer facilitates a session."),
)
def session_create(request: AuthenticatedHttpRequest, assessment: Assessment) -> HttpResponse:
    organisation = current_organisation(request)
    department = assessment.asset.department
    people = (
        User.objects.filter(is_active=True, memberships__organisation=organisation)
        .filter(Q(memberships__department=department) | Q(memberships__department__isnull=True))
        .distinct()
        .order_by("full_name", "email")
    )
    # Other drafts of the same department that the same people could handle in one meeting.
    others = (
        Assessment.objects.filter(asset__department=department, status=Assessment.Status.DRAFT)
        .exclude(pk=assessment.pk)
        .select_related("asset")
        .order_by("asset__code")
    )
    suggested = consensus.suggested_participants(assessment, request.user)
    options: dict[str, Any] = {
        "people": people,
        "others": others,
        "suggested": suggested,
        "facilitator": request.user,
    }
    if "more" in request.POST:
        # "Add a participant" shows what was typed again, unchecked, with an empty row more.
        typed = {k: request.POST.getlist(k) if k == "also" else v for k, v in request.POST.items()}
        count = SessionForm.posted_rows(request.POST) + 1
        form = SessionForm(initial=typed, count=count, **options)
    else:
        form = SessionForm(request.POST or None, **options)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            sessions = consensus.do_open_meeting(
                actor=request.user,
                assessments=[assessment, *form.cleaned_data["also"]],
                participants=form.chosen(),
                guests=form.cleaned_data["guests"],
                meeting_at=form.cleaned_data["meeting_at"],
                meeting_minutes=form.cleaned_data["meeting_minutes"] or 60,
                meeting_place=form.cleaned_data["meeting_place"],
            )
            session = sessions[0]
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("The session is open and the invitations are on their way.")
            )
            return redirect("session_detail", pk=session.pk)
    return render(
        request,
        "assessments/session_form.html",
        {
            "form": form,
            "assessment": assessment,
            "missing_roles": consensus.roles_nobody_holds(assessment, suggested),
            "department": department,
        },
    )


def _session_context(
    request: AuthenticatedHttpRequest, session: ConsensusSession
) -> dict[str, Any]:
    assessment = session.assessment
    scheme = frameworks.load_scheme(assessment.scheme)
    participants = list(session.participants.select_related("user").order_by("id"))
    me = next((p for p in participants if p.user_id == request.user.pk), None)
    is_facilitator = session.facilitator_id == request.user.pk
    revealed = session.status in (
        ConsensusSession.Status.REVEALED,
        ConsensusSession.Status.CONCLUDED,
    )
    signoffs = list(assessment.signoffs.select_related("user").order_by("signed_at"))
    return {
        "session": session,
        "assessment": assessment,
        "asset": assessment.asset,
        "scheme": scheme,
        "participants": participants,
        "me": me,
        "is_facilitator": is_facilitator,
        "revealed": revealed,
        "spreads": consensus.disagreement(session) if revealed else [],
        "decisions": consensus.decisions_in_order(session),
        "dissents": list(session.dissents.select_related("participant__user")),
        "results": {r.aspect_code: r for r in assessment.results.all()},
        "signoffs": signoffs,
        "required_roles": consensus.required_sign_roles(assessment.asset),
        "my_sign_roles": consensus.signing_roles(request.user, assessment)
        if assessment.status == Assessment.Status.AWAITING_SIGNOFF
        else [],
        "signed_roles": {s.role for s in signoffs if s.voided_at is None},
        "signers": consensus.signer_states(session)
        if session.status == ConsensusSession.Status.CONCLUDED
        else [],
        "fingerprint": consensus.content_fingerprint(assessment),
        "aspect_choices": [(a.code, f"{a.code} – {tr(a.name)}") for a in scheme.aspects],
        "minimums": consensus.legal_minimums(assessment),
        "state": _state(session),
        "meeting": consensus.meeting_sessions(session),
    }


def _state(session: ConsensusSession) -> str:
    """What decides which forms a page shows; when it moves on, open pages reload."""
    return f"{session.status}-{session.assessment.status}"


def _render_session(
    request: AuthenticatedHttpRequest,
    session: ConsensusSession,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _session_context(request, session)
    top = max(context["scheme"].tops.values(), default=4)
    context["decision_form"] = decision_form or DecisionForm(
        aspects=context["aspect_choices"], top=top, initial={"lock_version": session.lock_version}
    )
    context["dissent_form"] = DissentForm(aspects=context["aspect_choices"])
    context["reject_form"] = RejectForm()
    return render(request, "assessments/session_detail.html", context, status=status)


@require_GET
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    return _render_session(request, session)


@never_cache
@require_GET
def session_live(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The part of the session page that everyone's browser polls (htmx)."""
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    seen = request.GET.get("state")
    if seen and seen != _state(session):
        # Someone revealed, concluded, signed or rejected: reload the whole page so that
        # everyone gets the forms of the new stage.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    response = render(request, "assessments/_session_live.html", _session_context(request, session))
    response["Vary"] = "HX-Request"
    return response


@require_GET
def session_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar entry, for the facilitator and the participants."""
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    link = request.build_absolute_uri(reverse("session_answer", args=[session.pk]))
    calendar = consensus.session_invitation(session, link=link)
    if calendar is None:
        raise Http404("This session has no meeting time.")
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="session-{session.pk}-{session.assessment.asset.code}.ics"'
    )
    return response


@require_http_methods(["GET", "POST"])
def session_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    participant = consensus.participant_of(session, request.user)
    if participant is None:
        raise PermissionDenied(_("Only invited participants answer."))
    scheme = frameworks.load_scheme(session.assessment.scheme)
    questions = list(
        Question.objects.filter(bank=session.assessment.question_bank, aspect_code__in=scheme.codes)
        .prefetch_related("options")
        .order_by("aspect_code", "order")
    )
    mine = {p.question_id: p for p in participant.proposals.all()}
    initial: dict[str, Any] = {"lock_version": session.lock_version}
    for q in questions:
        proposal = mine.get(q.pk)
        initial[f"answer_{q.code}"] = proposal.option_id if proposal else None
        initial[f"comment_{q.code}"] = proposal.comment if proposal else ""
    form = StepForm(
        request.POST or None, questions=questions, levels=[], availability=False, initial=initial
    )
    if request.method == "POST" and "autosave" in request.POST:
        return _autosave_proposal(request, session, form)
    unanswered: list[Question] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = "submit" in request.POST or "confirm_partial" in request.POST
        if submit and request.POST.get("confirm_partial") != "1":
            # Submitting with questions left open is allowed, but only on purpose: first
            # the answers are kept as a draft and the open questions listed.
            unanswered = [q for q in questions if data.get(f"answer_{q.code}") is None]
        try:
            consensus.do_save_proposals(
                actor=request.user,
                session=session,
                answers={q.code: data.get(f"answer_{q.code}") for q in questions},
                comments={q.code: data.get(f"comment_{q.code}", "") for q in questions},
                submit=submit and not unanswered,
            )
        except ServiceError as error:
            unanswered = []
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if unanswered:
                return _answer_page(request, session, participant, form, questions, unanswered)
            messages.success(request, _("Your answers are submitted.") if submit else _("Saved."))
            return redirect("session_detail" if submit else "session_answer", pk=session.pk)
    return _answer_page(request, session, participant, form, questions, unanswered)


def _answer_page(
    request: AuthenticatedHttpRequest,
    session: ConsensusSession,
    participant: Participant,
    form: StepForm,
    questions: list[Question],
    unanswered: list[Question],
) -> HttpResponse:
    scheme = frameworks.load_scheme(session.assessment.scheme)
    groups = [
        (
            aspect,
            [
                (q, form[f"answer_{q.code}"], form[f"comment_{q.code}"])
                for q in questions
                if q.aspect_code == aspect.code
            ],
        )
        for aspect in scheme.aspects
    ]
    return render(
        request,
        "assessments/session_answer.html",
        {
            "session": session,
            "asset": session.assessment.asset,
            "form": form,
            "groups": groups,
            "participant": participant,
            "editable": session.status == ConsensusSession.Status.OPEN,
            "unanswered": unanswered,
        },
    )


def _autosave_proposal(
    request: AuthenticatedHttpRequest, session: ConsensusSession, form: StepForm
) -> HttpResponse:
    """One answer and comment of the participant's draft, saved as they change (htmx)."""
    code = request.POST.get("autosave", "")
    if f"answer_{code}" not in form.fields:
        raise Http404("No such question in this session.")
    option_id, comment, errors = form.answer_of(code)
    if errors:
        return autosave_status(saved=False, message=" ".join(errors))
    try:
        consensus.do_save_proposal(
            actor=request.user,
            session=session,
            question_code=code,
            option_id=option_id,
            comment=comment,
        )
    except ServiceError as error:
        return autosave_status(saved=False, message=_("Not saved: %s") % error.message)
    return autosave_status(saved=True)


def _confirmation(
    request: AuthenticatedHttpRequest, session: ConsensusSession, action: str
) -> HttpResponse:
    """The step between the button and the act: what will happen, and for a reveal what is
    still missing. Only a POST carrying ``confirm`` from this page acts."""
    if session.facilitator_id != request.user.pk:
        raise PermissionDenied(_("Only the facilitator does this."))
    participants = list(session.participants.select_related("user").order_by("id"))
    return render(
        request,
        "assessments/session_confirm.html",
        {
            "session": session,
            "asset": session.assessment.asset,
            "assessment": session.assessment,
            "action": action,
            "participants": participants,
            "missing": consensus.reveal_shortfall(session) if action == "reveal" else [],
            "lock_version": _lock(request) if request.method == "POST" else session.lock_version,
        },
    )


def _confirmed(request: AuthenticatedHttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "yes"


@require_http_methods(["GET", "POST"])
def session_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    if not _confirmed(request):
        return _confirmation(request, session, "reveal")
    _run(
        request,
        lambda: consensus.do_reveal(
            actor=request.user, session=session, lock_version=_lock(request)
        ),
        _("Everyone's answers are revealed."),
    )
    return redirect("session_detail", pk=session.pk)


@require_POST
def session_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record an agreed level. A refused one shows the session page again with the form as
    typed (aspect, level and rationale) and the reason beside the field."""
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    if session.facilitator_id != request.user.pk:
        raise PermissionDenied(_("Only the facilitator does this."))
    scheme = frameworks.load_scheme(session.assessment.scheme)
    aspects = [(a.code, f"{a.code} – {tr(a.name)}") for a in scheme.aspects]
    form = DecisionForm(request.POST, aspects=aspects, top=max(scheme.tops.values(), default=4))
    if not form.is_valid():
        return _render_session(request, session, form, status=400)
    data = form.cleaned_data
    try:
        consensus.do_decide(
            actor=request.user,
            session=session,
            aspect_code=data["aspect_code"],
            level=data["level"],
            rationale=data["rationale"],
            lock_version=data["lock_version"],
        )
    except StaleVersion as error:
        # Keep what was typed, on top of the new state: the next submit is against it.
        fresh = ConsensusSession.objects.get(pk=session.pk)
        again = DecisionForm(
            {**request.POST.dict(), "lock_version": fresh.lock_version},
            aspects=aspects,
            top=max(scheme.tops.values(), default=4),
        )
        messages.warning(request, error.message)
        return _render_session(request, fresh, again, status=409)
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_session(request, session, form, status=400)
    messages.success(request, _("Agreed level recorded."))
    return redirect("session_detail", pk=session.pk)


@require_POST
def session_dissent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    _run(
        request,
        lambda: consensus.do_dissent(
            actor=request.user,
            session=session,
            aspect_code=request.POST.get("aspect_code", ""),
            text=request.POST.get("text", ""),
        ),
        _("Your dissent is recorded in the minutes."),
    )
    return redirect("session_detail", pk=session.pk)


@require_POST
def session_conclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    _run(
        request,
        lambda: consensus.do_conclude(
            actor=request.user, session=session, lock_version=_lock(request)
        ),
        _("The agreement is recorded; the classification now awaits signatures."),
    )
    return redirect("session_detail", pk=session.pk)


@require_http_methods(["GET", "POST"])
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = consensus.get_session_for_user(request.user, current_organisation(request), pk)
    if not _confirmed(request):
        return _confirmation(request, session, "cancel")
    _run(
        request,
        lambda: consensus.do_cancel(actor=request.user, session=session),
        _("Session cancelled."),
    )
    return redirect("assessment_detail", pk=session.assessment_id)


def _session_of(request: AuthenticatedHttpRequest, assessment_pk: int) -> ConsensusSession:
    assessment = selectors.get_visible_assessment(
        request.user, current_organisation(request), assessment_pk
    )
    session = assessment.consensus_sessions.order_by("-created_at").first()
    if session is None:
        raise PermissionDenied(_("This classification has no consensus session."))
    return consensus.get_session_for_user(request.user, current_organisation(request), session.pk)


@require_POST
def assessment_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    _run(
        request,
        lambda: consensus.do_sign(
            actor=request.user,
            assessment=session.assessment,
            role=request.POST.get("role", ""),
            fingerprint=request.POST.get("fingerprint") or None,
        ),
        _("Signed."),
    )
    return redirect("session_detail", pk=session.pk)


@require_POST
def assessment_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    _run(
        request,
        lambda: consensus.do_reject(
            actor=request.user, assessment=session.assessment, reason=request.POST.get("reason", "")
        ),
        _("Rejected: the classification is back in the session."),
    )
    return redirect("session_detail", pk=session.pk)


@require_GET
def session_minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = consensus.get_minutes_session_for_user(
        request.user, current_organisation(request), pk
    )
    # The same content as the PDF of the minutes.
    context = reports.minutes_context(reports.collect_minutes(session))
    context["takes_part"] = consensus.takes_part(session, request.user)
    return render(request, "assessments/session_minutes.html", context)


# --- External guests -------------------------------------------------------------------------


def _proposal_form(
    session: ConsensusSession, participant: Participant, data: Any
) -> tuple[StepForm, list[Question], list[tuple[Any, list[tuple[Any, Any, Any]]]]]:
    """A participant's answer form on the session's questions, grouped by aspect."""
    scheme = frameworks.load_scheme(session.assessment.scheme)
    questions = list(
        Question.objects.filter(bank=session.assessment.question_bank, aspect_code__in=scheme.codes)
        .prefetch_related("options")
        .order_by("aspect_code", "order")
    )
    mine = {p.question_id: p for p in participant.proposals.all()}
    initial: dict[str, Any] = {"lock_version": session.lock_version}
    for q in questions:
        proposal = mine.get(q.pk)
        initial[f"answer_{q.code}"] = proposal.option_id if proposal else None
        initial[f"comment_{q.code}"] = proposal.comment if proposal else ""
    form = StepForm(data, questions=questions, levels=[], availability=False, initial=initial)
    groups = [
        (
            aspect,
            [
                (q, form[f"answer_{q.code}"], form[f"comment_{q.code}"])
                for q in questions
                if q.aspect_code == aspect.code
            ],
        )
        for aspect in scheme.aspects
    ]
    return form, questions, groups


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def session_guest(request: HttpRequest, token: str) -> HttpResponse:
    """An external guest answers through their own link: that session's questions and their
    own answers, nothing else (404 for a bad, expired or revoked link)."""
    guest = consensus.get_guest_participant(token)
    session = guest.session
    form, questions, groups = _proposal_form(session, guest, request.POST or None)
    editable = session.status == ConsensusSession.Status.OPEN
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = "submit" in request.POST
        try:
            consensus.do_save_proposals(
                actor=None,
                guest=guest,
                session=session,
                answers={q.code: data.get(f"answer_{q.code}") for q in questions},
                comments={q.code: data.get(f"comment_{q.code}", "") for q in questions},
                submit=submit,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Your answers are submitted. Thank you!") if submit else _("Saved."),
            )
            return redirect("session_guest", token=token)
    guest.refresh_from_db(fields=["submitted_at"])
    return render(
        request,
        "assessments/session_guest.html",
        {
            "session": session,
            "asset": session.assessment.asset,
            "form": form,
            "groups": groups,
            "participant": guest,
            "editable": editable,
        },
    )
