"""Structural checks of the default scheme, question bank and requirements (no database)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.defaults import questions, requirements, scheme
from assessments.defaults.questions import QUESTION_BANK_NOTE, QUESTIONS
from assessments.defaults.requirements import REQUIREMENTS
from assessments.defaults.scheme import (
    ASPECTS,
    CONSEQUENCE_AREAS,
    DOWNTIME_THRESHOLDS,
    LEGAL_MINIMUMS,
    LEVELS,
    level_for_downtime,
)

ASPECT_CODES = {"K", "R", "T", "S"}
AREA_CODES = ["tasks", "assets", "economy", "individuals", "life_health", "legal", "trust"]
TRIGGERS = {"personal_data", "special_categories", "secrecy"}
# Swedish personal identity numbers (YYMMDD-NNNN, YYYYMMDDNNNN, ...) must never appear.
PERSONNUMMER = re.compile(r"\b(\d{2})?\d{6}[-+]?\d{4}\b")


def _text_dicts(value):
    """Every {"sv": ..., "en": ...} dict anywhere inside ``value``."""
    if isinstance(value, dict):
        if set(value) == {"sv", "en"}:
            yield value
        else:
            for item in value.values():
                yield from _text_dicts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _text_dicts(item)


def _all_texts():
    for module in (scheme, questions, requirements):
        for name in dir(module):
            if name.isupper():
                yield from _text_dicts(getattr(module, name))


def _is_filled(text: str) -> bool:
    return isinstance(text, str) and text.strip() == text and bool(text)


# --- Texts ----------------------------------------------------------------------------------------


def test_every_text_has_non_empty_swedish_and_english():
    texts = list(_all_texts())
    assert len(texts) > 300
    for text in texts:
        for language in ("sv", "en"):
            value = text[language]
            if isinstance(value, list):
                assert value, text
                assert all(_is_filled(item) for item in value), text
            else:
                assert _is_filled(value), text


def test_named_text_fields_are_bilingual_dicts():
    fields = [aspect[key] for aspect in ASPECTS for key in ("name", "description")]
    fields += [level[key] for level in LEVELS for key in ("name", "description")]
    fields += [area["name"] for area in CONSEQUENCE_AREAS]
    fields += [question[key] for question in QUESTIONS for key in ("text", "help")]
    fields += [option["text"] for question in QUESTIONS for option in question["options"]]
    fields += [req[key] for req in REQUIREMENTS for key in ("title", "is", "shall")]
    fields.append(QUESTION_BANK_NOTE)
    for text in fields:
        assert set(text) == {"sv", "en"}
        assert _is_filled(text["sv"]) and _is_filled(text["en"])


def test_no_text_contains_something_like_a_personal_identity_number():
    for text in _all_texts():
        for value in text.values():
            for item in value if isinstance(value, list) else [value]:
                assert not PERSONNUMMER.search(item), item


def test_question_bank_note_warns_against_personal_data():
    assert "personuppgifter" in QUESTION_BANK_NOTE["sv"]
    assert "personal data" in QUESTION_BANK_NOTE["en"]


# --- Scheme ---------------------------------------------------------------------------------------


def test_aspects_are_k_r_t_s_with_only_traceability_optional():
    assert [aspect["code"] for aspect in ASPECTS] == ["K", "R", "T", "S"]
    assert {aspect["code"]: aspect["optional"] for aspect in ASPECTS} == {
        "K": False,
        "R": False,
        "T": False,
        "S": True,
    }
    assert [aspect["name"]["sv"] for aspect in ASPECTS] == [
        "Konfidentialitet",
        "Riktighet",
        "Tillgänglighet",
        "Spårbarhet",
    ]


def test_levels_are_zero_to_four_in_order_with_their_names():
    assert [level["ordinal"] for level in LEVELS] == [0, 1, 2, 3, 4]
    assert [level["name"]["sv"] for level in LEVELS] == [
        "Försumbar",
        "Måttlig",
        "Betydande",
        "Allvarlig",
        "Synnerligen allvarlig",
    ]
    assert [level["name"]["en"] for level in LEVELS] == [
        "Negligible",
        "Moderate",
        "Significant",
        "Serious",
        "Very serious",
    ]


def test_each_level_has_one_consequence_per_area_in_both_languages():
    for level in LEVELS:
        assert len(level["consequences"]["sv"]) == len(CONSEQUENCE_AREAS) == 7
        assert len(level["consequences"]["en"]) == 7


def test_top_level_mentions_national_security_and_loss_of_life():
    top = LEVELS[-1]
    swedish = " ".join([top["description"]["sv"], *top["consequences"]["sv"]])
    english = " ".join([top["description"]["en"], *top["consequences"]["en"]])
    assert "Sveriges säkerhet" in swedish and "dö" in swedish
    assert "national security" in english and "die" in english


def test_consequence_areas_are_in_the_fixed_order():
    assert [area["code"] for area in CONSEQUENCE_AREAS] == AREA_CODES


def test_legal_minimums_are_the_scheme_defaults():
    assert LEGAL_MINIMUMS == {
        "personal_data": {"K": 1, "S": 1},
        "special_categories": {"K": 3, "R": 2, "S": 2},
        "secrecy": {"K": 2},
    }


def test_downtime_thresholds_are_sorted_with_decreasing_levels():
    assert DOWNTIME_THRESHOLDS == [(1, 4), (4, 3), (24, 2), (168, 1)]
    hours = [limit for limit, _ in DOWNTIME_THRESHOLDS]
    levels = [level for _, level in DOWNTIME_THRESHOLDS]
    assert hours == sorted(hours)
    assert levels == sorted(levels, reverse=True)


@pytest.mark.parametrize(
    ("hours", "level"),
    [
        (0, 4),
        (0.5, 4),
        (1, 3),
        (3.99, 3),
        (4, 2),
        (23, 2),
        (24, 1),
        (167, 1),
        (168, 0),
        (10000, 0),
        (Decimal("0.99"), 4),
        (Decimal("167.9"), 1),
        (Decimal("168"), 0),
    ],
)
def test_level_for_downtime_boundaries(hours, level):
    assert level_for_downtime(hours) == level


@pytest.mark.parametrize("hours", [-1, -0.01, Decimal("-0.5"), float("nan"), Decimal("NaN")])
def test_level_for_downtime_rejects_negative_or_nan_hours(hours):
    with pytest.raises(ValueError):
        level_for_downtime(hours)


def test_level_for_downtime_uses_given_thresholds():
    assert level_for_downtime(5, thresholds=[(8, 3), (2, 4)]) == 3
    assert level_for_downtime(9, thresholds=[(8, 3)]) == 0


@given(
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
)
def test_level_for_downtime_is_non_increasing_in_hours(first, second):
    shorter, longer = sorted((first, second))
    assert level_for_downtime(shorter) >= level_for_downtime(longer)
    assert 0 <= level_for_downtime(longer) <= 4


@given(st.decimals(min_value=0, max_value=100000, allow_nan=False, allow_infinity=False))
def test_level_for_downtime_agrees_for_decimal_and_float(hours):
    assert level_for_downtime(hours) == level_for_downtime(float(hours))


# --- Questions ------------------------------------------------------------------------------------


def test_question_codes_are_unique_and_follow_the_aspect():
    codes = [question["code"] for question in QUESTIONS]
    assert len(codes) == len(set(codes))
    for question in QUESTIONS:
        assert re.fullmatch(r"[KRTS]-\d{2}", question["code"])
        assert question["code"][0] == question["aspect"]


def test_questions_have_valid_aspects_and_areas():
    for question in QUESTIONS:
        assert question["aspect"] in ASPECT_CODES
        assert question["area"] in AREA_CODES


def test_question_options_increase_from_zero_and_stay_within_the_scale():
    for question in QUESTIONS:
        levels = [option["level"] for option in question["options"]]
        assert 3 <= len(levels) <= 5, question["code"]
        assert levels[0] == 0, question["code"]
        assert all(a < b for a, b in pairwise(levels)), question["code"]
        assert levels[-1] <= 4, question["code"]


def test_question_counts_per_aspect():
    counts = Counter(question["aspect"] for question in QUESTIONS)
    assert counts["K"] >= 5
    assert counts["R"] >= 5
    assert counts["T"] >= 5
    assert counts["S"] >= 3


def test_confidentiality_integrity_and_availability_can_each_reach_the_top_level():
    for aspect in ("K", "R", "T"):
        tops = [q["options"][-1]["level"] for q in QUESTIONS if q["aspect"] == aspect]
        assert max(tops) == 4, aspect


def test_every_consequence_area_is_covered_by_some_question():
    assert {question["area"] for question in QUESTIONS} == set(AREA_CODES)


def test_questions_cover_the_key_themes_for_k_r_and_t():
    for aspect in ("K", "R", "T"):
        areas = {q["area"] for q in QUESTIONS if q["aspect"] == aspect}
        assert {"tasks", "individuals", "life_health", "economy", "legal", "trust"} <= areas


def test_dependent_services_questions_use_the_tasks_area():
    dependent = [q for q in QUESTIONS if "beroende av informationen" in q["text"]["sv"]]
    assert {q["aspect"] for q in dependent} >= {"R", "T"}
    for question in dependent:
        assert question["area"] == "tasks"
        assert "depend on the information" in question["text"]["en"]


def test_questions_ask_what_happens_and_help_gives_an_example():
    for question in QUESTIONS:
        assert question["text"]["sv"].startswith("Vad händer"), question["code"]
        assert question["text"]["sv"].endswith("?") and question["text"]["en"].endswith("?")
        assert "Exempel:" in question["help"]["sv"], question["code"]
        assert "Example:" in question["help"]["en"], question["code"]


def test_availability_questions_do_not_ask_for_the_downtime_figure():
    for question in QUESTIONS:
        if question["aspect"] == "T":
            assert "timmar" not in question["text"]["sv"]
            assert "hours" not in question["text"]["en"]


# --- Requirements ---------------------------------------------------------------------------------


def test_requirement_codes_are_unique():
    codes = [req["code"] for req in REQUIREMENTS]
    assert len(codes) == len(set(codes))


def test_requirement_codes_follow_the_naming_scheme():
    for req in REQUIREMENTS:
        if req["trigger"] is None:
            assert req["code"] == f"{req['aspect']}-{req['min_level']}-{req['code'][-2:]}"
            assert re.fullmatch(r"[KRTS]-[1-4]-\d{2}", req["code"])
        else:
            prefix = {"personal_data": "GDPR", "special_categories": "SEC", "secrecy": "OSL"}
            assert re.fullmatch(rf"{prefix[req['trigger']]}-\d{{2}}", req["code"])


def test_requirements_have_valid_aspects_levels_and_triggers():
    assert len(REQUIREMENTS) >= 44
    for req in REQUIREMENTS:
        assert req["aspect"] in ASPECT_CODES
        assert req["min_level"] in {1, 2, 3, 4}
        assert req["trigger"] is None or req["trigger"] in TRIGGERS


def test_general_requirements_cover_every_level_for_k_r_and_t():
    counts = Counter(
        (req["aspect"], req["min_level"]) for req in REQUIREMENTS if req["trigger"] is None
    )
    for aspect in ("K", "R", "T"):
        for level in (1, 2, 3, 4):
            assert counts[(aspect, level)] >= 3, (aspect, level)


def test_traceability_has_general_requirements_at_levels_one_to_three():
    traceability = [r for r in REQUIREMENTS if r["aspect"] == "S" and r["trigger"] is None]
    assert len(traceability) >= 3
    assert {r["min_level"] for r in traceability} == {1, 2, 3}


def test_law_specific_requirement_counts_and_shape():
    counts = Counter(req["trigger"] for req in REQUIREMENTS if req["trigger"])
    assert counts["personal_data"] >= 3
    assert counts["special_categories"] >= 2
    assert counts["secrecy"] >= 2
    for req in REQUIREMENTS:
        if req["trigger"]:
            assert req["min_level"] == 1, req["code"]
            assert req["aspect"] in {"K", "S"}, req["code"]


def test_law_specific_requirements_name_their_legal_sources():
    def swedish(trigger):
        return " ".join(
            r["is"]["sv"] + " " + r["shall"]["sv"] for r in REQUIREMENTS if r["trigger"] == trigger
        )

    gdpr = swedish("personal_data")
    for article in ("artikel 28", "artikel 30"):
        assert article in gdpr
    assert "artikel 35" in swedish("special_categories")
    assert "offentlighets- och sekretesslagen (2009:400)" in swedish("secrecy")


def test_shall_requirements_are_addressed_to_the_supplier():
    for req in REQUIREMENTS:
        assert req["shall"]["sv"].startswith("Leverantören ska"), req["code"]
        assert req["shall"]["en"].startswith("The supplier shall"), req["code"]


def test_is_requirements_are_not_addressed_to_the_supplier():
    for req in REQUIREMENTS:
        assert not req["is"]["sv"].startswith("Leverantören ska"), req["code"]
        assert not req["is"]["en"].startswith("The supplier shall"), req["code"]


def test_level_four_requirements_point_out_of_the_normal_flow():
    confidentiality = " ".join(
        r["is"]["sv"] for r in REQUIREMENTS if r["aspect"] == "K" and r["min_level"] == 4
    )
    assert "säkerhetsskydd" in confidentiality
