"""The container stack (Dockerfile, docker-compose.yml, .env.example) agrees with the code.

No Docker engine is needed: the files are parsed, every name they refer to (modules,
Celery app, management commands, variables, build sources) is resolved against the
repository, and the production settings of .env.example are run through Django's
deployment checks in a subprocess.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands
from django.http.request import validate_host

from tests.klassa_app.helpers import COMPOSE_FILE, compose, compose_services

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"

APP_SERVICES = ("migrate", "web", "worker", "beat")
ONE_SHOT = "migrate"
WSGI_TARGET = "klassa_app.wsgi:application"

# $$ is compose's escape for a literal $; ${NAME...} and $NAME are interpolated.
_INTERPOLATION = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


# --- Helpers ------------------------------------------------------------------------------


def words(value: str | list[str] | None) -> list[str]:
    """A compose command as the container sees it ($$ unescaped), in words.

    A string is shell syntax and is split; so is the script of ``sh -c``. Other list items
    (a ``python -c`` program, for instance) stay whole.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return shlex.split(value.replace("$$", "$"))
    parts = [part.replace("$$", "$") for part in value]
    if len(parts) >= 3 and parts[0] in {"sh", "/bin/sh", "bash"} and parts[1] == "-c":
        return [*parts[:2], *shlex.split(parts[2]), *parts[3:]]
    return parts


def all_commands() -> dict[str, list[str]]:
    """Every service's command and healthcheck, as words, keyed by a readable label."""
    result = {}
    for name, service in compose_services().items():
        result[f"{name} command"] = words(service.get("command"))
        test = service.get("healthcheck", {}).get("test")
        if isinstance(test, list) and test[0] == "CMD-SHELL":
            test = " ".join(test[1:])
        elif isinstance(test, list) and test[0] == "CMD":
            test = test[1:]
        result[f"{name} healthcheck"] = words(test)
    return result


def manage_py_subcommands(command: list[str]) -> list[str]:
    return [command[i + 1] for i, word in enumerate(command[:-1]) if word == "manage.py"]


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        assert separator, f".env.example: not a KEY=VALUE line: {line!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def interpolated_names(node: object) -> set[str]:
    if isinstance(node, dict):
        return set().union(
            *(interpolated_names(k) | interpolated_names(v) for k, v in node.items())
        )
    if isinstance(node, list):
        return set().union(*(interpolated_names(item) for item in node))
    if isinstance(node, str):
        return {
            m.group(1) or m.group(2) for m in _INTERPOLATION.finditer(node) if m.group(0) != "$$"
        }
    return set()


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    instructions, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        keyword, _, arguments = (current + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    assert not current, "Dockerfile ends inside a line continuation"
    return instructions


def instruction_arguments(arguments: str) -> list[str]:
    if arguments.startswith("["):
        return json.loads(arguments)
    return shlex.split(arguments)


def production_env(tmp_path: Path) -> dict[str, str]:
    """.env.example as a process environment that runs outside the compose network."""
    env = env_example()
    env["SECRET_KEY"] = secrets.token_urlsafe(60)[:60]
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    del env["CELERY_BROKER_URL"]
    env["PATH"] = os.defpath
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


# --- docker-compose.yml -------------------------------------------------------------------


def test_compose_defines_database_broker_migration_web_worker_and_beat():
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(compose_services())


def test_every_long_running_service_has_a_health_check():
    for name, service in compose_services().items():
        if name == ONE_SHOT:
            continue
        healthcheck = service.get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
        assert healthcheck.get("test"), f"{name} healthcheck has no test"


def test_migration_service_runs_once_and_is_not_restarted():
    assert compose_services()[ONE_SHOT]["restart"] == "no"


def test_dependencies_wait_for_health_or_completion_not_just_start():
    defined = compose_services()
    for name, service in defined.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on must name a condition"
        for dependency, spec in depends_on.items():
            assert dependency in defined, f"{name} depends on unknown service {dependency}"
            expected = (
                "service_completed_successfully" if dependency == ONE_SHOT else "service_healthy"
            )
            assert spec.get("condition") == expected, f"{name} -> {dependency}"
            if expected == "service_healthy":
                assert defined[dependency].get("healthcheck"), f"{dependency} has no healthcheck"


def test_web_waits_for_migrations_database_and_redis():
    depends_on = compose_services()["web"]["depends_on"]
    assert set(depends_on) >= {"migrate", "postgres", "redis"}


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_wait_for_migrations_and_redis(name):
    assert set(compose_services()[name]["depends_on"]) >= {"migrate", "redis"}


def test_only_the_migrate_service_runs_migrations():
    for label, command in all_commands().items():
        if label == f"{ONE_SHOT} command":
            assert "migrate" in manage_py_subcommands(command)
        else:
            assert not any(re.search(r"\bmigrate\b", word) for word in command), (
                f"{label} runs migrations"
            )


def test_app_services_share_one_image_and_the_env_file():
    defined = compose_services()
    images = {(defined[name]["image"], json.dumps(defined[name]["build"])) for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        env_file = defined[name]["env_file"]
        assert (env_file if isinstance(env_file, list) else [env_file]) == [".env"]


def test_infrastructure_services_do_not_receive_the_application_secrets():
    defined = compose_services()
    for name in ("postgres", "redis"):
        assert "env_file" not in defined[name]


def test_gunicorn_target_is_an_importable_wsgi_application():
    command = words(compose_services()["web"]["command"])
    target = command[command.index("gunicorn") + 1]
    assert target == WSGI_TARGET
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute))


def test_web_binds_the_port_the_image_exposes():
    command = words(compose_services()["web"]["command"])
    assert command[command.index("--bind") + 1] == "0.0.0.0:8000"
    exposed = [args for keyword, args in dockerfile_instructions() if keyword == "EXPOSE"]
    assert exposed == ["8000"]


def test_celery_app_named_by_minus_a_resolves_to_the_klassa_celery_app():
    klassa_app = importlib.import_module("klassa_app")
    assert isinstance(klassa_app.celery_app, Celery)
    names = set()
    for command in all_commands().values():
        if command[:1] == ["celery"]:
            names.add(command[command.index("-A") + 1])
    assert names == {"klassa_app"}
    # The same lookup the celery command line does for -A.
    assert find_app("klassa_app") is klassa_app.celery_app


def test_worker_and_beat_run_the_right_celery_subcommands():
    assert words(compose_services()["worker"]["command"])[3] == "worker"
    assert words(compose_services()["beat"]["command"])[3] == "beat"


def test_beat_healthcheck_looks_for_the_schedule_file_beat_writes():
    beat = compose_services()["beat"]
    command = words(beat["command"])
    schedule = command[command.index("--schedule") + 1]
    program = beat["healthcheck"]["test"][-1]
    assert f'glob.glob("{schedule}*")' in program


def test_every_manage_py_command_in_the_stack_exists():
    used = {
        label: manage_py_subcommands(command)
        for label, command in all_commands().items()
        if manage_py_subcommands(command)
    }
    used["Dockerfile"] = [
        sub
        for keyword, arguments in dockerfile_instructions()
        if keyword == "RUN"
        for sub in manage_py_subcommands(shlex.split(arguments))
    ]
    known = get_commands()
    assert {"migrate", "check", "collectstatic"} <= {sub for subs in used.values() for sub in subs}
    for label, subcommands in used.items():
        for subcommand in subcommands:
            assert subcommand in known, f"{label}: manage.py {subcommand} does not exist"


def test_web_refuses_to_start_unless_the_deployment_checks_pass():
    command = words(compose_services()["web"]["command"])
    check = command[command.index("manage.py") : command.index("&&")]
    assert check[1] == "check"
    assert "--deploy" in check
    assert check[check.index("--fail-level") + 1] == "WARNING"
    assert command[command.index("&&") + 1] == "exec"


def test_every_compose_variable_is_defined_in_env_example():
    missing = interpolated_names(compose()) - set(env_example())
    assert not missing, f"not in .env.example: {sorted(missing)}"


@pytest.mark.parametrize(
    ("allowed_hosts", "expected_host"),
    [
        ("klassa.example.se", "klassa.example.se"),
        (" .kommun.se , klassa.kommun.se", "kommun.se"),
        ("*", "localhost"),
    ],
)
def test_web_healthcheck_sends_a_host_that_allowed_hosts_accepts(
    monkeypatch, allowed_hosts, expected_host
):
    test = compose_services()["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    sent = []

    class Response:
        status = 200

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

    def fake_urlopen(request, timeout):
        sent.append(request)
        return Response()

    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(SystemExit) as exit_info:
        exec(compile(test[3], "web-healthcheck", "exec"), {})  # noqa: S102
    assert exit_info.value.code == 0
    (request,) = sent
    assert request.full_url == "http://127.0.0.1:8000/healthz"
    host = request.get_header("Host")
    assert host == expected_host
    assert validate_host(host, [h.strip() for h in allowed_hosts.split(",")])


def test_worker_healthcheck_pings_only_its_own_node():
    test = compose_services()["worker"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    command = words(" ".join(test[1:]))
    assert command[:4] == ["celery", "-A", "klassa_app", "inspect"]
    assert command[command.index("-d") + 1] == "celery@$HOSTNAME"


# --- .env.example -------------------------------------------------------------------------


def test_env_example_is_a_production_configuration():
    env = env_example()
    assert env["KLASSA_ENV"] == "production"
    assert env["KLASSA_DEBUG"] == "0"
    assert env["KLASSA_DEMO"] == "0"


def test_env_example_marks_every_secret_as_a_placeholder():
    env = env_example()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_HOST_PASSWORD"):
        assert "CHANGE-ME" in env[name], name


def test_env_example_database_url_uses_the_postgres_container_credentials():
    env = env_example()
    url = urlsplit(env["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql"}
    assert (url.hostname, url.port) == ("postgres", 5432)
    assert unquote(url.username) == env["POSTGRES_USER"]
    assert unquote(url.password) == env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == env["POSTGRES_DB"]


def test_env_example_points_broker_and_cache_at_separate_redis_databases():
    env = env_example()
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert env["CACHE_URL"] == "redis://redis:6379/1"


def test_env_example_production_settings_pass_the_deployment_checks(tmp_path):
    # Exactly the check the web container runs before gunicorn starts.
    command = words(compose_services()["web"]["command"])
    check = command[command.index("manage.py") + 1 : command.index("&&")]
    result = run_manage(check, production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "no issues" in output


def test_env_example_production_settings_serve_healthz_over_plain_http(tmp_path):
    # The compose health check calls /healthz over HTTP with a Host from ALLOWED_HOSTS:
    # it must answer 200 there, not redirect to HTTPS or reject the host.
    env = production_env(tmp_path)
    env.pop("CACHE_URL")
    host = env["ALLOWED_HOSTS"].split(",")[0].strip()
    script = (
        "from django.test import Client\n"
        f"client = Client(HTTP_HOST={host!r})\n"
        "print(client.get('/healthz').status_code, client.get('/').status_code)\n"
    )
    result = run_manage(["shell", "--no-startup", "--verbosity", "0", "-c", script], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].split() == ["200", "301"]


def test_unchanged_example_secret_key_is_refused(tmp_path):
    env = production_env(tmp_path)
    env["SECRET_KEY"] = env_example()["SECRET_KEY"]
    result = run_manage(["check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_copy_sources_exist_in_the_repository():
    copies = [args for keyword, args in dockerfile_instructions() if keyword in {"COPY", "ADD"}]
    assert copies
    for arguments in copies:
        parts = instruction_arguments(arguments)
        flags = [p for p in parts if p.startswith("--")]
        if any(flag.startswith("--from=") for flag in flags):
            continue  # copied from another build stage, not from the repository
        sources = [p for p in parts if not p.startswith("--")][:-1]
        assert sources, arguments
        for source in sources:
            assert ".." not in Path(source).parts, f"COPY {source} leaves the build context"
            assert (ROOT / source).exists() or any(ROOT.glob(source)), f"COPY {source}"


def test_dockerfile_never_puts_the_secret_key_into_the_image():
    for keyword, arguments in dockerfile_instructions():
        if keyword == "ENV":
            parts = shlex.split(arguments)
            names = [p.partition("=")[0] for p in parts] if "=" in parts[0] else [parts[0]]
            assert "SECRET_KEY" not in names
        if keyword == "ARG":
            assert arguments.partition("=")[0] != "SECRET_KEY"


def test_dockerfile_runs_the_application_as_a_non_root_user():
    users = [args for keyword, args in dockerfile_instructions() if keyword == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_installs_python_packages_from_the_hashed_lock_only():
    pip_runs = [
        args for keyword, args in dockerfile_instructions() if keyword == "RUN" and "pip " in args
    ]
    assert pip_runs
    for arguments in pip_runs:
        assert "--require-hashes" in arguments
        assert "base.lock" in arguments


def test_dockerfile_default_command_serves_the_wsgi_application():
    commands = [args for keyword, args in dockerfile_instructions() if keyword == "CMD"]
    assert WSGI_TARGET in " ".join(instruction_arguments(commands[-1]))


def test_web_and_worker_share_the_media_volume_where_reports_are_written():
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name].get("volumes", []), name


# --- Several web and worker processes -----------------------------------------------------

SCALED = ("web", "worker")
BALANCER = "balancer"


def balancer_config() -> str:
    (mount,) = [
        volume
        for volume in compose_services()[BALANCER]["volumes"]
        if volume.split(":")[1] == "/etc/nginx/conf.d/default.conf"
    ]
    source = mount.split(":")[0]
    assert source.startswith("./"), "the balancer's configuration comes from the repository"
    return (ROOT / source).read_text(encoding="utf-8")


def nginx_directives(config: str, block: str) -> list[list[str]]:
    """The simple directives of the first ``block { ... }`` (nested blocks left out)."""
    text = re.sub(r"#[^\n]*", "", config)
    start = re.search(re.escape(block) + r"\s*\{", text)
    assert start, f"no {block} block"
    depth, body = 1, []
    for char in text[start.end() :]:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            break
        body.append(char if depth == 1 else "")
    return [statement.split() for statement in "".join(body).split(";") if statement.strip()]


@pytest.mark.parametrize("name", SCALED)
def test_scaled_services_have_no_fixed_container_name_or_host_port(name):
    # `docker compose up --scale web=3 --scale worker=2` refuses a container name and cannot
    # bind one host port three times.
    service = compose_services()[name]
    assert "container_name" not in service
    assert "hostname" not in service
    assert "ports" not in service


def test_web_is_published_only_through_the_balancer():
    defined = compose_services()
    assert defined["web"]["expose"] == ["8000"]
    published = [
        (name, port) for name, service in defined.items() for port in service.get("ports", [])
    ]
    assert published == [(BALANCER, "${KLASSA_PUBLISH_ADDR:-127.0.0.1:8000}:8000")]
    assert defined[BALANCER]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_balancer_spreads_requests_over_every_web_container_it_finds_in_docker_dns():
    config = balancer_config()
    # Docker's embedded DNS, asked again while running, so that --scale is picked up.
    resolver = [d for d in nginx_directives("http {" + config + "}", "http") if d[0] == "resolver"]
    assert resolver and resolver[0][1] == "127.0.0.11"
    upstream = nginx_directives(config, "upstream klassa_web")
    assert ["server", "web:8000", "resolve"] in upstream
    assert any(d[0] == "zone" for d in upstream), "resolve needs a shared memory zone"
    location = nginx_directives(config, "location /")
    assert ["proxy_pass", "http://klassa_web"] in location
    server = nginx_directives(config, "server")
    assert ["listen", "8000"] in server


def test_balancer_passes_the_tls_proxys_headers_through_unchanged():
    # Klassa trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and counts the proxies in
    # X-Forwarded-For (AXES_PROXY_COUNT); the Host must stay one of ALLOWED_HOSTS.
    headers = {
        d[1]: d[2]
        for d in nginx_directives(balancer_config(), "location /")
        if d[0] == "proxy_set_header"
    }
    assert headers == {
        "Host": "$http_host",
        "X-Forwarded-Proto": "$http_x_forwarded_proto",
        "X-Forwarded-For": "$http_x_forwarded_for",
    }


def test_balancer_accepts_the_largest_upload_klassa_accepts():
    from interchange.register_views import MAX_UPLOAD_BYTES

    (size,) = [
        d[1]
        for d in nginx_directives(balancer_config(), "server")
        if d[0] == "client_max_body_size"
    ]
    assert size.endswith("m")
    assert int(size[:-1]) * 1024 * 1024 > MAX_UPLOAD_BYTES


def test_balancer_healthcheck_calls_the_location_its_configuration_answers():
    test = compose_services()[BALANCER]["healthcheck"]["test"]
    url = urlsplit(test[-1])
    assert (url.hostname, url.port) == ("127.0.0.1", 8000)
    assert f"location = {url.path}" in balancer_config()


def test_balancer_receives_no_application_secret():
    assert "env_file" not in compose_services()[BALANCER]
    assert "environment" not in compose_services()[BALANCER]


@pytest.mark.parametrize("name", SCALED)
def test_scaled_services_share_one_named_media_volume(name):
    assert "media:/app/var/media" in compose_services()[name]["volumes"]
    assert "media" in compose()["volumes"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_klassa_process_shares_the_redis_cache(name):
    # The compose value wins over env_file; its default is the .env.example value, so a .env
    # without CACHE_URL still gets the shared cache.
    value = compose_services()[name]["environment"]["CACHE_URL"]
    match = re.fullmatch(r"\$\{CACHE_URL:-([^}]+)\}", value)
    assert match, value
    default = urlsplit(match.group(1))
    assert (default.scheme, default.hostname) == ("redis", "redis")
    assert match.group(1) == env_example()["CACHE_URL"]


def test_env_example_production_settings_without_a_cache_url_are_refused(tmp_path):
    env = production_env(tmp_path)
    env.pop("CACHE_URL")
    command = words(compose_services()["web"]["command"])
    check = command[command.index("manage.py") + 1 : command.index("&&")]
    result = run_manage(check, env)
    assert result.returncode != 0
    assert "klassa.E002" in result.stderr
