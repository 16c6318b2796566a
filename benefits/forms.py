from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class BenefitDocumentForm(forms.Form):
    document = forms.CharField(
        label=_("Benefit model (JSON, klassa.benefit-model/1)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "font-monospace"}),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_document(self) -> Any:
        try:
            # Decimal, never float, from the first character on.
            return json.loads(self.cleaned_data["document"], parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not valid JSON: %(error)s") % {"error": error.msg}
            ) from error
