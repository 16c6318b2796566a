"""Forms of the two-factor pages: one code each (the views call the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(
        self,
        *args: Any,
        label: Any = None,
        help_text: Any = "",
        digits_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["code"].label = label
        self.fields["code"].help_text = help_text
        if digits_only:
            # A phone shows its number pad; a recovery code needs letters, so only here.
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
