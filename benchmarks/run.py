"""Klassa at a real organisation's size: pages, writes, throughput and files in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/run.py
        [--database klassa_bench] [--repeat 20] [--only pages|writes|throughput|files]
        [--keep] [--duration 10] [--broker redis://127.0.0.1:6379/10]

A benchmark, not a test. It creates (or empties) its own PostgreSQL database beside the one
``DATABASE_URL`` names, migrates it, generates the large organisation (50 departments, 10 000
assets, 1 000 initiatives) and the small one (100 / 10) with ``benchmarks/generate.py``, and
prints:

- every main page at both sizes (organisation admin, Django test client): p50 and p95, the
  ratio large/small of the p50, the queries at both sizes, and the p50 against a floor page
  measured in the same run (50 rows of a plain template, no database work of its own, the same
  middleware), each against the targets of the scalability work;
- every main write driven through its form with a valid POST (wizard step, approve, consensus
  answers, reveal, decide, sign, benefit model, force out, save and commit a scenario);
- the asset list's throughput under gunicorn with 8 connections against ``/healthz``;
- ``import_register`` / ``export_register`` of the large register, the portfolio XLSX, the
  optimal selection of 1 000 initiatives and ``manage.py check``.

Settings are production's (``KLASSA_ENV=production``: debug off, persistent connections,
static files from a manifest) with a Redis broker and cache, and a Celery worker of its own
(its own queue) so that writes hand background work over as they would in production; the
runner waits for that worker to be idle before each measurement. ``--no-broker`` runs tasks
in-process instead. SQL is counted with ``CaptureQueriesContext`` on a separate request, never
on a timed one. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTIONS = ("pages", "writes", "throughput", "files")
FLOOR_FACTOR = 4.0
PORTFOLIO_FLOOR_FACTOR = 8.0
P95_FACTOR = 3.0
RATIO_LIMIT = 1.3
THROUGHPUT_SHARE = 0.30
FILE_TARGETS = {
    "import_register": 30.0,
    "import_register_mb": 400.0,
    "export_register": 5.0,
    "portfolio_xlsx": 5.0,
    "optimal_selection": 2.0,
    "check": 1.5,
}


def say(text: str = "") -> None:
    print(text, flush=True)


def progress(text: str) -> None:
    say(f"# {text}")


# --- Environment -------------------------------------------------------------------------------


def bench_urls(base: str, name: str) -> tuple[str, str]:
    """(maintenance URL, benchmark database URL) on the server that ``base`` names."""
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (postgres://user@host:5432/db).")
    current = parts.path.lstrip("/")
    if name in {current, "postgres", "template0", "template1", "test"}:
        raise SystemExit(
            f"Refusing to use the database {name!r} for the benchmark; choose another."
        )
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path="/" + name)),
    )


def recreate_database(maintenance: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def environment(args: argparse.Namespace, database_url: str, workdir: Path) -> dict[str, str]:
    """Production settings for this machine: debug and demo off, no TLS redirect (plain HTTP
    on 127.0.0.1), e-mail dropped, files in a temporary directory."""
    env = {
        "DJANGO_SETTINGS_MODULE": "klassa_app.settings",
        "KLASSA_ENV": "production",
        "KLASSA_DEBUG": "0",
        "KLASSA_DEMO": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }
    if args.no_broker:
        env["CELERY_BROKER_URL"] = ""
    else:
        env["CELERY_BROKER_URL"] = args.broker
        env["CELERY_TASK_DEFAULT_QUEUE"] = f"klassa-bench-{args.database}"
        env["CACHE_URL"] = args.cache
    return env


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def git_description() -> str:
    def git(*arguments: str) -> str:
        return subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(ROOT), *arguments],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        head = git("log", "-1", "--format=%h %s")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head[:90]}{' (with uncommitted changes)' if dirty else ''}"


# --- The Celery worker of the run ---------------------------------------------------------------


class Worker:
    """A solo Celery worker on the run's own queue; ``drain`` waits until it is idle."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.queue = env["CELERY_TASK_DEFAULT_QUEUE"]
        self.name = f"bench{os.getpid()}@{socket.gethostname()}"
        self.log = workdir / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.redis = redis.Redis.from_url(self.env["CELERY_BROKER_URL"])
        self.redis.delete(self.queue)  # left-overs of an interrupted run
        celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
        self.process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            [
                celery,
                "-A",
                "klassa_app",
                "worker",
                "-Q",
                self.queue,
                "-P",
                "solo",
                "-n",
                self.name,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while not self._ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The Celery worker did not start; see {self.log}")
            time.sleep(0.5)

    def _ping(self) -> bool:
        from klassa_app.celery import app

        return bool(app.control.ping(destination=[self.name], timeout=0.5))

    def drain(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # A solo worker answers a ping only between tasks.
            if (
                self.redis.llen(self.queue) == 0
                and self._ping()
                and self.redis.llen(self.queue) == 0
            ):
                return
            time.sleep(0.05)
        progress("warning: the worker was still busy after the drain timeout")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        with contextlib.suppress(Exception):
            self.redis.delete(self.queue)


class NoWorker:
    def drain(self, timeout: float = 0) -> None:
        return None

    def stop(self) -> None:
        return None


# --- Statistics -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Measure:
    samples: list[float] = field(default_factory=list)  # seconds
    queries: int | None = None
    size: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.samples, 0.5)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "–"
    return f"{seconds * 1000:.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


# --- Pages --------------------------------------------------------------------------------------


PORTFOLIO_PAGES = {"portfolio", "priority"}


def page_paths(generated: Any) -> list[tuple[str, str]]:
    initiative = generated.showcase_initiative.pk
    return [
        ("home", "/"),
        ("asset list", "/assets/"),
        ("asset detail", f"/assets/{generated.showcase_asset.pk}/"),
        ("initiative list", "/initiatives/"),
        ("initiative detail", f"/initiatives/{initiative}/"),
        ("benefit page", f"/initiatives/{initiative}/benefits/"),
        ("tracking", f"/initiatives/{initiative}/benefits/tracking/"),
        ("benefits behind", "/benefits/behind/"),
        ("portfolio", "/portfolio/"),
        ("priority", "/portfolio/priority/"),
        ("scenarios", "/portfolio/scenarios/"),
        ("audit", "/audit/"),
        ("classification model", "/classification/"),
        ("overdue reviews", "/reviews/overdue/"),
    ]


def login(user: Any):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="klassa_app.auth_backends.KlassaModelBackend")
    return client


def _timed_get(client: Any, path: str, result: Measure) -> None:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"status {response.status_code}")
    result.samples.append(elapsed)


def measure_pages(
    targets: dict[str, tuple[Any, str]], repeat: int, worker: Any, floor: Measure
) -> dict[str, Measure]:
    """Per size, a page's queries (one counted request) and ``repeat`` timed requests. The
    sizes and the floor take turns, so that the load of the machine at a given moment falls
    on each of them alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {size: Measure() for size in targets}
    try:
        for client, path in targets.values():
            client.get(path)  # warm-up: templates and code paths, a first background task
        worker.drain()
        for size, (client, path) in targets.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            results[size].queries = len(queries.captured_queries)
            results[size].size = len(response.content)
            if response.status_code != 200:
                raise RuntimeError(f"status {response.status_code}")
        worker.drain()
        floor_client = next(iter(targets.values()))[0]
        order = list(targets)
        for index in range(repeat):
            _timed_get(floor_client, "/bench/floor/", floor)
            for size in order if index % 2 == 0 else reversed(order):
                client, path = targets[size]
                _timed_get(client, path, results[size])
    except Exception as error:  # one broken page must not stop the run
        traceback.print_exc(file=sys.stdout)
        for result in results.values():
            result.errors.append(f"{type(error).__name__}: {error}"[:200])
    return results


def run_pages(generated: dict[str, Any], repeat: int, worker: Any) -> dict[str, Any]:
    large, small = generated["large"], generated["small"]
    clients = {"large": login(large.admin), "small": login(small.admin)}
    for client in clients.values():
        client.get("/")  # the session and its organisation
        client.get("/bench/floor/")
    floor = Measure()
    pages = {}
    for (name, large_path), (_same, small_path) in zip(
        page_paths(large), page_paths(small), strict=True
    ):
        progress(f"page {name}")
        pages[name] = measure_pages(
            {"large": (clients["large"], large_path), "small": (clients["small"], small_path)},
            repeat,
            worker,
            floor,
        )
    return {"floor": floor, "pages": pages}


def page_verdict(name: str, small: Measure, large: Measure, floor: float) -> tuple[str, float]:
    if small.errors or large.errors:
        return "ERROR " + "; ".join(small.errors + large.errors)[:60], float("nan")
    ratio = large.p50 / small.p50
    limit = PORTFOLIO_FLOOR_FACTOR if name in PORTFOLIO_PAGES else FLOOR_FACTOR
    failures = []
    if large.p50 > limit * floor:
        failures.append(f"floor>{limit:g}x")
    if large.p95 > P95_FACTOR * large.p50:
        failures.append("p95")
    if ratio > RATIO_LIMIT:
        failures.append("ratio")
    if small.queries != large.queries:
        failures.append("queries")
    return ("PASS" if not failures else "FAIL " + ",".join(failures)), ratio


def print_pages(result: dict[str, Any]) -> None:
    floor = result["floor"].p50
    say()
    say(
        f"Floor (50-row plain template, same client and middleware, large organisation's admin, "
        f"one request beside every pair of page requests): p50 {ms(floor)} ms, "
        f"p95 {ms(result['floor'].p95)} ms over {len(result['floor'].samples)} requests"
    )
    say(
        "Targets: p50 large ≤ 4× floor (portfolio, priority ≤ 8×); p95 ≤ 3× p50; "
        "ratio large/small ≤ 1.3; same queries at both sizes. Times in ms."
    )
    header = (
        f"{'page':<22}{'p50 S':>8}{'p50 L':>8}{'ratio':>7}{'p95 L':>8}{'p95/p50':>8}"
        f"{'queries S/L':>13}{'p50/floor':>10}{'KiB L':>8}  verdict"
    )
    say(header)
    say("-" * len(header))
    passed = 0
    for name, sizes in result["pages"].items():
        small, large = sizes["small"], sizes["large"]
        verdict, ratio = page_verdict(name, small, large, floor)
        passed += verdict == "PASS"
        queries = f"{small.queries if small.queries is not None else '–'}/" + (
            f"{large.queries if large.queries is not None else '–'}"
        )
        say(
            f"{name:<22}{ms(small.p50):>8}{ms(large.p50):>8}{ratio:>6.2f}×{ms(large.p95):>8}"
            f"{large.p95 / large.p50 if large.samples else float('nan'):>7.2f}×{queries:>13}"
            f"{large.p50 / floor if large.samples else float('nan'):>9.1f}×"
            f"{large.size / 1024:>8.0f}  {verdict}"
        )
    say(f"{passed} of {len(result['pages'])} pages pass.")


# --- Writes -------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One POST of a write: its data is built just before the request (current lock
    versions), ``verify`` checks afterwards that it took effect, ``after`` moves the object on
    (untimed) for the next kind of write."""

    client: Any
    path: str | Callable[[], str]
    data: Callable[[], dict[str, Any]]
    verify: Callable[[], bool]
    after: Callable[[], None] | None = None
    expect: int = 302


def _answers(bank: Any, codes: list[str], level: int) -> dict[str, int]:
    """The option per question code that gives ``level`` (or the nearest below)."""
    from assessments.models import Question

    chosen = {}
    for question in Question.objects.filter(bank=bank, aspect_code__in=codes).prefetch_related(
        "options"
    ):
        fitting = [o for o in question.options.all() if o.level <= level]
        if fitting:
            chosen[question.code] = max(fitting, key=lambda o: o.level).pk
    return chosen


class WriteFixtures:
    """Objects for the writes of one organisation, made through the services (untimed)."""

    def __init__(self, generated: Any, tag: str) -> None:
        from assessments.models import Initiative
        from klassa_app.models import User

        self.g = generated
        self.tag = tag
        self.admin = User.objects.get(pk=generated.admin.pk)
        self.officer = User.objects.get(pk=generated.officer.pk)
        self.owner = User.objects.get(pk=generated.owner.pk)
        self.lawyer = User.objects.get(pk=generated.lawyer.pk)
        self.clients = {
            "admin": login(self.admin),
            "officer": login(self.officer),
            "owner": login(self.owner),
            "lawyer": login(self.lawyer),
        }
        for client in self.clients.values():
            client.get("/")
        # Write targets hang off the same nine initiatives in every size, so that a write that
        # changes an asset changes an initiative's figures too.
        self.targets = list(
            Initiative.objects.filter(organisation=generated.organisation)
            .exclude(pk=generated.showcase_initiative.pk)
            .order_by("code")[:9]
        )
        self.counter = 0

    def asset(self, kind: str):
        from assessments import services

        self.counter += 1
        asset = services.do_create_asset(
            actor=self.owner,
            department=self.g.first_department,
            code=f"W{kind}{self.counter:04d}",
            name=f"Mätning {kind} {self.counter}",
        )
        target = self.targets[self.counter % len(self.targets)]
        services.do_set_initiative_assets(
            actor=self.admin, initiative=target, assets=[*target.assets.all(), asset]
        )
        return asset

    def draft(self, kind: str):
        from assessments import services

        return services.do_start_assessment(actor=self.owner, asset=self.asset(kind))

    def complete_draft(self, kind: str):
        from decimal import Decimal

        from assessments import frameworks, services

        assessment = self.draft(kind)
        for code in frameworks.load_scheme(assessment.scheme).codes:
            answers = _answers(assessment.question_bank, [code], 2)
            services.do_save_step(
                actor=self.owner,
                assessment=assessment,
                aspect_code=code,
                step=services.StepInput(
                    answers=answers,
                    comments={},
                    downtime_hours=Decimal(30) if code == "T" else None,
                ),
                lock_version=None,
            )
        assessment.refresh_from_db()
        return assessment

    def session(self):
        from assessments import consensus

        assessment = self.draft("C")
        return consensus.do_open_session(
            actor=self.officer,
            assessment=assessment,
            participants=[(self.owner, "business_owner"), (self.lawyer, "legal_reviewer")],
        )


def _fresh(model: Any) -> Any:
    return type(model).objects.get(pk=model.pk)


def wizard_samples(fx: WriteFixtures, n: int) -> list[Sample]:
    samples = []
    for _ in range(n):
        assessment = fx.draft("S")

        def data(a=assessment) -> dict[str, Any]:
            answers = _answers(a.question_bank, ["K"], 2)
            return {
                "lock_version": _fresh(a).lock_version,
                "go": "next",
                **{f"answer_{code}": pk for code, pk in answers.items()},
            }

        def verify(a=assessment) -> bool:
            return _fresh(a).results.filter(aspect_code="K", final_level=2).exists()

        samples.append(
            Sample(fx.clients["owner"], f"/assessments/{assessment.pk}/step/K/", data, verify)
        )
    return samples


def approve_samples(fx: WriteFixtures, n: int) -> list[Sample]:
    samples = []
    for _ in range(n):
        assessment = fx.complete_draft("A")
        samples.append(
            Sample(
                fx.clients["officer"],
                f"/assessments/{assessment.pk}/approve/",
                lambda a=assessment: {"lock_version": _fresh(a).lock_version},
                lambda a=assessment: _fresh(a).status == "approved",
            )
        )
    return samples


def consensus_samples(fx: WriteFixtures, n: int) -> dict[str, list[Sample]]:
    """Submit answers, reveal, decide and sign, on the same sessions one after another."""
    from assessments import consensus, frameworks
    from assessments.models import AspectDecision, Participant

    sessions = [fx.session() for _ in range(n)]
    submit, reveal, decide, sign = [], [], [], []
    for session in sessions:
        assessment = session.assessment
        codes = frameworks.load_scheme(assessment.scheme).codes
        answers = _answers(assessment.question_bank, codes, 2)

        def lawyer_submits(s=session, answers=answers) -> None:
            consensus.do_save_proposals(
                actor=fx.lawyer, session=_fresh(s), answers=answers, comments={}, submit=True
            )

        submit.append(
            Sample(
                fx.clients["owner"],
                f"/sessions/{session.pk}/answer/",
                lambda s=session, answers=answers: {
                    "lock_version": _fresh(s).lock_version,
                    "submit": "1",
                    **{f"answer_{code}": pk for code, pk in answers.items()},
                },
                lambda s=session: Participant.objects.filter(
                    session=s, user=fx.owner, submitted_at__isnull=False
                ).exists(),
                after=lawyer_submits,
            )
        )
        reveal.append(
            Sample(
                fx.clients["officer"],
                f"/sessions/{session.pk}/reveal/",
                lambda s=session: {"lock_version": _fresh(s).lock_version},
                lambda s=session: _fresh(s).status == "revealed",
            )
        )

        def conclude_and_first_signature(s=session, codes=codes) -> None:
            for code in codes[1:]:
                consensus.do_decide(
                    actor=fx.officer,
                    session=_fresh(s),
                    aspect_code=code,
                    level=2,
                    rationale="Enig",
                    lock_version=None,
                )
            consensus.do_conclude(actor=fx.officer, session=_fresh(s), lock_version=None)
            consensus.do_sign(
                actor=fx.owner, assessment=_fresh(s.assessment), role="business_owner"
            )

        decide.append(
            Sample(
                fx.clients["officer"],
                f"/sessions/{session.pk}/decide/",
                lambda s=session, codes=codes: {
                    "aspect_code": codes[0],
                    "level": "2",
                    "rationale": "Enig efter diskussion",
                    "lock_version": _fresh(s).lock_version,
                },
                lambda s=session, codes=codes: AspectDecision.objects.filter(
                    session=s, aspect_code=codes[0]
                ).exists(),
                after=conclude_and_first_signature,
            )
        )
        sign.append(
            Sample(
                fx.clients["lawyer"],
                f"/assessments/{assessment.pk}/sign/",
                lambda a=assessment: {
                    "role": "legal_reviewer",
                    "fingerprint": consensus.content_fingerprint(_fresh(a)),
                },
                lambda a=assessment: _fresh(a).status == "approved",
            )
        )
    return {
        "submit consensus answers": submit,
        "reveal": reveal,
        "decide": decide,
        "sign (last signature)": sign,
    }


def benefit_samples(fx: WriteFixtures, n: int) -> list[Sample]:
    import copy

    from benefits import editor
    from benefits.models import BenefitModel

    initiative = fx.g.showcase_initiative
    samples = []
    for i in range(n):
        seen: dict[str, int] = {}

        def data(i=i, seen=seen) -> dict[str, Any]:
            model = BenefitModel.objects.get(initiative=initiative)
            seen["lock"] = model.lock_version
            # A different investment each time, so that every save changes the figures.
            document = copy.deepcopy(model.document)
            amounts = document["costs"][0]["amounts"]
            amounts[0] = str(int(float(str(amounts[0]))) + 1000 * (i + 1))
            body = editor.draft_to_data(editor.draft_from_document(document, ","))
            return {**body, "lock_version": str(model.lock_version), "action": "save"}

        def verify(seen=seen) -> bool:
            return BenefitModel.objects.get(initiative=initiative).lock_version > seen["lock"]

        samples.append(
            Sample(fx.clients["admin"], f"/initiatives/{initiative.pk}/benefits/", data, verify)
        )
    return samples


def force_samples(fx: WriteFixtures, n: int) -> list[Sample]:
    from portfolio import services
    from portfolio.models import InitiativePriority

    target = next(
        t
        for t in fx.targets
        if not InitiativePriority.objects.filter(initiative=t).exclude(forced="").exists()
    )

    def release() -> None:
        services.do_force_initiative(actor=fx.admin, initiative=target, forced=None)

    return [
        Sample(
            fx.clients["admin"],
            f"/portfolio/initiatives/{target.pk}/force/",
            lambda: {"forced": "out", "forced_reason": "Avvaktar upphandling"},
            lambda: InitiativePriority.objects.filter(initiative=target, forced="out").exists(),
            after=release,
        )
        for _ in range(n)
    ]


def scenario_samples(fx: WriteFixtures, n: int) -> dict[str, list[Sample]]:
    from portfolio.models import PortfolioScenario

    organisation = fx.g.organisation
    names = [f"Mätning {fx.tag} {i}" for i in range(n)]

    def scenario(name: str):
        return PortfolioScenario.objects.get(organisation=organisation, name=name)

    save = [
        Sample(
            fx.clients["admin"],
            "/portfolio/scenarios/save/",
            lambda name=name: {"name": name},
            lambda name=name: PortfolioScenario.objects.filter(
                organisation=organisation, name=name
            ).exists(),
        )
        for name in names
    ]
    commit = [
        Sample(
            fx.clients["admin"],
            # The scenario exists once the save above has run.
            lambda name=name: f"/portfolio/scenarios/{scenario(name).pk}/commit/",
            lambda: {"confirm": "on", "replace": "on"},
            lambda name=name: scenario(name).committed_at is not None,
        )
        for name in names
    ]
    return {"save scenario": save, "commit scenario": commit}


def run_sample(sample: Sample, worker: Any, *, capture: bool) -> tuple[float, int | None, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = sample.path if isinstance(sample.path, str) else sample.path()
    data = sample.data()
    queries = None
    if capture:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = sample.client.post(path, data)
            elapsed = time.perf_counter() - start
        queries = len(captured.captured_queries)
    else:
        start = time.perf_counter()
        response = sample.client.post(path, data)
        elapsed = time.perf_counter() - start
    error = ""
    if response.status_code != sample.expect:
        error = f"status {response.status_code}"
    elif not sample.verify():
        error = "no effect"
    if sample.after is not None:
        sample.after()
    worker.drain()
    return elapsed, queries, error


def measure_writes(samples: dict[str, list[Sample]], worker: Any) -> dict[str, Measure]:
    """The samples of every size in turn; the first of each size is counted, not timed."""
    results = {size: Measure() for size in samples}
    broken: set[str] = set()
    order = list(samples)
    for index in range(max(len(s) for s in samples.values())):
        for size in order if index % 2 == 0 else reversed(order):
            if size in broken or index >= len(samples[size]):
                continue
            result = results[size]
            try:
                elapsed, queries, error = run_sample(
                    samples[size][index], worker, capture=index == 0
                )
            except Exception as exc:
                traceback.print_exc(file=sys.stdout)
                result.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                broken.add(size)
                continue
            if error:
                result.errors.append(error)
            if index == 0:
                result.queries = queries
            else:
                result.samples.append(elapsed)
    return results


WRITES = (
    "wizard step",
    "approve",
    "submit consensus answers",
    "reveal",
    "decide",
    "sign (last signature)",
    "save benefit model",
    "force out",
    "save scenario",
    "commit scenario",
)


GROUPS = {
    "consensus": WRITES[2:6],
    "scenarios": ("save scenario", "commit scenario"),
}


def run_writes(
    generated: dict[str, Any], repeat: int, worker: Any
) -> dict[str, dict[str, Measure]]:
    n = repeat + 1  # the first of each is the counted one
    results: dict[str, dict[str, Measure]] = {name: {} for name in WRITES}
    fixtures = {size: WriteFixtures(generated[size], size) for size in ("small", "large")}
    steps: list[tuple[str, Callable[[WriteFixtures, int], Any]]] = [
        ("wizard step", wizard_samples),
        ("approve", approve_samples),
        ("consensus", consensus_samples),
        ("save benefit model", benefit_samples),
        ("force out", force_samples),
        ("scenarios", scenario_samples),
    ]
    for label, prepare in steps:
        progress(f"writes: preparing {label}")
        prepared: dict[str, dict[str, list[Sample]]] = {}
        for size, fx in fixtures.items():
            try:
                made = prepare(fx, n)
            except Exception as exc:
                traceback.print_exc(file=sys.stdout)
                for name in GROUPS.get(label, (label,)):
                    results[name][size] = Measure(errors=[f"preparation: {exc}"[:200]])
                continue
            prepared[size] = made if isinstance(made, dict) else {label: made}
        worker.drain()
        for name in GROUPS.get(label, (label,)):
            ready = {size: groups[name] for size, groups in prepared.items()}
            if ready:
                progress(f"write {name}")
                results[name].update(measure_writes(ready, worker))
    return results


def print_writes(results: dict[str, dict[str, Measure]]) -> None:
    say()
    say(
        "Writes (a valid POST through the form's view, redirect expected and its effect "
        "checked). Targets: ratio ≤ 1.3, same queries. Times in ms."
    )
    header = (
        f"{'write':<26}{'p50 S':>8}{'p50 L':>8}{'ratio':>7}{'p95 L':>8}{'queries S/L':>13}  verdict"
    )
    say(header)
    say("-" * len(header))
    passed = 0
    for name, sizes in results.items():
        small, large = sizes.get("small", Measure()), sizes.get("large", Measure())
        errors = small.errors + large.errors
        ratio = large.p50 / small.p50 if small.samples and large.samples else float("nan")
        if errors:
            verdict = f"ERROR {errors[0]}"[:70] + (
                f" (+{len(errors) - 1})" if len(errors) > 1 else ""
            )
        else:
            failures = []
            if ratio > RATIO_LIMIT:
                failures.append("ratio")
            if small.queries != large.queries:
                failures.append("queries")
            verdict = "PASS" if not failures else "FAIL " + ",".join(failures)
        passed += verdict == "PASS"
        say(
            f"{name:<26}{ms(small.p50):>8}{ms(large.p50):>8}{ratio:>6.2f}×{ms(large.p95):>8}"
            f"{f'{small.queries}/{large.queries}':>13}  {verdict}"
        )
    say(f"{passed} of {len(results)} writes pass.")


# --- Throughput under gunicorn ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(
    port: int, path: str, cookie: str, seconds: float, connections: int
) -> tuple[int, int, float]:
    """(answered 200, failed, elapsed seconds) of ``connections`` clients in a closed loop."""
    stop = time.monotonic() + seconds
    done = [0] * connections
    failed = [0] * connections

    def client(k: int) -> None:
        while time.monotonic() < stop:
            try:
                ok = _get(port, path, cookie) == 200
            except OSError:
                ok = False
            if ok:
                done[k] += 1
            else:
                failed[k] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done), sum(failed), time.monotonic() - start


def run_throughput(
    generated: dict[str, Any], args: argparse.Namespace, env: dict[str, str], workdir: Path
) -> dict[str, Any]:
    from django.conf import settings

    client = login(generated["large"].admin)
    client.get("/")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = workdir / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603 - our own server on 127.0.0.1, fixed arguments
        [
            gunicorn,
            "klassa_app.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.gunicorn_workers),
            "--worker-tmp-dir",
            "/dev/shm",  # noqa: S108 - gunicorn's heartbeat files, as in the Dockerfile
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError):
                if _get(port, "/healthz", "") == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.3)
        statuses = [_get(port, "/assets/", cookie) for _ in range(2 * args.gunicorn_workers)]
        if any(status != 200 for status in statuses):
            raise RuntimeError(f"/assets/ answered {statuses} under gunicorn (not logged in?)")
        progress(
            f"throughput: /assets/ and /healthz, {args.duration:g} s each in five alternating "
            f"windows, {args.connections} connections"
        )
        # Alternating windows: a burst of other work on the machine hits both alike.
        totals = {"/assets/": [0, 0, 0.0], "/healthz": [0, 0, 0.0]}
        for _window in range(5):
            for path, total in totals.items():
                sent = cookie if path == "/assets/" else ""
                for k, value in enumerate(
                    load(port, path, sent, args.duration / 5, args.connections)
                ):
                    total[k] += value
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    assets, health = totals["/assets/"], totals["/healthz"]
    return {
        "assets": assets[0] / assets[2],
        "assets_failed": assets[1],
        "healthz": health[0] / health[2],
        "healthz_failed": health[1],
    }


def print_throughput(result: dict[str, Any], args: argparse.Namespace) -> None:
    say()
    if "error" in result:
        say(f"Throughput: ERROR {result['error']}")
        return
    share = result["assets"] / result["healthz"] if result["healthz"] else float("nan")
    verdict = "PASS" if share >= THROUGHPUT_SHARE else "FAIL"
    say(
        f"Throughput under gunicorn ({args.gunicorn_workers} workers, {args.connections} "
        f"connections, {args.duration:g} s each, large organisation's admin): asset list "
        f"{result['assets']:.1f} req/s, /healthz {result['healthz']:.1f} req/s → {share:.1%} "
        f"(target ≥ 30 %) {verdict}"
        + (
            f"; failed requests {result['assets_failed']}/{result['healthz_failed']}"
            if result["assets_failed"] or result["healthz_failed"]
            else ""
        )
    )


# --- Files, selection and start-up --------------------------------------------------------------


def run_command(
    env: dict[str, str], *arguments: str, stdout: Any = None
) -> tuple[float, float, int, str]:
    """(seconds, peak MiB, exit code, stderr tail) of ``manage.py arguments`` in a subprocess."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - manage.py of this checkout, fixed arguments
            [sys.executable, str(ROOT / "manage.py"), *arguments],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=stdout if stdout is not None else subprocess.DEVNULL,
            stderr=errors,
        )
        # wait4 gives this child's own peak memory (ru_maxrss, KiB on Linux).
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read()[-500:].decode(errors="replace")
    return elapsed, usage.ru_maxrss / 1024, process.returncode, tail


def run_files(
    generated: dict[str, Any], env: dict[str, str], workdir: Path
) -> list[tuple[str, str, str, str]]:
    """Rows (what, measured, target, verdict)."""
    rows: list[tuple[str, str, str, str]] = []

    def verdict(value: float, limit: float) -> str:
        return "PASS" if value <= limit else "FAIL"

    from assessments.models import InformationAsset, Initiative

    large = generated["large"]
    scale = (
        f"{InformationAsset.objects.filter(organisation=large.organisation).count()} assets, "
        f"{Initiative.objects.filter(organisation=large.organisation).count()} initiatives"
    )
    # export_register of the large organisation (the command, start-up included).
    progress("export_register")
    exported = workdir / "register-large.json"
    with exported.open("wb") as out:
        seconds, peak, code, err = run_command(
            env, "export_register", "--organisation", large.size.code, stdout=out
        )
    if code:
        rows.append((f"export_register ({scale})", f"ERROR {err.strip()[-120:]}", "≤ 5 s", "ERROR"))
    else:
        rows.append(
            (
                f"export_register ({scale})",
                f"{seconds:.1f} s, {exported.stat().st_size / 2**20:.1f} MiB, peak {peak:.0f} MiB",
                "≤ 5 s",
                verdict(seconds, FILE_TARGETS["export_register"]),
            )
        )
        # import_register of that register as a new organisation.
        progress("import_register (a new organisation from the large register)")
        document = json.loads(exported.read_text(encoding="utf-8"))
        document["organisation"] = {"code": "bench-import", "name": "Importerad kommun"}
        imported = workdir / "register-import.json"
        imported.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        counts = (
            f"{len(document.get('information_assets', []))} assets, "
            f"{len(document.get('initiatives', []))} initiatives"
        )
        seconds, peak, code, err = run_command(env, "import_register", str(imported))
        if code:
            rows.append(
                (f"import_register ({counts})", f"ERROR {err.strip()[-120:]}", "≤ 30 s", "ERROR")
            )
        else:
            ok = (
                seconds <= FILE_TARGETS["import_register"]
                and peak <= FILE_TARGETS["import_register_mb"]
            )
            rows.append(
                (
                    f"import_register ({counts})",
                    f"{seconds:.1f} s, peak {peak:.0f} MiB",
                    "≤ 30 s, ≤ 400 MB",
                    "PASS" if ok else "FAIL",
                )
            )

    # The portfolio XLSX of 1 000 initiatives: the export job as the worker runs it, and the
    # builder alone.
    progress("portfolio XLSX")
    try:
        from portfolio import exports, selectors
        from portfolio.models import PortfolioReportJob
        from portfolio.tasks import build_portfolio_export

        settings_row = selectors.portfolio_settings(large.organisation)
        job = PortfolioReportJob.objects.create(
            organisation=large.organisation,
            kind="xlsx",
            parameters={
                "year": settings_row.year,
                "scenario": "",
                "budget": "",
                "saved_scenario": None,
                "department_ids": None,
            },
            language="sv",
            created_by=large.admin,
        )
        start = time.perf_counter()
        build_portfolio_export(job.pk)
        seconds = time.perf_counter() - start
        job.refresh_from_db()
        size = job.file.size if job.file else 0
        rows.append(
            (
                f"portfolio XLSX job ({scale.split(', ')[1]})",
                f"{seconds:.1f} s ({job.status}, {size / 1024:.0f} KiB)",
                "≤ 5 s",
                verdict(seconds, FILE_TARGETS["portfolio_xlsx"])
                if job.status == "done"
                else "ERROR",
            )
        )
        portfolio = exports.compute_for_job(job)
        start = time.perf_counter()
        exports.build("xlsx", portfolio)
        rows.append(
            ("  of which the XLSX builder alone", f"{time.perf_counter() - start:.1f} s", "", "")
        )
    except Exception as exc:
        traceback.print_exc(file=sys.stdout)
        rows.append(("portfolio XLSX job", f"ERROR {exc}"[:80], "≤ 5 s", "ERROR"))

    # The optimal selection: of the large organisation's initiatives (its readiness decides
    # how many take part), and of 1 000 generated candidates of which 80 % are ready.
    progress("optimal selection")
    from decimal import Decimal

    from benchmarks import benchmark_selection
    from portfolio import selection

    problems = []
    try:
        from portfolio import selectors

        computed = selectors.compute(large.organisation, department_ids=None, with_frontier=False)
        candidates = [row.candidate() for row in computed.ranked]
        ready = sum(1 for c in candidates if c.ready)
        problems.append(
            (
                f"{len(candidates)} initiatives of the large org ({ready} ready)",
                candidates,
                computed.budget,
            )
        )
    except Exception as exc:
        rows.append(("optimal selection of the large org", f"ERROR {exc}"[:80], "≤ 2 s", "ERROR"))
    generated_candidates, _inputs = benchmark_selection.generate(1000, 2027)
    problems.append(
        (
            "1000 generated candidates (80 % ready)",
            generated_candidates,
            (sum((c.cost for c in generated_candidates), Decimal(0)) / 3).quantize(Decimal(1)),
        )
    )
    for label, candidates, budget in problems:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            chosen = selection.optimal_selection(candidates, budget)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        rows.append(
            (
                f"optimal selection, {label}",
                f"{median:.2f} s (median of 3, {len(chosen.codes)} chosen)",
                "≤ 2 s",
                verdict(median, FILE_TARGETS["optimal_selection"]),
            )
        )

    progress("manage.py check (5 runs)")
    checks = [run_command(env, "check") for _ in range(5)]
    failed = [c for c in checks if c[2]]
    median = statistics.median(c[0] for c in checks)
    rows.append(
        (
            "manage.py check (median of 5)",
            f"{median:.2f} s" + (f" (exit {failed[0][2]})" if failed else ""),
            "≤ 1.5 s",
            verdict(median, FILE_TARGETS["check"]) if not failed else "ERROR",
        )
    )
    return rows


def print_files(rows: list[tuple[str, str, str, str]]) -> None:
    say()
    say("Files, selection and start-up (commands in a subprocess, start-up included):")
    for what, value, target, verdict in rows:
        say(f"{what:<66}{value:<36}{target:<18}{verdict}")


# --- Main ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def timed(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    progress(f"{label}: {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="klassa_bench", help="Database to create and use.")
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page and write.")
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="Run only this section (repeatable)."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per load test.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/11")
    parser.add_argument(
        "--no-broker", action="store_true", help="Run tasks in-process, with a per-process cache."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Try the harness: a large organisation of 1 000 assets, 3 requests, 2 s loads.",
    )
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.duration = min(args.repeat, 3), min(args.duration, 2.0)
    sections = args.only or list(SECTIONS)
    started = time.perf_counter()

    base = os.environ.get("DATABASE_URL", "")
    maintenance, database_url = bench_urls(base, args.database)
    workdir = Path(tempfile.mkdtemp(prefix="klassa-bench-"))
    env = environment(args, database_url, workdir)
    os.environ.update(env)

    say(f"Klassa benchmark, {datetime.now():%Y-%m-%d %H:%M}, code {git_description()}")
    say(f"Load average at the start (other work on the machine): {load_average()}")
    tasks = (
        "tasks in-process" if args.no_broker else "Redis broker and cache, one solo Celery worker"
    )
    say(
        f"{os.cpu_count()} CPUs; PostgreSQL database {args.database}; production settings "
        f"(debug off); {tasks}; "
        f"{args.repeat} timed requests per page and write"
    )
    with timed("create the database"):
        recreate_database(maintenance, args.database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from benchmarks import generate

    worker: Any = NoWorker()
    try:
        with timed("migrate"):
            call_command("migrate", verbosity=0)
        with timed("collect static files"):
            call_command("collectstatic", interactive=False, verbosity=0)
        with timed("generate the large and small organisations"):
            large = (
                generate.Size(generate.LARGE.code, generate.LARGE.name, 10, 1000, 100)
                if args.quick
                else generate.LARGE
            )
            made = {
                "large": generate.generate_organisation(large, seed=args.seed),
                "small": generate.generate_organisation(generate.SMALL, seed=args.seed),
            }
        with timed("rebuild_derived"):
            generate.rebuild_derived()
        for size, generated in made.items():
            say(f"{size}: {generated.size.code} {generated.counts}")
        if not args.no_broker:
            with timed("start the Celery worker"):
                worker = Worker(env, workdir)
                worker.start()
                worker.drain()

        # No setup_test_environment(): its template instrumentation is not production's.
        with override_settings(ROOT_URLCONF="benchmarks.urls"):
            if "pages" in sections:
                with timed("pages"):
                    pages = run_pages(made, args.repeat, worker)
                print_pages(pages)
            if "writes" in sections:
                with timed("writes"):
                    writes = run_writes(made, args.repeat, worker)
                print_writes(writes)
        if "throughput" in sections:
            with timed("throughput"):
                try:
                    throughput = run_throughput(made, args, env, workdir)
                except Exception as exc:
                    traceback.print_exc(file=sys.stdout)
                    throughput = {"error": str(exc)}
            print_throughput(throughput, args)
        if "files" in sections:
            with timed("files"):
                files = run_files(made, env, workdir)
            print_files(files)
    finally:
        worker.stop()
        connections.close_all()
        if args.keep:
            say(f"database {args.database} kept")
        else:
            recreate_database(maintenance, args.database, drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)
    say()
    say(f"Whole run: {time.perf_counter() - started:.0f} s; load average now {load_average()}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    say(f"Peak memory of the runner: {usage.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
