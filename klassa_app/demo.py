"""The published demo accounts. Their passwords are in the README, so they must never
work outside demo mode (see auth_backends and checks)."""

from __future__ import annotations

from dataclasses import dataclass

from klassa_app.models import Role


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    password: str
    organisation: str
    role: str
    department: str | None  # department code; None = the whole organisation


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "admin@norrkoping.demo", "Anna Admin", "demo-admin-2026", "norrkoping", Role.ORG_ADMIN, None
    ),
    DemoUser(
        "sakerhet@norrkoping.demo",
        "Sara Säkerhet",
        "demo-sakerhet-2026",
        "norrkoping",
        Role.SECURITY_OFFICER,
        None,
    ),
    DemoUser(
        "verksamhet@norrkoping.demo",
        "Viktor Verksamhet",
        "demo-verksamhet-2026",
        "norrkoping",
        Role.BUSINESS_OWNER,
        "UTB",
    ),
    DemoUser(
        "jurist@norrkoping.demo",
        "Julia Jurist",
        "demo-jurist-2026",
        "norrkoping",
        Role.LEGAL_REVIEWER,
        "UTB",
    ),
    DemoUser(
        "dataskydd@norrkoping.demo",
        "David Dataskydd",
        "demo-dataskydd-2026",
        "norrkoping",
        Role.DPO,
        None,
    ),
    DemoUser(
        "ekonom@norrkoping.demo",
        "Elin Ekonom",
        "demo-ekonom-2026",
        "norrkoping",
        Role.ECONOMIST,
        "UTB",
    ),
    DemoUser(
        "lasare@norrkoping.demo",
        "Lars Läsare",
        "demo-lasare-2026",
        "norrkoping",
        Role.VIEWER,
        "KUF",
    ),
    DemoUser(
        "admin@fyrbodal.demo",
        "Fredrik Fyrbodal",
        "demo-fyrbodal-2026",
        "fyrbodal",
        Role.ORG_ADMIN,
        None,
    ),
)

DEMO_PASSWORDS = frozenset(u.password for u in DEMO_USERS)
