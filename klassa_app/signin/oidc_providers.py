"""The identity providers a person may sign in with: the organisations' (``IdentityProvider``)
and the installation's own, read from the environment (``settings.OIDC_*``). Both are seen
through one shape, ``ProviderConfig``, by the sign-in flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from klassa_app.models import DEFAULT_MFA_AMR_VALUES, IdentityProvider, Organisation
from klassa_app.signin import oidc_secrets

INSTALLATION_KEY = "installation"
WELL_KNOWN = "/.well-known/openid-configuration"
# A provider's metadata changes seldom; its signing keys are fetched at every sign-in.
DISCOVERY_CACHE_SECONDS = 60 * 60


class ProviderUnavailable(Exception):
    """The provider's metadata could not be read (network, HTTP error, not OpenID Connect)."""


@dataclass(frozen=True)
class ProviderConfig:
    key: str
    label: str
    organisation: Organisation
    discovery_url: str
    client_id: str
    client_secret: str
    subject_claim: str = "sub"
    scopes: str = "openid email profile"
    trust_email: bool = False
    jit_role: str = ""
    role_claim: str = ""
    role_mapping: dict[str, str] = field(default_factory=dict)
    mfa_values: frozenset[str] = frozenset(DEFAULT_MFA_AMR_VALUES.split())
    # None for the installation's provider.
    provider: IdentityProvider | None = None

    @property
    def is_installation_wide(self) -> bool:
        return self.provider is None

    @property
    def scope(self) -> str:
        scopes = self.scopes.split()
        return " ".join(["openid", *[s for s in scopes if s != "openid"]])


def from_model(provider: IdentityProvider) -> ProviderConfig:
    return ProviderConfig(
        key=provider.key,
        label=provider.label,
        organisation=provider.organisation,
        discovery_url=provider.discovery_url,
        client_id=provider.client_id,
        client_secret=oidc_secrets.decrypt(provider.client_secret_encrypted),
        subject_claim=provider.subject_claim or "sub",
        scopes=provider.scopes,
        trust_email=provider.trust_email,
        jit_role=provider.jit_role,
        role_claim=provider.role_claim,
        role_mapping=dict(provider.role_mapping or {}),
        mfa_values=frozenset(provider.mfa_amr_values.split()),
        provider=provider,
    )


def installation_provider() -> ProviderConfig | None:
    """The provider configured in the environment, or None (unset, or its organisation code
    names no organisation)."""
    if not settings.OIDC_DISCOVERY_URL or not settings.OIDC_CLIENT_ID:
        return None
    organisation = Organisation.objects.filter(code=settings.OIDC_ORGANISATION).first()
    if organisation is None:
        return None
    return ProviderConfig(
        key=INSTALLATION_KEY,
        label=settings.OIDC_LABEL or _("Single sign-on"),
        organisation=organisation,
        discovery_url=settings.OIDC_DISCOVERY_URL,
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=settings.OIDC_CLIENT_SECRET or "",
        subject_claim=settings.OIDC_SUBJECT_CLAIM,
        scopes=settings.OIDC_SCOPES,
        trust_email=settings.OIDC_TRUST_EMAIL,
    )


def get_provider(key: str) -> ProviderConfig | None:
    """The active provider named by ``key`` ("installation" or "idp-<id>"), or None."""
    if key == INSTALLATION_KEY:
        return installation_provider()
    prefix, _sep, number = key.partition("-")
    if prefix != "idp" or not number.isdigit():
        return None
    provider = (
        IdentityProvider.objects.select_related("organisation")
        .filter(pk=int(number), is_active=True)
        .first()
    )
    return from_model(provider) if provider is not None else None


def providers_for_login(organisation: Organisation | None) -> list[ProviderConfig]:
    """The buttons of the login page: the installation's provider, and the organisation's
    active ones when the page was opened for an organisation (``?organisation=<code>``)."""
    found: list[ProviderConfig] = []
    if organisation is not None:
        found.extend(
            from_model(p)
            for p in organisation.identity_providers.filter(is_active=True).order_by("label")
        )
    installation = installation_provider()
    if installation is not None and (
        organisation is None or installation.organisation.pk == organisation.pk
    ):
        found.append(installation)
    return found


def discovery_document_url(url: str) -> str:
    url = url.strip()
    if url.endswith(WELL_KNOWN):
        return url
    return url.rstrip("/") + WELL_KNOWN


def is_allowed_url(url: str) -> bool:
    """https, or http to this machine outside production (a provider under test)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return (
        parts.scheme == "http"
        and parts.hostname in {"localhost", "127.0.0.1"}
        and not settings.PRODUCTION
    )


def discover(config: ProviderConfig) -> dict[str, Any]:
    """The provider's metadata (OpenID Connect Discovery), kept in the cache for an hour."""
    url = discovery_document_url(config.discovery_url)
    cache_key = f"klassa:oidc:discovery:{url}"
    metadata = cache.get(cache_key)
    if metadata is not None:
        return metadata
    if not is_allowed_url(url):
        raise ProviderUnavailable(f"not an https address: {url}")
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed: {exc}") from exc
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not isinstance(metadata, dict) or any(
        not isinstance(metadata.get(name), str) for name in needed
    ):
        raise ProviderUnavailable("the discovery document lacks issuer or endpoints")
    if not all(is_allowed_url(metadata[name]) for name in needed[1:]):
        raise ProviderUnavailable("the provider's endpoints are not https addresses")
    cache.set(cache_key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata
