"""The classification rules, exhaustively and as properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import classification_rules
from assessments.classification_rules import AdjustmentInput, AssetState, RuleError

ASPECTS = ["K", "R", "T", "S"]
TOPS = {"K": 4, "R": 4, "T": 4, "S": 4}


# --- One asset ---------------------------------------------------------------------------------


def test_aspect_level_is_the_highest_level_any_answer_implies():
    assert classification_rules.max_level([1, 3, 2]) == 3


def test_unanswered_questions_do_not_count():
    assert classification_rules.max_level([None, 2, None]) == 2
    assert classification_rules.max_level([None, None]) is None
    assert classification_rules.max_level([]) is None


@pytest.mark.parametrize("level", [-1, 5, True, 2.0, "3"])
def test_a_level_outside_the_scale_is_refused(level):
    with pytest.raises(RuleError) as error:
        classification_rules.check_level("levels.K", level, 4)
    assert error.value.field == "levels.K"


def test_a_scale_with_three_levels_refuses_level_three():
    classification_rules.check_level("levels.S", 2, 2)
    with pytest.raises(RuleError):
        classification_rules.check_level("levels.S", 3, 2)


def test_legal_triggers_combine_to_the_highest_minimum_per_aspect():
    table = {"personal_data": {"K": 1, "S": 1}, "special_categories": {"K": 3}, "secrecy": {"K": 2}}
    assert classification_rules.minimum_levels(
        ["personal_data", "special_categories", "secrecy"], table
    ) == {
        "K": 3,
        "S": 1,
    }
    assert classification_rules.minimum_levels([], table) == {}


def outcome(answers, minimum=None, override=None, reason="", top=4):
    return classification_rules.aspect_outcome(
        aspect="K",
        answer_levels=answers,
        minimum=minimum,
        override=override,
        override_reason=reason,
        top=top,
    )


def test_legal_minimum_lifts_a_lower_computed_level():
    result = outcome([1], minimum=3)
    assert (result.computed, result.minimum, result.final) == (1, 3, 3)


def test_legal_minimum_never_lowers_a_higher_computed_level():
    assert outcome([4], minimum=1).final == 4


def test_no_answers_means_no_level_even_with_a_minimum():
    assert outcome([None], minimum=2).final is None


def test_override_replaces_the_computed_level_and_both_stay_visible():
    result = outcome([1], override=3, reason="Aggregated records of many pupils")
    assert (result.computed, result.override, result.final) == (1, 3, 3)


def test_override_without_justification_is_refused():
    with pytest.raises(RuleError, match="justification"):
        outcome([1], override=3, reason="   ")


def test_override_below_the_legal_minimum_is_refused():
    with pytest.raises(RuleError, match="legal minimum"):
        outcome([3], minimum=3, override=2, reason="We think it is less")


def test_override_outside_the_scale_is_refused():
    with pytest.raises(RuleError):
        outcome([1], override=5, reason="x")


def test_minimum_above_a_short_scale_is_capped_at_its_top():
    assert outcome([0], minimum=3, top=2).final == 2


@pytest.mark.parametrize(
    ("protective", "finals", "expected"),
    [
        (False, {"K": 3, "T": 2}, False),
        (False, {"K": 4}, True),
        (True, {"K": 0}, True),
        (False, {"K": None}, False),
    ],
)
def test_protective_security_or_the_top_level_requires_analysis(protective, finals, expected):
    assert (
        classification_rules.requires_protective_security_analysis(
            protective_security=protective, finals=finals, tops=TOPS
        )
        is expected
    )


def test_top_level_follows_the_scale_not_the_number_four():
    assert classification_rules.requires_protective_security_analysis(
        protective_security=False, finals={"S": 2}, tops={"S": 2}
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 1, 31), 13, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_review_date_adds_whole_months_clamped_to_the_month_end(day, months, expected):
    assert classification_rules.add_months(day, months) == expected


def test_review_is_overdue_only_after_its_date():
    assert not classification_rules.review_is_overdue(date(2026, 5, 1), date(2026, 5, 1))
    assert classification_rules.review_is_overdue(date(2026, 5, 1), date(2026, 5, 2))
    assert not classification_rules.review_is_overdue(None, date(2026, 5, 2))


# --- Initiatives -------------------------------------------------------------------------------


def asset(code, approved=True, **levels):
    return AssetState(code=code, levels=levels, approved=approved)


def test_initiative_inherits_the_maximum_with_the_assets_that_drive_it():
    inherited = classification_rules.inherit(
        [asset("ELEV", K=3, T=2), asset("NARV", K=2, T=3), asset("BETYG", K=3, T=1)], ["K", "T"]
    )
    assert inherited["K"] == classification_rules.Inherited(3, ("BETYG", "ELEV"))
    assert inherited["T"] == classification_rules.Inherited(3, ("NARV",))


def test_unclassified_assets_do_not_lower_or_raise_the_inherited_level():
    inherited = classification_rules.inherit(
        [asset("A", K=2), AssetState("B", {}, approved=False)], ["K"]
    )
    assert inherited["K"] == classification_rules.Inherited(2, ("A",))


def test_without_assets_nothing_is_inherited():
    assert classification_rules.inherit([], ["K"])["K"] == classification_rules.Inherited(None, ())


def adj(aspect="K", level=3, reason="cumulation", text="Five services fail together"):
    return AdjustmentInput(aspect, level, reason, text)


@pytest.mark.parametrize("reason", ["cumulation", "aggregation", "dependency", "other"])
def test_adjusting_up_is_allowed_for_every_reason_with_a_justification(reason):
    classification_rules.check_adjustment(adj(level=4, reason=reason), computed=2, top=4, where="a")


def test_adjusting_down_is_allowed_only_for_distribution():
    classification_rules.check_adjustment(
        adj(level=1, reason="distribution"), computed=3, top=4, where="a"
    )
    with pytest.raises(RuleError) as error:
        classification_rules.check_adjustment(
            adj(level=1, reason="cumulation"), computed=3, top=4, where="a"
        )
    assert error.value.field == "a.reason"


def test_adjustment_without_justification_names_the_field():
    with pytest.raises(RuleError) as error:
        classification_rules.check_adjustment(
            adj(text=" "), computed=1, top=4, where="initiatives[3].adjustments[0]"
        )
    assert str(error.value) == "initiatives[3].adjustments[0].justification: required"


def test_adjustment_with_an_unknown_reason_is_refused():
    with pytest.raises(RuleError, match="reason"):
        classification_rules.check_adjustment(adj(reason="politics"), computed=1, top=4, where="a")


def test_adjustment_outside_the_scale_is_refused():
    with pytest.raises(RuleError, match="level"):
        classification_rules.check_adjustment(adj(level=7), computed=1, top=4, where="a")


def test_final_levels_apply_adjustments_over_inherited_ones():
    inherited = {
        "K": classification_rules.Inherited(2, ("A",)),
        "T": classification_rules.Inherited(2, ("A",)),
    }
    assert classification_rules.final_levels(inherited, [adj("T", 3)]) == {"K": 2, "T": 3}


@pytest.mark.parametrize(
    ("assets", "expected"),
    [
        ([], "incomplete"),
        ([asset("A", K=1), AssetState("B", {}, approved=False)], "incomplete"),
        ([asset("A", K=1), asset("B", approved=False, K=2)], "provisional"),
        ([asset("A", K=1), asset("B", K=2)], "approved"),
    ],
)
def test_classification_status_follows_the_register_format(assets, expected):
    assert classification_rules.classification_status(assets) == expected


def test_blockers_come_in_the_register_formats_order():
    states = [
        AssetState("Z", {"K": 2}, approved=True, review_overdue=True),
        AssetState("B", {}, approved=False),
        AssetState("A", {"K": 1}, approved=False),
    ]
    assert classification_rules.blockers(states, requires_psa=True, has_benefit_model=False) == [
        "asset_unclassified:B",
        "asset_not_approved:A",
        "review_overdue:Z",
        "protective_security",
        "no_benefit_model",
    ]
    assert classification_rules.blockers([], requires_psa=False) == ["no_assets"]
    assert classification_rules.blockers([asset("A", K=1)], requires_psa=False) == []


def test_initiative_requires_analysis_when_an_asset_has_protective_security():
    states = [AssetState("A", {"K": 1}, approved=True, protective_security=True)]
    assert classification_rules.initiative_requires_protective_security_analysis(
        states, {"K": 1}, TOPS
    )


# --- Requirements and fulfilment -----------------------------------------------------------


REQS = [
    classification_rules.RequirementRule("K-1", "K", 1),
    classification_rules.RequirementRule("K-3", "K", 3),
    classification_rules.RequirementRule("T-2", "T", 2),
    classification_rules.RequirementRule("GDPR-1", "K", 1, "personal_data"),
    classification_rules.RequirementRule("OSL-1", "K", 1, "secrecy"),
]


def codes(found):
    return [r.code for r in found]


def test_action_plan_holds_every_requirement_whose_level_is_reached():
    assert codes(classification_rules.applicable_requirements(REQS, {"K": 3, "T": 1}, [])) == [
        "K-1",
        "K-3",
    ]


def test_law_specific_requirements_follow_their_trigger():
    found = classification_rules.applicable_requirements(REQS, {"K": 1, "T": 2}, ["personal_data"])
    assert codes(found) == ["K-1", "T-2", "GDPR-1"]


def test_level_zero_calls_for_no_general_requirement():
    assert classification_rules.applicable_requirements(REQS, {"K": 0, "T": 0}, []) == []


def test_fulfilment_counts_partly_as_half_and_leaves_not_applicable_out():
    result = classification_rules.fulfilment(["fulfilled", "partly", "not", "na", ""])
    assert result.percent == Decimal("37.5")  # (1 + 0.5) / 4
    assert (result.fulfilled, result.partly, result.not_fulfilled) == (1, 1, 1)
    assert (result.not_applicable, result.not_assessed) == (1, 1)


def test_fulfilment_of_nothing_applicable_is_unknown_not_zero():
    assert classification_rules.fulfilment(["na"]).percent is None
    assert classification_rules.fulfilment([]).percent is None


def test_fulfilment_is_reported_per_aspect():
    per = classification_rules.fulfilment_by_aspect(
        [("K", "fulfilled"), ("K", "not"), ("T", "fulfilled")]
    )
    assert per["K"].percent == Decimal(50)
    assert per["T"].percent == Decimal(100)


# --- Properties --------------------------------------------------------------------------------

level = st.integers(min_value=0, max_value=4)
levels = st.fixed_dictionaries({}, optional={a: level for a in ASPECTS})
asset_states = st.lists(
    st.builds(
        AssetState,
        code=st.text("ABCDEFGH", min_size=1, max_size=4),
        levels=levels,
        approved=st.booleans(),
    ),
    max_size=6,
)
adjustments = st.lists(
    st.builds(
        AdjustmentInput,
        aspect=st.sampled_from(ASPECTS),
        level=level,
        reason=st.sampled_from(classification_rules.REASONS),
        justification=st.text(min_size=0, max_size=3),
    ),
    max_size=6,
    unique_by=lambda a: a.aspect,
)


@given(asset_states, adjustments)
def test_initiative_level_is_never_below_an_asset_unless_a_justified_distribution_says_so(
    states, adjs
):
    inherited = classification_rules.inherit(states, ASPECTS)
    valid = []
    for a in adjs:
        try:
            classification_rules.check_adjustment(a, inherited[a.aspect].computed, 4, "a")
        except RuleError:
            continue
        valid.append(a)
    finals = classification_rules.final_levels(inherited, valid)
    for state in states:
        for aspect, asset_level in state.levels.items():
            if asset_level is None or finals[aspect] is None or finals[aspect] >= asset_level:
                continue
            lowering = next(a for a in valid if a.aspect == aspect)
            assert lowering.reason == "distribution"
            assert lowering.justification.strip()


@given(asset_states)
def test_inherited_level_is_the_maximum_and_its_sources_carry_it(states):
    inherited = classification_rules.inherit(states, ASPECTS)
    for aspect in ASPECTS:
        values = [s.levels.get(aspect) for s in states if s.levels.get(aspect) is not None]
        item = inherited[aspect]
        assert item.computed == (max(values) if values else None)
        for code in item.sources:
            assert any(s.code == code and s.levels.get(aspect) == item.computed for s in states)


@given(st.lists(st.one_of(st.none(), level)), st.one_of(st.none(), level))
def test_final_level_is_never_below_the_computed_or_the_minimum_without_override(answers, minimum):
    result = outcome(answers, minimum=minimum)
    if result.final is not None:
        assert result.final >= (result.computed or 0)
        assert result.final >= (minimum or 0)


def test_an_adjustment_overtaken_by_a_higher_asset_level_no_longer_lowers_it():
    inherited = {"T": classification_rules.Inherited(4, ("A",))}
    stale = adj("T", 3, "cumulation")  # was an increase from 2 when it was saved
    assert classification_rules.final_levels(inherited, [stale]) == {"T": 4}
    assert classification_rules.final_levels(inherited, [adj("T", 3, "distribution")]) == {"T": 3}


@given(asset_states, adjustments)
def test_final_level_never_drops_below_the_inherited_one_without_distribution(states, adjs):
    inherited = classification_rules.inherit(states, ASPECTS)
    finals = classification_rules.final_levels(inherited, adjs)
    for a in adjs:
        computed = inherited[a.aspect].computed
        if computed is not None and finals[a.aspect] is not None and finals[a.aspect] < computed:
            assert a.reason == "distribution" and a.justification.strip()
