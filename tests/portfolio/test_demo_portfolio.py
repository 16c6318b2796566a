"""The deck's nine-area portfolio of Norrköping, loaded as the demo loads it."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string

from benefits.models import BenefitModel
from interchange import register
from klassa_app.models import Organisation
from portfolio import demo
from portfolio.report import portfolio_report

# seed-deck-figures.md, "Portfolio of areas — Norrköping", by the deck's (English) area names.
DECK = {
    "Smart City": ("72648127", "1238956620", "1311604747"),
    "Traffic planning": ("3339420", "1729523788", "1732863208"),
    "Education": ("126978046", "0", "126978046"),
    "Elderly care": ("137907042", "0", "137907042"),
    "Virtual museum": ("93140884", "292317150", "385458034"),
    "HR": ("106621701", "0", "106621701"),
    "Connected citizen": ("244004839", "48283594", "292288433"),
    "Smart building": ("13783124", "0", "13783124"),
    "Connected port": ("8595680", "0", "8595680"),
}
SWEDISH = {deck: swedish for swedish, deck in demo.DECK_AREAS.items()}


@pytest.fixture
def demo_loaded(db):
    for loader in settings.KLASSA_DEMO_LOADERS:
        import_string(loader)(actor=None)
    return Organisation.objects.get(code="norrkoping")


def money(value: str) -> str:
    return f"{Decimal(value):.2f}"


def test_edu_a_keeps_the_portfolio_model_and_its_benefits_are_followed_up(demo_loaded):
    from benefits.models import BenefitModel, BenefitTracking

    model = BenefitModel.objects.get(initiative__organisation=demo_loaded, initiative__code="EDU-A")
    assert model.document["horizon_years"] == 1
    assert {lever.get("group") for lever in model.document["levers"]} == {
        "skolledare",
        "lärare och övrig personal",
        None,
    }
    tracked = BenefitTracking.objects.filter(benefit_model=model)
    assert {t.lever_name for t in tracked} == {lever["name"] for lever in model.document["levers"]}


def test_every_area_split_adds_up_to_the_decks_figures():
    for internal, external, _codes in demo.AREAS.values():
        assert sum(demo.split(internal)) == internal
        assert sum(demo.split(external)) == external


def test_demo_report_reproduces_the_decks_table_with_all_nine_areas(demo_loaded):
    report = portfolio_report(demo_loaded)
    assert report["scenario"] == "high"
    areas = {a["area"]: a for a in report["areas"]}
    # The deck's nine, and the shared platforms the roadmap plans first (cost only).
    assert set(areas) == {SWEDISH[name] for name in DECK} | {demo.PLATFORM_AREA}
    platforms = areas[demo.PLATFORM_AREA]
    assert (platforms["total_benefit"], platforms["initiatives"]) == ("0.00", 5)
    for name, (internal, external, total) in DECK.items():
        area = areas[SWEDISH[name]]
        assert (area["internal_benefit"], area["external_benefit"], area["total_benefit"]) == (
            money(internal),
            money(external),
            money(total),
        ), name
        assert area["initiatives"] == 3
    # The deck's total row (seven areas) says internal 784 640 059, external 3 309 081 152;
    # Smart building and Connected port add 13 783 124 + 8 595 680 internal. That is
    # 807 018 863 internal — the reference text's "806 018 863" is off by one million, while
    # its total 4 116 100 015 agrees with the rows.
    assert 784_640_059 + 13_783_124 + 8_595_680 == 807_018_863
    assert report["totals"] == {
        "internal_benefit": "807018863.00",
        "external_benefit": "3309081152.00",
        "total_benefit": "4116100015.00",
    }


def test_the_education_initiatives_carry_the_decks_figures(demo_loaded):
    from benefits import calculation
    from benefits import document as benefit_document

    high = {
        m.initiative.code: calculation.evaluate(benefit_document.parse(m.document)).high
        for m in BenefitModel.objects.filter(initiative__code__startswith="EDU-")
    }
    whole = {code: r.total_benefit.quantize(Decimal(1)) for code, r in high.items()}
    assert whole == {"EDU-A": 50928012, "EDU-B": 50928012, "EDU-C": 25122023}
    lever_potentials = [lever.potential.quantize(Decimal(1)) for lever in high["EDU-A"].levers]
    assert lever_potentials == [22798844, 276721234, 40000000]
    assert sum(r.internal_benefit for r in high.values()).quantize(Decimal("0.01")) == Decimal(
        "126978046.00"
    )


def test_demo_has_ready_and_blocked_initiatives_and_a_real_choice(demo_loaded):
    report = portfolio_report(demo_loaded)
    rows = {i["code"]: i for i in report["initiatives"]}
    assert len(rows) == 27 + len(demo.PLATFORM_NAMES)
    # A platform brings no benefit of its own: the one-year selection never picks it.
    assert not any(rows[code]["selected"] for code in demo.PLATFORM_NAMES)
    ready = {code for code, row in rows.items() if row["ready"]}
    assert {"EDU-A", "EDU-C", "SC-A", "TP-A", "EC-C"} <= ready
    assert rows["EDU-B"]["blockers"] == ["asset_not_approved:ELEVHALSA"]
    assert rows["SC-C"]["blockers"] == ["no_assets"]
    assert rows["TP-C"]["blockers"] == ["asset_not_approved:LEDNINGSNAT", "protective_security"]
    assert rows["VM-B"]["blockers"] == ["asset_unclassified:BILDARKIV"]
    selection = report["selection"]
    assert selection["budget"] == "50000000.00"
    assert Decimal(selection["total_investment_cost"]) <= Decimal(50_000_000)
    selected = set(selection["codes"])
    assert selected and selected <= ready
    # Not everything that is ready fits: the budget forces a choice.
    ready_cost = sum(Decimal(rows[c]["investment_cost"]) for c in ready)
    assert ready_cost > Decimal(50_000_000)
    assert {c for c, row in rows.items() if row["selected"]} == selected


def test_demo_loaders_are_idempotent(demo_loaded):
    before = {m.initiative_id: (m.document, m.lock_version) for m in BenefitModel.objects.all()}
    for loader in settings.KLASSA_DEMO_LOADERS:
        import_string(loader)(actor=None)
    after = {m.initiative_id: (m.document, m.lock_version) for m in BenefitModel.objects.all()}
    assert after == before
    assert not register.load_demo_register().changed


def test_portfolio_report_command_prints_the_demo_report(demo_loaded):
    out = StringIO()
    call_command("portfolio_report", "--organisation", "norrkoping", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed == portfolio_report(demo_loaded)
    assert printed["totals"]["total_benefit"] == "4116100015.00"


def test_the_demo_names_areas_initiatives_levers_and_costs_in_swedish(demo_loaded):
    from assessments.models import Area, Initiative

    assert set(Area.objects.filter(organisation=demo_loaded).values_list("name", flat=True)) == (
        set(demo.DECK_AREAS) | {demo.PLATFORM_AREA}
    )
    edu_a = Initiative.objects.get(organisation=demo_loaded, code="EDU-A")
    assert edu_a.name == "Personlig översiktspanel"
    # The deck's English name stays as a second name.
    assert "Personal dashboard" in edu_a.description
    documents = BenefitModel.objects.filter(initiative__organisation=demo_loaded).values_list(
        "document", flat=True
    )
    names = {lever["name"] for d in documents for lever in d["levers"]}
    names |= {cost["name"] for d in documents for cost in d["costs"]}
    assert "Mindre administration för skolledare" in names
    assert "Upphandling och införande" in names
    assert not names & {"Internal benefit", "Procurement and implementation"}
    assert not any(name.startswith("Less ") for name in names)


def test_the_demo_roadmap_puts_the_shared_platforms_first(demo_loaded):
    from portfolio.roadmap_report import roadmap_report

    report = roadmap_report(demo_loaded)
    assert report["years"] == [2027, 2028, 2029]
    assert report["feasible"]
    starts = {entry["initiative"]: entry["start_year"] for entry in report["plan"]}
    requires = {
        "SC-A": ["PLAT-SENSOR"],
        "TP-A": ["PLAT-SENSOR"],
        "SC-B": ["PLAT-COC"],
        "EDU-A": ["PLAT-AZURE", "PLAT-ID", "PLAT-M365"],
    }
    for dependant, platforms in requires.items():
        assert dependant in starts, dependant
        for platform in platforms:
            # Delivered before the dependant starts (each platform takes at most a year).
            assert starts[platform] < starts[dependant], (platform, dependant)
    platform = next(e for e in report["plan"] if e["initiative"] == "PLAT-SENSOR")
    assert set(platform["shared_by"]) >= {"SC-A", "TP-A"}
    for year, spend in report["spend"].items():
        assert Decimal(spend) <= Decimal(report["budgets"][year])
