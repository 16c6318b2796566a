"""Operations: every request has an id that its log lines carry, production logs are JSON,
errors reach Sentry/GlitchTip or the admins, and a backup restores into a fresh database
that the application reads."""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from klassa_app.observability import (
    JsonFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
    parse_admins,
)
from tests.factories import OrganisationFactory
from tests.klassa_app.helpers import compose_services

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "KLASSA_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "klassa.example.se",
    "CACHE_URL": "redis://127.0.0.1:6379/14",
}


def _logged_during_a_request(headers: dict[str, str]) -> tuple[HttpResponse, dict]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("klassa.test.operations")
    logger.addHandler(handler)
    logger.propagate = False

    def view(request):
        logger.warning("handling %s", request.path)
        return HttpResponse("ok")

    try:
        request = RequestFactory().get("/somewhere/", headers=headers)
        response = RequestIdMiddleware(view)(request)
    finally:
        logger.removeHandler(handler)
    return response, json.loads(stream.getvalue().splitlines()[0])


def test_every_request_gets_an_id_that_its_log_lines_carry():
    response, line = _logged_during_a_request({})
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert line["request_id"] == request_id
    assert line["message"] == "handling /somewhere/"
    assert line["level"] == "WARNING"


def test_the_proxy_s_request_id_is_kept_when_it_is_a_sane_token():
    response, line = _logged_during_a_request({"X-Request-ID": "edge-4f2a9c81"})
    assert response["X-Request-ID"] == line["request_id"] == "edge-4f2a9c81"


@pytest.mark.parametrize("offered", ["short", "with space 123456", "x" * 65, "<script>alert"])
def test_a_strange_request_id_is_replaced(offered):
    response, line = _logged_during_a_request({"X-Request-ID": offered})
    assert response["X-Request-ID"] != offered
    assert line["request_id"] == response["X-Request-ID"]


def test_outside_a_request_the_log_lines_say_so():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "plain %s", ("text",), None)
    RequestIdFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "-"


def test_the_admins_are_read_from_one_variable():
    assert parse_admins("Anna Drift <drift@kommun.se>, it@kommun.se,") == [
        ("Anna Drift", "drift@kommun.se"),
        ("it@kommun.se", "it@kommun.se"),
    ]
    assert parse_admins("") == []
    with pytest.raises(ValueError, match="not an e-mail address"):
        parse_admins("Anna Drift")


def _settings_in_production(extra: dict[str, str], program: str) -> str:
    env = {**os.environ, **PRODUCTION, **extra, "DJANGO_SETTINGS_MODULE": "klassa_app.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {program}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_logs_are_json_and_errors_are_mailed_to_the_admins_without_sentry():
    out = _settings_in_production(
        {"ADMINS": "Drift <drift@kommun.se>"},
        "from django.conf import settings as s; import sentry_sdk; "
        "print(s.LOGGING['handlers']['console']['formatter'], "
        "s.LOGGING['loggers']['django.request']['handlers'], s.ADMINS, "
        "sentry_sdk.get_client().is_active())",
    )
    assert out == "json ['console', 'mail_admins'] [('Drift', 'drift@kommun.se')] False"


def test_with_a_sentry_dsn_errors_go_to_sentry_and_not_by_mail():
    out = _settings_in_production(
        {
            "SENTRY_DSN": "https://public@glitchtip.kommun.example/3",
            "ADMINS": "drift@kommun.se",
        },
        "from django.conf import settings as s; import sentry_sdk; c = sentry_sdk.get_client(); "
        "print(c.is_active(), c.options['send_default_pii'], c.options['environment'], "
        "s.LOGGING['loggers']['django.request']['handlers'])",
    )
    assert out == "True False production ['console']"


# --- Backup and restore ---------------------------------------------------------------------


def _pg_env(database: str) -> dict[str, str]:
    params = connection.get_connection_params()
    env = {**os.environ, "PGDATABASE": database, "PGHOST": str(params.get("host") or "")}
    env["PGUSER"] = str(params.get("user") or "postgres")
    if params.get("port"):
        env["PGPORT"] = str(params["port"])
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return env


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_that_the_application_reads(tmp_path):
    if connection.vendor != "postgresql":
        pytest.fail("the backup test needs DATABASE_URL pointing at PostgreSQL")
    OrganisationFactory(code="backupkommun", name="Backupkommun")
    media = tmp_path / "media"
    (media / "portfolio").mkdir(parents=True)
    (media / "portfolio" / "rapport.xlsx").write_bytes(b"report bytes")
    backups = tmp_path / "backups"
    source = _pg_env(connection.settings_dict["NAME"])
    subprocess.run(
        ["sh", str(ROOT / "deploy" / "backup.sh")],
        env={**source, "BACKUP_ONCE": "1", "BACKUP_DIR": str(backups), "MEDIA_DIR": str(media)},
        check=True,
        capture_output=True,
        timeout=300,
    )
    (dump,) = backups.glob("klassa-*.dump")
    (archive,) = backups.glob("media-*.tar.gz")

    fresh = f"klassa_restore_{uuid.uuid4().hex[:8]}"
    target = _pg_env(fresh)
    subprocess.run(["createdb", fresh], env=target, check=True, timeout=60)
    try:
        restored_media = tmp_path / "restored-media"
        subprocess.run(
            ["sh", str(ROOT / "deploy" / "restore.sh"), str(dump), str(archive)],
            env={**target, "MEDIA_DIR": str(restored_media)},
            check=True,
            capture_output=True,
            timeout=300,
        )
        assert (restored_media / "portfolio" / "rapport.xlsx").read_bytes() == b"report bytes"
        url = "postgres://{user}@{host}:{port}/{name}".format(
            user=target["PGUSER"],
            host=target["PGHOST"] or "127.0.0.1",
            port=target.get("PGPORT", "5432"),
            name=fresh,
        )
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "klassa_app.settings"}
        read = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from klassa_app.models import Organisation; "
                "print(sorted(Organisation.objects.values_list('code', flat=True)))",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert "backupkommun" in read.stdout
        for command in (["migrate", "--check"], ["rebuild_derived", "--check"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120
            )
        # A restore refuses a database that already holds data.
        again = subprocess.run(
            ["sh", str(ROOT / "deploy" / "restore.sh"), str(dump)],
            env=target,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        subprocess.run(["dropdb", "--if-exists", fresh], env=target, check=False, timeout=60)


def test_the_compose_stack_backs_up_the_database_and_the_media_files():
    backup = compose_services()["backup"]
    assert "media:/media:ro" in backup["volumes"]
    assert "backups:/backups" in backup["volumes"]
    assert backup["environment"]["PGHOST"] == "postgres"
    assert backup["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in backup
    for script in ("backup.sh", "restore.sh"):
        subprocess.run(["sh", "-n", str(ROOT / "deploy" / script)], check=True, timeout=30)
