from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from api.models import ApiToken
from api.tokens import do_create_token


def bearer(secret: str) -> Client:
    """A client that calls the API as an integration does: a token, no cookies."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    """The rate limit counts in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def make_token(admin):
    def make(scope: str = ApiToken.Scope.READ, **kwargs) -> str:
        kwargs.setdefault("actor", admin)
        kwargs.setdefault("organisation", admin.memberships.first().organisation)
        kwargs.setdefault("name", "Ärendesystem")
        kwargs.setdefault("days", 30)
        return do_create_token(scope=scope, **kwargs).secret

    return make
