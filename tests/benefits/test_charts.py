"""The benefit model's SVG charts: accessible, escaped, and drawn to scale."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from benefits import calculation, charts, defaults
from benefits import document as benefit_document


def money(value: Decimal) -> str:
    return f"{value:,.0f} kr".replace(",", " ")


def yearly(points, **kwargs) -> str:
    options = {
        "title": "Per year <medium>",
        "description": "Bars & line",
        "benefit_label": "Benefit",
        "cost_label": "Cost",
        "net_label": "Cumulative net",
        "year_label": lambda year: f"Year {year}",
        "money": money,
    }
    return charts.yearly_chart(points, **(options | kwargs))


def attributes(svg: str, css: str, name: str) -> list[Decimal]:
    return [
        Decimal(value)
        for value in re.findall(rf'<rect class="{css}"[^>]*?\b{name}="([-\d.]+)"', svg)
    ]


def test_the_yearly_chart_is_an_accessible_image():
    svg = yearly([charts.YearPoint(0, Decimal(0), Decimal(10), Decimal(-10))])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="yearly-chart-title yearly-chart-desc"' in svg
    assert '<title id="yearly-chart-title">Per year &lt;medium&gt;</title>' in svg
    assert '<desc id="yearly-chart-desc">Bars &amp; line</desc>' in svg
    assert "style=" not in svg and "<script" not in svg


def test_the_yearly_chart_draws_the_deck_flows_to_scale():
    model = benefit_document.parse(defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD))
    result = calculation.evaluate(model).medium
    points = [charts.YearPoint(r.year, r.benefit, r.cost, r.cumulative_net) for r in result.years]
    svg = yearly(points)
    heights = attributes(svg, "benefit", "height")
    assert len(heights) == 4 and heights[0] == 0
    # Year 1..3 benefits are equal (17 152 751.5), so their bars are equally high.
    assert heights[1] == heights[2] == heights[3] > 0
    values = re.findall(r'class="cumulative-net-point"[^>]*data-value="([-\d.]+)"', svg)
    assert values == ["0.00", "17152751.50", "34305503.00", "51458254.50"]
    assert svg.count("<polyline") == 1
    assert "Year 3: Benefit 17 152 752 kr, Cost 0 kr, Cumulative net 51 458 254 kr" in svg


def test_a_negative_cumulative_net_is_drawn_below_the_zero_line():
    svg = yearly(
        [
            charts.YearPoint(0, Decimal(0), Decimal(5_000_000), Decimal(-5_000_000)),
            charts.YearPoint(1, Decimal(3_000_000), Decimal(1_000_000), Decimal(-3_000_000)),
            charts.YearPoint(2, Decimal(3_000_000), Decimal(1_000_000), Decimal(-1_000_000)),
        ]
    )
    zero = Decimal(re.search(r'class="zero"[^>]*y1="([-\d.]+)"', svg).group(1))
    points = re.findall(r'class="cumulative-net-point"[^>]*cy="([-\d.]+)"', svg)
    assert all(Decimal(y) > zero for y in points)  # SVG y grows downwards
    costs = attributes(svg, "cost", "height")
    benefits = attributes(svg, "benefit", "height")
    # Bars are proportional: the year-0 cost is 5 × the year-1 cost; benefit 3 × cost.
    assert abs(costs[0] - 5 * costs[1]) < Decimal("0.05")
    assert abs(benefits[1] - 3 * costs[1]) < Decimal("0.05")


def tornado(bars, base=Decimal(0)) -> str:
    return charts.tornado_chart(
        bars,
        base,
        title="Sensitivity",
        description="Each input ±20 %",
        minus_label="−20 %",
        plus_label="+20 %",
        base_label="NPV",
        money=money,
    )


def test_the_tornado_draws_one_row_per_input_in_the_given_order_around_the_base():
    bars = [
        charts.TornadoBar("Recruitments: unit cost", Decimal(80), Decimal(120)),
        charts.TornadoBar("Admin <&>: amount", Decimal(90), Decimal(110)),
    ]
    svg = tornado(bars, Decimal(100))
    labels = re.findall(r'<text class="label"[^>]*>([^<]*)</text>', svg)
    assert labels == ["Recruitments: unit cost", "Admin &lt;&amp;&gt;: amount"]
    minus, plus = attributes(svg, "minus", "width"), attributes(svg, "plus", "width")
    assert minus[0] == plus[0] and minus[1] == plus[1]  # symmetric swings
    assert abs(minus[0] - 2 * minus[1]) < Decimal("0.05")  # 20 vs 10 to scale
    base_x = Decimal(re.search(r'class="base" x1="([-\d.]+)"', svg).group(1))
    minus_x = attributes(svg, "minus", "x")
    plus_x = attributes(svg, "plus", "x")
    assert all(abs(x + w - base_x) < Decimal("0.02") for x, w in zip(minus_x, minus, strict=True))
    assert all(x == base_x for x in plus_x)
    assert 'role="img"' in svg and "<title" in svg and "style=" not in svg


def test_the_tornado_of_the_deck_model_has_the_calculations_swings():
    model = benefit_document.parse(defaults.load(defaults.NORRKOPING_EDUCATION))
    rows = calculation.tornado(model, "high")
    base = calculation.evaluate_scenario(model, "high").npv
    svg = tornado([charts.TornadoBar(r["label"], r["low_npv"], r["high_npv"]) for r in rows], base)
    assert svg.count('<g class="input">') == len(rows)
    widths = [
        m + p
        for m, p in zip(
            attributes(svg, "minus", "width"), attributes(svg, "plus", "width"), strict=True
        )
    ]
    assert widths == sorted(widths, reverse=True)  # the largest swing first


def test_charts_are_pure_python():
    source = charts.__loader__.get_source(charts.__name__)
    assert "django" not in source


def test_tornado_rows_of_one_lever_stay_apart_when_its_name_is_long():
    name = "Less administration for teachers and other school staff"
    bars = [
        charts.TornadoBar(name, Decimal(80), Decimal(120), "Reduction"),
        charts.TornadoBar(name, Decimal(85), Decimal(115), "Share of working time"),
        charts.TornadoBar("Discount rate", Decimal(95), Decimal(105)),
    ]
    svg = tornado(bars, Decimal(100))
    labels = re.findall(r'<text class="label"[^>]*>([^<]*)</text>', svg)
    assert len(set(labels)) == 3
    assert labels[0].endswith("… — Reduction") and labels[1].endswith("… — Share of working time")
    assert labels[2] == "Discount rate"
    # The full text is the row's title.
    assert f"<title>{name} — Reduction: −20 % 80 kr, +20 % 120 kr</title>" in svg


def test_tornado_labels_fit_their_line_and_the_ticks_stay_inside_without_overlap():
    bars = [
        charts.TornadoBar("W" * 80, Decimal(20_000_000), Decimal(35_000_000), "Amount per year"),
    ]
    svg = tornado(bars, Decimal(28_000_000))
    width = Decimal(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    (label,) = re.findall(r'<text class="label"[^>]*>([^<]*)</text>', svg)
    # The label has a line of its own across the chart: ≤ 0.62 em per character.
    assert label.endswith("… — Amount per year")
    assert len(label) * Decimal("0.62") * 14 <= width
    ticks = re.findall(r'<text class="tick" x="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    assert len(ticks) >= 2
    half = [len(text) * Decimal("0.64") * 13 / 2 for _x, text in ticks]
    xs = [Decimal(x) for x, _text in ticks]
    assert xs[0] - half[0] >= 0 and xs[-1] + half[-1] <= width
    assert all(xs[i + 1] - half[i + 1] > xs[i] + half[i] for i in range(len(xs) - 1))


def test_tornado_text_stays_readable_when_the_chart_is_scaled_to_a_phone():
    # On a 390 px phone the chart is about 350 px wide: its smallest text must stay ≥ 12 px
    # (the review measured 5–6 px with the wide chart of before).
    bar = charts.TornadoBar("Lever", Decimal(80), Decimal(120), "Reduction")
    svg = tornado([bar], Decimal(100))
    width = Decimal(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    sizes = [Decimal(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    assert min(sizes) * 350 / width >= 12


def test_a_side_without_a_bar_says_no_change():
    # A share already at 100 % cannot rise: the +20 % NPV equals the base.
    bars = [
        charts.TornadoBar("Lever", Decimal(80), Decimal(100), "Share brought home"),
        charts.TornadoBar("Lever", Decimal(90), Decimal(110), "Reduction"),
    ]
    svg = charts.tornado_chart(
        bars,
        Decimal(100),
        title="T",
        description="D",
        minus_label="−20 %",
        plus_label="+20 %",
        base_label="NPV",
        money=money,
        unchanged_label="no change",
    )
    rows = svg.split('<g class="input">')[1:]
    assert 'class="unchanged"' in rows[0] and ">no change</text>" in rows[0]
    assert 'class="unchanged"' not in rows[1]
    base_x = Decimal(re.search(r'class="base" x1="([-\d.]+)"', svg).group(1))
    x = Decimal(re.search(r'class="unchanged" x="([-\d.]+)"', rows[0]).group(1))
    assert x > base_x  # where the missing +20 % bar would be


@pytest.mark.parametrize(
    ("label", "detail", "limit", "expected"),
    [
        ("Short", "Reduction", 40, "Short — Reduction"),
        ("Less administration for managers", "Reduction", 24, "Less admini… — Reduction"),
        ("Discount rate", "", 8, "Discoun…"),
        ("Lever", "A very long input name indeed", 12, "Lever — A v…"),
    ],
)
def test_fit_label_cuts_the_lever_name_before_the_input(label, detail, limit, expected):
    text = charts.fit_label(label, detail, limit)
    assert text == expected and len(text) <= limit
