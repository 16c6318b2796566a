"""Double counting of staff time across an organisation's initiatives (pure, no Django).

Two initiatives that each claim, say, 60 % of the time the principals save have together
promised 120 % of it: the portfolio would count more benefit than the people can deliver.
Every staff_time lever claims its attribution share of a staff group; the group is the lever's
``group`` when given, else its name. Where the shares of one group add up to more than 1
(100 %) across the organisation, the group is over-claimed and every claim on it is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from benefits.document import to_number

LIMIT = Decimal(1)  # 100 % of a staff group's time


def group_key(group: str, lever_name: str) -> str:
    """The key that makes two claims the same staff: the group if given, else the lever's
    name; trimmed, case-folded and with runs of whitespace made one space."""
    label = group if group and group.strip() else lever_name
    return " ".join(label.split()).casefold()


@dataclass(frozen=True)
class Claim:
    """One staff_time lever's claim: ``share`` (0..1) of the time of group ``group``."""

    initiative: str  # the initiative's code
    lever: str
    group: str  # the group key (see ``group_key``)
    share: Decimal
    label: str = ""  # the group as written, for display

    @property
    def display(self) -> str:
        return self.label or self.group


@dataclass(frozen=True)
class OverClaim:
    """A group whose claims add up to more than 100 %."""

    group: str
    label: str
    total: Decimal
    claims: tuple[Claim, ...]


def claims_of_document(initiative: str, document: Mapping[str, Any]) -> list[Claim]:
    """The staff_time claims of a stored ``klassa.benefit-model/1`` document (already
    validated); a missing attribution share is the document's default, 1."""
    claims = []
    for lever in document.get("levers") or ():
        if not isinstance(lever, Mapping) or lever.get("kind") != "staff_time":
            continue
        name = str(lever.get("name") or "")
        group = str(lever.get("group") or "")
        share = to_number(lever.get("attribution_share"))
        claims.append(
            Claim(
                initiative=initiative,
                lever=name,
                group=group_key(group, name),
                share=Decimal(1) if share is None else share,
                label=" ".join((group or name).split()),
            )
        )
    return claims


def over_claimed(claims: Iterable[Claim]) -> list[OverClaim]:
    """Per group whose shares sum to more than ``LIMIT``: its claims (largest share first)
    and the sum. Exactly 100 % is a full claim, not a double one. Groups sorted by the sum,
    largest first, then by key."""
    by_group: dict[str, list[Claim]] = {}
    for claim in claims:
        by_group.setdefault(claim.group, []).append(claim)
    result = []
    for key, group_claims in by_group.items():
        total = sum((claim.share for claim in group_claims), Decimal(0))
        if total > LIMIT:
            ordered = sorted(group_claims, key=lambda c: (-c.share, c.initiative, c.lever))
            result.append(OverClaim(key, ordered[0].display, total, tuple(ordered)))
    result.sort(key=lambda over: (-over.total, over.group))
    return result
