"""The mypy baseline may only shrink: the comparison and the update rules of
``scripts/mypy_baseline.py``, with mypy's output given rather than run (mypy itself runs in CI)."""

from __future__ import annotations

import json

import pytest

from scripts import mypy_baseline
from scripts.mypy_baseline import MypyError, MypyFailed, compare, count


def error(file: str = "portfolio/pages.py", code: str = "arg-type", line: int = 1) -> MypyError:
    return MypyError(file=file, line=line, code=code, message="Argument 1 has incompatible type")


def json_line(**fields: object) -> str:
    entry: dict[str, object] = {
        "file": "benefits/editor.py",
        "line": 12,
        "column": 4,
        "message": 'Item "None" of "Lever | None" has no attribute "name"',
        "hint": None,
        "code": "union-attr",
        "severity": "error",
    }
    entry.update(fields)
    return json.dumps(entry)


def run_returning(*errors: MypyError):
    return lambda: list(errors)


def write(path, counts) -> None:
    path.write_text(json.dumps(counts), encoding="utf-8")


def test_errors_are_counted_per_file_and_code_not_per_line():
    counts = count(
        [
            error(line=3),
            error(line=40),
            error(code="union-attr"),
            error(file="klassa_app/queue.py"),
        ]
    )

    assert counts == {
        "klassa_app/queue.py": {"arg-type": 1},
        "portfolio/pages.py": {"arg-type": 2, "union-attr": 1},
    }


def test_mypys_json_output_is_read_without_its_notes_and_with_its_hints():
    output = "\n".join(
        [
            json_line(),
            json_line(severity="note", code=None, message="See the documentation"),
            json_line(code="import-untyped", hint='Hint: "python3 -m pip install types-x"'),
            json_line(code=None, message="invalid syntax"),
        ]
    )

    errors = mypy_baseline.parse_mypy_json(output)

    assert [e.code for e in errors] == ["union-attr", "import-untyped", mypy_baseline.NO_CODE]
    assert errors[1].message.endswith('Hint: "python3 -m pip install types-x"')
    assert str(errors[0]) == (
        'benefits/editor.py:12: error: Item "None" of "Lever | None" has no attribute "name"'
        "  [union-attr]"
    )


def test_an_error_moved_to_another_line_of_the_same_file_changes_nothing():
    baseline = count([error(line=10)])

    comparison = compare(count([error(line=99)]), baseline)

    assert comparison.grown == []
    assert comparison.shrunk == []


def test_a_count_above_the_baseline_and_a_new_file_or_code_are_growth():
    baseline = {"portfolio/pages.py": {"arg-type": 1}}
    current = count([error(), error(), error(code="index"), error(file="benefits/editor.py")])

    comparison = compare(current, baseline)

    assert [(c.file, c.code, c.allowed, c.found) for c in comparison.grown] == [
        ("benefits/editor.py", "arg-type", 0, 1),
        ("portfolio/pages.py", "arg-type", 1, 2),
        ("portfolio/pages.py", "index", 0, 1),
    ]
    assert comparison.shrunk == []


def test_fixed_errors_and_a_file_without_errors_left_are_shrinkage():
    baseline = {"portfolio/pages.py": {"arg-type": 3}, "klassa_app/queue.py": {"misc": 1}}

    comparison = compare(count([error()]), baseline)

    assert comparison.grown == []
    assert [(c.file, c.code, c.allowed, c.found) for c in comparison.shrunk] == [
        ("klassa_app/queue.py", "misc", 1, 0),
        ("portfolio/pages.py", "arg-type", 3, 1),
    ]


def test_the_check_fails_on_growth_and_prints_the_errors_of_the_grown_pairs(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    grown = error(line=7)
    unchanged_pair = error(file="klassa_app/queue.py", code="misc")
    write(baseline, {"portfolio/pages.py": {"arg-type": 1}, "klassa_app/queue.py": {"misc": 1}})

    status = mypy_baseline.main(
        ["--baseline", str(baseline)], run=run_returning(error(line=3), grown, unchanged_pair)
    )

    out = capsys.readouterr().out
    assert status == 1
    assert "portfolio/pages.py [arg-type]: 2 (baseline 1)" in out
    assert str(grown) in out
    assert str(unchanged_pair) not in out


def test_the_check_passes_on_shrinkage_and_asks_for_the_baseline_to_be_tightened(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    write(baseline, {"portfolio/pages.py": {"arg-type": 2}})

    status = mypy_baseline.main(["--baseline", str(baseline)], run=run_returning(error()))

    out = capsys.readouterr().out
    assert status == 0
    assert "portfolio/pages.py [arg-type]: 1 (baseline 2)" in out
    assert "--update" in out
    assert json.loads(baseline.read_text()) == {"portfolio/pages.py": {"arg-type": 2}}


def test_update_writes_the_lower_counts_sorted_and_drops_fixed_files(tmp_path):
    baseline = tmp_path / "baseline.json"
    write(baseline, {"portfolio/pages.py": {"arg-type": 2}, "klassa_app/queue.py": {"misc": 1}})

    status = mypy_baseline.main(
        ["--baseline", str(baseline), "--update"], run=run_returning(error())
    )

    assert status == 0
    assert baseline.read_text() == '{\n  "portfolio/pages.py": {\n    "arg-type": 1\n  }\n}\n'


def test_update_refuses_to_raise_a_count_without_allow_growth(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    write(baseline, {"portfolio/pages.py": {"arg-type": 1}})

    status = mypy_baseline.main(
        ["--baseline", str(baseline), "--update"], run=run_returning(error(), error())
    )

    assert status == 1
    assert "--allow-growth" in capsys.readouterr().out
    assert json.loads(baseline.read_text()) == {"portfolio/pages.py": {"arg-type": 1}}


def test_update_with_allow_growth_accepts_new_errors(tmp_path):
    baseline = tmp_path / "baseline.json"
    write(baseline, {"portfolio/pages.py": {"arg-type": 1}})

    status = mypy_baseline.main(
        ["--baseline", str(baseline), "--update", "--allow-growth"],
        run=run_returning(error(), error(), error(file="benefits/editor.py")),
    )

    assert status == 0
    assert json.loads(baseline.read_text()) == {
        "benefits/editor.py": {"arg-type": 1},
        "portfolio/pages.py": {"arg-type": 2},
    }


def test_a_missing_baseline_allows_no_error(tmp_path):
    status = mypy_baseline.main(
        ["--baseline", str(tmp_path / "absent.json")], run=run_returning(error())
    )

    assert status == 1


def test_allow_growth_alone_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        mypy_baseline.main(
            ["--baseline", str(tmp_path / "b.json"), "--allow-growth"], run=run_returning()
        )


def test_a_mypy_that_did_not_finish_fails_the_check_instead_of_counting_nothing(tmp_path):
    def crashed() -> list[MypyError]:
        raise MypyFailed("pyproject.toml: invalid section")

    status = mypy_baseline.main(["--baseline", str(tmp_path / "b.json")], run=crashed)

    assert status == 2
