"""The portfolio's SVG charts: well-formed, escaped, accessible, every data point present,
and robust with empty, single, equal, negative and huge values (no database needed)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import weasyprint
from hypothesis import given, settings
from hypothesis import strategies as st

from klassa_app import formatting
from portfolio import charts
from portfolio.charts import Bubble

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
NASTY = "Kultur & <fritid> \"nya\" 'x'"

STAGES = [
    ("Classified", 10),
    ("Approved", 7),
    ("Benefit model", 5),
    ("Ready", 3),
    ("Selected", 2),
]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    return root


def titles(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}title")]


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def groups(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if css_class in (g.get("class") or "").split()]


def assert_accessible(svg: str, title: str) -> ET.Element:
    """role=img, a <title> named by aria-labelledby, viewBox scaling, and nothing the
    strict CSP would block (style attributes, scripts, event handlers)."""
    root = parse(svg)
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby", "").split()
    assert ids, "aria-labelledby names the title"
    first = root.find(f"{SVG}title")
    assert first is not None and first.get("id") == ids[0] and first.text == title
    for extra in ids[1:]:
        assert root.find(f".//*[@id='{extra}']") is not None
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox", ""))
    assert "klassa-chart" in root.get("class", "")
    for element in root.iter():
        assert element.tag != f"{SVG}script"
        assert "style" not in element.attrib
        assert not any(name.lower().startswith("on") for name in element.attrib)
    return root


def sample_bubbles() -> list[Bubble]:
    return [
        Bubble("EDU-A Digital learning", Decimal("12000000"), Decimal("45000000"), Decimal(9)),
        Bubble("EDU-B", Decimal("3000000"), Decimal("-2500000"), Decimal(4), True, True),
        Bubble(NASTY, Decimal("8000000"), Decimal("15000000"), Decimal(1), True, False),
    ]


def sample_budget_rows() -> list[tuple[str, Decimal, Decimal, bool]]:
    rows, cumulative = [], Decimal(0)
    for code, cost, selected in [
        ("EDU-A", Decimal("4000000"), True),
        ("EDU-B", Decimal("3000000"), True),
        ("CUL-A", Decimal("5000000"), False),
        ("SOC-A", Decimal("1000000"), True),
    ]:
        cumulative += cost
        rows.append((code, cost, cumulative, selected))
    return rows


ALL_CHARTS = {
    "funnel": lambda: charts.funnel_chart(STAGES, title="Readiness", description="Funnel"),
    "heatmap": lambda: charts.heat_map(
        ["Education", NASTY], ["K", "R"], {("Education", "K"): 3}, 4, title="Levels"
    ),
    "bubbles": lambda: charts.bubble_chart(sample_bubbles(), title="Value", description="d"),
    "frontier": lambda: charts.frontier_chart(
        [(Decimal(0), Decimal(0)), (Decimal(10), Decimal(5))],
        Decimal(8),
        Decimal(3),
        title="Frontier",
    ),
    "budget": lambda: charts.budget_line_chart(
        sample_budget_rows(), Decimal("10000000"), title="Budget line"
    ),
}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2),
        min_size=0,
        max_size=30,
    )
)
def test_axis_ticks_cover_every_value_and_zero(values: list[Decimal]) -> None:
    axis = charts.nice_axis(values)
    assert axis.low <= 0 <= axis.high
    assert axis.low < axis.high
    assert all(axis.low <= v <= axis.high for v in values)
    assert 2 <= len(axis.ticks) <= 12
    assert axis.ticks[0] == axis.low and axis.ticks[-1] == axis.high


# --- every chart ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL_CHARTS))
def test_every_chart_is_well_formed_accessible_and_csp_safe(name: str) -> None:
    svg = ALL_CHARTS[name]()
    root = parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None
    assert_accessible(svg, title.text or "")
    if name in {"funnel", "heatmap"}:
        # Drawn at their natural pixel width so the labels stay readable; pages scroll them.
        assert root.get("width") == root.get("viewBox").split()[2]
    else:
        assert root.get("width") == "100%", "scales with its container"


def test_two_charts_on_one_page_have_distinct_ids() -> None:
    first = parse(charts.funnel_chart(STAGES, title="A", id_prefix="one"))
    second = parse(charts.funnel_chart(STAGES, title="B", id_prefix="two"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_id_prefix_cannot_break_out_of_the_attribute() -> None:
    root = assert_accessible(charts.funnel_chart(STAGES, title="A", id_prefix='x" onload="y'), "A")
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in root.get("aria-labelledby").split())


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.funnel_chart([], title="T", empty_text="Inga data"),
        lambda: charts.heat_map([], ["K"], {}, 4, title="T", empty_text="Inga data"),
        lambda: charts.heat_map(["Education"], [], {}, 4, title="T", empty_text="Inga data"),
        lambda: charts.bubble_chart([], title="T", empty_text="Inga data"),
        lambda: charts.frontier_chart([], None, None, title="T", empty_text="Inga data"),
        lambda: charts.budget_line_chart([], Decimal(5), title="T", empty_text="Inga data"),
    ],
)
def test_empty_data_draws_a_small_no_data_chart(draw) -> None:
    svg = draw()
    root = assert_accessible(svg, "T")
    assert "Inga data" in texts(root)
    assert root.get("width") == "320"


def test_control_characters_in_labels_do_not_break_the_xml() -> None:
    svg = charts.funnel_chart([("Bad\x00\x0bname", 3)], title="T\x1f")
    root = assert_accessible(svg, "T")
    assert "Badname" in texts(root)


# --- funnel ---------------------------------------------------------------------------------


def test_funnel_shows_each_stage_with_count_and_share_of_the_first() -> None:
    root = assert_accessible(charts.funnel_chart(STAGES, title="Readiness"), "Readiness")
    stages = groups(root, "funnel-stage")
    assert len(stages) == len(STAGES)
    all_text = texts(root)
    for label, _ in STAGES:
        assert label in all_text
    assert f"7 (70{NBSP}%)" in all_text
    assert f"2 (20{NBSP}%)" in all_text
    widths = [float(g.findall(f"{SVG}rect")[1].get("width")) for g in stages]
    assert widths[0] > 0
    assert [round(w / widths[0], 3) for w in widths] == [1.0, 0.7, 0.5, 0.3, 0.2]


def test_funnel_with_an_empty_first_stage_shows_dashes_not_errors() -> None:
    root = assert_accessible(charts.funnel_chart([("Classified", 0), ("Ready", 0)], title="R"), "R")
    assert "0 (–)" in texts(root)
    assert charts.funnel_table_rows([("Classified", 0), ("Ready", 0)]) == [
        ("Classified", "0", "–"),
        ("Ready", "0", "–"),
    ]


def test_funnel_escapes_stage_names() -> None:
    svg = charts.funnel_chart([(NASTY, 1)], title="A & B")
    assert "<fritid>" not in svg
    root = assert_accessible(svg, "A & B")
    assert NASTY in texts(root)


def test_funnel_table_rows_group_large_counts() -> None:
    assert charts.funnel_table_rows([("Classified", 12000), ("Ready", 3000)]) == [
        ("Classified", f"12{NBSP}000", f"100{NBSP}%"),
        ("Ready", f"3{NBSP}000", f"25{NBSP}%"),
    ]


# --- heat map -------------------------------------------------------------------------------


def test_heat_map_prints_the_level_in_each_cell_and_a_dash_where_there_is_none() -> None:
    rows, columns = ["Education", NASTY], ["K", "R", "T", "S"]
    cells = {("Education", "K"): 3, ("Education", "T"): 0, (NASTY, "S"): 4, (NASTY, "R"): None}
    svg = charts.heat_map(rows, columns, cells, 4, title="Levels", empty_mark="–")
    assert "<fritid>" not in svg
    root = assert_accessible(svg, "Levels")
    cell_groups = groups(root, "cell")
    assert len(cell_groups) == len(rows) * len(columns)
    by_title = {g.find(f"{SVG}title").text: g for g in cell_groups}
    assert set(by_title) == {
        "Education · K: 3",
        "Education · R: –",
        "Education · T: 0",
        "Education · S: –",
        f"{NASTY} · K: –",
        f"{NASTY} · R: –",
        f"{NASTY} · T: –",
        f"{NASTY} · S: 4",
    }
    top = by_title[f"{NASTY} · S: 4"]
    assert top.find(f"{SVG}text").text == "4"
    assert top.find(f"{SVG}rect").get("fill") == charts.LEVEL_COLOURS[-1][0]
    empty = by_title["Education · R: –"]
    assert "cell-empty" in empty.get("class")
    assert empty.find(f"{SVG}text").text == "–"
    assert NASTY in texts(root)


def test_heat_map_colours_the_top_level_darkest_on_any_scale() -> None:
    assert charts.level_colours(3, 3) == charts.LEVEL_COLOURS[-1]
    assert charts.level_colours(0, 3) == charts.LEVEL_COLOURS[0]
    assert charts.level_colours(4, 4) == charts.LEVEL_COLOURS[-1]
    assert charts.level_colours(9, 4) == charts.LEVEL_COLOURS[-1]
    assert charts.level_colours(None, 4) == charts.NO_LEVEL_COLOURS
    fills = [charts.level_colours(level, 4)[0] for level in range(5)]
    assert len(set(fills)) == 5


def test_heat_map_legend_lists_each_level_of_the_scale() -> None:
    root = parse(charts.heat_map(["A"], ["K"], {("A", "K"): 1}, 3, title="L", legend_label="Nivå"))
    legend = groups(root, "legend")[0]
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Nivå", "0", "1", "2", "3"]


def test_heat_map_table_rows_match_the_cells() -> None:
    assert charts.heat_map_table_rows(
        ["Education"], ["K", "R"], {("Education", "K"): 2}, empty_mark="–"
    ) == [("Education", ["2", "–"])]


def test_heat_map_with_many_columns_widens_instead_of_overlapping() -> None:
    columns = [f"Aspect {i}" for i in range(20)]
    root = assert_accessible(charts.heat_map(["A"], columns, {}, 4, title="Wide"), "Wide")
    width = float(root.get("viewBox").split()[2])
    assert width >= 200 + 40 * 20


# --- bubbles --------------------------------------------------------------------------------


def circle_of(group: ET.Element) -> ET.Element:
    circle = group.find(f"{SVG}circle")
    assert circle is not None
    return circle


def test_bubbles_each_initiative_is_present_and_labelled() -> None:
    points = sample_bubbles()
    svg = charts.bubble_chart(points, title="Value versus cost")
    assert "<fritid>" not in svg
    root = assert_accessible(svg, "Value versus cost")
    bubbles = groups(root, "bubble")
    assert len(bubbles) == len(points)
    bubble_titles = [g.find(f"{SVG}title").text for g in bubbles]
    for point in points:
        assert any(t.startswith(f"{point.label}:") for t in bubble_titles)
    assert any(f"45{NBSP}000{NBSP}000{NBSP}kr" in t for t in bubble_titles)
    assert "EDU-A Digital learning" in texts(root)


def test_selected_bubbles_are_filled_and_others_outlined_not_ready_dashed() -> None:
    root = parse(charts.bubble_chart(sample_bubbles(), title="V"))
    by_label = {g.find(f"{SVG}title").text.split(":")[0]: g for g in groups(root, "bubble")}
    unselected = circle_of(by_label["EDU-A Digital learning"])
    assert unselected.get("fill") == "none"
    assert "stroke-dasharray" in unselected.attrib  # not ready
    selected_ready = circle_of(by_label["EDU-B"])
    assert selected_ready.get("fill") == charts.BRAND_COLOUR
    assert "stroke-dasharray" not in selected_ready.attrib
    assert "selected" in by_label["EDU-B"].get("class").split()
    assert "not-ready" in by_label[NASTY].get("class").split()


def test_bubble_area_is_proportional_to_size() -> None:
    root = parse(charts.bubble_chart(sample_bubbles(), title="V"))
    radius = {
        g.find(f"{SVG}title").text.split(":")[0]: float(circle_of(g).get("r"))
        for g in groups(root, "bubble")
    }
    big, medium = radius["EDU-A Digital learning"], radius["EDU-B"]
    assert math.isclose((big / medium) ** 2, 9 / 4, rel_tol=0.01)


def test_negative_values_sit_below_the_zero_line() -> None:
    root = parse(charts.bubble_chart(sample_bubbles(), title="V"))
    zero = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "zero")
    zero_y = float(zero.get("y1"))
    for group in groups(root, "bubble"):
        label = group.find(f"{SVG}title").text
        cy = float(circle_of(group).get("cy"))
        if label.startswith("EDU-B"):
            assert cy > zero_y
        else:
            assert cy < zero_y
    tick_texts = texts(root)
    assert any(t.startswith("-") and t.endswith(f"mn{NBSP}kr") for t in tick_texts)


def test_bubbles_stay_inside_the_plot_frame() -> None:
    points = sample_bubbles()
    root = parse(charts.bubble_chart(points, title="V"))
    frame = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "frame")
    x0, y0 = float(frame.get("x")), float(frame.get("y"))
    x1, y1 = x0 + float(frame.get("width")), y0 + float(frame.get("height"))
    for group in groups(root, "bubble"):
        c = circle_of(group)
        cx, cy, r = float(c.get("cx")), float(c.get("cy")), float(c.get("r"))
        assert x0 <= cx - r and cx + r <= x1 and y0 <= cy - r and cy + r <= y1


@pytest.mark.parametrize(
    "points",
    [
        [Bubble("Only", Decimal(0), Decimal(0), Decimal(0))],
        [Bubble(f"Same {i}", Decimal(5), Decimal(5), Decimal(5)) for i in range(4)],
        [Bubble(f"Neg {i}", Decimal(-5), Decimal(-7), Decimal(-1)) for i in range(2)],
        [
            Bubble("Huge", Decimal("5e9"), Decimal("5e9"), Decimal("5e9"), True, True),
            Bubble("Tiny", Decimal("0.01"), Decimal("-5e9"), Decimal("0.01")),
        ],
    ],
    ids=["one-zero-point", "all-equal", "all-negative", "huge"],
)
def test_bubble_chart_survives_extreme_values(points: list[Bubble]) -> None:
    root = assert_accessible(charts.bubble_chart(points, title="X"), "X")
    assert len(groups(root, "bubble")) == len(points)
    for group in groups(root, "bubble"):
        circle = circle_of(group)
        for name in ("cx", "cy", "r"):
            assert math.isfinite(float(circle.get(name)))


def test_bubbles_without_a_drawable_amount_are_left_out_not_crashing() -> None:
    points = [
        Bubble("Fine", Decimal(1), Decimal(2), Decimal(3)),
        Bubble("Broken", Decimal("NaN"), Decimal(2), Decimal(3)),
    ]
    root = parse(charts.bubble_chart(points, title="X"))
    assert [g.find(f"{SVG}title").text.split(":")[0] for g in groups(root, "bubble")] == ["Fine"]


def test_many_bubbles_keep_titles_but_hide_printed_names() -> None:
    points = [Bubble(f"I-{i}", Decimal(i), Decimal(i * 2), Decimal(1)) for i in range(1000)]
    root = parse(charts.bubble_chart(points, title="Many", label_limit=25))
    assert len(groups(root, "bubble")) == 1000
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") == "bubble-label"]


def test_bubble_table_rows_are_formatted_money() -> None:
    rows = charts.bubble_table_rows(sample_bubbles()[:2], yes="ja", no="nej")
    assert rows[1] == (
        "EDU-B",
        f"3{NBSP}000{NBSP}000{NBSP}kr",
        f"-2{NBSP}500{NBSP}000{NBSP}kr",
        f"4{NBSP}kr",
        "ja",
        "ja",
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=20),
            st.decimals(min_value=Decimal("-1e10"), max_value=Decimal("1e10"), places=2),
            st.decimals(min_value=Decimal("-1e10"), max_value=Decimal("1e10"), places=2),
            st.decimals(min_value=Decimal("0"), max_value=Decimal("1e10"), places=2),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_any_bubbles_make_well_formed_svg_with_every_point(rows) -> None:
    points = [Bubble(*row) for row in rows]
    root = parse(charts.bubble_chart(points, title="P"))
    assert len(groups(root, "bubble")) == len(points)


# --- frontier -------------------------------------------------------------------------------


def test_frontier_is_a_step_line_with_every_point_and_the_budget_marked() -> None:
    points = [
        (Decimal(0), Decimal(0)),
        (Decimal("10000000"), Decimal("5000000")),
        (Decimal("20000000"), Decimal("5000000")),
        (Decimal("30000000"), Decimal("9000000")),
    ]
    svg = charts.frontier_chart(
        points,
        Decimal("25000000"),
        Decimal("4000000"),
        title="Frontier",
        budget_label="Budget",
        chosen_label="Greedy",
    )
    root = assert_accessible(svg, "Frontier")
    line = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "frontier-line")
    commands = re.findall(r"[MHV]", line.get("d"))
    assert commands == ["M", "H", "V", "H", "H", "V", "H"], "steps, no diagonal"
    point_titles = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")]
    assert len(point_titles) == len(points)
    assert f"30{NBSP}000{NBSP}000{NBSP}kr: 9{NBSP}000{NBSP}000{NBSP}kr" in point_titles
    all_titles = titles(root)
    assert f"Budget: 25{NBSP}000{NBSP}000{NBSP}kr" in all_titles
    assert f"Greedy: 4{NBSP}000{NBSP}000{NBSP}kr" in all_titles
    assert [row[0] for row in charts.frontier_table_rows(list(reversed(points)))] == [
        formatting.money(b) for b, _ in points
    ]


def test_frontier_budget_line_sits_at_the_budget_between_the_points() -> None:
    points = [(Decimal(0), Decimal(0)), (Decimal(100), Decimal(50))]
    root = parse(charts.frontier_chart(points, Decimal(50), None, title="F"))
    xs = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]
    budget = groups(root, "current-budget")[0].find(f"{SVG}line")
    assert math.isclose(float(budget.get("x1")), (xs[0] + xs[1]) / 2, abs_tol=0.02)
    assert not groups(root, "chosen")


@pytest.mark.parametrize(
    "points,budget,chosen",
    [
        ([(Decimal(0), Decimal(0))], None, None),
        ([(Decimal(5), Decimal(5)), (Decimal(5), Decimal(5))], Decimal(5), Decimal(5)),
        ([(Decimal(0), Decimal(-3)), (Decimal("5e9"), Decimal("-1"))], Decimal("6e9"), None),
        ([(Decimal(0), Decimal(0)), (Decimal("5e9"), Decimal("5e9"))], Decimal(0), Decimal(0)),
    ],
    ids=["single", "all-equal", "negative", "huge"],
)
def test_frontier_survives_extreme_values(points, budget, chosen) -> None:
    root = assert_accessible(charts.frontier_chart(points, budget, chosen, title="F"), "F")
    assert len(list(root.iter(f"{SVG}circle"))) == len(points)


# --- budget line ----------------------------------------------------------------------------


def test_budget_line_draws_a_column_per_rank_the_budget_and_the_cut_off() -> None:
    rows = sample_budget_rows()
    svg = charts.budget_line_chart(
        rows, Decimal("10000000"), title="Budget line", cutoff_label="First that no longer fits"
    )
    root = assert_accessible(svg, "Budget line")
    columns = groups(root, "column")
    assert len(columns) == len(rows)
    column_titles = [g.find(f"{SVG}title").text for g in columns]
    assert column_titles[0].startswith("1. EDU-A:")
    assert f"12{NBSP}000{NBSP}000{NBSP}kr" in column_titles[2]
    assert [("selected" in g.get("class").split()) for g in columns] == [r[3] for r in rows]
    assert [t for t in texts(root) if t in {r[0] for r in rows}] == [r[0] for r in rows]
    # The cut-off falls after EDU-B: CUL-A is the first whose cumulative cost exceeds 10 mn.
    assert charts.budget_cutoff(rows, Decimal("10000000")) == 2
    cutoff = groups(root, "cutoff")[0]
    assert cutoff.find(f"{SVG}title").text == "First that no longer fits: CUL-A"
    cut_x = float(cutoff.find(f"{SVG}line").get("x1"))
    rects = [g.find(f"{SVG}rect") for g in columns]
    assert float(rects[1].get("x")) + float(rects[1].get("width")) <= cut_x
    assert cut_x <= float(rects[2].get("x"))
    budget = groups(root, "budget")[0]
    assert budget.find(f"{SVG}title").text == f"Budget: 10{NBSP}000{NBSP}000{NBSP}kr"
    # Column heights grow with the cumulative cost, and the budget line is between them.
    heights = [float(r.get("height")) for r in rects]
    assert heights == sorted(heights)
    budget_y = float(budget.find(f"{SVG}line").get("y1"))
    assert float(rects[1].get("y")) > budget_y > float(rects[2].get("y"))


def test_budget_line_without_overrun_has_no_cut_off() -> None:
    rows = sample_budget_rows()
    root = parse(charts.budget_line_chart(rows, Decimal("1e9"), title="B"))
    assert not groups(root, "cutoff")
    assert groups(root, "budget")
    assert charts.budget_cutoff(rows, None) is None


def test_budget_line_accepts_an_explicit_cut_off_for_forced_choices() -> None:
    rows = sample_budget_rows()
    root = parse(charts.budget_line_chart(rows, Decimal("10000000"), title="B", cutoff=3))
    assert groups(root, "cutoff")[0].find(f"{SVG}title").text == "Cut-off: SOC-A"


def test_budget_line_with_a_thousand_initiatives_and_huge_costs() -> None:
    rows, cumulative = [], Decimal(0)
    for i in range(1000):
        cost = Decimal("5e9") if i % 2 else Decimal(0)
        cumulative += cost
        rows.append((f"I-{i}", cost, cumulative, i < 10))
    root = assert_accessible(charts.budget_line_chart(rows, Decimal("5e10"), title="B"), "B")
    assert len(groups(root, "column")) == 1000
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") == "code"]
    assert charts.budget_cutoff(rows, Decimal("5e10")) == 21
    assert any(t.endswith(f"mdr{NBSP}kr") for t in texts(root))


@pytest.mark.parametrize(
    "rows,budget",
    [
        ([("ONE", Decimal(0), Decimal(0), False)], Decimal(0)),
        ([("ONE", Decimal(5), Decimal(5), True)], None),
        ([("A", Decimal(5), Decimal(5), True), ("B", Decimal(5), Decimal(5), True)], Decimal(5)),
        ([("NEG", Decimal(-5), Decimal(-5), True)], Decimal(10)),
    ],
    ids=["zero", "no-budget", "all-equal", "negative"],
)
def test_budget_line_survives_edge_cases(rows, budget) -> None:
    root = assert_accessible(charts.budget_line_chart(rows, budget, title="B"), "B")
    assert len(groups(root, "column")) == len(rows)
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("height", "0")) >= 0


def test_budget_table_rows_number_the_ranks() -> None:
    rows = charts.budget_table_rows(sample_budget_rows()[:1], Decimal(1), yes="ja", no="nej")
    assert rows == [
        ("1", "EDU-A", f"4{NBSP}000{NBSP}000{NBSP}kr", f"4{NBSP}000{NBSP}000{NBSP}kr", "ja")
    ]


def test_budget_and_cut_off_labels_sit_above_the_plot() -> None:
    root = parse(
        charts.budget_line_chart(
            sample_budget_rows(), Decimal("10000000"), title="B", cutoff_label="First out"
        )
    )
    column_tops = [float(g.find(f"{SVG}rect").get("y")) for g in groups(root, "column")]
    budget = groups(root, "budget")[0]
    budget_y = float(budget.find(f"{SVG}line").get("y1"))
    cutoff = groups(root, "cutoff")[0]
    cut_line = cutoff.find(f"{SVG}line")
    labels = [budget.find(f"{SVG}text"), cutoff.find(f"{SVG}text")]
    for label in labels:
        baseline = float(label.get("y"))
        # Above every column, the budget line and the top of the cut-off line.
        assert baseline < min(column_tops)
        assert baseline < budget_y
        assert baseline < float(cut_line.get("y1"))
    assert labels[1].text == "First out: CUL-A"
    # The two labels are on separate lines (12 px type).
    assert abs(float(labels[0].get("y")) - float(labels[1].get("y"))) >= 14


# --- print ----------------------------------------------------------------------------------


def test_every_chart_renders_in_a_weasyprint_pdf() -> None:
    html = "<html><body>" + "".join(f"<div>{draw()}</div>" for draw in ALL_CHARTS.values())
    pdf = weasyprint.HTML(string=html + "</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 2000


def test_funnel_and_heat_map_keep_their_pixel_width_so_labels_stay_readable() -> None:
    funnel = parse(charts.funnel_chart(STAGES, title="R"))
    assert funnel.get("width") == str(charts.FUNNEL_WIDTH)
    assert funnel.get("font-size") == "13"
    heat = parse(charts.heat_map(["Education"], ["C", "I"], {("Education", "C"): 2}, 4, title="H"))
    assert heat.get("width") == heat.get("viewBox").split()[2]


def test_bubble_axis_with_all_costs_zero_shows_only_zero() -> None:
    points = [
        charts.Bubble("A", Decimal(0), Decimal(100), Decimal(5)),
        charts.Bubble("B", Decimal(0), Decimal(300), Decimal(5)),
    ]
    root = parse(charts.bubble_chart(points, title="V", axis_money=formatting.money_short))
    ticks = [t.text for t in root.iter(f"{SVG}text") if "tick" in (t.get("class") or "")]
    x_ticks = [t for t in ticks if t == f"0{NBSP}kr"]
    assert x_ticks, ticks
    assert not any("," in t for t in ticks), ticks
    assert charts._bubble_axis([Decimal(0), Decimal(0)]).ticks == (Decimal(0),)
