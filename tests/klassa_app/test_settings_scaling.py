"""Settings for several web and worker processes: production refuses a per-process cache,
files go to S3-compatible object storage when it is configured, and every file Klassa
writes or serves goes through the configured storage, never a local path.

No network is needed: the S3 storage is built and signs an address without connecting.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from storages.backends.s3 import S3Storage

from klassa_app.checks import production_cache_is_shared
from portfolio.models import PortfolioReportJob

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "klassa_app" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
APP_PACKAGES = ("klassa_app", "assessments", "benefits", "portfolio")

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"

S3_ENV = {
    "S3_BUCKET": "klassa-files",
    "S3_ENDPOINT_URL": "https://s3.example.se",
    "S3_REGION": "eu-north-1",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLEKEY",
    "S3_SECRET_ACCESS_KEY": "example-secret-access-key",
}


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    """A fresh copy of klassa_app/settings.py read with exactly this environment (on top of
    development defaults); the running settings are left alone."""
    for name in list(os.environ):
        if name.startswith(("S3_", "AWS_", "KLASSA_")) or name in {"CACHE_URL", "MEDIA_ROOT"}:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("klassa_settings_probe", SETTINGS_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- The cache ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "backend",
    [
        LOCMEM,
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_production_refuses_a_cache_that_lives_in_one_process(settings, backend):
    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "/nonexistent/klassa"}}
    errors = production_cache_is_shared()
    assert [e.id for e in errors] == ["klassa.E002"]
    assert isinstance(errors[0], Error)
    assert "CACHE_URL" in errors[0].hint


def test_production_start_up_stops_on_the_per_process_cache(settings):
    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": LOCMEM}}
    with pytest.raises(SystemCheckError, match=r"klassa\.E002"):
        call_command("check")


def test_production_accepts_a_shared_redis_cache(settings):
    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:6379/1"}}
    assert production_cache_is_shared() == []


def test_development_keeps_its_in_process_cache(settings):
    settings.PRODUCTION = False
    settings.CACHES = {"default": {"BACKEND": LOCMEM}}
    assert production_cache_is_shared() == []


def test_cache_url_selects_redis(monkeypatch):
    loaded = load_settings(monkeypatch, CACHE_URL="redis://redis:6379/1")
    assert loaded.CACHES["default"] == {"BACKEND": REDIS, "LOCATION": "redis://redis:6379/1"}


def test_without_cache_url_the_cache_is_in_process(monkeypatch):
    assert load_settings(monkeypatch).CACHES["default"]["BACKEND"] == LOCMEM


def test_a_cache_url_that_is_not_redis_is_refused_by_name(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a Redis URL"):
        load_settings(monkeypatch, CACHE_URL="memcached://cache:11211")


# --- The file storage -----------------------------------------------------------------------


def test_without_s3_files_are_kept_under_media_root(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, MEDIA_ROOT=str(tmp_path))
    assert loaded.STORAGES["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert tmp_path == loaded.MEDIA_ROOT


def test_s3_settings_select_the_s3_storage_with_its_options(monkeypatch):
    loaded = load_settings(monkeypatch, **S3_ENV, S3_PREFIX="/klassa/")
    default = loaded.STORAGES["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = S3Storage(**default["OPTIONS"])
    assert storage.bucket_name == "klassa-files"
    assert storage.endpoint_url == "https://s3.example.se"
    assert storage.region_name == "eu-north-1"
    assert storage.location == "klassa"
    assert storage.default_acl is None
    assert storage.file_overwrite is False
    # Signed locally, without a request: the address names the endpoint, the bucket in the
    # path (as S3-compatible services need) and the key under the prefix.
    address = urlsplit(storage.url("reports/2026/01/plan.pdf"))
    assert (address.scheme, address.hostname) == ("https", "s3.example.se")
    assert address.path == "/klassa-files/klassa/reports/2026/01/plan.pdf"
    query = parse_qs(address.query)
    assert query["X-Amz-Credential"][0].startswith("AKIAEXAMPLEKEY/")
    assert "X-Amz-Signature" in query


def test_the_s3_storage_becomes_the_storage_of_report_files(monkeypatch, settings):
    settings.STORAGES = load_settings(monkeypatch, **S3_ENV).STORAGES
    assert isinstance(default_storage, S3Storage)
    assert isinstance(PortfolioReportJob._meta.get_field("file").storage, S3Storage)


def test_s3_on_aws_without_keys_uses_the_machines_role_and_default_addressing(monkeypatch):
    options = load_settings(monkeypatch, S3_BUCKET="klassa-files").STORAGES["default"]["OPTIONS"]
    assert options["access_key"] is None and options["secret_key"] is None
    assert options["endpoint_url"] is None
    assert options["addressing_style"] == "auto"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"S3_ACCESS_KEY_ID": "AKIAEXAMPLEKEY"}, "S3_SECRET_ACCESS_KEY"),
        ({"S3_SECRET_ACCESS_KEY": "secret"}, "S3_ACCESS_KEY_ID"),
        ({"S3_ENDPOINT_URL": "s3.example.se"}, "S3_ENDPOINT_URL"),
        ({"S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
    ],
    ids=["key-without-secret", "secret-without-key", "endpoint-without-scheme", "bad-style"],
)
def test_incomplete_s3_settings_are_refused_by_name(monkeypatch, env, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        load_settings(monkeypatch, S3_BUCKET="klassa-files", **env)


def test_the_s3_example_in_env_example_selects_the_s3_storage(monkeypatch):
    commented = re.findall(
        r"^# (S3_[A-Z_]+)=(\S+)$", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE
    )
    example = dict(commented)
    assert {"S3_BUCKET", "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"} <= set(
        example
    )
    options = load_settings(monkeypatch, **example).STORAGES["default"]["OPTIONS"]
    storage = S3Storage(**options)
    assert storage.bucket_name == example["S3_BUCKET"]
    assert storage.endpoint_url == example["S3_ENDPOINT_URL"]


# --- Every file goes through the storage ----------------------------------------------------


@pytest.mark.usefixtures("portfolio_data")
def test_an_export_is_written_to_and_served_from_the_configured_storage(
    as_user, admin, settings, tmp_path, django_capture_on_commit_callbacks
):
    # Another node's file system is not visible here: only the storage is shared.
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolio_export_start", args=["xlsx"]))
    assert response.status_code == 302
    job = PortfolioReportJob.objects.get()
    assert job.status == PortfolioReportJob.Status.DONE
    assert default_storage.exists(job.file.name)
    with default_storage.open(job.file.name, "rb") as stored:
        content = stored.read()
    assert content.startswith(b"PK")  # an XLSX is a zip file
    download = client.get(reverse("portfolio_export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert not any(tmp_path.iterdir()), "a file was written to the local media folder"


def test_application_code_never_reaches_files_through_a_local_path():
    # A FileField's .path, storage.path() and MEDIA_ROOT exist only on one machine's disk.
    pattern = re.compile(r"\.path\(|\.file\.path\b|\bMEDIA_ROOT\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in APP_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != SETTINGS_FILE and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
