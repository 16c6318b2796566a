"""The floor of the page benchmarks: a 50-row page rendered from a plain template without
any database work of its own, served through the same client and middleware as every page
(session, authentication, current organisation). What a page costs beyond it is its own."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.template import engines

TEMPLATE = Path(__file__).resolve().parent / "templates" / "floor.html"
ROWS = [
    {
        "code": f"A{i:05d}",
        "name": f"Informationsmängd {i}",
        "department": f"Förvaltning {i % 5:02d}",
        "status": "approved" if i % 4 else "draft",
        "levels": [i % 4, (i + 1) % 4, (i + 2) % 4, (i + 3) % 4],
        "review_due": f"2027-{i % 12 + 1:02d}-15",
    }
    for i in range(50)
]
_compiled = None


def floor(request: HttpRequest) -> HttpResponse:
    global _compiled
    if _compiled is None:  # compiled once, as the cached template loader does for pages
        _compiled = engines["django"].from_string(TEMPLATE.read_text(encoding="utf-8"))
    return HttpResponse(_compiled.render({"rows": ROWS, "user_email": request.user.email}))
