"""Min arbetslista: each person's home page lists what is theirs to do, each item a link to
the page where it is done, and the menu counts the open items."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments import consensus, frameworks
from assessments import services as assessment_services
from assessments.models import InformationAsset, Participant
from benefits import tracking
from benefits.tracking import YearValues
from klassa_app.models import Role, User
from tests.assessments.helpers import agree_everything, fresh, propose
from tests.factories import (
    DEFAULT_LEVELS,
    AssessmentFactory,
    BenefitModelFactory,
    BenefitTrackingFactory,
    ClassifiedAssetFactory,
    ConsensusSessionFactory,
    MembershipFactory,
    member,
)
from worklist import selectors
from worklist.selectors import (
    ACTUALS,
    ANSWERS,
    APPROVALS,
    FACILITATED,
    REVIEWS,
    SECTION_KEYS,
    SIGNATURES,
)

pytestmark = pytest.mark.django_db

P = Participant.SessionRole


def _sections(user, organisation) -> dict[str, selectors.Section]:
    # A fresh user object, as each request has: the counts are kept on it for the request.
    fresh_user = User.objects.get(pk=user.pk)
    return {s.key: s for s in selectors.work_list(fresh_user, organisation)}


def _titles(user, organisation, key: str) -> list[str]:
    return [item.title for item in _sections(user, organisation)[key].items]


def _session(department, *, facilitator, participants, **asset_fields):
    assessment = AssessmentFactory(
        asset__department=department, **{f"asset__{k}": v for k, v in asset_fields.items()}
    )
    return ConsensusSessionFactory(
        assessment=assessment, facilitator=facilitator, participants=participants
    )


def _conclude(session, facilitator, people):
    for person in people:
        propose(person, session, 2)
    consensus.do_reveal(
        actor=facilitator, session=session, lock_version=fresh(session).lock_version
    )
    agree_everything(facilitator, session, {"K": 2, "R": 2, "T": 2, "S": 1})
    return consensus.do_conclude(actor=facilitator, session=fresh(session), lock_version=None)


def _due_for_review(department, days: int, **fields) -> InformationAsset:
    asset = ClassifiedAssetFactory(department=department, **fields)
    InformationAsset.objects.filter(pk=asset.pk).update(
        review_due=timezone.localdate() + timedelta(days=days)
    )
    return asset


def _last_year() -> int:
    return timezone.localdate().year - 1


@pytest.fixture
def economist(utbildning):
    return member(Role.ECONOMIST, department=utbildning, email="ekonom@norrkoping.se")


@pytest.fixture
def busy(officer, owner, lawyer, economist, admin, utbildning, kultur):
    """Something waiting for each persona: answers owed by the lawyer, a signature due for
    the owner and the lawyer, an approval for the officer, a review due in Utbildning, an
    actual due for the economist, and sessions the officer facilitates."""
    open_session = _session(
        utbildning,
        facilitator=officer,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)],
        code="OPEN",
    )
    propose(owner, open_session, 2)  # the owner has answered, the lawyer not yet
    signing = _session(
        utbildning,
        facilitator=officer,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)],
        code="SIGN",
    )
    _conclude(signing, officer, [owner, lawyer])
    AssessmentFactory(asset__department=utbildning, asset__code="READY", answers=DEFAULT_LEVELS)
    _due_for_review(utbildning, -3, code="REVIEW")
    BenefitTrackingFactory(
        benefit_model__initiative__department=utbildning,
        benefit_model__initiative__code="EDU-T",
        start_year=_last_year(),
    )
    return {"open": open_session, "signing": signing}


# --- Each persona sees their own work -------------------------------------------------------


def test_a_participant_who_owes_answers_sees_that_session_and_not_others(
    officer, owner, lawyer, utbildning, kultur, culture_viewer, norrkoping
):
    mine = _session(
        utbildning,
        facilitator=officer,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)],
        code="MINE",
    )
    _session(utbildning, facilitator=officer, participants=None, code="THEIRS")
    kultur_lawyer = member(Role.LEGAL_REVIEWER, department=kultur)
    _session(
        kultur,
        facilitator=officer,
        participants=[(culture_viewer, P.BUSINESS_OWNER), (kultur_lawyer, P.LEGAL_REVIEWER)],
        code="KULTUR",
    )
    answers = _sections(lawyer, norrkoping)[ANSWERS]
    assert [item.title.split()[0] for item in answers.items] == ["MINE"]
    assert answers.items[0].url == reverse("session_answer", args=[mine.pk])
    assert answers.count == 1

    propose(lawyer, mine, 2)  # submitted: nothing more is owed
    assert _sections(lawyer, norrkoping)[ANSWERS].count == 0


def test_a_signer_sees_their_pending_signature_until_they_sign(
    officer, owner, lawyer, utbildning, norrkoping
):
    session = _session(
        utbildning,
        facilitator=officer,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)],
        code="SIGN",
    )
    assessment = _conclude(session, officer, [owner, lawyer])
    for signer in (owner, lawyer):
        signatures = _sections(signer, norrkoping)[SIGNATURES]
        assert [item.url for item in signatures.items] == [
            reverse("session_detail", args=[session.pk])
        ]

    consensus.do_sign(actor=owner, assessment=assessment, role=P.BUSINESS_OWNER)
    assert _sections(owner, norrkoping)[SIGNATURES].count == 0
    assert _sections(lawyer, norrkoping)[SIGNATURES].count == 1
    with translation.override("en"):
        facilitated = _sections(officer, norrkoping)[FACILITATED]
        assert "1 of 2 signatures." in facilitated.items[0].note


def test_a_data_protection_officer_signs_only_where_there_is_personal_data(
    officer, owner, lawyer, utbildning, norrkoping
):
    dpo = member(Role.DPO, department=utbildning)
    plain = _session(
        utbildning,
        facilitator=officer,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        code="PLAIN",
    )
    personal = _session(
        utbildning,
        facilitator=officer,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        code="PERSONAL",
        personal_data="yes",
    )
    _conclude(plain, officer, [owner, lawyer, dpo])
    _conclude(personal, officer, [owner, lawyer, dpo])
    assert [t.split()[0] for t in _titles(dpo, norrkoping, SIGNATURES)] == ["PERSONAL"]


def test_the_security_officer_sees_classifications_ready_for_approval(
    officer, owner, utbildning, norrkoping
):
    ready = AssessmentFactory(
        asset__department=utbildning, asset__code="READY", answers=DEFAULT_LEVELS
    )
    AssessmentFactory(asset__department=utbildning, asset__code="HALF", answers={"K": 2})
    approvals = _sections(officer, norrkoping)[APPROVALS]
    assert [item.url for item in approvals.items] == [reverse("assessment_detail", args=[ready.pk])]
    assert _sections(owner, norrkoping)[APPROVALS].count == 0  # owners do not approve

    assessment_services.do_approve_assessment(actor=officer, assessment=ready)
    assert _sections(officer, norrkoping)[APPROVALS].count == 0


def test_a_business_owner_sees_reviews_due_in_their_department_and_not_another(
    owner, culture_viewer, utbildning, kultur, norrkoping
):
    overdue = _due_for_review(utbildning, -5, code="LATE")
    _due_for_review(utbildning, 20, code="SOON")
    _due_for_review(utbildning, 60, code="LATER")
    _due_for_review(kultur, -5, code="KULTUR")
    reviews = _sections(owner, norrkoping)[REVIEWS]
    assert [(i.title.split()[0], i.overdue) for i in reviews.items] == [
        ("LATE", True),
        ("SOON", False),
    ]
    assert reviews.items[0].url == reverse("asset_detail", args=[overdue.pk])
    # A viewer edits nothing, so no review is theirs.
    assert _sections(culture_viewer, norrkoping)[REVIEWS].count == 0


def test_an_economist_sees_benefit_actuals_due_until_they_are_recorded(
    economist, culture_viewer, utbildning, kultur, norrkoping
):
    model = BenefitModelFactory(initiative__department=utbildning, initiative__code="EDU-A")
    due = BenefitTrackingFactory(benefit_model=model, start_year=_last_year())
    BenefitTrackingFactory(benefit_model=model)  # from this year: nothing due yet
    BenefitTrackingFactory(benefit_model__initiative__department=kultur, start_year=_last_year())
    actuals = _sections(economist, norrkoping)[ACTUALS]
    assert [i.title for i in actuals.items] == [f"EDU-A {model.initiative.name}: {due.lever_name}"]
    assert actuals.items[0].url == reverse("benefit_tracking", args=[model.initiative_id])

    target = due.years.get(year=_last_year()).target
    tracking.do_save_years(
        actor=economist,
        tracking=due,
        values={_last_year(): YearValues(target=target, actual=Decimal(1))},
    )
    assert _sections(economist, norrkoping)[ACTUALS].count == 0


def test_the_owner_of_a_benefit_sees_its_actuals_due_in_a_department_they_only_read(
    culture_viewer, kultur, norrkoping
):
    owned = BenefitTrackingFactory(
        benefit_model__initiative__department=kultur,
        owner=culture_viewer,
        start_year=_last_year(),
    )
    assert [i.url for i in _sections(culture_viewer, norrkoping)[ACTUALS].items] == [
        reverse("benefit_tracking", args=[owned.benefit_model.initiative_id])
    ]


def test_the_facilitator_sees_each_session_and_its_state(officer, busy, norrkoping):
    with translation.override("en"):
        facilitated = _sections(officer, norrkoping)[FACILITATED]
    notes = {item.title.split()[0]: item.note for item in facilitated.items}
    assert notes == {
        "OPEN": "Collecting answers: 1 of 2 have submitted their answers.",
        "SIGN": "Concluded: 0 of 2 signatures.",
    }


def test_an_outsider_sees_none_of_it(as_user, outsider, busy, other_department):
    organisation = other_department.organisation
    assert selectors.counts(outsider, organisation) == dict.fromkeys(SECTION_KEYS, 0)
    page = as_page(as_user(outsider))
    assert 'id="nav-open-items"' not in page
    for code in ("OPEN", "SIGN", "READY", "REVIEW", "EDU-T"):
        assert code not in page


# --- Links, the page and the menu -------------------------------------------------------------


def as_page(client, url_name: str = "home") -> str:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["officer", "owner", "lawyer", "economist"])
def test_every_link_opens_for_the_person_it_is_for(request, persona, busy, as_user, norrkoping):
    user = request.getfixturevalue(persona)
    items = [item for s in selectors.work_list(user, norrkoping) for item in s.items]
    assert items, f"{persona} should have something to do"
    client = as_user(user)
    for item in items:
        assert client.get(item.url).status_code == 200, item.url
        assert f'href="{item.url}"' in client.get(reverse("home")).content.decode()


def test_each_persona_finds_their_work_on_the_home_page(
    as_user, busy, officer, owner, lawyer, economist
):
    expected = {
        officer: {"work-approvals": "READY", "work-facilitated": "SIGN", "work-reviews": "REVIEW"},
        owner: {"work-signatures": "SIGN", "work-reviews": "REVIEW"},
        lawyer: {"work-answers": "OPEN", "work-signatures": "SIGN"},
        economist: {"work-actuals": "EDU-T"},
    }
    for person, sections in expected.items():
        page = as_page(as_user(person))
        for section_id, code in sections.items():
            section = page[page.index(f'id="{section_id}"') :].split("</section>", 1)[0]
            assert code in section, (person.email, section_id)


def test_empty_sections_say_so(as_user, culture_viewer, norrkoping):
    page = as_page(as_user(culture_viewer))
    assert page.count("data-empty") == len(SECTION_KEYS)
    with translation.override("sv"):
        for section in selectors.work_list(culture_viewer, norrkoping):
            assert str(section.empty) in page
    assert "Min arbetslista" in page


def test_the_menu_counts_the_open_items_on_every_page(as_user, busy, lawyer, norrkoping):
    expected = selectors.open_item_count(lawyer, norrkoping)
    assert expected == 3  # an answer owed, a signature, a review in her department
    for url_name in ("home", "asset_list"):
        page = as_page(as_user(lawyer), url_name)
        badge = re.search(r'id="nav-open-items">(\d+)<', page)
        assert badge and int(badge.group(1)) == expected


def test_the_home_page_keeps_the_departments_and_the_admin_panel(as_user, admin, utbildning):
    page = as_page(as_user(admin))
    assert page.index('id="work-list"') < page.index('id="service-status"')
    assert "Mina förvaltningar" in page and utbildning.name in page


# --- Bounded queries ---------------------------------------------------------------------------


def _grow(n: int, *, persona, facilitator, owner, lawyer, utbildning) -> None:
    """``n`` more items in each section of ``persona`` (a security officer who is also an
    economist and a participant)."""
    for _ in range(n):
        _session(
            utbildning,
            facilitator=facilitator,
            participants=[(persona, P.IT), (owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)],
        )
        signing = _session(
            utbildning,
            facilitator=facilitator,
            participants=[(persona, P.LEGAL_REVIEWER), (owner, P.BUSINESS_OWNER)],
        )
        _conclude(signing, facilitator, [persona, owner])
        ConsensusSessionFactory(assessment__asset__department=utbildning, facilitator=persona)
        AssessmentFactory(asset__department=utbildning, answers=DEFAULT_LEVELS)
    today = timezone.localdate()
    InformationAsset.objects.bulk_create(
        InformationAsset(
            organisation=utbildning.organisation,
            department=utbildning,
            code=f"DUE{InformationAsset.objects.count() + i}",
            name="Omprövas snart",
            status=InformationAsset.Status.APPROVED,
            review_due=today - timedelta(days=i),
        )
        for i in range(n)
    )
    for _ in range(-(-n // 3)):  # three levers per model
        model = BenefitModelFactory(initiative__department=utbildning)
        for _lever in range(3):
            BenefitTrackingFactory(benefit_model=model, start_year=_last_year())


def test_the_page_and_the_menu_count_read_a_fixed_number_of_queries(
    as_user,
    officer,
    owner,
    lawyer,
    utbildning,
    norrkoping,
    monkeypatch,
    django_assert_max_num_queries,
):
    """A few items, then over thirty (six or more in every section, more than a section
    shows): the home page and the menu's count on another page read no more queries."""
    monkeypatch.setattr(selectors, "SECTION_LIMIT", 4)
    persona = member(Role.SECURITY_OFFICER, organisation=norrkoping)
    MembershipFactory(user=persona, department=utbildning, role=Role.ECONOMIST)
    people = dict(persona=persona, facilitator=officer, owner=owner, lawyer=lawyer)
    _grow(1, utbildning=utbildning, **people)
    client = as_user(persona)
    client.get(reverse("home"))  # warm the session and caches
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse("home")).status_code == 200
    page_queries = len(small)
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse("department_list")).status_code == 200
    menu_queries = len(small)
    counts = selectors.counts(User.objects.get(pk=persona.pk), norrkoping)
    assert min(counts.values()) >= 1 and sum(counts.values()) < 10

    _grow(5, utbildning=utbildning, **people)
    counts = selectors.counts(User.objects.get(pk=persona.pk), norrkoping)
    assert min(counts.values()) >= 6 and sum(counts.values()) >= 30
    with django_assert_max_num_queries(page_queries):
        page = client.get(reverse("home")).content.decode()
    # Each section shows its first rows and says how many there are.
    assert page.count("De första 4 av") == len(SECTION_KEYS)
    assert f'id="nav-open-items">{sum(counts.values())}<' in page
    with django_assert_max_num_queries(menu_queries):
        assert client.get(reverse("department_list")).status_code == 200


def test_with_four_eyes_the_officer_who_classified_is_not_asked_to_approve_it(
    officer, owner, utbildning, norrkoping
):
    scheme = frameworks.current_scheme(norrkoping)
    scheme.four_eyes = True
    scheme.save(update_fields=["four_eyes"])
    theirs = AssessmentFactory(
        asset__department=utbildning, asset__code="THEIRS", answers=DEFAULT_LEVELS
    )
    mine = AssessmentFactory(
        asset__department=utbildning, asset__code="MINE", answers=DEFAULT_LEVELS, actor=officer
    )
    approvals = _sections(officer, norrkoping)[APPROVALS]
    assert [item.url for item in approvals.items] == [
        reverse("assessment_detail", args=[theirs.pk])
    ]
    assert assessment_services.four_eyes_problem(mine, officer) is not None
