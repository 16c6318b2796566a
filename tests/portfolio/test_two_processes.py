"""Two web processes against one PostgreSQL database agree on the portfolio.

Two gunicorn servers run on their own ports with the same database and nothing else in
common: each keeps the in-process cache of a development set-up, so nothing a page shows
may depend on what one process remembers. The organisation admin logs in on both, changes
the portfolio through one, and the other shows the change on its next request.

Run with ``pytest -m postgres`` against PostgreSQL (CI does): the servers read the test
database, so the data is committed for real.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from decimal import Decimal
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import translation

from klassa_app.models import User
from klassa_app.templatetags.klassa_format import money
from tests.factories import PASSWORD
from tests.helpers import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REASON = "Waits for the new school platform"
NEW_BUDGET = Decimal(12_000_000)
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
# What the servers must not share beyond the database: a broker or a Redis cache.
NOT_PASSED_ON = ("CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SECRET_KEY")


class Browser:
    """One person's browser talking to one server: its own cookies, follows redirects."""

    def __init__(self, base_url: str, log: Path | None = None) -> None:
        self.base_url = base_url
        self.log = log
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, final path, body) of a GET, or of a POST with the CSRF token added."""
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.csrf_token()}).encode()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                return response.status, urlsplit(response.url).path, response.read().decode()
        except HTTPError as error:
            return error.code, path, error.read().decode(errors="replace")

    def page(self, path: str, data: dict[str, str] | None = None) -> tuple[str, str]:
        """(final path, body) of a request that must succeed; the server's log otherwise."""
        status, where, body = self.request(path, data)
        log = self.log.read_text()[-4000:] if self.log else ""
        assert status == 200, f"{path} on {self.base_url} answered {status}:\n{log}"
        return where, body

    def csrf_token(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def log_in(self, email: str, password: str) -> None:
        login = reverse("login")
        self.page(login)
        where, _ = self.page(login, {"username": email, "password": password})
        assert where == reverse("home"), f"login on {self.base_url} failed"


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, Path]:
    handle = log.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "klassa_app.wsgi:application",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--no-control-socket",
            "--error-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    handle.close()
    return process, log


def _wait_for_address(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text())
        if found:
            return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"the server did not start:\n{log.read_text()}")


def _wait_until_ready(base_url: str, process: subprocess.Popen, log: Path) -> None:
    browser = Browser(base_url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if browser.request("/healthz")[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer /healthz:\n{log.read_text()}")


@pytest.fixture
def two_servers(tmp_path):
    """The base addresses and logs of two gunicorn processes serving the test database."""
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL.")
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    env.update(
        DATABASE_URL=database_url(),
        KLASSA_ENV="development",
        KLASSA_DEBUG="0",
        KLASSA_DEMO="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    started = [_start(env, tmp_path / f"server-{name}.log") for name in ("a", "b")]
    try:
        addresses = [_wait_for_address(process, log) for process, log in started]
        for address, (process, log) in zip(addresses, started, strict=True):
            _wait_until_ready(address, process, log)
        assert len(set(addresses)) == 2
        yield [(address, log) for address, (_, log) in zip(addresses, started, strict=True)]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _budget_line(body: str) -> dict[str, str]:
    """Initiative code → its status on the budget line, as the page marks it."""
    return dict(re.findall(r'<tr id="line-([^"]+)" data-status="([^"]+)"', body))


def _row(body: str, code: str) -> str:
    found = re.search(rf'<tr id="line-{re.escape(code)}".*?</tr>', body, re.DOTALL)
    assert found, f"{code} is not on the budget line"
    return found.group(0)


def test_a_change_made_through_one_process_is_shown_by_the_other(
    two_servers, admin, portfolio_data
):
    # The servers check passwords with the production hasher, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=admin.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    with translation.override("sv"):
        old_budget, new_budget = money(Decimal(10_000_000)), money(NEW_BUDGET)
    a, b = (Browser(address, log) for address, log in two_servers)
    a.log_in(admin.email, PASSWORD)
    b.log_in(admin.email, PASSWORD)
    priority = reverse("portfolio_ranking")

    # Both processes have served the page once (and kept whatever they keep) before the write.
    for browser in (a, b):
        _, body = browser.page(priority)
        assert f"budget {old_budget}" in body
        assert REASON not in body
        assert _budget_line(body)["EDU-A"] != "forced_out"

    edu_a = portfolio_data["EDU-A"]
    where, _ = a.page(
        reverse("portfolio_force", args=[edu_a.pk]), {"forced": "out", "forced_reason": REASON}
    )
    assert where == priority
    where, _ = a.page(
        reverse("portfolio_settings"),
        {
            "year": "2027",
            "budget": "12 000 000",
            "scenario": "medium",
            "method": "score",
            "fulfilment_threshold": "0,8",
            "weight_npv_per_krona": "0.35",
            "weight_strategic_fit": "0.25",
            "weight_time_criticality": "0.15",
            "weight_classification_risk": "0.10",
            "weight_action_plan_fulfilment": "0.15",
        },
    )
    assert where == priority

    _, seen_by_b = b.page(priority)
    assert f"budget {new_budget}" in seen_by_b
    assert f"budget {old_budget}" not in seen_by_b
    row = _row(seen_by_b, "EDU-A")
    assert 'data-status="forced_out"' in row
    assert REASON in row
    # And the two processes show the same budget line.
    _, seen_by_a = a.page(priority)
    assert _budget_line(seen_by_b) == _budget_line(seen_by_a)
    assert {"EDU-A", "EDU-B", "EDU-C"} <= set(_budget_line(seen_by_b))
