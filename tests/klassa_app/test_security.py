"""Headers, Content-Security-Policy and production settings that refuse to start unsafe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "klassa_app").rglob("templates/**/*.html")) + sorted(
    ROOT.glob("*/templates/**/*.html")
)


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(as_user, owner):
    response = as_user(owner).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_page_loads_no_asset_from_another_host(client):
    html = client.get(reverse("login")).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not s.startswith(("http:", "https:", "//")) for s in sources), sources


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_event_handler(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("KLASSA_", "SECRET", "ALLOWED"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "klassa_app.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD_KEY = "k" * 30 + "0123456789abcdefghijklmnopqrstuv"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "klassa.example.se"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "klassa.example.se"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "KLASSA_DEBUG": "1"}, "KLASSA_DEBUG"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "KLASSA_DEMO": "1"}, "KLASSA_DEMO"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "KLASSA_DEBUG": "maybe"}, "boolean"),
    ],
    ids=["no-secret", "short-secret", "no-hosts", "debug-on", "demo-on", "bad-bool"],
)
def test_production_refuses_to_start_with_unsafe_settings(env, complaint):
    result = run_settings({"KLASSA_ENV": "production", **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_starts_with_a_secret_key_and_hosts():
    result = run_settings(
        {"KLASSA_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "klassa.example.se"}
    )
    assert result.returncode == 0, result.stderr


def test_development_needs_no_configuration_at_all():
    result = run_settings({})
    assert result.returncode == 0, result.stderr
