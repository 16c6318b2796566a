"""Every user-facing string has a Swedish translation, and the committed .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/sv/LC_MESSAGES/django.po"))


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def entries(po: Path):
    """(msgid, [msgstr...], fuzzy, msgctxt) for every entry but the header."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = [match.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields:
            continue
        msgid = _unquote(fields["msgid"])
        if not msgid:
            continue
        strs = [_unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        context = _unquote(fields["msgctxt"]) if "msgctxt" in fields else None
        yield msgid, strs, fuzzy, context


def test_there_is_a_swedish_catalogue():
    assert CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_to_swedish(po):
    missing = [msgid for msgid, strs, fuzzy, _ in entries(po) if fuzzy or not all(strs)]
    assert not missing, f"untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_the_source(po):
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, strs, _, context in entries(po)
        if len(strs) == 1
        and (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != strs[0]
    ]
    assert not stale, f"recompile the .mo (compilemessages): {stale[:5]}"
