"""Forms of the portfolio pages. They collect text; the services parse amounts, weights and
scores, so a bad value comes back as a ``ServiceError`` naming its field (``SERVICE_FIELDS``
maps the service's names to these forms' fields)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from portfolio import scoring
from portfolio.exports import CRITERION_LABELS
from portfolio.models import BenefitScenario, Forced, RankingMethod

STATUS_CHOICES = [
    ("", _("All")),
    ("ready", _("Ready")),
    ("blocked", _("Blocked")),
    ("selected", _("Selected")),
    ("approved", _("Classification approved")),
    ("provisional", _("Classification provisional")),
    ("incomplete", _("Classification incomplete")),
]


def number_text(value: Decimal | None, *, grouped: bool = False) -> str:
    """A number as the help texts write it and the services read it back: no trailing
    zeros, the language's decimal mark, thousands grouped by spaces (``50 000 000``,
    ``0,8`` in Swedish)."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    whole, _dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    if grouped:
        head = len(whole) % 3 or 3
        whole = " ".join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    mark = get_format("DECIMAL_SEPARATOR")
    return f"{sign}{whole}{mark + fraction if fraction else ''}"


def weight_field(criterion: str) -> str:
    return f"weight_{criterion}"


def form_field(service_field: str | None) -> str | None:
    """The form field of a service's field name (``weights.strategic_fit`` →
    ``weight_strategic_fit``); None for the whole form."""
    if not service_field:
        return None
    if service_field.startswith("weights."):
        return weight_field(service_field.split(".", 1)[1])
    if service_field == "weights":
        return None
    return service_field


def apply_service_error(form: forms.Form, error: Any) -> None:
    field = form_field(error.field)
    form.add_error(field if field in form.fields else None, error.message)


class PortfolioFilterForm(forms.Form):
    """The dashboard's filters (GET). Unknown values are form errors and filter nothing."""

    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    scenario = forms.ChoiceField(
        label=_("Benefit scenario"),
        required=False,
        choices=[("", _("As in the settings")), *BenefitScenario.choices],
    )
    saved = forms.TypedChoiceField(
        label=_("Saved scenario"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args: Any, departments: Any, areas: Any, scenarios: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All"))] + [(d.pk, d.name) for d in departments]
        self.fields["area"].choices = [("", _("All"))] + [(a.pk, a.name) for a in areas]
        self.fields["saved"].choices = [("", _("Current inputs"))] + [
            (s.pk, f"{s.name} ({s.year})") for s in scenarios
        ]


class SettingsForm(forms.Form):
    year = forms.CharField(label=_("Year"), max_length=4)
    budget = forms.CharField(
        label=_("Investment budget (kr)"),
        max_length=30,
        help_text=_("Whole kronor; spaces are allowed, e.g. 50 000 000."),
    )
    scenario = forms.ChoiceField(label=_("Benefit scenario"), choices=BenefitScenario.choices)
    method = forms.ChoiceField(label=_("Ranking method"), choices=RankingMethod.choices)
    fulfilment_threshold = forms.CharField(
        label=_("Action plan fulfilment threshold"),
        max_length=10,
        help_text=_("A share from 0 to 1, e.g. 0,8; below it the readiness list warns."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in scoring.CRITERIA:
            self.fields[weight_field(criterion)] = forms.CharField(
                label=format_weight_label(criterion), max_length=10
            )

    def weights(self) -> dict[str, str]:
        return {c: self.cleaned_data[weight_field(c)] for c in scoring.CRITERIA}


def format_weight_label(criterion: str) -> Any:
    return _("Weight: %(criterion)s") % {"criterion": CRITERION_LABELS[criterion]}


class ForceForm(forms.Form):
    forced = forms.ChoiceField(label=_("Forced choice"), choices=Forced.choices, required=False)
    forced_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the initiative is forced in or out."),
    )


SCORE_CHOICES = [("", _("Not set"))] + [(str(n), str(n)) for n in range(1, 6)]


class PriorityForm(forms.Form):
    strategic_fit = forms.ChoiceField(
        label=_("Strategic fit (1–5)"), choices=SCORE_CHOICES, required=False
    )
    time_criticality = forms.ChoiceField(
        label=_("Time criticality (1–5)"), choices=SCORE_CHOICES, required=False
    )
    duration_weeks = forms.CharField(label=_("Duration (weeks)"), required=False, max_length=6)
    benefit_owner = forms.TypedChoiceField(
        label=_("Benefit owner"), required=False, coerce=int, empty_value=None
    )
    dpia_recorded = forms.BooleanField(label=_("DPIA recorded"), required=False)
    dpia_reference = forms.CharField(label=_("DPIA reference"), required=False, max_length=200)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["benefit_owner"].choices = [("", _("Nobody named"))] + [
            (p.pk, p.get_full_name() or p.email) for p in people
        ]


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    budget = forms.CharField(required=False, widget=forms.HiddenInput)
    benefit_scenario = forms.ChoiceField(
        required=False,
        choices=[("", ""), *BenefitScenario.choices],
        widget=forms.HiddenInput,
    )


class CompareForm(forms.Form):
    left = forms.TypedChoiceField(label=_("Scenario A"), coerce=int)
    right = forms.TypedChoiceField(label=_("Scenario B"), coerce=int)

    def __init__(self, *args: Any, scenarios: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.pk, f"{s.name} ({s.year})") for s in scenarios]
        self.fields["left"].choices = choices
        self.fields["right"].choices = choices
        # Two different scenarios to start with, not the same one twice.
        if not self.is_bound and len(choices) > 1:
            self.initial.setdefault("left", choices[0][0])
            self.initial.setdefault("right", choices[1][0])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("left") is not None and data.get("left") == data.get("right"):
            self.add_error(
                "right",
                forms.ValidationError(
                    _("Choose a different scenario than A."),
                    code="same_scenario",
                    params={"scenario": data["left"]},
                ),
            )
        return data


class CommitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that this scenario is the steering group's decision."),
        required=True,
        # The generic "This field is required" does not say that a box is to be ticked.
        error_messages={
            "required": _(
                "Tick the box to confirm that this scenario is the steering group's decision."
            )
        },
    )
    replace = forms.BooleanField(
        label=_("Replace the decision already committed for this year"), required=False
    )


class PrerequisitesForm(forms.Form):
    """What an initiative requires: other initiatives of its organisation."""

    form = forms.CharField(widget=forms.HiddenInput, initial="prerequisites")
    requires = forms.MultipleChoiceField(
        label=_("Requires"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Initiatives that must be delivered before this one starts, such as a shared "
            "platform. Hold Ctrl (or ⌘) to choose several."
        ),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requires"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices


PLAN_YEAR_ROWS_EXTRA = 2


class PlanYearsForm(forms.Form):
    """One investment frame per plan year: the stored years and two empty rows to add more.
    A row left empty (year and frame) is dropped."""

    form = forms.CharField(widget=forms.HiddenInput, initial="plan_years")

    def __init__(self, *args: Any, frames: dict[int, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = [*frames.items(), *[(None, None)] * PLAN_YEAR_ROWS_EXTRA]
        self.row_count = len(rows)
        for n, (year, frame) in enumerate(rows, start=1):
            self.fields[f"plan_year_{n}"] = forms.CharField(
                label=_("Year"),
                required=False,
                max_length=4,
                initial=str(year) if year else "",
            )
            self.fields[f"plan_frame_{n}"] = forms.CharField(
                label=_("Investment frame (kr)"),
                required=False,
                max_length=30,
                initial=number_text(frame, grouped=True) if frame is not None else "",
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"plan_year_{n}"], self[f"plan_frame_{n}"]) for n in range(1, self.row_count + 1)
        ]

    def budgets(self) -> dict[str, str]:
        """Year text → frame text of the filled rows (the service parses both)."""
        found: dict[str, str] = {}
        for n in range(1, self.row_count + 1):
            year = (self.cleaned_data.get(f"plan_year_{n}") or "").strip()
            frame = (self.cleaned_data.get(f"plan_frame_{n}") or "").strip()
            if not year and not frame:
                continue
            if not year:
                self.add_error(f"plan_year_{n}", _("Enter the year of this frame."))
            elif not year.isdigit():
                self.add_error(f"plan_year_{n}", _("Enter a year."))
            elif not frame:
                self.add_error(f"plan_frame_{n}", _("Enter the frame of this year."))
            elif year in found:
                self.add_error(f"plan_year_{n}", _("This year is given twice."))
            else:
                found[year] = frame
        return found

    def field_of(self, service_field: str | None) -> str | None:
        """The row's field of a service error (``budgets.2028`` → that row's frame)."""
        if service_field and service_field.startswith("budgets."):
            year = service_field.split(".", 1)[1]
            for n in range(1, self.row_count + 1):
                if (self.cleaned_data.get(f"plan_year_{n}") or "").strip() == year:
                    return f"plan_frame_{n}"
        return "plan_year_1" if service_field else None
