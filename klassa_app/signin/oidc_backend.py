"""The OpenID Connect code exchange and ID-token verification, on mozilla-django-oidc's
backend: its token request and nonce check are used as they are; the key lookup takes keys
without a ``kid`` (a provider with one key), and the signature check also verifies the
audience, the issuer, the expiry and the issue time, which the library leaves out.

The backend is configured per provider (``configure``) instead of from the settings. It never
authenticates through ``django.contrib.auth.authenticate``: the sign-in view calls
``exchange_and_verify`` and decides who the person is (``oidc_services``). Listed in
``AUTHENTICATION_BACKENDS`` only so that a signed-in session loads its user.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.utils.encoding import smart_str
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from klassa_app.signin.oidc_providers import ProviderConfig

# Seconds of clock difference allowed between the provider and this server.
CLOCK_LEEWAY = 60
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud"]


class TokenInvalid(Exception):
    """The ID token failed verification (signature, issuer, audience, expiry, nonce)."""


class TokenExchangeFailed(Exception):
    """The provider's token endpoint refused the code or could not be reached."""


class KlassaOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the library's __init__: it reads one provider from the settings.
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT: str | None = None
        self.OIDC_OP_USER_ENDPOINT: str | None = None
        self.OIDC_OP_JWKS_ENDPOINT: str | None = None
        self.OIDC_RP_CLIENT_ID: str | None = None
        self.OIDC_RP_CLIENT_SECRET: str | None = None
        self.issuer: str | None = None

    def configure(self, config: ProviderConfig, metadata: dict[str, Any]) -> KlassaOIDCBackend:
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = config.client_id
        self.OIDC_RP_CLIENT_SECRET = config.client_secret
        self.issuer = metadata["issuer"]
        return self

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> None:
        return None

    def get_user(self, user_id: int) -> Any:
        # The library's would load an inactive user too.
        return ModelBackend.get_user(self, user_id)

    def exchange_and_verify(
        self,
        request: HttpRequest,
        *,
        code: str,
        redirect_uri: str,
        nonce: str,
        code_verifier: str | None,
    ) -> dict[str, Any]:
        """Trade the code for tokens and return the verified ID token's claims."""
        self.request = request
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
        }
        if code_verifier:
            payload["code_verifier"] = code_verifier
        try:
            token_info = self.get_token(payload)
        except (requests.RequestException, ValueError) as exc:
            raise TokenExchangeFailed(str(exc)[:500]) from exc
        id_token = token_info.get("id_token") if isinstance(token_info, dict) else None
        if not isinstance(id_token, str) or not id_token:
            raise TokenExchangeFailed("the token response holds no id_token")
        try:
            claims = self.verify_token(id_token, nonce=nonce)
        except (SuspiciousOperation, jwt.PyJWTError) as exc:
            raise TokenInvalid(str(exc)) from exc
        except requests.RequestException as exc:
            raise TokenExchangeFailed(f"signing keys: {exc}"[:500]) from exc
        if not isinstance(claims, dict):
            raise TokenInvalid("the ID token holds no claims")
        return claims

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider's key for this token: the one with its ``kid``, or, for a token
        without one, the provider's only signing key."""
        assert self.OIDC_OP_JWKS_ENDPOINT is not None
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [k for k in response.json().get("keys", []) if isinstance(k, dict)]
        header = jwt.get_unverified_header(token)
        alg = smart_str(header.get("alg", ""))
        candidates = [k for k in keys if k.get("use", "sig") == "sig" and k.get("alg", alg) == alg]
        if "kid" in header:
            candidates = [k for k in candidates if k.get("kid") == smart_str(header["kid"])]
        if len(candidates) != 1:
            raise SuspiciousOperation("No single signing key of the provider matches the token.")
        return jwt.PyJWK(candidates[0])

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        header = jwt.get_unverified_header(payload)
        alg = header.get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"The token is signed with {alg!r}, not {self.OIDC_RP_SIGN_ALGO}."
            )
        claims = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=self.issuer,
            leeway=CLOCK_LEEWAY,
            options={"require": REQUIRED_CLAIMS},
        )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # Several audiences: the token must have been issued to this client (azp).
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The token was issued to another client (azp).")
        return claims
