"""Three-way merge of two ``klassa.benefit-model/1`` documents saved from the same version
(pure Python, no Django).

When two people edit the same benefit model, the second save is refused because the model
changed underneath it. Instead of losing that person's input, the page compares field by
field: *base* (the version they started from), *mine* (what they just submitted) and
*theirs* (what was saved in the meantime). For every field where mine and theirs differ:

- only theirs changed it (mine equals base): take theirs by default;
- only mine changed it (theirs equals base): keep mine by default;
- both changed it differently: a conflict, which the person must decide;
- without the base (an older model saved before versions were kept): keep mine by default.

Fields are the model's name, currency, horizon and discount rate; each lever's and cost's
fields, found by name (names are unique within a document); each scenario value of a lever's
input on its own (a single value counts as the same value for low, medium and high); a list
(ramp-up, a cost's amounts) as one value. A lever or cost that is missing on one side, or a
lever whose kind differs between the sides, is compared as a whole, since its fields depend
on its kind and cannot be mixed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from benefits.calculation import SCENARIO_INPUTS, SCENARIOS

Key = tuple[str, ...]
Choice = Literal["mine", "theirs"]
MINE: Choice = "mine"
THEIRS: Choice = "theirs"
MODEL_FIELDS = ("name", "currency", "horizon_years", "discount_rate")
# The order in which a lever's fields are compared and written (as ``to_document`` writes).
LEVER_ORDER = (
    "kind",
    "name",
    "stakeholder",
    "category",
    "group",
    *SCENARIO_INPUTS,
    "attribution_share",
    "realisation_rate",
    "ramp_up",
)
TEXT_FIELDS = frozenset({"name", "currency", "kind", "stakeholder", "category", "group"})
COST_AMOUNT = "cost_amount"  # ("annual", "1000") or ("years", ("0", "500")): one or the other


class Unresolved(ValueError):
    """A conflict without a choice."""

    def __init__(self, keys: list[Key]) -> None:
        super().__init__(f"{len(keys)} conflicts without a choice")
        self.keys = keys


@dataclass(frozen=True)
class Difference:
    """One field (or a whole lever or cost) where mine and theirs differ.

    ``key``: ``("model", field)``; ``("lever", name)`` / ``("cost", name)`` for a whole item;
    ``("lever", name, field)``, ``("lever", name, input, scenario)``, ``("cost", name, field)``.
    Values are as flattened (None: absent); a whole item's value is its fields as a dict.
    ``default`` is None for a conflict (both changed it, differently)."""

    key: Key
    base: Any
    mine: Any
    theirs: Any
    default: Choice | None
    mine_changed: bool
    theirs_changed: bool

    @property
    def conflict(self) -> bool:
        return self.default is None

    @property
    def whole_item(self) -> bool:
        return self.key[0] in {"lever", "cost"} and len(self.key) == 2


@dataclass(frozen=True)
class Merge:
    differences: tuple[Difference, ...]
    base_known: bool

    @property
    def conflicts(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.conflict)


# --- Flattening --------------------------------------------------------------------------------


def _plain(value: Any, field: str = "") -> Any:
    """A value as compared: a decimal string in its shortest form ("0.30" equals "0.3"),
    a list as a tuple; a text field and anything else as it is."""
    if isinstance(value, str) and field not in TEXT_FIELDS:
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            return value
        if not number.is_finite():
            return value
        text = format(number.normalize(), "f")
        return "0" if text in {"-0", "0"} else text
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    return value


def _lever_fields(lever: Mapping[str, Any]) -> dict[Key, Any]:
    fields: dict[Key, Any] = {}
    for name, value in lever.items():
        if name == "name":
            continue
        if name in SCENARIO_INPUTS:
            for scenario in SCENARIOS:
                item = value.get(scenario) if isinstance(value, Mapping) else value
                fields[(name, scenario)] = _plain(item)
        else:
            fields[(name,)] = _plain(value, name)
    return fields


def _cost_fields(cost: Mapping[str, Any]) -> dict[Key, Any]:
    fields: dict[Key, Any] = {
        (name,): _plain(value, name)
        for name, value in cost.items()
        if name not in {"name", "annual_amount", "amounts"}
    }
    if cost.get("annual_amount") is not None:
        fields[(COST_AMOUNT,)] = ("annual", _plain(cost["annual_amount"]))
    elif cost.get("amounts") is not None:
        fields[(COST_AMOUNT,)] = ("years", _plain(cost["amounts"]))
    return fields


def _items(document: Mapping[str, Any] | None, group: str) -> dict[str, Mapping[str, Any]]:
    items = (document or {}).get(group) or []
    return {str(item.get("name")): item for item in items if isinstance(item, Mapping)}


def _fields(kind: str, item: Mapping[str, Any] | None) -> dict[Key, Any] | None:
    if item is None:
        return None
    return _lever_fields(item) if kind == "lever" else _cost_fields(item)


def flatten(document: Mapping[str, Any]) -> dict[Key, Any]:
    """Every field of the document under its key (see ``Difference``); absent fields are
    left out."""
    flat: dict[Key, Any] = {}
    for name in MODEL_FIELDS:
        if document.get(name) is not None:
            flat[("model", name)] = _plain(document.get(name), name)
    for kind, group in (("lever", "levers"), ("cost", "costs")):
        for name, item in _items(document, group).items():
            for field, value in (_fields(kind, item) or {}).items():
                flat[(kind, name, *field)] = value
    return flat


# --- Merging -----------------------------------------------------------------------------------


def _decide(
    base: Any, mine: Any, theirs: Any, base_known: bool
) -> tuple[Choice | None, bool, bool]:
    if not base_known:
        return MINE, True, True
    mine_changed, theirs_changed = mine != base, theirs != base
    if mine_changed and theirs_changed:
        return None, True, True
    return (THEIRS if theirs_changed else MINE), mine_changed, theirs_changed


def _names(*documents: Mapping[str, Any] | None, group: str) -> list[str]:
    """Names in mine's order, then those only theirs (or base) has, in their order."""
    return list(dict.fromkeys(n for d in documents for n in _items(d, group)))


def three_way(
    base: Mapping[str, Any] | None, mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> Merge:
    """Every difference between mine and theirs, each with its default choice. ``base``
    None means the version mine started from is unknown."""
    base_known = base is not None
    differences: list[Difference] = []

    def add(key: Key, b: Any, m: Any, t: Any) -> None:
        if m == t:
            return
        default, mine_changed, theirs_changed = _decide(b, m, t, base_known)
        differences.append(Difference(key, b, m, t, default, mine_changed, theirs_changed))

    for name in MODEL_FIELDS:
        add(("model", name), *(_plain((d or {}).get(name), name) for d in (base, mine, theirs)))
    for kind, group in (("lever", "levers"), ("cost", "costs")):
        items = [_items(d, group) for d in (base, mine, theirs)]
        for name in _names(mine, theirs, group=group):
            b, m, t = (_fields(kind, i.get(name)) for i in items)
            if m is None or t is None or (m.get(("kind",)) != t.get(("kind",)) and kind == "lever"):
                add((kind, name), b, m, t)
                continue
            for field in _ordered(kind, set(m) | set(t)):
                add((kind, name, *field), (b or {}).get(field), m.get(field), t.get(field))
    return Merge(tuple(differences), base_known)


def _ordered(kind: str, fields: Iterable[Key]) -> list[Key]:
    order = {name: i for i, name in enumerate(LEVER_ORDER)} if kind == "lever" else {}
    scenario = {s: i for i, s in enumerate(SCENARIOS)}
    return sorted(
        fields,
        key=lambda f: (
            order.get(f[0], len(order)),
            f[0],
            scenario.get(f[1], 0) if len(f) > 1 else 0,
        ),
    )


def rows(merge: Merge) -> list[list[int]]:
    """The differences as a person decides them: the low, medium and high value of an input
    that are alike on every side (one value, changed as one) form one row; every other
    difference is a row of its own. Each row is the indexes of its differences."""
    grouped: list[list[int]] = []
    differences = merge.differences
    for index, difference in enumerate(differences):
        previous = differences[grouped[-1][0]] if grouped else None
        if (
            previous is not None
            and len(difference.key) == 4
            and difference.key[:3] == previous.key[:3]
            and (difference.base, difference.mine, difference.theirs)
            == (previous.base, previous.mine, previous.theirs)
        ):
            grouped[-1].append(index)
        else:
            grouped.append([index])
    return grouped


# --- Applying the choices ----------------------------------------------------------------------


def choices_with_defaults(merge: Merge, choices: Mapping[Key, Choice]) -> dict[Key, Choice]:
    """The choice of every difference: the person's, else the default; ``Unresolved`` names
    the conflicts without one."""
    chosen: dict[Key, Choice] = {}
    missing: list[Key] = []
    for difference in merge.differences:
        choice = choices.get(difference.key) or difference.default
        if choice is None:
            missing.append(difference.key)
        else:
            chosen[difference.key] = choice
    if missing:
        raise Unresolved(missing)
    return chosen


def _unflatten_lever(name: str, fields: Mapping[Key, Any]) -> dict[str, Any]:
    lever: dict[str, Any] = {}
    for field in LEVER_ORDER:
        if field == "name":
            lever["name"] = name
        elif field in SCENARIO_INPUTS:
            values = [fields.get((field, s)) for s in SCENARIOS]
            if all(v is None for v in values):
                continue
            if len(set(values)) == 1:
                lever[field] = values[0]
            else:
                lever[field] = dict(zip(SCENARIOS, values, strict=True))
        elif fields.get((field,)) is not None:
            value = fields[(field,)]
            lever[field] = list(value) if isinstance(value, tuple) else value
    return lever


def _unflatten_cost(name: str, fields: Mapping[Key, Any]) -> dict[str, Any]:
    cost: dict[str, Any] = {"name": name}
    for (field, *_rest), value in fields.items():
        if field == COST_AMOUNT:
            mode, amount = value
            if mode == "annual":
                cost["annual_amount"] = amount
            else:
                cost["amounts"] = list(amount)
        elif value is not None:
            cost[field] = value
    return cost


def apply(
    merge: Merge,
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    choices: Mapping[Key, Choice] | None = None,
) -> dict[str, Any]:
    """The merged document: mine, with theirs wherever theirs is chosen (``choices`` for the
    person's choices, the defaults for the rest). Levers and costs keep mine's order; those
    only theirs has follow in theirs' order. An item nobody's choice touches is copied from
    mine as it is."""
    chosen = choices_with_defaults(merge, choices or {})
    taken = {key for key, choice in chosen.items() if choice == THEIRS}
    merged: dict[str, Any] = copy.deepcopy(dict(mine))
    for name in MODEL_FIELDS:
        if ("model", name) in taken:
            value = theirs.get(name)
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = copy.deepcopy(value)
    for kind, group in (("lever", "levers"), ("cost", "costs")):
        mine_items, theirs_items = _items(mine, group), _items(theirs, group)
        result = []
        for name in _names(mine, theirs, group=group):
            item_taken = (kind, name) in taken
            touched = [k for k in taken if k[:2] == (kind, name) and len(k) > 2]
            source = theirs_items if item_taken else mine_items
            if item_taken or not touched:
                if name in source and (item_taken or name in mine_items):
                    result.append(copy.deepcopy(dict(source[name])))
                continue
            fields = dict(_fields(kind, mine_items.get(name)) or {})
            their_fields = _fields(kind, theirs_items.get(name)) or {}
            for key in touched:
                field = key[2:]
                if their_fields.get(field) is None:
                    fields.pop(field, None)
                else:
                    fields[field] = their_fields[field]
            unflatten = _unflatten_lever if kind == "lever" else _unflatten_cost
            result.append(unflatten(name, fields))
        merged[group] = result
    return merged
