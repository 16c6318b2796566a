"""Forms of the benefit tracking page: plain input, the services validate and decide."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from benefits import editor
from klassa_app import numbers
from klassa_app.models import User

# A text input, not type=number: browsers refuse "1 000,5" in a number input (and Firefox
# and Chrome disagree on the decimal comma). inputmode still brings up the numeric keyboard.
MAX_LENGTH = 40  # longer text is no number the services would accept anyway
NUMBER_ATTRS = {"class": "form-control form-control-sm input-amount", "inputmode": "decimal"}


class NumberField(forms.Field):
    """A decimal number as people type it ("1 000,5", "1000.5", "2 051 895,93"), read with
    the shared number parser into an exact, bounded Decimal. Range and decimals are the services'
    business; the message names the field because the table hides the labels visually."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs=NUMBER_ATTRS))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return editor.format_number(value, str(get_format("DECIMAL_SEPARATOR")))
        return value

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            if len(text) > MAX_LENGTH:
                raise numbers.NumberError(numbers.DIGITS)
            # The shared parser: digits and exponent bounded before the services compute.
            return numbers.parse_human_number(text)
        except numbers.NumberError as error:
            raise forms.ValidationError(
                _("%(field)s: enter a number, e.g. 1 000,5."),
                code="invalid",
                params={"field": self.label, "value": text},
            ) from error


class TrackingSettingsForm(forms.Form):
    # Choices rather than a queryset: the page has one form per lever and the members are
    # read once for all of them.
    owner = forms.TypedChoiceField(
        label=_("Benefit owner"), coerce=int, required=False, empty_value=None
    )
    indicator = forms.CharField(
        label=_("Indicator"),
        max_length=300,
        required=False,
        help_text=_("What is measured, e.g. hours of administration per principal per week."),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=50, required=False, help_text=_("e.g. kr, hours, %")
    )
    baseline = NumberField(
        label=_("Baseline"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    lower_is_better = forms.BooleanField(
        label=_("Lower is better (e.g. hours of administration)"), required=False
    )
    start_year = forms.IntegerField(
        label=_("First year"), help_text=_("The calendar year of the model's year 1.")
    )

    def __init__(self, *args, owners: Iterable[User] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {user.pk: user for user in owners}
        self.fields["owner"].choices = [("", "–")] + [
            (pk, str(user)) for pk, user in self.owners.items()
        ]

    def clean_owner(self) -> User | None:
        pk = self.cleaned_data.get("owner")
        return None if pk is None else self.owners[pk]


class YearValuesForm(forms.Form):
    """One target and one actual field per year: ``target_<year>``, ``actual_<year>``."""

    def __init__(
        self, *args, years: Iterable[int] = (), targets_editable: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        for year in years:
            if targets_editable:
                self.fields[f"target_{year}"] = NumberField(
                    label=_("Target %(year)s") % {"year": year}, required=False
                )
            self.fields[f"actual_{year}"] = NumberField(
                label=_("Actual %(year)s") % {"year": year}, required=False
            )
