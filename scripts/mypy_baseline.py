"""Run mypy and compare its errors with the checked-in baseline, which may only shrink.

The baseline (``mypy-baseline.json``) holds, per file, how many errors of each error code mypy
reports there. Counts rather than line numbers, so that an edit elsewhere in a file does not
break the check.

    .venv/bin/python scripts/mypy_baseline.py            # the CI check
    .venv/bin/python scripts/mypy_baseline.py --update   # tighten the baseline after fixes
    .venv/bin/python scripts/mypy_baseline.py --update --allow-growth   # accept new errors

The check fails (exit 1) when a file has more errors of a code than the baseline allows, or a
file/code pair the baseline does not know, and prints those errors. When counts went down it
passes and says that the baseline should be tightened with ``--update``. ``--update`` refuses to
raise any count unless ``--allow-growth`` is given (for example after merging branches).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = ROOT / "mypy-baseline.json"
# mypy reports a few errors (a syntax error, for instance) without a code.
NO_CODE = "no-code"

# file -> error code -> number of errors
Counts = dict[str, dict[str, int]]


class MypyFailed(Exception):
    """mypy did not run to the end (a crash, a bad configuration): its exit status was 2."""


@dataclass(frozen=True)
class MypyError:
    file: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: error: {self.message}  [{self.code}]"


@dataclass(frozen=True)
class Change:
    file: str
    code: str
    allowed: int
    found: int


@dataclass(frozen=True)
class Comparison:
    grown: list[Change]
    shrunk: list[Change]


def parse_mypy_json(output: str) -> list[MypyError]:
    """The errors in ``mypy --output json`` output (a JSON object a line), notes left out."""
    errors = []
    for line in output.splitlines():
        if not line.strip().startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("severity") != "error":
            continue
        message = entry["message"]
        if entry.get("hint"):
            message = f"{message}\n    {entry['hint']}"
        errors.append(
            MypyError(
                file=Path(entry["file"]).as_posix(),
                line=int(entry["line"]),
                code=entry.get("code") or NO_CODE,
                message=message,
            )
        )
    return errors


def count(errors: Iterable[MypyError]) -> Counts:
    counts: Counts = {}
    for error in errors:
        by_code = counts.setdefault(error.file, {})
        by_code[error.code] = by_code.get(error.code, 0) + 1
    return normalised(counts)


def normalised(counts: Counts) -> Counts:
    """Sorted by file and code, without zero counts (the form the baseline file is kept in)."""
    return {
        file: {code: n for code, n in sorted(by_code.items()) if n > 0}
        for file, by_code in sorted(counts.items())
        if any(n > 0 for n in by_code.values())
    }


def compare(current: Counts, baseline: Counts) -> Comparison:
    grown = []
    shrunk = []
    for file in sorted(current.keys() | baseline.keys()):
        now = current.get(file, {})
        allowed = baseline.get(file, {})
        for code in sorted(now.keys() | allowed.keys()):
            change = Change(file, code, allowed.get(code, 0), now.get(code, 0))
            if change.found > change.allowed:
                grown.append(change)
            elif change.found < change.allowed:
                shrunk.append(change)
    return Comparison(grown=grown, shrunk=shrunk)


def read_baseline(path: Path) -> Counts:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return normalised({file: dict(by_code) for file, by_code in data.items()})


def write_baseline(path: Path, counts: Counts) -> None:
    path.write_text(json.dumps(normalised(counts), indent=2) + "\n", encoding="utf-8")


def run_mypy() -> list[MypyError]:
    """mypy over the configured files (pyproject.toml), from the project root."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--output", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1):
        raise MypyFailed(result.stderr or result.stdout)
    return parse_mypy_json(result.stdout)


def describe(change: Change) -> str:
    return f"  {change.file} [{change.code}]: {change.found} (baseline {change.allowed})"


def report_grown(grown: Sequence[Change], errors: Sequence[MypyError]) -> None:
    pairs = {(change.file, change.code) for change in grown}
    print("mypy: more errors than the baseline allows:")
    for change in grown:
        print(describe(change))
    print()
    # A count says which file and code grew, not which of its errors is new: all are shown.
    for error in errors:
        if (error.file, error.code) in pairs:
            print(error)


def main(
    argv: Sequence[str] | None = None, *, run: Callable[[], list[MypyError]] = run_mypy
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    parser.add_argument(
        "--update", action="store_true", help="rewrite the baseline with the current counts"
    )
    parser.add_argument(
        "--allow-growth",
        action="store_true",
        help="with --update: accept counts above the baseline and new file/code pairs",
    )
    args = parser.parse_args(argv)
    if args.allow_growth and not args.update:
        parser.error("--allow-growth only goes with --update")

    try:
        errors = run()
    except MypyFailed as failure:
        print(f"mypy did not finish:\n{failure}", file=sys.stderr)
        return 2
    current = count(errors)
    baseline = read_baseline(args.baseline)
    comparison = compare(current, baseline)
    total = sum(n for by_code in current.values() for n in by_code.values())
    allowed = sum(n for by_code in baseline.values() for n in by_code.values())

    if args.update:
        if comparison.grown and not args.allow_growth:
            report_grown(comparison.grown, errors)
            print(
                "\nThe baseline was not changed: fix these, or pass --allow-growth to accept them."
            )
            return 1
        write_baseline(args.baseline, current)
        print(f"mypy: baseline written, {total} errors in {len(current)} files (was {allowed}).")
        return 0

    if comparison.grown:
        report_grown(comparison.grown, errors)
        return 1
    if comparison.shrunk:
        print(f"mypy: {total} errors, the baseline allows {allowed}. Counts went down:")
        for change in comparison.shrunk:
            print(describe(change))
        print("Tighten the baseline: .venv/bin/python scripts/mypy_baseline.py --update")
        return 0
    print(f"mypy: {total} errors, as in the baseline.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
