"""Forms of the organisation's sign-in settings page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klassa_app.models import DEFAULT_MFA_AMR_VALUES, IdentityProvider, Role


class SignInSettingsForm(forms.Form):
    password_sign_in = forms.BooleanField(
        label=_("Password sign-in"),
        required=False,
        help_text=_(
            "Off: members sign in only through an identity provider, and the login page "
            "opened for the organisation shows no password form."
        ),
    )
    mfa_required = forms.BooleanField(
        label=_("Two-factor authentication required"),
        required=False,
        help_text=_(
            "Organisation admins and security officers who sign in with a password must use "
            "a second factor (an authenticator app)."
        ),
    )


def mapping_text(mapping: dict[str, str]) -> str:
    return "\n".join(f"{value} = {role}" for value, role in sorted(mapping.items()))


class IdentityProviderForm(forms.Form):
    label = forms.CharField(
        label=_("Button label"),
        max_length=80,
        help_text=_('Shown on the login page as "Log in with …", e.g. Microsoft Entra ID.'),
    )
    discovery_url = forms.URLField(
        label=_("Issuer or discovery URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Microsoft Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0 (the "
            "tenant's id, not common)."
        ),
    )
    client_id = forms.CharField(
        label=_("Client id"),
        max_length=200,
        help_text=_("Microsoft Entra ID: the application (client) id of the app registration."),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again. Leave empty to keep the one saved."),
    )
    subject_claim = forms.CharField(
        label=_("Subject claim"),
        max_length=60,
        initial="sub",
        help_text=_("The claim that identifies a person for good. Microsoft Entra ID: oid."),
    )
    scopes = forms.CharField(label=_("Scopes"), max_length=300, initial="openid email profile")
    trust_email = forms.BooleanField(
        label=_("Trust the provider's e-mail addresses"),
        required=False,
        help_text=_(
            "Links an invited person by e-mail address at the first sign-in even when the "
            "provider does not mark the address as verified (Microsoft Entra ID does not)."
        ),
    )
    jit_role = forms.ChoiceField(
        label=_("Create new members with the role"),
        choices=[("", _("No: only invited people may sign in")), *Role.choices],
        required=False,
    )
    role_claim = forms.CharField(
        label=_("Group or role claim"),
        max_length=60,
        required=False,
        help_text=_("E.g. groups or roles. Empty: roles are managed in Klassa only."),
    )
    role_mapping = forms.CharField(
        label=_("Roles by claim value"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: claim value = role code, e.g. 0b1c…-group-id = economist. Role "
            "codes: %(roles)s."
        )
        % {"roles": ", ".join(Role.values)},
    )
    mfa_amr_values = forms.CharField(
        label=_("Methods that count as a second factor"),
        max_length=200,
        required=False,
        initial=DEFAULT_MFA_AMR_VALUES,
        help_text=_("Values of the amr claim, separated by spaces."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, provider: IdentityProvider | None = None, **kwargs: Any):
        if provider is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "label": provider.label,
                "discovery_url": provider.discovery_url,
                "client_id": provider.client_id,
                "subject_claim": provider.subject_claim,
                "scopes": provider.scopes,
                "trust_email": provider.trust_email,
                "jit_role": provider.jit_role,
                "role_claim": provider.role_claim,
                "role_mapping": mapping_text(provider.role_mapping or {}),
                "mfa_amr_values": provider.mfa_amr_values,
                "is_active": provider.is_active,
            }
        super().__init__(*args, **kwargs)
        self.provider = provider
        if provider is None:
            self.fields["client_secret"].required = True
            self.fields["client_secret"].help_text = _("Never shown again once saved.")

    def clean_role_mapping(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["role_mapping"].splitlines(), 1):
            if not line.strip():
                continue
            value, sep, role = line.rpartition("=")
            value, role = value.strip(), role.strip()
            if not sep or not value or role not in Role.values:
                raise forms.ValidationError(
                    _(
                        "Line %(line)d: write claim value = role code, with one of the role "
                        "codes %(roles)s."
                    )
                    % {"line": number, "roles": ", ".join(Role.values)}
                )
            mapping[value] = role
        return mapping
