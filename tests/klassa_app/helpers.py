"""Helpers shared by the tests of the project's core: the URL walk and the compose file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.urls import URLPattern, URLResolver

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"

# Sample values for a route's parameters, by converter.
SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def walk_urls(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if namespace and p.namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from walk_urls(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern)


def concrete_url(route: str) -> str | None:
    """A URL that matches the route, with sample values for its parameters."""
    if route.startswith("^") or "(?P" in route:  # a regex route (admin's catch-alls)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", route).lstrip("^").rstrip("$")
        route = route.replace("\\", "")
        if any(c in route for c in "()[]*+?"):
            return None
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
    return "/" + route


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def compose_services() -> dict[str, dict]:
    return compose()["services"]
