"""Forms of the benefit tracking page: plain input, the services validate and decide."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from klassa_app.models import User


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
    baseline = forms.DecimalField(
        label=_("Baseline"), max_digits=19, decimal_places=4, required=False
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


INPUT_ATTRS = {"class": "form-control form-control-sm", "step": "any"}


class YearValuesForm(forms.Form):
    """One target and one actual field per year: ``target_<year>``, ``actual_<year>``."""

    def __init__(
        self, *args, years: Iterable[int] = (), targets_editable: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        for year in years:
            if targets_editable:
                self.fields[f"target_{year}"] = forms.DecimalField(
                    label=_("Target %(year)s") % {"year": year},
                    max_digits=19,
                    decimal_places=4,
                    required=False,
                    widget=forms.NumberInput(attrs=INPUT_ATTRS),
                )
            self.fields[f"actual_{year}"] = forms.DecimalField(
                label=_("Actual %(year)s") % {"year": year},
                max_digits=19,
                decimal_places=4,
                required=False,
                widget=forms.NumberInput(attrs=INPUT_ATTRS),
            )
