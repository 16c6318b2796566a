"""The three-way merge of two edits of the same benefit model (pure, no database)."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benefits import merge
from benefits.calculation import COST_KINDS, LEVER_KINDS, SCENARIOS, STAKEHOLDERS
from benefits.document import to_document
from tests.benefits.strategies import models

BASE = {
    "format": "klassa.benefit-model/1",
    "name": "Skolplattform",
    "currency": "SEK",
    "horizon_years": 3,
    "discount_rate": "0.03",
    "levers": [
        {
            "kind": "cost_base",
            "name": "Licenser",
            "stakeholder": "internal",
            "category": "financial",
            "base_cost": "100000",
            "reduction": "0.2",
            "attribution_share": "1",
            "realisation_rate": "1",
        },
        {
            "kind": "fixed_amount",
            "name": "Porto",
            "stakeholder": "internal",
            "category": "financial",
            "amount": "5000",
            "attribution_share": "1",
            "realisation_rate": "1",
        },
    ],
    "costs": [{"name": "Införande", "kind": "investment", "annual_amount": "20000"}],
}


def edited(document, change):
    result = copy.deepcopy(document)
    change(result)
    return result


def split(low, medium, high):
    return {"low": low, "medium": medium, "high": high}


def keys(result):
    return [d.key for d in result.differences]


# --- Examples ----------------------------------------------------------------------------------


def test_a_field_only_the_other_person_changed_defaults_to_theirs():
    theirs = edited(BASE, lambda d: d["levers"][0].update(base_cost="120000"))
    result = merge.three_way(BASE, BASE, theirs)
    assert {d.default for d in result.differences} == {merge.THEIRS}
    assert result.conflicts == ()
    assert merge.apply(result, BASE, theirs)["levers"][0]["base_cost"] == "120000"


def test_a_single_value_changed_counts_for_each_scenario():
    theirs = edited(BASE, lambda d: d["levers"][0].update(base_cost="120000"))
    result = merge.three_way(BASE, BASE, theirs)
    assert keys(result) == [("lever", "Licenser", "base_cost", s) for s in SCENARIOS]


def test_a_single_value_changed_is_one_row_and_a_split_one_a_row_per_scenario():
    mine = edited(BASE, lambda d: d["levers"][0].update(reduction=split("0.1", "0.2", "0.2")))
    theirs = edited(BASE, lambda d: d["levers"][0].update(base_cost="120000"))
    result = merge.three_way(BASE, mine, theirs)
    assert [len(row) for row in merge.rows(result)] == [1, 3]  # reduction low; base cost


def test_changes_to_different_fields_merge_without_conflict():
    mine = edited(BASE, lambda d: d.update(name="Skolplattform 2"))
    theirs = edited(BASE, lambda d: d["costs"][0].update(annual_amount="25000"))
    result = merge.three_way(BASE, mine, theirs)
    assert result.conflicts == ()
    merged = merge.apply(result, mine, theirs)
    assert merged["name"] == "Skolplattform 2"
    assert merged["costs"][0]["annual_amount"] == "25000"
    assert merged["levers"] == BASE["levers"]


def test_the_same_field_changed_differently_is_a_conflict_that_needs_a_choice():
    mine = edited(BASE, lambda d: d["levers"][0].update(reduction="0.3"))
    theirs = edited(BASE, lambda d: d["levers"][0].update(reduction="0.25"))
    result = merge.three_way(BASE, mine, theirs)
    assert [d.key[2] for d in result.conflicts] == ["reduction"] * 3
    try:
        merge.apply(result, mine, theirs)
    except merge.Unresolved as error:
        assert len(error.keys) == 3
    else:
        raise AssertionError("a conflict without a choice must not merge")
    choices = {d.key: merge.THEIRS for d in result.conflicts}
    assert merge.apply(result, mine, theirs, choices)["levers"][0]["reduction"] == "0.25"


def test_one_scenario_each_merges_into_a_split_value():
    mine = edited(BASE, lambda d: d["levers"][0].update(reduction=split("0.1", "0.2", "0.2")))
    theirs = edited(BASE, lambda d: d["levers"][0].update(reduction=split("0.2", "0.2", "0.4")))
    result = merge.three_way(BASE, mine, theirs)
    assert result.conflicts == ()
    merged = merge.apply(result, mine, theirs)
    assert merged["levers"][0]["reduction"] == {"low": "0.1", "medium": "0.2", "high": "0.4"}


def test_a_number_written_differently_is_the_same_number():
    mine = edited(BASE, lambda d: d.update(discount_rate="0.030"))
    assert merge.three_way(BASE, mine, BASE).differences == ()


def test_a_lever_removed_by_one_and_changed_by_the_other_is_one_conflict():
    mine = edited(BASE, lambda d: d["levers"].pop(1))
    theirs = edited(BASE, lambda d: d["levers"][1].update(amount="6000"))
    result = merge.three_way(BASE, mine, theirs)
    assert keys(result) == [("lever", "Porto")]
    assert result.conflicts[0].mine is None


def test_a_lever_added_by_the_other_person_is_taken():
    new = {**BASE["levers"][1], "name": "Papper"}
    theirs = edited(BASE, lambda d: d["levers"].append(new))
    result = merge.three_way(BASE, BASE, theirs)
    merged = merge.apply(result, BASE, theirs)
    assert [lever["name"] for lever in merged["levers"]] == ["Licenser", "Porto", "Papper"]


def test_without_the_base_every_difference_defaults_to_mine():
    mine = edited(BASE, lambda d: d.update(name="Mitt namn"))
    theirs = edited(BASE, lambda d: d["costs"][0].update(kind="running"))
    result = merge.three_way(None, mine, theirs)
    assert not result.base_known
    assert {d.default for d in result.differences} == {merge.MINE}
    assert merge.apply(result, mine, theirs) == mine


# --- Properties --------------------------------------------------------------------------------


@st.composite
def edits(draw, document, tag):
    """``document`` with some fields changed, levers removed, added or of another kind."""
    result = copy.deepcopy(document)
    if draw(st.booleans()):
        result["name"] = draw(st.sampled_from(["A", "B", "Skolplattform"]))
    if draw(st.booleans()):
        result["discount_rate"] = draw(st.sampled_from(["0.03", "0.025", "0.035"]))
    levers = []
    for lever in result["levers"]:
        action = draw(st.sampled_from(["keep", "keep", "edit", "remove", "kind"]))
        if action == "remove":
            continue
        if action == "edit":
            lever["stakeholder"] = draw(st.sampled_from(STAKEHOLDERS))
            field = draw(st.sampled_from(["attribution_share", "realisation_rate"]))
            lever[field] = draw(st.sampled_from(["0.5", "1", "0.75"]))
            scenario_inputs = [
                k
                for k, v in lever.items()
                if k not in merge.TEXT_FIELDS
                and (isinstance(v, dict) or k in merge.SCENARIO_INPUTS)
            ]
            if scenario_inputs:
                name = draw(st.sampled_from(scenario_inputs))
                value = draw(st.sampled_from(["0.1", "0.2", "7"]))
                if draw(st.booleans()):
                    value = {s: draw(st.sampled_from(["0.1", "0.2", "7"])) for s in SCENARIOS}
                lever[name] = value
        if action == "kind":
            kind = draw(st.sampled_from(LEVER_KINDS))
            lever = (
                {"kind": kind, "name": lever["name"], "amount": "9"}
                if kind != lever["kind"]
                else lever
            )
        levers.append(lever)
    if draw(st.booleans()):
        levers.append(
            {
                "kind": "fixed_amount",
                "name": draw(st.sampled_from(["Ny", f"Ny {tag}"])),
                "amount": draw(st.sampled_from(["1", "2"])),
            }
        )
    result["levers"] = levers
    for cost in result["costs"]:
        if draw(st.booleans()):
            cost["kind"] = draw(st.sampled_from(COST_KINDS))
        if draw(st.booleans()):
            cost.pop("amounts", None)
            cost["annual_amount"] = draw(st.sampled_from(["100", "200"]))
    return result


@st.composite
def three_versions(draw):
    base = to_document(draw(models()))
    return base, draw(edits(base, "mine")), draw(edits(base, "theirs"))


def _item(key):
    return key[:2] if key[0] in {"lever", "cost"} else key


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(three_versions())
def test_merging_mine_with_mine_is_mine(versions):
    base, mine, _theirs = versions
    result = merge.three_way(base, mine, mine)
    assert result.differences == ()
    assert merge.apply(result, mine, mine) == mine


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(three_versions(), st.sampled_from([merge.MINE, merge.THEIRS]))
def test_no_field_changed_by_only_one_side_is_lost(versions, conflict_choice):
    base, mine, theirs = versions
    result = merge.three_way(base, mine, theirs)
    choices = {d.key: conflict_choice for d in result.conflicts}
    merged = merge.flatten(merge.apply(result, mine, theirs, choices))
    flat = [merge.flatten(d) for d in (base, mine, theirs)]
    conflicted_items = {_item(d.key) for d in result.conflicts if d.whole_item}
    for key in set().union(*flat):
        b, m, t = (f.get(key) for f in flat)
        if _item(key) in conflicted_items:
            continue
        if m == b and t != b:
            assert merged.get(key) == t, key
        if t == b and m != b:
            assert merged.get(key) == m, key


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(three_versions())
def test_conflicts_are_exactly_the_fields_both_changed_differently(versions):
    base, mine, theirs = versions
    result = merge.three_way(base, mine, theirs)
    flat = [merge.flatten(d) for d in (base, mine, theirs)]
    changed_by_both = {
        key for key in set().union(*flat) if len({repr(f.get(key)) for f in flat}) == 3
    }
    conflicts = {d.key for d in result.conflicts}
    whole = {d.key for d in result.conflicts if d.whole_item}
    # Every field both changed differently is a conflict, on its own or within its item.
    assert {k for k in changed_by_both if k not in conflicts and _item(k) not in whole} == set()
    for difference in result.conflicts:
        b, m, t = difference.base, difference.mine, difference.theirs
        assert m != b and t != b and m != t
    # And a field changed by one side only is never a conflict.
    for difference in result.differences:
        if not difference.whole_item:
            assert difference.conflict == (difference.key in changed_by_both)
