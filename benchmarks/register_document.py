"""A large register document (``klassa.register/1``) and the import benchmark (not a test).

    .venv/bin/python benchmarks/register_document.py generate --out register.json \\
        [--assets 10000] [--initiatives 1000] [--departments 50] [--seed 2027]
    .venv/bin/python benchmarks/register_document.py measure register.json

``generate`` writes a valid document from a seeded random generator (the same seed gives the
same file): departments, assets with a mix of approved, draft and unclassified
classifications and legal triggers, initiatives linked to 1–10 assets with a few
adjustments, priority inputs, an area, and a benefit model on 90 % of them, plus the
portfolio settings. It needs no database and no Django
(the benefit models come from ``benefits.demo_documents``, standard library only).

``measure`` runs ``manage.py import_register FILE`` twice in child processes against the
configured database (``DATABASE_URL``, else SQLite): the first run into what the database
holds (empty, for the benchmark), the second the idempotent re-run. Each child prints its wall
time, the time of the command alone, its query count and its peak memory (max RSS).
``make_document`` is importable by other benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 2027

ASPECTS = ("K", "R", "T", "S")
TOP = 4
# As assessments/defaults/scheme.py LEGAL_MINIMUMS (kept here so generating needs no Django).
LEGAL_MINIMUMS = {
    "personal_data": {"K": 1, "S": 1},
    "special_categories": {"K": 3, "R": 2, "S": 2},
    "secrecy": {"K": 2},
}
AREAS = (
    "Utbildning",
    "Vård och omsorg",
    "Samhällsbyggnad",
    "Kultur och fritid",
    "Digital infrastruktur",
    "Medborgarservice",
    "Miljö",
    "Arbetsmarknad",
    "Ekonomi och styrning",
    "Smart stad",
)
ASSET_NAMES = (
    "Elevregister",
    "Närvaro",
    "Ärendehandlingar",
    "Bygglovsansökningar",
    "Fakturor",
    "Personalakter",
    "Journalanteckningar",
    "Kundtjänstärenden",
    "Lokalbokningar",
    "Avtal",
    "Mätdata",
    "Protokoll",
)


def _asset(rng: random.Random, number: int, department: str) -> dict[str, Any]:
    personal_data = rng.choices(["no", "yes", "special_categories"], [5, 4, 1])[0]
    secrecy = "OSL 23 kap. 2 §" if rng.random() < 0.2 else None
    triggers = set()
    if personal_data == "yes":
        triggers.add("personal_data")
    elif personal_data == "special_categories":
        triggers |= {"personal_data", "special_categories"}
    if secrecy:
        triggers.add("secrecy")
    minimums: dict[str, int] = {}
    for trigger in triggers:
        for aspect, level in LEGAL_MINIMUMS[trigger].items():
            minimums[aspect] = max(minimums.get(aspect, 0), level)
    item: dict[str, Any] = {
        "code": f"IA-{number:05d}",
        "department": department,
        "name": f"{rng.choice(ASSET_NAMES)} {number}",
        "description": f"Informationsmängd {number} i {department}",
        "legal": {
            "personal_data": personal_data,
            "secrecy": secrecy,
            "protective_security": False,
        },
    }
    status = rng.choices(["approved", "draft", "none"], [6, 25, 15])[0]
    if status == "none":
        item["status"] = "draft"
        return item
    # The ordinary approval path refuses the top level: approved assets stay below it.
    top = TOP - 1 if status == "approved" else TOP
    item["levels"] = {
        aspect: min(
            max(rng.choices([0, 1, 2, 3, 4], [10, 35, 35, 18, 2])[0], minimums.get(aspect, 0)), top
        )
        for aspect in ASPECTS
    }
    item["status"] = status
    return item


def make_document(
    *,
    assets: int = 10_000,
    initiatives: int = 1_000,
    departments: int = 50,
    model_share: float = 0.9,
    seed: int = SEED,
    code: str = "benchmark",
) -> dict[str, Any]:
    """A valid register document of the given size (the benchmark's shape by default)."""
    from benefits.demo_documents import random_document  # standard library only

    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    department_codes = [f"D{number:02d}" for number in range(1, departments + 1)]
    asset_items = [
        _asset(rng, number, department_codes[(number - 1) % departments])
        for number in range(1, assets + 1)
    ]
    codes = [item["code"] for item in asset_items]
    initiative_items = []
    for number in range(1, initiatives + 1):
        name = f"Initiativ {number}"
        item: dict[str, Any] = {
            "code": f"INIT-{number:04d}",
            "department": department_codes[(number - 1) % departments],
            "name": name,
            "area": rng.choice(AREAS),
            "assets": rng.sample(codes, rng.randint(1, min(10, len(codes)))) if codes else [],
            "adjustments": [],
            "priority": {
                "strategic_fit": rng.randint(1, 5),
                "time_criticality": rng.randint(1, 5),
                "duration_weeks": rng.randint(4, 104),
                "forced": None,
                "forced_reason": "",
            },
        }
        if rng.random() < 0.1:
            # Raising a level is always allowed with a reason other than distribution.
            item["adjustments"].append(
                {
                    "aspect": "T",
                    "level": TOP,
                    "reason": "cumulation",
                    "justification": "Flera tjänster faller samtidigt när plattformen ligger nere",
                }
            )
        if rng.random() < 0.02:
            item["priority"] |= {"forced": "in", "forced_reason": "Beslutat av nämnden"}
        if rng.random() < model_share:
            item["benefit_model"], _investment = random_document(rng, name)
        initiative_items.append(item)
    return {
        "format": "klassa.register/1",
        "organisation": {"code": code, "name": f"Benchmark {code}"},
        "departments": [
            {"code": department, "name": f"Förvaltning {department}"}
            for department in department_codes
        ],
        "information_assets": asset_items,
        "initiatives": initiative_items,
        "portfolio": {"year": 2027, "budget": "500000000", "scenario": "medium"},
    }


# --- Measuring the import -------------------------------------------------------------------------

_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
import django
django.setup()
from django.core.management import call_command
from django.db import connection
count = [0]
def counter(execute, sql, params, many, context):
    count[0] += 1
    return execute(sql, params, many, context)
begun = time.perf_counter()
with connection.execute_wrapper(counter):
    call_command("import_register", sys.argv[1])
finished = time.perf_counter()
print(json.dumps({
    "command_s": round(finished - begun, 2),
    "process_s": round(finished - started, 2),
    "queries": count[0],
    "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def measure(path: Path) -> list[dict[str, Any]]:
    """Import ``path`` twice (first run, then the idempotent re-run), each in a child."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "klassa_app.settings"}
    results = []
    for run in ("first", "again"):
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _CHILD, str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"import_register failed ({run} run)")
        lines = done.stdout.strip().splitlines()
        result = {"run": run, "wall_s": round(time.perf_counter() - started, 2)}
        result |= json.loads(lines[-1])
        result["summary"] = lines[-2] if len(lines) > 1 else ""
        results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="write a register document")
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--assets", type=int, default=10_000)
    generate.add_argument("--initiatives", type=int, default=1_000)
    generate.add_argument("--departments", type=int, default=50)
    generate.add_argument("--seed", type=int, default=SEED)
    generate.add_argument("--code", default="benchmark", help="the organisation's code")
    run = commands.add_parser("measure", help="import a document twice and print the figures")
    run.add_argument("file", type=Path)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
    if options.command == "generate":
        document = make_document(
            assets=options.assets,
            initiatives=options.initiatives,
            departments=options.departments,
            seed=options.seed,
            code=options.code,
        )
        options.out.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        size = options.out.stat().st_size / 1024 / 1024
        print(f"{options.out}: {size:.1f} MB")
    else:
        for result in measure(options.file.resolve()):
            print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
