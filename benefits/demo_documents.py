"""Benefit-model documents (``klassa.benefit-model/1``) for the demo, the tests and the
benchmarks: one place that knows how a made-up model looks.

Pure Python with the standard library only, so that the register generator
(``benchmarks/register_document.py``) builds them without Django. The deck's own models are
files in ``benefits/defaults``; what is built here is either a one-year model of fixed
amounts (the demo's areas, page benchmarks, tests that need exact figures) or a seeded random
model of every lever kind (the benchmark organisations and registers).
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

FORMAT = "klassa.benefit-model/1"  # as benefits.calculation.FORMAT
STAFF_GROUPS = (
    "lärare",
    "skolledare",
    "socialsekreterare",
    "undersköterskor",
    "handläggare",
    "ekonomer",
    "kundtjänst",
    "IT-support",
)


def fixed_amount_document(
    name: str,
    *,
    internal: int | str | dict[str, str],
    external: int | str = 0,
    investment: int,
    discount_rate: str = "0.03",
    cost_name: str = "Build",
    lever_names: tuple[str, str] = ("Internal benefit", "External benefit"),
) -> dict[str, Any]:
    """A one-year model: the internal and the external benefit as one fixed amount each
    (left out when zero; ``internal`` may differ by scenario) and one investment paid in
    year 0. With ``discount_rate`` "0" its NPV is benefit − investment."""
    levers: list[dict[str, Any]] = []
    if internal:
        levers.append(
            {
                "kind": "fixed_amount",
                "name": lever_names[0],
                "stakeholder": "internal",
                "category": "redistribution",
                "amount": internal if isinstance(internal, dict) else str(internal),
            }
        )
    if external:
        levers.append(
            {
                "kind": "fixed_amount",
                "name": lever_names[1],
                "stakeholder": "external",
                "category": "quality",
                "amount": str(external),
            }
        )
    return {
        "format": FORMAT,
        "name": name,
        "currency": "SEK",
        "horizon_years": 1,
        "discount_rate": discount_rate,
        "levers": levers,
        "costs": [{"name": cost_name, "kind": "investment", "amounts": [str(investment), "0"]}],
    }


def _share(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.3f}"


def _by_scenario(rng: random.Random, low: float, high: float) -> dict[str, str]:
    a, b = sorted(rng.uniform(low, high) for _ in range(2))
    return {"low": f"{a:.3f}", "medium": f"{(a + b) / 2:.3f}", "high": f"{b:.3f}"}


def _random_lever(
    rng: random.Random, index: int, horizon: int, groups: tuple[str, ...]
) -> dict[str, Any]:
    kind = rng.choices(["staff_time", "cost_base", "rate_change", "fixed_amount"], [4, 3, 2, 2])[0]
    lever: dict[str, Any] = {
        "kind": kind,
        "name": f"Nytta {index + 1}: {kind.replace('_', ' ')}",
        "stakeholder": rng.choices(["internal", "external"], [3, 1])[0],
        "category": rng.choice(["financial", "redistribution", "quality", "environment"]),
        "attribution_share": _share(rng, 0.3, 1),
    }
    if rng.random() < 0.5:
        lever["realisation_rate"] = _share(rng, 0.6, 1)
    if rng.random() < 0.5:
        lever["ramp_up"] = [f"{min(1, (year + 1) / 3):.3f}" for year in range(horizon)]
    if kind == "staff_time":
        lever |= {
            "staff_fte": str(rng.randint(5, 500)),
            "annual_cost_per_fte": str(rng.randrange(450_000, 900_000, 1000)),
            "time_share": _share(rng, 0.05, 0.4),
            "reduction": _by_scenario(rng, 0.05, 0.5),
            "group": rng.choice(groups),
        }
    elif kind == "cost_base":
        lever |= {
            "base_cost": str(rng.randrange(500_000, 80_000_000, 1000)),
            "reduction": _by_scenario(rng, 0.02, 0.3),
        }
    elif kind == "rate_change":
        before = rng.uniform(0.2, 0.6)
        lever |= {
            "population": str(rng.randint(1_000, 100_000)),
            "rate_before": f"{before:.3f}",
            "rate_after": _by_scenario(rng, before * 0.5, before * 0.9),
            "unit_cost": str(rng.randrange(200, 20_000, 10)),
        }
    else:
        lever["amount"] = str(rng.randrange(100_000, 20_000_000, 1000))
    return lever


def random_document(
    rng: random.Random, name: str, *, groups: tuple[str, ...] = STAFF_GROUPS
) -> tuple[dict[str, Any], Decimal]:
    """A valid random model of 1–4 levers of every kind over 3–10 years, and its total
    investment cost; the same generator state gives the same document."""
    horizon = rng.choice([3, 5, 5, 5, 7, 10])
    investment = rng.randrange(200_000, 40_000_000, 1000)
    first = investment * 7 // 10
    amounts = [str(first), str(investment - first)] + ["0"] * (horizon - 1)
    costs: list[dict[str, Any]] = [{"name": "Införande", "kind": "investment", "amounts": amounts}]
    if rng.random() < 0.8:
        costs.append(
            {
                "name": "Drift och licenser",
                "kind": "running",
                "annual_amount": str(rng.randrange(50_000, 5_000_000, 1000)),
            }
        )
    document = {
        "format": FORMAT,
        "name": name,
        "currency": "SEK",
        "horizon_years": horizon,
        "discount_rate": rng.choice(["0.03", "0.03", "0.025", "0.035"]),
        "levers": [_random_lever(rng, i, horizon, groups) for i in range(rng.randint(1, 4))],
        "costs": costs,
    }
    return document, Decimal(investment)
